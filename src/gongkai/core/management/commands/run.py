"""`gongkai run`: the web server and the background worker together, for one machine."""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "启动平台：Web 服务（gunicorn）与后台任务进程。"

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("GONGKAI_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("GONGKAI_PORT", "8000")))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("GONGKAI_WEB_WORKERS", "2"))
        )
        parser.add_argument("--no-worker", action="store_true", help="不启动后台任务进程")

    def handle(self, *args, **options):
        bind = f"{options['host']}:{options['port']}"
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "gongkai.settings"}
        # Every start is a release for page ETags, shared by all web workers.
        env.setdefault("GONGKAI_RELEASE", f"{settings.RELEASE}-{int(time.time())}")
        processes: list[subprocess.Popen] = []
        if not options["no_worker"]:
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "gongkai.cli", "db_worker", "--interval", "1"], env=env
                )
            )
        gunicorn_cmd = [
            sys.executable,
            "-m",
            "gunicorn",
            "gongkai.wsgi:application",
            "--bind",
            bind,
            "--workers",
            str(options["workers"]),
            "--access-logfile",
            "-",
            "--graceful-timeout",
            "10",
        ]
        try:
            processes.append(subprocess.Popen(gunicorn_cmd, env=env))  # noqa: S603 - fixed argv
        except OSError as exc:
            raise CommandError(f"无法启动 Web 服务：{exc}") from exc
        self._announce(bind)
        stop = False

        def _stop(signum, frame):
            nonlocal stop
            stop = True

        signal.signal(signal.SIGINT, _stop)
        signal.signal(signal.SIGTERM, _stop)
        exit_code = 0
        while not stop:
            for proc in processes:
                if proc.poll() is not None:
                    self.stderr.write(
                        f"子进程 {proc.args[3] if len(proc.args) > 3 else proc.args} 已退出（{proc.returncode}），平台停止。"
                    )
                    exit_code = proc.returncode or 1
                    stop = True
            time.sleep(0.5)
        for proc in processes:
            if proc.poll() is None:
                proc.terminate()
        for proc in processes:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        if exit_code:
            raise CommandError("平台异常退出。")

    def _announce(self, bind: str) -> None:
        self.stdout.write(
            self.style.SUCCESS(
                f"gongkai 已启动：http://{bind}/  （工作台 http://{bind}/staff/ ，按 Ctrl+C 停止）"
            )
        )
        if settings.DEMO:
            from gongkai.core.demo import DEMO_PASSWORD, STAFF, USER_PREFIX

            self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：admin（系统管理员）")
            for slug, prefix in USER_PREFIX.items():
                names = "、".join(
                    f"{prefix}_{suffix}（{name}）" for suffix, name, _org, _role in STAFF
                )
                self.stdout.write(f"  {slug}: {names}")
