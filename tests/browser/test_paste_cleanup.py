"""清理粘贴文本 in a real browser, by keyboard: text copied as seed 000 arrives (traditional
characters with pinyin in brackets) goes into the editor, the button cleans it, nothing is
saved; with and without JavaScript; the page passes axe-core (run with JavaScript: axe is a
script) (issue 15, point 4)."""

import re
from pathlib import Path

import pytest
from opencc import OpenCC

from tests.browser.conftest import DESKTOP, assert_accessible
from tests.browser.test_records_browser import PASSWORD, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SEED_000 = (Path(__file__).parents[1] / "core" / "fixtures" / "seed_000.txt").read_text(
    encoding="utf-8"
)
PASTED = "\n".join(SEED_000.splitlines()[:16])
DIRTY_TITLE = "迎江區(qū)政務(wù)公開標(biāo)準(zhǔn)化規(guī)範(fàn)化試點(diǎn)工作方案"
CLEAN_TITLE = "迎江区政务公开标准化规范化试点工作方案"
PINYIN = re.compile(r"[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+[)）]")
T2S = OpenCC("t2s")


@pytest.fixture
def record(transactional_db, settings, tmp_path):
    from gongkai.core.demo import load_demo
    from gongkai.core.models import Membership, Organisation, Role, User
    from tests.records.conftest import draft, make_leaf

    settings.REQUIRE_2FA = False
    settings.MEDIA_ROOT = tmp_path
    load_demo()
    housing = Organisation.objects.get(site__slug="yingjiang", name="区住房和城乡建设局")
    leaf = make_leaf(housing.site, organisations=[housing], channels=["政府网站"])
    editor = User.objects.create_user("paste_editor", "paste@example.gov.cn", PASSWORD)
    Membership.objects.create(user=editor, organisation=housing, role=Role.EDITOR)
    return draft(editor, housing, leaf)


def assert_clean(text: str) -> None:
    assert not PINYIN.search(text)
    assert [c for c in text if T2S.convert(c) != c] == []


def test_editor_cleans_pasted_text_by_keyboard(record, browser, live_server):
    from gongkai.records.models import Record

    before = Record.objects.get(pk=record.pk)
    page = login(browser, live_server, "paste_editor")
    page.goto(f"/staff/records/{record.pk}/edit/")

    title = page.get_by_role("textbox", name="标题", exact=True)
    title.focus()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(DIRTY_TITLE)
    body = page.get_by_role("textbox", name="正文")
    body.focus()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(PASTED)
    assert PINYIN.search(body.inner_text())

    button = page.get_by_role("button", name="清理粘贴文本")
    button.focus()
    page.keyboard.press("Enter")
    page.get_by_role("status").filter(has_text="已清理").wait_for()

    message = page.locator(".messages").inner_text()
    assert "去除拼音注音" in message and "繁体转简体" in message and "尚未保存" in message
    assert title.input_value() == CLEAN_TITLE
    text = page.get_by_role("textbox", name="正文").inner_text()
    assert_clean(text)
    assert "经区政府研究同意，现将《迎江区政务公开标准化规范化试点工作方案》印发给你们" in text
    assert "2017年9月20日" in text and "（一）任务范围" in text
    assert_accessible(page, "清理粘贴文本之后")

    stored = Record.objects.get(pk=record.pk)
    assert (stored.title, stored.body, stored.version) == (
        before.title,
        before.body,
        before.version,
    )

    # the cleaned text is what a save then stores
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_url(f"**/staff/records/{record.pk}/")
    stored = Record.objects.get(pk=record.pk)
    assert stored.title == CLEAN_TITLE and stored.version == before.version + 1
    assert_clean(stored.body)


def test_the_button_works_without_javascript(record, browser, live_server):
    from gongkai.records.models import Record

    context = browser.new_context(
        viewport=DESKTOP, locale="zh-CN", base_url=live_server.url, java_script_enabled=False
    )
    page = context.new_page()
    page.goto("/staff/login/")
    page.get_by_label("账号").fill("paste_editor")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/staff/")
    page.goto(f"/staff/records/{record.pk}/edit/")
    page.get_by_label("正文", exact=True).fill(PASTED)
    page.get_by_role("button", name="清理粘贴文本").focus()
    page.keyboard.press("Enter")
    page.get_by_text("已清理：").wait_for()
    body = page.get_by_label("正文", exact=True).input_value()
    assert_clean(body)
    assert "（二）任务内容" in body and "皖政办秘〔2017〕188号" in body
    assert Record.objects.get(pk=record.pk).version == record.version
    context.close()
