"""Read-only queries the portal, feeds, sitemap, API and other apps use."""

from __future__ import annotations

from collections import OrderedDict

from django.db.models import Q, QuerySet

from .models import InterpretationRule, Kind, Record, RevisionState, State

PUBLIC_STATES = (State.PUBLISHED, State.WITHDRAWN, State.EXPIRED)
LISTED_STATES = (State.PUBLISHED, State.EXPIRED)


def published_records(site=None) -> QuerySet[Record]:
    """Records the public sees in lists (published, and expired ones marked so)."""
    qs = Record.objects.filter(state__in=LISTED_STATES, published_at__isnull=False)
    if site is not None:
        qs = qs.filter(site=site)
    return qs.select_related("organisation", "catalogue_item").order_by("-published_at", "-id")


# What a link to a record needs: lists, neighbours, related records. Loading only these keeps
# a detail page from compiling and reading every wide column of a dozen records.
LINK_FIELDS = (
    "id",
    "title",
    "index_number",
    "published_at",
    "state",
    "validity",
    "kind",
    "organisation__name",
)


def record_links(qs: QuerySet[Record]) -> QuerySet[Record]:
    return qs.select_related(None).select_related("organisation").only(*LINK_FIELDS)


def published_records_for_item(item) -> QuerySet[Record]:
    """The records of one catalogue item, newest first: for the catalogue's leaf page."""
    return published_records().filter(catalogue_item=item)


def neighbours(record: Record) -> tuple[Record | None, Record | None]:
    """Previous (older) and next (newer) record in the same column (catalogue item)."""
    older, newer = (list(qs[:1]) for qs in neighbour_querysets(record))
    return (older[0] if older else None), (newer[0] if newer else None)


def neighbour_querysets(record: Record) -> tuple[QuerySet[Record], QuerySet[Record]]:
    column = record_links(published_records().filter(catalogue_item=record.catalogue_item_id))
    # The plain bound (published_at ≤ / ≥) beside the OR lets the (catalogue_item, published_at,
    # id) index start at this record; with the OR alone SQLite walks the whole column from its
    # end (1.5 ms of SQL per page in a column of 5,000 records, growing with the column).
    older = column.filter(published_at__lte=record.published_at).filter(
        Q(published_at__lt=record.published_at)
        | Q(published_at=record.published_at, id__lt=record.id)
    )
    newer = (
        column.filter(published_at__gte=record.published_at)
        .filter(
            Q(published_at__gt=record.published_at)
            | Q(published_at=record.published_at, id__gt=record.id)
        )
        .order_by("published_at", "id")
    )
    return older, newer


# The latest records of a column are the same for every record page of that column: kept in
# the process per (column, site version). Any publish, withdrawal or expiry touches the site
# (core.sites.touch_site), so its version changes and the next page reads the column afresh.
_COLUMN_LATEST: OrderedDict = OrderedDict()
_COLUMN_LATEST_MAX = 512


def forget_column_latest() -> None:
    _COLUMN_LATEST.clear()


def column_latest(record: Record, count: int) -> list[Record]:
    """The column's `count` latest listed records (links only), newest first."""
    version = record.site.content_changed_at
    key = (record.catalogue_item_id, record.site_id, version, count)
    latest = _COLUMN_LATEST.get(key)
    if latest is None:
        latest = list(
            record_links(published_records().filter(catalogue_item=record.catalogue_item_id))[
                :count
            ]
        )
        _COLUMN_LATEST[key] = latest
        if len(_COLUMN_LATEST) > _COLUMN_LATEST_MAX:
            _COLUMN_LATEST.popitem(last=False)
    else:
        _COLUMN_LATEST.move_to_end(key)
    return latest


def related_records(record: Record, limit: int = 5) -> list[Record]:
    """相关信息: the records chosen as related, then the column's latest ones."""
    chosen = list(record_links(record.related.filter(state__in=LISTED_STATES))[:limit])
    if len(chosen) < limit:
        skip = {record.pk, record.policy_id, *(r.pk for r in chosen)}
        # Enough candidates that `limit` remain after dropping the ones in `skip`.
        candidates = column_latest(record, 2 * limit + 2)
        chosen += [r for r in candidates if r.pk not in skip][: limit - len(chosen)]
    return chosen


def interpretations_of(record: Record) -> QuerySet[Record]:
    """Published interpretations of a policy. Only policies are explained (workflow refuses an
    interpretation of anything else), so other records need no query."""
    if record.kind != Kind.POLICY:
        return Record.objects.none()
    return record.interpretations.filter(state__in=LISTED_STATES).order_by("published_at")


def interpretation_pending(record: Record) -> bool:
    """解读待发布: a policy whose leaf asks for an interpretation that is not published yet."""
    from .workflow import interpretation_rule

    if record.kind != Kind.POLICY:
        return False
    if interpretation_rule(record.catalogue_item) == InterpretationRule.NONE:
        return False
    return not interpretations_of(record).exists()


def update_history(record: Record):
    """更新记录: published versions after the first, oldest first."""
    return record.revisions.filter(state=RevisionState.PUBLISHED, number__gt=1).order_by("number")
