"""Public pages of events under /participate/events/: the list of upcoming and past events,
an event's page (places left, how people are selected, the draw's hash and later its seed,
afterwards minutes and attendance), applying, and the person's own registration with its
check-in code and QR code."""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from django.contrib import messages as flash
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from gongkai.core import permissions
from gongkai.core.views import rate_limited

from . import event_draw
from . import events as rules
from .accounts import account_of
from .decorators import person_required
from .event_forms import ApplyForm
from .models import Registration, RegistrationState, Selection


def _site(request):
    if request.site is None:
        raise Http404
    return request.site


def _event(request, pk):
    return get_object_or_404(rules.public_events(_site(request)), pk=pk)


def event_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    events = rules.public_events(_site(request))
    return render(
        request,
        "participation/events/list.html",
        {
            "upcoming": events.filter(ends_at__gte=now).order_by("starts_at", "id"),
            "past": events.filter(ends_at__lt=now).order_by("-starts_at", "-id")[:50],
        },
    )


def draw_context(event) -> dict:
    """What the page publishes of the draw: always the seed's hash; after the draw the seed,
    the ids that took part and a snippet to re-run it."""
    context = {"seed_hash": event.draw_seed_hash, "drawn": rules.show_seed(event)}
    if context["drawn"]:
        ids = list(event.draw_entrants)
        order = event_draw.draw_order(event.draw_seed, ids)
        context.update(
            {
                "seed": event.draw_seed,
                "entrants": ids,
                "order": [(n, i, n <= event.public_places) for n, i in enumerate(order, 1)],
                "snippet": event_draw.snippet(event.draw_seed, ids, event.public_places),
            }
        )
    return context


def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    account = account_of(request.user)
    mine = (
        Registration.objects.filter(event=event, account=account).first()
        if account is not None
        else None
    )
    published = event.minutes_published_at is not None
    return render(
        request,
        "participation/events/detail.html",
        {
            "event": event,
            "open": rules.window_open(event),
            "mine": mine
            if mine is not None and mine.state != RegistrationState.CANCELLED
            else None,
            "draw": draw_context(event) if event.selection == Selection.DRAW else None,
            "figures": rules.figures(event) if published else None,
            "minutes_published": published,
            "now": timezone.now(),
        },
    )


@person_required
@ratelimit(key="ip", rate="20/h", method="POST", block=False)
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    if getattr(request, "limited", False):
        return rate_limited(request)
    form = ApplyForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                rules.apply(event, request.user, form.cleaned_data.get("statement", ""))
            except (rules.RuleError, permissions.PermissionDenied) as exc:
                form.add_error(None, str(exc))
            else:
                return redirect("events:mine", event.pk)
        status = 400
    return render(
        request,
        "participation/events/apply.html",
        {"event": event, "form": form, "open": rules.window_open(event)},
        status=status,
    )


def _mine(request, pk) -> Registration:
    event = _event(request, pk)
    account = account_of(request.user)
    registration = Registration.objects.filter(event=event, account=account).first()
    if registration is None:
        raise Http404("您没有报名该活动")
    return registration


@person_required
def mine(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _mine(request, pk)
    event = registration.event
    waiting_before = 0
    if registration.state == RegistrationState.WAITING:
        waiting_before = event.registrations.filter(
            state=RegistrationState.WAITING, rank__lt=registration.rank
        ).count()
    return render(
        request,
        "participation/events/mine.html",
        {
            "event": event,
            "r": registration,
            "waiting_place": waiting_before + 1,
            "can_cancel": registration.state in rules.ACTIVE and timezone.now() < event.starts_at,
        },
    )


def checkin_url(request, registration: Registration) -> str:
    """What the QR code carries: the staff check-in page with the code filled in."""
    path = reverse("events_staff:checkin", args=[registration.event_id])
    return request.build_absolute_uri(f"{path}?code={registration.code}")


@person_required
def qr(request: HttpRequest, pk: int) -> HttpResponse:
    """The QR code of the person's own check-in code, as an SVG image (no script inside)."""
    registration = _mine(request, pk)
    if registration.state != RegistrationState.CONFIRMED:
        raise Http404("只有已确认的报名有签到二维码")
    buffer = io.BytesIO()
    qrcode.make(
        checkin_url(request, registration),
        image_factory=qrcode.image.svg.SvgPathImage,
        box_size=10,
        border=2,
    ).save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-store"
    return response


@person_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _mine(request, pk)
    try:
        rules.cancel(registration, request.user)
    except (rules.RuleError, permissions.PermissionDenied) as exc:
        flash.error(request, str(exc))
    else:
        flash.success(request, "已取消报名。")
    return redirect("events:mine", pk)


def minutes_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    if event.minutes_published_at is None or not event.minutes_pdf:
        raise Http404
    return FileResponse(
        event.minutes_pdf.open("rb"),
        content_type="application/pdf",
        filename=f"event-{event.pk}-minutes.pdf",
    )
