"""`gongkai bench province --sites N --records M`: one deployment hosting a province (issue 16).

In a fresh temporary database (core.bench.fresh_database; the site's own data and search index
are never touched) it bulk-creates a province site with N county sites below it, each with its
organisations, a 20-leaf catalogue, M published records (the search corpus: government titles
and ~600-character bodies) and M/50 requests; then builds the search index through the
project's own reindex (the tantivy backend in a temporary directory) and measures, in the same
run and through the test client (every page rendered: page cache off):

- the province's home page and /xxgk/sites/, against one county's (the baseline);
- search over the whole province (N+1 sites) against search in one county, same queries;
- the overview API for the province against one county's;
- build time, database size, index size and the process's peak RSS."""

from __future__ import annotations

import os
import resource
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote

from gongkai.core.bench import BenchOptions, fresh_database, register

DEFAULT_SITES = 100
DEFAULT_RECORDS = 10_000
LEAVES = 20
COVERED_LEAVES = 17  # records go to these; the rest stay uncovered (85% coverage)
PAGE_ROUNDS = 20
HOST_SUFFIX = ".province.bench"


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    k = max(min(round(pct / 100 * (len(ordered) - 1)), len(ordered) - 1), 0)
    return ordered[k]


def _timed(func, rounds: int) -> dict:
    func()  # warm
    times = []
    for _ in range(rounds):
        began = time.perf_counter()
        func()
        times.append((time.perf_counter() - began) * 1000)
    return {
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(_percentile(times, 95), 2),
    }


def _dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _db_size() -> int:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            return int(cursor.fetchone()[0])
    name = str(connection.settings_dict["NAME"])
    return sum(os.path.getsize(p) for p in (name, name + "-wal") if os.path.exists(p))


