"""A guide's life on the staff side (issue 13, point 1): drafting in one call, the missing-element
refusal at submission and publication, four-eyes review, no lost updates, new versions that take
effect on their date, verification, and the organisation scope checked in the service itself."""

import threading
from datetime import date, timedelta

import pytest
from django.db import close_old_connections, connection
from django.utils import timezone

from gongkai.core.models import AuditEvent, AuditEventType
from gongkai.core.permissions import PermissionDenied
from gongkai.guides import rules, workflow
from gongkai.guides.models import Guide, ItemType, Window
from gongkai.guides.workflow import VersionConflict, WorkflowError
from gongkai.records.models import State
from gongkai.records.workflow import VersionConflict as RecordsVersionConflict
from tests.conftest import org, user

from .factories import make_certificate, make_item


@pytest.fixture
def housing(yingjiang):
    return org(yingjiang, "区住房和城乡建设局")


@pytest.fixture
def editor(demo):
    return user("yj_editor")


@pytest.fixture
def reviewer(demo):
    return user("yj_reviewer")


@pytest.fixture
def admin(demo):
    return user("yj_admin")


@pytest.fixture
def item(yingjiang, housing):
    return make_item(yingjiang, housing)


FIELDS = {
    "effective_from": date(2026, 1, 1),
    "legal_basis": "《中华人民共和国食品安全法》第三十五条",
    "applicant": "在本区从事餐饮服务的企业和个体工商户",
    "statutory_limit_days": 20,
    "promised_limit_days": 5,
    "fee_free": True,
    "address": "迎江区政务服务中心一楼",
    "hours": "工作日 9:00-12:00",
    "consult_phone": "0556-5550001",
    "complaint_phone": "0556-12345",
    "visits_required": 1,
    "most_once": True,
}
CONDITIONS = ["有与经营项目相适应的经营场所"]
STEPS = [{"name": "受理", "time_limit_days": 1}, {"name": "审查与决定", "time_limit_days": 4}]


def materials(site):
    return [
        {"name": "食品经营许可申请书", "copies": 1, "form": "original"},
        {"name": "营业执照", "certificate": make_certificate(site, "营业执照")},
    ]


def complete(editor, item, **overrides):
    values = {**FIELDS, **overrides}
    return workflow.create_guide(editor, item, values, CONDITIONS, materials(item.site), STEPS)


def fresh(guide):
    return Guide.objects.get(pk=guide.pk)


def published(editor, reviewer, item, **overrides):
    guide = complete(editor, item, **overrides)
    workflow.submit(editor, guide)
    workflow.approve(reviewer, fresh(guide))
    workflow.publish(reviewer, fresh(guide))
    return fresh(guide)


def test_create_guide_writes_fields_rows_and_certificate_links_in_one_call(editor, item):
    guide = complete(editor, item)
    assert guide.number == 1 and guide.state == State.DRAFT and guide.created_by == editor
    assert [c.text for c in guide.conditions.all()] == CONDITIONS
    names = [(m.order, m.name, m.certificate and m.certificate.name) for m in guide.materials.all()]
    assert names == [(1, "食品经营许可申请书", None), (2, "营业执照", "营业执照")]
    assert [s.name for s in guide.steps.all()] == ["受理", "审查与决定"]
    assert rules.missing_elements(guide) == []
    event = AuditEvent.objects.get(object_type="guides.guide", object_id=str(guide.pk))
    assert event.event_type == AuditEventType.OBJECT_CREATED
    with pytest.raises(WorkflowError, match="已有办事指南"):
        complete(editor, item)


def test_submit_refuses_a_guide_missing_key_elements_with_their_names(editor, item):
    guide = workflow.create_guide(
        editor, item, {**FIELDS, "consult_phone": "", "legal_basis": ""}, [], [], STEPS
    )
    with pytest.raises(WorkflowError) as refusal:
        workflow.submit(editor, fresh(guide))
    message = str(refusal.value)
    assert "缺少关键要素" in message and "不能提交审核" in message
    assert "设定依据、受理条件、申请材料、咨询电话" in message
    assert "缺少关键要素的办事指南不能发布" in message
    assert fresh(guide).state == State.DRAFT
    assert not AuditEvent.objects.filter(
        object_id=str(guide.pk), event_type=AuditEventType.STATE_CHANGED
    ).exists()

    workflow.update_draft(
        editor,
        fresh(guide),
        FIELDS,
        CONDITIONS,
        materials(item.site),
        STEPS,
        version=fresh(guide).version,
    )
    workflow.submit(editor, fresh(guide))
    assert fresh(guide).state == State.SUBMITTED and fresh(guide).submitted_by == editor


