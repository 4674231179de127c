"""The review queue's services (issue 15, point 5): who may confirm, reject and edit rules;
a confirmation publishes exactly once, even when two people confirm at the same moment."""

from __future__ import annotations

import threading

import pytest
from django.db import close_old_connections, connection

from gongkai.catalogue.models import CatalogueItem
from gongkai.core.models import AuditEvent
from gongkai.core.permissions import PermissionDenied
from gongkai.core.versioning import VersionConflict
from gongkai.legacy import review
from gongkai.legacy.classify import REVIEW_BELOW
from gongkai.legacy.models import ClassificationRule, LegacyPage, ReviewState
from gongkai.records.models import Record, State
from tests.conftest import org, user
from tests.records.conftest import make_leaf

from .factories import make_page, responsible_pair

pytestmark = pytest.mark.django_db


def proposed(site, organisation, leaf, confidence=0.9, **fields):
    return make_page(
        site,
        proposed_item=leaf,
        proposed_organisation=organisation,
        confidence=confidence,
        classification_note=f"{confidence:.2f} 测试建议",
        **fields,
    )


def test_confirm_publishes_the_page_as_an_archived_record(demo):
    housing, leaf = responsible_pair(demo)
    page = proposed(demo, housing, leaf, title="关于棚户区改造的公告")
    record = review.confirm(
        user("yj_reviewer"), page, catalogue_item=leaf, organisation=housing, version=1
    )
    page.refresh_from_db()
    assert page.record == record and page.review_state == ReviewState.CONFIRMED
    assert page.reviewed_by == user("yj_reviewer")
    assert record.state == State.PUBLISHED and record.title == "关于棚户区改造的公告"
    assert record.published_at.date() == page.published_on
    assert not review.pending_pages(user("yj_admin"), demo).filter(pk=page.pk).exists()


def test_only_publishing_staff_of_the_organisation_confirm(demo, ouhai):
    housing, leaf = responsible_pair(demo)
    page = proposed(demo, housing, leaf)
    for name in ["yj_editor2", "yj_evaluator", "yj_deputy", "oh_admin", "oh_editor"]:
        with pytest.raises(PermissionDenied):
            review.confirm(user(name), page, catalogue_item=leaf, organisation=housing)
    with pytest.raises(PermissionDenied):
        review.pending_pages(user("oh_admin"), demo)
    with pytest.raises(PermissionDenied):
        review.pending_pages(user("yj_evaluator"), demo)
    assert Record.objects.count() == 0
    page.refresh_from_db()
    assert page.review_state == ReviewState.PENDING and page.version == 1


def test_confirm_refuses_a_leaf_the_organisation_may_not_publish_under(demo):
    housing, leaf = responsible_pair(demo)
    civil_leaf = make_leaf(demo, "低保公示", organisations=[org(demo, "区民政局")])
    page = proposed(demo, housing, leaf)
    with pytest.raises(review.ReviewRefused, match="不是“低保公示”的公开主体"):
        review.confirm(user("yj_admin"), page, catalogue_item=civil_leaf, organisation=housing)
    page.refresh_from_db()
    assert page.record is None and page.version == 1  # the claim was rolled back too


def test_a_stale_version_is_a_conflict_and_publishes_nothing(demo):
    housing, leaf = responsible_pair(demo)
    page = proposed(demo, housing, leaf)
    first, second = LegacyPage.objects.get(pk=page.pk), LegacyPage.objects.get(pk=page.pk)
    review.confirm(user("yj_editor"), first, catalogue_item=leaf, organisation=housing, version=1)
    with pytest.raises(VersionConflict):
        review.confirm(
            user("yj_admin"), second, catalogue_item=leaf, organisation=housing, version=1
        )
    assert Record.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_people_confirming_at_once_publish_once(transactional_db):
    """Two confirmations at the same moment, each in its own thread and connection: the
    version claim lets exactly one through (SQLite's one writer; PostgreSQL's row lock)."""
    from gongkai.core.demo import load_demo
    from gongkai.core.models import Site

    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(
        "file:memorydb"
    ):
        pytest.skip("内存中的 SQLite 测试库不支持多连接并发写；请在 PostgreSQL 上运行此测试")
    load_demo()
    site = Site.objects.get(slug="yingjiang")
    housing, leaf = responsible_pair(site)
    page = proposed(site, housing, leaf)
    barrier = threading.Barrier(2)
    outcome: dict[str, str] = {}

    def confirm(username):
        try:
            mine = LegacyPage.objects.get(pk=page.pk)
            barrier.wait(timeout=10)
            review.confirm(
                user(username), mine, catalogue_item=leaf, organisation=housing, version=1
            )
            outcome[username] = "published"
        except (VersionConflict, review.ReviewRefused):
            outcome[username] = "refused"
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=confirm, args=(n,)) for n in ("yj_editor", "yj_admin")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcome.values()) == ["published", "refused"], outcome
    assert Record.objects.filter(legacy_pages=page).count() == 1
    assert Record.objects.count() == 1


