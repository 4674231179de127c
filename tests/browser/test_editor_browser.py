"""Issue 11 point 6, in a real browser: what an editor types (paragraphs with Enter, a heading,
a list, a link) and pastes from Word is what the public page shows, with Word's styling gone;
the fields shown follow the record's kind; the editor page passes axe-core at 1280 and 375 px
and in 长辈版."""

from pathlib import Path

import pytest

from tests.browser.conftest import PHONE, assert_accessible
from tests.browser.test_records_browser import PASSWORD, confidentiality_review, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WORD = (Path(__file__).parent.parent / "records" / "fixtures" / "word_clipboard.html").read_text(
    encoding="utf-8"
)
PASTE = """(html) => {
    const data = new DataTransfer();
    data.setData("text/html", html);
    data.setData("text/plain", "粘贴的纯文本");
    const event = new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true});
    document.querySelector(".rte-area").dispatchEvent(event);
}"""
STRUCTURE = """(root) => ({
    paragraphs: [...root.querySelectorAll(":scope > p")].map(p => p.textContent.trim()),
    h2: [...root.querySelectorAll("h2")].map(h => h.textContent.trim()),
    h3: [...root.querySelectorAll("h3")].map(h => h.textContent.trim()),
    ul: [...root.querySelectorAll(":scope > ul")].map(
        l => [...l.querySelectorAll(":scope > li")].map(li => li.firstChild.textContent.trim())),
    nested: [...root.querySelectorAll("li > ul > li")].map(li => li.textContent.trim()),
    ol: [...root.querySelectorAll("ol > li")].map(li => li.textContent.trim()),
    links: [...root.querySelectorAll("a")].map(a => [a.textContent.trim(), a.getAttribute("href")]),
    cells: [...root.querySelectorAll("td")].map(td => td.textContent.trim()),
    bold: [...root.querySelectorAll("b, strong")].map(b => b.textContent.trim()),
    html: root.innerHTML,
})"""


@pytest.fixture
def setup(transactional_db, settings, tmp_path):
    from gongkai.core.demo import load_demo
    from gongkai.core.models import Membership, Organisation, Role, User
    from tests.records.conftest import make_leaf

    settings.REQUIRE_2FA = False
    settings.MEDIA_ROOT = tmp_path
    load_demo()
    housing = Organisation.objects.get(site__slug="yingjiang", name="区住房和城乡建设局")
    leaf = make_leaf(housing.site, organisations=[housing], channels=["政府网站"])
    editor = User.objects.create_user("new_editor", "new@example.gov.cn", PASSWORD)
    Membership.objects.create(user=editor, organisation=housing, role=Role.EDITOR)
    reviewer = User.objects.get(username="yj_reviewer")
    reviewer.set_password(PASSWORD)
    reviewer.save()
    return leaf


def answer_dialogs(page, answers: list[str]) -> list[str]:
    """Answer the editor's prompts in order (None: keep the suggested answer); returns the
    questions asked."""
    asked = []

    def handle(dialog):
        asked.append(dialog.message)
        if dialog.type != "prompt":
            return dialog.accept()
        answer = answers.pop(0)
        dialog.accept(dialog.default_value if answer is None else answer)

    page.on("dialog", handle)
    return asked


