"""`gongkai bench report`: computing a year's annual report over 100,000 requests.

The bench database (var/bench/report/, never the user's) holds the demo sites plus 100,000
synthetic requests received in the report year and the year before (every applicant column
and outcome, some still open, appeals on one in fifty) and 1,000 policies. With --reuse a
database built before is kept. In the same run it times the report's tables (oversight.annual
.compute: tables 二, 三 and 四 and the figures of section 一) against a plain COUNT over the
same rows; the target is under 5 s."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

from gongkai.core.bench import BenchOptions, bench_dir, register

REQUESTS = 100_000
POLICIES = 1_000
TARGET_SECONDS = 5

BUILD_SNIPPET = """
import django, json, sys
django.setup()
from gongkai.oversight.bench import build_requests
print(json.dumps(build_requests(int(sys.argv[1]), int(sys.argv[2]))))
"""

TIME_SNIPPET = """
import django, json, sys
django.setup()
from gongkai.oversight.bench import time_report
print(json.dumps(time_report(int(sys.argv[1]))))
"""


def build_requests(n: int, year: int, batch_size: int = 5000) -> dict:
    """Bulk-create n requests to the yingjiang organs that receive them; runs inside the bench
    database (BUILD_SNIPPET)."""
    import random
    from datetime import date, timedelta

    from django.db import transaction
    from django.utils import timezone

    from gongkai.catalogue.models import CatalogueItem
    from gongkai.core.models import FOI_RECIPIENT_TYPES, Organisation, Site
    from gongkai.foi.models import Appeal, FoiRequest, Outcome, State
    from gongkai.records.models import Kind, Record
    from gongkai.records.models import State as RecordState

    rng = random.Random(f"gongkai-bench-report-{n}")
    site = Site.objects.get(slug="yingjiang")
    leaf = next(item for item in CatalogueItem.objects.filter(site=site) if item.is_leaf())
    organs = list(
        Organisation.objects.filter(site=site, legal_type__in=FOI_RECIPIENT_TYPES).order_by("pk")
    )
    columns = ["commercial", "research", "nonprofit", "legal_service", "other"]
    outcomes = [choice.value for choice in Outcome]
    start = date(year - 1, 1, 1)
    span = (date(year, 12, 31) - start).days
    batch: list[FoiRequest] = []
    made = 0
    with transaction.atomic():
        for i in range(n):
            received = start + timedelta(days=rng.randint(0, span))
            legal = rng.random() < 0.3
            replied = received + timedelta(days=rng.randint(1, 40))
            open_case = rng.random() < 0.05 or replied > date(year + 1, 6, 30)
            batch.append(
                FoiRequest(
                    site=site,
                    organisation=organs[i % len(organs)],
                    serial=f"B{year}-{i:06d}",
                    tracking_code=f"BENCH{i:07d}",
                    applicant_kind="legal" if legal else "natural",
                    org_category=rng.choice(columns) if legal else "",
                    name="申请人",
                    id_type="resident_id",
                    id_number="",
                    phone="",
                    description="基准测试申请",
                    wanted_form="electronic",
                    delivery="email",
                    channel="online",
                    submitted_on=received,
                    received_on=received,
                    state=State.IN_HANDLING if open_case else State.REPLIED,
                    outcome="" if open_case else rng.choice(outcomes),
                    replied_on=None if open_case else replied,
                )
            )
            if len(batch) >= batch_size:
                FoiRequest.objects.bulk_create(batch)
                made += len(batch)
                batch = []
        if batch:
            FoiRequest.objects.bulk_create(batch)
            made += len(batch)
        requests = list(
            FoiRequest.objects.filter(site=site, serial__startswith="B", replied_on__isnull=False)
            .order_by("pk")
            .values_list("pk", "replied_on")[::50]
        )
        Appeal.objects.bulk_create(
            Appeal(
                request_id=pk,
                kind=rng.choice(["reconsideration", "litigation_direct", "litigation_after"]),
                filed_on=replied + timedelta(days=30),
                result=rng.choice(["maintained", "corrected", "other", "pending"]),
                decided_on=replied + timedelta(days=90) if rng.random() < 0.7 else None,
            )
            for pk, replied in requests
        )
        Record.objects.bulk_create(
            Record(
                site=site,
                organisation=organs[i % len(organs)],
                catalogue_item=leaf,
                kind=Kind.POLICY,
                index_number=f"bench-policy-{i:05d}",
                title=f"基准规范性文件{i}",
                state=RecordState.PUBLISHED,
                validity="valid",
                published_at=timezone.make_aware(
                    timezone.datetime(year - 1, 1, 1) + timedelta(days=i % (span + 1))
                ),
                formed_on=start + timedelta(days=i % (span + 1)),
                written_on=start + timedelta(days=i % (span + 1)),
            )
            for i in range(POLICIES)
        )
    return {"requests": made, "appeals": len(requests), "policies": POLICIES, "year": year}


def time_report(year: int, rounds: int = 3) -> dict:
    """The report's tables against a plain count of the same rows, best of `rounds` each."""
    import time
    from datetime import date

    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from gongkai.core.models import Site
    from gongkai.foi import statistics
    from gongkai.oversight import annual

    site = Site.objects.get(slug="yingjiang")
    government = annual.government_of(site)
    rows = statistics.requests_in_scope(site=site).filter(received_on__lte=date(year, 12, 31))

    def best(func) -> float:
        times = []
        for _ in range(rounds):
            began = time.perf_counter()
            func()
            times.append(time.perf_counter() - began)
        return min(times)

    count = rows.count()
    baseline = best(rows.count)
    report = best(lambda: annual.compute(government, year))
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        computed = annual.compute(government, year)
    return {
        "rows_counted": count,
        "count_seconds": round(baseline, 4),
        "report_seconds": round(report, 4),
        "ratio": round(report / baseline, 1) if baseline else None,
        "queries": len(queries.captured_queries),
        "check_row_holds": all(
            int(computed["cells"][f"t3.new.{c}"]) + int(computed["cells"][f"t3.carried.{c}"])
            == int(computed["cells"][f"t3.total.{c}"]) + int(computed["cells"][f"t3.forward.{c}"])
            for c in statistics.COLUMN_KEYS
        ),
        "new_total": int(computed["cells"]["t3.new.total"]),
    }


