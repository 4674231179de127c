"""`gongkai oversight check [--site SLUG] [--only CODE ...]`: the inspection indicators the
platform measures itself (国办秘函〔2019〕19号), as the nightly job runs them.

Prints per site the projected score, the vetoes, deductions and warnings, and what is new or
resolved since the last run. Findings are results, not errors: the exit status is 0 when every
check ran, 1 when a check failed (its old findings are kept), and an unknown site or check
code is a Chinese message with a non-zero exit. Django's own `check` keeps its meaning."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from gongkai.core.models import Site
from gongkai.core.sites import site_for_command

from ...checks import (
    UnknownCheck,
    points_text,
    registered_checks,
    run_checks,
    select_checks,
    site_score,
)
from ...models import Finding, Severity

SHOWN = 20


class Command(BaseCommand):
    help = "监督考核：运行网站检查指标自动检查（check），列出检查项（list）。"
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, title="子命令")
        check = sub.add_parser("check", help="运行自动检查并更新发现的问题")
        check.add_argument("--site", help="站点标识，如 yingjiang；不指定则检查全部站点")
        check.add_argument(
            "--only", nargs="+", default=None, metavar="CODE", help="只运行这些检查项"
        )
        sub.add_parser("list", help="列出可用的检查项")

    def handle(self, *args, **options):
        self.verbosity = options.get("verbosity", 1)
        if options["action"] == "list":
            for check in registered_checks():
                self.stdout.write(f"{check.code}\t{check.indicator}\t{check.description}")
            return
        self.check_sites(options.get("site"), options.get("only"))

    def check_sites(self, slug: str | None, only: list[str] | None) -> None:
        try:
            select_checks(only)
        except UnknownCheck as exc:
            raise CommandError(str(exc)) from None
        if slug is not None:
            sites = [site_for_command(slug)]
        else:
            sites = list(Site.objects.order_by("id"))
            if not sites:
                raise CommandError("还没有任何站点，请先运行 gongkai demo 或在管理后台创建站点。")
        failures = 0
        for site in sites:
            result = run_checks(site, only)
            failures += len(result.failed)
            self.report(site, result)
        if failures:
            raise CommandError(f"{failures} 项检查运行出错，其原有问题保持不变（见上）。")

    def report(self, site, result) -> None:
        score = site_score(site)
        verdict = "" if score.passes else "（不合格）"
        self.stdout.write(
            f"{site.name}（{site.slug}）：预计得分 {points_text(score.score)} 分{verdict}；"
            f"单项否决 {score.vetoes} 项，扣分 {score.deductions} 项，预警 {score.warnings} 项；"
            f"本次新发现 {result.new} 项，已消除 {result.resolved} 项。"
        )
        open_findings = Finding.objects.filter(site=site, resolved_at__isnull=True)
        for severity, label in ((Severity.VETO, "单项否决"), (Severity.DEDUCTION, "扣分")):
            rows = list(open_findings.filter(severity=severity).order_by("check_code", "key"))
            for finding in rows[:SHOWN]:
                points = (
                    f"（−{finding.points.normalize():f}）" if severity == Severity.DEDUCTION else ""
                )
                self.stdout.write(f"  {label}：{finding.title}{points}")
            if len(rows) > SHOWN:
                self.stdout.write(f"  ……另有 {len(rows) - SHOWN} 项{label}")
        for warning in score.upcoming[:SHOWN]:
            when = f"（{warning.due_on:%Y-%m-%d}）" if warning.due_on else ""
            self.stdout.write(f"  预警：{warning.title}{when}")
        for outcome in result.failed:
            self.stderr.write(f"  检查项 {outcome.code} 出错：{outcome.error}")
        if self.verbosity >= 2:
            for outcome in result.outcomes:
                self.stdout.write(
                    f"  用时：{outcome.code} {outcome.seconds:.2f} 秒，发现 {outcome.seen} 项"
                )
