"""Transitions: what the law allows, what it refuses, and what every step leaves behind."""

from datetime import date

import pytest
from django.core import mail
from docx import Document

from gongkai.core.models import AuditEvent
from gongkai.core.permissions import SYSTEM
from gongkai.foi import workflow
from gongkai.foi.models import (
    AttachmentKind,
    EventKind,
    FeeMode,
    FoiEvent,
    FoiRequest,
    Outcome,
    State,
)
from tests.foi.conftest import PNG, Upload, applicant

D = date
pytestmark = pytest.mark.django_db


def test_registration_starts_the_clock_and_is_audited(make_request):
    req = make_request(received=D(2026, 4, 30))
    assert req.state == State.REGISTERED
    assert req.due_date == D(2026, 6, 1)
    assert len(req.tracking_code) == 12
    assert req.serial == "2026-0001"
    event = req.events.get()
    assert event.kind == EventKind.RECEIVED and event.new_due == D(2026, 6, 1)
    assert AuditEvent.objects.filter(object_type="foi.foirequest", object_id=str(req.pk)).exists()
    assert make_request(received=D(2026, 5, 6)).serial == "2026-0002"


def test_full_path_with_correction_consultation_extension_and_reply(make_request):
    req = make_request(received=D(2026, 3, 2))
    req = workflow.ask_correction(req, on=D(2026, 3, 4), what="请写明文件名称", actor=SYSTEM)
    assert req.state == State.CORRECTION_ASKED and req.due_date is None
    req = workflow.receive_correction(req, on=D(2026, 3, 20), actor=SYSTEM)
    assert req.state == State.IN_HANDLING and req.due_date == D(2026, 4, 20)
    req = workflow.start_consultation(req, on=D(2026, 3, 27), party="某公司", actor=SYSTEM)
    assert req.state == State.CONSULTING and req.due_date is None
    req = workflow.end_consultation(req, on=D(2026, 4, 10), actor=SYSTEM)
    assert req.state == State.IN_HANDLING
    resumed_due = req.due_date
    # 5 working days were used before the pause (03-23..03-27), 15 remain after 04-10
    assert resumed_due == D(2026, 5, 6)
    req = workflow.extend(
        req, on=D(2026, 4, 20), days=15, approver="公开办主任", reason="材料较多", actor=SYSTEM
    )
    assert req.state == State.EXTENDED and req.due_date > resumed_due
    req = workflow.reply(
        req,
        on=D(2026, 5, 8),
        outcome=Outcome.PARTIAL,
        reason="涉及个人隐私部分已遮盖",
        actor=SYSTEM,
    )
    assert req.state == State.REPLIED and req.replied_on == D(2026, 5, 8)
    kinds = list(req.events.values_list("kind", flat=True))
    assert kinds == [
        "received",
        "correction_asked",
        "correction_received",
        "consultation_started",
        "consultation_answered",
        "extended",
        "replied",
    ]
    extension = req.events.get(kind="extended")
    assert extension.old_due == resumed_due and extension.new_due == req.due_date
    assert "公开办主任" in extension.note
    letter = req.attachments.get(kind=AttachmentKind.REPLY_LETTER)
    text = "\n".join(p.text for p in Document(letter.file.open("rb")).paragraphs)
    assert "政府信息公开申请答复告知书" in text
    assert "区住房和城乡建设局" in text and "第三十七条" in text
    assert "行政复议" in text and "行政诉讼" in text and "迎江区人民政府" in text
    assert "涉及个人隐私部分已遮盖" in text
    assert (
        AuditEvent.objects.filter(object_id=str(req.pk), event_type="object.state_changed").count()
        == 6
    )


def test_second_correction_notice_is_refused(make_request):
    req = make_request(received=D(2026, 3, 2))
    req = workflow.ask_correction(req, on=D(2026, 3, 3), what="补充文号", actor=SYSTEM)
    req = workflow.receive_correction(req, on=D(2026, 3, 6), actor=SYSTEM)
    with pytest.raises(workflow.WorkflowError, match="只能发一次"):
        workflow.ask_correction(req, on=D(2026, 3, 9), what="再补充", actor=SYSTEM)


def test_correction_after_seven_working_days_is_refused(make_request):
    req = make_request(received=D(2026, 4, 30))
    with pytest.raises(workflow.WorkflowError, match="7 个工作日"):
        workflow.ask_correction(req, on=D(2026, 5, 14), what="补充", actor=SYSTEM)
    req = workflow.ask_correction(
        req, on=D(2026, 5, 13), what="补充", actor=SYSTEM
    )  # the 7th working day
    assert req.state == State.CORRECTION_ASKED


