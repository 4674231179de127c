"""Requests delivered online: the reply's letter and released files downloaded from the tracking
page (code + phone, bound to the session), sent attached by e-mail, the online 补正 that
restarts the clock (《条例》第三十条), and the delivery log staff see."""

import hashlib
import io
import time
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pypdf import PdfReader

from gongkai.core.pdf import pdf_available
from gongkai.core.permissions import PUBLIC, SYSTEM
from gongkai.core.workcalendar import add_working_days
from gongkai.foi import rules, views, workflow
from gongkai.foi.models import AttachmentKind, EventKind, Outcome, State
from tests.conftest import login_verified, user
from tests.foi.conftest import PDF, PNG, Upload
from tests.records.files import docx_bytes

pytestmark = pytest.mark.django_db
D = date
needs_pdf = pytest.mark.skipif(not pdf_available(), reason="WeasyPrint 不可用")


@pytest.fixture
def asked(make_request, monkeypatch):
    """A request received 2 March 2026 with a 补正 notice of 3 March (due 24 March)."""
    req = make_request(received=D(2026, 3, 2), today=D(2026, 3, 3))
    return workflow.ask_correction(req, on=D(2026, 3, 3), what="写明文号", actor=SYSTEM)


def on_day(monkeypatch, day):
    monkeypatch.setattr(workflow, "today", lambda: day)


def replied(req, monkeypatch, files=(), day=D(2026, 3, 20)):
    on_day(monkeypatch, day)
    return workflow.reply(req, on=day, outcome=Outcome.DISCLOSED, files=files, actor=SYSTEM)


def login_tracking(client, req, phone=None):
    return client.post("/foi/track/", {"code": req.tracking_code, "phone": phone or req.phone})


# --------------------------------------------------------------------------- online 补正


def test_online_correction_restarts_the_clock_from_its_day(asked, monkeypatch):
    assert asked.state == State.CORRECTION_ASKED and asked.due_date is None  # clock stopped
    on_day(monkeypatch, D(2026, 3, 10))
    req = workflow.submit_correction(
        asked, text="文号为迎建〔2025〕12号", files=[Upload(PNG, "文号.png")], actor=PUBLIC
    )
    assert req.state == State.IN_HANDLING
    # 20 working days counted again from the day the correction arrived (《条例》第三十条)
    assert req.due_date == add_working_days(D(2026, 3, 10), rules.REPLY_DAYS).date
    event = req.events.get(kind=EventKind.CORRECTION_RECEIVED)
    assert event.date == D(2026, 3, 10) and "在线提交补正" in event.note
    # the applicant's words are a private file of the case, not a line of the append-only log
    assert "迎建" not in event.note
    kept = req.attachments.filter(kind=AttachmentKind.CORRECTION)
    assert sorted(a.content_type.split(";")[0] for a in kept) == ["image/png", "text/plain"]
    text = kept.get(original_name="补正说明.txt").file.open("rb").read().decode()
    assert text == "文号为迎建〔2025〕12号"


def test_correction_refused_when_none_is_pending(make_request):
    req = make_request(received=D(2026, 3, 2), today=D(2026, 3, 3))
    with pytest.raises(workflow.WorkflowError, match="没有需要补正"):
        workflow.submit_correction(req, text="x", actor=PUBLIC)
    assert not req.events.filter(kind=EventKind.CORRECTION_RECEIVED).exists()


def test_correction_refused_twice_for_the_same_notice(asked, monkeypatch):
    on_day(monkeypatch, D(2026, 3, 5))
    workflow.submit_correction(asked, text="第一次", actor=PUBLIC)
    on_day(monkeypatch, D(2026, 3, 6))
    with pytest.raises(workflow.WorkflowError, match="已经提交，不能重复提交"):
        workflow.submit_correction(asked, text="第二次", actor=PUBLIC)
    assert asked.events.filter(kind=EventKind.CORRECTION_RECEIVED).count() == 1
    assert asked.attachments.filter(kind=AttachmentKind.CORRECTION).count() == 1


def test_late_online_correction_goes_to_the_organ(asked, monkeypatch):
    on_day(monkeypatch, asked.correction_due + timedelta(days=1))
    with pytest.raises(workflow.WorkflowError, match="补正期限.*已过"):
        workflow.submit_correction(asked, text="迟到", actor=PUBLIC)
    asked.refresh_from_db()
    assert asked.state == State.CORRECTION_ASKED


