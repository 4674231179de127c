"""`gongkai bench [NAME …]`: run registered benchmarks (a command, not a test)."""

import importlib

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from gongkai.core.bench import BENCHMARKS, BenchOptions, machine_facts, write_json


def _load_benchmarks() -> None:
    """Each app may define a `bench` module that registers its benchmarks on import."""
    for config in apps.get_app_configs():
        if config.name.startswith("gongkai."):
            try:
                importlib.import_module(f"{config.name}.bench")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.bench":
                    raise


class Command(BaseCommand):
    help = "性能基准：gongkai bench [名称 …]，不带名称时运行 site（全站：检索、页面吞吐、内存）。"

    def add_arguments(self, parser):
        parser.add_argument("names", nargs="*", help="要运行的基准；--list 查看全部")
        parser.add_argument("--list", action="store_true", help="列出可用的基准")
        parser.add_argument(
            "--records",
            type=int,
            default=None,
            help="合成政府信息条数（默认 200000；province 为每个站点的条数，默认 10000）",
        )
        # issue 16 (province): how many child sites the province bench builds
        parser.add_argument(
            "--sites", type=int, default=None, help="province：县级站点数（默认 100）"
        )
        parser.add_argument("--queries", type=int, default=200, help="检索查询次数（默认 200）")
        parser.add_argument("--seconds", type=int, default=10, help="每项压测持续秒数（默认 10）")
        parser.add_argument("--no-progress", action="store_true")
        parser.add_argument(
            "--reuse",
            action="store_true",
            help="沿用上次为同样条数建立的基准数据库（pages），便于改动前后对比",
        )

    def handle(self, *args, **options):
        _load_benchmarks()
        if options["list"]:
            for name, (description, _func) in sorted(BENCHMARKS.items()):
                self.stdout.write(f"{name:<12} {description}")
            return
        names = options["names"] or ["site"]
        unknown = [n for n in names if n not in BENCHMARKS]
        if unknown:
            raise CommandError(
                f"未知的基准：{'、'.join(unknown)}。可用：{'、'.join(sorted(BENCHMARKS))}"
            )
        given = {k: options[k] for k in ("records", "sites") if options[k] is not None}
        if any(v < 1 for v in given.values()) or options["queries"] < 1 or options["seconds"] < 1:
            raise CommandError("--records、--sites、--queries、--seconds 必须为正整数")
        bench_options = BenchOptions(
            records=options["records"] or 200_000,
            queries=options["queries"],
            seconds=options["seconds"],
            progress=not options["no_progress"],
            extra={"reuse": options["reuse"], "given": given},
        )
        for name in names:
            description, func = BENCHMARKS[name]
            self.stdout.write(self.style.MIGRATE_HEADING(f"== {name}: {description}"))
            try:
                results = func(bench_options, lambda line: self.stdout.write(line))
            except (RuntimeError, OSError) as exc:
                raise CommandError(f"基准 {name} 未能完成：{exc}") from exc
            results = {**results, "machine": machine_facts()}
            path = write_json("latest" if name == "site" else name, results)
            self.stdout.write(self.style.SUCCESS(f"结果已写入 {path}"))
