from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from gongkai.core.demo import DEMO_PASSWORD, demo_loader_names, load_app_demos, load_demo
from gongkai.core.workcalendar import seed_from_package


class Command(BaseCommand):
    help = "载入演示站点（迎江区、瓯海区、示范市）、标准目录、政府信息、依申请公开案例与演示账号；可重复运行。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--only",
            default="",
            help="只载入这些应用的演示数据（逗号分隔，如 catalogue,records）；站点与账号总会载入",
        )

    def handle(self, *args, only="", **options):
        if not settings.DEMO:
            # The demo creates `admin` (superuser) and staff with one published password.
            raise CommandError(
                "演示数据会创建公开密码的管理员账号，只能在演示环境中载入。"
                "如确需载入，请设置环境变量 GONGKAI_DEMO=1（make run 已设置）；"
                "生产环境请勿设置。"
            )
        chosen = [name.strip() for name in only.split(",") if name.strip()] or None
        unknown = sorted(set(chosen or []) - set(demo_loader_names()))
        if unknown:
            raise CommandError(
                f"没有这些演示数据：{'、'.join(unknown)}。可选：{'、'.join(demo_loader_names())}"
            )
        seed_from_package()
        logins = load_demo()
        lines = load_app_demos(chosen)  # each app's demo data, registered in its AppConfig.ready()
        self.stdout.write(
            self.style.SUCCESS(f"演示数据已就绪。演示账号（密码均为 {DEMO_PASSWORD}）：")
        )
        for login in logins:
            self.stdout.write(f"  {login.username:<14} {login.role:<8} {login.organisation}")
        for line in lines:
            self.stdout.write(line)
