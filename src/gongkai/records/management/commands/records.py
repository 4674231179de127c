"""`gongkai records publish-due | remind | slots [year]`."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from gongkai.core.models import Site


class Command(BaseCommand):
    help = "信息发布：publish-due 发布到期的定时信息；remind 发送公开期限提醒；slots 生成定期公开期次。"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["publish-due", "remind", "slots"])
        parser.add_argument("year", nargs="?", type=int, help="slots 的年份，默认今年")

    def handle(self, *args, action: str, year: int | None = None, **options):
        if action == "publish-due":
            from gongkai.core.permissions import SYSTEM
            from gongkai.records.workflow import publish_due

            published = publish_due(actor=SYSTEM)
            for record in published:
                self.stdout.write(f"  已发布 {record.index_number} {record.title}")
            self.stdout.write(self.style.SUCCESS(f"定时发布完成：{len(published)} 条。"))
        elif action == "remind":
            from gongkai.records.notify import remind

            sent = remind()
            self.stdout.write(self.style.SUCCESS(f"已发送公开期限提醒 {sent} 封。"))
        else:
            from gongkai.core.permissions import SYSTEM
            from gongkai.records.deadlines import ensure_slots

            year = year or timezone.localdate().year
            if not 2000 <= year <= 2100:
                raise CommandError("年份应在 2000 到 2100 之间。")
            total = sum(ensure_slots(site, year, actor=SYSTEM) for site in Site.objects.all())
            self.stdout.write(self.style.SUCCESS(f"已生成 {year} 年应公开期次 {total} 个。"))
