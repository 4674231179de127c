"""错链断链与违规外链 (issue 12 point 2): links of published records checked against a real
HTTP server on 127.0.0.1 (allowed only by the test setting), internal links resolved in-process,
the suspicious-domain list, the SSRF rule and the day-long cache."""

from __future__ import annotations

import socket
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from gongkai.oversight.checks import registered_checks
from gongkai.oversight.linkcheck.domains import DomainMatcher, default_entries, normalise_pattern
from gongkai.oversight.links import check_urls, extract_links, link_findings
from gongkai.oversight.models import LinkStatus, Severity, SuspiciousDomain
from gongkai.records import workflow
from gongkai.records.models import Record
from tests.conftest import user
from tests.records.conftest import published

pytestmark = pytest.mark.django_db


class _Server:
    """A tiny site: /ok, /missing, /error, /redirect/N, /loop, /slow?s=, /wait, /no-head,
    /to-casino. It logs every request and the most requests it had open at once."""

    def __init__(self):
        self.log: list[tuple[str, str]] = []
        self.active = 0
        self.most = 0
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_HEAD(self):
                self._answer("HEAD")

            def do_GET(self):
                self._answer("GET")

            def _answer(self, method):
                with server.lock:
                    server.log.append((method, self.path))
                    server.active += 1
                    server.most = max(server.most, server.active)
                try:
                    status, location = self._route(method)
                finally:  # before answering: the client may send its next request at once
                    with server.lock:
                        server.active -= 1
                self.send_response(status)
                if location:
                    self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def _route(self, method):
                parts = urlsplit(self.path)
                path, query = parts.path, parse_qs(parts.query)
                if path == "/ok":
                    return 200, None
                if path == "/missing":
                    return 404, None
                if path == "/error":
                    return 500, None
                if path == "/no-head":
                    return (405 if method == "HEAD" else 200), None
                if path.startswith("/redirect/"):
                    left = int(path.rsplit("/", 1)[1])
                    return (302, f"/redirect/{left - 1}") if left else (200, None)
                if path == "/loop":
                    return 301, "/loop"
                if path == "/to-intranet":
                    return 302, "http://10.0.0.8/oa/"
                if path == "/to-loopback":
                    return 302, f"http://127.0.0.1:{query['port'][0]}/ok"
                if path == "/to-casino":
                    return 302, "http://www.royal-casino88.example/welcome"
                if path == "/slow":
                    time.sleep(float(query.get("s", ["3"])[0]))
                    return 200, None
                if path == "/wait":
                    time.sleep(0.3)
                    return 200, None
                return 404, None

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path):
        return self.base + path

    def paths(self):
        return [p for _, p in self.log]


@pytest.fixture
def server():
    s = _Server()
    s.thread.start()
    yield s
    s.httpd.shutdown()
    s.httpd.server_close()


@pytest.fixture
def local(settings):
    """The test server is on the loopback address, which the checker refuses in production."""
    settings.LINKCHECK_ALLOW_PRIVATE_ADDRESSES = True


# --- extracting ---------------------------------------------------------------------------


def test_extract_links_makes_them_absolute_and_splits_internal_from_external():
    html = (
        '<p><a href="/records/A-1/">同站</a> <a href="mailto:x@example.gov.cn">邮件</a>'
        ' <a href="tel:0556-1234567">电话</a> <a href="#top">顶部</a>'
        ' <a href="javascript:alert(1)">脚本</a> <a href="HTTPS://Example.COM/x#part">外站</a>'
        ' <img src="pic.png"> <iframe src="//www.bet365.com/"></iframe>'
        ' <a href="https://ouhai.example.gov.cn/records/B/">另一站点</a>'
        ' <a href="/records/A-1/">重复</a></p>'
    )
    links = extract_links(
        html, "https://www.yj.example.gov.cn/records/R-9/", internal_hosts=["ouhai.example.gov.cn"]
    )
    assert [(link.url, link.tag, link.internal) for link in links] == [
        ("https://www.yj.example.gov.cn/records/A-1/", "a", True),
        ("https://example.com/x", "a", False),
        ("https://www.yj.example.gov.cn/records/R-9/pic.png", "img", True),
        ("https://www.bet365.com/", "iframe", False),
        ("https://ouhai.example.gov.cn/records/B/", "a", True),
    ]


def test_addresses_are_normalised_as_a_browser_sends_them():
    (link,) = extract_links(
        '<a href="http://User:pw@例子.测试/通知 公告.html?类别=1#第二段">x</a>',
        "https://a.example/",
    )
    assert link.url == (
        "http://xn--fsqu00a.xn--0zwm56d/%E9%80%9A%E7%9F%A5%20%E5%85%AC%E5%91%8A.html"
        "?%E7%B1%BB%E5%88%AB=1"
    )


