"""Search on every app node without copying index files: a PostgreSQL (or SQLite) outbox.

With SEARCH_OUTBOX on, `service.index_on_commit` writes an IndexChange row in the change's own
transaction (a rollback leaves none) and, on PostgreSQL, `NOTIFY gongkai_search` on commit.
Each app node runs `gongkai search follow`: it applies the changes after its position, in id
order, to its own index (re-reading the source, so applying twice is harmless) and stores the
new position in SearchNode.

Ids are taken at insert time but transactions commit in any order, so a lower id can appear
after a higher one was applied. The stored position therefore only passes a gap in the ids
once the gap is GAP_WAIT_S old (a rolled-back insert leaves a gap for ever); changes after a
fresh gap are applied again next time.

A node rebuilds from the database when its index directory is gone, it has no position yet, or
its position is older than the oldest retained change (prune_outbox); the position it stores
is the one taken before the rebuild started, so changes made during the rebuild are applied
after it. While it rebuilds, searches on it carry REBUILD_NOTICE instead of failing.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import service
from .backends.base import SearchBackend
from .models import IndexChange, SearchNode

log = logging.getLogger(__name__)

CHANNEL = "gongkai_search"
BATCH = 500
GAP_WAIT_S = 30.0
POLL_S = 1.0
REBUILD_NOTICE = _("检索索引正在重建，结果可能不完整")


def node_name() -> str:
    return getattr(settings, "SEARCH_NODE", "") or "default"


# --- writing ---------------------------------------------------------------------------------


def record_changes(source: str, keys: Iterable, kind: str = IndexChange.Kind.UPSERT) -> int:
    """Outbox rows for these keys in the current transaction; NOTIFY followers on commit.
    An upsert is applied as a refresh: what no longer loads is removed."""
    rows = [IndexChange(kind=kind, source=source, key=str(k)) for k in dict.fromkeys(keys)]
    if not rows:
        return 0
    IndexChange.objects.bulk_create(rows)
    if connection.vendor == "postgresql":
        transaction.on_commit(_notify)
    return len(rows)


def _notify() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_notify(%s, '')", [CHANNEL])


def prune_outbox(keep_days: int) -> int:
    """Delete changes older than keep_days; the newest row always stays, so a node can still
    tell that it missed pruned changes (its position is below the oldest id)."""
    newest = IndexChange.objects.order_by("-id").values_list("id", flat=True).first()
    if newest is None:
        return 0
    cutoff = timezone.now() - timedelta(days=keep_days)
    deleted, _ = IndexChange.objects.filter(created_at__lt=cutoff).exclude(id=newest).delete()
    return deleted


# --- applying --------------------------------------------------------------------------------


def safe_position(start: int, ids: list[int], created: dict[int, object]) -> int:
    """The highest id up to which no change can still appear: contiguous from `start`, or past
    a gap older than GAP_WAIT_S."""
    position = start
    old = timezone.now() - timedelta(seconds=GAP_WAIT_S)
    for change_id in ids:
        if change_id != position + 1 and created[change_id] > old:
            break
        position = change_id
    return position


def _apply(backend: SearchBackend, changes: list[IndexChange]) -> None:
    by_source: dict[str, list[str]] = {}
    for change in changes:
        by_source.setdefault(change.source, []).append(change.key)
    for name, keys in by_source.items():
        source = service.sources().get(name)
        if source is None or source.load is None:
            log.warning("检索变更的数据源未注册：%s", name)
            continue
        keys = list(dict.fromkeys(keys))
        lookup = [int(k) if k.isdigit() else k for k in keys]
        docs = list(source.load(lookup))
        if docs:
            backend.index(docs)
        if source.doc_id is not None:
            present = {d.doc_id for d in docs}
            gone = [source.doc_id(k) for k in lookup if source.doc_id(k) not in present]
            if gone:
                backend.delete(gone)


def _set_node(name: str, **fields) -> SearchNode:
    node, _ = SearchNode.objects.update_or_create(name=name, defaults=fields)
    return node


def rebuild(name: str, backend: SearchBackend) -> int:
    """Rebuild the node's index from the sources; its position becomes what the outbox held
    before the rebuild began (the safe part of it), so nothing committed meanwhile is lost."""
    recent_since = timezone.now() - timedelta(seconds=GAP_WAIT_S)
    older = IndexChange.objects.filter(created_at__lte=recent_since)
    base = older.order_by("-id").values_list("id", flat=True).first() or 0
    rows = list(
        IndexChange.objects.filter(id__gt=base).order_by("id").values_list("id", "created_at")
    )
    if base == 0 and rows:
        base = rows[0][0] - 1
    position = safe_position(base, [r[0] for r in rows], dict(rows))
    _set_node(name, rebuilding=True)
    try:
        service.ensure_dictionary()
        batches = (list(b) for s in service.sources().values() for b in s.batches())
        backend.replace_all(batches)
        backend.mark_built()
    finally:
        _set_node(name, rebuilding=False, position=position)
    return position


def apply_pending(
    name: str | None = None, backend: SearchBackend | None = None, batch: int = BATCH
) -> int:
    """Bring this node's index up to the outbox; returns how many changes were applied.
    Rebuilds first when the index is gone, the node is new or it missed pruned changes."""
    name = name or node_name()
    backend = backend or service.get_backend()
    node = SearchNode.objects.filter(name=name).first()
    oldest = IndexChange.objects.order_by("id").values_list("id", flat=True).first()
    missing = backend.missing()
    if missing or backend.replaced():
        backend = service.reopen(backend)
    if node is None or missing or (oldest is not None and node.position < oldest - 1):
        position = rebuild(name, backend)
    else:
        position = node.position
    service.ensure_dictionary()
    applied = 0
    while True:
        changes = list(IndexChange.objects.filter(id__gt=position).order_by("id")[:batch])
        if not changes:
            break
        _apply(backend, changes)
        applied += len(changes)
        ids = [c.id for c in changes]
        new = safe_position(position, ids, {c.id: c.created_at for c in changes})
        if new != position:
            _set_node(name, position=new)
        if new != ids[-1] or len(changes) < batch:
            break  # a fresh gap: these are applied again next time
        position = new
    return applied


def is_rebuilding(name: str | None = None) -> bool:
    return SearchNode.objects.filter(name=name or node_name(), rebuilding=True).exists()


# --- following -------------------------------------------------------------------------------


def follow(
    name: str | None = None,
    backend: SearchBackend | None = None,
    *,
    stop: Callable[[], bool] = lambda: False,
    poll: float = POLL_S,
    on_applied: Callable[[int], None] | None = None,
) -> None:
    """Apply changes as they come: woken by NOTIFY on PostgreSQL (waiting at most `poll`
    seconds), polling every `poll` seconds elsewhere. Runs until stop() is true."""
    listening = connection.vendor == "postgresql"
    listened_on = None  # the psycopg connection LISTEN ran on: a reconnect needs it again

    def listen() -> None:
        nonlocal listened_on
        connection.ensure_connection()
        if connection.connection is not listened_on:
            with connection.cursor() as cursor:
                cursor.execute(f"LISTEN {CHANNEL}")
            listened_on = connection.connection

    try:
        while not stop():
            try:
                if listening:
                    listen()
                count = apply_pending(name, backend)
            except DatabaseError:  # the database went away: retry, never die
                log.exception("检索变更应用失败，稍后重试")
                connection.close()
                time.sleep(poll)
                continue
            if on_applied is not None and count:
                on_applied(count)
            if stop():
                break
            if listening:
                for _note in connection.connection.notifies(timeout=poll, stop_after=1):
                    pass
            else:
                time.sleep(poll)
    finally:
        if listening and connection.connection is not None:
            try:
                with connection.cursor() as cursor:
                    cursor.execute(f"UNLISTEN {CHANNEL}")
            except DatabaseError:
                pass  # the connection is gone, and its LISTEN with it
