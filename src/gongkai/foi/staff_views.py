"""Staff pages: the case list, registration, the case page with its actions, letters, files and
the statistics. Every queryset is scoped through core.permissions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from gongkai.core import officialdoc, permissions
from gongkai.core.models import Organisation
from gongkai.core.pdf import PdfUnavailable, pdf_available
from gongkai.core.versioning import VersionConflict, model_values
from gongkai.core.views import staff_required

from . import forms, privacy, rules, statistics, workflow
from .models import (
    DELIVERY_KINDS,
    HANDLING,
    OPEN,
    Appeal,
    Attachment,
    AttachmentKind,
    FeeNotice,
    FoiRequest,
    State,
)


def scoped_requests(user):
    """Requests of the organisations the user acts for (their own, sub-organisations; the
    office admin: the whole site)."""
    return permissions.scope_to_organisations(FoiRequest.objects.all(), user)


def get_case(request: HttpRequest, pk: int) -> FoiRequest:
    return get_object_or_404(
        scoped_requests(request.user).select_related("organisation", "site"), pk=pk
    )


def week_bounds(today):
    start = today - timedelta(days=today.weekday())
    return start, start + timedelta(days=6)


def filter_due(qs, due: str, today=None):
    today = today or timezone.localdate()
    if due == "week":
        start, end = week_bounds(today)
        return qs.filter(state__in=OPEN, due_date__gte=max(start, today), due_date__lte=end)
    if due == "overdue":
        return qs.filter(state__in=OPEN, due_date__lt=today)
    if due == "open":
        return qs.filter(state__in=OPEN)
    return qs


@staff_required
def case_list(request: HttpRequest) -> HttpResponse:
    orgs = permissions.organisations_for(request.user)
    form = forms.StaffFilterForm(request.GET or None, organisations=orgs)
    qs = scoped_requests(request.user).select_related("organisation")
    if form.is_valid():
        data = form.cleaned_data
        if data.get("q"):
            q = data["q"].strip()
            qs = qs.filter(Q(serial__icontains=q) | Q(name__icontains=q) | Q(org_name__icontains=q))
        if data.get("state"):
            qs = qs.filter(state=data["state"])
        if data.get("organisation"):
            qs = qs.filter(organisation=data["organisation"])
        qs = filter_due(qs, data.get("due") or "")
    page = Paginator(
        qs.order_by("due_date", "-received_on", "-id") if request.GET.get("due") else qs, 30
    ).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "foi/staff/list.html",
        {"form": form, "page": page, "query": query.urlencode(), "today": timezone.localdate()},
    )


@staff_required
def register(request: HttpRequest) -> HttpResponse:
    orgs = permissions.organisations_for(request.user).filter(is_active=True).order_by("path")
    form = forms.StaffRegisterForm(request.POST or None, request.FILES or None, organisations=orgs)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = workflow.register(
                organisation=data["organisation"],
                applicant=data,
                channel=data["channel"],
                submitted_on=data["submitted_on"],
                signed_on=data.get("signed_on"),
                confirmed_on=data.get("confirmed_on"),
                mail_signed=data.get("mail_signed", False),
                files=[
                    (AttachmentKind.SCAN, data.get("scan")),
                    (AttachmentKind.ID_COPY, data.get("id_copy")),
                ],
                actor=request.user,
            )
        except (workflow.WorkflowError, rules.RuleError) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, f"已登记申请 {case.serial}，收到申请日期 {case.received_on}。"
            )
            return redirect("foi_staff:case", pk=case.pk)
    return render(request, "foi/staff/register.html", {"form": form})


# --------------------------------------------------------------------------- actions


@dataclass(frozen=True)
class Action:
    slug: str
    label: str
    form: type
    available: Callable[[FoiRequest], bool]
    run: Callable
    hint: str = ""


def _has(case, kind):
    return case.events.filter(kind=kind).exists()


def _correction_hint(case):
    return f"应在 {rules.correction_notice_deadline(case.received_on).date} 前发出（收到申请后 7 个工作日内），只能通知一次。"


ACTIONS = [
    Action(
        "correction",
        "告知补正",
        forms.CorrectionForm,
        lambda c: c.state in HANDLING and not _has(c, "correction_asked"),
        lambda c, d, u: workflow.ask_correction(
            c, on=d["on"], what=d["what"], correct_by=d.get("correct_by"), actor=u
        ),
    ),
    Action(
        "correction-received",
        "收到补正",
        forms.CorrectionReceivedForm,
        lambda c: c.state == State.CORRECTION_ASKED,
        lambda c, d, u: workflow.receive_correction(
            c,
            on=d["on"],
            note=d.get("note", ""),
            actor=u,
            files=[(AttachmentKind.CORRECTION, d.get("file"))],
        ),
        "答复期限自收到补正之日起重新计算。",
    ),
    Action(
        "abandon",
        "逾期未补正，视为放弃",
        forms.ActionForm,
        lambda c: c.state == State.CORRECTION_ASKED,
        lambda c, d, u: workflow.abandon(c, on=d["on"], actor=u),
    ),
    Action(
        "consult",
        "征求意见",
        forms.ConsultForm,
        lambda c: c.state in HANDLING,
        lambda c, d, u: workflow.start_consultation(c, on=d["on"], party=d["party"], actor=u),
        "第三方或其他机关有 15 个工作日答复，期间暂停计时。",
    ),
    Action(
        "consulted",
        "征求意见结束",
        forms.NoteForm,
        lambda c: c.state == State.CONSULTING,
        lambda c, d, u: workflow.end_consultation(c, on=d["on"], note=d.get("note", ""), actor=u),
    ),
    Action(
        "extend",
        "延长答复期限",
        forms.ExtendForm,
        lambda c: c.state in (State.REGISTERED, State.IN_HANDLING) and not _has(c, "extended"),
        lambda c, d, u: workflow.extend(
            c, on=d["on"], days=d["days"], approver=d["approver"], reason=d["reason"], actor=u
        ),
        "只能延长一次，最长 20 个工作日，须经负责人同意并告知申请人。",
    ),
    Action(
        "fee",
        "发出收费通知",
        forms.FeeForm,
        lambda c: c.state in HANDLING and not FeeNotice.objects.filter(request=c).exists(),
        lambda c, d, u: workflow.issue_fee_notice(
            c,
            on=d["on"],
            mode=d["mode"],
            monthly_count=d.get("monthly_count"),
            pages=d.get("pages"),
            actor=u,
        ),
        "按件或按量计收，二者只能选一（国办函〔2020〕109号）。",
    ),
    Action(
        "paid",
        "登记缴费",
        forms.ActionForm,
        lambda c: c.state == State.AWAITING_PAYMENT,
        lambda c, d, u: workflow.record_payment(c, on=d["on"], actor=u),
    ),
    Action(
        "fee-lapsed",
        "逾期未缴费，不再处理",
        forms.ActionForm,
        lambda c: c.state == State.AWAITING_PAYMENT,
        lambda c, d, u: workflow.fee_lapsed(c, on=d["on"], actor=u),
    ),
    Action(
        "reply",
        "答复",
        forms.ReplyForm,
        lambda c: c.state in HANDLING,
        lambda c, d, u: workflow.reply(
            c,
            on=d["on"],
            outcome=d["outcome"],
            reason=d.get("reason", ""),
            files=d.get("released") or [],
            actor=u,
        ),
        "答复后生成告知书（Word 和 PDF），申请人可在查询页面下载告知书和公开的文件；"
        "选择电子邮件方式的，随邮件发送。",
    ),
    Action(
        "delivered",
        "登记送达",
        forms.NoteForm,
        lambda c: c.state in (State.REPLIED, State.ABANDONED) and not c.delivered_on,
        lambda c, d, u: workflow.record_delivery(c, on=d["on"], note=d.get("note", ""), actor=u),
    ),
    Action(
        "close",
        "归档 / 误登记关闭",
        forms.CloseForm,
        lambda c: c.state != State.CLOSED,
        lambda c, d, u: workflow.close(c, on=d["on"], reason=d["reason"], actor=u),
        "申请不会被删除；误登记的申请关闭后不计入统计。",
    ),
]
ACTIONS_BY_SLUG = {a.slug: a for a in ACTIONS}


def _case_context(request, case, bound: dict | None = None):
    events = list(case.events.all())
    due = rules.due_from_events(events)
    actions = []
    shown = model_values(case, workflow.CASE_COMPARE)
    for action in ACTIONS:
        if not action.available(case):
            continue
        form = (bound or {}).get(action.slug)
        if form is None:
            form = action.form(prefix=action.slug)
            form.load(case.version, shown)
        hint = _correction_hint(case) if action.slug == "correction" else action.hint
        actions.append({"action": action, "form": form, "hint": hint})
    consult = next((e for e in reversed(events) if e.kind == "consultation_started"), None)
    return {
        "case": case,
        "due": due,
        "events": events,
        "actions": actions,
        "attachments": case.attachments.all(),
        "delivery_log": [e for e in events if e.kind in DELIVERY_KINDS],
        "fee": FeeNotice.objects.filter(request=case).first(),
        "appeals": case.appeals.all(),
        "appeal_form": (bound or {}).get("appeal") or forms.AppealForm(prefix="appeal"),
        "consultation_due": rules.consultation_deadline(consult.date).date
        if consult and case.state == State.CONSULTING
        else None,
        "pdf_available": pdf_available(),
        "correction_notice": any(e.kind == "correction_asked" for e in events),
        "today": timezone.localdate(),
        "personal_data_views": privacy.personal_data_views(case),
    }


@staff_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case(request, pk)
    privacy.log_personal_data_view(case, request.user, where="办理页面")
    return render(request, "foi/staff/case.html", _case_context(request, case))


@staff_required
@require_POST
def case_action(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    case = get_case(request, pk)
    action = ACTIONS_BY_SLUG.get(slug)
    if action is None:
        raise Http404
    form = action.form(request.POST, request.FILES, prefix=slug)
    conflict = None
    refused = f"申请当前状态为“{case.get_state_display()}”，不能进行“{action.label}”。"
    if not form.is_valid():
        if not action.available(case):
            form.add_error(None, refused)
    else:
        version, base = form.version_data()
        try:
            # Checked against the version the page showed before the state: someone who
            # handled the case meanwhile is named, with what they changed.
            with workflow.handling(case, version, base):
                if not action.available(case):
                    raise workflow.WorkflowError(refused)
                action.run(case, form.cleaned_data, request.user)
        except VersionConflict as exc:
            conflict = exc
            case = get_case(request, pk)
            form = action.form(
                forms.ActionForm.after_conflict(request.POST, exc, prefix=slug), prefix=slug
            )
        except (workflow.WorkflowError, rules.RuleError) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已完成：{action.label}。")
            return redirect("foi_staff:case", pk=case.pk)
    context = _case_context(request, case, {slug: form})
    context["conflict"] = conflict
    if not action.available(case):
        context["actions"].insert(0, {"action": action, "form": form, "hint": action.hint})
    return render(request, "foi/staff/case.html", context, status=409 if conflict else 400)


@staff_required
@require_POST
def appeal_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case(request, pk)
    form = forms.AppealForm(request.POST, prefix="appeal")
    if form.is_valid():
        try:
            workflow.add_appeal(case, **form.cleaned_data, actor=request.user)
        except workflow.WorkflowError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "已登记行政复议/行政诉讼。")
            return redirect("foi_staff:case", pk=case.pk)
    return render(
        request, "foi/staff/case.html", _case_context(request, case, {"appeal": form}), status=400
    )


@staff_required
@require_POST
def appeal_result(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case(request, pk)
    form = forms.AppealResultForm(request.POST)
    if form.is_valid():
        appeal = get_object_or_404(Appeal, pk=form.cleaned_data["appeal"], request=case)
        try:
            workflow.decide_appeal(
                appeal,
                result=form.cleaned_data["result"],
                decided_on=form.cleaned_data.get("decided_on"),
                actor=request.user,
            )
        except workflow.WorkflowError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "已登记结果。")
    else:
        messages.error(request, "请选择结果并填写审结日期。")
    return redirect("foi_staff:case", pk=case.pk)


@staff_required
def attachment(request: HttpRequest, pk: int, attachment_id: int) -> FileResponse:
    case = get_case(request, pk)
    item = get_object_or_404(Attachment, pk=attachment_id, request=case)
    if not item.file:
        raise Http404
    privacy.log_personal_data_view(case, request.user, where=f"下载{item.get_kind_display()}")
    return FileResponse(
        item.file.open("rb"),
        as_attachment=True,
        filename=item.original_name,
        content_type=item.content_type,
    )


@staff_required
def letter(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The reply letter as .docx (generated at the reply) or PDF (converted on first request)."""
    case = get_case(request, pk)
    if not case.outcome or not case.replied_on:
        raise Http404
    privacy.log_personal_data_view(case, request.user, where="下载答复告知书")
    if fmt not in ("docx", "pdf"):
        raise Http404
    try:
        data = workflow.reply_letter(case, fmt, actor=request.user)
    except PdfUnavailable as exc:
        messages.error(request, f"{exc} 请先下载 Word 版告知书。")
        return redirect("foi_staff:case", pk=case.pk)
    return officialdoc.download(data, workflow.letter_name(case, fmt))


