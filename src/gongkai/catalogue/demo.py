"""Demo catalogues: 迎江区 市政服务 with 财政预决算, 重大建设项目, 义务教育, 社会救助, 安全生产 and
城乡规划; 瓯海区 义务教育, 扶贫救灾, 民生实事项目, 社会救助, 养老服务 and 卫生健康.

The rows in fixtures/demo_rows.py are written to an .xlsx in the national layout and go
through the real importer, as a county's file would; then version 1 is published. Running it
again changes nothing."""

import io

from django.db import transaction

from gongkai.core import permissions
from gongkai.core.models import Site, User

from .fixtures.demo_rows import ouhai_domains, yingjiang_domains
from .io.exporter import write_xlsx
from .io.importer import import_catalogue
from .models import CatalogueVersion, Channel
from .services import pending_changes, publish_version


def rows_to_dump(domain: str, rows) -> dict:
    """Demo rows → the dump structure the exporter writes."""
    roots: list[dict] = []
    by_name: dict[str, dict] = {}
    for serial, row in enumerate(rows, start=1):
        level1, level2, content, basis, deadline, responsible, channels, audience, mode, level = row
        parent = by_name.get(level1)
        if parent is None:
            parent = by_name[level1] = {"name": level1, "level": 1, "children": []}
            roots.append(parent)
        parent["children"].append(
            {
                "name": level2,
                "level": 2,
                "children": [],
                "serial": str(serial),
                "content": content,
                "basis": basis,
                "deadline_text": deadline,
                "responsible_text": responsible,
                "channels": channels,
                "audience_society": "全" in audience,
                "audience_specific": "特" in audience,
                "mode_proactive": "主" in mode,
                "mode_on_request": "申" in mode,
                "level_county": "县" in level,
                "level_township": "乡" in level,
            }
        )
    return {"domain": domain, "items": roots}


def demo_xlsx(site: Site, domains: dict[str, list]) -> bytes:
    buffer = io.BytesIO()
    national = list(Channel.objects.filter(site__isnull=True).values_list("name", flat=True))
    dump = [rows_to_dump(name, rows) for name, rows in domains.items()]
    write_xlsx(dump, site.name, buffer, national)
    return buffer.getvalue()


@transaction.atomic
def load_catalogue_demo() -> list[str]:
    """Import the demo catalogues and publish a version where something changed."""
    lines = []
    actor = User.objects.filter(username="admin").first() or permissions.SYSTEM
    for slug, domains in (("yingjiang", yingjiang_domains()), ("ouhai", ouhai_domains())):
        site = Site.objects.filter(slug=slug).first()
        if site is None:
            continue
        data = demo_xlsx(site, domains)
        named = io.BytesIO(data)
        named.name = f"{slug}-demo-catalogue.xlsx"
        summary = import_catalogue(named, site, actor=actor, reason="载入演示标准目录")
        lines.append(f"{site.name}：{summary.line()}")
        if (
            pending_changes(site).exists()
            or not CatalogueVersion.objects.filter(site=site).exists()
        ):
            version = publish_version(site, actor, note="演示标准目录")
            lines.append(f"{site.name}：已发布标准目录第{version.number}版")
    return lines
