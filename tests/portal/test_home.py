import pytest
from django.test import override_settings


@pytest.mark.django_db
def test_home_page_is_chinese_and_shows_default_site(client, demo):
    response = client.get("/")
    text = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-CN"' in text
    assert "迎江区人民政府" in text
    assert "跳到主要内容" in text
    assert "网站标识码" in text and "3408020001" in text
    assert "区住房和城乡建设局" in text


@pytest.mark.django_db
@override_settings(ALLOWED_HOSTS=["ouhai.localhost", "testserver", "unknown.example"])
def test_site_is_resolved_from_host(client, demo):
    assert "瓯海区人民政府" in client.get("/", HTTP_HOST="ouhai.localhost").content.decode()
    # An unknown host falls back to the default site.
    assert "迎江区人民政府" in client.get("/", HTTP_HOST="unknown.example").content.decode()


@pytest.mark.django_db
def test_font_switch_works_without_javascript(client, demo):
    response = client.post("/prefs/", {"font": "l", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert response.cookies["gk_font"].value == "l"
    assert 'class="font-l' in client.get("/").content.decode()


@pytest.mark.django_db
def test_preference_redirect_refuses_other_hosts(client, demo):
    response = client.post("/prefs/", {"contrast": "1", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    assert "high-contrast" in client.get("/").content.decode()


@pytest.mark.django_db
def test_security_headers(client, demo):
    response = client.get("/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_organisation_directory(client, demo):
    text = client.get("/organisations/").content.decode()
    assert "机构职能" in text and "龙狮桥乡人民政府" in text and "办公时间" in text


@pytest.mark.django_db
def test_demo_loader_is_idempotent(demo):
    from gongkai.core.demo import load_demo
    from gongkai.core.models import Membership, Organisation, Site, User

    counts = (
        Site.objects.count(),
        Organisation.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
    )
    load_demo()
    assert counts == (
        Site.objects.count(),
        Organisation.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
    )
    assert Site.objects.get(slug="yingjiang").parent.slug == "shifan"
    assert Site.objects.get(slug="ouhai").parent.slug == "shifan"
    assert Site.objects.get(is_default=True).slug == "yingjiang"
