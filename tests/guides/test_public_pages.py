"""The public 办事服务 pages (issue 13 point 9): counts computed from the rows, browsing by
life event, organisation and 最多跑一次 with paging, and the guide page with every element."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from gongkai.guides import selectors
from gongkai.guides.models import (
    Bundle,
    Faq,
    ItemStatus,
    LifeEvent,
    MaterialForm,
    MaterialSource,
    TrustLevel,
    Window,
)
from gongkai.records.models import State
from tests.conftest import org

from .factories import make_certificate, make_guide, make_item

PUBLISHED = {"state": State.PUBLISHED}


@pytest.fixture
def housing(yingjiang):
    return org(yingjiang, "区住房和城乡建设局")


@pytest.fixture
def civil(yingjiang):
    return org(yingjiang, "区民政局")


def _published(site, organisation, n, code, **guide_fields):
    item = make_item(site, organisation, code=code, name=f"事项{code}")
    make_guide(item, state=State.PUBLISHED, **guide_fields)
    return item


def test_landing_counts_equal_the_rows(client, yingjiang, housing, civil):
    card = make_certificate(yingjiang)
    licence = make_certificate(yingjiang, "营业执照", TrustLevel.B)
    lease = make_certificate(yingjiang, "房屋租赁备案证明", TrustLevel.C)
    only_card = [{"name": "身份证", "certificate": card}, {"name": "执照", "certificate": licence}]
    a = _published(yingjiang, housing, 1, "A1", most_once=True, materials=only_card)
    _published(yingjiang, housing, 2, "A2", most_once=True)  # a paper form: not ID-card-only
    _published(yingjiang, civil, 3, "A3", materials=[{"name": "租赁", "certificate": lease}])
    _published(yingjiang, civil, 4, "A4", materials=[{"name": "身份证", "certificate": card}])
    # Not counted: a draft, a version effective only next year, a cancelled item.
    make_guide(make_item(yingjiang, housing, code="D1"), most_once=True)
    later = timezone.localdate() + timedelta(days=30)
    make_guide(make_item(yingjiang, housing, code="D2"), effective_from=later, **PUBLISHED)
    cancelled = make_item(yingjiang, housing, code="D3", status=ItemStatus.CANCELLED)
    make_guide(cancelled, most_once=True, **PUBLISHED)
    # A newer version of A1 without the flag, in force since yesterday, replaces the old one.
    make_guide(a, number=2, effective_from=timezone.localdate(), most_once=False, **PUBLISHED)
    LifeEvent.objects.create(site=yingjiang, name="开办企业", slug="kaiban")
    LifeEvent.objects.create(site=yingjiang, name="生育", slug="shengyu")

    counts = selectors.landing_counts(yingjiang)
    assert (counts.items, counts.most_once, counts.identity_card_only) == (4, 1, 1)
    assert (counts.life_events, counts.organisations) == (2, 2)
    page = client.get("/services/").content.decode()
    assert 'data-testid="count-items">4<' in page
    assert 'data-testid="count-once">1<' in page
    assert 'data-testid="count-id-card">1<' in page  # A4: the ID card only (A1's v2 has a form)
    assert 'data-testid="count-topics">2<' in page
    assert "区民政局" in page and "/services/topics/kaiban/" in page


def test_browsing_pages_by_life_event_organisation_and_most_once(client, yingjiang, housing):
    event = LifeEvent.objects.create(site=yingjiang, name="开办企业", slug="kaiban")
    for n in range(25):
        item = _published(yingjiang, housing, n, f"K{n:02d}", most_once=n % 2 == 0)
        if n < 22:
            item.life_events.add(event)
    suspended = _published(yingjiang, housing, 99, "S99", most_once=True)
    suspended.status = ItemStatus.SUSPENDED
    suspended.save()

    first = client.get("/services/topics/kaiban/").content.decode()
    assert "办事事项（22 项）" in first and "第 1 / 2 页" in first
    second = client.get("/services/topics/kaiban/?page=2").content.decode()
    assert second.count('<a href="/services/items/') == 2
    once = client.get("/services/once/").content.decode()
    assert "以下 14 项事项" in once  # 13 even of 25, and the suspended one
    once2 = client.get("/services/once/?page=2").content.decode()
    assert "事项S99" in once + once2 and "暂停办理" in once + once2
    by_org = client.get(f"/services/organisations/{housing.pk}/").content.decode()
    assert "办事事项（26 项）" in by_org
    assert client.get("/services/topics/nope/").status_code == 404
    assert client.get("/services/organisations/999999/").status_code == 404


def test_the_guide_page_shows_every_element(client, yingjiang, housing):
    card = make_certificate(yingjiang)
    lease = make_certificate(yingjiang, "房屋租赁备案证明", TrustLevel.C)
    item = make_item(yingjiang, housing)
    today = timezone.localdate()
    guide = make_guide(
        item,
        state=State.PUBLISHED,
        effective_from=date(2026, 1, 1),
        verified_on=date(2026, 11, 2),
        most_once=True,
        fee_free=False,
        fee_text="每件 10 元",
        fee_basis="皖价费〔2020〕1号",
        online_url="https://www.ahzwfw.gov.cn/item/1",
        visits_required=1,
        materials=[
            {"name": "申请人身份证", "certificate": card},
            {
                "name": "经营场所租赁合同",
                "certificate": lease,
                "source": MaterialSource.APPLICANT,
                "copies": 2,
                "form": MaterialForm.ORIGINAL_AND_COPY,
                "legal_basis": "《食品经营许可管理办法》第十二条",
            },
        ],
    )
    window = Window.objects.create(site=yingjiang, number="A08", name="综合受理窗口", hours="全天")
    guide.windows.add(window)
    bundle = Bundle.objects.create(site=yingjiang, name="开餐馆", slug="canguan", is_published=True)
    bundle.items.add(item)
    Faq.objects.create(site=yingjiang, item=item, question="要跑几次？", answer="一次。")
    make_guide(
        item,
        number=2,
        effective_from=today + timedelta(days=10),
        change_reason="取消收费",
        **PUBLISHED,
    )
    page = client.get(f"/services/items/{item.code}/").content.decode()
    for text in (
        item.name,
        item.code,
        "行政许可",
        "区住房和城乡建设局",
        "《中华人民共和国食品安全法》第三十五条",
        "有与经营项目相适应的经营场所",
        "经营场所租赁合同",
        "原件和复印件",
        "《食品经营许可管理办法》第十二条",
        "“房屋租赁备案证明”须到窗口核对原件（C 级）",
        "免提交：居民身份证本人携带",
        "审查与决定",
        "20 个工作日",
        "5 个工作日",
        "每件 10 元",
        "皖价费〔2020〕1号",
        "A08 综合受理窗口",
        "https://www.ahzwfw.gov.cn/item/1",
        "0556-5550001",
        "0556-12345",
        "最多跑一次",
        "一件事：开餐馆",
        "要跑几次？",
        "最近核验日期：2026-11-02",
        "第 1 版，自 2026-01-01 起施行",
        "新版指南（第 2 版）将于",
        "取消收费",
        "需提交材料",
    ):
        assert text in page, text
    assert "仅凭身份证可办</span>" not in page


def test_a_suspended_item_says_so_and_a_cancelled_one_is_gone(client, yingjiang, housing):
    item = _published(yingjiang, housing, 1, "S1")
    item.status = ItemStatus.SUSPENDED
    item.save()
    assert "本事项暂停办理" in client.get("/services/items/S1/").content.decode()
    item.status = ItemStatus.CANCELLED
    item.save()
    assert client.get("/services/items/S1/").status_code == 404


def test_the_nav_links_to_the_services_landing(client, yingjiang):
    page = client.get("/").content.decode()
    assert 'href="/services/"' in page and "办事服务" in page


def test_a_version_taking_effect_reaches_search_and_the_page_on_its_date(
    client, yingjiang, housing, monkeypatch
):
    """No save happens on the day a version published ahead takes effect: the daily job
    re-reads it, or search and the cached page would keep the old version."""
    from django.utils import timezone as tz

    from gongkai.core.jobs import JOBS
    from gongkai.guides import faq, indexing
    from gongkai.search import service

    item = make_item(yingjiang, housing)
    make_guide(item, effective_from=date(2026, 1, 1), **PUBLISHED)
    tomorrow = tz.localdate() + timedelta(days=1)
    make_guide(item, number=2, effective_from=tomorrow, summary="新增夜间延时服务", **PUBLISHED)
    service.reindex([indexing.GUIDE_KIND], progress=False)
    assert faq.search(yingjiang, "夜间延时").hits == []
    assert "第 1 版" in client.get(f"/services/items/{item.code}/").content.decode()

    real = tz.localdate
    monkeypatch.setattr(
        tz,
        "localdate",
        lambda value=None, timezone=None: tomorrow if value is None else real(value, timezone),
    )
    assert "第 1 版" in client.get(f"/services/items/{item.code}/").content.decode()  # cached
    assert JOBS["guides.take_effect"].func() == 1
    assert [h.url for h in faq.search(yingjiang, "夜间延时").hits] == [
        f"/services/items/{item.code}/"
    ]
    assert "第 2 版" in client.get(f"/services/items/{item.code}/").content.decode()


def test_the_sitemap_lists_the_guides_in_force(client, yingjiang, housing):
    shown = _published(yingjiang, housing, 1, "M1")
    make_guide(make_item(yingjiang, housing, code="M2"))  # draft
    sitemap = client.get("/sitemap.xml").content.decode()
    assert f"/services/items/{shown.code}/" in sitemap and "/services/once/" in sitemap
    assert "/services/items/M2/" not in sitemap
