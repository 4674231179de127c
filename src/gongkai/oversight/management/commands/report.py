"""`gongkai report annual --site SLUG --year YYYY [--org CODE] -o FILE.docx|FILE.pdf`

The annual report (《政府信息公开条例》第四十九条、第五十条) in the national layout: without
--org the people's government's report of the site (all its organs), with --org one organ's.
If staff have begun the report on the platform, its sections, entered figures and overrides —
or, once final, its frozen numbers — are used; otherwise the computed tables with the
generated section 一. Bad input: a Chinese message, a non-zero exit, and no file written."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from gongkai.core.models import Organisation, Site
from gongkai.core.pdf import PdfUnavailable

from ... import annual
from ...models import AnnualReportDraft

SUFFIXES = (".docx", ".pdf")


def report_for(site_slug: str, year, code: str | None) -> annual.ReportView:
    site = Site.objects.filter(slug=site_slug).first()
    if site is None:
        slugs = "、".join(Site.objects.order_by("slug").values_list("slug", flat=True))
        raise CommandError(f"没有标识为“{site_slug}”的站点（现有：{slugs or '无'}）。")
    if code:
        organisation = Organisation.objects.filter(site=site, code=code).first()
        if organisation is None:
            raise CommandError(f"站点“{site.name}”没有代码为“{code}”的机构。")
    else:
        organisation = annual.government_of(site)
        if organisation is None:
            raise CommandError(f"站点“{site.name}”没有人民政府机构，请用 --org 指定报告机关。")
    try:
        annual.check_organisation(organisation)
        year = annual.check_year(year)
    except annual.AnnualReportError as exc:
        raise CommandError(str(exc)) from None
    draft = AnnualReportDraft.objects.filter(organisation=organisation, year=year).first()
    if draft is None:  # not begun on the platform: the computed report, not stored
        computed = annual.compute(organisation, year)
        draft = AnnualReportDraft(
            site=site,
            organisation=organisation,
            year=year,
            section_one=annual.generated_overview(organisation, year, computed),
        )
        return annual.report_view(draft, computed)
    return annual.report_view(draft)


class Command(BaseCommand):
    help = "报告：annual 生成政府信息公开工作年度报告（.docx 或 .pdf，全国统一格式）。"
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", title="子命令", metavar="{annual}")
        sub.required = True
        cmd = sub.add_parser("annual", help="政府信息公开工作年度报告")
        cmd.add_argument("--site", required=True, help="站点标识，如 yingjiang")
        cmd.add_argument("--year", required=True, help="报告年度，如 2025")
        cmd.add_argument("--org", help="机构代码；不指定时为本级人民政府的报告（汇总全部机关）")
        cmd.add_argument("-o", "--output", required=True, help="输出文件：.docx 或 .pdf")

    def handle(self, *args, **options):
        output = Path(options["output"])
        suffix = output.suffix.lower()
        if suffix not in SUFFIXES:
            raise CommandError(f"输出文件“{output}”应以 .docx 或 .pdf 结尾。")
        if not output.parent.is_dir():
            raise CommandError(f"输出目录“{output.parent}”不存在。")
        try:
            view = report_for(options["site"], options["year"], options["org"])
        except DatabaseError:
            raise CommandError("数据库尚未建立或无法读取，请先运行 gongkai migrate。") from None
        try:
            data = annual.docx_bytes(view) if suffix == ".docx" else annual.pdf_bytes(view)
        except PdfUnavailable as exc:
            raise CommandError(f"无法生成 PDF：{exc}") from None
        # written whole or not at all
        fd, tmp = tempfile.mkstemp(dir=output.parent, prefix=".report-", suffix=suffix)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, output)
        failing = view.check_failures
        self.stdout.write(f"已写入 {output}（{view.draft.title}，{len(data)} 字节）")
        if failing:
            self.stderr.write(f"注意：表三勾稽关系在以下各列不成立：{'、'.join(failing)}。")
        if view.missing_entries:
            self.stderr.write(f"注意：尚待填报：{'、'.join(view.missing_entries)}。")
