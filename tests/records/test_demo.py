"""The demo publishes through the real workflow on both sites, and can run twice."""

from gongkai.records.demo import load_records_demo
from gongkai.records.models import Kind, Record, State


def test_demo_records_on_both_sites(demo):
    lines = load_records_demo()
    assert len(lines) == 2, lines
    for slug in ("yingjiang", "ouhai"):
        published = Record.objects.filter(site__slug=slug, state=State.PUBLISHED)
        titles = set(published.values_list("title", flat=True))
        assert "关于2026年城区供水管网改造停水的通知" in titles
        assert "燃气经营许可证核发结果公示" in titles
        policy = published.get(kind=Kind.POLICY)
        assert policy.interpretations.get().state == State.PUBLISHED
    count = Record.objects.count()
    load_records_demo()
    assert Record.objects.count() == count
