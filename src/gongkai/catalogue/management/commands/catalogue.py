"""`gongkai catalogue import|export|versions|publish`: the standard catalogue from the console."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from gongkai.catalogue.io.errors import CatalogueFileError
from gongkai.catalogue.io.exporter import export_xlsx
from gongkai.catalogue.io.importer import import_catalogue
from gongkai.catalogue.models import Domain
from gongkai.core.permissions import SYSTEM
from gongkai.core.sites import site_for_command

_site = site_for_command


class Command(BaseCommand):
    help = "标准目录：导入（.xlsx/.docx，国家标准目录格式）与导出（.xlsx）。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, title="操作")
        imp = sub.add_parser("import", help="导入标准目录文件（全部成功才保存）")
        imp.add_argument("file", help=".xlsx 或 .docx 文件")
        imp.add_argument("--site", required=True, help="站点标识，如 yingjiang")
        imp.add_argument("--domain", help="公开领域名称；不指定时从文件标题识别")
        imp.add_argument("--dry-run", action="store_true", help="只检查并统计，不保存")
        imp.add_argument("--local", action="store_true", help="作为本地事项导入（不锁定）")
        imp.add_argument("--reason", default="", help="调整原因（写入调整记录）")
        imp.add_argument(
            "--retire",
            action="store_true",
            help="确认停用文件删去但下有政府信息的事项（保留事项和信息，不再新增）",
        )
        exp = sub.add_parser("export", help="按国家标准目录格式导出 .xlsx")
        exp.add_argument("--site", required=True, help="站点标识")
        exp.add_argument("--domain", help="只导出一个公开领域")
        exp.add_argument("-o", "--output", required=True, help="输出文件 FILE.xlsx")

    def handle(self, *args, **options):
        if options["action"] == "import":
            return self._import(options)
        return self._export(options)

    def _import(self, options):
        site = _site(options["site"])
        path = Path(options["file"])
        try:
            summary = import_catalogue(
                path,
                site,
                domain=options.get("domain"),
                dry_run=options["dry_run"],
                official=not options["local"],
                reason=options["reason"],
                actor=SYSTEM,
                retire=options["retire"],
            )
        except CatalogueFileError as exc:
            raise CommandError(str(exc)) from exc
        except DatabaseError as exc:
            raise CommandError(f"写入数据库失败，未保存任何内容：{exc}") from exc
        for warning in summary.warnings:
            self.stdout.write(self.style.WARNING(f"提示：{warning}"))
        if summary.new_channels:
            self.stdout.write(f"新增本地公开渠道：{'、'.join(summary.new_channels)}")
        for row in summary.removed:
            label = "停用" if row["action"] == "retire" else "删除"
            self.stdout.write(f"{label}：{row['domain']}：{' › '.join(row['names'])}")
        self.stdout.write(self.style.SUCCESS(summary.line()))

    def _export(self, options):
        site = _site(options["site"])
        domain = None
        if options.get("domain"):
            domain = Domain.objects.filter(site=site, name=options["domain"]).first()
            if domain is None:
                raise CommandError(f"站点“{site.name}”没有“{options['domain']}”领域。")
        out = Path(options["output"])
        if out.suffix.lower() != ".xlsx":
            raise CommandError("导出文件名须以 .xlsx 结尾。")
        if not out.parent.exists():
            raise CommandError(f"目录不存在：{out.parent}")
        try:
            export_xlsx(site, out, domain)
        except OSError as exc:
            raise CommandError(f"无法写入 {out}：{exc.strerror or exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"已导出：{out}"))