@register(
    "report", "年度报告：10 万件申请的年度报告表格计算，对比同一批数据的普通 COUNT（目标 5 秒内）"
)
def bench_report(options: BenchOptions, say) -> dict:
    from django.utils import timezone

    from gongkai.portal.bench import _env, _run

    year = timezone.localdate().year - 1
    workdir = bench_dir() / "report"
    env = _env(workdir)
    cli = [sys.executable, "-m", "gongkai.cli"]
    marker = workdir / f"built-{REQUESTS}-{year}.json"
    if options.extra.get("reuse") and marker.exists():
        say(f"沿用已建的基准数据库 {workdir}")
        _run([*cli, "migrate", "--noinput", "-v0"], env, say)
        built = json.loads(marker.read_text(encoding="utf-8"))
    else:
        shutil.rmtree(workdir, ignore_errors=True)
        Path(workdir).mkdir(parents=True)
        say(f"建立基准数据库 {workdir} …")
        _run([*cli, "migrate", "--noinput", "-v0"], env, say)
        _run([*cli, "demo"], env, say)
        say(f"生成 {REQUESTS} 件依申请公开申请（{year - 1}—{year} 年收到）…")
        out = _run([sys.executable, "-c", BUILD_SNIPPET, str(REQUESTS), str(year)], env, say)
        built = json.loads(out.splitlines()[-1])
        marker.write_text(json.dumps(built), encoding="utf-8")
    say("计算年度报告表格 …")
    timed = json.loads(
        _run([sys.executable, "-c", TIME_SNIPPET, str(year)], env, say).splitlines()[-1]
    )
    timed.update(built)
    timed["target_seconds"] = TARGET_SECONDS
    timed["within_target"] = timed["report_seconds"] < TARGET_SECONDS
    say(
        f"年度报告表格 {timed['report_seconds']} 秒（{timed['queries']} 条查询），"
        f"普通 COUNT {timed['count_seconds']} 秒，比值 {timed['ratio']}。"
    )
    return timed


# issue 16: `gongkai bench province` registers itself on import
from . import province_bench  # noqa: E402, F401
