"""Issue 11 point 6: the sanitiser keeps the structure an editor typed or pasted (Chromium's
`<div>` lines, Word's list paragraphs) and drops Word's styling; images need alt text before
review; the drafting form and the workflow treat fields by the record's kind."""

import re
from pathlib import Path

import pytest

from gongkai.core.html import sanitize_html
from gongkai.records import workflow
from gongkai.records.content import images_missing_alt
from gongkai.records.forms import RecordForm
from gongkai.records.models import Kind, Record, State
from gongkai.records.workflow import WorkflowError

from .conftest import PASS_CHECKS, data, draft, published
from .files import pdf_bytes as pdf
from .test_staff import form_data

WORD = (Path(__file__).parent / "fixtures" / "word_clipboard.html").read_text(encoding="utf-8")


def clean(html: str) -> str:
    return sanitize_html(html).html


# --------------------------------------------------------------------------- paragraphs


def test_chromium_div_lines_become_paragraphs():
    # what Chromium's contenteditable writes for: 第一段 Enter 第二段 Enter Enter 第三段
    typed = "第一段<div>第二段</div><div><br></div><div>第三段</div>"
    assert clean(typed) == "<p>第一段</p><p>第二段</p><p>第三段</p>"


def test_double_breaks_end_a_paragraph_and_a_single_break_stays():
    assert clean("<p>甲<br><br>乙<br>丙</p>") == "<p>甲</p><p>乙<br>丙</p>"
    assert clean("甲<br>\n<br>乙") == "<p>甲</p><p>乙</p>"


def test_divs_around_blocks_are_unwrapped_not_merged():
    html = "<div><div>说明</div><ul><li>一</li></ul><div>结尾</div></div>"
    assert clean(html) == "<p>说明</p><ul><li>一</li></ul><p>结尾</p>"


def test_typed_headings_are_kept_and_h1_moves_everything_down():
    assert clean("<h2>二级</h2><h3>三级</h3>") == "<h2>二级</h2><h3>三级</h3>"
    assert clean("<h1>一</h1><h2>二</h2><h6>六</h6>") == "<h2>一</h2><h3>二</h3><h4>六</h4>"


def test_text_that_looks_like_markup_stays_text():
    assert clean("&lt;b&gt;原文&lt;/b&gt;<div>下一行</div>") == (
        "<p>&lt;b&gt;原文&lt;/b&gt;</p><p>下一行</p>"
    )


def test_cleaning_is_stable():
    once = clean(WORD)
    assert clean(once) == once


# --------------------------------------------------------------------------- Word


def test_word_paste_keeps_structure_and_drops_styling():
    html = clean(WORD)
    for junk in ("mso", "Mso", "style", "class", "<o:p", "o:p", "<font", "<span", "<xml",
                 "<meta", "<link", "font-family", "supportLists", "StartFragment", "·", "宋体;"):  # fmt: skip
        assert junk not in html, junk
    assert "<h2>关于做好冬季供暖保障工作的通知</h2>" in html
    assert "<h3>一、工作重点</h3>" in html and "<h3>二、时间安排</h3>" in html
    assert "<p>各街道办事处，区直各有关单位：</p>" in html
    assert "<b>认真贯彻落实</b>" in html and "<i>特此通知</i>" in html
    # bullets "·" with a nested "o" item, then a numbered list: lists, without the markers
    assert (
        "<ul><li>排查供热管网隐患</li><li>储备应急燃料<ul><li>煤炭不少于十五天用量</li></ul>"
        "</li></ul>"
    ) in html
    assert "<ol><li>11月15日前完成试运行</li><li>11月20日起正式供暖</li></ol>" in html
    cells = re.findall(r"<td>\s*(.*?)\s*</td>", html, re.S)
    assert cells == ["<b>街道</b>", "<b>联系电话</b>", "宜城路街道", "0556-5551234"]
    assert "<p>区住房和城乡建设局</p>" in html
    assert "<p>&nbsp;</p>" not in html and "<p></p>" not in html


def test_word_list_paragraphs_without_markup_stay_paragraphs():
    html = '<p class="MsoNormal" style="text-indent:2em;color:red">一、总体要求</p>'
    assert clean(html) == "<p>一、总体要求</p>"


def test_word_pictures_pointing_at_the_writers_disk_are_dropped():
    html = (
        '<p>图：<img src="file:///C:/Users/zhangsan/AppData/Local/Temp/image001.png" alt="x"></p>'
    )
    assert clean(html) == "<p>图：</p>"


def test_links_only_http_https_mailto_and_relative():
    html = (
        '<p><a href="https://a.example/">甲</a><a href="mailto:x@example.gov.cn">乙</a>'
        '<a href="/records/">丙</a><a href="javascript:alert(1)">丁</a>'
        '<a href="data:text/html,x">戊</a><a href="ftp://a.example/">己</a></p>'
    )
    out = clean(html)
    assert 'href="https://a.example/"' in out and 'href="mailto:x@example.gov.cn"' in out
    assert 'href="/records/"' in out
    assert "javascript" not in out and "data:" not in out and "ftp:" not in out


# --------------------------------------------------------------------------- alt text


def test_images_without_alt_text_are_counted():
    assert images_missing_alt(clean('<p><img src="/a.png" alt="管网图"></p>')) == 0
    assert images_missing_alt(clean('<p><img src="/a.png"></p>')) == 1
    assert images_missing_alt(clean('<p><img src="/a.png" alt="  "></p>')) == 1


def test_image_without_alt_is_saved_with_a_note_but_not_submitted(editor, housing, leaf):
    record, notes = workflow.create_draft(
        editor, organisation=housing, catalogue_item=leaf,
        data=data(body='<p>示意</p><img src="https://a.example/map.png">'),
    )  # fmt: skip
    assert '<img src="https://a.example/map.png">' in record.body  # nothing typed is lost
    assert any("缺少替代文本" in n for n in notes)
    with pytest.raises(WorkflowError, match="缺少替代文本"):
        workflow.submit(editor, record)
    assert Record.objects.get(pk=record.pk).state == State.DRAFT
    workflow.update_draft(
        editor, record, data(body='<p>示意</p><img src="https://a.example/map.png" alt="管网图">')
    )
    workflow.submit(editor, record)
    assert record.state == State.SUBMITTED


def test_revision_with_image_without_alt_is_refused(editor, reviewer, housing, leaf):
    record = published(editor, reviewer, housing, leaf)
    before = record.revisions.count()
    with pytest.raises(WorkflowError, match="缺少替代文本"):
        workflow.start_revision(
            editor, record, {"body": '<p>新</p><img src="/x.png">'}, "补充示意图"
        )
    assert record.revisions.count() == before


# --------------------------------------------------------------------------- kinds


def make_form(editor, leaf, housing, **values):
    from gongkai.core.permissions import organisations_for

    orgs = organisations_for(editor, workflow.EDIT_ROLES)
    return RecordForm(
        {**form_data(leaf, housing), **values},
        organisations=orgs,
        items=workflow.leaf_items_for(editor),
        site_ids=[housing.site_id],
    )


def test_form_ignores_fields_of_other_kinds(editor, housing, leaf):
    # a bad video address and a 文号 on a 一般信息: neither belongs to the kind
    form = make_form(
        editor, leaf, housing, kind="general", video_url="不是网址", document_number="X〔2026〕1号",
        written_on="2026-09-29", validity="valid", meeting_on="2026-09-01",
    )  # fmt: skip
    assert form.is_valid(), form.errors
    record, _ = workflow.create_draft(
        editor, organisation=housing, catalogue_item=leaf, data=form.record_data()
    )
    assert (record.document_number, record.written_on, record.validity) == ("", None, "")
    assert (record.video_url, record.meeting_on) == ("", None)


def test_form_asks_for_what_the_kind_needs_beside_the_field(editor, housing, leaf):
    form = make_form(editor, leaf, housing, kind="policy", document_number="", written_on="")
    assert not form.is_valid()
    assert form.errors["document_number"] == ["政策文件（规范性文件）须填写文号。"]
    assert form.errors["written_on"] == ["政策文件（规范性文件）须填写成文日期。"]
    form = make_form(editor, leaf, housing, kind="interpretation")
    assert not form.is_valid() and "须关联所解读的政策" in form.errors["policy"][0]
    form = make_form(editor, leaf, housing, kind="meeting")
    assert not form.is_valid() and form.errors["meeting_on"] == ["会议信息须填写会议日期。"]


def test_workflow_applies_the_same_kind_rules(editor, housing, leaf):
    """The API, imports and the demo draft through the workflow, not the form."""
    with pytest.raises(WorkflowError, match="须填写文号"):
        draft(editor, housing, leaf, kind=Kind.POLICY)
    record = draft(
        editor, housing, leaf, kind=Kind.RESPONSE, document_number="X〔2026〕1号",
        video_url="https://v.example/1",
    )  # fmt: skip
    assert record.document_number == "" and record.written_on is None and record.video_url == ""
    # changing the kind of a draft clears what no longer applies
    policy = draft(editor, housing, leaf, kind=Kind.POLICY, document_number="迎建规〔2026〕1号")
    assert policy.validity == "valid"
    workflow.update_draft(
        editor, policy, data(kind=Kind.GENERAL, document_number="迎建规〔2026〕1号")
    )
    policy.refresh_from_db()
    assert (policy.kind, policy.document_number, policy.validity) == (Kind.GENERAL, "", "")


def test_without_javascript_every_field_says_which_kinds_it_is_for(staff, editor):
    page = staff(editor).get("/staff/records/new/").content.decode()
    assert 'data-kinds="policy notice gazette"' in page
    assert "适用于：政策文件（规范性文件）、通知公告、政府公报；政策文件（规范性文件）必填" in page
    assert 'data-kinds="interpretation"' in page and "适用于：政策解读" in page
    assert 'data-kinds="meeting"' in page
    assert 'data-clean-url="/staff/records/clean-html/"' in page


# --------------------------------------------------------------------------- paste


def test_paste_is_cleaned_by_the_same_sanitiser(staff, editor):
    response = staff(editor).post("/staff/records/clean-html/", {"html": WORD})
    assert response.status_code == 200
    assert response.json()["html"] == clean(WORD)


def test_paste_cleaning_is_for_editors_and_bounded(staff, editor, reviewer):
    assert (
        staff(reviewer).post("/staff/records/clean-html/", {"html": "<p>x</p>"}).status_code == 403
    )
    client = staff(editor)
    assert client.get("/staff/records/clean-html/").status_code == 405
    response = client.post("/staff/records/clean-html/", {"html": "<p>" + "x" * 2_000_001})
    assert response.status_code == 413 and "粘贴的内容过大" in response.json()["error"]


def test_pasted_structure_survives_the_review_flow(editor, reviewer, housing, leaf, client):
    record = published(editor, reviewer, housing, leaf, body=WORD)
    page = client.get(f"/records/{record.index_number}/").content.decode()
    body = page.split('<div class="record-body">', 1)[1].split("</div>", 1)[0]
    assert "<ol><li>11月15日前完成试运行</li>" in body and "mso" not in body


def test_editor_offers_the_records_images_at_an_address_that_outlives_the_draft(
    staff, editor, reviewer, housing, leaf, settings, tmp_path, client
):
    import json

    from .files import png_bytes

    settings.MEDIA_ROOT = tmp_path
    record, _ = workflow.create_draft(
        editor, organisation=housing, catalogue_item=leaf, data=data(),
        files=[("管网图.png", png_bytes(), "城区供水管网示意图"), ("说明.pdf", pdf(), "")],
    )  # fmt: skip
    image = record.attachments.get(name="管网图.png")
    address = f"/records/attachments/{image.pk}/"
    page = staff(editor).get(f"/staff/records/{record.pk}/edit/").content.decode()
    images = json.loads(page.split('<script id="editor-images" type="application/json">')[1]
                        .split("</script>")[0])  # fmt: skip
    assert images == [{"name": "管网图.png", "alt": "城区供水管网示意图", "url": address}]

    # a draft's image: its staff see it in the editor, nobody else sees anything
    response = staff(editor).get(address)
    assert response.status_code == 302
    assert response["Location"] == f"/staff/records/{record.pk}/attachments/{image.pk}/"
    client.logout()
    assert client.get(address).status_code == 404

    record.body = f'<p>示意</p><img src="{address}" alt="城区供水管网示意图">'
    record.save()
    workflow.submit(editor, record)
    workflow.review_confidentiality(reviewer, record, PASS_CHECKS)
    workflow.approve(reviewer, record)
    workflow.publish(reviewer, record)
    response = client.get(address)
    public = f"/records/{record.index_number}/attachments/{image.pk}/"
    assert response.status_code == 302 and response["Location"] == public
    assert client.get(public)["Content-Type"] == "image/png"
    assert f'src="{address}"' in client.get(f"/records/{record.index_number}/").content.decode()
    workflow.withdraw(reviewer, record, "数据有误")
    assert client.get(client.get(address)["Location"]).status_code == 410


def test_tag_soup_never_fails_and_never_keeps_styling():
    """Whatever a browser, Word or a script sends, saving gives clean HTML, not a 500."""
    import random

    pieces = [
        "<p>", "</p>", "<div>", "</div>", "<br>", "<ul>", "</ul>", "<li>", "</li>", "<h1>",
        "</h1>", "<table>", "<tr>", "<td>", "</td>", "<b>", "</b>", "<span style='color:red'>",
        "</span>", "<o:p>", "</o:p>", "<font face=宋体>", "<img src='/a.png' alt='图'>",
        "<blockquote>", '<p class="MsoListParagraph" style="mso-list:l0 level2 lfo1">',
        "<![if !supportLists]>", "<![endif]>", "<!--[if gte mso 9]>", "·\xa0 ", "1.\xa0",
        "一、", "文字", "&nbsp;", "\xa0", "甲<br><br>乙",
    ]  # fmt: skip
    generator = random.Random(11)
    for _ in range(3000):
        soup = "".join(generator.choice(pieces) for _ in range(generator.randint(1, 30)))
        out = clean(soup)
        for junk in ("style=", "class=", "<div", "<span", "<h1", "<font", "o:p", "<p></p>"):
            assert junk not in out, (soup, out)
