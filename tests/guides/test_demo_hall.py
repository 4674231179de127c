"""The hall's demo loader builds on whatever items exist, skips a site without any, and a
second run adds nothing."""

from gongkai.guides.demo_hall import MONTHS, load_hall_demo
from gongkai.guides.models import CaseStatistic, Window
from gongkai.guides.windows import window_counts
from tests.conftest import org

from .factories import make_item


def test_the_demo_windows_and_six_months_of_statistics(yingjiang, ouhai):
    housing, civil = org(yingjiang, "区住房和城乡建设局"), org(yingjiang, "区民政局")
    for n in range(12):
        make_item(yingjiang, housing if n % 2 else civil, code=f"YJ-{n:03}", name=f"事项{n}")
    lines = load_hall_demo()
    assert lines[1] == "瓯海区人民政府：尚无办事事项，未生成综合窗口"
    counts = window_counts(yingjiang)
    assert (counts.windows, counts.business) == (8, 12)
    assert not Window.objects.filter(site=ouhai).exists()
    months = set(CaseStatistic.objects.filter(site=yingjiang).values_list("month", flat=True))
    assert len(months) == MONTHS
    stats = CaseStatistic.objects.count()
    load_hall_demo()
    assert CaseStatistic.objects.count() == stats
    assert Window.objects.filter(site=yingjiang).count() == 8