def test_correction_page_needs_the_tracking_proof_and_takes_text_and_files(
    client, asked, monkeypatch
):
    on_day(monkeypatch, D(2026, 3, 10))
    post = {
        "text": "文号为迎建〔2025〕12号",
        "files": [SimpleUploadedFile("a.pdf", PDF), SimpleUploadedFile("b.png", PNG)],
    }
    # without having shown code + phone in this browser: the Chinese 403, nothing recorded
    refused = client.post("/foi/track/correction/", post)
    assert refused.status_code == 403 and "重新输入查询码和联系电话" in refused.content.decode()
    assert not asked.events.filter(kind=EventKind.CORRECTION_RECEIVED).exists()

    page = login_tracking(client, asked).content.decode()
    assert "在线补正" in page and "在“查询办理进度”页面在线提交" in page
    post["files"] = [SimpleUploadedFile("a.pdf", PDF), SimpleUploadedFile("b.png", PNG)]
    done = client.post("/foi/track/correction/", post)
    assert done.status_code == 302 and done["Location"] == "/foi/track/"
    shown = client.get("/foi/track/").content.decode()
    assert "已收到您的补正" in shown and "办理中" in shown and "在线补正" not in shown
    asked.refresh_from_db()
    assert asked.state == State.IN_HANDLING
    assert asked.attachments.filter(kind=AttachmentKind.CORRECTION).count() == 3

    post["files"] = [SimpleUploadedFile("c.png", PNG)]
    again = client.post("/foi/track/correction/", post)
    assert again.status_code == 400 and "不能重复提交" in again.content.decode()
    assert asked.attachments.filter(kind=AttachmentKind.CORRECTION).count() == 3


def test_correction_file_checked_by_content(client, asked, monkeypatch):
    on_day(monkeypatch, D(2026, 3, 10))
    login_tracking(client, asked)
    bad = SimpleUploadedFile("scan.pdf", b"%PDF-1.4 <html><script>x</script>")
    response = client.post("/foi/track/correction/", {"text": "见附件", "files": [bad]})
    assert response.status_code == 400 and "scan.pdf" in response.content.decode()
    asked.refresh_from_db()
    assert asked.state == State.CORRECTION_ASKED


# --------------------------------------------------------------------------- downloads


@pytest.fixture
def answered(make_request, monkeypatch):
    req = make_request(received=D(2026, 3, 2), today=D(2026, 3, 3))
    return replied(req, monkeypatch, files=[Upload(docx_bytes(), "资金安排表.docx")])


def test_reply_keeps_released_files_checked_by_content(make_request, monkeypatch):
    req = make_request(received=D(2026, 3, 2), today=D(2026, 3, 3))
    with pytest.raises(workflow.WorkflowError, match="只接受"):
        replied(req, monkeypatch, files=[Upload(b"MZ\x90\x00 not a document", "a.docx")])
    req.refresh_from_db()
    assert req.state == State.REGISTERED  # nothing written
    req = replied(req, monkeypatch, files=[Upload(docx_bytes(), "a.docx")])
    released = req.attachments.get(kind=AttachmentKind.RELEASED)
    assert released.content_type.endswith("wordprocessingml.document")


def test_refusal_carries_no_released_files(make_request, monkeypatch):
    req = make_request(received=D(2026, 3, 2), today=D(2026, 3, 3))
    on_day(monkeypatch, D(2026, 3, 20))
    with pytest.raises(workflow.WorkflowError, match="予以公开或部分公开"):
        workflow.reply(
            req,
            on=D(2026, 3, 20),
            outcome=Outcome.UNAVAILABLE_NOT_HELD,
            reason="未制作",
            files=[Upload(PDF, "x.pdf")],
            actor=SYSTEM,
        )


