"""The read-replica router (issue 16): who reads from the replica, and the dead-replica fallback.

The decision tests run everywhere. The PostgreSQL tests add a `replica` alias at run time: one
pointing at the test database itself (reads really go through the second connection), one
pointing at a closed port (reads fall back to the primary and the page still renders)."""

import logging
import socket
import time

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import AnonymousUser
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import load_backend
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from gongkai.core import dbrouter
from gongkai.core.dbrouter import (
    REPLICA_ALIAS,
    RW_COOKIE,
    ReplicaRouter,
    ReplicaRoutingMiddleware,
    may_read_replica,
)
from gongkai.core.demo import load_demo
from gongkai.core.models import Site, User
from tests.conftest import login_verified

MIDDLEWARE_PATH = "gongkai.core.dbrouter.ReplicaRoutingMiddleware"
ROUTER_PATH = "gongkai.core.dbrouter.ReplicaRouter"


class _User:
    def __init__(self, authenticated=True, staff=False):
        self.is_authenticated = authenticated
        self.is_staff = staff


def _request(method="get", path="/", user=None, cookies=None):
    request = getattr(RequestFactory(), method)(path)
    request.user = user or AnonymousUser()
    request.COOKIES.update(cookies or {})
    return request


def test_anonymous_get_may_read_the_replica():
    assert may_read_replica(_request("get", "/"))
    assert may_read_replica(_request("head", "/records/"))


def test_unsafe_methods_read_the_primary():
    for method in ("post", "put", "patch", "delete"):
        assert not may_read_replica(_request(method, "/foi/apply/"))


def test_logged_in_and_staff_read_the_primary():
    assert not may_read_replica(_request(user=_User(authenticated=True)))
    assert not may_read_replica(_request(user=_User(authenticated=True, staff=True)))


def test_private_paths_read_the_primary():
    for path in ("/staff/", "/admin/login/", "/api/v1/records", "/healthz"):
        assert not may_read_replica(_request("get", path))


def test_fresh_write_cookie_reads_the_primary_stale_one_does_not():
    now = time.time()
    assert not may_read_replica(_request(cookies={RW_COOKIE: str(int(now) - 2)}))
    assert may_read_replica(_request(cookies={RW_COOKIE: str(int(now) - 11)}))
    # An unreadable cookie errs on the side of freshness.
    assert not may_read_replica(_request(cookies={RW_COOKIE: "garbage"}))


def test_router_follows_the_request_and_writes_go_to_the_primary():
    router = ReplicaRouter()
    seen = {}

    def view(request):
        seen["read"] = router.db_for_read(Site)
        seen["session_read"] = router.db_for_read(_session_model())
        seen["write"] = router.db_for_write(Site)
        return HttpResponse("ok")

    # Force the replica as if it were healthy, to see what the router does with the decision.
    token = dbrouter._read_alias.set(REPLICA_ALIAS)
    try:
        view(None)
    finally:
        dbrouter._read_alias.reset(token)
    assert seen == {"read": REPLICA_ALIAS, "session_read": DEFAULT_DB_ALIAS, "write": "default"}
    # Outside a request (workers, commands) everything reads the primary.
    assert router.db_for_read(Site) == DEFAULT_DB_ALIAS
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "core")
    assert not router.allow_migrate(REPLICA_ALIAS, "core")
    assert router.allow_relation(object(), object())


def _session_model():
    from django.contrib.sessions.models import Session

    return Session


def test_middleware_sets_the_write_cookie_and_resets_the_choice():
    seen = []

    def view(request):
        seen.append(dbrouter.current_read_alias())
        return HttpResponse("ok")

    middleware = ReplicaRoutingMiddleware(view)
    response = middleware(_request("post", "/foi/apply/"))
    assert seen == [DEFAULT_DB_ALIAS]
    cookie = response.cookies[RW_COOKIE]
    assert cookie["max-age"] == dbrouter.READ_YOUR_WRITES_SECONDS
    assert time.time() - float(cookie.value) < 5
    # A GET sets no cookie; with no replica configured it reads the primary.
    response = middleware(_request("get", "/"))
    assert RW_COOKIE not in response.cookies
    assert seen[-1] == DEFAULT_DB_ALIAS
    assert dbrouter.current_read_alias() == DEFAULT_DB_ALIAS