def test_second_extension_and_long_extension_are_refused(make_request):
    req = make_request(received=D(2026, 3, 2))
    with pytest.raises(workflow.WorkflowError, match="1 至 20"):
        workflow.extend(req, on=D(2026, 3, 20), days=21, approver="主任", reason="x", actor=SYSTEM)
    with pytest.raises(workflow.WorkflowError, match="批准人"):
        workflow.extend(req, on=D(2026, 3, 20), days=10, approver="", reason="x", actor=SYSTEM)
    req = workflow.extend(
        req, on=D(2026, 3, 20), days=10, approver="主任", reason="x", actor=SYSTEM
    )
    req = workflow.start_consultation(req, on=D(2026, 3, 23), party="某机关", actor=SYSTEM)
    req = workflow.end_consultation(req, on=D(2026, 3, 30), actor=SYSTEM)
    assert req.state == State.EXTENDED
    with pytest.raises(workflow.WorkflowError):
        workflow.extend(req, on=D(2026, 4, 1), days=5, approver="主任", reason="x", actor=SYSTEM)
    assert req.events.filter(kind="extended").count() == 1


def test_illegal_steps_are_refused_and_write_nothing(make_request):
    req = make_request(received=D(2026, 3, 2))
    before = FoiEvent.objects.count()
    with pytest.raises(workflow.WorkflowError):
        workflow.receive_correction(req, on=D(2026, 3, 5), actor=SYSTEM)
    with pytest.raises(workflow.WorkflowError):
        workflow.end_consultation(req, on=D(2026, 3, 5), actor=SYSTEM)
    with pytest.raises(workflow.WorkflowError, match="理由"):
        workflow.reply(req, on=D(2026, 3, 5), outcome=Outcome.REFUSED_SECRET, actor=SYSTEM)
    with pytest.raises(workflow.WorkflowError, match="今天"):
        workflow.reply(req, on=D(2026, 12, 30), outcome=Outcome.DISCLOSED, actor=SYSTEM)
    with pytest.raises(workflow.WorkflowError, match="早于"):
        workflow.reply(req, on=D(2026, 3, 1), outcome=Outcome.DISCLOSED, actor=SYSTEM)
    req = workflow.reply(req, on=D(2026, 3, 5), outcome=Outcome.DISCLOSED, actor=SYSTEM)
    with pytest.raises(workflow.WorkflowError):
        workflow.reply(req, on=D(2026, 3, 6), outcome=Outcome.DISCLOSED, actor=SYSTEM)
    assert FoiEvent.objects.count() == before + 1
    req.refresh_from_db()
    assert req.state == State.REPLIED


def test_abandon_only_after_the_correction_deadline(make_request):
    req = make_request(received=D(2026, 3, 2))
    req = workflow.ask_correction(
        req, on=D(2026, 3, 3), what="补充", correct_by=D(2026, 3, 20), actor=SYSTEM
    )
    with pytest.raises(workflow.WorkflowError, match="尚未届满"):
        workflow.abandon(req, on=D(2026, 3, 20), actor=SYSTEM)
    req = workflow.abandon(req, on=D(2026, 3, 23), actor=SYSTEM)
    assert req.state == State.ABANDONED and req.outcome == Outcome.OTHER_NO_CORRECTION


def test_fee_notice_payment_and_lapse(make_request):
    req = make_request(received=D(2026, 3, 2))
    with pytest.raises(workflow.WorkflowError, match="不需要收费"):
        workflow.issue_fee_notice(
            req, on=D(2026, 3, 5), mode=FeeMode.PER_PAGE, pages=30, actor=SYSTEM
        )
    with pytest.raises(workflow.WorkflowError, match="只能选择一种"):
        workflow.issue_fee_notice(
            req, on=D(2026, 3, 5), mode=FeeMode.PER_PAGE, pages=80, monthly_count=12, actor=SYSTEM
        )
    notice = workflow.issue_fee_notice(
        req, on=D(2026, 3, 5), mode=FeeMode.PER_PAGE, pages=150, actor=SYSTEM
    )
    assert notice.amount == 1700 and notice.pay_by == D(2026, 4, 2)
    req.refresh_from_db()
    assert req.state == State.AWAITING_PAYMENT and req.due_date is None
    with pytest.raises(workflow.WorkflowError, match="尚未届满"):
        workflow.fee_lapsed(req, on=D(2026, 4, 2), actor=SYSTEM)
    req = workflow.fee_lapsed(req, on=D(2026, 4, 7), actor=SYSTEM)
    assert req.outcome == Outcome.OTHER_UNPAID and req.state == State.REPLIED

    other = make_request(received=D(2026, 3, 2))
    workflow.issue_fee_notice(
        other, on=D(2026, 3, 5), mode=FeeMode.PER_REQUEST, monthly_count=12, actor=SYSTEM
    )
    other = workflow.record_payment(other, on=D(2026, 3, 9), actor=SYSTEM)
    assert other.state == State.IN_HANDLING and other.fees_total == 100 and other.due_date


