"""`gongkai jobs list | run-due | run NAME | scheduler [--tick S]`: the periodic jobs the apps
register (core.jobs). `gongkai run` starts the scheduler; in production it runs as its own
service, or a timer/cron calls `run-due` every minute (deploy/)."""

import os
import signal
import threading

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils import timezone

from gongkai.core import jobs


class Command(BaseCommand):
    help = "定时任务：list 列出；run-due 运行到期任务；run 立即运行某任务；scheduler 常驻调度。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(
            dest="action", title="子命令", metavar="{list,run-due,run,scheduler}"
        )
        sub.add_parser("list", help="列出定时任务、下次运行时间与上次结果")
        sub.add_parser("run-due", help="运行所有到期的任务（供 cron / systemd timer 每分钟调用）")
        run = sub.add_parser("run", help="立即运行一个任务")
        run.add_argument("name", help="任务名，见 gongkai jobs list")
        scheduler = sub.add_parser("scheduler", help="常驻进程：每隔 --tick 秒运行到期任务")
        scheduler.add_argument(
            "--tick",
            type=float,
            default=float(os.environ.get("GONGKAI_JOBS_TICK", "30")),
            help="检查间隔（秒），默认 30（环境变量 GONGKAI_JOBS_TICK）",
        )

    def handle(self, *args, action=None, **options):
        if action is None:
            raise CommandError("请指定子命令：list、run-due、run 或 scheduler。")
        try:
            if action == "list":
                self.show()
            elif action == "run-due":
                self.report_all(jobs.run_due())
            elif action == "run":
                if options["name"] not in jobs.JOBS:
                    known = "、".join(sorted(jobs.JOBS)) or "无"
                    raise CommandError(f"没有名为“{options['name']}”的定时任务（现有：{known}）。")
                outcome = jobs.run_now(options["name"])
                self.report(outcome)
                if not outcome.ok:
                    raise CommandError(f"任务 {outcome.name} 运行失败。")
            else:
                self.scheduler(options["tick"])
        except DatabaseError as exc:
            raise CommandError(
                f"无法读写定时任务表（{exc.__class__.__name__}）：请先运行 gongkai migrate。"
            ) from None

    def show(self) -> None:
        from gongkai.core.models import JobRun

        rows = {row.name: row for row in JobRun.objects.all()}
        for name, job in sorted(jobs.JOBS.items()):
            row = rows.get(name)
            if row is None:
                state = "尚未运行"
            else:
                due = timezone.localtime(row.next_due_at).strftime("%Y-%m-%d %H:%M")
                last = "成功" if row.last_ok else ("失败" if row.last_ok is False else "运行中")
                state = f"下次 {due}，已运行 {row.runs} 次，上次{last}"
            self.stdout.write(f"{name:<22} {job.schedule_text():<10} {job.description}；{state}")

    def report(self, outcome: jobs.Outcome) -> None:
        stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")
        if outcome.ok:
            self.stdout.write(f"{stamp} {outcome.name} 完成 {outcome.result}".rstrip())
        else:
            self.stderr.write(f"{stamp} {outcome.name} 失败：{outcome.result}")

    def report_all(self, outcomes: list[jobs.Outcome]) -> None:
        for outcome in outcomes:
            self.report(outcome)
        if any(not o.ok for o in outcomes):
            raise CommandError("有定时任务运行失败，见上。")

    def scheduler(self, tick: float) -> None:
        if tick <= 0:
            raise CommandError("--tick 应为正数（秒）。")
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        self.stdout.write(f"定时任务调度已启动（每 {tick:g} 秒检查，{len(jobs.JOBS)} 个任务）。")
        self.stdout.flush()
        jobs.scheduler_loop(tick, stop, self.report)
        self.stdout.write("定时任务调度已停止。")
