"""Real broken parts for the fault tests (issue 16): a throwaway redis-server or PostgreSQL
server on a free port in a temp dir, which the test then stops. Skips when the tool is missing,
unless GONGKAI_REQUIRE_BROWSER=1 (CI), where a missing tool is a failure."""

import os
import shutil
import socket
import subprocess
import time

import pytest


def need(tool: str, path: str | None = None) -> str:
    found = path if path and os.path.exists(path) else shutil.which(tool)
    if not found:
        if os.environ.get("GONGKAI_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{tool} is required (GONGKAI_REQUIRE_BROWSER=1) but missing")
        pytest.skip(f"{tool} is not installed")
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, up: bool, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            s.settimeout(0.2)
            is_up = s.connect_ex(("127.0.0.1", port)) == 0
        if is_up == up:
            return
        time.sleep(0.05)
    raise AssertionError(f"port {port} did not go {'up' if up else 'down'}")


class RedisServer:
    def __init__(self, directory):
        self.binary = need("redis-server")
        self.directory = directory
        self.port = free_port()
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_port(self.port, up=True)

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        wait_port(self.port, up=False)
