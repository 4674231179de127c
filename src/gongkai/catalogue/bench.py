"""`gongkai bench catalogue`: importing a 5,000-leaf catalogue into a fresh database.

Registered with gongkai.core.bench; the bench command writes var/bench/catalogue.json."""

from __future__ import annotations

import io
import time
from collections.abc import Callable

from gongkai.core.bench import BenchOptions, fresh_database, register


def catalogue_workbook(leaves: int = 5000, per_parent: int = 25) -> bytes:
    """A generated catalogue in the national layout: domains × 一级事项 × 二级事项 leaves."""
    from gongkai.catalogue.channels import NATIONAL_CHANNELS
    from gongkai.catalogue.io.exporter import write_xlsx
    from gongkai.catalogue.models import NATIONAL_DOMAINS

    deadlines = [
        "信息形成或者变更之日起20个工作日内",
        "实时",
        "每季度",
        "停水24小时前",
        "及时公开",
        "长期公开",
    ]
    orgs = ["区住房和城乡建设局", "区城市管理局", "区民政局", "区财政局、各乡镇（街道）"]
    dump, made, index = [], 0, 0
    while made < leaves:
        domain = {"domain": NATIONAL_DOMAINS[index % len(NATIONAL_DOMAINS)], "items": []}
        for p in range(8):
            parent = {"name": f"一级事项{index}-{p}", "level": 1, "children": []}
            for _ in range(per_parent):
                if made >= leaves:
                    break
                made += 1
                parent["children"].append(
                    {
                        "name": f"二级事项{made}",
                        "level": 2,
                        "children": [],
                        "serial": str(made),
                        "content": "申请条件、办理流程、办理时限、收费标准、审批结果、咨询方式",
                        "basis": "【行政法规】《中华人民共和国政府信息公开条例》第二十条",
                        "deadline_text": deadlines[made % len(deadlines)],
                        "responsible_text": orgs[made % len(orgs)],
                        "channels": ["政府网站", "两微一端"]
                        if made % 2
                        else ["政府网站", "政务服务中心"],
                        "audience_society": True,
                        "mode_proactive": True,
                        "level_county": True,
                        "level_township": bool(made % 3 == 0),
                    }
                )
            if parent["children"]:
                domain["items"].append(parent)
        dump.append(domain)
        index += 1
    buffer = io.BytesIO()
    write_xlsx(dump, "基准测试区人民政府", buffer, [name for name, _ in NATIONAL_CHANNELS])
    return buffer.getvalue()


@register("catalogue", "标准目录：在临时新数据库中导入生成的 5000 个末级事项（目标 10 秒内）")
def bench_catalogue(options: BenchOptions, write: Callable[[str], None]) -> dict:
    """Import a generated 5,000-leaf catalogue into a fresh database (target < 10 s); the
    baseline is the time to just read the same file."""
    from gongkai.catalogue.io.readers import read_grids

    write("生成 5000 个末级事项的标准目录 .xlsx …")
    data = catalogue_workbook(5000)

    def run() -> dict:
        from gongkai.catalogue.io.importer import import_catalogue
        from gongkai.catalogue.models import CatalogueItem
        from gongkai.core.demo import load_demo
        from gongkai.core.models import Site
        from gongkai.core.permissions import SYSTEM

        load_demo()
        site = Site.objects.get(slug="yingjiang")
        start = time.perf_counter()
        read_grids(data)
        baseline = time.perf_counter() - start
        start = time.perf_counter()
        summary = import_catalogue(data, site, actor=SYSTEM)
        elapsed = time.perf_counter() - start
        start = time.perf_counter()
        again = import_catalogue(data, site, actor=SYSTEM)
        reimport = time.perf_counter() - start
        assert again.created == again.updated == 0
        return {
            "leaves": summary.leaves,
            "items": CatalogueItem.objects.filter(site=site).count(),
            "domains": len(summary.domains),
            "file_bytes": len(data),
            "read_seconds": round(baseline, 3),
            "import_seconds": round(elapsed, 3),
            "reimport_unchanged_seconds": round(reimport, 3),
            "target_seconds": 10,
            "summary": summary.line(),
        }

    write("在临时新数据库中导入 …")
    return fresh_database(run)
