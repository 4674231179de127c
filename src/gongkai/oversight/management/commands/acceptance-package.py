"""`gongkai acceptance-package --site SLUG --year YYYY -o FILE.zip`: the 验收材料 package.

The archive is written to a temporary file beside FILE.zip and renamed into place only when it
is complete, so a failing part never leaves a half-written package."""

import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gongkai.core.permissions import SYSTEM
from gongkai.core.sites import site_for_command
from gongkai.oversight.acceptance import PackageFailed, build_acceptance_package, check_year


class Command(BaseCommand):
    help = (
        "导出验收材料：一个年度的标准目录及版本、工作方案落实情况等文件的 .zip 压缩包（含目录）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--site", required=True, help="站点标识，如 yingjiang")
        parser.add_argument("--year", required=True, help="年度，如 2025")
        parser.add_argument("-o", "--output", required=True, help="输出文件 FILE.zip")

    def handle(self, *args, **options):
        site = site_for_command(options["site"])
        try:
            year = check_year(options["year"])
        except PackageFailed as exc:
            raise CommandError(str(exc)) from None
        output = Path(options["output"])
        if output.suffix.lower() != ".zip":
            raise CommandError(f"输出文件应以 .zip 结尾：{output}")
        if not output.parent.is_dir():
            raise CommandError(f"输出目录不存在：{output.parent}")
        try:
            data = build_acceptance_package(site, year, SYSTEM)
        except PackageFailed as exc:
            raise CommandError(str(exc)) from None
        fd, temporary = tempfile.mkstemp(prefix=".验收材料-", suffix=".zip", dir=output.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(temporary, output)
        except OSError as exc:
            Path(temporary).unlink(missing_ok=True)
            raise CommandError(f"无法写入 {output}：{exc.strerror or exc}") from None
        self.stdout.write(
            f"已导出{site.name}{year}年度验收材料：{output}（{len(data) // 1024} KB）"
        )
