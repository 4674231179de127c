"""Playwright driving Debian's Chromium against Django's live server.

Without Chromium the browser tests are skipped with a clear reason, so `make test` works on a
machine with only python3 and make; CI sets GONGKAI_REQUIRE_BROWSER=1, which turns the skip
into a failure."""

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make around
# it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("GONGKAI_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]

PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


def _chromium_available() -> bool:
    return os.path.exists(CHROMIUM) or shutil.which(CHROMIUM) is not None


@pytest.fixture(scope="session")
def browser():
    if not _chromium_available():
        if os.environ.get("GONGKAI_REQUIRE_BROWSER") == "1":
            pytest.fail(f"浏览器测试需要 Chromium，但 {CHROMIUM} 不存在")
        pytest.skip(f"未找到 Chromium（{CHROMIUM}），跳过浏览器测试；CI 会安装它")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", base_url=live_server.url)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, live_server):
    context = browser.new_context(
        viewport=PHONE, locale="zh-CN", base_url=live_server.url, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    yield page
    context.close()


def staff_login(browser, live_server, viewport=DESKTOP, username="yj_admin"):
    """A new browser context logged in as a demo staff member (password only: the demo and the
    tests run without the second factor unless a test asks for it). Returns (context, page)."""
    from gongkai.core.demo import DEMO_PASSWORD

    context = browser.new_context(
        viewport=viewport, locale="zh-CN", base_url=live_server.url, is_mobile=viewport == PHONE
    )
    page = context.new_page()
    page.goto("/staff/login/")
    page.get_by_label("账号").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/staff/")
    return context, page


def logged_in_context(browser, live_server, user, viewport=DESKTOP):
    """A new browser context already logged in as `user` (a person of the public, made with
    tests/participation/factories.make_person): the session is created server-side and its
    cookie handed to the browser, so tests of other pages need not go through registration.
    Returns (context, page)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    context = browser.new_context(
        viewport=viewport, locale="zh-CN", base_url=live_server.url, is_mobile=viewport == PHONE
    )
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session.session_key,
                "url": live_server.url,
            }
        ]
    )
    return context, context.new_page()


def assert_accessible(page, label: str = "") -> None:
    """No serious or critical axe-core violations on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    bad = [v for v in results.response["violations"] if v["impact"] in {"serious", "critical"}]
    details = "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}"
        for v in bad
    )
    assert not bad, f"axe-core {label}:\n{details}"