# --- the suspicious-domain list -----------------------------------------------------------


def _default_matcher():
    return DomainMatcher((r["domain"], r["kind"], r["category"], "赌博") for r in default_entries())


@pytest.mark.parametrize(
    "host",
    [
        "bet365.com",
        "www.bet365.com",
        "m.188bet.com",
        "bet-365-win.net",
        "win.bet",
        "royalcasino88.net",
        "xpj-vip.com",
        "bet365.xx.example.gov.cn",  # a gambling name planted under a government domain
        "www.xinpujing888.com",
        "博彩网.com".encode("idna").decode(),
        "pornhub.com",
    ],
)
def test_gambling_and_porn_hosts_match(host):
    assert _default_matcher().match(host) is not None


@pytest.mark.parametrize(
    "host",
    [
        "alphabet.com",
        "www.tibet.cn",
        "better.com",
        "diabetes.org",
        "betterplace.org",
        "occasion.com",
        "www.cwl.gov.cn",  # 中国福利彩票: a state lottery, not gambling
        "www.lottery.gov.cn",  # 中国体育彩票
        "notbet365.com",
        "www.yingjiang.gov.cn",
    ],
)
def test_ordinary_hosts_do_not_match(host):
    assert _default_matcher().match(host) is None


def test_the_defaults_are_seeded_at_migrate_and_a_switched_off_one_stays_off():
    from django.apps import apps as global_apps

    from gongkai.oversight.linkcheck.domains import seed_after_migrate

    assert SuspiciousDomain.objects.filter(domain="bet365.com", category="gambling").exists()
    SuspiciousDomain.objects.filter(domain="poker").update(is_active=False)
    SuspiciousDomain.objects.filter(domain="casino").delete()
    seed_after_migrate(None, apps=global_apps)
    assert SuspiciousDomain.objects.get(domain="poker").is_active is False
    assert SuspiciousDomain.objects.get(domain="casino").is_active is True


@pytest.mark.parametrize(
    ("value", "kind", "stored"),
    [("*.Evil-Bet.example.", "domain", "evil-bet.example"), ("Casino", "keyword", "casino")],
)
def test_entries_are_normalised(value, kind, stored):
    assert normalise_pattern(value, kind) == stored


@pytest.mark.parametrize(
    ("value", "kind"), [("http://x.com/path", "domain"), ("bo", "keyword"), ("a.b", "keyword")]
)
def test_bad_entries_are_refused_in_chinese(value, kind):
    with pytest.raises(ValueError, match="[\u4e00-\u9fff]"):
        normalise_pattern(value, kind)


def test_admin_lists_and_adds_suspicious_domains(admin_client):
    page = admin_client.get("/admin/oversight/suspiciousdomain/").content.decode()
    assert "可疑域名" in page and "bet365.com" in page
    response = admin_client.post(
        "/admin/oversight/suspiciousdomain/add/",
        {"domain": "HTTP://bad", "kind": "domain", "category": "gambling", "is_active": "on"},
    )
    assert response.status_code == 200 and "请填写域名" in response.content.decode()
    admin_client.post(
        "/admin/oversight/suspiciousdomain/add/",
        {"domain": "Lucky-Spin.example", "kind": "domain", "category": "fraud", "is_active": "on"},
    )
    assert SuspiciousDomain.objects.get(domain="lucky-spin.example").category == "fraud"
    assert "外部链接检查结果" in admin_client.get("/admin/oversight/linkstatus/").content.decode()


# --- fetching ----------------------------------------------------------------------------


def test_statuses_of_a_real_server(server, local):
    report = check_urls(
        [server.url(p) for p in ("/ok", "/missing", "/error", "/no-head")], time_budget_seconds=10
    )
    got = {urlsplit(u).path: (r.status, r.http_status) for u, r in report.items()}
    assert got == {
        "/ok": ("ok", 200),
        "/missing": ("broken", 404),
        "/error": ("broken", 500),
        "/no-head": ("ok", 200),
    }
    assert ("HEAD", "/ok") in server.log and ("GET", "/ok") not in server.log
    assert ("GET", "/no-head") in server.log  # HEAD refused (405), GET asked
    assert ("GET", "/missing") in server.log  # a 404 to HEAD is confirmed by GET
    assert "404" in report[server.url("/missing")].reason
    assert LinkStatus.objects.get(url=server.url("/error")).status == "broken"


def test_redirects_are_followed_up_to_the_limit(server, local):
    within, beyond, loop = server.url("/redirect/3"), server.url("/redirect/9"), server.url("/loop")
    report = check_urls([within, beyond, loop], max_redirects=5, time_budget_seconds=10)
    assert report[within].status == "ok" and report[within].final_url == server.url("/redirect/0")
    assert report[beyond].status == "caution" and "超过 5 次" in report[beyond].reason
    # 9 → 8 → … → 4 is five hops; the sixth (to 3) is not requested: only `within` asked for 3
    assert [server.paths().count(f"/redirect/{n}") for n in (9, 4, 3, 0)] == [1, 1, 1, 1]
    assert report[loop].status == "broken" and "循环" in report[loop].reason


def test_a_redirect_to_a_suspicious_domain_is_danger(server, local):
    url = server.url("/to-casino")
    result = check_urls([url], time_budget_seconds=10)[url]
    assert result.status == "danger"
    assert result.final_url == "http://www.royal-casino88.example/welcome"
    assert "赌博" in result.reason and "casino" in result.reason


def test_a_suspicious_host_is_danger_without_any_request():
    # no network here: a fetch or even a DNS lookup would make it "broken", not "danger"
    report = check_urls(["http://www.bet365.com/zh-chs/", "https://sub.win.bet/"])
    assert {r.status for r in report.values()} == {"danger"}
    assert LinkStatus.objects.get(url="http://www.bet365.com/zh-chs/").status == "danger"


def test_the_time_budget_leaves_the_rest_unchecked_and_they_go_first_next_time(server, local):
    slow, a, b = server.url("/slow?s=3"), server.url("/ok?a"), server.url("/ok?b")
    started = time.monotonic()
    report = check_urls([slow, a, b], time_budget_seconds=1, per_host_concurrency=1)
    assert time.monotonic() - started < 2.5
    assert report.unchecked == [slow, a, b] and not report
    assert not LinkStatus.objects.exists()  # nothing unchecked is stored as a result
    # next run: an address checked two days ago is stale, the never-checked one goes first
    stale = server.url("/ok?c")
    LinkStatus.objects.create(
        url=stale, status="ok", http_status=200, checked_at=timezone.now() - timedelta(days=2)
    )
    server.log.clear()
    check_urls([stale, a], time_budget_seconds=10, per_host_concurrency=1)
    assert server.paths() == ["/ok?a", "/ok?c"]


def test_a_chinese_address_is_requested_percent_encoded_and_a_too_long_one_not_at_all(
    server, local
):
    long = server.url("/ok?" + "x" * 2100)
    report = check_urls([server.url("/通知"), long])
    assert server.log == [("HEAD", "/%E9%80%9A%E7%9F%A5"), ("GET", "/%E9%80%9A%E7%9F%A5")]
    assert report[server.url("/%E9%80%9A%E7%9F%A5")].status == "broken"  # 404 there
    assert report[long].status == "caution" and "过长" in report[long].reason
    assert LinkStatus.objects.count() == 1


def test_a_self_signed_certificate_is_a_caution(server, local, tmp_path):
    import shutil
    import ssl
    import subprocess

    if not shutil.which("openssl"):
        pytest.skip("openssl is needed to make a certificate")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
         "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    tls = _Server()
    tls.httpd.socket = context.wrap_socket(tls.httpd.socket, server_side=True)
    tls.thread.start()
    try:
        url = tls.url("/ok").replace("http://", "https://")
        result = check_urls([url], time_budget_seconds=10)[url]
    finally:
        tls.httpd.shutdown()
        tls.httpd.server_close()
    assert result.status == "caution" and "证书" in result.reason


def test_a_server_slower_than_the_timeout_is_broken(server, local):
    url = server.url("/slow?s=2")
    result = check_urls([url], timeout=0.5, time_budget_seconds=10)[url]
    assert result.status == "broken" and "无响应" in result.reason


def test_at_most_two_requests_at_a_time_to_one_host(server, local):
    urls = [server.url(f"/wait?{i}") for i in range(8)]
    report = check_urls(urls, per_host_concurrency=2, time_budget_seconds=30)
    assert {r.status for r in report.values()} == {"ok"} and len(report) == 8, report
    assert server.most == 2, server.log  # parallel, and never more than the limit


def test_a_second_run_within_a_day_makes_no_request(server, local):
    urls = [server.url("/ok"), server.url("/missing")]
    first = check_urls(urls, time_budget_seconds=10)
    requests = len(server.log)
    second = check_urls(urls, time_budget_seconds=10)
    assert len(server.log) == requests
    assert {u: r.status for u, r in second.items()} == {u: r.status for u, r in first.items()}
    LinkStatus.objects.update(checked_at=timezone.now() - timedelta(hours=25))
    check_urls(urls, time_budget_seconds=10)
    assert len(server.log) > requests  # a day later it is fetched again
    assert LinkStatus.objects.count() == 2  # and its row updated, not duplicated
    assert not LinkStatus.objects.filter(checked_at__lt=timezone.now() - timedelta(hours=1))


def test_a_cached_result_turns_danger_as_soon_as_its_domain_is_listed(server, local):
    url = server.url("/ok")
    assert check_urls([url])[url].status == "ok"
    entry = SuspiciousDomain.objects.create(domain="127.0.0.1", kind="domain", category="other")
    assert check_urls([url])[url].status == "danger"
    assert len(server.log) == 1  # no new request: the host alone decides
    entry.is_active = False  # switched off again: the day-old "ok" holds
    entry.save()
    assert check_urls([url])[url].status == "ok" and len(server.log) == 1


def test_a_danger_whose_entry_is_switched_off_is_fetched_again(server, local):
    url = server.url("/ok")
    entry = SuspiciousDomain.objects.create(domain="127.0.0.1", kind="domain", category="other")
    assert check_urls([url])[url].status == "danger" and server.log == []
    assert LinkStatus.objects.get(url=url).status == "danger"
    entry.is_active = False  # a false positive: not danger for the rest of the day
    entry.save()
    assert check_urls([url])[url].status == "ok" and len(server.log) == 1


# --- SSRF -----------------------------------------------------------------------------------


def test_private_and_loopback_addresses_are_never_fetched(server):
    urls = [
        server.url("/ok"),
        server.url("/ok").replace("127.0.0.1", "localhost"),
        f"http://[::ffff:127.0.0.1]:{server.httpd.server_address[1]}/ok",
        "http://169.254.169.254/latest/meta-data/",  # a cloud's metadata service
        "http://10.1.2.3/admin",
        "http://192.168.1.1/",
    ]
    report = check_urls(urls, time_budget_seconds=10)
    assert server.log == []
    assert {r.status for r in report.values()} == {"broken"}
    assert all("内网或本机" in r.reason or "本机地址" in r.reason for r in report.values())


def test_a_redirect_towards_the_intranet_is_not_followed(server, settings):
    other = _Server()  # a second "internal" service the redirect would reach
    other.thread.start()
    try:
        # only the first server is an allowed exception: every hop is vetted again
        settings.LINKCHECK_ALLOW_PRIVATE_ADDRESSES = {f"127.0.0.1:{server.httpd.server_address[1]}"}
        loopback = server.url(f"/to-loopback?port={other.httpd.server_address[1]}")
        intranet = server.url("/to-intranet")
        report = check_urls([loopback, intranet], time_budget_seconds=10)
    finally:
        other.httpd.shutdown()
        other.httpd.server_close()
    assert other.log == [] and len(server.log) == 2
    assert report[intranet].status == "broken" and "10.0.0.8" in report[intranet].reason
    assert report[loopback].status == "broken" and "内网或本机" in report[loopback].reason
    assert report[intranet].final_url == "http://10.0.0.8/oa/"


def test_a_name_that_resolves_to_a_private_address_is_not_fetched(server):
    name = socket.gethostname()
    import ipaddress

    try:
        addresses = {i[4][0] for i in socket.getaddrinfo(name, None)}
    except socket.gaierror:
        pytest.skip("this machine's name does not resolve")
    if any(ipaddress.ip_address(a.split("%")[0]).is_global for a in addresses):
        pytest.skip("this machine's name resolves to a public address")
    url = f"http://{name}:{server.httpd.server_address[1]}/ok"
    result = check_urls([url], time_budget_seconds=10)[url]
    assert result.status == "caution" and "解析到内网地址" in result.reason
    assert server.log == []


# --- findings of published records ---------------------------------------------------------


@pytest.fixture
def records_site(yingjiang, media_root):
    """The demo serves 迎江区 at 127.0.0.1 too, which would make the test server's links
    internal ones (resolved in-process, never fetched): here the site has its own name only."""
    from gongkai.core.sites import forget_site_hosts

    yingjiang.hostnames = "yingjiang.localhost"
    yingjiang.save(update_fields=["hostnames"])
    forget_site_hosts()
    return yingjiang


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _publish(body, **extra):
    from tests.conftest import org
    from tests.records.conftest import make_leaf

    site = Record._meta.get_field("site").related_model.objects.get(slug="yingjiang")
    housing = org(site, "区住房和城乡建设局")
    leaf = make_leaf(site, organisations=[housing])
    return published(user("yj_editor"), user("yj_reviewer"), housing, leaf, body=body, **extra)


