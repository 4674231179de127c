"""Issue 16 (faults): the database server going away under a running site, for real. A
throwaway PostgreSQL server of its own (own port, temp dir) behind a gunicorn worker: while it
is stopped every page answers the Chinese 503 page with Retry-After, quickly (no hanging
connect); once it is started again the same worker serves pages by itself, no restart.
PostgreSQL pass only (GONGKAI_DATABASE_URL=postgres://...)."""

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from .faultkit import free_port, need, wait_port

pytestmark = pytest.mark.skipif(
    not os.environ.get("GONGKAI_DATABASE_URL", "").startswith("postgres"),
    reason="PostgreSQL pass only (GONGKAI_DATABASE_URL is not postgres)",
)

PG_BIN = Path("/usr/lib/postgresql/15/bin")
BIN = Path(sys.executable).parent
SETUP = """
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
from gongkai.core.models import Site
Site.objects.get_or_create(slug="yingjiang", defaults={"name": "测试区人民政府", "is_default": True})
"""


def _as_postgres(*args, **kwargs):
    return subprocess.run(["runuser", "-u", "postgres", "--", *args], check=True, **kwargs)


class Cluster:
    def __init__(self, directory: Path):
        self.directory = directory
        self.port = free_port()

    def pg_ctl(self, *args):
        _as_postgres(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(self.directory / "data"),
            *args,
            stdout=subprocess.DEVNULL,
            timeout=60,
        )

    def start(self):
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.pg_ctl("-o", options, "-l", str(self.directory / "log"), "-w", "start")

    def stop(self):
        self.pg_ctl("-m", "fast", "-w", "stop")


def _get(url: str) -> tuple[int, dict, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - our own server
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    need("initdb", str(PG_BIN / "initdb"))
    if os.geteuid() != 0:
        if os.environ.get("GONGKAI_REQUIRE_BROWSER") == "1":
            pytest.fail("the throwaway PostgreSQL server needs root (runuser -u postgres)")
        pytest.skip("the throwaway PostgreSQL server needs root (runuser -u postgres)")
    directory = tmp_path_factory.mktemp("pgfault")
    # Not under pytest's own temp dir, which only root may enter.
    pgdir = Path(tempfile.mkdtemp(prefix="gk_faults_pg."))
    subprocess.run(["chown", "postgres", str(pgdir)], check=True)
    os.chmod(pgdir, 0o700)
    _as_postgres(
        str(PG_BIN / "initdb"),
        "-D",
        str(pgdir / "data"),
        "-U",
        "postgres",
        "--auth=trust",
        "-E",
        "UTF8",
        "--locale=C.UTF-8",
        stdout=subprocess.DEVNULL,
        timeout=120,
    )
    cluster = Cluster(pgdir)
    cluster.start()
    gunicorn = None
    try:
        _as_postgres(
            str(PG_BIN / "createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(cluster.port),
            "gk_faults_down",
            timeout=60,
        )
        env = {k: v for k, v in os.environ.items() if not k.startswith(("GONGKAI_", "DJANGO_"))}
        env.update(
            GONGKAI_VAR_DIR=str(directory / "var"),
            GONGKAI_SECRET_KEY="test-" + "k" * 60,
            GONGKAI_SSL_REDIRECT="0",
            GONGKAI_PAGE_CACHE_SECONDS="0",
            GONGKAI_DATABASE_URL=(
                f"postgres://postgres@127.0.0.1:{cluster.port}/gk_faults_down?connect_timeout=2"
            ),
        )
        subprocess.run(
            [str(BIN / "gongkai"), "shell", "-v", "0", "-c", SETUP],
            env=env,
            check=True,
            timeout=300,
        )
        port = free_port()
        gunicorn = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "gongkai.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--timeout",
                "60",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_port(port, up=True, seconds=60)
        yield cluster, f"http://127.0.0.1:{port}"
    finally:
        if gunicorn is not None:
            gunicorn.terminate()
            gunicorn.wait(30)
        try:
            cluster.stop()
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(pgdir, ignore_errors=True)


class Load:
    """Clients requesting pages without pause while the database goes away and comes back:
    every answer must be the page or the Chinese 503 page, never a 500 or a dropped connection."""

    def __init__(self, base: str, clients: int = 6):
        self.stop = threading.Event()
        self.answers: list[tuple[int, str]] = []
        self.failures: list[str] = []
        self.threads = [
            threading.Thread(target=self._run, args=(base + path,), daemon=True)
            for path in ["/", "/xxgk/", "/foi/apply/"] * (clients // 3)
        ]

    def _run(self, url: str):
        while not self.stop.is_set():
            try:
                status, _, body = _get(url)
            except OSError as error:  # reset, refused, timed out: not a clean failure
                self.failures.append(repr(error))
                continue
            self.answers.append((status, body if status != 200 else ""))

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(20)


def test_database_down_gives_503_and_the_site_recovers_by_itself(site):
    cluster, base = site
    status, _, _ = _get(base + "/")
    assert status == 200

    with Load(base) as load:
        time.sleep(1)
        cluster.stop()
        time.sleep(3)
        cluster.start()
        deadline = time.monotonic() + 30
        while _get(base + "/")[0] != 200 and time.monotonic() < deadline:
            time.sleep(0.5)
        time.sleep(1)
    assert not load.failures, load.failures[:3]
    statuses = {status for status, _ in load.answers}
    assert statuses <= {200, 503}, statuses
    assert 503 in statuses and 200 in statuses
    assert all("数据库暂时无法连接" in body for status, body in load.answers if status == 503)
    assert load.answers[-1][0] == 200  # recovered by itself, under load

    cluster.stop()
    started = time.monotonic()
    status, headers, body = _get(base + "/")
    assert status == 503, body[:500]
    assert headers.get("Retry-After") == "30"
    assert "数据库暂时无法连接" in body
    assert "Traceback" not in body
    assert time.monotonic() - started < 8  # connect_timeout, not a hanging request
    status, headers, body = _get(base + "/foi/apply/")
    assert status == 503
    assert _get(base + "/healthz")[0] == 503

    cluster.start()
    deadline = time.monotonic() + 30
    while True:
        status, _, body = _get(base + "/")
        if status == 200 or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert status == 200, body[:500]