# --- PostgreSQL: a real second connection ---------------------------------------------------


def _require_postgresql():
    # The settings, not the connection: opening it before the test database exists would
    # pin the connection to the development database.
    if django_settings.DATABASES[DEFAULT_DB_ALIAS]["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("只读副本测试需要 PostgreSQL（设置 GONGKAI_DATABASE_URL=postgres://…）")


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def replica(settings):
    """Install the router and middleware and a `replica` alias built by the test."""
    _require_postgresql()
    settings.DATABASE_ROUTERS = [ROUTER_PATH]
    middleware = list(settings.MIDDLEWARE)
    middleware.insert(middleware.index("django_otp.middleware.OTPMiddleware") + 1, MIDDLEWARE_PATH)
    settings.MIDDLEWARE = middleware
    dbrouter.forget_replica_failure()
    # With GONGKAI_REPLICA_URL set the configured alias would be guarded by the test case;
    # the test's own run-time alias stands in for it.
    configured = connections.settings.pop(REPLICA_ALIAS, None)

    def add(**overrides):
        config = dict(connections[DEFAULT_DB_ALIAS].settings_dict)
        config["OPTIONS"] = {**config.get("OPTIONS", {}), "connect_timeout": 2}
        config.update(overrides)
        # A connection made at run time, as Django's test isolation allows: not in
        # settings.DATABASES, so the test case neither flushes nor guards it.
        wrapper = load_backend(config["ENGINE"]).DatabaseWrapper(config, REPLICA_ALIAS)
        setattr(connections._connections, REPLICA_ALIAS, wrapper)
        return wrapper

    yield add
    wrapper = getattr(connections._connections, REPLICA_ALIAS, None)
    if wrapper is not None:
        wrapper.close()
        delattr(connections._connections, REPLICA_ALIAS)
    if configured is not None:
        connections.settings[REPLICA_ALIAS] = configured
    dbrouter.forget_replica_failure()


@pytest.mark.django_db(transaction=True)
def test_replica_on_the_same_database_serves_anonymous_reads(replica, client):
    # Not pytest-django's admin_user: it would wrap the test in a transaction the replica's
    # connection cannot see into.
    load_demo()
    admin_user = User.objects.create_superuser("replica-admin", "a@example.org", "x" * 12)
    replica_connection = replica()
    with CaptureQueriesContext(replica_connection) as on_replica:
        response = client.get("/")
    assert response.status_code == 200
    tables = " ".join(query["sql"] for query in on_replica.captured_queries)
    assert "core_site" in tables or "records_record" in tables, tables[:500]

    # Staff read the primary, not the replica.
    login_verified(client, admin_user)
    with CaptureQueriesContext(replica_connection) as on_replica:
        assert client.get("/").status_code == 200
    assert on_replica.captured_queries == []


@pytest.mark.django_db(transaction=True)
def test_dead_replica_falls_back_to_the_primary(replica, client, caplog):
    load_demo()
    replica(HOST="127.0.0.1", PORT=str(_closed_port()))
    with caplog.at_level(logging.WARNING, logger="gongkai.core.dbrouter"):
        started = time.monotonic()
        first = client.get("/")
        second = client.get("/")
        elapsed = time.monotonic() - started
    assert first.status_code == 200 and second.status_code == 200
    warnings = [r for r in caplog.records if r.name == "gongkai.core.dbrouter"]
    assert len(warnings) == 1, "the failure is remembered, not retried on every request"
    assert "只读副本不可用" in warnings[0].getMessage()
    assert elapsed < 10
