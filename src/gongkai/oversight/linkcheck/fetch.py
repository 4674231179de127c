"""Fetching external links, politely and without becoming a tool against the intranet.

Polite: HEAD first (GET when a server refuses or mishandles HEAD, reading no body), at most
`per_host_concurrency` requests at a time to one host, a global time budget after which the
remaining addresses stay unchecked (they sort first at the next run), a User-Agent that says
who is asking, redirects followed up to a limit.

Safe (SSRF): a record body is written by staff and, for old pages, by whoever injected it, so
an address in it must not make the server probe its own network. For every external address
and every redirect hop the host name is resolved once, and the request is refused unless every
address it resolves to is a public (global unicast) one; the connection then goes to that
vetted address, so a second DNS answer (rebinding) cannot swap in an internal one. A literal
private, loopback or link-local address (or ``localhost``) is `broken` (the public cannot reach
it either); a name that resolves to one is `caution` (split-horizon DNS may be legitimate) and
is not fetched. Only tests turn this off, with settings.LINKCHECK_ALLOW_PRIVATE_ADDRESSES (True,
or a set of "host:port" exceptions) — deliberately not an environment variable. Internal links never come here
(oversight.linkcheck.internal resolves them in-process)."""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import threading
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

from .extract import absolute
from .result import BROKEN, CAUTION, DANGER, OK, LinkResult

#: HTTP headers are Latin-1: the User-Agent says in English who asks and why
USER_AGENT = (
    "gongkai-linkcheck/1.0 (link checker of a government information-disclosure site; "
    "at most 2 requests at a time per host)"
)
SLOW_SECONDS = 5.0
MAX_WORKERS = 8


class _Unchecked(Exception):
    """The time budget ran out before this address could be answered."""


class Refused(Exception):
    def __init__(self, status: str, reason: str):
        super().__init__(reason)
        self.status = status
        self.reason = reason


def _public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    mapped = getattr(ip, "ipv4_mapped", None)
    if mapped is not None:
        ip = mapped
    return ip.is_global and not ip.is_multicast


