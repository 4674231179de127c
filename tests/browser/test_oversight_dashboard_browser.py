"""公开工作监测 in Chromium: the charts draw from the vendored ECharts with the CSP intact (no
violation reported), the page passes axe at 1280 and 375 px without sideways scrolling, a
number drills down by keyboard, and without JavaScript the data tables are the page."""

import pytest

from tests.browser.conftest import DESKTOP, PHONE, assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def history(transactional_db, settings):
    from tests.oversight.history import load_history

    settings.REQUIRE_2FA = False
    return load_history()


def _login(page):
    from gongkai.core.demo import DEMO_PASSWORD

    page.goto("/staff/login/")
    page.get_by_label("账号").fill("yj_admin")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/staff/")


def _watch_csp(page) -> list[str]:
    problems: list[str] = []
    page.on(
        "console",
        lambda msg: (
            problems.append(msg.text)
            if msg.type == "error" or "Content Security Policy" in msg.text
            else None
        ),
    )
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    return problems


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "375px"])
def test_the_dashboard_draws_its_charts_and_passes_axe(history, browser, live_server, viewport):
    context = browser.new_context(
        viewport=viewport, locale="zh-CN", base_url=live_server.url, is_mobile=viewport == PHONE
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        problems = _watch_csp(page)
        _login(page)
        page.goto("/staff/oversight/")
        for code in ("coverage", "matrix", "timeliness"):
            chart = page.locator(f'[data-chart="{code}"]')
            chart.locator("svg").first.wait_for(state="attached", timeout=10_000)
            assert chart.is_visible()
        assert page.locator("#figure-requests table").is_visible()
        assert problems == []
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert_accessible(page, f"dashboard {viewport['width']}px")
        # a figure's number drills down, by keyboard
        link = page.locator("#figure-requests .figure-parts a").first
        link.focus()
        page.keyboard.press("Enter")
        page.wait_for_url("**/figures/requests/**")
        assert "共 3 项" in page.locator("main").inner_text()
        assert_accessible(page, f"drill-down {viewport['width']}px")
    finally:
        context.close()


def test_without_javascript_the_tables_are_the_page(history, browser, live_server):
    from gongkai.oversight import figures
    from tests.conftest import user

    context = browser.new_context(
        viewport=DESKTOP, locale="zh-CN", base_url=live_server.url, java_script_enabled=False
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        _login(page)
        page.goto("/staff/oversight/")
        scope = figures.dashboard_scope(user("yj_admin"), history.site)
        for figure in figures.compute_all(scope):
            section = page.locator(f"#figure-{figure.code}")
            assert section.locator("table").is_visible()
            assert section.locator("tbody tr").count() == max(len(figure.rows), 1)
            assert not section.locator("[data-chart]").is_visible()
        matrix = page.locator("#figure-matrix thead th").all_inner_texts()
        assert matrix == [
            "公开领域",
            "决策",
            "执行",
            "管理",
            "服务",
            "结果",
            "发布",
            "解读",
            "回应",
        ]
        # (axe itself is JavaScript: the pages are checked with it in the test above)
    finally:
        context.close()
