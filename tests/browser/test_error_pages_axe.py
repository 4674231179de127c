"""Issue 11 point 5: the Chinese 404 page, in the site's layout, passes axe-core at 1280 px and
375 px (and in 长辈版) and does not scroll sideways on a phone."""

import pytest

from tests.browser.conftest import DESKTOP, PHONE, assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("elder", [False, True])
def test_404_page_is_accessible(browser, live_server, transactional_db, elder):
    from gongkai.core.demo import load_demo

    load_demo()
    for viewport in (DESKTOP, PHONE):
        context = browser.new_context(viewport=viewport, locale="zh-CN", base_url=live_server.url)
        if elder:
            context.add_cookies([{"name": "gk_elder", "value": "1", "url": live_server.url}])
        page = context.new_page()
        try:
            response = page.goto("/no-such-page/")
            assert response.status == 404
            assert page.get_by_role("heading", name="页面不存在").is_visible()
            assert page.get_by_role("search").count() == 1
            if viewport == PHONE:
                assert page.evaluate(
                    "document.documentElement.scrollWidth <= window.innerWidth + 1"
                )
            assert_accessible(page, f"404 {viewport['width']}px elder={elder}")
        finally:
            context.close()
