"""Demo of the service hall (loader "guides_hall", order 61, after the demo guides at 60):
eight comprehensive windows in 迎江 and three in 瓯海, each accepting the demo items of some
departments, and six months of case statistics per item and window. Builds on the items the
demo guides made (looked up by site and organisation) and skips a site that has none."""

from __future__ import annotations

import random
from datetime import date

from django.db import transaction
from django.utils import timezone

from gongkai.core.models import Site

from .models import CaseStatistic, ServiceItem, Window, WindowKind

HOURS = "周一至周五 8:30-12:00，14:00-17:30（法定节假日除外）；周六上午 9:00-12:00 延时服务"
WINDOWS = {
    "yingjiang": [
        ("A01", "商事登记综合窗口"),
        ("A02", "投资建设综合窗口"),
        ("A03", "不动产登记综合窗口"),
        ("A04", "社会事务综合窗口"),
        ("A05", "医保社保综合窗口"),
        ("A06", "公安户政综合窗口"),
        ("A07", "税费综合窗口"),
        ("A08", "“一件事”综合窗口"),
    ],
    "ouhai": [
        ("1", "企业综合窗口"),
        ("2", "个人事务综合窗口"),
        ("3", "投资项目综合窗口"),
    ],
}
#: which window takes which department's business: (words in the organisation's name, window);
#: the last route takes everything else
ROUTES = {
    "yingjiang": [
        (("市场监督",), "A01"),
        (("住房和城乡建设", "发展和改革", "城市管理", "自然资源", "应急管理"), "A02"),
        (("不动产",), "A03"),
        (("人力资源和社会保障", "医疗保障"), "A05"),
        (("公安",), "A06"),
        (("税务",), "A07"),
        (("民政", "卫生健康", "教育"), "A04"),
    ],
    "ouhai": [
        (("市场监督", "商务"), "1"),
        (("住房和城乡建设", "农业农村", "自然资源", "应急管理", "发展和改革"), "3"),
        (("民政",), "2"),
    ],
}
MONTHS = 6


def _months_back(today: date, n: int) -> list[date]:
    first = today.replace(day=1)
    out = []
    year, month = first.year, first.month
    for _ in range(n):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        out.append(date(year, month, 1))
    return sorted(out)


def _load_site(site: Site, specs, rng: random.Random) -> str | None:
    items = list(
        ServiceItem.objects.filter(site=site).select_related("organisation").order_by("code")
    )
    if not items:
        return None
    address = f"{site.name.removesuffix('人民政府')}政务服务中心一楼"
    existing = {w.number: w for w in Window.objects.filter(site=site)}
    new = [
        Window(
            site=site,
            number=number,
            name=name,
            kind=WindowKind.COMPREHENSIVE,
            address=address,
            hours=HOURS,
            phone="",
        )
        for number, name in specs
        if number not in existing
    ]
    Window.objects.bulk_create(new)
    windows = list(Window.objects.filter(site=site, number__in=[n for n, _ in specs]))
    windows.sort(key=lambda w: [n for n, _ in specs].index(w.number))
    # each department's items go to the window of its kind of business (the 一件事 window,
    # where there is one, also takes one of every few)
    by_number = {w.number: w for w in windows}
    routes = ROUTES[site.slug]

    def window_of(item: ServiceItem) -> Window:
        for words, number in routes:
            if any(word in item.organisation.name for word in words):
                return by_number[number]
        return by_number[routes[-1][1]]

    through = Window.items.through
    pairs = {(window_of(i).pk, i.pk) for i in items}
    if "A08" in by_number:
        pairs |= {(by_number["A08"].pk, i.pk) for i in items[::5]}
    known = set(
        through.objects.filter(window__in=windows).values_list("window_id", "serviceitem_id")
    )
    through.objects.bulk_create(
        [through(window_id=w, serviceitem_id=i) for w, i in sorted(pairs - known)]
    )
    stats = []
    for window_id, item_id in sorted(pairs):
        for month in _months_back(timezone.localdate(), MONTHS):
            received = rng.randint(0, 60)
            completed = rng.randint(max(0, received - 5), received)
            refused = rng.randint(0, min(3, completed))
            stats.append(
                CaseStatistic(
                    site=site,
                    item_id=item_id,
                    window_id=window_id,
                    month=month,
                    received=received,
                    completed=completed,
                    approved=completed - refused,
                    refused=refused,
                    on_time=completed - rng.randint(0, min(1, completed)),
                )
            )
    CaseStatistic.objects.bulk_create(stats, ignore_conflicts=True, batch_size=500)
    return f"{site.name}：{len(windows)} 个综合窗口，{len({i for _, i in pairs})} 项业务，{MONTHS} 个月办件统计"


def load_hall_demo() -> list[str]:
    rng = random.Random(13)
    lines = []
    with transaction.atomic():
        for slug, specs in WINDOWS.items():
            site = Site.objects.filter(slug=slug).first()
            if site is None:
                continue
            line = _load_site(site, specs, rng)
            lines.append(line or f"{site.name}：尚无办事事项，未生成综合窗口")
    return lines
