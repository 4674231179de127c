"""`gongkai guides import|export|lists`: service guides and the three lists from the console."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from gongkai.catalogue.models import ListType
from gongkai.core.permissions import SYSTEM, PermissionDenied
from gongkai.core.sites import site_for_command
from gongkai.guides.io import GuideFileError, export_guides, import_guides
from gongkai.guides.lists import import_list, list_figures, list_type_of

_site = site_for_command


class Command(BaseCommand):
    help = "办事指南：导入、导出（.xlsx），以及权责清单、公共服务事项、最多跑一次清单的导入。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, title="操作")
        imp = sub.add_parser("import", help="导入办事指南表（全部通过才保存）")
        imp.add_argument("file", help=".xlsx 文件")
        imp.add_argument("--site", required=True, help="站点标识，如 yingjiang")
        imp.add_argument("--dry-run", action="store_true", help="只检查并统计，不保存")
        imp.add_argument(
            "--publish",
            action="store_true",
            help="直接发布（仅限没有任何办事事项的站点首次迁移；否则导入为待审核草稿）",
        )
        exp = sub.add_parser("export", help="导出现行有效的办事指南 .xlsx")
        exp.add_argument("--site", required=True, help="站点标识")
        exp.add_argument("-o", "--output", required=True, help="输出文件 FILE.xlsx")
        lst = sub.add_parser("lists", help="导入一份清单（权责清单、公共服务事项、最多跑一次）")
        lst.add_argument("file", help=".xlsx 文件（公布的原表）")
        lst.add_argument("--site", required=True, help="站点标识")
        lst.add_argument(
            "--type",
            dest="list_type",
            help="清单类型：power/service/once 或 权责清单/公共服务事项/最多跑一次；不填从标题识别",
        )
        lst.add_argument("--dry-run", action="store_true", help="只检查并统计，不保存")

    def handle(self, *args, **options):
        action = options["action"]
        try:
            if action == "import":
                self._import(options)
            elif action == "export":
                self._export(options)
            else:
                self._lists(options)
        except GuideFileError as exc:
            raise CommandError(str(exc)) from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        except DatabaseError as exc:
            raise CommandError(f"写入数据库失败，未保存任何内容：{exc}") from exc

    def _import(self, options):
        site = _site(options["site"])
        summary = import_guides(
            Path(options["file"]),
            site,
            actor=SYSTEM,
            dry_run=options["dry_run"],
            publish=options["publish"],
        )
        self.stdout.write(self.style.SUCCESS(summary.line()))

    def _export(self, options):
        site = _site(options["site"])
        out = Path(options["output"])
        if out.suffix.lower() != ".xlsx":
            raise CommandError("导出文件名须以 .xlsx 结尾。")
        if not out.parent.exists():
            raise CommandError(f"目录不存在：{out.parent}")
        try:
            out.write_bytes(export_guides(site))
        except OSError as exc:
            raise CommandError(f"无法写入 {out}：{exc.strerror or exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"已导出：{out}"))

    def _lists(self, options):
        site = _site(options["site"])
        list_type = None
        if options.get("list_type"):
            list_type = list_type_of(options["list_type"])
            if list_type is None:
                known = "、".join(f"{v}（{label}）" for v, label in ListType.choices)
                raise CommandError(f"清单类型“{options['list_type']}”无法识别，可填：{known}")
        summary = import_list(
            Path(options["file"]),
            site,
            actor=SYSTEM,
            list_type=list_type,
            dry_run=options["dry_run"],
        )
        self.stdout.write(self.style.SUCCESS(summary.line()))
        figures = list_figures(site)
        self.stdout.write(
            f"标准目录事项中涉及权责清单和公共服务事项清单 {figures.power_or_service} 项、"
            f"列入“最多跑一次”事项清单 {figures.most_once} 项。"
        )
