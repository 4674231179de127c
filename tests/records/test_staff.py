"""The staff pages: drafting with a .docx, review, publication, permissions by organisation."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gongkai.records.models import Record, State
from tests.conftest import user

from .conftest import draft, published
from .files import docx_bytes


def form_data(leaf, housing, **extra):
    values = {
        "organisation": housing.pk,
        "catalogue_item": leaf.pk,
        "kind": "notice",
        "title": "燃气经营许可证核发结果公示",
        "formed_on": "2026-09-30",
        "subject": "08",
        "genre": "公示",
        "disclosure": "proactive",
        "body": "<p>正文</p><script>alert(1)</script>",
    }
    values.update(extra)
    return values


def test_editor_creates_draft_from_docx_and_reviewer_publishes(
    staff, editor, reviewer, housing, leaf
):
    client = staff(editor)
    assert "燃气" not in client.get("/staff/records/new/").content.decode()
    upload = SimpleUploadedFile("结果.docx", docx_bytes(paragraphs=["核发燃气经营许可证3件。"]))
    response = client.post("/staff/records/new/", {**form_data(leaf, housing), "docx": upload})
    assert response.status_code == 302
    record = Record.objects.get(title="燃气经营许可证核发结果公示")
    assert "核发燃气经营许可证3件" in record.body and "<script" not in record.body
    client.post(f"/staff/records/{record.pk}/do/submit/")
    client = staff(reviewer)
    assert record.title in client.get("/staff/records/review/").content.decode()
    checks = {k: "on" for k in ("no_state_secrets", "no_personal_info", "no_business_secrets",
                                "no_stability_risk")}  # fmt: skip
    client.post(f"/staff/records/{record.pk}/do/review/", checks)
    client.post(f"/staff/records/{record.pk}/do/approve/")
    client.post(f"/staff/records/{record.pk}/do/publish/", {"at": ""})
    record = Record.objects.get(pk=record.pk)
    assert record.state == State.PUBLISHED and record.index_number


def test_refused_upload_shows_message_and_saves_nothing(staff, editor, housing, leaf):
    client = staff(editor)
    upload = SimpleUploadedFile("结果.pdf", b"MZ\x90\x00" + b"\x00" * 100)
    response = client.post(
        "/staff/records/new/", {**form_data(leaf, housing), "attachment": upload}
    )
    assert response.status_code == 200
    assert "可执行文件" in response.content.decode()
    assert not Record.objects.exists()


def test_rule_refusal_is_a_message_not_an_error(staff, editor, reviewer, housing, leaf):
    record = draft(editor, housing, leaf)
    client = staff(editor)
    client.post(f"/staff/records/{record.pk}/do/submit/")
    client = staff(reviewer)
    response = client.post(f"/staff/records/{record.pk}/do/approve/", follow=True)
    assert "请先完成保密审查" in response.content.decode()
    assert Record.objects.get(pk=record.pk).state == State.SUBMITTED


@pytest.mark.parametrize("username", ["yj_editor2", "oh_editor", "oh_admin"])
def test_staff_of_other_organisations_cannot_see_or_act(staff, editor, housing, leaf, username):
    record = draft(editor, housing, leaf)
    client = staff(user(username))
    assert client.get(f"/staff/records/{record.pk}/").status_code == 404
    assert client.post(f"/staff/records/{record.pk}/do/submit/").status_code == 404
    assert record.title not in client.get("/staff/records/").content.decode()
    response = client.post("/staff/records/new/", form_data(leaf, housing))
    assert response.status_code == 200  # the organisation is not among the form's choices
    assert Record.objects.count() == 1


def test_revision_and_withdrawal_pages(staff, editor, reviewer, housing, leaf):
    record = published(editor, reviewer, housing, leaf)
    client = staff(editor)
    response = client.post(
        f"/staff/records/{record.pk}/revise/",
        {"title": record.title, "summary": "补充", "body": record.body, "reason": "补充摘要"},
    )
    assert response.status_code == 302
    assert Record.objects.get(pk=record.pk).summary == ""  # not until reviewed
    client = staff(reviewer)
    client.post(f"/staff/records/{record.pk}/do/withdraw/", {"reason": ""})
    assert Record.objects.get(pk=record.pk).state == State.PUBLISHED
    client.post(f"/staff/records/{record.pk}/do/withdraw/", {"reason": "信息有误"})
    assert Record.objects.get(pk=record.pk).state == State.WITHDRAWN


def test_channel_versions(staff, editor, reviewer, housing, leaf):
    record = published(editor, reviewer, housing, leaf)
    deliveries = {d.channel.name: d for d in record.deliveries.all()}
    assert set(deliveries) == {"政府网站", "两微一端"}
    assert deliveries["政府网站"].delivered_at is not None
    wechat = deliveries["两微一端"]
    assert wechat.delivered_at is None
    assert 'style="' in wechat.content and "<script" not in wechat.content
    assert f"/records/{record.index_number}/" in wechat.content
    client = staff(editor)
    page = client.get(f"/staff/records/{record.pk}/channels/{wechat.pk}/").content.decode()
    assert "微博/头条短文本" in page
    client.post(f"/staff/records/{record.pk}/channels/{wechat.pk}/", {"note": "已推送公众号"})
    wechat.refresh_from_db()
    assert wechat.delivered_at is not None and wechat.note == "已推送公众号"


def test_notice_board_pdf(yingjiang, editor, reviewer, housing):
    from pypdf import PdfReader

    from gongkai.records import channels

    from .conftest import make_leaf

    leaf = make_leaf(yingjiang, "村务公示", organisations=[housing],
                     channels=["社区/企事业单位/村公示栏（电子屏）"])  # fmt: skip
    record = published(editor, reviewer, housing, leaf)
    delivery = record.deliveries.get()
    assert delivery.format == "notice_pdf"
    try:
        pdf = channels.notice_pdf(record)
    except RuntimeError as exc:  # no Pango on this machine: the message says so
        assert "WeasyPrint" in str(exc)
        return
    import io

    reader = PdfReader(io.BytesIO(pdf))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4
    assert record.index_number in reader.pages[0].extract_text()
