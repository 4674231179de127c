"""`gongkai legacy import|report` as an admin runs it: the real console command in its own
process and database. It prints the counts and the report's path; bad input (no such site,
a missing source, a broken zip, an unknown organisation or leaf) exits non-zero with a
Chinese message and no traceback, and leaves nothing behind."""

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.legacy.oldpages import old_site

GONGKAI = Path(sys.executable).parent / "gongkai"


@pytest.fixture(scope="module")
def console(tmp_path_factory):
    """A migrated database of its own with one site, and a way to run the command on it."""
    var = tmp_path_factory.mktemp("var")
    env = {**os.environ, "GONGKAI_VAR_DIR": str(var)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("GONGKAI_DATABASE_URL", None)

    def run(*args, timeout=300):
        return subprocess.run(
            [str(GONGKAI), *args], env=env, capture_output=True, text=True, timeout=timeout
        )

    assert run("migrate", "-v0", timeout=900).returncode == 0
    made = run(
        "shell",
        "-c",
        "from gongkai.core.models import Site; Site.objects.create(slug='oldtown', name='旧城区人民政府')",
    )
    assert made.returncode == 0, made.stderr
    run.var = var
    return run


def chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_import_prints_the_counts_and_the_report_and_a_rerun_adds_nothing(console, tmp_path):
    source = old_site(tmp_path / "saved")
    dry = console(
        "legacy", "import", str(source), "--site", "oldtown", "--dry-run", "--no-progress"
    )
    assert dry.returncode == 0, dry.stderr
    assert "试运行" in dry.stdout and "导入 2" in dry.stdout

    report = tmp_path / "report.csv"
    done = console("legacy", "import", str(source), "--site", "oldtown", "--report", str(report))
    assert done.returncode == 0, done.stderr
    for part in ("页面 4", "导入 2", "重复跳过 1", "失败 1", f"报告：{report}"):
        assert part in done.stdout
    assert "导入旧站页面" in done.stderr  # the progress bar, on stderr
    with open(report, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert sorted(row["结果"] for row in rows) == ["失败", "已导入", "已导入", "重复跳过"]

    again = console("legacy", "import", str(source), "--site", "oldtown", "--no-progress")
    assert again.returncode == 0
    assert "导入 0" in again.stdout and "此前已处理 3" in again.stdout
    default_report = Path(again.stdout.split("报告：", 1)[1].strip())
    assert default_report.parent == console.var / "legacy" and default_report.exists()

    columns = console("legacy", "report", "--site", "oldtown")
    assert columns.returncode == 0
    lines = columns.stdout.strip().splitlines()
    assert lines[0].split("\t")[:3] == ["原栏目", "迁移前", "已导入"]
    notices = next(line.split("\t") for line in lines if line.startswith("通知公告"))
    # the two articles and the copy of the first (counted in its original's column)
    assert notices[1:4] == ["3", "2", "1"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--site", "nowhere"], "找不到站点“nowhere”"),
        (["--site", "oldtown", "--source-missing"], "来源不存在"),
        (["--site", "oldtown", "--bad-zip"], "不是有效的 zip 文件"),
        (["--site", "oldtown", "--org", "NO-SUCH"], "没有机构代码或名称为“NO-SUCH”的机构"),
        (["--site", "oldtown", "--catalogue", "99999"], "没有编号或名称为“99999”的末级公开事项"),
    ],
)
def test_bad_input_exits_non_zero_in_chinese_without_a_traceback(console, tmp_path, args, message):
    source = old_site(tmp_path / "saved")
    if "--source-missing" in args:
        args.remove("--source-missing")
        source = tmp_path / "not-there"
    if "--bad-zip" in args:
        args.remove("--bad-zip")
        source = tmp_path / "crawl.zip"
        source.write_bytes(b"PK\x03\x04 this zip was cut short")
    report = tmp_path / "r.csv"
    done = console("legacy", "import", str(source), *args, "--report", str(report), "--no-progress")
    assert done.returncode != 0
    assert message in done.stderr and chinese(done.stderr)
    assert "Traceback" not in done.stderr
    assert not report.exists()
