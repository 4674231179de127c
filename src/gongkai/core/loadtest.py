"""HTTP load measurements for `gongkai bench`: the app under gunicorn, nginx in front of it,
and wrk as the loopback load tool. Everything runs on 127.0.0.1 and stops by itself."""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

DEPLOY_NGINX_CONF = Path(settings.BASE_DIR) / "deploy" / "nginx.conf"


class LoadToolMissing(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback only
                if response.status < 500:
                    return
        except Exception as exc:  # noqa: BLE001 - keep polling until the deadline
            last_error = exc
        time.sleep(0.2)
    raise RuntimeError(f"{url} 未在 {timeout:.0f} 秒内就绪：{last_error}")


def _stop(proc: subprocess.Popen, sig: int, timeout: float = 15) -> None:
    proc.send_signal(sig)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()


def gunicorn_command(port: int, workers: int = 2, threads: int = 1) -> list[str]:
    """The gunicorn command line the bench and `gongkai scaled` share."""
    return [
        sys.executable, "-m", "gunicorn", "gongkai.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads),
        "--backlog", "2048", "--log-level", "warning",
    ]  # fmt: skip


@contextmanager
def app_server(workers: int = 2, extra_env: dict | None = None):
    """gunicorn serving the project on a free loopback port; yields (base_url, process)."""
    port = free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "gongkai.settings", **(extra_env or {})}
    cmd = gunicorn_command(port, workers)
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # noqa: S603
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz")
        yield f"http://127.0.0.1:{port}", proc
    finally:
        _stop(proc, signal.SIGTERM)


def nginx_config(
    app_port: int | list[int],
    listen_port: int,
    static_root: Path,
    workdir: Path,
    file_root: Path,
) -> str:
    """deploy/nginx.conf, as shipped, wrapped into a standalone config on loopback ports. Several
    app ports make an upstream of several app servers (`gongkai scaled`)."""
    ports = [app_port] if isinstance(app_port, int) else list(app_port)
    site = DEPLOY_NGINX_CONF.read_text(encoding="utf-8")
    site = site.replace("/var/cache/nginx/gongkai", str(workdir / "cache"))
    servers = "\n    ".join(f"server 127.0.0.1:{port};" for port in ports)
    site = site.replace("server 127.0.0.1:8000;", servers)
    # The bench speaks plain HTTP on loopback: no redirect server, the HTTPS server unencrypted.
    site = re.sub(r"# --- HTTP: redirect.*?# --- end HTTP\n", "", site, flags=re.S)
    site = site.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{listen_port};").replace(
        "listen [::]:443 ssl http2;", ""
    )
    site = "\n".join(line for line in site.splitlines() if not line.strip().startswith("ssl_"))
    site = site.replace("/srv/gongkai/var/static/", f"{static_root}/")
    # The same server also serves pre-rendered files, for static_rps.
    site = site.replace(
        "    location / {",
        f"    location /prerendered/ {{\n        alias {file_root}/;\n    }}\n\n    location / {{",
        1,
    )
    return f"""
worker_processes 2;
pid {workdir}/nginx.pid;
error_log {workdir}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {workdir}/body;
    proxy_temp_path {workdir}/proxy;
    fastcgi_temp_path {workdir}/fastcgi;
    uwsgi_temp_path {workdir}/uwsgi;
    scgi_temp_path {workdir}/scgi;
    default_type text/html;
    {site}
}}
"""


