"""Province aggregation (issue 16 point 3): a parent site's public overview of the sites below it.

Nothing is copied: each figure is read from the child sites' own rows at request time, with the
same rules as the staff dashboard (`figures.coverage` on a whole-site scope) and the public
record lists (`records.selectors.published_records`). Only public aggregates appear here: counts
of published records, catalogue leaves and requests, never a request's content or applicant.

Each child row covers that child's whole subtree (a city's row includes its counties), the
parent's own row (本级) covers only itself, and the totals are the sum of the rows: the whole
subtree of the parent."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, F, Q
from django.utils import timezone

from gongkai.core.models import Site
from gongkai.foi.statistics import requests_in_scope
from gongkai.records.selectors import published_records
from gongkai.search.service import site_ids_for

from . import figures
from .services import FIRST_YEAR


@dataclass
class SiteFigures:
    """The public figures of one site or a group of sites (their sum)."""

    site: Site | None
    sites: int = 0
    records: int = 0
    leaves: int = 0
    covered: int = 0
    received: int = 0
    replied: int = 0
    on_time: int = 0
    #: the sites summed into this row (a child and the sites below it)
    site_ids: list[int] = field(default_factory=list)

    @property
    def coverage_percent(self) -> float | None:
        return round(self.covered * 100 / self.leaves, 1) if self.leaves else None

    @property
    def on_time_percent(self) -> float | None:
        return round(self.on_time * 100 / self.replied, 1) if self.replied else None

    def add(self, other: SiteFigures) -> SiteFigures:
        for name in ("sites", "records", "leaves", "covered", "received", "replied", "on_time"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.site_ids.extend(other.site_ids)
        return self

    def as_dict(self) -> dict:
        return {
            "slug": self.site.slug if self.site else "",
            "name": self.site.name if self.site else "合计",
            "sites": self.sites,
            "records": self.records,
            "catalogue_leaves": self.leaves,
            "catalogue_covered": self.covered,
            "coverage_percent": self.coverage_percent,
            "requests_received": self.received,
            "requests_replied": self.replied,
            "requests_on_time": self.on_time,
            "on_time_percent": self.on_time_percent,
        }


@dataclass
class Overview:
    site: Site
    year: int
    today: date
    own: SiteFigures
    children: list[SiteFigures]
    total: SiteFigures


def _per_site(ids: list[int], year: int, today: date) -> dict[int, SiteFigures]:
    """Each site's own figures: records and requests in one grouped query each, the catalogue
    coverage per site through the dashboard's own figure (whole-site scope)."""
    records = dict(
        published_records()
        .filter(site_id__in=ids)
        .order_by()
        .values_list("site_id")
        .annotate(n=Count("pk"))
    )
    requests = {
        row["site_id"]: row
        for row in requests_in_scope()
        .filter(site_id__in=ids, received_on__year=year)
        .order_by()
        .values("site_id")
        .annotate(
            received=Count("pk"),
            replied=Count("pk", filter=Q(replied_on__isnull=False)),
            # answered by the reply date (《条例》第三十三条); a case with no reply date was
            # answered on the spot
            on_time=Count(
                "pk",
                filter=Q(replied_on__isnull=False)
                & (Q(due_date__isnull=True) | Q(replied_on__lte=F("due_date"))),
            ),
        )
    }
    out = {}
    for site in Site.objects.filter(id__in=ids):
        coverage = figures.coverage(figures.Scope(site, None, today))
        row = requests.get(site.id, {})
        out[site.id] = SiteFigures(
            site=site,
            sites=1,
            records=records.get(site.id, 0),
            leaves=coverage.part("all").count,
            covered=coverage.part("covered").count,
            received=row.get("received", 0),
            replied=row.get("replied", 0),
            on_time=row.get("on_time", 0),
            site_ids=[site.id],
        )
    return out


def overview(site: Site, year: int | None = None, today: date | None = None) -> Overview:
    """The site's own figures, one row per child (its subtree summed), and the totals."""
    today = today or timezone.localdate()
    year = year or today.year
    ids = site_ids_for(site)
    own = _per_site(ids, year, today)
    below: dict[int, list[int]] = {}
    for site_id in ids:
        parent_id = own[site_id].site.parent_id
        if site_id != site.id and parent_id is not None:
            below.setdefault(parent_id, []).append(site_id)

    def subtree(site_id: int) -> list[int]:
        found, frontier = [site_id], [site_id]
        while frontier:
            frontier = [c for p in frontier for c in below.get(p, []) if c not in found]
            found.extend(frontier)
        return found

    children = []
    for child_id in sorted(below.get(site.id, [])):
        row = SiteFigures(site=own[child_id].site)
        for site_id in subtree(child_id):
            row.add(own[site_id])
        children.append(row)
    total = SiteFigures(site=None).add(own[site.id])
    for row in children:
        total.add(row)
    return Overview(site, year, today, own[site.id], children, total)


def valid_year(value, today: date | None = None) -> int | None:
    """A year the overview can be asked for (FIRST_YEAR, when the 条例 took effect, to this
    year), or None."""
    today = today or timezone.localdate()
    try:
        year = int(value)
    except (TypeError, ValueError):
        return None
    return year if FIRST_YEAR <= year <= today.year else None