def test_what_is_typed_and_pasted_is_what_is_published(setup, browser, live_server):
    from gongkai.records.models import Record

    leaf = setup
    editor = login(browser, live_server, "new_editor")
    editor.goto("/staff/records/new/")
    editor.get_by_label("公开事项（目录末级）").select_option(str(leaf.pk))
    title = "关于冬季供暖保障工作的通知"
    editor.get_by_role("textbox", name="标题", exact=True).fill(title)
    editor.get_by_label("形成/变更日期").fill("2026-11-02")

    # the fields follow the kind: a notice has a 文号, an interpretation its policy
    kind = editor.get_by_label("信息类别")
    kind.select_option("interpretation")
    assert editor.get_by_label("所解读的政策").is_visible()
    assert not editor.get_by_label("文号").is_visible()
    kind.select_option("notice")
    assert editor.get_by_label("文号").is_visible()
    assert not editor.get_by_label("所解读的政策").is_visible()
    assert not editor.get_by_label("会议日期").is_visible()
    editor.get_by_label("文号").fill("迎建〔2026〕12号")

    # the toolbar is one tab stop, arrow keys move in it, toggles say whether they are on
    bold = editor.get_by_role("button", name="加粗")
    assert bold.get_attribute("tabindex") == "0"
    bold.focus()
    editor.keyboard.press("ArrowRight")
    assert editor.evaluate("document.activeElement.textContent") == "斜体"
    editor.keyboard.press("End")
    assert editor.evaluate("document.activeElement.textContent") == "清除格式"

    body = editor.get_by_role("textbox", name="正文")
    body.click()
    editor.keyboard.type("第一段内容。")
    editor.keyboard.press("Enter")
    editor.keyboard.type("第二段内容。")
    editor.keyboard.press("Enter")
    editor.get_by_role("button", name="二级标题").click()
    assert editor.get_by_role("button", name="二级标题").get_attribute("aria-pressed") == "true"
    editor.keyboard.type("工作安排")
    editor.keyboard.press("Enter")
    editor.get_by_role("button", name="项目列表").click()
    editor.keyboard.type("第一项")
    editor.keyboard.press("Enter")
    editor.keyboard.type("第二项")
    editor.keyboard.press("Enter")
    editor.keyboard.press("Enter")  # an empty item ends the list
    editor.keyboard.type("详见")
    asked = answer_dialogs(editor, ["https://www.yingjiang.gov.cn/gongre/", "供暖服务指南"])
    editor.get_by_role("button", name="链接", exact=True).click()
    assert len(asked) == 2
    editor.keyboard.press("End")
    editor.keyboard.press("Enter")
    editor.evaluate(PASTE, WORD)
    editor.get_by_role("status").filter(has_text="已粘贴").wait_for()
    in_editor = editor.locator(".rte-area").evaluate(STRUCTURE)
    assert "mso" not in in_editor["html"].lower() and "style=" not in in_editor["html"]

    editor.get_by_role("button", name="保存草稿").click()
    editor.wait_for_url("**/staff/records/*/")
    record = Record.objects.get(title=title)
    assert record.document_number == "迎建〔2026〕12号"
    editor.get_by_role("button", name="提交审核").click()
    assert "已提交审核" in editor.content()

    reviewer = login(browser, live_server, "yj_reviewer")
    reviewer.goto(f"/staff/records/{record.pk}/")
    confidentiality_review(reviewer)
    reviewer.get_by_role("button", name="审核通过", exact=True).click()
    reviewer.get_by_role("button", name="发布", exact=True).click()
    assert "已发布，索引号" in reviewer.content()
    record.refresh_from_db()

    reviewer.goto(f"/records/{record.index_number}/")
    page = reviewer.locator(".record-body").evaluate(STRUCTURE)
    assert page["paragraphs"][:3] == ["第一段内容。", "第二段内容。", "详见供暖服务指南"]
    assert ["供暖服务指南", "https://www.yingjiang.gov.cn/gongre/"] in page["links"]
    # the typed h2 and Word's 标题 1 (moved to h2, its 标题 2 to h3)
    assert page["h2"] == ["工作安排", "关于做好冬季供暖保障工作的通知"]
    assert page["h3"] == ["一、工作重点", "二、时间安排"]
    assert page["ul"] == [["第一项", "第二项"], ["排查供热管网隐患", "储备应急燃料"]]
    assert page["nested"] == ["煤炭不少于十五天用量"]
    assert page["ol"] == ["11月15日前完成试运行", "11月20日起正式供暖"]
    assert page["cells"] == ["街道", "联系电话", "宜城路街道", "0556-5551234"]
    assert "认真贯彻落实" in page["bold"]
    assert "各街道办事处，区直各有关单位：" in page["paragraphs"]
    assert "区住房和城乡建设局" in page["paragraphs"]
    html = page["html"]
    for junk in (
        "mso",
        "Mso",
        "style=",
        "class=",
        "<o:p",
        "<font",
        "<span",
        "<div",
        "·",
        "&nbsp;&nbsp;",
    ):
        assert junk not in html, junk
    for key in ("h2", "h3", "ul", "nested", "ol", "links", "cells", "bold"):
        assert page[key] == in_editor[key], f"{key}: the public page shows what the editor showed"


@pytest.mark.parametrize(
    ("viewport", "elder"), [(None, False), (PHONE, False), (None, True), (PHONE, True)]
)
def test_editor_page_is_accessible(setup, browser, live_server, viewport, elder):
    page = login(browser, live_server, "new_editor")
    if viewport:
        page.set_viewport_size(viewport)
    if elder:
        page.context.add_cookies([{"name": "gk_elder", "value": "1", "url": live_server.url}])
    page.goto("/staff/records/new/")
    assert page.get_by_role("toolbar", name="正文编辑工具").is_visible()
    page.get_by_role("textbox", name="正文").click()
    page.get_by_role("button", name="加粗").click()
    assert page.get_by_role("button", name="加粗").get_attribute("aria-pressed") == "true"
    assert_accessible(page, f"editor {viewport or 'desktop'} elder={elder}")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], "the editor page does not scroll sideways"


