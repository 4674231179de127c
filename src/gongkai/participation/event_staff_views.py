"""Staff pages of events under /staff/participation/events/: list, create and edit, the
applications (approve / reject with a reason), the draw, check-in at the door and the minutes.
Querysets are scoped through core.permissions; the rules check the actor again."""

from __future__ import annotations

from django.contrib import messages as flash
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from gongkai.core import permissions
from gongkai.core.views import staff_required

from . import event_forms as forms
from . import events as rules
from .event_views import draw_context
from .models import Event, Registration, RegistrationState, Selection


def scoped_events(user):
    return permissions.scope_to_organisations(
        Event.objects.select_related("organisation", "site"), user, rules.ORGANISER_ROLES
    )


def _event(request, pk) -> Event:
    return get_object_or_404(scoped_events(request.user), pk=pk)


@staff_required
def event_list(request: HttpRequest) -> HttpResponse:
    events = scoped_events(request.user).order_by("-starts_at", "-id")[:200]
    rows = [(e, rules.fill_level(e)) for e in events]
    return render(request, "participation/events/staff_list.html", {"rows": rows})


def _save(request, event=None):
    form = forms.EventForm(request.POST or None, user=request.user, event=event)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = {k: form.cleaned_data[k] for k in rules.EDITABLE}
            try:
                if event is None:
                    event = rules.create_event(
                        request.user, organisation=form.cleaned_data["organisation"], **data
                    )
                    flash.success(request, "已创建活动（草稿），请核对后发布。")
                else:
                    rules.update_event(request.user, event, **data)
                    flash.success(request, "已保存。")
            except (rules.RuleError, permissions.PermissionDenied) as exc:
                form.add_error(None, str(exc))
            else:
                return redirect("events_staff:detail", event.pk)
        status = 400
    return render(
        request,
        "participation/events/staff_form.html",
        {"form": form, "event": event},
        status=status,
    )


@staff_required
def event_new(request: HttpRequest) -> HttpResponse:
    return _save(request)


@staff_required
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _save(request, _event(request, pk))


@staff_required
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    registrations = event.registrations.select_related("account").order_by("state", "rank", "id")
    return render(
        request,
        "participation/events/staff_detail.html",
        {
            "event": event,
            "level": rules.fill_level(event),
            "figures": rules.figures(event),
            "registrations": registrations,
            "approval": event.selection == Selection.APPROVAL,
            "draw": draw_context(event) if event.selection == Selection.DRAW else None,
            "reject_form": forms.RejectForm(),
            "pending": RegistrationState.PENDING,
        },
    )


def _act(request, step, ok: str, pk: int):
    try:
        step()
    except (rules.RuleError, permissions.PermissionDenied) as exc:
        flash.error(request, f"未完成：{exc}")
    else:
        flash.success(request, ok)
    return redirect("events_staff:detail", pk)


@staff_required
@require_POST
def event_publish(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    return _act(request, lambda: rules.publish_event(request.user, event), "已发布。", pk)


@staff_required
@require_POST
def event_draw(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    return _act(request, lambda: rules.run_draw(event, request.user), "已完成公开抽签。", pk)


@staff_required
@require_POST
def registration_action(request: HttpRequest, pk: int, rid: int, action: str) -> HttpResponse:
    event = _event(request, pk)
    registration = get_object_or_404(Registration, pk=rid, event=event)
    if action == "approve":
        return _act(request, lambda: rules.approve(registration, request.user), "已通过。", pk)
    if action == "reject":
        form = forms.RejectForm(request.POST)
        if not form.is_valid():
            flash.error(request, "未完成：请填写不通过的理由。")
            return redirect("events_staff:detail", pk)
        return _act(
            request,
            lambda: rules.reject(registration, request.user, form.cleaned_data["reason"]),
            "已标记为未通过，并通知报名人。",
            pk,
        )
    raise Http404


@staff_required
def checkin(request: HttpRequest, pk: int) -> HttpResponse:
    """At the door: type the code, or scan the QR (it opens this page with the code filled)."""
    event = _event(request, pk)
    if request.method == "POST":
        form = forms.CheckInForm(request.POST)
    else:
        form = forms.CheckInForm(initial={"code": request.GET.get("code", "")[:20]})
    done = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                done = rules.check_in(event, form.cleaned_data["code"], request.user)
            except (rules.RuleError, permissions.PermissionDenied) as exc:
                form.add_error("code", str(exc))
            else:
                form = forms.CheckInForm()
        if form.errors:
            status = 400
    return render(
        request,
        "participation/events/staff_checkin.html",
        {"event": event, "form": form, "done": done, "figures": rules.figures(event)},
        status=status,
    )


@staff_required
def minutes(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    form = forms.MinutesForm(
        request.POST or None, request.FILES or None, initial={"text": event.minutes}
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data.get("pdf")
            pdf = (upload.name, upload.read()) if upload else None
            try:
                rules.publish_minutes(event, request.user, text=form.cleaned_data["text"], pdf=pdf)
            except (rules.RuleError, permissions.PermissionDenied) as exc:
                form.add_error(None, str(exc))
            else:
                flash.success(request, "已发布纪要和参加情况。")
                return redirect("events_staff:detail", pk)
        status = 400
    return render(
        request,
        "participation/events/staff_minutes.html",
        {"event": event, "form": form, "figures": rules.figures(event)},
        status=status,
    )