def vet_address(host: str, port: int, allow_private) -> tuple:
    """(family, sockaddr) to connect to, or Refused (see the module's rule). `allow_private`
    is False, True (tests: anything), or a set of "host:port" strings allowed as exceptions."""
    if not isinstance(allow_private, bool):
        allow_private = f"{host}:{port}" in allow_private
    literal = None
    try:
        literal = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        pass
    if not allow_private:
        if literal is not None and not _public(literal):
            raise Refused(BROKEN, f"链接指向内网或本机地址 {host}，公众无法访问；出于安全不予访问")
        if host == "localhost" or host.endswith(".localhost"):
            raise Refused(BROKEN, f"链接指向本机地址 {host}，公众无法访问；出于安全不予访问")
    try:
        infos = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise Refused(BROKEN, f"域名 {host} 无法解析") from None
    if not infos:
        raise Refused(BROKEN, f"域名 {host} 无法解析")
    if not allow_private:
        for info in infos:
            ip = ipaddress.ip_address(info[4][0].split("%")[0])
            if not _public(ip):
                raise Refused(
                    CAUTION,
                    f"域名 {host} 解析到内网地址 {ip}；出于安全不予访问（防止借正文探测内网）",
                )
    family, _, _, _, sockaddr = infos[0]
    return family, sockaddr


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host, port, sockaddr, family, timeout):
        super().__init__(host, port, timeout=timeout)
        self._sockaddr, self._family = sockaddr, family

    def connect(self):
        sock = socket.socket(self._family, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        try:
            sock.connect(self._sockaddr)
        except BaseException:
            sock.close()
            raise
        self.sock = sock


class _PinnedHTTPS(_PinnedHTTP):
    def connect(self):
        super().connect()
        context = ssl.create_default_context()
        self.sock = context.wrap_socket(self.sock, server_hostname=self.host)


class Fetcher:
    def __init__(
        self,
        *,
        matcher,
        deadline: float,
        per_host_concurrency: int,
        max_redirects: int,
        timeout: float,
        allow_private=False,
    ):
        self.matcher = matcher
        self.deadline = deadline
        self.per_host = max(1, per_host_concurrency)
        self.max_redirects = max_redirects
        self.timeout = timeout
        self.allow_private = allow_private
        self._slots: dict[str, threading.BoundedSemaphore] = {}
        self._lock = threading.Lock()

    def _slot(self, host: str) -> threading.BoundedSemaphore:
        with self._lock:
            if host not in self._slots:
                self._slots[host] = threading.BoundedSemaphore(self.per_host)
            return self._slots[host]

    def _remaining(self) -> float:
        return self.deadline - time.monotonic()

    def _request(self, method: str, url: str):
        """(status, location, seconds) of one request, holding the host's slot."""
        parts = urlsplit(url)
        host = parts.hostname or ""
        https = parts.scheme == "https"
        port = parts.port or (443 if https else 80)
        family, sockaddr = vet_address(host, port, self.allow_private)
        slot = self._slot(host)
        if not slot.acquire(timeout=max(0.0, self._remaining())):
            raise _Unchecked
        try:
            remaining = self._remaining()
            if remaining <= 0:
                raise _Unchecked
            wait = min(self.timeout, remaining)
            cls = _PinnedHTTPS if https else _PinnedHTTP
            conn = cls(host, port, sockaddr, family, wait)
            path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            started = time.monotonic()
            try:
                conn.request(
                    method,
                    path,
                    headers={"User-Agent": USER_AGENT, "Accept": "*/*", "Connection": "close"},
                )
                response = conn.getresponse()
                status, location = response.status, response.getheader("Location")
            except TimeoutError:
                if wait < self.timeout:  # cut short by the budget, not the server's fault
                    raise _Unchecked from None
                raise
            finally:
                conn.close()
            return status, location, time.monotonic() - started
        finally:
            slot.release()

    def check(self, url: str) -> LinkResult | None:
        """The result for one address, or None when the budget ran out first."""
        try:
            return self._check(url)
        except _Unchecked:
            return None
        except Exception as exc:  # noqa: BLE001 - one odd server must not stop the whole run
            return LinkResult(
                url, CAUTION, None, url, f"检查时出错（{type(exc).__name__}），请人工核实"
            )

    def _check(self, url: str) -> LinkResult:
        current, hops, seen = url, 0, {url}
        while True:
            parts = urlsplit(current)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                return LinkResult(url, CAUTION, None, current, "重定向到非网页地址，未继续检查")
            found = self.matcher.match(parts.hostname)
            if found:
                via = "" if current == url else "（经重定向）"
                return LinkResult(
                    url,
                    DANGER,
                    None,
                    current,
                    f"链接{via}指向可疑{found.category_label}网站 {parts.hostname}"
                    f"（匹配“{found.pattern}”）",
                )
            try:
                status, location, seconds = self._head_then_get(current)
            except Refused as refused:
                return LinkResult(url, refused.status, None, current, refused.reason)
            except TimeoutError:
                return LinkResult(url, BROKEN, None, current, f"超过 {self.timeout:g} 秒无响应")
            except ssl.SSLError as exc:
                return LinkResult(
                    url, CAUTION, None, current, f"HTTPS 证书或加密连接有问题：{exc.reason or exc}"
                )
            except (OSError, http.client.HTTPException) as exc:
                return LinkResult(url, BROKEN, None, current, f"无法连接：{type(exc).__name__}")
            if status in (301, 302, 303, 307, 308) and location:
                target = absolute(location, current)
                if target is None:
                    return LinkResult(
                        url, CAUTION, status, location[:500], "重定向到非网页地址，未继续检查"
                    )
                if target in seen:
                    return LinkResult(url, BROKEN, status, target, "重定向循环，浏览器无法打开")
                hops += 1
                if hops > self.max_redirects:
                    return LinkResult(
                        url,
                        CAUTION,
                        status,
                        target,
                        f"重定向超过 {self.max_redirects} 次，未继续跟踪；浏览器也许仍能打开，"
                        "应改为链接最终地址",
                    )
                seen.add(target)
                current = target
                continue
            return self._classify(url, current, status, hops, seconds)

    def _head_then_get(self, url: str):
        try:
            status, location, seconds = self._request("HEAD", url)
        except (http.client.HTTPException, ConnectionResetError):
            return self._request("GET", url)  # some servers hang up on HEAD; not on a timeout
        if status >= 400:  # 405, 403, even 404 or 500: many servers mishandle HEAD, and a
            return self._request("GET", url)  # wrong "broken" costs more than one request
        return status, location, seconds

    def _classify(self, url, final, status, hops, seconds) -> LinkResult:
        via = f"（经 {hops} 次重定向）" if hops else ""
        if 200 <= status < 300:
            if seconds > SLOW_SECONDS:
                return LinkResult(
                    url, CAUTION, status, final, f"可以打开但响应缓慢（{seconds:.1f} 秒）{via}"
                )
            return LinkResult(url, OK, status, final, f"正常{via}")
        if status in (401, 403):
            return LinkResult(
                url, CAUTION, status, final, f"需要登录或拒绝访问（HTTP {status}）{via}"
            )
        if status == 429:
            return LinkResult(url, CAUTION, status, final, "对方限制访问频率（HTTP 429），稍后再查")
        if status in (404, 410):
            return LinkResult(url, BROKEN, status, final, f"页面不存在（HTTP {status}）{via}")
        if status >= 500:
            return LinkResult(url, BROKEN, status, final, f"对方服务器错误（HTTP {status}）{via}")
        if 300 <= status < 400:
            return LinkResult(url, CAUTION, status, final, f"重定向没有目标地址（HTTP {status}）")
        return LinkResult(url, BROKEN, status, final, f"无法打开（HTTP {status}）{via}")


def fetch_all(urls: list[str], fetcher: Fetcher) -> dict[str, LinkResult]:
    """Fetch in order, by host lanes: each host gets at most `per_host` workers taking its
    addresses one after another, so one big host never occupies every worker."""
    queues: dict[str, deque] = {}
    for url in urls:
        queues.setdefault((urlsplit(url).hostname or ""), deque()).append(url)
    results: dict[str, LinkResult] = {}

    def lane(queue: deque) -> None:
        while fetcher._remaining() > 0:
            try:
                url = queue.popleft()
            except IndexError:
                return
            result = fetcher.check(url)
            if result is not None:
                results[url] = result

    lanes = [q for q in queues.values() for _ in range(min(fetcher.per_host, len(q)))]
    if not lanes:
        return results
    with ThreadPoolExecutor(max_workers=min(MAX_WORKERS, len(lanes))) as pool:
        for finished in [pool.submit(lane, q) for q in lanes]:
            finished.result()
    return results