def build_province(sites: int, records: int, say, batch_size: int = 5000) -> dict:
    """The province, its county sites and their rows, bulk-created; returns the slugs."""
    from django.db import transaction
    from django.utils import timezone

    from gongkai.catalogue.models import CatalogueItem, Domain
    from gongkai.core.models import Organisation, Site
    from gongkai.core.sites import forget_site_hosts
    from gongkai.foi.models import FoiRequest, State
    from gongkai.portal.models import Column
    from gongkai.records.models import Record
    from gongkai.records.models import State as RecordState
    from gongkai.search.bench import iter_corpus

    kinds = {"policy", "notice", "general", "response"}
    corpus = iter_corpus(sites * records)
    today = timezone.localdate()
    year_start = date(today.year, 1, 1)
    span = max((today - year_start).days, 1)
    made_records = made_requests = 0
    with transaction.atomic():
        province = Site.objects.create(
            slug="province", name="示范省", province="示范省", hostnames=f"www{HOST_SUFFIX}"
        )
        all_sites = [province]
        for i in range(1, sites + 1):
            all_sites.append(
                Site.objects.create(
                    slug=f"county-{i:03d}",
                    name=f"示范县{i:03d}",
                    province="示范省",
                    parent=province,
                    hostnames=f"c{i:03d}{HOST_SUFFIX}",
                )
            )
        for site in all_sites:
            Column.objects.create(
                site=site, slug="notices", name="通知公告", kind="notice", record_kinds=["notice"]
            )
            Column.objects.create(
                site=site, slug="policies", name="政策文件", kind="policy", record_kinds=["policy"]
            )
        for n, site in enumerate(all_sites):
            government = Organisation.objects.add_root(
                {
                    "site": site,
                    "name": f"{site.name}人民政府",
                    "code": f"G{n:03d}",
                    "kind": "government",
                }
            )
            departments = [
                Organisation.objects.add_child(
                    government,
                    {
                        "site": site,
                        "name": f"{site.name}{d}",
                        "code": f"G{n:03d}D{k}",
                        "kind": "department",
                    },
                )
                for k, d in enumerate(("教育局", "民政局", "财政局", "住房和城乡建设局"))
            ]
            domain = Domain.objects.create(site=site, name="政务公开", is_national=True)
            root = CatalogueItem.objects.add_root(
                {"site": site, "domain": domain, "name": "一级事项"}
            )
            leaves = [
                CatalogueItem.objects.add_child(
                    root,
                    {"site": site, "domain": domain, "name": f"事项{k}", "mode_proactive": True},
                )
                for k in range(LEAVES)
            ]
            if site is province:
                continue  # the province's own portal holds no records: its children do
            batch = []
            for k in range(records):
                doc = next(corpus)
                org = departments[k % len(departments)]
                kind = doc.kind if doc.kind in kinds else "general"
                batch.append(
                    Record(
                        site=site,
                        organisation=org,
                        catalogue_item=leaves[k % COVERED_LEAVES],
                        kind=kind,
                        index_number=f"{org.code}-{k:06d}",
                        title=doc.title,
                        body=f"<p>{doc.body}</p>",
                        state=RecordState.PUBLISHED,
                        published_at=doc.published_at,
                        formed_on=doc.published_at.date(),
                        written_on=doc.published_at.date(),
                    )
                )
                if len(batch) >= batch_size:
                    Record.objects.bulk_create(batch)
                    made_records += len(batch)
                    batch = []
            if batch:
                Record.objects.bulk_create(batch)
                made_records += len(batch)
            cases = []
            for k in range(max(records // 50, 1)):
                received = year_start + timedelta(days=k % span)
                due = received + timedelta(days=28)
                replied = received + timedelta(days=(k % 35) + 1)
                open_case = replied > today or k % 10 == 0
                cases.append(
                    FoiRequest(
                        site=site,
                        organisation=government,
                        serial=f"P{n:03d}-{k:05d}",
                        tracking_code=f"P{n:03d}{k:06d}",
                        applicant_kind="natural",
                        name="申请人",
                        id_number="",
                        phone="",
                        description="基准测试申请",
                        wanted_form="electronic",
                        delivery="email",
                        channel="online",
                        submitted_on=received,
                        received_on=received,
                        due_date=due,
                        state=State.IN_HANDLING if open_case else State.REPLIED,
                        outcome="" if open_case else "1",
                        replied_on=None if open_case else replied,
                    )
                )
            FoiRequest.objects.bulk_create(cases, batch_size=batch_size)
            made_requests += len(cases)
            if n % 10 == 0:
                say(f"  {n}/{sites} 个站点已建立（{made_records} 条政府信息）")
    Site.objects.filter(pk__in=[s.pk for s in all_sites]).update(content_changed_at=timezone.now())
    forget_site_hosts()
    return {"sites": len(all_sites), "records": made_records, "requests": made_requests}


def run_province(sites: int, records: int, queries: int, say) -> dict:
    from django.test import Client
    from django.test.utils import override_settings

    from gongkai.core.models import Site
    from gongkai.search import service
    from gongkai.search.backends.base import SearchQuery
    from gongkai.search.bench import make_queries

    from . import province

    results: dict = {"sites": sites, "records_per_site": records}
    began = time.perf_counter()
    say(f"建立示范省：{sites} 个县级站点 × 每站 {records} 条政府信息 …")
    # saving a site's organisations and catalogue items indexes each on commit; while building,
    # those go to the outbox table instead (no engine commit per row): reindex below builds all
    with override_settings(SEARCH_OUTBOX=True):
        results["built"] = build_province(sites, records, say)
    results["build_s"] = round(time.perf_counter() - began, 1)
    say(f"建库 {results['build_s']} 秒；建立检索索引（tantivy）…")
    began = time.perf_counter()
    indexed = service.reindex(backend="tantivy", progress=False)
    results["index_s"] = round(time.perf_counter() - began, 1)
    results["indexed"] = indexed
    results["index_docs_per_s"] = (
        round(indexed / results["index_s"], 1) if results["index_s"] else None
    )

    top = Site.objects.get(slug="province")
    county = Site.objects.get(slug=f"county-{(sites + 1) // 2:03d}")
    client = Client()
    hosts = {"province": f"www{HOST_SUFFIX}", "county": county.hostname_list()[0]}

    def page(host: str, path: str):
        def get():
            response = client.get(path, HTTP_HOST=host, secure=True)
            if response.status_code != 200:
                raise RuntimeError(f"{host}{path} 返回 {response.status_code}")

        return get

    say("页面：省级首页、/xxgk/sites/，对比一个县的同一页面 …")
    for name, path in (("home", "/"), ("sites", "/xxgk/sites/")):
        for who, host in hosts.items():
            results[f"page_{name}_{who}"] = _timed(page(host, path), PAGE_ROUNDS)
    for who, slug in (("province", top.slug), ("county", county.slug)):
        results[f"overview_api_{who}"] = _timed(
            page(hosts[who], f"/api/v1/sites/{slug}/overview"), PAGE_ROUNDS // 2
        )
    check = province.overview(top)
    results["overview_total_records"] = check.total.records
    results["overview_total_sites"] = check.total.sites

    say(f"检索：全省（{sites + 1} 个站点）对比单个县，{queries} 个查询 …")
    texts = make_queries(queries)
    scopes = {"province": service.site_ids_for(top), "county": [county.id]}
    backend = "tantivy"
    for who, ids in scopes.items():
        timings, totals = [], []
        for text in texts[:10]:
            service.search(SearchQuery(text=text, site_ids=ids, facets=False), backend=backend)
        for text in texts:
            t0 = time.perf_counter()
            found = service.search(SearchQuery(text=text, site_ids=ids), backend=backend)
            timings.append((time.perf_counter() - t0) * 1000)
            totals.append(found.total)
        results[f"search_{who}"] = {
            "p50_ms": round(statistics.median(timings), 2),
            "p95_ms": round(_percentile(timings, 95), 2),
            "mean_total": round(statistics.mean(totals), 1),
        }
    for who, host in hosts.items():
        results[f"page_search_{who}"] = _timed(
            page(host, "/search/?q=" + quote("垃圾分类通知")), PAGE_ROUNDS // 2
        )
    results["db_mb"] = round(_db_size() / 2**20, 1)
    return results


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.1f}×" if b else "—"


def format_table(r: dict) -> list[str]:
    def pair(key: str) -> str:
        return f"{r[key]['p50_ms']} / {r[key]['p95_ms']} ms"

    def row(label: str, key: str) -> str:
        prov, county = f"{key}_province", f"{key}_county"
        return (
            f"| {label} | {pair(prov)} | {pair(county)} | "
            f"{_ratio(r[prov]['p95_ms'], r[county]['p95_ms'])} |"
        )

    built = r["built"]
    return [
        "| measure | province (p50 / p95) | one county (baseline) | p95 ratio |",
        "|---|---|---|---|",
        row("home page /", "page_home"),
        row("/xxgk/sites/", "page_sites"),
        row("overview API", "overview_api"),
        row("search (service, top 20 + facets)", "search"),
        row("search page 垃圾分类通知", "page_search"),
        f"| search hits on average | {r['search_province']['mean_total']} | "
        f"{r['search_county']['mean_total']} | |",
        "",
        "| measure | value |",
        "|---|---|",
        f"| sites | {built['sites']} ({r['sites']} counties + the province) |",
        f"| records | {built['records']} ({r['records_per_site']} per county) |",
        f"| requests | {built['requests']} |",
        f"| build (bulk_create) | {r['build_s']} s |",
        f"| search index build | {r['index_s']} s, {r['index_docs_per_s']} docs/s |",
        f"| database size | {r['db_mb']} MB ({r['database']}) |",
        f"| index size | {r['index_mb']} MB |",
        f"| peak RSS | {r['peak_rss_mb']} MB |",
    ]


@register(
    "province",
    "集约化：一个部署承载一省（--sites 个县 × 每县 --records 条，默认 100 × 10000），"
    "省级首页、下级站点概览、全省检索、汇总接口对比单个县",
)
def bench_province(options: BenchOptions, say) -> dict:
    from django.db import connection
    from django.test.utils import override_settings

    from gongkai.search import service

    given = options.extra.get("given", {})
    sites = given.get("sites", DEFAULT_SITES)
    records = given.get("records", DEFAULT_RECORDS)
    queries = min(options.queries, 200)
    with tempfile.TemporaryDirectory(prefix="gongkai-province-") as tmp:
        index = Path(tmp) / "search"
        overrides = {
            "SEARCH_PATH": index,
            "SEARCH_BACKEND": "tantivy",
            "SEARCH_OUTBOX": False,
            "PAGE_CACHE_SECONDS": 0,
            "ALLOWED_HOSTS": [HOST_SUFFIX, "testserver"],
        }

        def run() -> dict:
            service.forget_backends()
            try:
                out = run_province(sites, records, queries, say)
                out["index_mb"] = round(_dir_size(index) / 2**20, 1)
                out["database"] = connection.vendor
                return out
            finally:
                service.forget_backends()

        with override_settings(**overrides):
            results = fresh_database(run)
    results["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    for line in format_table(results):
        say(line)
    return results
