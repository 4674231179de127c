"""/xxgk/sites/ in a real browser: no serious axe-core violations at 1280 px and 375 px, no
sideways scroll of the page on a phone (the table scrolls in its own box), the year form is a
plain GET form, and the table is read by its caption and headers."""

import pytest

from gongkai.core.models import Site
from gongkai.core.sites import forget_site_hosts
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible
from tests.oversight.test_province import YEAR, tree  # noqa: F401 - the fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def city_on_localhost(tree):  # noqa: F811
    Site.objects.filter(slug="city").update(hostnames="city.test.gov\nlocalhost\n127.0.0.1")
    forget_site_hosts()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_overview_is_accessible_and_fits_a_phone(
    city_on_localhost, browser, live_server, viewport
):
    context = browser.new_context(viewport=viewport, locale="zh-CN", base_url=live_server.url)
    page = context.new_page()
    try:
        assert page.goto("/xxgk/sites/").status == 200
        table = page.get_by_role("table", name=f"city站及下级站点{YEAR}年度政务公开情况")
        assert table.is_visible()
        assert page.get_by_role("rowheader", name="cnta站").count() == 1
        assert page.get_by_role("columnheader", name="目录覆盖率").count() == 1
        if viewport == PHONE:
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        assert_accessible(page, f"/xxgk/sites/ {viewport['width']}px")
        page.get_by_label("年度").select_option(str(YEAR - 1))
        page.get_by_role("button", name="查看").click()
        assert f"year={YEAR - 1}" in page.url
        assert page.get_by_role("table", name=f"city站及下级站点{YEAR - 1}年度政务公开情况").count()
    finally:
        context.close()
