"""Kiosk mode (issue 13 point 7): no login, guides only, nothing cached for the next person,
back to the start after inactivity (also without JavaScript), a QR code to the phone."""

import re

import pytest

from gongkai.guides import kiosk
from gongkai.guides.indexing import FAQ_KIND, GUIDE_KIND
from gongkai.guides.models import LifeEvent
from gongkai.records.models import State
from gongkai.search import service
from tests.conftest import org

from .factories import make_guide, make_item
from .scenario_factories import restaurant


@pytest.fixture
def catering(yingjiang):
    item = make_item(yingjiang, org(yingjiang, "区住房和城乡建设局"))
    make_guide(item, state=State.PUBLISHED, most_once=True)
    event = LifeEvent.objects.create(site=yingjiang, name="开办企业", slug="kaiban")
    item.life_events.add(event)
    return item


def _links(page: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', page)


def test_kiosk_pages_need_no_login_and_link_only_within_the_kiosk(client, catering):
    pages = ["/kiosk/", "/kiosk/topics/kaiban/", "/kiosk/once/", f"/kiosk/items/{catering.code}/"]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "no-store"
        body = response.content.decode()
        assert "工作人员登录" not in body and "/staff/" not in body
        outside = [h for h in _links(body) if not h.startswith(("/kiosk/", "/static/"))]
        assert outside == [], (url, outside)
        assert "window.open" not in body and "alert(" not in body
    home = client.get("/kiosk/").content.decode()
    assert "/kiosk/topics/kaiban/" in home and "最多跑一次事项（1 项）" in home
    listed = client.get("/kiosk/topics/kaiban/").content.decode()
    assert f"/kiosk/items/{catering.code}/" in listed


def test_idle_pages_go_back_to_the_start_without_javascript_too(client, catering, settings):
    settings.GUIDES_KIOSK_IDLE_SECONDS = 45
    settings.GUIDES_KIOSK_FALLBACK_SECONDS = 200
    item_page = client.get(f"/kiosk/items/{catering.code}/").content.decode()
    assert '<noscript><meta http-equiv="refresh" content="200;url=/kiosk/"></noscript>' in item_page
    assert 'data-idle-seconds="45"' in item_page and "/static/guides/kiosk.js" in item_page
    assert (
        "http-equiv" not in client.get("/kiosk/").content.decode()
    )  # the start page: nothing to reset
    assert "<script>" not in item_page  # CSP: no inline script


def test_the_qr_code_is_the_phone_address_of_the_guide(client, catering):
    page = client.get(f"/kiosk/items/{catering.code}/").content.decode()
    svg = re.search(r"<svg .*?</svg>", page, re.S).group(0)
    expected = kiosk.qr_svg(
        f"http://testserver/services/items/{catering.code}/",
        f"扫码在手机上查看“{catering.name}”办事指南",
    )
    assert svg == str(expected)
    assert 'role="img"' in svg and "style=" not in svg  # CSP forbids inline style


def test_the_kiosk_finds_a_guide_by_pinyin_initials(client, catering):
    service.reindex([GUIDE_KIND, FAQ_KIND], progress=False)
    page = client.get("/kiosk/search/?q=cyfw").content.decode()
    assert f"/kiosk/items/{catering.code}/" in page
    assert "没有找到事项" in client.get("/kiosk/search/?q=zzzzqq").content.decode()


def test_scenarios_walk_inside_the_kiosk_and_reset_when_idle(client, yingjiang):
    """情景导航 on the kiosk: the start page's tile, one question per page, the result's
    items open as kiosk guides, and no page leads out of /kiosk/."""
    flow = restaurant(yingjiang)
    assert kiosk.scenarios_url() == "/kiosk/scenarios/"
    assert 'href="/kiosk/scenarios/"' in client.get("/kiosk/").content.decode()
    pages = [
        "/kiosk/scenarios/",
        f"/kiosk/scenarios/{flow.scenario.slug}/",
        f"/kiosk/scenarios/{flow.scenario.slug}/?shop=no&alcohol=no",
    ]
    for url in pages:
        body = client.get(url).content.decode()
        assert "/staff/" not in body, url
        # "?…" is the same page with other answers ("改答案", start again)
        outside = [h for h in _links(body) if not h.startswith(("/kiosk/", "/static/", "?"))]
        assert outside == [], (url, outside)
        assert "/static/guides/kiosk.css" in body and 'data-idle-page="1"' in body, url
    result = client.get(pages[-1]).content.decode()
    assert f"/kiosk/items/{flow.licence.code}/" in result


def test_an_unknown_or_unpublished_item_is_404(client, yingjiang, catering):
    draft = make_item(yingjiang, catering.organisation, code="D-1")
    make_guide(draft)
    assert client.get("/kiosk/items/D-1/").status_code == 404
    assert client.get("/kiosk/items/nope/").status_code == 404
    assert client.get("/kiosk/topics/nope/").status_code == 404
