"""`gongkai run`: the web server, the background worker and the job scheduler together, for one
machine. In production each runs as its own service (deploy/)."""

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
        parser.add_argument(
            "--no-scheduler",
            action="store_true",
            help="不启动定时任务调度（定时发布、期限提醒、保存期限处理），例如已由 cron 调用 gongkai jobs run-due",
        )

    def handle(self, *args, **options):
        bind = f"{options['host']}:{options['port']}"
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "gongkai.settings"}
        # Every start is a release for page ETags, shared by all web workers.
        env.setdefault("GONGKAI_RELEASE", f"{settings.RELEASE}-{int(time.time())}")
        processes: list[tuple[str, subprocess.Popen]] = []
        try:
            for label, argv in self.commands(options, bind):
                processes.append((label, subprocess.Popen(argv, env=env)))  # noqa: S603 - fixed argv
        except OSError as exc:
            for _label, proc in processes:
                proc.terminate()
            raise CommandError(f"无法启动{label}：{exc}") from exc
        self._announce(bind)
        stop = False

        def _stop(signum, frame):
            nonlocal stop
            stop = True

        signal.signal(signal.SIGINT, _stop)
        signal.signal(signal.SIGTERM, _stop)
        exit_code = 0
        while not stop:
            for label, proc in processes:
                if proc.poll() is not None:
                    self.stderr.write(f"{label}已退出（{proc.returncode}），平台停止。")
                    exit_code = proc.returncode or 1
                    stop = True
            time.sleep(0.5)
        for _label, proc in processes:
            if proc.poll() is None:
                proc.terminate()
        for _label, proc in processes:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        if exit_code:
            raise CommandError("平台异常退出。")

    @staticmethod
    def commands(options: dict, bind: str) -> list[tuple[str, list[str]]]:
        """(label, argv) of each process to start: the task worker, the job scheduler, the web."""
        gongkai = [sys.executable, "-m", "gongkai.cli"]
        commands = []
        if not options["no_worker"]:
            commands.append(("后台任务进程", [*gongkai, "db_worker", "--interval", "1"]))
        if not options["no_scheduler"]:
            commands.append(("定时任务调度", [*gongkai, "jobs", "scheduler"]))
        commands.append(
            (
                "Web 服务",
                [
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
                ],
            )
        )
        return commands

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
