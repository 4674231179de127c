"""Demo portal configuration: columns with their update rules, reading points, guide pages."""

from django.db import transaction

from gongkai.core.models import Site

from .disclosure import DEFAULT_TITLES, default_body
from .models import Column, ColumnKind, DisclosurePage, DisclosurePageKind, ReadingPoint

COLUMNS = [
    ("news", "要闻动态", ColumnKind.NEWS, ["general"]),
    ("notices", "通知公告", ColumnKind.NOTICE, ["notice"]),
    ("policies", "政策文件", ColumnKind.POLICY, ["policy"]),
    ("interpretations", "政策解读", ColumnKind.INTERPRETATION, ["interpretation"]),
    ("responses", "回应关切", ColumnKind.RESPONSE, ["response"]),
    ("gazette", "政府公报", ColumnKind.GAZETTE, ["gazette"]),
]

READING_POINTS = {
    "yingjiang": [
        (
            "迎江区政务服务中心信息公开查阅点",
            "安庆市迎江区湖心中路政务服务中心一楼",
            "工作日 8:30-17:30",
        ),
        ("迎江区档案馆查阅点", "安庆市迎江区档案馆二楼阅览室", "工作日 9:00-17:00"),
        ("迎江区图书馆查阅点", "安庆市迎江区图书馆一楼", "周二至周日 9:00-20:00"),
    ],
    # Seed 001: 瓯海区 set up 17 reading points across the district.
    "ouhai": [
        ("瓯海区行政服务中心查阅点", "温州市瓯海区娄桥街道行政服务中心", "工作日 8:30-17:00"),
        ("瓯海区档案馆查阅点", "温州市瓯海区档案馆", "工作日 9:00-17:00"),
        ("瓯海区图书馆查阅点", "温州市瓯海区图书馆", "周二至周日 9:00-20:30"),
    ],
}


@transaction.atomic
def load_portal_demo() -> None:
    for site in Site.objects.filter(slug__in=["yingjiang", "ouhai", "shifan"]):
        for order, (slug, name, kind, kinds) in enumerate(COLUMNS):
            Column.objects.get_or_create(
                site=site,
                slug=slug,
                defaults={"name": name, "kind": kind, "record_kinds": kinds, "order": order},
            )
        for order, (name, address, hours) in enumerate(READING_POINTS.get(site.slug, [])):
            ReadingPoint.objects.get_or_create(
                site=site,
                name=name,
                defaults={
                    "address": address,
                    "opening_hours": hours,
                    "phone": site.phone,
                    "materials": "本级政府及部门主动公开的政府信息、政府公报、政务公开标准目录",
                    "order": order,
                },
            )
        for kind in DisclosurePageKind.values:
            DisclosurePage.objects.get_or_create(
                site=site,
                kind=kind,
                defaults={"title": DEFAULT_TITLES[kind], "body": default_body(site, kind)},
            )


GAZETTE_RECORDS = [
    {
        "title": "区人民政府关于印发2026年政务公开工作要点的通知",
        "kind": "gazette",
        "genre": "通知",
        "subject": "01",
        "issuer": "区人民政府",
        "summary": "印发本区2026年政务公开工作要点。",
        "body": "<p>各镇人民政府、街道办事处，区政府各部门：</p>"
        "<p>现将《2026年政务公开工作要点》印发给你们，请结合实际认真贯彻落实。</p>"
        "<h2>一、推进基层政务公开标准化规范化</h2><p>对照26个领域标准目录，逐项梳理公开事项，"
        "明确公开主体、时限和渠道，年底前实现目录全覆盖。</p>"
        "<h2>二、加强政策解读与回应关切</h2><p>坚持政策文件与解读材料同步组织、同步审签、同步部署。</p>",
    },
    {
        "title": "区人民政府办公室关于调整区政务公开领导小组成员的通知",
        "kind": "gazette",
        "genre": "通知",
        "subject": "01",
        "issuer": "区人民政府办公室",
        "summary": "因人事变动，调整区政务公开领导小组成员。",
        "body": "<p>因人事变动，经区政府同意，对区政务公开领导小组成员进行调整。"
        "领导小组办公室设在区政府办公室，负责日常工作。</p>",
    },
]


def load_gazette_demo() -> list[str]:
    """One published 政府公报 issue per demo site, made of published records (after the records
    demo). Gazette-kind records are published through the real records workflow. Idempotent."""
    from django.db.models import Q
    from django.utils import timezone

    from gongkai.catalogue.models import CatalogueItem
    from gongkai.core.models import OrganisationKind, User
    from gongkai.records.demo import _leaf, _publish
    from gongkai.records.models import Kind, Record, State

    from .gazette import publish_issue
    from .models import GazetteArticle, GazetteIssue

    lines = []
    admin = User.objects.filter(username="admin").first()
    for slug, prefix in (("yingjiang", "yj"), ("ouhai", "oh")):
        site = Site.objects.filter(slug=slug).first()
        if site is None or admin is None:
            continue
        if GazetteIssue.objects.filter(site=site, is_published=True).exists():
            continue
        published = Record.objects.filter(site=site, state=State.PUBLISHED)
        if not published.filter(kind=Kind.GAZETTE).exists():
            # a leaf the 区政府办公室 publishes under: its documents go in the gazette
            leaf = _leaf(site, ("政策文件",), fallback=False) or (
                CatalogueItem.objects.filter(
                    site=site, numchild=0, organisations__name="区人民政府办公室"
                )
                .order_by("path")
                .first()
            )
            if leaf is None or not User.objects.filter(username=f"{prefix}_admin").exists():
                continue
            for fields in GAZETTE_RECORDS:
                # the newest documents: their 文号 come after every earlier one of the year
                _publish(site, leaf, fields, prefix, 1)
        # This year's issue: this year's gazette articles and the 区政府 and its office's policies.
        year = timezone.localdate().year
        records = list(
            published.filter(published_at__year=year)
            .filter(
                Q(kind=Kind.GAZETTE)
                | Q(
                    kind=Kind.POLICY,
                    organisation__kind__in=[OrganisationKind.GOVERNMENT, OrganisationKind.OFFICE],
                )
            )
            .order_by("published_at", "pk")
        )
        if not records:
            continue
        with transaction.atomic():
            issue, _ = GazetteIssue.objects.get_or_create(site=site, year=year, number=1)
            for order, record in enumerate(records, start=1):
                GazetteArticle.objects.get_or_create(
                    issue=issue, record=record, defaults={"order": order}
                )
            publish_issue(issue, admin)
        lines.append(f"{site.name}：政府公报 {issue.title} 已发布，刊登 {len(records)} 篇。")
    return lines
