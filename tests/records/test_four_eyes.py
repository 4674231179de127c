"""Four eyes on content (issue 10, point 4): whoever wrote, edited or submitted a record's or a
revision's content cannot approve it. The rule reads fields, not audit messages."""

from datetime import timedelta

import pytest

from gongkai.core.models import AuditEvent
from gongkai.records import workflow
from gongkai.records.models import Record, RecordRevision, RevisionState, State
from gongkai.records.workflow import WorkflowError
from tests.conftest import user

from .conftest import PASS_CHECKS, data, draft, published


@pytest.fixture
def admin(demo):
    return user("yj_admin")


def fresh(record):
    return Record.objects.get(pk=record.pk)


def test_admin_who_edited_the_draft_cannot_approve_it_after_the_editor_submits(
    editor, reviewer, admin, housing, leaf
):
    record = draft(editor, housing, leaf)
    workflow.update_draft(admin, fresh(record), data(title="关于城区停水的通知（管理员改稿）"))
    record = fresh(record)
    workflow.submit(editor, record)
    workflow.review_confidentiality(admin, record, PASS_CHECKS)
    with pytest.raises(WorkflowError, match="修改过内容的人不能审核") as refused:
        workflow.approve(admin, fresh(record))
    assert "四眼原则" in str(refused.value)
    assert fresh(record).state == State.SUBMITTED
    # a reviewer who never touched it can
    workflow.review_confidentiality(reviewer, record, PASS_CHECKS)
    workflow.approve(reviewer, fresh(record))
    assert fresh(record).state == State.APPROVED
    assert fresh(record).approved_by == reviewer


def test_admin_who_wrote_the_draft_cannot_approve_it_when_the_editor_submits(
    editor, reviewer, admin, housing, leaf
):
    """The finding as reported: yj_admin drafts, yj_editor submits, yj_admin approves."""
    record = draft(admin, housing, leaf)
    workflow.submit(editor, record)
    workflow.review_confidentiality(admin, record, PASS_CHECKS)
    with pytest.raises(WorkflowError, match="起草人不能审核"):
        workflow.approve(admin, fresh(record))
    workflow.review_confidentiality(reviewer, record, PASS_CHECKS)
    workflow.approve(reviewer, fresh(record))
    assert fresh(record).state == State.APPROVED


def test_attaching_a_file_counts_as_editing(editor, reviewer, admin, housing, leaf):
    from tests.records.files import pdf_bytes

    record = draft(editor, housing, leaf)
    workflow.add_attachments(admin, record, [("说明.pdf", pdf_bytes(), "")])
    workflow.submit(editor, record)
    assert workflow.approval_refusal(admin, fresh(record))
    assert not workflow.approval_refusal(reviewer, fresh(record))


def test_the_rule_reads_fields_not_audit_messages(editor, reviewer, housing, leaf):
    """Submission time and submitter come from the record: a forged or missing audit message
    changes nothing."""
    record = draft(editor, housing, leaf)
    workflow.submit(editor, record)
    record = fresh(record)
    assert record.submitted_by == editor and record.submitted_at is not None
    # the review must be of this submission: one recorded before submitted_at does not count
    workflow.review_confidentiality(reviewer, record, PASS_CHECKS)
    Record.objects.filter(pk=record.pk).update(
        submitted_at=record.reviews.get().created_at + timedelta(seconds=1)
    )
    with pytest.raises(WorkflowError, match="保密审查"):
        workflow.approve(reviewer, fresh(record))
    assert AuditEvent.objects.filter(object_id=str(record.pk), message="提交审核").exists()


def test_revision_editors_and_resubmitter_cannot_approve_it(editor, reviewer, admin, housing, leaf):
    record = published(editor, reviewer, housing, leaf)
    revision, _ = workflow.start_revision(
        editor, fresh(record), {"title": "关于停水的通知（更正）"}, "更正停水时间"
    )
    assert revision.submitted_by == editor and revision.submitted_at is not None
    workflow.return_revision(reviewer, revision, "请补充停水范围")
    revision = RecordRevision.objects.get(pk=revision.pk)
    workflow.update_revision(
        admin, revision, {"title": "关于停水的通知（更正二）", "body": "<p>范围</p>"}, "补充范围"
    )
    revision = RecordRevision.objects.get(pk=revision.pk)
    assert revision.state == RevisionState.SUBMITTED
    assert list(revision.content_editors.all()) == [admin]
    workflow.review_confidentiality(admin, record, PASS_CHECKS, revision=revision)
    with pytest.raises(WorkflowError, match="修改过内容的人不能审核自己修改过的修订"):
        workflow.approve_revision(admin, revision)
    assert not workflow.may_approve(editor, revision)  # its author (and not a reviewer)
    workflow.review_confidentiality(reviewer, record, PASS_CHECKS, revision=revision)
    workflow.approve_revision(reviewer, revision)
    assert RecordRevision.objects.get(pk=revision.pk).state == RevisionState.APPROVED


def test_review_queue_and_detail_page_offer_approval_only_to_eligible_reviewers(
    editor, reviewer, admin, housing, leaf, staff
):
    record = draft(editor, housing, leaf)
    workflow.update_draft(admin, fresh(record), data(summary="管理员补充了概述"))
    workflow.submit(editor, fresh(record))
    detail = f"/staff/records/{record.pk}/"
    approve_url = f"/staff/records/{record.pk}/do/approve/"

    client = staff(admin)
    queue = client.get("/staff/records/review/").content.decode()
    assert record.title in queue and "修改过内容的人不能审核" in queue
    assert f'href="{detail}#act-h"' not in queue
    page = client.get(detail).content.decode()
    assert approve_url not in page and "修改过内容的人不能审核" in page
    # posting anyway is refused with the same Chinese message, and nothing changes
    client.post(f"/staff/records/{record.pk}/do/review/", {**PASS_CHECKS})
    response = client.post(approve_url, follow=True)
    assert "修改过内容的人不能审核" in response.content.decode()
    assert fresh(record).state == State.SUBMITTED

    client = staff(reviewer)
    queue = client.get("/staff/records/review/").content.decode()
    assert f'href="{detail}#act-h"' in queue
    assert approve_url in client.get(detail).content.decode()


def test_migration_backfills_submitter_and_editors_of_existing_rows(
    editor, reviewer, admin, housing, leaf
):
    """Rows from before these fields existed get them from the audit events, once."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("gongkai.records.migrations.0003_four_eyes_and_versions")
    record = draft(editor, housing, leaf)
    workflow.update_draft(admin, fresh(record), data(summary="管理员改稿"))
    workflow.submit(editor, fresh(record))
    submitted_at = fresh(record).submitted_at
    Record.objects.filter(pk=record.pk).update(submitted_at=None)
    fresh(record).content_editors.clear()
    assert not workflow.approval_refusal(admin, fresh(record))
    migration.backfill(apps, None)
    record = fresh(record)
    assert abs((record.submitted_at - submitted_at).total_seconds()) < 1
    assert list(record.content_editors.all()) == [admin]
    assert workflow.approval_refusal(admin, record)
