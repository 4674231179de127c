"""`gongkai backup -o FILE`: the whole site (rows, media, manifest) in one ZIP (docs/backup.md)."""

from django.core.management.base import BaseCommand, CommandError

from gongkai.core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = "备份：把全部数据、媒体文件和清单写入一个 ZIP 文件（gongkai backup -o 文件）。"

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, help="备份文件路径（.zip）")

    def handle(self, *args, **options):
        try:
            manifest = create_backup(options["output"])
        except (BackupError, OSError) as exc:
            raise CommandError(f"备份失败：{exc}") from exc
        rows = sum(manifest["models"].values())
        self.stdout.write(
            f"已写入 {options['output']}：{len(manifest['models'])} 个数据表共 {rows} 行，"
            f"媒体文件 {len(manifest['media'])} 个。"
        )