def test_toolbar_inserts_a_table_and_refuses_unsafe_links_and_images_without_alt(
    setup, browser, live_server
):
    from gongkai.records.models import Record

    leaf = setup
    editor = login(browser, live_server, "new_editor")
    editor.goto("/staff/records/new/")
    editor.get_by_label("公开事项（目录末级）").select_option(str(leaf.pk))
    editor.get_by_role("textbox", name="标题", exact=True).fill("城区供热管网示意")
    editor.get_by_label("形成/变更日期").fill("2026-11-02")
    editor.get_by_role("textbox", name="正文").click()
    editor.keyboard.type("说明文字")
    asked = answer_dialogs(
        editor,
        ["javascript:alert(1)",  # link: refused with an alert
         "2", "3",  # table: rows, columns
         "/media/map.png", "",  # image without alt text: refused
         "/media/map.png", "城区供热管网示意图"],
    )  # fmt: skip
    editor.get_by_role("button", name="链接", exact=True).click()
    assert "只能链接 http、https、mailto 或站内地址。" in asked
    editor.get_by_role("button", name="表格").click()
    assert editor.locator(".rte-area table th[scope=col]").count() == 3
    editor.get_by_role("button", name="图片").click()
    assert "未插入图片：替代文本为必填项。" in asked
    assert editor.locator(".rte-area img").count() == 0
    editor.get_by_role("button", name="图片").click()
    assert editor.locator(".rte-area img").get_attribute("alt") == "城区供热管网示意图"
    editor.get_by_role("button", name="保存草稿").click()
    editor.wait_for_url("**/staff/records/*/")
    body = Record.objects.get(title="城区供热管网示意").body
    assert body.count('<th scope="col">') == 3 and body.count("<tr>") == 2
    assert '<img src="/media/map.png" alt="城区供热管网示意图">' in body
    assert "javascript" not in body and "<p>说明文字</p>" in body


def test_an_image_from_the_drafts_attachments_shows_before_and_after_publication(
    setup, browser, live_server, tmp_path, page
):
    from gongkai.records.models import Record
    from tests.records.files import png_bytes

    leaf = setup
    picture = tmp_path / "管网图.png"
    picture.write_bytes(png_bytes())
    editor = login(browser, live_server, "new_editor")
    editor.goto("/staff/records/new/")
    editor.get_by_label("公开事项（目录末级）").select_option(str(leaf.pk))
    editor.get_by_role("textbox", name="标题", exact=True).fill("供热管网改造示意图")
    editor.get_by_label("形成/变更日期").fill("2026-11-02")
    editor.get_by_label("附件", exact=True).set_input_files(str(picture))
    editor.get_by_label("附件为图片时的替代文本").fill("城区供热管网改造示意图")
    editor.get_by_role("button", name="保存草稿").click()
    editor.wait_for_url("**/staff/records/*/")
    record = Record.objects.get(title="供热管网改造示意图")

    editor.goto(f"/staff/records/{record.pk}/edit/")
    editor.get_by_role("textbox", name="正文").click()
    editor.keyboard.type("改造范围见下图。")
    asked = answer_dialogs(editor, ["1", None])  # the first image, with its own alt text
    editor.get_by_role("button", name="图片").click()
    assert "1. 管网图.png" in asked[0]
    image = editor.locator(".rte-area img")
    assert image.get_attribute("alt") == "城区供热管网改造示意图"
    editor.wait_for_function("() => document.querySelector('.rte-area img').naturalWidth > 0")
    editor.get_by_role("button", name="保存草稿").click()
    editor.wait_for_url(f"**/staff/records/{record.pk}/")
    editor.get_by_role("button", name="提交审核").click()
    assert "已提交审核" in editor.content()

    reviewer = login(browser, live_server, "yj_reviewer")
    reviewer.goto(f"/staff/records/{record.pk}/")
    confidentiality_review(reviewer)
    reviewer.get_by_role("button", name="审核通过", exact=True).click()
    reviewer.get_by_role("button", name="发布", exact=True).click()
    record.refresh_from_db()

    # an anonymous visitor sees the picture, described
    page.goto(f"/records/{record.index_number}/")
    shown = page.locator(".record-body img")
    assert shown.get_attribute("alt") == "城区供热管网改造示意图"
    page.wait_for_function("() => document.querySelector('.record-body img').naturalWidth > 0")
