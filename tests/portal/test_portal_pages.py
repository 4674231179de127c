import pytest

from gongkai.core.sites import touch_site
from gongkai.portal.demo import load_portal_demo
from gongkai.portal.models import Column, ColumnKind, DisclosurePage, ReadingPoint


@pytest.fixture
def portal(demo):
    load_portal_demo()
    return demo


@pytest.mark.django_db
def test_disclosure_section_has_the_national_layout(client, portal):
    text = client.get("/xxgk/").content.decode()
    for heading in ("政府信息公开指南", "政府信息公开制度", "信息公开查阅点", "机构职能"):
        assert heading in text
    guide = client.get("/xxgk/guide/").content.decode()
    assert "20个工作日" in guide and "区政务公开办公室" in guide
    assert client.get("/xxgk/nothing/").status_code == 404


@pytest.mark.django_db
def test_guide_html_is_sanitised(portal):
    page = DisclosurePage.objects.get(site=portal, kind="guide")
    page.body = (
        '<p onclick="x()">指南</p><script>alert(1)</script><a href="javascript:alert(1)">链接</a>'
    )
    page.save()
    page.refresh_from_db()
    assert (
        "script" not in page.body and "onclick" not in page.body and "javascript:" not in page.body
    )
    assert "<p>指南</p>" in page.body


@pytest.mark.django_db
def test_reading_points_page(client, portal):
    text = client.get("/reading-points/").content.decode()
    assert ReadingPoint.objects.filter(site=portal).count() == 3
    assert "迎江区政务服务中心信息公开查阅点" in text and "开放时间" in text


@pytest.mark.django_db
def test_columns_carry_the_inspection_update_rules(portal):
    news = Column.objects.get(site=portal, slug="news")
    policies = Column.objects.get(site=portal, slug="policies")
    assert news.kind == ColumnKind.NEWS and news.update_within_days == 14
    assert policies.update_within_days == 180
    load_portal_demo()  # idempotent
    assert Column.objects.filter(site=portal).count() == 6


@pytest.mark.django_db
def test_footer_has_error_report_and_identity(client, portal):
    text = client.get("/").content.decode()
    assert "我为政府网站找错" in text and "党政机关" in text and "皖ICP备" in text


@pytest.mark.django_db
def test_elder_mode_without_javascript(client, portal):
    response = client.post("/prefs/", {"elder": "1", "next": "/xxgk/"})
    assert response.status_code == 302 and response.cookies["gk_elder"].value == "1"
    text = client.get("/xxgk/").content.decode()
    assert ' elder"' in text and "返回标准版" in text


@pytest.mark.django_db
def test_public_pages_are_cacheable_and_revalidate(client, portal):
    first = client.get("/xxgk/")
    assert "s-maxage" in first["Cache-Control"] and "public" in first["Cache-Control"]
    assert "Cookie" not in first.get("Vary", "")
    assert first["X-Accel-Expires"] == "10"  # the nginx micro-cache in deploy/nginx.conf
    etag = first["ETag"]
    assert client.get("/xxgk/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    # A different reading-aid cookie is a different page.
    client.cookies["gk_font"] = "l"
    assert client.get("/xxgk/")["ETag"] != etag
    del client.cookies["gk_font"]
    # Publishing something invalidates the page.
    touch_site(portal)
    again = client.get("/xxgk/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 200 and again["ETag"] != etag


@pytest.mark.django_db
def test_parent_site_is_invalidated_with_its_child(portal):
    touch_site(portal)
    portal.refresh_from_db()
    assert portal.parent.content_changed_at == portal.content_changed_at


@pytest.mark.django_db
def test_logged_in_and_staff_pages_are_never_cached(client, portal, demo_password, settings):
    settings.REQUIRE_2FA = False
    login_page = client.get("/staff/login/")
    assert "public" not in login_page.get("Cache-Control", "")
    client.post("/staff/login/", {"username": "yj_editor", "password": demo_password})
    home = client.get("/")
    assert "public" not in home.get("Cache-Control", "") and not home.has_header("ETag")
    assert (
        "no-cache" in client.get("/staff/")["Cache-Control"]
        or "private" in client.get("/staff/")["Cache-Control"]
    )


@pytest.mark.django_db
def test_page_is_rendered_once_per_site_change(client, portal, django_assert_num_queries, settings):
    settings.PAGE_CACHE_SECONDS = 300
    first = client.get("/xxgk/")
    assert first.status_code == 200
    # Served from the page cache: only the site lookup (itself cached) — no view queries.
    with django_assert_num_queries(1):
        again = client.get("/xxgk/")
    assert again.content == first.content and again["ETag"] == first["ETag"]
    touch_site(portal)
    fresh = client.get("/xxgk/")
    assert fresh["ETag"] != first["ETag"]


@pytest.mark.django_db
def test_page_cache_can_be_switched_off(client, portal, django_assert_max_num_queries, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client.get("/xxgk/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get("/xxgk/")
    assert len(queries) > 1
