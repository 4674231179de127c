"""Issue 10 point 3: rate-limit counters are shared by every worker process.

Two separate Django processes (as two gunicorn workers would be) post to the online
application form of one embedded installation: five applications an hour from one address
means five in total, not five per process. With the old per-process memory cache each process
counted on its own."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent
GONGKAI = BIN / "gongkai"

WORKER = """
from django.test import Client
from gongkai.core.models import Site
Site.objects.get_or_create(slug="yingjiang", defaults={"name": "测试区人民政府", "is_default": True})
client = Client(REMOTE_ADDR="ADDRESS")
codes = [client.post("/foi/apply/", {"name": "x"}).status_code for _ in range(COUNT)]
print(" ".join(map(str, codes)))
"""


@pytest.fixture(scope="module")
def installation(tmp_path_factory):
    """An embedded installation of its own (SQLite file, database cache), migrated."""
    tmp_path = tmp_path_factory.mktemp("installation")
    env = {
        key: value
        for key, value in os.environ.items()
        # Nothing of the test run's own configuration (DJANGO_ALLOW_ASYNC_UNSAFE is set by
        # the browser tests, GONGKAI_DATABASE_URL may point at the test database).
        if not key.startswith(("GONGKAI_", "DJANGO_"))
    }
    env.update(
        GONGKAI_VAR_DIR=str(tmp_path),
        GONGKAI_SECRET_KEY="test-" + "k" * 60,
        GONGKAI_SSL_REDIRECT="0",
        GONGKAI_PAGE_CACHE_SECONDS="0",
    )
    subprocess.run(
        [str(GONGKAI), "migrate", "--noinput", "-v", "0"], env=env, check=True, timeout=300
    )
    return env, tmp_path


def _worker(env, count: int, address: str) -> subprocess.Popen:
    code = WORKER.replace("COUNT", str(count)).replace("ADDRESS", address)
    return subprocess.Popen(
        [str(GONGKAI), "shell", "-v", "0", "-c", code],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _codes(process: subprocess.Popen) -> list[int]:
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    return [int(code) for code in out.split()]


def test_five_applications_an_hour_means_five_across_processes(installation):
    env, var_dir = installation
    first = _codes(_worker(env, 3, "203.0.113.5"))
    second = _codes(_worker(env, 3, "203.0.113.5"))
    assert first == [400, 400, 400]  # counted (invalid forms still count)
    assert second == [400, 400, 429]
    # The counter is a row in the database cache table, readable from any connection.
    db = sqlite3.connect(var_dir / "gongkai.sqlite3")
    try:
        rows = db.execute("SELECT cache_key FROM gongkai_cache WHERE cache_key LIKE '%rl:%'")
        assert len(rows.fetchall()) >= 1
    finally:
        db.close()


@pytest.mark.django_db
def test_shared_cache_increment_keeps_the_window(settings):
    """Django's database cache increments with `set`, which resets the expiry to the default
    five minutes: an hourly counter would be forgotten after five. Ours keeps the expiry."""
    from django.core.cache import caches
    from django.core.management import call_command
    from django.db import connection

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "shared": {"BACKEND": "gongkai.core.cache.SharedDatabaseCache", "LOCATION": "t_cache"},
    }
    call_command("createcachetable", "t_cache", verbosity=0)
    shared = caches["shared"]
    try:
        assert shared.add("counter", 1, 3600)

        def expires():
            with connection.cursor() as cursor:
                cursor.execute("SELECT expires FROM t_cache")
                return cursor.fetchone()[0]

        before = expires()
        assert shared.incr("counter") == 2
        assert shared.incr("counter", 3) == 5
        assert shared.get("counter") == 5
        assert expires() == before
        with pytest.raises(ValueError):
            shared.incr("missing")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE t_cache")
