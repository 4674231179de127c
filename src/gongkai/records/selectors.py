"""Read-only queries the portal, feeds, sitemap, API and other apps use."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.db.models.functions import ExtractYear

from gongkai.core.pagination import MAX_ID

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


# The record page's links (上一篇, 下一篇, the records chosen as related) in one statement: as
# three ORM querysets they cost ~1 ms each of Python to build and compile against ~0.02 ms of
# SQLite. Each part is a LIMITed subquery wrapped in SELECT * FROM (…) AS alias, which both
# SQLite (no parenthesised compound members) and PostgreSQL (alias required before 16) accept.
# The plain bound (published_at <= / >=) beside the OR lets the (catalogue_item, published_at,
# id) index start at this record; with the OR alone SQLite walks the whole column from its
# end (1.5 ms of SQL per page in a column of 5,000 records, growing with the column).
_LINK_COLUMNS = (
    "SELECT '{link}' AS link, r.id, r.title, r.index_number, r.published_at, r.state, r.validity,"
    " r.kind, r.organisation_id, o.name AS organisation_name FROM {record} r"
    " INNER JOIN {organisation} o ON o.id = r.organisation_id"
)
_LISTED = " r.state IN (%s, %s)"
_NEIGHBOUR = (
    _LINK_COLUMNS + " WHERE r.catalogue_item_id = %s AND" + _LISTED + " AND r.published_at"
    " IS NOT NULL AND r.published_at {bound} %s AND (r.published_at {strict} %s OR"
    " (r.published_at = %s AND r.id {strict} %s)) ORDER BY r.published_at {order}, r.id {order}"
    " LIMIT 1"
)
_CHOSEN = (
    _LINK_COLUMNS + " INNER JOIN {related} rel ON rel.to_record_id = r.id"
    " WHERE rel.from_record_id = %s AND"
    + _LISTED
    + " ORDER BY r.published_at DESC, r.id DESC LIMIT %s"
)


def record_page_links_sql(
    record: Record, related_limit: int, neighbours: bool = True
) -> tuple[str, list]:
    from django.db import connection

    from gongkai.core.models import Organisation

    names = {
        "record": connection.ops.quote_name(Record._meta.db_table),
        "organisation": connection.ops.quote_name(Organisation._meta.db_table),
        "related": connection.ops.quote_name(Record.related.through._meta.db_table),
    }
    listed = [str(s) for s in LISTED_STATES]
    parts, params = [], []
    if neighbours and record.published_at is not None:
        at = connection.ops.adapt_datetimefield_value(record.published_at)
        for link, bound, strict, order in (
            ("older", "<=", "<", "DESC"),
            ("newer", ">=", ">", "ASC"),
        ):
            sql = _NEIGHBOUR.format(link=link, bound=bound, strict=strict, order=order, **names)
            parts.append(f"SELECT * FROM ({sql}) AS {link}")  # noqa: S608 (constants only)
            params += [record.catalogue_item_id, *listed, at, at, at, record.pk]
    if related_limit:
        sql = _CHOSEN.format(link="chosen", **names)
        parts.append(f"SELECT * FROM ({sql}) AS chosen")  # noqa: S608 (constants only)
        params += [record.pk, *listed, related_limit]
    return " UNION ALL ".join(parts), params


def record_page_links(record: Record, related_limit: int = 5, neighbours: bool = True) -> dict:
    """{"older": Record | None, "newer": Record | None, "chosen": [Record, …]}, links only
    (LINK_FIELDS; the organisation carries its name)."""
    from gongkai.core.models import Organisation

    links: dict = {"older": None, "newer": None, "chosen": []}
    sql, params = record_page_links_sql(record, related_limit, neighbours)
    if not sql:
        return links
    for row in Record.objects.raw(sql, params):
        row.organisation = Organisation(id=row.organisation_id, name=row.organisation_name)
        if row.link == "chosen":
            links["chosen"].append(row)
        else:
            links[row.link] = row
    return links


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


def related_records(record: Record, limit: int = 5, chosen: list | None = None) -> list[Record]:
    """相关信息: the records chosen as related, then the column's latest ones. `chosen` when
    the caller has read them already (record_page_links)."""
    if chosen is None:
        chosen = record_page_links(record, related_limit=limit, neighbours=False)["chosen"]
    chosen = list(chosen[:limit])
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


def page_extras(record: Record) -> tuple[bool, bool]:
    """Whether the record page has attachments and an update history to show, in one small
    statement: most records have neither, and two ORM querysets cost ~1 ms of Python to find
    that out (the page then skips them)."""
    from django.db import connection

    attachment = Record._meta.get_field("attachments").related_model
    revision = Record._meta.get_field("revisions").related_model
    a, r = attachment._meta.db_table, revision._meta.db_table
    a_record = attachment._meta.get_field("record").column
    r_record = revision._meta.get_field("record").column
    sql = (  # names from the models' metadata, values as parameters
        f"SELECT EXISTS(SELECT 1 FROM {a} WHERE {a_record} = %s),"  # noqa: S608
        f" EXISTS(SELECT 1 FROM {r} WHERE {r_record} = %s AND number > 1 AND state = %s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [record.pk, record.pk, RevisionState.PUBLISHED])
        has_attachments, has_history = cursor.fetchone()
    return bool(has_attachments), bool(has_history)


def update_history(record: Record):
    """更新记录: published versions after the first, oldest first."""
    return record.revisions.filter(state=RevisionState.PUBLISHED, number__gt=1).order_by("number")


# --------------------------------------------------------------------------- browsing

#: /records/ filters: GET parameter -> label. 《政府信息公开条例》第二十四条: retrieval on the
#: one platform; the section is browsed by organisation, catalogue item, kind and year.
FILTERS = {"org": "发布机构", "item": "公开事项", "kind": "信息类别", "year": "发布年份"}


@dataclass
class FacetOption:
    value: str
    label: str
    count: int


@dataclass
class Browse:
    records: QuerySet[Record]
    filters: dict[str, str]
    facets: dict[str, list[FacetOption]]

    @property
    def active(self) -> list[tuple[str, str, str]]:
        """(parameter, filter label, value label) of the filters in force."""
        result = []
        for key, value in self.filters.items():
            options = {o.value: o.label for o in self.facets.get(key, [])}
            result.append((key, FILTERS[key], options.get(value, value)))
        return result

    @property
    def total(self) -> int:
        """The number of listed records: the kind facet narrowed by the kind filter."""
        kind = self.filters.get("kind")
        return sum(o.count for o in self.facets["kind"] if kind is None or o.value == kind)


def parse_filters(params) -> dict[str, str]:
    """The valid filters of a query string; anything malformed is ignored, never an error."""
    filters = {}
    for key in ("org", "item"):
        value = params.get(key, "")
        if value.isascii() and value.isdigit() and 0 < int(value) <= MAX_ID:
            filters[key] = str(int(value))
    if params.get("kind", "") in Kind.values:
        filters["kind"] = params["kind"]
    year = params.get("year", "")
    if year.isascii() and year.isdigit() and len(year) == 4:
        filters["year"] = year
    return filters


def _apply(qs: QuerySet[Record], filters: dict[str, str], skip: str = "") -> QuerySet[Record]:
    lookups = {
        "org": "organisation_id",
        "item": "catalogue_item_id",
        "kind": "kind",
        "year": "published_at__year",
    }
    return qs.filter(**{lookups[k]: v for k, v in filters.items() if k != skip})


def browse(site, params) -> Browse:
    """The site's public records under the filters in `params`, and per filter the count of
    each value given the other filters (so the counts always add up to what the list shows).
    One grouped query per filter, whatever the number of records or values."""
    filters = parse_filters(params)
    base = published_records(site)
    facets = {}
    grouped = _apply(base, filters, "org").order_by()
    facets["org"] = [
        FacetOption(str(row["organisation_id"]), row["organisation__name"], row["n"])
        for row in grouped.values("organisation_id", "organisation__name", "organisation__path")
        .annotate(n=Count("id"))
        .order_by("organisation__path")
    ]
    grouped = _apply(base, filters, "item").order_by()
    facets["item"] = [
        FacetOption(str(row["catalogue_item_id"]), row["catalogue_item__name"], row["n"])
        for row in grouped.values(
            "catalogue_item_id", "catalogue_item__name", "catalogue_item__path"
        )
        .annotate(n=Count("id"))
        .order_by("catalogue_item__path")
    ]
    kinds = dict(Kind.choices)
    grouped = _apply(base, filters, "kind").order_by()
    facets["kind"] = [
        FacetOption(row["kind"], str(kinds.get(row["kind"], row["kind"])), row["n"])
        for row in grouped.values("kind").annotate(n=Count("id")).order_by("kind")
    ]
    grouped = _apply(base, filters, "year").order_by()
    facets["year"] = [
        FacetOption(str(row["y"]), f"{row['y']}年", row["n"])
        for row in grouped.annotate(y=ExtractYear("published_at"))
        .values("y")
        .annotate(n=Count("id"))
        .order_by("-y")
    ]
    return Browse(record_links(_apply(base, filters)), filters, facets)