def test_findings_for_broken_danger_and_caution_links(records_site, server, local):
    target = _publish("<p>被引用的通知</p>")
    withdrawn = _publish("<p>已撤回的通知</p>", title="已撤回的通知")
    workflow.withdraw(user("yj_reviewer"), withdrawn, "内容有误")
    body = (
        f'<p><a href="/records/{target.index_number}/">有效的站内信息</a>'
        f' <a href="/records/{withdrawn.index_number}/">已撤回</a>'
        ' <a href="/records/NO-SUCH-NUMBER/">不存在</a>'
        ' <a href="/no/such/page/">无效地址</a>'
        ' <a href="/staff/records/">后台</a>'
        f' <a href="{server.url("/ok")}">外站正常</a>'
        f' <a href="{server.url("/missing")}">外站失效</a>'
        f' <a href="{server.url("/redirect/9")}">多次跳转</a>'
        ' <a href="http://www.888casino.example/">暗链</a>'
        ' <a href="mailto:office@example.gov.cn">邮件</a></p>'
    )
    record = _publish(body, title="关于老旧小区改造的通知")
    drafts = {d.key: d for d in link_findings(records_site, time_budget_seconds=20)}
    mine = {
        k.split(":link:", 1)[1]: d
        for k, d in drafts.items()
        if k.startswith(f"record:{record.pk}:")
    }
    by_path = {urlsplit(u).path if "127.0.0.1" not in u else u: d for u, d in mine.items()}
    assert set(by_path) == {
        f"/records/{withdrawn.index_number}/",
        "/records/NO-SUCH-NUMBER/",
        "/no/such/page/",
        "/staff/records/",
        server.url("/missing"),
        server.url("/redirect/9"),
        "/",  # the casino host's root
    }, sorted(mine)
    assert by_path[f"/records/{withdrawn.index_number}/"].severity == Severity.DEDUCTION
    assert "已撤回" in by_path[f"/records/{withdrawn.index_number}/"].detail
    assert by_path["/records/NO-SUCH-NUMBER/"].points > 0
    assert by_path["/staff/records/"].severity == Severity.WARNING
    assert by_path[server.url("/missing")].severity == Severity.DEDUCTION
    assert by_path[server.url("/redirect/9")].severity == Severity.WARNING
    danger = by_path["/"]
    assert danger.severity == Severity.VETO and "可疑" in danger.title
    assert danger.key == f"record:{record.pk}:link:http://www.888casino.example/"
    assert danger.item_url == f"/staff/records/{record.pk}/"
    assert danger.organisation == record.organisation
    record.refresh_from_db()
    assert record.state == "published"  # a danger link withdraws nothing by itself
    # one link at a time (no bulk look-up) comes to the same verdicts
    from gongkai.oversight.linkcheck.internal import check_internal

    base = "https://yingjiang.localhost/records/"
    assert check_internal(f"{base}{withdrawn.index_number}/", records_site).status == "broken"
    assert check_internal(f"{base}{target.index_number}/", records_site).status == "ok"
    assert check_internal(f"{base}NO-SUCH-NUMBER/", records_site).status == "broken"
    assert not any(k.startswith(f"record:{target.pk}:") for k in drafts)


def test_a_link_to_one_of_our_own_hosts_is_resolved_not_fetched(yingjiang, server, local):
    assert "127.0.0.1" in yingjiang.hostname_list()  # the demo serves 迎江区 there too
    record = _publish(f'<p><a href="{server.url("/ok")}">站内</a></p>')
    (draft,) = link_findings(yingjiang)
    assert draft.key == f"record:{record.pk}:link:{server.url('/ok')}"
    assert "站内页面不存在" in draft.detail and server.log == []


def test_a_missing_attachment_file_is_a_broken_link(records_site):
    from django.core.files.base import ContentFile

    from gongkai.records.models import Attachment

    record = _publish("<p>附件见下</p>")
    attachment = Attachment(record=record, name="名单.pdf", kind="pdf", size=5, sha256="ab" * 32)
    attachment.file.save("x.pdf", ContentFile(b"%PDF-"), save=True)
    assert not list(link_findings(records_site))
    attachment.file.storage.delete(attachment.file.name)
    (draft,) = link_findings(records_site)
    assert "名单.pdf" in draft.detail and draft.severity == Severity.DEDUCTION


def test_the_links_check_is_registered():
    check = {c.code: c for c in registered_checks()}["links"]
    assert check.func is link_findings and "链接" in check.indicator
