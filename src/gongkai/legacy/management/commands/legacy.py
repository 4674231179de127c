"""`gongkai legacy import|report`: bring a saved old site in, and compare its columns before
and after."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from gongkai.catalogue.models import CatalogueItem
from gongkai.core.models import Organisation
from gongkai.core.permissions import SYSTEM
from gongkai.core.sites import site_for_command
from gongkai.legacy.importer import import_source
from gongkai.legacy.reports import column_report
from gongkai.legacy.sources import SourceError


class Command(BaseCommand):
    help = "旧站迁移：导入保存的旧网站页面（文件夹、WARC 或 zip），查看按栏目的迁移对照。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, title="操作")
        imp = sub.add_parser(
            "import",
            help="导入旧站页面（可重复运行：已导入的页面跳过，失败的页面重试）",
            description="附件和图片只从保存的文件中读取，从不联网下载。",
        )
        imp.add_argument("source", help="保存网页的文件夹、.warc/.warc.gz 文件或 .zip 压缩包")
        imp.add_argument("--site", required=True, help="站点标识，如 yingjiang")
        imp.add_argument(
            "--org",
            metavar="CODE",
            help="归类未能确定发布机构时使用的机构：机构代码（后台“机构”中的机构代码）或机构全称",
        )
        imp.add_argument(
            "--catalogue",
            metavar="ITEM",
            help="归类未能确定公开事项时使用的末级事项：事项编号（目录页地址 /catalogue/item/编号/ "
            "中的数字）或事项全称",
        )
        imp.add_argument(
            "--dry-run", action="store_true", help="只试运行并写出报告，不保存任何内容和文件"
        )
        imp.add_argument(
            "--publish",
            action="store_true",
            help="直接发布归类可信度足够、公开事项和发布机构都已确定的页面（其余等待人工确认）",
        )
        imp.add_argument("--report", metavar="FILE", help="CSV 报告文件（默认写在 var/legacy/ 下）")
        imp.add_argument("--no-progress", action="store_true", help="不显示进度条")
        rep = sub.add_parser("report", help="按原栏目对照迁移前后的页面数")
        rep.add_argument("--site", required=True, help="站点标识")

    def handle(self, *args, **options):
        if options["action"] == "import":
            return self._import(options)
        return self._report(options)

    def _import(self, options):
        site = site_for_command(options["site"])
        organisation = _organisation(site, options.get("org"))
        item = _leaf(site, options.get("catalogue"))
        report = options.get("report")
        if report and not Path(report).parent.exists():
            raise CommandError(f"报告文件所在目录不存在：{Path(report).parent}")
        try:
            run = import_source(
                options["source"],
                site,
                organisation=organisation,
                catalogue_item=item,
                dry_run=options["dry_run"],
                publish=options["publish"],
                actor=SYSTEM,
                report_path=report,
                progress=not options["no_progress"],
            )
        except SourceError as exc:
            raise CommandError(str(exc)) from exc
        except DatabaseError as exc:
            raise CommandError(
                f"写入数据库失败：{exc}（已完成的页面已保存，可重新运行继续）"
            ) from exc
        except OSError as exc:
            raise CommandError(f"无法写入报告：{exc.strerror or exc}") from exc
        prefix = "试运行（未保存）：" if options["dry_run"] else ""
        published = run.options.get("published", 0)
        self.stdout.write(
            self.style.SUCCESS(
                f"{prefix}页面 {run.pages_seen}，导入 {run.imported}，重复跳过 {run.duplicates}，"
                f"失败 {run.failed}，栏目页 {run.options.get('listings', 0)}，"
                f"此前已处理 {run.already_done}，已发布 {published}"
            )
        )
        self.stdout.write(f"报告：{run.report_path}")

    def _report(self, options):
        site = site_for_command(options["site"])
        rows = column_report(site)
        if not rows:
            self.stdout.write(f"站点“{site.name}”还没有导入过旧站页面。")
            return
        header = ("原栏目", "迁移前", "已导入", "重复", "失败", "已发布", "待确认", "缺失")
        self.stdout.write("\t".join(header))
        for row in rows:
            self.stdout.write(
                "\t".join(
                    str(v)
                    for v in (
                        row.column_name or "（无栏目）",
                        row.pages_before,
                        row.imported,
                        row.duplicates,
                        row.failed,
                        row.published,
                        row.pending,
                        row.missing,
                    )
                )
            )


def _organisation(site, given: str | None):
    if not given:
        return None
    found = Organisation.objects.filter(site=site, code=given).first() or (
        Organisation.objects.filter(site=site, name=given).first()
    )
    if found is None:
        raise CommandError(f"站点“{site.name}”没有机构代码或名称为“{given}”的机构。")
    return found


def _leaf(site, given: str | None):
    if not given:
        return None
    leaves = CatalogueItem.objects.filter(site=site, numchild=0, is_retired=False)
    if given.isdigit():
        found = leaves.filter(pk=int(given)).first()
    else:
        matches = list(leaves.filter(name=given)[:2])
        if len(matches) > 1:
            raise CommandError(f"站点“{site.name}”有多个名为“{given}”的末级事项，请改用事项编号。")
        found = matches[0] if matches else None
    if found is None:
        raise CommandError(f"站点“{site.name}”没有编号或名称为“{given}”的末级公开事项。")
    return found