@staff_required
def correction_letter(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The 补正告知书 to print, post or hand over (《条例》第三十条: a written notice)."""
    case = get_case(request, pk)
    if fmt not in ("docx", "pdf") or not workflow.has_correction_notice(case):
        raise Http404
    privacy.log_personal_data_view(case, request.user, where="下载补正告知书")
    try:
        data = workflow.correction_letter(case, fmt)
    except PdfUnavailable as exc:
        messages.error(request, f"{exc} 请先下载 Word 版告知书。")
        return redirect("foi_staff:case", pk=case.pk)
    return officialdoc.download(data, workflow.letter_name(case, fmt, "补正告知书"))


@staff_required
def stats(request: HttpRequest) -> HttpResponse:
    """Tables 三 and 四 for a year and an organisation (or all the user may see)."""
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        year = today.year
    year = min(max(year, 2008), today.year + 1)
    orgs = permissions.organisations_for(request.user).order_by("path")
    org_id = request.GET.get("organisation") or ""
    selected = None
    if org_id:
        selected = orgs.filter(pk=org_id).first() if org_id.isdigit() else None
        if selected is None:
            raise Http404
    scope = statistics.requests_in_scope(organisations=[selected] if selected else orgs)
    table3 = statistics.table_three(scope, year)
    table4 = statistics.table_four(scope, year)
    return render(
        request,
        "foi/staff/stats.html",
        {
            "year": year,
            "years": list(range(today.year + 1, today.year - 5, -1)),
            "organisations": orgs,
            "selected": selected,
            "table3": table3,
            "columns": statistics.COLUMNS,
            "table4_cells": [
                table4[kind][result]
                for kind, _ in statistics.APPEAL_GROUPS
                for result, _ in statistics.APPEAL_RESULTS
            ],
            "appeal_groups": statistics.APPEAL_GROUPS,
            "appeal_results": statistics.APPEAL_RESULTS,
            "handling": statistics.handling(scope, year, today),
        },
    )


def workbench_panel(request):
    """待办申请 on the workbench: due this week and overdue, for the user's organisations."""
    user = request.user
    if not getattr(user, "is_authenticated", False):
        return None
    orgs: list[Organisation] = permissions.organisations_for(user)
    if not orgs.exists():
        return None
    qs = scoped_requests(user)
    return (
        "foi/staff/panel.html",
        {
            "week": filter_due(qs, "week").count(),
            "overdue": filter_due(qs, "overdue").count(),
            "open": filter_due(qs, "open").count(),
        },
    )
