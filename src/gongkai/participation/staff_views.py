"""Staff pages under /staff/participation/: the organisation's messages (reply, transfer,
close) and its ratings and error reports (answer or close with a note). Every queryset is
scoped through core.permissions; the rules check the actor again."""

from __future__ import annotations

from django.contrib import messages as flash
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from gongkai.core import permissions
from gongkai.core.views import staff_required

from . import forms, moderation, rules
from .models import (
    ErrorReport,
    FeedbackState,
    Message,
    MessageState,
    ModerationState,
    Rating,
)


def scoped_messages(user):
    return permissions.scope_to_organisations(
        Message.objects.select_related("organisation", "site"), user, rules.HANDLER_ROLES
    )


def scoped_feedback(model, user):
    return permissions.scope_to_organisations(
        model.objects.select_related("organisation"), user, rules.HANDLER_ROLES
    )


FILTERS = {
    "pending": ("待答复", lambda qs, today: qs.filter(state=MessageState.PENDING)),
    "overdue": (
        "已超期",
        lambda qs, today: qs.filter(state=MessageState.PENDING, due_on__lt=today),
    ),
    "answered": ("已答复", lambda qs, today: qs.filter(state=MessageState.ANSWERED)),
    "closed": ("已关闭", lambda qs, today: qs.filter(state=MessageState.CLOSED)),
    "all": ("全部", lambda qs, today: qs),
}


@staff_required
def message_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    show = request.GET.get("show", "pending")
    if show not in FILTERS:
        show = "pending"
    qs = FILTERS[show][1](scoped_messages(request.user), today).order_by("due_on", "id")
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    amber = {}
    rows = []
    for m in page:
        if m.site_id not in amber:
            amber[m.site_id] = rules.amber_days(m.site)
        rows.append((m, rules.urgency(m, today, amber_days=amber[m.site_id])))
    return render(
        request,
        "participation/staff/messages.html",
        {
            "page": page,
            "rows": rows,
            "show": show,
            "filters": [(k, v[0]) for k, v in FILTERS.items()],
        },
    )


def _message(request, pk) -> Message:
    return get_object_or_404(scoped_messages(request.user), pk=pk)


def _detail(request, message, status=200, **form_overrides):
    context = {
        "message": message,
        "urgency": rules.urgency(message),
        "due": rules.due_date(message.site, message.received_on),
        "transfers": message.transfers.select_related("from_organisation", "to_organisation"),
        "reply_form": forms.ReplyForm(),
        "transfer_form": forms.TransferForm(site=message.site, exclude=message.organisation),
        "close_form": forms.CloseForm(),
    }
    context.update(form_overrides)
    return render(request, "participation/staff/message.html", context, status=status)


@staff_required
def message_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _message(request, pk))


ACTIONS = {
    "reply": (forms.ReplyForm, "reply_form"),
    "transfer": (forms.TransferForm, "transfer_form"),
    "close": (forms.CloseForm, "close_form"),
}


@staff_required
@require_POST
def message_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    message = _message(request, pk)
    if action not in ACTIONS:
        raise Http404
    form_class, name = ACTIONS[action]
    kwargs = {"site": message.site, "exclude": message.organisation} if action == "transfer" else {}
    form = form_class(request.POST, **kwargs)
    if not form.is_valid():
        return _detail(request, message, status=400, **{name: form})
    data = form.cleaned_data
    try:
        if action == "reply":
            rules.reply(message, data["text"], actor=request.user, published=data["published"])
            flash.success(request, "已答复。")
        elif action == "transfer":
            rules.transfer(message, data["to"], data["reason"], actor=request.user)
            flash.success(request, f"已转办给{data['to'].name}。")
            if not scoped_messages(request.user).filter(pk=message.pk).exists():
                return redirect("participation_staff:messages")
        else:
            rules.close(message, data["note"], actor=request.user)
            flash.success(request, "已关闭。")
    except rules.RuleError as exc:
        form.add_error(None, str(exc))
        message.refresh_from_db()
        return _detail(request, message, status=400, **{name: form})
    return redirect("participation_staff:message", message.pk)


KINDS = {"rating": Rating, "report": ErrorReport}


@staff_required
def feedback_list(request: HttpRequest) -> HttpResponse:
    show_open = request.GET.get("show", "open") != "all"

    def items(model):
        qs = scoped_feedback(model, request.user)
        if show_open:
            qs = qs.filter(state=FeedbackState.OPEN)
        return list(qs[:100])

    return render(
        request,
        "participation/staff/feedback.html",
        {
            "ratings": items(Rating),
            "reports": items(ErrorReport),
            "show_open": show_open,
            "form": forms.HandleForm(),
        },
    )


@staff_required
@require_POST
def feedback_handle(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    model = KINDS.get(kind)
    if model is None:
        raise Http404
    item = get_object_or_404(scoped_feedback(model, request.user), pk=pk)
    form = forms.HandleForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            rules.handle_feedback(
                item,
                state=form.cleaned_data["state"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except rules.RuleError as exc:
            error = str(exc)
        else:
            flash.success(request, "已处理。")
            return redirect("participation_staff:feedback")
    else:
        error = "；".join(e for errs in form.errors.values() for e in errs)
    flash.error(request, f"未处理：{error}")
    return redirect("participation_staff:feedback")


def workbench_panel(request):
    """留言与评价 on the workbench: pending, amber and overdue messages, open feedback."""
    user = request.user
    if not getattr(user, "is_authenticated", False):
        return None
    if not permissions.organisations_for(user, rules.HANDLER_ROLES).exists():
        return None
    today = timezone.localdate()
    pending = scoped_messages(user).filter(state=MessageState.PENDING)
    site = permissions.staff_site(request)
    amber_until = rules.amber_until(site, today) if site is not None else today
    return (
        "participation/staff/panel.html",
        {
            "pending": pending.count(),
            "amber": pending.filter(due_on__gte=today, due_on__lte=amber_until).count(),
            "overdue": pending.filter(due_on__lt=today).count(),
            "ratings": scoped_feedback(Rating, user).filter(state=FeedbackState.OPEN).count(),
            "reports": scoped_feedback(ErrorReport, user).filter(state=FeedbackState.OPEN).count(),
            "moderation": moderation.cases_for(user).filter(state=ModerationState.HIDDEN).count()
            if permissions.organisations_for(user, moderation.REVIEW_ROLES).exists()
            else None,
        },
    )


# --------------------------------------------------------------------------- 举报复核


@staff_required
def moderation_list(request: HttpRequest) -> HttpResponse:
    """Items hidden after repeated reports, for the site's office admin to review (others see
    an empty list)."""
    show_open = request.GET.get("show", "open") != "all"
    qs = moderation.cases_for(request.user)
    if show_open:
        qs = qs.filter(state=ModerationState.HIDDEN)
    cases = list(qs[:100])
    return render(
        request,
        "participation/staff/moderation.html",
        {"cases": cases, "show_open": show_open},
    )


@staff_required
@require_POST
def moderation_decide(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(moderation.cases_for(request.user), pk=pk)
    decision = request.POST.get("decision")
    if decision not in ("restore", "keep"):
        flash.error(request, "未处理：请选择“恢复显示”或“继续隐藏”。")
        return redirect("participation_staff:moderation")
    try:
        moderation.decide(
            case,
            restore=decision == "restore",
            note=request.POST.get("note", ""),
            actor=request.user,
        )
    except rules.RuleError as exc:
        flash.error(request, f"未处理：{exc}")
    else:
        flash.success(request, "已恢复显示。" if decision == "restore" else "已确认继续隐藏。")
    return redirect("participation_staff:moderation")