@contextmanager
def nginx_in_front(app_port: int, static_root: Path, prerendered: dict[str, bytes]):
    """nginx running deploy/nginx.conf in front of the app; yields its base URL."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.path.exists(nginx):
        raise LoadToolMissing("未找到 nginx（apt-get install nginx-light）")
    with tempfile.TemporaryDirectory(prefix="gongkai-nginx-") as tmp:
        workdir = Path(tmp)
        workdir.chmod(0o755)
        # nginx workers may run as another user: they need to write the cache and temp dirs.
        for sub in ("cache", "body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (workdir / sub).mkdir()
            (workdir / sub).chmod(0o777)
        file_root = workdir / "files"
        file_root.mkdir()
        file_root.chmod(0o755)
        for name, body in prerendered.items():
            (file_root / name).write_bytes(body)
        port = free_port()
        conf = workdir / "nginx.conf"
        conf.write_text(
            nginx_config(app_port, port, static_root, workdir, file_root), encoding="utf-8"
        )
        proc = subprocess.Popen(  # noqa: S603
            [nginx, "-c", str(conf), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            wait_for(f"http://127.0.0.1:{port}/healthz")
            yield f"http://127.0.0.1:{port}"
        finally:
            _stop(proc, signal.SIGQUIT)  # nginx's graceful shutdown


def _lua_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def mix_script(requests: list[tuple[str, dict]]) -> str:
    """A wrk Lua script that cycles through (path, headers) pairs: a mixed workload."""
    rows = ",\n".join(
        "{" + _lua_string(path) + ", {"
        + ", ".join(f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in headers.items())
        + "}}"
        for path, headers in requests
    )  # fmt: skip
    return (
        f"local mix = {{\n{rows}\n}}\n"
        "local i = 0\n"
        "request = function()\n"
        "  i = i % #mix + 1\n"
        '  return wrk.format("GET", mix[i][1], mix[i][2])\n'
        "end\n"
    )


def wrk_stats(
    url: str, seconds: int, connections: int, mix: list[tuple[str, dict]], threads: int = 2
) -> dict:
    """One wrk run as figures: throughput, p50/p95/p99 latency (ms) and errors (non-2xx/3xx
    responses plus socket errors). Errors are counted, not raised: the caller reports them."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise LoadToolMissing("未找到 wrk（apt-get install wrk）")
    with tempfile.TemporaryDirectory(prefix="gongkai-wrk-") as tmp:
        script = Path(tmp) / "mix.lua"
        script.write_text(mix_script(mix) + _PERCENTILES_LUA, encoding="utf-8")
        cmd = [wrk, "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--latency"]
        done = subprocess.run(  # noqa: S603 - fixed tool, loopback URL
            [*cmd, "--timeout", "10s", "-s", str(script), url],
            capture_output=True, text=True, timeout=seconds + 60, check=True,
        )  # fmt: skip
    return parse_wrk(done.stdout)


# wrk's own table has no p95: the script prints the percentiles it is asked for, in µs.
_PERCENTILES_LUA = """
done = function(summary, latency, requests)
  for _, p in ipairs({50, 95, 99}) do
    io.write(string.format("GK-P%d %d\\n", p, latency:percentile(p)))
  end
end
"""


def parse_wrk(out: str) -> dict:
    """wrk --latency output → figures."""
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    total = re.search(r"(\d+) requests in", out)
    if not rps or not total:
        raise RuntimeError(f"无法解析 wrk 输出：\n{out}")
    result = {"rps": float(rps.group(1)), "requests": int(total.group(1))}
    for pct in ("50", "95", "99"):
        match = re.search(rf"^GK-P{pct} (\d+)$", out, re.M)
        result[f"p{pct}_ms"] = round(int(match.group(1)) / 1000, 2) if match else None
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    result["non_2xx_3xx"] = int(non2xx.group(1)) if non2xx else 0
    result["socket_errors"] = sum(int(g) for g in sock.groups()) if sock else 0
    result["errors"] = result["non_2xx_3xx"] + result["socket_errors"]
    return result


def wrk_rps(
    url: str,
    seconds: int = 5,
    connections: int = 32,
    threads: int = 2,
    headers: dict | None = None,
    mix: list[tuple[str, dict]] | None = None,
) -> float:
    """Requests per second that wrk measured; non-2xx/3xx responses make it an error. With
    `mix`, wrk cycles through those paths (each with its own headers) on url's host."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise LoadToolMissing("未找到 wrk（apt-get install wrk）")
    cmd = [wrk, "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--latency"]
    for name, value in (headers or {}).items():
        cmd += ["-H", f"{name}: {value}"]
    with tempfile.TemporaryDirectory(prefix="gongkai-wrk-") as tmp:
        if mix:
            script = Path(tmp) / "mix.lua"
            script.write_text(mix_script(mix), encoding="utf-8")
            cmd += ["-s", str(script)]
        done = subprocess.run(  # noqa: S603 - fixed tool, loopback URL
            [*cmd, url], capture_output=True, text=True, timeout=seconds + 60, check=True
        )
    out = done.stdout
    if "Non-2xx or 3xx responses" in out:
        raise RuntimeError(f"压测 {url} 时出现错误响应：\n{out}")
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if not match:
        raise RuntimeError(f"无法解析 wrk 输出：\n{out}")
    return float(match.group(1))


def worker_rss_mb(pid: int) -> float:
    """The largest single gunicorn worker's resident memory, in MiB."""
    children = Path(f"/proc/{pid}/task/{pid}/children")
    pids = [int(p) for p in children.read_text().split()] if children.exists() else [pid]
    sizes = []
    for one in pids:
        status = Path(f"/proc/{one}/status")
        if status.exists():
            for line in status.read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes.append(int(line.split()[1]) / 1024)
    return round(max(sizes, default=0.0), 1)