def test_reject_keeps_the_page_with_its_reason(demo):
    housing, leaf = responsible_pair(demo)
    page = proposed(demo, housing, leaf)
    with pytest.raises(review.ReviewRefused, match="理由"):
        review.reject(user("yj_editor"), page, "  ")
    with pytest.raises(PermissionDenied):
        review.reject(user("yj_editor2"), page, "过时")
    review.reject(user("yj_editor"), page, "内容已过时，不再公开")
    page.refresh_from_db()
    assert page.review_state == ReviewState.REJECTED and page.reason == "内容已过时，不再公开"
    assert page.record is None and Record.objects.count() == 0
    assert review.rejected_target(page) == f"/records/?item={leaf.pk}"
    with pytest.raises(review.ReviewRefused):
        review.confirm(user("yj_editor"), page, catalogue_item=leaf, organisation=housing)
    event = AuditEvent.objects.filter(object_id=str(page.pk), message="旧站页面不予迁移").get()
    assert event.after == {"review_state": "rejected"}


def test_pending_pages_filters_and_scope(demo):
    housing, leaf = responsible_pair(demo)
    civil = org(demo, "区民政局")
    civil_leaf = make_leaf(demo, "低保公示", organisations=[civil])
    sure = proposed(demo, housing, leaf, 0.9, column_name="城建")
    unsure = proposed(demo, housing, leaf, REVIEW_BELOW - 0.01, column_name="城建")
    civil_page = proposed(demo, civil, civil_leaf, 0.9, column_name="民政")
    nobody = make_page(demo, column_name="其他")
    admin = user("yj_admin")
    assert set(review.pending_pages(admin, demo)) == {sure, unsure, civil_page, nobody}
    assert set(review.pending_pages(admin, demo, low_confidence=True)) == {unsure, nobody}
    assert set(review.pending_pages(admin, demo, low_confidence=False)) == {sure, civil_page}
    assert set(review.pending_pages(admin, demo, column="城建")) == {sure, unsure}
    # 住建局's editor: their organisation's pages and those nobody is proposed for
    assert set(review.pending_pages(user("yj_editor"), demo)) == {sure, unsure, nobody}
    assert review.pending_columns(user("yj_editor"), demo) == [("其他", 1), ("城建", 2)]


def test_confirm_column_confirms_confident_full_proposals_only(demo):
    housing, leaf = responsible_pair(demo)
    sure = [proposed(demo, housing, leaf, 0.9, column_name="城建") for _ in range(3)]
    unsure = proposed(demo, housing, leaf, 0.3, column_name="城建")
    half = make_page(demo, column_name="城建", proposed_item=leaf, confidence=0.9)
    elsewhere = proposed(demo, housing, leaf, 0.9, column_name="其他")
    result = review.confirm_column(user("yj_editor"), demo, "城建")
    assert {p.pk for p in result.confirmed} == {p.pk for p in sure}
    assert {p.pk: why for p, why in result.skipped} == {
        unsure.pk: "匹配可信度低，需逐条确认",
        half.pk: "没有完整的归类建议",
    }
    assert Record.objects.count() == 3
    elsewhere.refresh_from_db()
    assert elsewhere.record is None
    again = review.confirm_column(user("yj_editor"), demo, "城建", include_low_confidence=True)
    assert [p.pk for p in again.confirmed] == [unsure.pk]
    with pytest.raises(PermissionDenied):
        review.confirm_column(user("oh_admin"), demo, "其他")


def test_rules_are_the_office_admins_and_are_audited(demo):
    housing, leaf = responsible_pair(demo)
    values = {
        "field": "title",
        "contains": "棚户区",
        "catalogue_item": leaf,
        "organisation": housing,
        "weight": 0.8,
        "position": 0,
        "active": True,
    }
    for name in ["yj_editor", "yj_reviewer", "oh_admin"]:
        with pytest.raises(PermissionDenied):
            review.save_rule(user(name), demo, values)
    assert not ClassificationRule.objects.exists()
    rule = review.save_rule(user("yj_admin"), demo, values)
    changed = review.save_rule(user("yj_admin"), demo, {**values, "weight": 0.6}, rule)
    assert changed.pk == rule.pk and changed.weight == 0.6
    events = AuditEvent.objects.filter(object_type="legacy.classificationrule")
    assert [e.message for e in events.order_by("pk")] == ["新增归类规则", "修改归类规则"]
    last = events.order_by("pk").last()
    assert last.before["weight"] == 0.8 and last.after["weight"] == 0.6
    with pytest.raises(review.ReviewRefused, match="末级"):
        review.save_rule(
            user("yj_admin"),
            demo,
            {**values, "catalogue_item": CatalogueItem.objects.get_parent(leaf)},
        )
    with pytest.raises(review.ReviewRefused, match="0 到 1"):
        review.save_rule(user("yj_admin"), demo, {**values, "weight": 3})
    with pytest.raises(PermissionDenied):
        review.delete_rule(user("yj_editor"), rule)
    review.delete_rule(user("yj_admin"), rule)
    assert not ClassificationRule.objects.exists()
    assert events.filter(message="删除归类规则").exists()


def test_re_proposing_after_a_rule_change(demo):
    housing, leaf = responsible_pair(demo)
    page = make_page(demo, title="棚户区改造补偿方案", column_name="杂项")
    assert page.proposed_item is None
    review.save_rule(
        user("yj_admin"),
        demo,
        {"field": "title", "contains": "棚户区", "catalogue_item": leaf,
         "organisation": housing, "weight": 0.8},
    )  # fmt: skip
    with pytest.raises(PermissionDenied):
        review.repropose_pending(user("yj_editor"), demo)
    assert review.repropose_pending(user("yj_admin"), demo) == 1
    page.refresh_from_db()
    assert page.proposed_item == leaf and page.confidence == pytest.approx(0.8)
    assert [p.pk for p in review.confirm_column(user("yj_admin"), demo, "杂项").confirmed] == [
        page.pk
    ]
