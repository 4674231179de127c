"""`gongkai scaled` for real: PostgreSQL primary + replica, Redis, two gunicorn, two rq workers
and nginx start, serve a page through nginx, report status and stop with nothing left
listening. PostgreSQL pass only (GONGKAI_DATABASE_URL=postgres…); about 40-60 s."""

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from gongkai.core.scaled import free_base_port

pytestmark = pytest.mark.skipif(
    not os.environ.get("GONGKAI_DATABASE_URL", "").startswith("postgres"),
    reason="横向扩展测试只在 PostgreSQL 轮次运行（GONGKAI_DATABASE_URL=postgres://…）",
)

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def _require_tools():
    missing = [t for t in ("redis-server", "nginx", "wrk") if not shutil.which(t)]
    if not shutil.which("nginx") and Path("/usr/sbin/nginx").exists():
        missing.remove("nginx")
    if not (PG_BIN / "initdb").exists():
        missing.append("postgresql-15")
    if missing:
        if os.environ.get("GONGKAI_REQUIRE_BROWSER") == "1":
            pytest.fail(f"缺少工具：{', '.join(missing)}")
        pytest.skip(f"缺少工具：{', '.join(missing)}")


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.3)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _scaled(env, *args, timeout=240):
    return subprocess.run(  # noqa: S603 - our own CLI
        [sys.executable, "-m", "django", "scaled", *args],
        env=env, capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip


def _search(port: int) -> str:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/search/?q=%E6%94%BF%E5%8A%A1%E5%85%AC%E5%BC%80",  # 政务公开
        headers={"Host": "yingjiang.localhost", "X-Forwarded-Proto": "http"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
        assert response.status == 200
        return response.read().decode("utf-8")


def _total(port: int) -> int:
    found = re.search(r"共找到 (\d+) 条结果", _search(port))
    return int(found.group(1)) if found else 0


def _until(check, seconds: float = 90) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(1)
    return False


@pytest.fixture
def reachable_dir():
    """A folder the postgres user can enter (PostgreSQL runs as postgres under root): pytest's
    own tmp_path sits in pytest-of-root, which every pytest session resets to 0700."""
    folder = Path(tempfile.mkdtemp(prefix="gk-scaled-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_start_serve_status_stop(reachable_dir):
    tmp_path = reachable_dir
    _require_tools()
    base = free_base_port(start=28480)
    ports = range(base, base + 6)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "gongkai.settings",
        "GONGKAI_VAR_DIR": str(tmp_path / "var"),
        "GONGKAI_DEMO": "1",
    }
    try:
        started = _scaled(
            env, "start", "--base-port", str(base), "--demo-only", "catalogue,records", timeout=600
        )
        assert started.returncode == 0, started.stderr + started.stdout
        assert f"http://127.0.0.1:{base}/" in started.stdout

        request = urllib.request.Request(
            f"http://127.0.0.1:{base}/", headers={"Host": "yingjiang.localhost"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
            assert response.status == 200
            assert "迎江" in response.read().decode("utf-8")
        with urllib.request.urlopen(f"http://127.0.0.1:{base}/healthz", timeout=30) as response:  # noqa: S310
            assert response.status == 200

        # each app node searches its own index, built by its follower from the outbox
        web = [base + 4, base + 5]
        for port in web:
            assert _until(lambda p=port: _total(p) > 0), f"web on {port} never found results"
        # fault: web-1's index deleted — it degrades with the notice (or still answers from
        # its open reader), web-2 answers in full, and web-1 comes back by itself
        shutil.rmtree(tmp_path / "var" / "scaled" / "web-1" / "search" / "tantivy")
        page = _search(web[0])
        assert "检索索引正在重建" in page or _total(web[0]) > 0
        assert _total(web[1]) > 0
        assert _until(lambda: _total(web[0]) > 0 and "检索索引正在重建" not in _search(web[0]))
        assert (tmp_path / "var" / "scaled" / "web-1" / "search" / "tantivy" / "built-v2").exists()

        again = _scaled(env, "start", "--base-port", str(base))
        assert again.returncode == 4, again.stderr

        shown = _scaled(env, "status")
        assert shown.returncode == 0, shown.stdout + shown.stderr
        for name in ("nginx", "pg-primary", "pg-replica", "redis", "web-1", "web-2",
                     "search-1", "search-2", "rqworker-1", "rqworker-2"):  # fmt: skip
            assert any(
                line.startswith(name) and "运行中" in line for line in shown.stdout.splitlines()
            ), shown.stdout
    finally:
        stopped = _scaled(env, "stop")
    assert stopped.returncode == 0, stopped.stderr
    assert not [p for p in ports if _listening(p)]
    assert not list((tmp_path / "var" / "scaled").glob("*.pid"))
    assert (tmp_path / "var" / "scaled" / "pg-primary" / "PG_VERSION").exists()  # data kept
    assert "未运行" in _scaled(env, "status").stdout
