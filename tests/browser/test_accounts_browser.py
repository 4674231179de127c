"""公众账号 end to end at 375 px: register with a phone number, reading the SMS code from the
test outbox (core.sms.outbox_sender), edit the public name, sign out, sign in again with a new
code; axe on the sign-in, code and account pages."""

import re

import pytest

from tests.browser.conftest import PHONE, assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NUMBER = "13912340000"


@pytest.fixture
def world(transactional_db, settings, monkeypatch):
    from gongkai.core import sms
    from gongkai.core.demo import load_demo
    from gongkai.participation import accounts

    load_demo()
    settings.SMS_SENDER = "gongkai.core.sms.outbox_sender"
    monkeypatch.setattr(accounts, "RESEND_SECONDS", 0)  # the pause has its own test
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


def code_from(outbox) -> str:
    phone, text = outbox[-1]
    assert phone == NUMBER
    return re.search(r"\b(\d{6})\b", text).group(1)


def sign_in(page, outbox, *, check=False):
    page.goto("/")
    page.get_by_role("link", name="公众登录").click()
    page.wait_for_url("**/participate/account/login/")
    if check:
        assert_accessible(page, "公众登录 375px")
    page.get_by_role("textbox", name="手机号或电子邮箱").fill(NUMBER)
    page.get_by_role("button", name="获取验证码").click()
    page.wait_for_url("**/participate/account/login/code/")
    assert "139****0000" in page.content()
    if check:
        assert_accessible(page, "输入验证码 375px")
    page.get_by_role("textbox", name="验证码").fill(code_from(outbox))
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url("**/participate/account/")


def test_register_sign_out_sign_in_again_and_edit_the_name(world, browser, live_server):
    from gongkai.participation.models import PublicAccount

    context = browser.new_context(
        viewport=PHONE, locale="zh-CN", base_url=live_server.url, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    sign_in(page, world, check=True)
    account = PublicAccount.objects.get(phone=NUMBER)
    assert page.get_by_test_id("display-name").inner_text() == f"网友{account.pk:06d}"
    assert_accessible(page, "我的账号 375px")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the account page scrolls sideways at 375 px ({width})"

    page.get_by_role("textbox", name="公开显示的称呼").fill("菱湖居民")
    page.get_by_role("button", name="保存称呼").click()
    page.wait_for_url("**/participate/account/")
    assert page.get_by_test_id("display-name").inner_text() == "菱湖居民"

    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("link", name="公众登录").is_visible()
    page.goto("/participate/account/")
    page.wait_for_url("**/participate/account/login/?next=*")

    sign_in(page, world)
    assert page.get_by_test_id("display-name").inner_text() == "菱湖居民"
    assert PublicAccount.objects.filter(phone=NUMBER).count() == 1
    context.close()