def test_publish_refuses_again_when_an_element_went_missing(editor, reviewer, item):
    guide = complete(editor, item)
    workflow.submit(editor, guide)
    workflow.approve(reviewer, fresh(guide))
    # an element lost after approval (a row removed by an import or the admin site)
    fresh(guide).steps.all().delete()
    with pytest.raises(WorkflowError) as refusal:
        workflow.publish(reviewer, fresh(guide))
    assert "不能发布：办理流程" in str(refusal.value)
    assert fresh(guide).state == State.APPROVED
    assert rules.guide_in_force(item) is None


def test_four_eyes_the_drafter_editor_and_submitter_may_not_approve(
    editor, reviewer, admin, item, housing
):
    from gongkai.core.models import Membership, Role

    Membership.objects.create(user=editor, organisation=housing, role=Role.REVIEWER)
    guide = complete(editor, item)
    workflow.submit(editor, guide)
    with pytest.raises(WorkflowError, match="四眼原则"):
        workflow.approve(editor, fresh(guide))
    assert fresh(guide).state == State.SUBMITTED
    # the office admin edited a returned version: then they may not approve it either
    workflow.return_guide(reviewer, fresh(guide), "请补充收费依据")
    assert fresh(guide).return_comment == "请补充收费依据"
    workflow.update_draft(
        admin, fresh(guide), {"summary": "管理员补充"}, CONDITIONS, materials(item.site), STEPS
    )
    workflow.submit(editor, fresh(guide))
    with pytest.raises(WorkflowError, match="修改过内容的人不能审核"):
        workflow.approve(admin, fresh(guide))
    workflow.approve(reviewer, fresh(guide))
    assert fresh(guide).state == State.APPROVED and fresh(guide).approved_by == reviewer


def test_return_needs_a_comment(editor, reviewer, item):
    guide = complete(editor, item)
    workflow.submit(editor, guide)
    with pytest.raises(WorkflowError, match="退回意见"):
        workflow.return_guide(reviewer, fresh(guide), "  ")
    assert fresh(guide).state == State.SUBMITTED


def test_second_save_of_the_same_version_is_refused_and_loses_nothing(editor, admin, item):
    guide = complete(editor, item)
    assert workflow.VersionConflict is RecordsVersionConflict  # the one exception class
    mine, theirs = fresh(guide), fresh(guide)
    workflow.update_draft(
        admin,
        theirs,
        {"summary": "管理员的说明"},
        [*CONDITIONS, "申请人为食品生产经营者"],
        materials(item.site),
        STEPS,
        version=1,
    )
    with pytest.raises(VersionConflict) as conflict:
        workflow.update_draft(
            editor, mine, {"summary": "经办人的说明"}, CONDITIONS, [], STEPS, version=1
        )
    stored = fresh(guide)
    assert stored.summary == "管理员的说明" and stored.version == 2
    assert [c.text for c in stored.conditions.all()] == [*CONDITIONS, "申请人为食品生产经营者"]
    assert stored.materials.count() == 2  # the second save's empty list did not delete them
    changes = {c.name: c for c in conflict.value.changes}
    assert changes["summary"].theirs == "管理员的说明"
    assert changes["summary"].yours == "经办人的说明"
    assert changes["condition_list"].label == "受理条件"
    assert "申请人为食品生产经营者" in changes["condition_list"].theirs
    assert "保存冲突" in str(conflict.value)


