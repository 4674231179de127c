"""The workflow demo publishes through the real workflow, under the leaf each record is about,
dated on working days before today, and can run twice."""

from django.utils import timezone

from gongkai.core.workcalendar import is_workday
from gongkai.records.demo import load_records_demo
from gongkai.records.models import Kind, Record, State


def test_demo_records_under_their_own_leaves(demo):
    lines = load_records_demo()
    assert lines == ["迎江区人民政府：演示政府信息 11 条已发布。"], lines
    published = Record.objects.filter(site__slug="yingjiang", state=State.PUBLISHED)
    titles = set(published.values_list("title", flat=True))
    assert "关于2026年城区供水管网改造停水的通知" in titles
    assert "燃气经营许可证核发结果公示" in titles
    gas = published.get(title="燃气经营许可证核发结果公示")
    assert "燃气" in gas.catalogue_item.name
    policy = published.get(kind=Kind.POLICY)
    assert policy.interpretations.get().state == State.PUBLISHED
    assert policy.organisation.name == "区人民政府办公室"
    assert policy.document_number == f"迎政办〔{policy.written_on.year}〕1号"
    for record in published:
        day = timezone.localtime(record.published_at).date()
        assert day <= timezone.localdate() and is_workday(day) and is_workday(record.formed_on)
    # 瓯海区 has no 市政服务 catalogue: nothing about water mains is filed under 义务教育 there
    assert not Record.objects.filter(site__slug="ouhai").exists()
    count = Record.objects.count()
    load_records_demo()
    assert Record.objects.count() == count
