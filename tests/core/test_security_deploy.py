"""Issue 10 point 11: safe defaults. Production settings pass `check --deploy` without a
warning, the demo (with its published passwords) needs GONGKAI_DEMO, and deploy/nginx.conf
terminates TLS with the same HSTS policy and forwards the client's address."""

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

GONGKAI = Path(sys.executable).parent / "gongkai"
NGINX_CONF = Path(settings.BASE_DIR) / "deploy" / "nginx.conf"


def production_env(var_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a real installation: no demo, no debug, a secret key, a host name."""
    env = {
        key: value
        for key, value in os.environ.items()
        # Nothing of the test run's own configuration (DJANGO_ALLOW_ASYNC_UNSAFE is set by
        # the browser tests, GONGKAI_DATABASE_URL may point at the test database).
        if not key.startswith(("GONGKAI_", "DJANGO_"))
    }
    env.update(
        GONGKAI_VAR_DIR=str(var_dir),
        GONGKAI_SECRET_KEY="prod-" + "x7Q2" * 16,
        GONGKAI_ALLOWED_HOSTS="www.yingjiang.gov.cn",
        **extra,
    )
    return env


def gongkai(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(GONGKAI), *args], env=env, capture_output=True, text=True, timeout=300
    )


@pytest.mark.parametrize("behind_proxy", ["0", "1"])
def test_check_deploy_is_clean_with_production_settings(tmp_path, behind_proxy):
    """Before: HSTS was off by default (security.W004) and nothing redirected to HTTPS
    (security.W008), and frames of the site's own pages were allowed (security.W019)."""
    env = production_env(tmp_path, GONGKAI_BEHIND_PROXY=behind_proxy)
    result = gongkai("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    shown = gongkai(
        "shell",
        "-v",
        "0",
        "-c",
        "from django.conf import settings as s; print(s.SECURE_HSTS_SECONDS,"
        " s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE,"
        " s.CSRF_COOKIE_SECURE, s.SECURE_PROXY_SSL_HEADER, s.REQUIRE_2FA)",
        env=env,
    )
    assert shown.returncode == 0, shown.stderr
    proxy_header = "('HTTP_X_FORWARDED_PROTO', 'https')" if behind_proxy == "1" else "None"
    assert shown.stdout.split("\n")[-2] == f"31536000 True True True True {proxy_header} True"


def test_demo_refuses_to_run_outside_the_demo(tmp_path):
    """Before: `gongkai demo` on a production database created `admin` with the published
    demo password."""
    env = production_env(tmp_path)
    assert gongkai("migrate", "--noinput", "-v", "0", env=env).returncode == 0
    result = gongkai("demo", env=env)
    assert result.returncode != 0
    assert "GONGKAI_DEMO" in result.stderr and "演示" in result.stderr
    assert "Traceback" not in result.stderr
    db = sqlite3.connect(tmp_path / "gongkai.sqlite3")
    try:
        assert db.execute("SELECT COUNT(*) FROM core_user").fetchone()[0] == 0
    finally:
        db.close()


def _server_blocks(text: str) -> list[str]:
    blocks, depth, start = [], 0, None
    for match in re.finditer(r"server\s*\{|\{|\}", text):
        token = match.group()
        if token.startswith("server") and depth == 0:
            start = match.start()
        if token.endswith("{"):
            depth += 1
        else:
            depth -= 1
            if depth == 0 and start is not None:
                blocks.append(text[start : match.end()])
                start = None
    return blocks


def _directives(block: str) -> list[str]:
    lines = (line.split("#", 1)[0].strip() for line in block.splitlines())
    return [line for line in lines if line]


def test_nginx_terminates_tls_and_forwards_the_client(settings):
    text = NGINX_CONF.read_text(encoding="utf-8")
    servers = [_directives(block) for block in _server_blocks(text)]
    plain = [s for s in servers if "listen 80;" in s]
    tls = [s for s in servers if any(d.startswith("listen 443 ssl") for d in s)]
    assert len(plain) == 1 and len(tls) == 1
    assert "return 301 https://$host$request_uri;" in plain[0]
    assert not any(d.startswith("proxy_pass") for d in plain[0])
    tls = tls[0]
    assert any("http2" in d for d in tls if d.startswith("listen"))
    assert "ssl_protocols TLSv1.2 TLSv1.3;" in tls
    ciphers = next(d for d in tls if d.startswith("ssl_ciphers"))
    assert all(("GCM" in c or "CHACHA20" in c) and "ECDHE" in c for c in ciphers[12:-1].split(":"))
    # One HSTS policy, the app's: every add_header for it says the same as Django would.
    settings.SECURE_HSTS_SECONDS = 365 * 86400
    expected = f'"max-age={settings.SECURE_HSTS_SECONDS}; includeSubDomains" always;'
    hsts = [d for d in tls if d.startswith("add_header Strict-Transport-Security")]
    assert len(hsts) == tls.count("location /static/ {") + tls.count("location / {") + 1
    assert all(d.endswith(expected) for d in hsts)
    assert "proxy_hide_header Strict-Transport-Security;" in tls
    for header in [
        "proxy_set_header X-Real-IP $remote_addr;",
        "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
        "proxy_set_header X-Forwarded-Proto $scheme;",
    ]:
        assert header in tls


def test_bench_copy_of_nginx_conf_is_plain_http_on_loopback(tmp_path):
    from gongkai.core.loadtest import nginx_config

    conf = nginx_config(18001, 18002, tmp_path, tmp_path, tmp_path)
    assert "listen 127.0.0.1:18002;" in conf
    assert "server 127.0.0.1:18001;" in conf
    # the folders are the test's own (pytest-443/… is a folder name, not a port)
    directives = "\n".join(_directives(conf)).replace(str(tmp_path), "<tmp>")
    assert "ssl" not in directives and "443" not in directives and "return 301" not in directives
    assert "location /prerendered/" in conf
