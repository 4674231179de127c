import pytest

from tests.browser.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_site(transactional_db):
    from gongkai.core.demo import load_demo

    load_demo()


def _root_font_px(page) -> float:
    return page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")


def test_home_page_accessible_on_desktop_and_phone(demo_site, page, phone_page):
    for p, label in ((page, "desktop"), (phone_page, "phone")):
        p.goto("/")
        assert p.locator("h1").first.inner_text() == "迎江区人民政府"
        assert p.evaluate("document.documentElement.lang") == "zh-CN"
        assert_accessible(p, f"home {label}")


def test_font_switch_changes_text_size_and_persists(demo_site, page):
    page.goto("/")
    medium = _root_font_px(page)
    page.get_by_role("button", name="大", exact=True).click()
    large = _root_font_px(page)
    assert large > medium
    assert page.get_by_role("button", name="大", exact=True).get_attribute("aria-pressed") == "true"
    page.reload()
    assert _root_font_px(page) == large  # remembered across pages by the cookie
    page.get_by_role("button", name="小", exact=True).click()
    assert _root_font_px(page) < medium


def test_font_switch_without_javascript(demo_site, browser, live_server):
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    page.goto("/")
    medium = _root_font_px(page)
    page.get_by_role("button", name="大", exact=True).click()
    page.wait_for_load_state()
    assert _root_font_px(page) > medium
    context.close()


def test_skip_link_is_first_keyboard_stop(demo_site, page):
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "跳到主要内容"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_high_contrast_mode(demo_site, page):
    page.goto("/")
    page.get_by_role("button", name="高对比度").click()
    assert page.evaluate("document.documentElement.classList.contains('high-contrast')")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(0, 0, 0)"
    assert_accessible(page, "high contrast")


def test_staff_login_opens_workbench(demo_site, page, settings):
    settings.REQUIRE_2FA = False
    from gongkai.core.demo import DEMO_PASSWORD

    page.goto("/staff/")
    assert "/staff/login/" in page.url
    assert_accessible(page, "login")
    page.get_by_label("账号").fill("yj_admin")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/staff/")
    assert page.get_by_role("heading", name="工作台").is_visible()
    assert "公开办管理员" in page.content()
    assert_accessible(page, "workbench")
    page.get_by_role("link", name="操作日志").click()
    assert "登录" in page.content()
    assert_accessible(page, "audit log")


def test_axe_check_catches_a_real_violation(page):
    # Guards the guard: a page with an unlabeled input and an image without alt must fail.
    page.set_content(
        '<html lang="zh-CN"><body><main><img src="data:,"><input type="text"></main></body></html>'
    )
    with pytest.raises(AssertionError, match="image-alt|label"):
        assert_accessible(page, "broken page")


def test_disclosure_and_reading_points_accessible(demo_site, page, phone_page):
    from gongkai.portal.demo import load_portal_demo

    load_portal_demo()
    for p, label in ((page, "desktop"), (phone_page, "phone")):
        for path in ("/xxgk/", "/xxgk/guide/", "/reading-points/", "/organisations/"):
            p.goto(path)
            assert p.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), path
            assert_accessible(p, f"{path} {label}")


def test_elder_mode_enlarges_and_simplifies(demo_site, page):
    page.goto("/")
    before = _root_font_px(page)
    page.get_by_role("button", name="长辈版").click()
    page.wait_for_load_state()
    assert _root_font_px(page) > before
    assert page.get_by_role("button", name="返回标准版").is_visible()
    assert_accessible(page, "elder")
