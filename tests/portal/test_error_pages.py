"""Issue 11 point 5: every error answers in Chinese inside the site's layout (header, search,
navigation); the 500 page renders without context processors; a withdrawn record's
attachments answer 410 Gone."""

import pytest
from django.test import override_settings

from gongkai.core.models import User
from tests.conftest import login_verified

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]

HEADER = ('class="site-header"', 'role="search"', 'class="main-nav"', "政府信息公开")


def _page(client, url, status):
    response = client.get(url)
    assert response.status_code == status, url
    html = response.content.decode()
    assert '<html lang="zh-CN"' in html
    for part in HEADER:
        assert part in html, (url, part)
    return html


@override_settings(DEBUG=False)
def test_bad_url_shows_the_chinese_404_with_site_name_and_search(client):
    """Before: Django's English "Not Found" page with no header."""
    html = _page(client, "/no-such-page/", 404)
    assert "页面不存在" in html and "迎江区" in html and 'name="q"' in html
    assert "Not Found" not in html


@override_settings(DEBUG=False, ROOT_URLCONF="tests.portal.error_urls")
def test_400_403_500_in_chinese(client):
    html = _page(client, "/test-errors/400/", 400)
    assert "请求有误" in html and "Bad Request" not in html
    html = _page(client, "/test-errors/403/", 403)
    assert "没有权限" in html
    client.raise_request_exception = False
    html = _page(client, "/test-errors/500/", 500)
    assert "服务暂时不可用" in html and "Server Error" not in html
    assert "迎江区" in html  # the site the middleware attached


@override_settings(DEBUG=False)
def test_500_page_needs_no_context_processor(client, settings):
    """The 500 page must render when what failed is the site context itself."""
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "OPTIONS": {
                **settings.TEMPLATES[0]["OPTIONS"],
                "context_processors": ["tests.portal.test_error_pages.exploding_processor"],
            },
        }
    ]
    settings.ROOT_URLCONF = "tests.portal.error_urls"
    client.raise_request_exception = False
    response = client.get("/test-errors/500/")
    assert response.status_code == 500
    assert "服务暂时不可用" in response.content.decode()


def exploding_processor(request):
    raise RuntimeError("context processor down")


@override_settings(DEBUG=False)
def test_429_from_the_rate_limit_is_in_the_site_layout(client):
    """django-ratelimit's RATELIMIT_VIEW: the request form allows 5 posts per address."""
    url = "/foi/apply/"
    statuses = [client.post(url, {"name": "x"}).status_code for _ in range(10)]
    assert 429 in statuses
    response = client.post(url, {"name": "x"})
    assert response.status_code == 429
    html = response.content.decode()
    assert "操作过于频繁" in html and 'role="search"' in html


def test_staff_header_has_no_public_search_or_nav(client):
    login_verified(client, User.objects.get(username="admin"))
    response = client.get("/staff/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="site-header"' in html and "工作台" in html
    assert 'role="search"' not in html and 'name="q"' not in html
    assert "查看网站" in html
    assert html.count('href="/xxgk/"') == 0
    # one 工作台 link, in the staff navigation (before: a second one in the account bar)
    assert html.count('href="/staff/"') == 1 and 'class="account-nav"' not in html


def test_staff_entrance_pages_have_the_staff_header(client, demo_password):
    """The login and second-factor pages are staff pages: no citizens' search, no workbench
    links before the login is complete, and a way out once the password is given."""
    login = client.get("/staff/login/").content.decode()
    assert 'role="search"' not in login and "查看网站" in login
    assert 'href="/staff/"' not in login and "退出" not in login
    admin = User.objects.get(username="admin")
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=admin, name="身份验证器", confirmed=True)
    client.post("/staff/login/", {"username": "admin", "password": demo_password})
    second = client.get("/staff/2fa/").content.decode()
    assert 'role="search"' not in second and "双因素认证" in second
    assert 'href="/staff/audit/' not in second and "退出" in second


def test_a_failed_csrf_check_is_the_chinese_403(db, demo):
    """Django's CSRF failure page is English; ours says what to do, in the site's layout."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/foi/apply/", {})
    html = response.content.decode()
    assert response.status_code == 403
    assert "页面已过期或来源无法验证" in html and "迎江区人民政府" in html
    assert "CSRF verification failed" not in html
