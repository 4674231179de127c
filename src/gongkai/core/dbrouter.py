"""Send public reads to a PostgreSQL streaming read replica (issue 16).

Only anonymous GET/HEAD requests for public pages read from the replica; everything else —
staff, logged-in users, unsafe methods, the staff/admin/API paths, background workers,
management commands — reads from the primary. A browser that wrote something (any unsafe
request) gets a short-lived `gk_rw` cookie, and for READ_YOUR_WRITES_SECONDS after it reads
from the primary too, so it sees its own submission although the replica lags a little.

The decision is made once per request by `ReplicaRoutingMiddleware` and kept in a contextvar
(reset when the request ends), never in a thread-local that could leak into the next request.
If the replica cannot be reached, reads fall back to the primary and the failure is remembered
for REPLICA_RETRY_SECONDS, so a dead replica costs one failed connect per process per interval
and never a 500 for the visitor.

Enabled by settings when GONGKAI_REPLICA_URL is set; docs/deploy.md describes the setup."""

import contextvars
import logging
import time

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import ConnectionDoesNotExist

logger = logging.getLogger(__name__)

REPLICA_ALIAS = "replica"
RW_COOKIE = "gk_rw"
READ_YOUR_WRITES_SECONDS = 10
REPLICA_RETRY_SECONDS = 30
SAFE_METHODS = frozenset({"GET", "HEAD"})
# Paths that are not public pages, or whose answers must be current (health, API tokens).
PRIMARY_PATH_PREFIXES = (
    "/staff/",
    "/admin/",
    "/api/",
    "/healthz",
    "/prefs/",
    "/participate/account/",
)
# Tables whose reads decide something right now: sessions and the database cache (which
# holds rate-limit counters and lockouts) are always read where they are written.
PRIMARY_ONLY_APPS = frozenset({"sessions", "django_cache"})

# The alias reads go to in the current request; primary unless the middleware says otherwise.
_read_alias: contextvars.ContextVar[str] = contextvars.ContextVar(
    "gongkai_read_alias", default=DEFAULT_DB_ALIAS
)
_replica_down_until = 0.0  # monotonic time until which the replica counts as dead


def current_read_alias() -> str:
    return _read_alias.get()


def replica_configured() -> bool:
    try:
        connections[REPLICA_ALIAS]
    except ConnectionDoesNotExist:
        return False
    return True


def forget_replica_failure() -> None:
    """Forget a remembered replica failure (tests; an operator after fixing the replica)."""
    global _replica_down_until
    _replica_down_until = 0.0


def replica_available() -> bool:
    """Whether the replica can be used now: cheap when its connection is open and healthy."""
    global _replica_down_until
    if not replica_configured():
        return False
    if time.monotonic() < _replica_down_until:
        return False
    connection = connections[REPLICA_ALIAS]
    try:
        connection.close_if_health_check_failed()
        connection.ensure_connection()
    except Exception as error:  # noqa: BLE001 - any failure to connect means: use the primary
        _replica_down_until = time.monotonic() + REPLICA_RETRY_SECONDS
        connection.close()
        logger.warning(
            "只读副本不可用，%s 秒内读主库：%s",
            REPLICA_RETRY_SECONDS,
            " ".join(str(error).split())[:200],
        )
        return False
    return True


def wrote_recently(request, now: float | None = None) -> bool:
    """True while the browser's read-your-writes cookie is fresh (or unreadable: be safe)."""
    value = request.COOKIES.get(RW_COOKIE)
    if value is None:
        return False
    try:
        written_at = float(value)
    except ValueError:
        return True
    now = time.time() if now is None else now
    return now - written_at < READ_YOUR_WRITES_SECONDS


def may_read_replica(request) -> bool:
    """The routing rule, without looking at the replica's health."""
    if request.method not in SAFE_METHODS:
        return False
    if request.path.startswith(PRIMARY_PATH_PREFIXES):
        return False
    if wrote_recently(request):
        return False
    user = getattr(request, "user", None)
    return not (user is not None and (user.is_authenticated or user.is_staff))


class ReplicaRoutingMiddleware:
    """Choose the read database for this request; mark browsers that just wrote."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        alias = DEFAULT_DB_ALIAS
        if may_read_replica(request) and replica_available():
            alias = REPLICA_ALIAS
        request.read_db_alias = alias
        token = _read_alias.set(alias)
        try:
            response = self.get_response(request)
        finally:
            _read_alias.reset(token)
        if request.method not in SAFE_METHODS:
            response.set_cookie(
                RW_COOKIE,
                str(int(time.time())),
                max_age=READ_YOUR_WRITES_SECONDS,
                httponly=True,
                samesite="Lax",
            )
        return response


class ReplicaRouter:
    """Reads to the replica when the request allows it; writes and migrations to the primary."""

    def db_for_read(self, model, **hints):
        if _read_alias.get() != REPLICA_ALIAS:
            return DEFAULT_DB_ALIAS
        if model._meta.app_label in PRIMARY_ONLY_APPS:
            return DEFAULT_DB_ALIAS
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS  # inside a transaction, read what it sees
        return REPLICA_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of the primary: same rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS
