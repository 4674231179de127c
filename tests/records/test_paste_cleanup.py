"""清理粘贴文本 in the records editor: the button posts the form, the form comes back with its
title, summary and body cleaned, and nothing is saved (issue 15, point 4)."""

import html
import re
from pathlib import Path

import pytest
from opencc import OpenCC

from gongkai.core.models import Role
from gongkai.core.textnorm import normalize, normalize_html
from gongkai.records import workflow
from gongkai.records.models import Record, RecordRevision
from tests.conftest import org

from .conftest import draft, new_staff, published
from .test_versions import edit_post, fresh, hidden

SEED_000 = (Path(__file__).parents[1] / "core" / "fixtures" / "seed_000.txt").read_text(
    encoding="utf-8"
)
DIRTY_TITLE = "迎江區(qū)政務(wù)公開標(biāo)準(zhǔn)化規(guī)範(fàn)化試點(diǎn)工作方案"
DIRTY_BODY = "<p>經(jīng)區(qū)政府研究同意,現(xiàn)將《方案》印發(fā)給你們。</p><p>(一)任務(wù)範(fàn)圍</p>"
T2S = OpenCC("t2s")


def textarea(page: str, name: str) -> str:
    match = re.search(rf'<textarea name="{name}"[^>]*>(.*?)</textarea>', page, re.S)
    assert match, f"no textarea {name}"
    return html.unescape(match.group(1)).strip("\n")


def input_value(page: str, name: str) -> str:
    match = re.search(rf'<input type="text" name="{name}" value="([^"]*)"', page)
    assert match, f"no input {name}"
    return html.unescape(match.group(1))


def test_button_cleans_the_draft_form_and_saves_nothing(staff, editor, housing, leaf):
    record = draft(editor, housing, leaf)
    before = fresh(record)
    client = staff(editor)
    url = f"/staff/records/{record.pk}/edit/"
    page = client.get(url).content.decode()
    assert 'name="clean_text"' in page and "清理粘贴文本" in page
    post = edit_post(
        page, title=DIRTY_TITLE, summary="摘要：經(jīng)濟(jì)發(fā)展", body=DIRTY_BODY
    )
    response = client.post(url, {**post, "clean_text": "1"})
    assert response.status_code == 200
    text = response.content.decode()
    assert input_value(text, "title") == "迎江区政务公开标准化规范化试点工作方案"
    assert textarea(text, "summary") == "摘要：经济发展"
    assert textarea(text, "body") == (
        "<p>经区政府研究同意，现将《方案》印发给你们。</p><p>（一）任务范围</p>"
    )
    message = re.search(r'<p class="message info">([^<]*)</p>', text).group(1)
    assert message.startswith("已清理：去除拼音注音 ")
    assert "繁体转简体" in message and "标点" in message and "尚未保存" in message
    # the form still carries the version it was loaded at, and nothing was saved
    assert hidden(text, "version") == hidden(page, "version") == str(before.version)
    after = fresh(record)
    assert (after.title, after.summary, after.body, after.version) == (
        before.title,
        before.summary,
        before.body,
        before.version,
    )
    assert "field-error" not in text

    # saving the cleaned form is an ordinary save of that version
    saved = client.post(url, edit_post(text, title=input_value(text, "title")))
    assert saved.status_code == 302
    assert fresh(record).title == "迎江区政务公开标准化规范化试点工作方案"
    assert fresh(record).version == before.version + 1


def test_seed_000_pasted_as_plain_text_comes_back_clean(staff, editor, housing, leaf):
    record = draft(editor, housing, leaf)
    client = staff(editor)
    url = f"/staff/records/{record.pk}/edit/"
    page = client.get(url).content.decode()
    response = client.post(url, {**edit_post(page, body=SEED_000), "clean_text": "1"})
    body = textarea(response.content.decode(), "body")
    assert body == normalize(SEED_000)
    assert not re.search(r"[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+[)）]", body)
    assert [c for c in body if T2S.convert(c) != c] == []
    assert "（一）任务范围" in body and "皖政办秘〔2017〕188号" in body and "2017年9月20日" in body
    assert fresh(record).body != body


def test_new_draft_form_is_cleaned_without_missing_field_errors(staff, editor, leaf):
    client = staff(editor)
    response = client.post(
        "/staff/records/new/", {"title": DIRTY_TITLE, "body": DIRTY_BODY, "clean_text": "1"}
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert input_value(text, "title") == "迎江区政务公开标准化规范化试点工作方案"
    assert textarea(text, "body") == normalize_html(DIRTY_BODY)
    assert "field-error" not in text and "form-errors" not in text
    assert not Record.objects.filter(title__contains="迎江区政务公开").exists()


def test_nothing_to_clean_says_so(staff, editor, housing, leaf):
    record = draft(editor, housing, leaf)
    client = staff(editor)
    url = f"/staff/records/{record.pk}/edit/"
    response = client.post(url, {**edit_post(client.get(url).content.decode()), "clean_text": "1"})
    assert "未发现需要清理的内容" in response.content.decode()


def test_returned_revision_form_is_cleaned_and_not_submitted(
    staff, editor, reviewer, housing, leaf
):
    record = published(editor, reviewer, housing, leaf)
    revision, _ = workflow.start_revision(editor, fresh(record), {"title": "更正"}, "更正")
    workflow.return_revision(reviewer, revision, "请改")
    stored = RecordRevision.objects.get(pk=revision.pk)
    client = staff(editor)
    url = f"/staff/records/{record.pk}/revise/"
    page = client.get(url).content.decode()
    post = {
        "title": DIRTY_TITLE,
        "summary": "",
        "body": DIRTY_BODY,
        "reason": "更正",
        "version": hidden(page, "version"),
        "base": hidden(page, "base"),
        "clean_text": "1",
    }
    text = client.post(url, post).content.decode()
    assert input_value(text, "title") == "迎江区政务公开标准化规范化试点工作方案"
    assert "已清理：" in text
    again = RecordRevision.objects.get(pk=revision.pk)
    assert (again.content, again.state, again.version) == (
        stored.content,
        stored.state,
        stored.version,
    )


def test_a_first_revision_form_is_cleaned_and_none_is_started(
    staff, editor, reviewer, housing, leaf
):
    record = published(editor, reviewer, housing, leaf)
    revisions = list(RecordRevision.objects.filter(record=record).values_list("pk", "state"))
    client = staff(editor)
    url = f"/staff/records/{record.pk}/revise/"
    text = client.post(
        url, {"title": DIRTY_TITLE, "body": DIRTY_BODY, "reason": "", "clean_text": "1"}
    ).content.decode()
    assert input_value(text, "title") == "迎江区政务公开标准化规范化试点工作方案"
    after = list(RecordRevision.objects.filter(record=record).values_list("pk", "state"))
    assert after == revisions


@pytest.mark.parametrize("page", ["edit", "revise"])
def test_a_reviewer_without_editing_rights_may_not_clean(
    staff, editor, reviewer, housing, leaf, page
):
    record = (
        draft(editor, housing, leaf)
        if page == "edit"
        else published(editor, reviewer, housing, leaf)
    )
    outsider = new_staff("yj_reader", housing, role=Role.REVIEWER)
    client = staff(outsider)
    response = client.post(
        f"/staff/records/{record.pk}/{page}/",
        {"title": DIRTY_TITLE, "body": DIRTY_BODY, "clean_text": "1"},
    )
    assert response.status_code in (403, 404)
    assert DIRTY_TITLE not in response.content.decode()


def test_staff_of_another_organisation_cannot_reach_the_form(
    staff, editor, yingjiang, housing, leaf
):
    record = draft(editor, housing, leaf)
    other = new_staff("yj_other_editor", org(yingjiang, "区民政局"))
    response = staff(other).post(
        f"/staff/records/{record.pk}/edit/", {"title": DIRTY_TITLE, "clean_text": "1"}
    )
    assert response.status_code == 404
