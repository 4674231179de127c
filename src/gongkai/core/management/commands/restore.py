"""`gongkai restore FILE [--force]`: load a `gongkai backup` file into this instance."""

from django.core.management.base import BaseCommand, CommandError

from gongkai.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "恢复：把 gongkai backup 生成的文件恢复到本实例（目标须为空，或加 --force 覆盖）。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="备份文件路径")
        parser.add_argument(
            "--force", action="store_true", help="目标已有数据时仍然恢复（先清空全部数据）"
        )

    def handle(self, *args, **options):
        say = self.stdout.write if options["verbosity"] > 1 else None
        try:
            result = restore_backup(options["file"], force=options["force"], say=say)
        except (BackupError, OSError) as exc:
            raise CommandError(f"恢复失败：{exc}") from exc
        rows = sum(result["models"].values())
        self.stdout.write(f"已恢复 {rows} 行数据、{result['media']} 个媒体文件，检索索引已重建。")
