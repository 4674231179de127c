"""The registry behind `gongkai bench`. Each app registers named benchmarks; a benchmark is a
function that takes the parsed options and returns a JSON-safe dict of figures. Figures are
reported beside a baseline measured in the same run, never as bare timings."""

import json
import platform
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone


@dataclass
class BenchOptions:
    records: int = 200_000
    queries: int = 200
    seconds: int = 10
    progress: bool = True
    extra: dict = field(default_factory=dict)


Benchmark = Callable[[BenchOptions, Callable[[str], None]], dict]
BENCHMARKS: dict[str, tuple[str, Benchmark]] = {}


def register(name: str, description: str):
    def decorator(func: Benchmark) -> Benchmark:
        BENCHMARKS[name] = (description, func)
        return func

    return decorator


def bench_dir() -> Path:
    path = Path(settings.VAR_DIR) / "bench"
    path.mkdir(parents=True, exist_ok=True)
    return path


def machine_facts() -> dict:
    import os

    return {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "measured_at": timezone.now().isoformat(timespec="seconds"),
    }


def write_json(name: str, results: dict) -> Path:
    """Write atomically: a reader never sees a half-written file."""
    path = bench_dir() / f"{name}.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    tmp.replace(path)
    return path


def fresh_database(run: Callable[[], dict]) -> dict:
    """Run `run` against a freshly created and migrated temporary database (benchmarks that
    write, so the site's own data is neither measured nor touched)."""
    creation = connection.creation
    old_name = connection.settings_dict["NAME"]
    with tempfile.TemporaryDirectory(prefix="gongkai-bench-") as tmp:
        if connection.vendor == "sqlite":
            connection.settings_dict.setdefault("TEST", {})["NAME"] = str(
                Path(tmp) / "bench.sqlite3"
            )
        creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        try:
            return run()
        finally:
            creation.destroy_test_db(old_name, verbosity=0)
