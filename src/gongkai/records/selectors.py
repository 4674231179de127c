"""Read-only queries the portal, feeds, sitemap, API and other apps use."""

from __future__ import annotations

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
    column = record_links(published_records().filter(catalogue_item=record.catalogue_item_id))
    older = column.filter(
        Q(published_at__lt=record.published_at)
        | Q(published_at=record.published_at, id__lt=record.id)
    ).first()
    newer = (
        column.filter(
            Q(published_at__gt=record.published_at)
            | Q(published_at=record.published_at, id__gt=record.id)
        )
        .order_by("published_at", "id")
        .first()
    )
    return older, newer


def related_records(record: Record, limit: int = 5) -> list[Record]:
    chosen = list(record_links(record.related.filter(state__in=LISTED_STATES))[:limit])
    if len(chosen) < limit:
        more = record_links(
            published_records()
            .filter(catalogue_item=record.catalogue_item_id)
            .exclude(pk__in=[record.pk, *(r.pk for r in chosen)])
        )
        if record.policy_id:
            more = more.exclude(pk=record.policy_id)
        chosen += list(more[: limit - len(chosen)])
    return chosen


def interpretations_of(record: Record) -> QuerySet[Record]:
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