def test_nothing_is_ever_deleted(make_request):
    req = make_request(received=D(2026, 3, 2))
    req = workflow.close(req, on=D(2026, 3, 3), reason="误登记：重复录入", actor=SYSTEM)
    assert req.state == State.CLOSED and req.void
    assert FoiRequest.objects.filter(pk=req.pk).exists()
    event = req.events.first()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        req.events.all().delete()
    with pytest.raises(PermissionError):
        event.note = "changed"
        event.save()
    with pytest.raises(workflow.WorkflowError, match="原因"):
        workflow.close(make_request(), on=D(2026, 3, 3), reason=" ", actor=SYSTEM)


def test_attachments_are_private_and_checked_by_content(make_request, settings):
    req = make_request()
    item = workflow.store_attachment(req, AttachmentKind.ID_COPY, Upload(PNG, "id.png"))
    assert item.content_type == "image/png"
    path = item.file.path
    assert str(settings.VAR_DIR / "private") in path
    assert str(settings.MEDIA_ROOT) not in path
    with pytest.raises(workflow.WorkflowError, match="PDF"):
        workflow.store_attachment(req, AttachmentKind.ID_COPY, Upload(b"<html>", "id.png"))


def test_applicant_is_notified_by_email_and_sms_hook(
    make_request, housing, monkeypatch, settings, django_capture_on_commit_callbacks
):
    sent = []
    settings.FOI_SMS_SENDER = "tests.foi.test_workflow.fake_sms"
    monkeypatch.setattr("tests.foi.test_workflow.SMS", sent)
    with django_capture_on_commit_callbacks(execute=True):
        req = make_request(received=D(2026, 3, 2))
    assert mail.outbox[-1].to == ["zhangsan@example.com"]
    assert req.tracking_code_display in mail.outbox[-1].body
    with django_capture_on_commit_callbacks(execute=True):
        req = workflow.ask_correction(req, on=D(2026, 3, 3), what="补充文号", actor=SYSTEM)
    assert "补正" in mail.outbox[-1].subject and "补充文号" in mail.outbox[-1].body
    with django_capture_on_commit_callbacks(execute=True):
        req = workflow.receive_correction(req, on=D(2026, 3, 5), actor=SYSTEM)
        req = workflow.extend(
            req, on=D(2026, 3, 9), days=10, approver="主任", reason="x", actor=SYSTEM
        )
    assert "延长" in mail.outbox[-1].subject
    with django_capture_on_commit_callbacks(execute=True):
        workflow.reply(req, on=D(2026, 3, 10), outcome=Outcome.DISCLOSED, actor=SYSTEM)
    assert "答复" in mail.outbox[-1].subject
    assert len(sent) == 5 and all(phone == "13800138000" for phone, _ in sent)


SMS: list = []


def fake_sms(phone, text):
    SMS.append((phone, text))


def test_handlers_are_reminded_before_due_dates(make_request, monkeypatch):
    from gongkai.foi.notify import remind_handlers

    req = make_request(received=D(2026, 4, 30))
    mail.outbox.clear()
    assert remind_handlers(on=D(2026, 5, 20)) == 0
    assert remind_handlers(on=D(2026, 5, 29)) == 1
    assert req.serial in mail.outbox[-1].body
    assert "yj_editor@example.gov.cn" in mail.outbox[-1].to


def test_legal_person_needs_a_category(housing, monkeypatch):
    with pytest.raises(workflow.WorkflowError):
        workflow.register(
            organisation=housing,
            applicant=applicant(applicant_kind="legal"),
            channel="in_person",
            submitted_on=D(2026, 3, 2),
            actor=SYSTEM,
        )
