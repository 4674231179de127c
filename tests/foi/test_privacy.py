"""Applicants' personal data: erased completely and atomically past the retention period,
never copied into the audit log, and every staff view of it logged."""

from datetime import date as D
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.test import override_settings

from gongkai.core.models import AuditEvent, AuditEventType, User
from gongkai.core.permissions import SYSTEM
from gongkai.foi import privacy, workflow
from gongkai.foi.models import AttachmentKind, FoiRequest, FoiSettings, State
from gongkai.foi.retention import run_retention

from .conftest import PNG, Upload

LEGAL = {
    "applicant_kind": "legal",
    "org_category": "commercial",
    "name": "赵经办",
    "id_number": "340802198001011234",
    "org_name": "安庆市某某科技有限公司",
    "credit_code": "91340800MA2TXXXX1X",
    "phone": "13955556666",
    "email": "zhao@example.com",
    "address": "安庆市迎江区人民路88号",
    "postcode": "246001",
    "description": "请公开本公司所在地块2024年的征收补偿标准。",
    "purpose": "本公司法定代表人赵某某",
}


@pytest.fixture
def closed_case(make_request):
    req = make_request(received=D(2026, 3, 2), **LEGAL)
    workflow.store_attachment(req, AttachmentKind.ID_COPY, Upload(PNG, "赵经办身份证.png"))
    workflow.store_attachment(req, AttachmentKind.LICENCE, Upload(PNG, "营业执照.png"))
    return workflow.close(req, on=D(2026, 3, 3), reason="误登记：重复录入", actor=SYSTEM)


def _stored_text(case: FoiRequest) -> str:
    case.refresh_from_db()
    fields = [getattr(case, f.attname) for f in FoiRequest._meta.concrete_fields]
    for a in case.attachments.all():
        fields += [a.original_name, a.file.name]
    return " ".join(str(v) for v in fields)


def _audit_text() -> str:
    return " ".join(
        f"{e.before} {e.after} {e.message} {e.object_repr}" for e in AuditEvent.objects.all()
    )


PERSONAL_VALUES = [v for k, v in LEGAL.items() if k not in ("applicant_kind", "org_category")]


def test_anonymise_erases_every_personal_field_and_the_files(
    closed_case, django_capture_on_commit_callbacks
):
    paths = [Path(a.file.path) for a in closed_case.attachments.all()]
    assert all(p.exists() for p in paths)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.anonymise(closed_case, SYSTEM)
    text = _stored_text(closed_case)
    for value in PERSONAL_VALUES + ["赵经办身份证"]:
        assert value not in text, value
    assert closed_case.anonymised and closed_case.state == State.CLOSED
    assert not any(p.exists() for p in paths)
    assert all(not a.file for a in closed_case.attachments.all())
    # The case, its events and its statistics column stay.
    assert closed_case.events.count() >= 2 and closed_case.column == "commercial"


def test_audit_log_never_holds_the_erased_data(closed_case):
    workflow.anonymise(closed_case, SYSTEM)
    text = _audit_text()
    for value in PERSONAL_VALUES:
        assert value not in text, value
    erased = AuditEvent.objects.get(event_type=AuditEventType.PERSONAL_DATA_ERASED)
    assert "id_number" in erased.after["erased_fields"]
    assert erased.after["deleted_files"] == 2


def test_anonymise_is_all_or_nothing(closed_case, monkeypatch):
    """A failure half-way (here: the audit write) leaves the case and its files untouched."""
    paths = [Path(a.file.path) for a in closed_case.attachments.all()]

    def broken(*args, **kwargs):
        raise RuntimeError("audit database unavailable")

    monkeypatch.setattr(privacy, "record_event", broken)
    with pytest.raises(RuntimeError):
        workflow.anonymise(closed_case, SYSTEM)
    closed_case.refresh_from_db()
    assert not closed_case.anonymised
    assert closed_case.id_number == LEGAL["id_number"]
    assert closed_case.description == LEGAL["description"]
    assert all(a.file for a in closed_case.attachments.all())
    assert all(p.exists() for p in paths)


def test_only_archived_cases_are_anonymised(make_request):
    with pytest.raises(workflow.WorkflowError, match="已归档"):
        workflow.anonymise(make_request(), SYSTEM)


def test_run_retention_anonymises_cases_past_the_sites_period(closed_case, make_request, yingjiang):
    FoiSettings.objects.create(site=yingjiang, retention_years=2)
    recent = workflow.close(make_request(), on=D(2026, 3, 3), reason="误登记", actor=SYSTEM)
    recent.closed_on = D(2027, 6, 1)
    recent.save(update_fields=["closed_on"])
    tz = ZoneInfo("Asia/Shanghai")
    assert run_retention(datetime(2028, 3, 3, 12, tzinfo=tz)).anonymised == []
    result = run_retention(datetime(2028, 3, 4, 12, tzinfo=tz))
    assert [c.pk for c in result.anonymised] == [closed_case.pk]
    closed_case.refresh_from_db()
    recent.refresh_from_db()
    assert closed_case.anonymised and not recent.anonymised
    # Running again changes nothing.
    assert run_retention(datetime(2028, 3, 5, tzinfo=tz)).due == []


def test_retention_command_lists_then_applies(closed_case, yingjiang, capsys, monkeypatch):
    FoiSettings.objects.create(site=yingjiang, retention_years=0)
    call_command("foi", "retention")
    assert closed_case.serial in capsys.readouterr().out
    closed_case.refresh_from_db()
    assert not closed_case.anonymised
    call_command("foi", "retention", "--apply")
    assert "已匿名化 1 件" in capsys.readouterr().out
    closed_case.refresh_from_db()
    assert closed_case.anonymised


@override_settings(REQUIRE_2FA=False)
def test_staff_viewing_personal_data_is_logged_and_shown(client, make_request):
    req = make_request(received=D(2026, 4, 30))
    editor = User.objects.get(username="yj_editor")
    client.force_login(editor)
    page = client.get(f"/staff/foi/{req.pk}/").content.decode()
    views = AuditEvent.objects.filter(
        event_type=AuditEventType.PERSONAL_DATA_VIEWED, object_id=str(req.pk)
    )
    assert views.count() == 1
    event = views.get()
    assert event.actor_username == "yj_editor"
    assert "13800138000" not in f"{event.before} {event.after} {event.message}"
    assert "个人信息查看记录" in page and "查看申请人个人信息" in page
    # Reloading within minutes is the same view; the API is logged as its own view.
    client.get(f"/staff/foi/{req.pk}/")
    assert views.count() == 1
    client.force_login(User.objects.get(username="yj_admin"))
    assert client.get(f"/api/v1/foi/cases/{req.pk}").status_code == 200
    assert views.filter(actor_username="yj_admin").count() == 1
    # Downloading the ID copy is a view of its own.
    copy = workflow.store_attachment(req, AttachmentKind.ID_COPY, Upload(PNG, "id.png"))
    assert client.get(f"/staff/foi/{req.pk}/files/{copy.pk}/").status_code == 200
    assert views.filter(actor_username="yj_admin", message__contains="身份证明").count() == 1
