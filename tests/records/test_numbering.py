"""索引号: per-site pattern, unique, sequential per scope, never reused."""

import pytest
from django.utils import timezone

from gongkai.records import numbering, workflow
from gongkai.records.models import IndexRule, Record

from .conftest import approved, published


def test_numbers_are_sequential_and_unique(editor, reviewer, housing, leaf):
    records = [published(editor, reviewer, housing, leaf, title=f"第{i}条") for i in range(3)]
    numbers = [r.index_number for r in records]
    year = timezone.localdate().year
    assert numbers == [f"{housing.code}-09-{year}-{n:05d}" for n in (1, 2, 3)]
    assert len(set(Record.objects.values_list("index_number", flat=True))) == 3


def test_category_gives_its_own_serial(editor, reviewer, housing, leaf):
    a = published(editor, reviewer, housing, leaf, subject="09")
    b = published(editor, reviewer, housing, leaf, subject="16")
    assert a.index_number.endswith(f"-09-{timezone.localdate().year}-00001")
    assert b.index_number.endswith(f"-16-{timezone.localdate().year}-00001")


def test_withdrawn_numbers_are_never_reused(editor, reviewer, housing, leaf):
    first = published(editor, reviewer, housing, leaf)
    workflow.withdraw(reviewer, first, "发布有误")
    second = published(editor, reviewer, housing, leaf)
    assert second.index_number.endswith("00002")


def test_site_pattern_and_hand_typed_numbers(yingjiang, editor, reviewer, housing, leaf):
    IndexRule.objects.create(site=yingjiang, pattern="{site_code}.{year}-{serial:04d}")
    year = timezone.localdate().year
    Record.objects.filter(pk=approved(editor, reviewer, housing, leaf).pk).update(
        index_number=f"3408020001.{year}-0001"
    )  # e.g. imported from the old site
    record = published(editor, reviewer, housing, leaf, title="新的")
    assert record.index_number == f"3408020001.{year}-0002"


def test_bad_patterns_are_refused():
    with pytest.raises(numbering.IndexRuleError, match="serial"):
        numbering.validate_pattern("{org_code}-{year}")
    with pytest.raises(numbering.IndexRuleError, match="分隔符"):
        numbering.validate_pattern("{org_code}/{serial}")
    with pytest.raises(numbering.IndexRuleError, match="未知字段"):
        numbering.validate_pattern("{org}-{serial}")


def test_admin_refuses_an_unsafe_index_rule(admin_client, yingjiang):
    from gongkai.records.models import IndexRule

    response = admin_client.post(
        "/admin/records/indexrule/add/", {"site": yingjiang.pk, "pattern": "{org_code}/{serial}"}
    )
    assert response.status_code == 200 and "分隔符" in response.content.decode()
    assert not IndexRule.objects.exists()
    response = admin_client.post(
        "/admin/records/indexrule/add/",
        {"site": yingjiang.pk, "pattern": "{site_code}-{year}-{serial:06d}"},
    )
    assert response.status_code == 302
    assert IndexRule.objects.get(site=yingjiang).pattern == "{site_code}-{year}-{serial:06d}"
