"""`gongkai search`: rebuild the index, try a query, measure.

    gongkai search reindex [--backend fts5|tantivy] [--source NAME ...] [--no-progress]
    gongkai search query "政务公开" [--site yingjiang] [--backend X] [--sort date] [--limit 10]
    gongkai search bench [--records 20000] [--queries 200]   writes var/bench/search.json
    gongkai search follow [--node NAME] [--once] [--poll 1]   this node applies the outbox
    gongkai search prune [--keep-days 7]

Bad input ends with a Chinese message and a non-zero exit, never a traceback; a failed reindex
leaves the old index in place (the rebuild is one commit).
"""

from __future__ import annotations

import json

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from gongkai.search import service
from gongkai.search.backends.base import SearchQuery

MAX_BENCH_RECORDS = 2_000_000


def _positive(value: str, what: str, maximum: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise CommandError(f"{what}“{value}”无效，应为正整数。") from None
    if not 1 <= number <= maximum:
        raise CommandError(f"{what}应在 1 到 {maximum} 之间（得到 {number}）。")
    return number


class Command(BaseCommand):
    help = (
        "站内检索：重建索引（reindex）、调试查询（query）、跟随变更（follow）、"
        "清理变更（prune）、性能测试（bench）。"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(
            dest="action", title="子命令", metavar="{reindex,query,follow,prune,bench}"
        )
        sub.required = True

        reindex = sub.add_parser("reindex", help="从已注册的数据源重建索引")
        reindex.add_argument("--backend", help="fts5 或 tantivy，默认按设置")
        reindex.add_argument("--source", action="append", help="只重建某个数据源，可重复")
        reindex.add_argument("--no-progress", action="store_true", help="不显示进度条")

        query = sub.add_parser("query", help="执行一次检索并打印结果")
        query.add_argument("text", help="检索词")
        query.add_argument("--site", help="站点标识，如 yingjiang；上级站点包含下级站点")
        query.add_argument("--backend", help="fts5 或 tantivy")
        query.add_argument("--sort", default="relevance", help="relevance 或 date")
        query.add_argument("--limit", default="10", help="显示条数")

        follow = sub.add_parser("follow", help="本节点持续应用检索变更（检索变更表）")
        follow.add_argument("--node", help="节点名称，默认按设置 SEARCH_NODE")
        follow.add_argument("--once", action="store_true", help="应用一次后退出")
        follow.add_argument("--poll", default="1", help="最长等待秒数（SQLite 为轮询间隔）")

        prune = sub.add_parser("prune", help="删除早于若干天的检索变更")
        prune.add_argument("--keep-days", default="7", help="保留天数")

        bench = sub.add_parser("bench", help="合成数据上比较两种后端与 LIKE 的检索速度")
        bench.add_argument("--records", default="20000", help="合成文档数")
        bench.add_argument("--queries", default="200", help="查询次数")

    def handle(self, *args, **options):
        try:
            return getattr(self, f"_{options['action']}")(options)
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from None

    def _backend(self, name):
        if name and name.strip().lower() not in service.BACKEND_NAMES:
            raise CommandError(
                f"未知的检索后端“{name}”，可选：{'、'.join(service.BACKEND_NAMES)}。"
            )
        return service.get_backend(name)

    def _reindex(self, options):
        backend = self._backend(options["backend"])
        names = options["source"]
        if names:
            unknown = [n for n in names if n not in service.sources()]
            if unknown:
                known = "、".join(service.sources()) or "（无）"
                raise CommandError(f"未知的数据源：{'、'.join(unknown)}。已注册：{known}")
        elif not service.sources():
            self.stderr.write("没有已注册的数据源，索引将被清空。")
        total = service.reindex(names, backend.name, progress=not options["no_progress"])
        self.stdout.write(f"已重建 {backend.name} 索引，共 {total} 篇。")

    def _query(self, options):
        from gongkai.core.models import Site

        backend = self._backend(options["backend"])
        limit = _positive(options["limit"], "显示条数", 100)
        if options["sort"] not in ("relevance", "date"):
            raise CommandError("排序方式只能是 relevance（相关度）或 date（日期）。")
        site_ids = None
        if options["site"]:
            site = Site.objects.filter(slug=options["site"]).first()
            if site is None:
                raise CommandError(f"站点“{options['site']}”不存在。")
            site_ids = service.site_ids_for(site)
        if not options["text"].strip():
            raise CommandError("检索词不能为空。")
        query = SearchQuery(
            text=options["text"], site_ids=site_ids, sort=options["sort"], page_size=limit
        )
        results = service.search(query, backend.name)
        if results.corrected:
            self.stdout.write(f"没有完全匹配的结果，以下是“{results.corrected}”的结果。")
        self.stdout.write(f"{backend.name}：共 {results.total} 条")
        for hit in results.hits:
            if hit.partial and not any(h.partial for h in results.hits[: results.hits.index(hit)]):
                self.stdout.write("  —— 以下结果未包含全部检索词 ——")
            date = hit.published_at.date().isoformat() if hit.published_at else "-"
            self.stdout.write(f"  {hit.score:8.3f}  {date}  {hit.title}  {hit.url}")
        if results.suggestion:
            self.stdout.write(f"您是不是要找：{results.suggestion}")

    def _follow(self, options):
        from gongkai.search import outbox

        poll = _positive(options["poll"], "等待秒数", 3600)
        name = options["node"] or outbox.node_name()
        if options["once"]:
            count = outbox.apply_pending(name)
            self.stdout.write(f"节点 {name} 已应用 {count} 条检索变更。")
            return
        self.stdout.write(f"节点 {name} 开始跟随检索变更（Ctrl+C 结束）。")
        try:
            outbox.follow(name, poll=float(poll))
        except KeyboardInterrupt:
            self.stdout.write("已停止。")

    def _prune(self, options):
        from gongkai.search import outbox

        days = _positive(options["keep_days"], "保留天数", 3650)
        self.stdout.write(f"已删除 {outbox.prune_outbox(days)} 条检索变更。")

    def _bench(self, options):
        from gongkai.search.bench import run_search_bench

        records = _positive(options["records"], "文档数", MAX_BENCH_RECORDS)
        queries = _positive(options["queries"], "查询次数", 10_000)
        result = run_search_bench(records, queries=queries)
        out = settings.VAR_DIR / "bench" / "search.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
        tmp.replace(out)
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
        self.stdout.write(f"已写入 {out}")
