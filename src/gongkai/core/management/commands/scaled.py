"""`gongkai scaled start|stop|status`: the scaled-out layout on this machine (core/scaled.py)."""

import sys

from django.core.management.base import BaseCommand

from gongkai.core import scaled


class Command(BaseCommand):
    help = (
        "横向扩展演示：在 var/scaled/ 下启动 PostgreSQL 主库与流复制副本、Redis、两个 gunicorn、"
        "两个 rq 工作进程与 nginx（start），查看（status）或停止（stop）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["start", "stop", "status"])
        parser.add_argument(
            "--base-port", type=int, default=8480, help="nginx 端口；其余进程依次用后续端口"
        )
        parser.add_argument("--no-demo", action="store_true", help="不载入演示数据")
        parser.add_argument(
            "--demo-only", default="", help="只载入这些演示数据（同 gongkai demo --only）"
        )

    def handle(self, *args, action, base_port, no_demo, demo_only, **options):
        say = self.stdout.write
        try:
            if action == "start":
                url = scaled.start(
                    scaled.Ports.from_base(base_port), say=say, demo=not no_demo,
                    demo_only=demo_only,
                )  # fmt: skip
                for name, pid, _alive in scaled.status():
                    say(f"  {name:<12} pid {pid}")
                say(self.style.SUCCESS(f"横向扩展环境已启动：{url}/ （停止：gongkai scaled stop）"))
            elif action == "stop":
                if not scaled.stop(say=say):
                    say("没有正在运行的横向扩展进程。")
            else:
                rows = scaled.status()
                if not rows:
                    say("横向扩展环境未运行。")
                for name, pid, alive in rows:
                    say(f"{name:<12} pid {pid or '-':<8} {'运行中' if alive else '已退出'}")
                if rows and not all(alive for *_rest, alive in rows):
                    sys.exit(1)
        except scaled.ScaledError as exc:
            self.stderr.write(f"错误：{exc}")
            sys.exit(exc.code)
