"""The demo's switch day: the fixture crawl of an old site (legacy/fixtures/oldsite, pages in
the styles of 大汉版通, TRS WCM and 南威) imported into 迎江区 as a county would do it. A local
domain 综合政务 gives the old news columns a home, rules send the old columns there, the
confident pages are published with their old dates and 索引号, the rest wait in the review
queue at /staff/legacy/, and the old addresses answer with a 301. Idempotent: a site that
already has an import run is left alone."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from gongkai.catalogue.models import CatalogueItem, Domain
from gongkai.catalogue.services import publish_version
from gongkai.core.models import Organisation, Site
from gongkai.core.permissions import SYSTEM

from .importer import import_source
from .models import ClassificationRule, ImportRun, LegacyPage, MatchField, PageStatus, ReviewState

FIXTURE_SITE = Path(__file__).resolve().parent / "fixtures" / "oldsite"

#: local leaves of the demo's 综合政务 domain: (name, responsible organisation)
LEAVES = [("政务动态", "区人民政府办公室"), ("通知公告", "区人民政府办公室")]

#: (field, words, leaf, organisation): the rules an office admin would write on the day
RULES = [
    (MatchField.COLUMN, "政务动态 部门动态", "政务动态", "区人民政府办公室"),
    (MatchField.COLUMN, "通知公告", "通知公告", "区人民政府办公室"),
]


def _local_leaves(site: Site) -> dict[str, CatalogueItem]:
    domain, _ = Domain.objects.get_or_create(
        site=site, name="综合政务", defaults={"sort_order": 900}
    )
    root = CatalogueItem.objects.filter(site=site, domain=domain, depth=1).first()
    if root is None:
        root = CatalogueItem.add_root(site=site, domain=domain, name="政务信息")
    leaves = {}
    for name, organisation_name in LEAVES:
        leaf = CatalogueItem.objects.filter(site=site, domain=domain, name=name).first()
        if leaf is None:
            leaf = root.add_child(
                site=site,
                domain=domain,
                name=name,
                content=f"本机关{name}",
                deadline={"kind": "working_days", "days": 20},
                deadline_text="信息形成或者变更之日起20个工作日内",
                deadline_parsed=True,
                mode_proactive=True,
                audience_society=True,
                level_county=True,
            )
            root.refresh_from_db()
        leaf.organisations.add(Organisation.objects.get(site=site, name=organisation_name))
        leaves[name] = leaf
    return leaves


def load_legacy_demo() -> list[str]:
    site = Site.objects.filter(slug="yingjiang").first()
    if site is None or ImportRun.objects.filter(site=site).exists():
        return []
    with transaction.atomic():
        leaves = _local_leaves(site)
        for position, (field, words, leaf, organisation_name) in enumerate(RULES):
            ClassificationRule.objects.get_or_create(
                site=site,
                field=field,
                contains=words,
                defaults={
                    "catalogue_item": leaves[leaf],
                    "organisation": Organisation.objects.get(site=site, name=organisation_name),
                    "weight": 0.9,
                    "position": position,
                },
            )
        # the public catalogue is a published version: the local leaves join the next one
        publish_version(site, SYSTEM, note="新增本地事项：综合政务（旧站迁移）")
    run = import_source(FIXTURE_SITE, site, publish=True, actor=SYSTEM)
    pages = LegacyPage.objects.filter(site=site)
    published = pages.filter(record__isnull=False, status=PageStatus.IMPORTED).count()
    waiting = pages.filter(
        status=PageStatus.IMPORTED, record__isnull=True, review_state=ReviewState.PENDING
    ).count()
    return [
        f"旧站迁移示例（迎江区）：导入 {run.imported} 页，已发布 {published} 页，"
        f"待确认 {waiting} 页（/staff/legacy/），重复 {run.duplicates} 页，失败 {run.failed} 页；"
        "旧网址如 /art/2017/10/25/art_1229_1001.html 永久跳转到新页面"
    ]
