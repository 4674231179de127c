"""Read-only queries for the workbench, the public list and oversight (which imports these;
participation never imports oversight). Every count here is a plain query the dashboard can
compare with a direct count of the same rows."""

from __future__ import annotations

from datetime import date

from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone

from gongkai.core.models import Organisation, Site

from .models import ErrorReport, FeedbackState, Message, MessageState, Rating
from .rules import VETO_MONTHS, months_ago


def _scoped(qs: QuerySet, site: Site, organisation: Organisation | None) -> QuerySet:
    qs = qs.filter(site=site)
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    return qs


def unanswered_messages(
    site: Site,
    older_than: date | None = None,
    organisation: Organisation | None = None,
) -> QuerySet[Message]:
    """Messages still waiting for an answer; with `older_than`, only those received before
    that date (oversight: `months_ago(today, 3)` for the veto item)."""
    qs = _scoped(Message.objects.filter(state=MessageState.PENDING), site, organisation)
    if older_than is not None:
        qs = qs.filter(received_on__lt=older_than)
    return qs.select_related("organisation").order_by("received_on", "id")


def overdue_messages(
    site: Site, today: date | None = None, organisation: Organisation | None = None
) -> QuerySet[Message]:
    """Unanswered messages past their reply deadline."""
    today = today or timezone.localdate()
    return unanswered_messages(site, organisation=organisation).filter(due_on__lt=today)


def veto_messages(
    site: Site, today: date | None = None, organisation: Organisation | None = None
) -> QuerySet[Message]:
    """Unanswered for more than 3 months (website-indicators.md: a veto item)."""
    today = today or timezone.localdate()
    return unanswered_messages(site, months_ago(today, VETO_MONTHS), organisation)


def published_messages(site: Site) -> QuerySet[Message]:
    """The public list: answered, agreed to be public and not withheld."""
    return (
        Message.objects.filter(site=site, state=MessageState.ANSWERED, published=True)
        .select_related("organisation")
        .order_by("-replied_at", "-id")
    )


def open_ratings(site: Site, organisation: Organisation | None = None) -> QuerySet[Rating]:
    return _scoped(Rating.objects.filter(state=FeedbackState.OPEN), site, organisation)


def open_error_reports(
    site: Site, organisation: Organisation | None = None
) -> QuerySet[ErrorReport]:
    return _scoped(ErrorReport.objects.filter(state=FeedbackState.OPEN), site, organisation)


def average_rating(site: Site, organisation: Organisation | None = None) -> float | None:
    """The mean score of all ratings (None without any), for public satisfaction (满意度)."""
    value = _scoped(Rating.objects.all(), site, organisation).aggregate(avg=Avg("score"))["avg"]
    return round(float(value), 2) if value is not None else None


#: scores counted as satisfied: 5 满意 and 4 基本满意 on the five-point scale
SATISFIED_FROM_SCORE = 4


def satisfaction_counts(site: Site, year: int) -> tuple[int, int]:
    """(ratings given in the year, of which satisfied) for the site's public satisfaction."""
    counts = Rating.objects.filter(site=site, created_at__year=year).aggregate(
        count=Count("pk"), satisfied=Count("pk", filter=Q(score__gte=SATISFIED_FROM_SCORE))
    )
    return counts["count"], counts["satisfied"]


def participation_counts(
    site: Site, organisation: Organisation | None = None, today: date | None = None
) -> dict[str, object]:
    """The dashboard's figures for a site or one organisation."""
    today = today or timezone.localdate()
    return {
        "messages_unanswered": unanswered_messages(site, organisation=organisation).count(),
        "messages_overdue": overdue_messages(site, today, organisation).count(),
        "messages_veto": veto_messages(site, today, organisation).count(),
        "ratings_open": open_ratings(site, organisation).count(),
        "error_reports_open": open_error_reports(site, organisation).count(),
        "ratings_count": _scoped(Rating.objects.all(), site, organisation).count(),
        "average_rating": average_rating(site, organisation),
    }


def counts_by_organisation(site: Site, today: date | None = None) -> list[dict[str, object]]:
    """The same figures per organisation of the site, in a few grouped queries (only the
    organisations that have any message, rating or report)."""
    today = today or timezone.localdate()
    rows: dict[int, dict[str, object]] = {}

    def row(org_id: int) -> dict[str, object]:
        return rows.setdefault(
            org_id,
            {
                "organisation_id": org_id,
                "messages_unanswered": 0,
                "messages_overdue": 0,
                "ratings_open": 0,
                "error_reports_open": 0,
                "ratings_count": 0,
                "average_rating": None,
            },
        )

    pending = Q(state=MessageState.PENDING)
    for r in (
        Message.objects.filter(site=site)
        .values("organisation_id")
        .annotate(
            unanswered=Count("id", filter=pending),
            overdue=Count("id", filter=pending & Q(due_on__lt=today)),
        )
    ):
        row(r["organisation_id"]).update(
            messages_unanswered=r["unanswered"], messages_overdue=r["overdue"]
        )
    for r in (
        Rating.objects.filter(site=site)
        .values("organisation_id")
        .annotate(
            open=Count("id", filter=Q(state=FeedbackState.OPEN)),
            total=Count("id"),
            avg=Avg("score"),
        )
    ):
        row(r["organisation_id"]).update(
            ratings_open=r["open"],
            ratings_count=r["total"],
            average_rating=round(float(r["avg"]), 2) if r["avg"] is not None else None,
        )
    for r in (
        ErrorReport.objects.filter(site=site, state=FeedbackState.OPEN)
        .values("organisation_id")
        .annotate(open=Count("id"))
    ):
        row(r["organisation_id"])["error_reports_open"] = r["open"]
    names = dict(Organisation.objects.filter(pk__in=rows).values_list("pk", "name"))
    result = []
    for org_id, values in rows.items():
        values["organisation"] = names.get(org_id, "")
        result.append(values)
    return sorted(result, key=lambda v: v["organisation"])