@needs_pdf
def test_applicant_downloads_letter_and_files_after_code_and_phone(client, answered):
    released = answered.attachments.get(kind=AttachmentKind.RELEASED)
    page = login_tracking(client, answered).content.decode()
    assert "/foi/track/letter.pdf" in page and f"/foi/track/files/{released.pk}/" in page
    pdf = client.get("/foi/track/letter.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert "答复告知书" in PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    docx = client.get("/foi/track/letter.docx")
    assert docx.status_code == 200 and docx.content.startswith(b"PK")
    got = client.get(f"/foi/track/files/{released.pk}/")
    content = b"".join(got.streaming_content)
    assert got.status_code == 200 and hashlib.sha256(content).hexdigest() == released.sha256
    assert got["Content-Type"].endswith("wordprocessingml.document")


def test_download_refused_with_wrong_phone(client, answered):
    released = answered.attachments.get(kind=AttachmentKind.RELEASED)
    page = login_tracking(client, answered, phone="13900000000").content.decode()
    assert "查询码或联系电话不正确" in page
    for url in ("/foi/track/letter.docx", f"/foi/track/files/{released.pk}/"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "重新输入查询码和联系电话" in response.content.decode()
    assert not answered.events.filter(kind=EventKind.DOWNLOADED).exists()


def test_a_wrong_phone_after_a_right_one_withdraws_the_proof(client, answered):
    login_tracking(client, answered)
    assert client.get("/foi/track/letter.docx").status_code == 200
    login_tracking(client, answered, phone="13900000000")
    assert client.get("/foi/track/letter.docx").status_code == 403


def test_another_applicant_cannot_fetch_this_cases_files(client, answered, make_request):
    other = make_request(received=D(2026, 3, 2), today=D(2026, 3, 3), phone="13700137000")
    released = answered.attachments.get(kind=AttachmentKind.RELEASED)
    login_tracking(client, other)
    # the other case is not replied: its letter does not exist; this case's file is not its
    assert client.get("/foi/track/letter.docx").status_code == 404
    assert client.get(f"/foi/track/files/{released.pk}/").status_code == 404
    # nor are the applicant's own uploads (ID copy) downloadable as "released"
    login_tracking(client, answered)
    own = answered.attachments.exclude(kind=AttachmentKind.RELEASED).first()
    if own is not None:
        assert client.get(f"/foi/track/files/{own.pk}/").status_code == 404


def test_expired_proof_and_erased_file_answer_with_chinese_pages(client, answered, monkeypatch):
    released = answered.attachments.get(kind=AttachmentKind.RELEASED)
    login_tracking(client, answered)
    released.file.delete(save=False)
    released.file = ""
    released.save()
    gone = client.get(f"/foi/track/files/{released.pk}/")
    assert gone.status_code == 410 and "已按保存期限删除" in gone.content.decode()
    later = time.time() + views.TRACKED_SECONDS + 1
    monkeypatch.setattr(views.time, "time", lambda: later)
    expired = client.get("/foi/track/letter.docx")
    assert expired.status_code == 403 and "查询已过期" in expired.content.decode()
    assert "<html" in expired.content.decode() and 'lang="zh' in expired.content.decode()


# --------------------------------------------------------------------------- e-mail, log


def test_first_download_is_logged_once_without_personal_data(client, answered):
    login_tracking(client, answered)
    for _ in range(3):
        client.get("/foi/track/letter.docx")
    log = answered.events.filter(kind=EventKind.DOWNLOADED)
    assert log.count() == 1 and "Word 版" in log.get().note
    assert not log.get().visible_to_applicant
    for value in (answered.phone, answered.name, answered.email, answered.tracking_code):
        assert value not in log.get().note


@needs_pdf
def test_email_delivery_attaches_letter_and_released_files(
    make_request, monkeypatch, django_capture_on_commit_callbacks
):
    req = make_request(received=D(2026, 3, 2), today=D(2026, 3, 3), delivery="email")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        replied(req, monkeypatch, files=[Upload(PDF, "资金安排.pdf")])
    message = mail.outbox[-1]
    names = [name for name, _, _ in message.attachments]
    types = [kind for _, _, kind in message.attachments]
    assert names == [
        f"答复告知书-{req.serial}.pdf",
        f"答复告知书-{req.serial}.docx",
        "资金安排.pdf",
    ]
    assert types[0] == "application/pdf" and types[1].endswith("wordprocessingml.document")
    assert "告知书随本邮件附上" in message.body and "/foi/track/" in message.body
    sent = req.events.get(kind=EventKind.EMAILED, note__contains="已经答复")
    assert "资金安排.pdf" in sent.note and req.email not in sent.note


@needs_pdf
def test_large_released_files_are_not_mailed(
    make_request, monkeypatch, settings, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(rules, "MAX_EMAIL_ATTACHMENT_BYTES", len(PDF) // 2)
    req = make_request(received=D(2026, 3, 2), today=D(2026, 3, 3), delivery="email")
    with django_capture_on_commit_callbacks(execute=True):
        replied(req, monkeypatch, files=[Upload(PDF, "资金安排.pdf")])
    message = mail.outbox[-1]
    names = [name for name, _, _ in message.attachments]
    assert "资金安排.pdf" not in names and "请到查询页面下载" in message.body


def test_post_delivery_sends_no_documents(
    make_request, monkeypatch, django_capture_on_commit_callbacks
):
    req = make_request(received=D(2026, 3, 2), today=D(2026, 3, 3), delivery="post")
    with django_capture_on_commit_callbacks(execute=True):
        replied(req, monkeypatch, files=[Upload(PDF, "资金安排.pdf")])
    assert mail.outbox[-1].attachments == []
    assert "查询码和联系电话后下载" in mail.outbox[-1].body


def test_correction_notice_email_says_how_to_correct_online(
    make_request, django_capture_on_commit_callbacks
):
    req = make_request(received=D(2026, 3, 2), today=D(2026, 3, 3))
    with django_capture_on_commit_callbacks(execute=True):
        workflow.ask_correction(req, on=D(2026, 3, 3), what="写明文号", actor=SYSTEM)
    body = mail.outbox[-1].body
    assert "/foi/track/" in body and "查询码" in body and "在线提交补正" in body
    assert req.events.filter(kind=EventKind.EMAILED, note__contains="补正").exists()


def test_staff_case_page_shows_the_delivery_log(answered, client):
    login_tracking(client, answered)
    client.get("/foi/track/letter.docx")
    staff = login_verified(Client(), user("yj_editor"))
    page = staff.get(f"/staff/foi/{answered.pk}/").content.decode()
    assert "送达记录" in page and "申请人从查询页面下载答复告知书（Word 版）" in page


def test_log_events_do_not_bind_the_next_steps_date(answered, monkeypatch):
    # a download logged today must not stop staff recording a delivery dated earlier
    on_day(monkeypatch, D(2026, 3, 25))
    workflow.first_download(answered, "答复告知书（Word 版）")
    workflow.record_delivery(answered, on=D(2026, 3, 21), note="邮寄", actor=SYSTEM)
    answered.refresh_from_db()
    assert answered.delivered_on == D(2026, 3, 21)


# --------------------------------------------------------------------------- 补正告知书


@needs_pdf
def test_correction_letter_says_what_by_when_and_how_to_correct_online(client, asked):
    login_tracking(client, asked)
    pdf = client.get("/foi/track/correction-letter.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.content))
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - 595.28) < 1 and abs(float(box.height) - 841.89) < 1  # A4
    text = "".join(p.extract_text() for p in reader.pages).replace(" ", "").replace("\n", "")
    assert "政府信息公开申请补正告知书" in text and "写明文号" in text
    assert "2026年3月24日前提交补正" in text and "2026年3月3日" in text  # no leading zeros
    assert "/foi/track/" in text and asked.tracking_code_display in text and "第三十条" in text
    docx = client.get("/foi/track/correction-letter.docx")
    assert docx.status_code == 200 and docx.content.startswith(b"PK")
    log = asked.events.filter(kind=EventKind.DOWNLOADED).values_list("note", flat=True)
    assert sorted(log) == [
        "申请人从查询页面下载补正告知书（PDF 版）",
        "申请人从查询页面下载补正告知书（Word 版）",
    ]


def test_correction_letter_only_after_a_notice_and_with_the_proof(client, make_request, asked):
    assert client.get("/foi/track/correction-letter.docx").status_code == 403
    fresh = make_request(received=D(2026, 3, 2), today=D(2026, 3, 3), phone="13700137000")
    login_tracking(client, fresh)
    assert client.get("/foi/track/correction-letter.docx").status_code == 404


@needs_pdf
def test_correction_notice_email_carries_the_letter_for_email_delivery(
    make_request, django_capture_on_commit_callbacks
):
    req = make_request(received=D(2026, 3, 2), today=D(2026, 3, 3), delivery="email")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.ask_correction(req, on=D(2026, 3, 3), what="写明文号", actor=SYSTEM)
    names = [name for name, _, _ in mail.outbox[-1].attachments]
    assert names == [f"补正告知书-{req.serial}.pdf", f"补正告知书-{req.serial}.docx"]


def test_correction_endpoint_is_rate_limited(client, asked, monkeypatch):
    on_day(monkeypatch, D(2026, 3, 10))
    login_tracking(client, asked)
    for _ in range(10):
        assert client.post("/foi/track/correction/", {"text": ""}).status_code == 400
    limited = client.post("/foi/track/correction/", {"text": "文号为迎建〔2025〕12号"})
    assert limited.status_code == 429
    asked.refresh_from_db()
    assert asked.state == State.CORRECTION_ASKED


def test_correction_form_needs_csrf(asked, monkeypatch):
    on_day(monkeypatch, D(2026, 3, 10))
    strict = Client(enforce_csrf_checks=True)
    strict.get("/foi/track/")
    token = strict.cookies["csrftoken"].value
    data = {"code": asked.tracking_code, "phone": asked.phone, "csrfmiddlewaretoken": token}
    assert "在线补正" in strict.post("/foi/track/", data).content.decode()
    response = strict.post("/foi/track/correction/", {"text": "x"})
    assert response.status_code == 403 and "页面已过期或来源无法验证" in response.content.decode()
    asked.refresh_from_db()
    assert asked.state == State.CORRECTION_ASKED


def test_ending_the_query_withdraws_the_proof(client, answered):
    login_tracking(client, answered)
    assert answered.serial in client.get("/foi/track/").content.decode()
    ended = client.post("/foi/track/", {"end": "1"})
    assert ended.status_code == 302
    assert answered.serial not in client.get("/foi/track/").content.decode()
    assert client.get("/foi/track/letter.docx").status_code == 403
