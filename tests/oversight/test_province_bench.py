"""`gongkai bench province` at a tiny size, through the project's own command (the one installed
beside the running interpreter): it builds its province in a fresh database, prints the table
with every measured row, and writes var/bench/province.json; bad sizes get a Chinese message."""

import json
import os
import subprocess
import sys
from pathlib import Path

GONGKAI = Path(sys.executable).parent / "gongkai"


def _env(tmp_path) -> dict:
    # SQLite in the test's own folder in both CI passes: the bench makes its own database
    return {
        **os.environ,
        "GONGKAI_VAR_DIR": str(tmp_path / "var"),
        "GONGKAI_DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}",
        "GONGKAI_LOG_LEVEL": "ERROR",
    }


def test_the_bench_runs_at_a_tiny_size_and_reports_every_row(tmp_path):
    done = subprocess.run(
        [str(GONGKAI), "bench", "province", "--sites", "3", "--records", "20", "--queries", "10"],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    for row in (
        "| home page / |",
        "| /xxgk/sites/ |",
        "| overview API |",
        "| search (service, top 20 + facets) |",
        "| search page 垃圾分类通知 |",
        "| sites | 4 (3 counties + the province) |",
        "| records | 60 (20 per county) |",
        "| search index build |",
        "| database size |",
        "| index size |",
        "| peak RSS |",
    ):
        assert row in out, row
    data = json.loads((tmp_path / "var" / "bench" / "province.json").read_text("utf-8"))
    assert data["built"] == {"sites": 4, "records": 60, "requests": 3}
    # the overview adds up what was built, and the province's search finds more than a county's
    assert data["overview_total_records"] == 60 and data["overview_total_sites"] == 4
    assert data["indexed"] >= 60
    assert data["search_province"]["mean_total"] >= data["search_county"]["mean_total"]
    # the site's own database was never created: the bench ran in its own
    assert (
        not (tmp_path / "site.sqlite3").exists() or (tmp_path / "site.sqlite3").stat().st_size == 0
    )


def test_a_bad_size_is_refused_in_chinese(tmp_path):
    done = subprocess.run(
        [str(GONGKAI), "bench", "province", "--sites", "0"],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "必须为正整数" in done.stderr and "Traceback" not in done.stderr