@pytest.mark.django_db(transaction=True)
def test_parallel_saves_of_the_same_version_only_one_wins(transactional_db, settings):
    """Two saves at once, each in its own thread and connection: the conditional UPDATE lets
    exactly one through (PostgreSQL's row lock; SQLite's one writer)."""
    from gongkai.core.demo import load_demo
    from gongkai.core.models import Organisation

    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(
        "file:memorydb"
    ):
        pytest.skip("内存中的 SQLite 测试库不支持多连接并发写；请在 PostgreSQL 上运行此测试")
    load_demo()
    housing = Organisation.objects.get(site__slug="yingjiang", name="区住房和城乡建设局")
    editor, admin = user("yj_editor"), user("yj_admin")
    guide = complete(editor, make_item(housing.site, housing))
    barrier = threading.Barrier(2)
    outcome: dict[str, str] = {}

    def save(actor, summary):
        try:
            instance = Guide.objects.get(pk=guide.pk)
            barrier.wait(timeout=10)
            workflow.update_draft(
                actor,
                instance,
                {"summary": summary},
                [summary],
                [{"name": f"{summary}的材料"}],
                STEPS,
                version=1,
            )
            outcome[summary] = "saved"
        except VersionConflict:
            outcome[summary] = "conflict"
        finally:
            close_old_connections()
            connection.close()

    threads = [
        threading.Thread(target=save, args=(editor, "并发保存甲")),
        threading.Thread(target=save, args=(admin, "并发保存乙")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcome.values()) == ["conflict", "saved"], outcome
    winner = next(s for s, result in outcome.items() if result == "saved")
    stored = fresh(guide)
    assert stored.summary == winner and stored.version == 2
    # the winner's rows, whole: no mix of both saves
    assert [c.text for c in stored.conditions.all()] == [winner]
    assert [m.name for m in stored.materials.all()] == [f"{winner}的材料"]


def test_a_published_future_version_is_not_in_force_until_its_date(editor, reviewer, item):
    today = timezone.localdate()
    first = published(editor, reviewer, item, effective_from=today - timedelta(days=30))
    assert rules.guide_in_force(item) == first
    with pytest.raises(WorkflowError, match="变更说明"):
        workflow.new_version(
            editor, first, effective_from=today + timedelta(days=10), change_reason=""
        )
    second = workflow.new_version(
        editor, first, effective_from=today + timedelta(days=10), change_reason="收费标准调整"
    )
    assert second.number == 2 and second.state == State.DRAFT
    # everything copied, the rows as their own
    assert [m.name for m in second.materials.all()] == ["食品经营许可申请书", "营业执照"]
    assert second.materials.first().pk != first.materials.first().pk
    assert second.legal_basis == first.legal_basis
    with pytest.raises(WorkflowError, match="处理中的第2版"):
        workflow.new_version(editor, first, effective_from=today, change_reason="再改")

    workflow.update_draft(
        editor,
        second,
        {"fee_free": False, "fee_text": "每件20元", "fee_basis": "皖价费〔2026〕1号"},
        CONDITIONS,
        materials(item.site)[:1],
        STEPS,
    )
    workflow.submit(editor, fresh(second))
    workflow.approve(reviewer, fresh(second))
    workflow.publish(reviewer, fresh(second))
    assert fresh(second).state == State.PUBLISHED
    assert rules.guide_in_force(item) == first  # published, not yet in force
    assert not workflow.is_in_force(fresh(second))
    assert rules.guide_in_force(item, on=today + timedelta(days=10)) == fresh(second)
    message = AuditEvent.objects.filter(object_id=str(second.pk)).latest("id").message
    assert "此前仍适用现行版本" in message

    changes = {c.name: c for c in workflow.version_changes(first, fresh(second))}
    assert set(changes) >= {"effective_from", "fee_free", "fee_text", "material_list"}
    assert changes["fee_text"].new == "每件20元"
    assert changes["material_list"].removed == (
        "营业执照（申请人自备，原件，1份，必要，可由“营业执照”替代）",
    )
    assert "change_reason" not in changes


def test_withdrawing_the_version_in_force_brings_back_the_earlier_one(editor, reviewer, item):
    today = timezone.localdate()
    first = published(editor, reviewer, item, effective_from=today - timedelta(days=30))
    second = workflow.new_version(editor, first, effective_from=today, change_reason="材料精简")
    workflow.submit(editor, second)
    workflow.approve(reviewer, fresh(second))
    workflow.publish(reviewer, fresh(second))
    assert rules.guide_in_force(item) == fresh(second)
    with pytest.raises(WorkflowError, match="撤回原因"):
        workflow.withdraw(reviewer, fresh(second), "")
    workflow.withdraw(reviewer, fresh(second), "材料要求有误")
    assert rules.guide_in_force(item) == first


def test_verification_sets_the_date_without_a_new_version(editor, reviewer, item):
    guide = complete(editor, item)
    with pytest.raises(WorkflowError, match="只能核验已发布"):
        workflow.mark_verified(editor, guide)
    workflow.submit(editor, guide)
    workflow.approve(reviewer, fresh(guide))
    workflow.publish(reviewer, fresh(guide))
    workflow.mark_verified(editor, fresh(guide))
    stored = fresh(guide)
    assert stored.verified_on == timezone.localdate() and stored.verified_by == editor
    assert item.guides.count() == 1 and stored.state == State.PUBLISHED


def test_an_editor_of_another_organisation_is_refused_in_the_service(yingjiang, item, reviewer):
    other = user("yj_editor2")  # 民政局
    with pytest.raises(PermissionDenied, match="您没有权限"):
        workflow.create_guide(other, item, FIELDS, CONDITIONS, [], STEPS)
    with pytest.raises(PermissionDenied):
        workflow.create_item(
            other,
            organisation=item.organisation,
            code="X-1",
            name="另一事项",
            item_type=ItemType.LICENCE,
        )
    guide = complete(user("yj_editor"), item)
    for step in (
        lambda: workflow.update_draft(other, fresh(guide), {"summary": "越权"}, [], [], []),
        lambda: workflow.submit(other, fresh(guide)),
    ):
        with pytest.raises(PermissionDenied):
            step()
    workflow.submit(user("yj_editor"), fresh(guide))
    with pytest.raises(PermissionDenied):
        workflow.approve(other, fresh(guide))  # an editor is not a reviewer either
    ouhai_reviewer = user("oh_reviewer")
    with pytest.raises(PermissionDenied):
        workflow.approve(ouhai_reviewer, fresh(guide))
    stored = fresh(guide)
    assert stored.summary == "" and stored.state == State.SUBMITTED


def test_rows_and_windows_of_another_site_are_refused(editor, item, ouhai):
    foreign_cert = make_certificate(ouhai, "营业执照")
    with pytest.raises(WorkflowError, match="一库共享"):
        workflow.create_guide(
            editor, item, FIELDS, CONDITIONS, [{"name": "执照", "certificate": foreign_cert}], []
        )
    window = Window.objects.create(site=ouhai, number="1", name="综合窗口")
    with pytest.raises(WorkflowError, match="受理窗口"):
        workflow.create_guide(editor, item, FIELDS, CONDITIONS, [], [], windows=[window])
    assert not item.guides.exists()


def test_create_item_checks_the_code(editor, housing):
    item = workflow.create_item(
        editor, organisation=housing, code=" A-1 ", name="建筑工程施工许可", item_type="licence"
    )
    assert item.code == "A-1" and item.site == housing.site
    with pytest.raises(WorkflowError, match="已被本站点的其他事项使用"):
        workflow.create_item(
            editor, organisation=housing, code="A-1", name="重复", item_type="licence"
        )
    with pytest.raises(WorkflowError, match="事项类型"):
        workflow.create_item(editor, organisation=housing, code="A-2", name="x", item_type="zz")


def test_an_item_links_only_to_a_service_stage_leaf(editor, housing, yingjiang):
    from gongkai.catalogue.models import FiveStage
    from tests.records.conftest import make_leaf

    leaf = make_leaf(yingjiang, "政务服务事项办事指南", organisations=[housing])
    leaf.five_stage = FiveStage.DECISION
    leaf.save()
    with pytest.raises(WorkflowError, match="服务公开"):
        workflow.create_item(
            editor,
            organisation=housing,
            code="B-1",
            name="x",
            item_type="licence",
            catalogue_item=leaf,
        )
    leaf.five_stage = FiveStage.SERVICE
    leaf.save()
    item = workflow.create_item(
        editor, organisation=housing, code="B-1", name="x", item_type="licence", catalogue_item=leaf
    )
    assert item.catalogue_item == leaf


def test_a_row_list_left_out_keeps_its_rows_and_only_drafts_change(editor, reviewer, item):
    guide = complete(editor, item)
    workflow.update_draft(editor, fresh(guide), {"summary": "只改说明"})
    stored = fresh(guide)
    assert stored.summary == "只改说明"
    assert stored.conditions.count() == 1 and stored.materials.count() == 2
    workflow.update_draft(editor, stored, {}, conditions=[])
    assert fresh(guide).conditions.count() == 0 and fresh(guide).steps.count() == 2
    workflow.update_draft(editor, fresh(guide), {}, conditions=CONDITIONS)
    workflow.submit(editor, fresh(guide))
    with pytest.raises(WorkflowError, match="只有草稿或已退回的指南可以修改"):
        workflow.update_draft(editor, fresh(guide), {"summary": "提交后再改"})
    assert fresh(guide).summary == "只改说明"


def test_a_text_longer_than_its_column_is_refused_by_name(editor, item):
    with pytest.raises(WorkflowError, match="办理地点不能超过 300 个字"):
        workflow.create_guide(editor, item, {**FIELDS, "address": "地" * 301})
    with pytest.raises(WorkflowError, match="申请材料的材料名称不能超过 200 个字"):
        workflow.create_guide(editor, item, FIELDS, CONDITIONS, [{"name": "材" * 201}])
    assert not item.guides.exists()
