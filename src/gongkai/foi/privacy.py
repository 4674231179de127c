"""Applicants' personal data: who looked at it, and erasing it past the retention period.

《个人信息保护法》第十九条 (kept no longer than needed) and 第四十七条 (deleted when the
retention period ends); the case itself, its events and the statistics stay (《政府信息公开
条例》第四十五条 archiving, table 三 of the annual report)."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from gongkai.core import permissions
from gongkai.core.audit import record_event
from gongkai.core.models import AuditEvent, AuditEventType

from .models import FoiRequest, State, private_storage

log = logging.getLogger(__name__)

ANONYMOUS_NAME = "（已匿名）"
ERASED_DESCRIPTION = "（超过保存年限，申请内容已删除）"
ERASED_FILE_NAME = "（已删除）"
#: the same person reopening the same case within this window is one view, not many
VIEW_WINDOW = timedelta(minutes=10)


# --------------------------------------------------------------------------- views


def log_personal_data_view(case: FoiRequest, actor, *, where: str) -> AuditEvent | None:
    """Write that `actor` saw the applicant's data of `case` (the data itself is not logged)."""
    if case.anonymised:
        return None
    message = f"查看申请人个人信息（{where}）"
    recent = AuditEvent.objects.filter(
        message=message,
        event_type=AuditEventType.PERSONAL_DATA_VIEWED,
        object_type=case._meta.label_lower,
        object_id=str(case.pk),
        actor_id=getattr(actor, "pk", None),
        created_at__gte=timezone.now() - VIEW_WINDOW,
    )
    if recent.exists():
        return None
    return record_event(
        AuditEventType.PERSONAL_DATA_VIEWED,
        actor=actor,
        obj=case,
        message=message,
    )


def personal_data_views(case: FoiRequest, limit: int = 20) -> list[AuditEvent]:
    """The latest views of the applicant's data, shown on the case page."""
    return list(
        AuditEvent.objects.filter(
            event_type=AuditEventType.PERSONAL_DATA_VIEWED,
            object_type=case._meta.label_lower,
            object_id=str(case.pk),
        )[:limit]
    )


# --------------------------------------------------------------------------- erasing


def anonymise(request: FoiRequest, actor) -> FoiRequest:
    """Erase the applicant's data of an archived case, all at once or not at all.

    Every personal field is emptied, attached files (ID copies, licences, scans, and the
    reply letter, which carries name and address and can be made again from the case) are
    detached, and the files are deleted from storage only after the transaction commits,
    so a failure leaves the case as it was. The audit event names the erased fields,
    never their values."""
    from .workflow import ADMIN_ROLES, WorkflowError

    permissions.require(actor, "匿名化该申请", request, ADMIN_ROLES)
    with transaction.atomic():
        case = FoiRequest.objects.select_for_update().get(pk=request.pk)
        if case.state != State.CLOSED:
            raise WorkflowError("只有已归档的申请可以匿名化。")
        if case.anonymised:
            return case
        erased = [f for f in FoiRequest.PERSONAL_FIELDS if getattr(case, f)]
        for field in FoiRequest.PERSONAL_FIELDS:
            setattr(case, field, "")
        case.name = ANONYMOUS_NAME
        case.description = ERASED_DESCRIPTION
        case.anonymised = True
        case.save()
        files = []
        for attachment in case.attachments.all():
            if attachment.file:
                files.append(attachment.file.name)
            attachment.file = ""
            attachment.original_name = ERASED_FILE_NAME
            attachment.save(update_fields=["file", "original_name"])
        record_event(
            AuditEventType.PERSONAL_DATA_ERASED,
            actor=actor,
            obj=case,
            after={"erased_fields": erased, "deleted_files": len(files)},
            message="超过保存年限，匿名化申请人个人信息",
        )
        transaction.on_commit(lambda: _delete_files(files))
    request.refresh_from_db()
    return request


def _delete_files(names: list[str]) -> None:
    storage = private_storage()
    for name in names:
        try:
            storage.delete(name)
        except OSError:  # the case is anonymised; a leftover file is logged for the admin
            log.exception("匿名化后未能删除文件 %s", name)
