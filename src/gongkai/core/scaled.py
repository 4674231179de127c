"""`gongkai scaled`: the scaled-out layout on one machine, from Debian packages — a PostgreSQL
primary and a streaming replica, Redis, two gunicorn app servers, two rq workers and nginx
(deploy/nginx.conf) in front. Everything lives under var/scaled/ and listens on loopback, so
the layout deploy.md describes can be tried and load-tested without a second machine."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from . import loadtest

PG_BIN = Path(os.environ.get("GONGKAI_PG_BIN", "/usr/lib/postgresql/15/bin"))

# Exit codes the command uses (distinct, so scripts can tell them apart).
EXIT_TOOL_MISSING = 3
EXIT_RUNNING = 4
EXIT_PORT_TAKEN = 5


class ScaledError(RuntimeError):
    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Ports:
    nginx: int = 8480
    primary: int = 8481
    replica: int = 8482
    redis: int = 8483
    web: tuple[int, ...] = (8484, 8485)

    @classmethod
    def from_base(cls, base: int) -> "Ports":
        return cls(base, base + 1, base + 2, base + 3, (base + 4, base + 5))

    def all(self) -> dict[str, int]:
        ports = {"nginx": self.nginx, "pg-primary": self.primary, "pg-replica": self.replica}
        ports["redis"] = self.redis
        ports.update({f"web-{i + 1}": port for i, port in enumerate(self.web)})
        return ports


def root() -> Path:
    return Path(settings.VAR_DIR) / "scaled"


def _as_postgres(cmd: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run it as the postgres user then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


def _run(cmd: list[str], env: dict | None = None, what: str = "") -> None:
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)  # noqa: S603
    if done.returncode != 0:
        raise ScaledError(f"{what or cmd[0]} 失败：{(done.stderr or done.stdout).strip()[-1500:]}")


def check_tools() -> dict[str, str]:
    tools = {
        "initdb": str(PG_BIN / "initdb"),
        "pg_ctl": str(PG_BIN / "pg_ctl"),
        "pg_basebackup": str(PG_BIN / "pg_basebackup"),
        "redis-server": shutil.which("redis-server") or "",
        "nginx": shutil.which("nginx")
        or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else ""),
    }
    missing = [name for name, path in tools.items() if not path or not os.path.exists(path)]
    if os.geteuid() == 0 and not shutil.which("runuser"):
        missing.append("runuser")
    if missing:
        raise ScaledError(
            f"缺少工具：{'、'.join(missing)}。请安装 Debian 软件包 postgresql-15、redis-server、"
            "nginx-light（apt-get install postgresql-15 redis-server nginx-light）。",
            EXIT_TOOL_MISSING,
        )
    return tools


def _port_taken(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.3)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child of ours counts as gone.
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(") ", 1)[-1].startswith("Z"))


def pid_files() -> list[Path]:
    return sorted(root().glob("*.pid")) if root().exists() else []


def read_pid(path: Path) -> int | None:
    try:
        return int(path.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def status() -> list[tuple[str, int | None, bool]]:
    rows = []
    for path in pid_files():
        pid = read_pid(path)
        rows.append((path.stem, pid, bool(pid) and _alive(pid)))
    return rows


def urls(ports: Ports) -> dict[str, str]:
    return {
        "GONGKAI_DATABASE_URL": f"postgres://postgres@127.0.0.1:{ports.primary}/gongkai",
        "GONGKAI_REPLICA_URL": f"postgres://postgres@127.0.0.1:{ports.replica}/gongkai",
        "GONGKAI_REDIS_URL": f"redis://127.0.0.1:{ports.redis}/0",
    }


def app_env(ports: Ports) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "gongkai.settings",
        "GONGKAI_VAR_DIR": str(Path(settings.VAR_DIR)),
        "GONGKAI_TASK_BACKEND": "rq",
        # each app node its own tantivy index, fed from the outbox by its follower
        "GONGKAI_SEARCH_OUTBOX": "1",
        "GONGKAI_SEARCH_BACKEND": "tantivy",
        "GONGKAI_DEMO": os.environ.get("GONGKAI_DEMO", "1"),
        "GONGKAI_BEHIND_PROXY": "1",
        "GONGKAI_LOG_LEVEL": os.environ.get("GONGKAI_LOG_LEVEL", "WARNING"),
        "GONGKAI_SECRET_KEY": os.environ.get(
            "GONGKAI_SECRET_KEY", "scaled-demo-not-secret-" + "x" * 40
        ),
        **urls(ports),
    }


def node_env(env: dict, number: int) -> dict:
    """App node `web-N`: its own search index directory and outbox position."""
    return {
        **env,
        "GONGKAI_SEARCH_NODE": f"web-{number}",
        "GONGKAI_SEARCH_PATH": str(root() / f"web-{number}" / "search"),
    }


def free_base_port(start: int = 18480, stop: int = 30000) -> int:
    """A base port whose six ports are all free, below the kernel's ephemeral range (so client
    sockets in TIME_WAIT from a load run never sit on them)."""
    for base in range(start, stop, 10):
        if not any(_port_taken(port) for port in Ports.from_base(base).all().values()):
            return base
    raise ScaledError("找不到空闲端口", EXIT_PORT_TAKEN)


def _spawn(name: str, cmd: list[str], env: dict | None = None) -> int:
    """A detached long-running process (its own session) with its log and pid file here."""
    log = open(root() / "logs" / f"{name}.log", "ab")  # noqa: SIM115 - handed to the child
    proc = subprocess.Popen(  # noqa: S603
        cmd, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    log.close()
    (root() / f"{name}.pid").write_text(f"{proc.pid}\n")
    return proc.pid


def _chown_postgres(path: Path) -> None:
    if os.geteuid() == 0:
        shutil.chown(path, "postgres", "postgres")


def _start_postgres(name: str, datadir: Path, port: int, tools: dict) -> None:
    log = root() / "logs" / f"{name}.log"
    try:
        _pg_ctl_start(name, datadir, port, tools)
    except ScaledError as exc:
        tail = log.read_text(errors="replace")[-800:] if log.exists() else ""
        raise ScaledError(f"{exc}\n{tail}") from exc


def _pg_ctl_start(name: str, datadir: Path, port: int, tools: dict) -> None:
    _run(
        _as_postgres([
            tools["pg_ctl"], "-D", str(datadir), "-l", str(root() / "logs" / f"{name}.log"),
            "-o", f"-p {port} -k {datadir} -c listen_addresses=127.0.0.1", "-w", "-t", "60",
            "start",
        ]),
        what=f"启动 {name}",
    )  # fmt: skip
    pid = (datadir / "postmaster.pid").read_text().split()[0]
    (root() / f"{name}.pid").write_text(f"{pid}\n")


def start(ports: Ports, say=print, demo: bool = True, demo_only: str = "") -> str:
    """Start everything; on any failure stop what was already started."""
    tools = check_tools()
    running = [name for name, _pid, alive in status() if alive]
    if running:
        raise ScaledError(
            f"横向扩展环境已在运行（{'、'.join(running)}）；先运行 gongkai scaled stop。",
            EXIT_RUNNING,
        )
    taken = [f"{name}:{port}" for name, port in ports.all().items() if _port_taken(port)]
    if taken:
        raise ScaledError(
            f"端口已被占用：{'、'.join(taken)}。请释放端口，或用 --base-port 换一组端口。",
            EXIT_PORT_TAKEN,
        )
    try:
        return _start(ports, tools, say, demo, demo_only)
    except BaseException:
        stop(say=lambda _line: None)
        raise


def _check_postgres_reaches(base: Path) -> None:
    """As root, PostgreSQL runs as the postgres user, which must be able to enter every parent
    of var/scaled (a 0700 home or mktemp folder stops it with a cryptic initdb error)."""
    if os.geteuid() != 0:
        return
    for folder in [*reversed(base.parents), base]:
        reach = subprocess.run(  # noqa: S603 - fixed command
            ["runuser", "-u", "postgres", "--", "test", "-x", str(folder)],  # noqa: S607
            capture_output=True,
        )
        if reach.returncode != 0:
            raise ScaledError(
                f"PostgreSQL 以 postgres 用户运行，无法进入目录 {folder}。"
                f"请执行 chmod o+x {folder}，或用 GONGKAI_VAR_DIR 指向 postgres 用户可进入的目录。"
            )


def _start(ports: Ports, tools: dict, say, demo: bool, demo_only: str = "") -> str:
    base = root()
    for stale in pid_files():
        stale.unlink()
    (base / "logs").mkdir(parents=True, exist_ok=True)
    base.chmod(0o755)
    _check_postgres_reaches(base)
    (base / "logs").chmod(0o777)  # the postgres user writes its logs here

    primary, replica = base / "pg-primary", base / "pg-replica"
    if not (primary / "PG_VERSION").exists():
        primary.mkdir(parents=True, exist_ok=True)
        primary.chmod(0o700)
        _chown_postgres(primary)
        say("初始化 PostgreSQL 主库……")
        _run(
            _as_postgres([tools["initdb"], "-D", str(primary), "-U", "postgres",
                          "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"]),
            what="initdb",
        )  # fmt: skip
        with open(primary / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write("\n# gongkai scaled\nwal_level = replica\nmax_wal_senders = 5\n"
                       "hot_standby = on\nmax_connections = 200\nfsync = off\n")  # fmt: skip
    _start_postgres("pg-primary", primary, ports.primary, tools)
    psql = str(PG_BIN / "psql")
    exists = subprocess.run(  # noqa: S603
        _as_postgres([psql, "-h", "127.0.0.1", "-p", str(ports.primary), "-U", "postgres",
                      "-tAc", "SELECT 1 FROM pg_database WHERE datname='gongkai'"]),
        capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    if exists != "1":
        _run(
            _as_postgres([psql, "-h", "127.0.0.1", "-p", str(ports.primary), "-U", "postgres",
                          "-c", "CREATE DATABASE gongkai"]),
            what="创建数据库",
        )  # fmt: skip
    if not (replica / "PG_VERSION").exists():
        say("从主库建立流复制只读副本（pg_basebackup -R）……")
        shutil.rmtree(replica, ignore_errors=True)
        replica.mkdir(parents=True)
        replica.chmod(0o700)
        _chown_postgres(replica)
        _run(
            _as_postgres([tools["pg_basebackup"], "-h", "127.0.0.1", "-p", str(ports.primary),
                          "-U", "postgres", "-D", str(replica), "-R", "-X", "stream",
                "--checkpoint=fast"]),
            what="pg_basebackup",
        )  # fmt: skip
    _start_postgres("pg-replica", replica, ports.replica, tools)

    redis_dir = base / "redis"
    redis_dir.mkdir(exist_ok=True)
    _spawn(
        "redis",
        [tools["redis-server"], "--port", str(ports.redis), "--bind", "127.0.0.1",
         "--dir", str(redis_dir), "--save", "", "--appendonly", "no", "--daemonize", "no"],
    )  # fmt: skip

    env = app_env(ports)
    cli = [str(Path(sys.executable).parent / "gongkai")]
    say("迁移数据库……")
    _run([*cli, "migrate", "--noinput", "-v0"], env, "migrate")
    _run([*cli, "collectstatic", "--noinput", "-v0"], env, "collectstatic")
    if demo:
        say("载入演示数据……")
        _run([*cli, "demo", *(["--only", demo_only] if demo_only else [])], env, "gongkai demo")

    for i, port in enumerate(ports.web, 1):
        _spawn(f"search-{i}", [*cli, "search", "follow", "--node", f"web-{i}"], node_env(env, i))
        _spawn(f"web-{i}", loadtest.gunicorn_command(port, workers=2, threads=4), node_env(env, i))
    for i in (1, 2):
        _spawn(
            f"rqworker-{i}",
            [*cli, "rqworker", "--job-class", "django_tasks_rq.Job", "default"],
            env,
        )

    nginx_dir = base / "nginx"
    for sub in ("cache", "body", "proxy", "fastcgi", "uwsgi", "scgi", "files"):
        (nginx_dir / sub).mkdir(parents=True, exist_ok=True)
        (nginx_dir / sub).chmod(0o777)
    nginx_dir.chmod(0o755)
    conf = nginx_dir / "nginx.conf"
    conf.write_text(
        loadtest.nginx_config(
            list(ports.web), ports.nginx, Path(settings.STATIC_ROOT), nginx_dir, nginx_dir / "files"
        ),
        encoding="utf-8",
    )
    _spawn("nginx", [tools["nginx"], "-c", str(conf), "-g", "daemon off;"])
    url = f"http://127.0.0.1:{ports.nginx}"
    try:
        for port in ports.web:
            loadtest.wait_for(f"http://127.0.0.1:{port}/healthz", timeout=60)
        loadtest.wait_for(url + "/healthz", timeout=30)
    except RuntimeError as exc:
        stop(say=lambda _line: None)
        raise ScaledError(f"启动后未能就绪：{exc}（日志见 {base / 'logs'}）") from exc
    dead = [name for name, _pid, alive in status() if not alive]
    if dead:
        stop(say=lambda _line: None)
        raise ScaledError(f"进程启动后退出：{'、'.join(dead)}（日志见 {base / 'logs'}）")
    return url


# nginx first (no new requests), then the app, search followers and workers, then Redis, replica, primary.
STOP_ORDER = ["nginx", "web-", "search-", "rqworker-", "redis", "pg-replica", "pg-primary"]


def _order(name: str) -> int:
    return next((i for i, prefix in enumerate(STOP_ORDER) if name.startswith(prefix)), 0)


def stop(say=print, timeout: float = 30) -> list[str]:
    """SIGTERM each process, wait, SIGKILL what is left; remove nothing but the pid files."""
    stopped = []
    for path in sorted(pid_files(), key=lambda p: _order(p.stem)):
        pid = read_pid(path)
        if pid and _alive(pid):
            # nginx shuts down gracefully on SIGQUIT; PostgreSQL's SIGTERM is "smart", SIGINT fast.
            sig = {"nginx": signal.SIGQUIT}.get(path.stem, signal.SIGTERM)
            if path.stem.startswith("pg-"):
                sig = signal.SIGINT
            os.kill(pid, sig)
            deadline = time.monotonic() + timeout
            while _alive(pid) and time.monotonic() < deadline:
                time.sleep(0.1)
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
            say(f"已停止 {path.stem}（pid {pid}）")
            stopped.append(path.stem)
        path.unlink(missing_ok=True)
    return stopped
