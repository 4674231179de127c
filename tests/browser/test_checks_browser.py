"""检查发现的问题 in a real browser: the office admin runs the checks by keyboard, filters
without JavaScript, follows a finding to its item; the findings page and the expression list
pass axe-core at 1280 and 375 px without scrolling sideways."""

import pytest

from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, staff_login
from tests.oversight.checks_helpers import published, standard_columns

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_site(transactional_db, settings, tmp_path):
    from gongkai.core.demo import load_demo
    from gongkai.core.models import Organisation, Site

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.REQUIRE_2FA = False  # the second factor has its own tests
    load_demo()
    site = Site.objects.get(slug="yingjiang")
    housing = Organisation.objects.get(site=site, name="区住房和城乡建设局")
    standard_columns(site)
    published(site, housing, days_ago=1, kind="general", title="新动态")
    published(site, housing, days_ago=168, kind="notice", title="旧通知")
    published(site, housing, days_ago=None, kind="notice", title="无时间的通知")
    return site


def test_office_admin_runs_the_checks_and_follows_a_finding(demo_site, browser, live_server):
    context, page = staff_login(browser, live_server, DESKTOP)
    try:
        page.goto("/staff/oversight/findings/")
        assert page.get_by_text("尚未检查。").is_visible()
        page.get_by_role("button", name="立即检查").focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert "检查完成：新发现 2 项，已消除 0 项。" in page.inner_text("body")
        table = page.get_by_role("region", name="问题列表")
        assert table.get_by_text("“通知公告”栏目 12 天后将满 6 个月未更新").is_visible()
        assert_accessible(page, "findings 1280px")
        page.get_by_label("性质").select_option("deduction")
        page.get_by_role("button", name="筛选").click()
        assert "severity=deduction" in page.url
        assert table.get_by_text("12 天后将满").count() == 0
        table.get_by_role("link", name="“无时间的通知”没有发布时间").click()
        page.wait_for_url("**/staff/records/*/")
        assert page.get_by_role("heading", name="无时间的通知").count() >= 1
    finally:
        context.close()


def test_pages_are_accessible_on_a_phone(demo_site, browser, live_server):
    from gongkai.oversight.checks import run_checks

    run_checks(demo_site)
    context, page = staff_login(browser, live_server, PHONE)
    try:
        for url in ("/staff/oversight/findings/", "/staff/oversight/expressions/"):
            response = page.goto(url)
            assert response.status == 200, url
            wide = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
            assert wide, f"{url} scrolls sideways at 375px"
            assert_accessible(page, f"{url} 375px")
    finally:
        context.close()
