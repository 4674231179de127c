"""The service hall's public pages (综合窗口, 一库共享, 办件公示) at phone width: no serious axe
violation, no sideways scroll, the month chosen without JavaScript; and the office admin's
window page used by keyboard."""

from datetime import date

import pytest

from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, staff_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def hall(transactional_db, settings):
    from gongkai.core.demo import load_demo
    from gongkai.core.models import Organisation, Site
    from gongkai.guides.models import CaseStatistic, CertificateKind, TrustLevel, Window
    from gongkai.records.models import State
    from tests.guides.factories import make_certificate, make_guide, make_item

    settings.REQUIRE_2FA = False  # the second factor has its own tests
    load_demo()
    site = Site.objects.get(slug="yingjiang")
    housing = Organisation.objects.get(site=site, name="区住房和城乡建设局")
    card = make_certificate(site)
    make_certificate(site, "户籍信息", TrustLevel.B, kind=CertificateKind.DATA, issuer="区公安分局")
    item = make_item(site, housing, code="YJ-001", name="建筑工程施工许可证核发")
    make_guide(item, state=State.PUBLISHED, materials=[{"name": "身份证", "certificate": card}])
    window = Window.objects.create(
        site=site, number="A01", name="投资建设综合窗口", hours="工作日 9:00-17:00"
    )
    window.items.set([item])
    for month, received in ((date(2026, 9, 1), 8), (date(2026, 10, 1), 12)):
        CaseStatistic.objects.create(
            site=site, item=item, window=window, month=month, received=received,
            completed=received, approved=received, on_time=received - 1,
        )  # fmt: skip
    return site


def test_public_hall_pages_at_phone_width(browser, live_server, hall):
    for viewport in (PHONE, DESKTOP):
        context = browser.new_context(
            viewport=viewport, locale="zh-CN", base_url=live_server.url,
            is_mobile=viewport == PHONE,
        )  # fmt: skip
        page = context.new_page()
        try:
            for url in ("/services/windows/", "/services/certificates/", "/services/statistics/"):
                assert page.goto(url).status == 200
                fits = page.evaluate(
                    "document.documentElement.scrollWidth <= window.innerWidth + 1"
                )
                assert fits, f"{url} scrolls sideways at {viewport['width']} px"
                assert_accessible(page, f"{url} {viewport['width']}px")
        finally:
            context.close()


def test_the_month_is_chosen_without_javascript(browser, live_server, hall):
    context = browser.new_context(
        viewport=PHONE, locale="zh-CN", base_url=live_server.url, java_script_enabled=False
    )
    page = context.new_page()
    try:
        page.goto("/services/statistics/")
        assert "受理 12 件" in page.get_by_test_id("month-totals").inner_text()
        page.get_by_label("统计月份").select_option("2026-09")
        page.get_by_role("button", name="查看").click()
        page.wait_for_url("**/services/statistics/?month=2026-09")
        assert "受理 8 件" in page.get_by_test_id("month-totals").inner_text()
    finally:
        context.close()


def test_the_office_admin_adds_a_window_by_keyboard(browser, live_server, hall):
    context, page = staff_login(browser, live_server, viewport=PHONE)
    try:
        assert page.goto("/staff/services/hall/windows/").status == 200
        assert_accessible(page, "staff windows 375px")
        page.get_by_label("窗口号").fill("A02")
        page.get_by_label("窗口名称").fill("社会事务综合窗口")
        page.get_by_label("YJ-001 建筑工程施工许可证核发（区住房和城乡建设局）").press("Space")
        page.get_by_role("button", name="新增").focus()
        # the form posts to the page it is on: wait for the answer, not for the URL
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert "2 类综合窗口、1 项业务" in page.get_by_test_id("window-counts").inner_text()
    finally:
        context.close()
