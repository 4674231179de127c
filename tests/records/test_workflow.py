"""The publishing workflow: review before publication, audit events, revisions, interpretations."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from gongkai.core.models import AuditEvent, Role
from gongkai.core.permissions import SYSTEM
from gongkai.records import workflow
from gongkai.records.models import Kind, Record, RecordRevision, RevisionState, State, Validity
from gongkai.records.workflow import WorkflowError
from tests.conftest import org, user

from .conftest import PASS_CHECKS, approved, data, draft, new_staff, published


def fresh(record):
    return Record.objects.get(pk=record.pk)


def messages_for(record):
    return list(
        AuditEvent.objects.filter(object_type="records.record", object_id=str(record.pk))
        .order_by("created_at", "id")
        .values_list("message", flat=True)
    )


def test_draft_to_published_writes_an_audit_event_for_every_step(editor, reviewer, housing, leaf):
    record = draft(editor, housing, leaf)
    assert record.state == State.DRAFT
    assert record.due_date == date(2026, 11, 3)
    workflow.submit(editor, record)
    workflow.review_confidentiality(reviewer, record, PASS_CHECKS, "不涉密")
    workflow.approve(reviewer, record)
    workflow.publish(reviewer, record)
    record = fresh(record)
    assert record.state == State.PUBLISHED
    assert record.index_number == f"{housing.code}-09-{timezone.localdate().year}-00001"
    assert record.published_at is not None
    assert record.days_late is not None
    assert record.revisions.get().number == 1
    msgs = messages_for(record)
    assert msgs[0].startswith("新建信息草稿")
    assert "提交审核" in msgs
    assert any(m.startswith("保密审查通过") for m in msgs)
    assert "审核通过" in msgs
    assert any(m.startswith("发布（索引号") for m in msgs)
    published_event = AuditEvent.objects.filter(
        object_id=str(record.pk), message__startswith="发布"
    ).get()
    assert published_event.actor_username == "yj_reviewer"
    assert published_event.before["state"] == "approved"
    assert published_event.after["state"] == "published"


def test_illegal_transitions_are_refused_and_change_nothing(editor, reviewer, housing, leaf):
    record = draft(editor, housing, leaf)
    with pytest.raises(WorkflowError, match="不能执行此操作"):
        workflow.publish(reviewer, record)
    with pytest.raises(WorkflowError, match="不能执行此操作"):
        workflow.approve(reviewer, record)
    with pytest.raises(WorkflowError, match="不能执行此操作"):
        workflow.withdraw(reviewer, record, "原因")
    assert fresh(record).state == State.DRAFT
    workflow.submit(editor, record)
    with pytest.raises(WorkflowError, match="不能执行此操作"):
        workflow.submit(editor, record)
    with pytest.raises(WorkflowError, match="保密审查"):
        workflow.approve(reviewer, record)
    with pytest.raises(WorkflowError, match="退回意见"):
        workflow.return_record(reviewer, record, "  ")
    with pytest.raises(WorkflowError, match="直接修改"):
        workflow.update_draft(editor, record, data(title="改"))
    assert fresh(record).state == State.SUBMITTED


def test_failed_confidentiality_review_does_not_allow_approval(editor, reviewer, housing, leaf):
    record = draft(editor, housing, leaf)
    workflow.submit(editor, record)
    review = workflow.review_confidentiality(
        reviewer, record, {**PASS_CHECKS, "no_personal_info": False}, "含身份证号"
    )
    assert not review.passed
    with pytest.raises(WorkflowError, match="保密审查"):
        workflow.approve(reviewer, record)


def test_review_of_an_earlier_submission_does_not_count(editor, reviewer, housing, leaf):
    record = draft(editor, housing, leaf)
    workflow.submit(editor, record)
    workflow.review_confidentiality(reviewer, record, PASS_CHECKS)
    workflow.return_record(reviewer, record, "请补充停水范围")
    assert fresh(record).return_comment == "请补充停水范围"
    workflow.update_draft(editor, record, data(body="<p>停水范围：人民路沿线。</p>"))
    workflow.submit(editor, record)
    with pytest.raises(WorkflowError, match="保密审查"):
        workflow.approve(reviewer, record)
    workflow.review_confidentiality(reviewer, record, PASS_CHECKS)
    workflow.approve(reviewer, record)
    assert fresh(record).state == State.APPROVED


def test_submitter_cannot_approve_own_record(housing, leaf, reviewer):
    both = new_staff("both_roles", housing, Role.EDITOR)
    from gongkai.core.models import Membership

    Membership.objects.create(user=both, organisation=housing, role=Role.REVIEWER)
    record = draft(both, housing, leaf)
    workflow.submit(both, record)
    workflow.review_confidentiality(both, record, PASS_CHECKS)
    with pytest.raises(WorkflowError, match="不能审核自己"):
        workflow.approve(both, record)


def test_disclosure_attribute_needs_a_reason_when_not_proactive(editor, housing, leaf):
    with pytest.raises(WorkflowError, match="80号"):
        draft(editor, housing, leaf, disclosure="not_disclosed")
    record = draft(
        editor, housing, leaf, disclosure="not_disclosed", disclosure_reason="涉及个人隐私"
    )
    assert record.get_disclosure_display() == "不予公开"


def test_editor_of_another_organisation_is_refused(
    yingjiang, ouhai, editor, reviewer, housing, leaf
):
    other = user("yj_editor2")  # 区民政局
    with pytest.raises(PermissionDenied):
        draft(other, housing, leaf)
    with pytest.raises(PermissionDenied):
        draft(user("oh_editor"), housing, leaf)
    record = draft(editor, housing, leaf)
    with pytest.raises(PermissionDenied):
        workflow.submit(other, record)
    workflow.submit(editor, record)
    with pytest.raises(PermissionDenied):
        workflow.approve(user("oh_reviewer"), record)
    # an editor may not approve, even in their own organisation
    with pytest.raises(PermissionDenied):
        workflow.review_confidentiality(editor, record, PASS_CHECKS)
    assert record.pk not in workflow.records_for(other).values_list("pk", flat=True)
    assert record.pk in workflow.records_for(editor).values_list("pk", flat=True)
    # another organisation cannot publish under a leaf it is not responsible for
    civil = org(yingjiang, "区民政局")
    with pytest.raises(WorkflowError, match="不是“"):
        draft(user("yj_admin"), civil, leaf)


def test_published_content_never_changes_in_place(editor, reviewer, housing, leaf):
    record = published(editor, reviewer, housing, leaf)
    record.title = "偷偷改标题"
    with pytest.raises(PermissionError):
        record.save()
    assert fresh(record).title == "关于2026年城区供水管网改造停水的通知"
    with pytest.raises(WorkflowError):
        workflow.update_draft(editor, fresh(record), data(title="改"))


def test_edit_after_publication_is_a_reviewed_revision(editor, reviewer, housing, leaf):
    record = published(editor, reviewer, housing, leaf)
    revision, _ = workflow.start_revision(
        editor,
        record,
        {
            "title": "关于2026年城区供水管网改造停水的通知（更正）",
            "body": "<p>改为10月9日停水。</p>",
        },
        "更正停水日期",
    )
    assert revision.number == 2 and revision.state == RevisionState.SUBMITTED
    assert fresh(record).title == "关于2026年城区供水管网改造停水的通知"  # not yet
    with pytest.raises(WorkflowError, match="保密审查"):
        workflow.approve_revision(reviewer, revision)
    with pytest.raises(PermissionDenied):
        workflow.approve_revision(editor, revision)  # editors do not review
    workflow.review_confidentiality(reviewer, record, PASS_CHECKS, revision=revision)
    workflow.approve_revision(reviewer, revision)
    workflow.publish_revision(reviewer, revision)
    record = fresh(record)
    assert record.title.endswith("（更正）")
    assert "10月9日" in record.body
    versions = list(record.revisions.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].content["title"] == "关于2026年城区供水管网改造停水的通知"
    assert all(v.state == RevisionState.PUBLISHED for v in versions)
    with pytest.raises(PermissionError):
        versions[0].content = {"title": "x"}
        versions[0].save()
    assert any("发布修订（第2版）" in m for m in messages_for(record))


def test_reviser_cannot_approve_own_revision(editor, reviewer, housing, leaf):
    record = published(editor, reviewer, housing, leaf)
    admin = user("yj_admin")
    revision, _ = workflow.start_revision(admin, record, {"summary": "摘要"}, "补充摘要")
    workflow.review_confidentiality(admin, record, PASS_CHECKS, revision=revision)
    with pytest.raises(WorkflowError, match="修订人不能审核"):
        workflow.approve_revision(admin, revision)


def test_returned_revision_can_be_reworked(editor, reviewer, housing, leaf):
    record = published(editor, reviewer, housing, leaf)
    revision, _ = workflow.start_revision(editor, record, {"summary": "摘要"}, "补充摘要")
    with pytest.raises(WorkflowError, match="处理中"):
        workflow.start_revision(editor, record, {"summary": "又一个"}, "再改")
    workflow.return_revision(reviewer, revision, "摘要太短")
    revision = RecordRevision.objects.get(pk=revision.pk)
    workflow.update_revision(editor, revision, {"summary": "停水期间请提前储水。"}, "补充摘要")
    revision = RecordRevision.objects.get(pk=revision.pk)
    assert revision.state == RevisionState.SUBMITTED
    workflow.review_confidentiality(reviewer, record, PASS_CHECKS, revision=revision)
    workflow.approve_revision(reviewer, revision)


def test_withdrawal_needs_a_reason_and_keeps_the_number(editor, reviewer, housing, leaf):
    record = published(editor, reviewer, housing, leaf)
    with pytest.raises(WorkflowError, match="撤回原因"):
        workflow.withdraw(reviewer, record, "")
    workflow.withdraw(reviewer, record, "停水计划取消")
    record = fresh(record)
    assert record.state == State.WITHDRAWN and record.withdrawal_reason == "停水计划取消"
    second = published(editor, reviewer, housing, leaf, title="另一条")
    assert second.index_number != record.index_number
    assert second.index_number.endswith("-00002")


def test_expire_marks_policy_invalid(editor, reviewer, housing, leaf):
    record = published(
        editor,
        reviewer,
        housing,
        leaf,
        kind=Kind.POLICY,
        genre="办法",
        document_number="宜政规〔2026〕2号",
    )
    assert fresh(record).validity == Validity.VALID
    workflow.expire(user("yj_admin"), fresh(record), Validity.REPEALED, "已被新办法替代")
    record = fresh(record)
    assert record.state == State.EXPIRED and record.get_validity_display() == "废止"


def test_scheduled_publication(editor, reviewer, housing, leaf):
    record = approved(editor, reviewer, housing, leaf)
    at = timezone.now() + timedelta(hours=2)
    workflow.publish(reviewer, record, at=at)
    assert fresh(record).state == State.APPROVED
    assert workflow.publish_due(timezone.now(), actor=SYSTEM) == []
    done = workflow.publish_due(at + timedelta(minutes=1), actor=SYSTEM)
    assert [r.pk for r in done] == [record.pk]
    assert fresh(record).state == State.PUBLISHED


def test_policy_needing_interpretation_waits_for_it(editor, reviewer, housing, policy_leaf):
    policy = approved(
        editor, reviewer, housing, policy_leaf, kind=Kind.POLICY, title="迎江区物业管理办法",
        document_number="迎政规〔2026〕1号", genre="办法",
    )  # fmt: skip
    with pytest.raises(WorkflowError, match="同步解读"):
        workflow.publish(reviewer, policy)
    with pytest.raises(WorkflowError, match="关联所解读的政策"):
        draft(editor, housing, policy_leaf, kind=Kind.INTERPRETATION, title="解读")
    interpretation = approved(
        editor, reviewer, housing, policy_leaf, kind=Kind.INTERPRETATION,
        title="《迎江区物业管理办法》政策解读", policy=policy, interpretation_form="qa", genre="解读",
    )  # fmt: skip
    with pytest.raises(WorkflowError, match="不能先于政策发布"):
        workflow.publish(reviewer, interpretation)
    workflow.publish(reviewer, fresh(policy))
    policy, interpretation = fresh(policy), fresh(interpretation)
    assert policy.state == interpretation.state == State.PUBLISHED
    assert interpretation.published_at == policy.published_at
    assert interpretation.index_number != policy.index_number
