"""Public pages: the guide, the application form, the receipt, tracking, the optional list."""

from __future__ import annotations

import time

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from gongkai.core import officialdoc, permissions
from gongkai.core.pdf import PdfUnavailable, pdf_available
from gongkai.core.sites import openness_office
from gongkai.core.views import rate_limited

from . import rules, workflow
from .forms import CorrectionSubmitForm, PublicApplyForm, TrackForm
from .models import AttachmentKind, Channel, FoiRequest, FoiSettings, State

TRACK_ERROR = "查询码或联系电话不正确，或没有这条申请。请核对后重试。"
#: The session key holding the request this browser proved it may see (code + phone), and
#: for how long that proof holds: the downloads and the online correction ask for it.
TRACKED = "foi_tracked"
TRACKED_SECONDS = 30 * 60
TRACK_EXPIRED = "查询已过期或尚未查询。请在“查询办理进度”页面重新输入查询码和联系电话后再操作。"


def _site(request):
    if request.site is None:
        raise Http404
    return request.site


def guide(request: HttpRequest) -> HttpResponse:
    """依申请公开指南 (《条例》第十二条): how to apply and whom to contact."""
    site = _site(request)
    return render(
        request,
        "foi/guide.html",
        {
            "office": openness_office(site),
            "settings": FoiSettings.for_site(site),
        },
    )


def _client_ip(group, request):
    from gongkai.core.audit import client_ip

    return client_ip(request) or "unknown"


# The ratelimit middleware is not installed, so the views answer 429 themselves.
@never_cache
@ratelimit(key=_client_ip, rate="5/h", method="POST", block=False)
def apply(request: HttpRequest) -> HttpResponse:
    """The online application (《条例》第二十九条); the platform's receipt is the confirmation
    that fixes the receipt date (第三十一条第三项)."""
    site = _site(request)
    if getattr(request, "limited", False):
        return rate_limited(request)
    form = PublicApplyForm(request.POST or None, request.FILES or None, site=site)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        files = [(AttachmentKind.ID_COPY, data.get("id_copy"))]
        if data.get("licence"):
            files.append((AttachmentKind.LICENCE, data["licence"]))
        try:
            foi_request = workflow.register(
                organisation=data["organisation"],
                applicant=data,
                channel=Channel.ONLINE,
                submitted_on=timezone.localdate(),
                files=files,
                actor=permissions.PUBLIC,
            )
        except workflow.WorkflowError as exc:
            form.add_error(None, str(exc))
        else:
            request.session["foi_receipt"] = foi_request.pk
            return redirect("foi:receipt")
    return render(request, "foi/apply.html", {"form": form}, status=400 if form.errors else 200)


@never_cache
def receipt(request: HttpRequest) -> HttpResponse:
    """The receipt (回执) with the tracking code, shown once to the browser that applied."""
    pk = request.session.get("foi_receipt")
    foi_request = FoiRequest.objects.filter(pk=pk, site=_site(request)).first() if pk else None
    if foi_request is None:
        return redirect("foi:track")
    due = rules.due_from_events(foi_request.events.all())
    return render(request, "foi/receipt.html", {"req": foi_request, "due": due})


def find_tracked(site, code: str, phone: str) -> FoiRequest | None:
    """The request with this code and phone on this site, or None — no hint which part was wrong."""
    code = rules.normalise_code(code)
    found = FoiRequest.objects.filter(site=site, tracking_code=code).first() if code else None
    if found is None or found.anonymised or not rules.same_phone(phone, found.phone):
        return None
    return found


def public_view(foi_request: FoiRequest) -> dict:
    """What the applicant may see: status, due date with its explanation, visible events."""
    events = list(foi_request.events.all())
    due = rules.due_from_events(events)
    return {
        "req": foi_request,
        "due": due,
        "timeline": [e for e in events if e.visible_to_applicant],
    }


def remember_tracked(request: HttpRequest, found: FoiRequest) -> None:
    """This browser showed the code and phone of `found`: its session may fetch the case's
    documents and correct it for TRACKED_SECONDS. Nothing in a URL grants that, so a link
    passed on or guessed opens nothing."""
    request.session.cycle_key()
    request.session[TRACKED] = {"pk": found.pk, "until": time.time() + TRACKED_SECONDS}


def tracked(request: HttpRequest, *, required: bool = True) -> FoiRequest | None:
    """The request this session proved it may see, on this site, still there and not erased;
    otherwise PermissionDenied (the Chinese 403 page) or, when not `required`, None."""
    proof = request.session.get(TRACKED) or {}
    found = None
    if proof.get("until", 0) > time.time():
        found = (
            FoiRequest.objects.filter(pk=proof.get("pk"), site=_site(request), anonymised=False)
            .select_related("organisation", "site")
            .first()
        )
    if found is None:
        request.session.pop(TRACKED, None)
        if required:
            raise PermissionDenied(TRACK_EXPIRED)
    return found


def tracked_context(foi_request: FoiRequest, correction_form=None) -> dict:
    context = public_view(foi_request)
    context["released"] = list(workflow.released_files(foi_request))
    context["pdf_available"] = pdf_available()
    if foi_request.state == State.CORRECTION_ASKED:
        context["correction_form"] = correction_form or CorrectionSubmitForm()
        context["correction_notice"] = (
            foi_request.events.filter(kind="correction_asked").order_by("-id").first()
        )
    return context


@never_cache
@ratelimit(key=_client_ip, rate="30/h", method="POST", block=False)
def track(request: HttpRequest) -> HttpResponse:
    site = _site(request)
    if getattr(request, "limited", False):
        return rate_limited(request)
    if request.method == "POST" and "end" in request.POST:
        # 退出 on a shared computer: the next person sees nothing of this case.
        request.session.pop(TRACKED, None)
        messages.success(request, "已退出，本浏览器不再显示这条申请。")
        return redirect("foi:track")
    form = TrackForm(request.POST or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        found = find_tracked(site, form.cleaned_data["code"], form.cleaned_data["phone"])
        if found is None:
            request.session.pop(TRACKED, None)
            form.add_error(None, TRACK_ERROR)
        else:
            remember_tracked(request, found)
            context.update(tracked_context(found))
    elif request.method == "GET":
        # Back from a download or a correction: the case this browser just looked up.
        found = tracked(request, required=False)
        if found is not None:
            context.update(tracked_context(found))
    return render(request, "foi/track.html", context)


@never_cache
@require_POST
@ratelimit(key=_client_ip, rate="10/h", method="POST", block=False)
def correct(request: HttpRequest) -> HttpResponse:
    """The applicant's online correction (《条例》第三十条), for the case the session proved."""
    if getattr(request, "limited", False):
        return rate_limited(request)
    found = tracked(request)
    form = CorrectionSubmitForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            workflow.submit_correction(
                found,
                text=form.cleaned_data["text"],
                files=form.cleaned_data["files"],
                actor=permissions.PUBLIC,
            )
        except workflow.WorkflowError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "已收到您的补正，答复期限自今日起重新计算。")
            return redirect("foi:track")
    found.refresh_from_db()
    context = {"form": TrackForm(), **tracked_context(found, form)}
    if "correction_form" not in context:  # no correction pending (any more): say why
        context["correction_errors"] = form.non_field_errors()
    return render(request, "foi/track.html", context, status=400)


def _replied(request: HttpRequest) -> FoiRequest:
    found = tracked(request)
    if not found.outcome or not found.replied_on or found.void:
        raise Http404
    return found


@never_cache
def tracked_letter(request: HttpRequest, fmt: str) -> HttpResponse:
    """The reply letter of the tracked case, the same file staff and the e-mail have."""
    found = _replied(request)
    if fmt not in ("pdf", "docx"):
        raise Http404
    try:
        data = workflow.reply_letter(found, fmt)
    except PdfUnavailable as exc:
        return render(request, "410.html", {"message": f"{exc} 请下载 Word 版告知书。"}, status=410)
    workflow.first_download(found, f"答复告知书（{'PDF' if fmt == 'pdf' else 'Word'} 版）")
    return officialdoc.download(data, workflow.letter_name(found, fmt))


@never_cache
def tracked_correction_letter(request: HttpRequest, fmt: str) -> HttpResponse:
    """The 补正告知书 of the tracked case, once a 补正 was asked."""
    found = tracked(request)
    if fmt not in ("pdf", "docx") or not workflow.has_correction_notice(found):
        raise Http404
    try:
        data = workflow.correction_letter(found, fmt)
    except PdfUnavailable as exc:
        return render(request, "410.html", {"message": f"{exc} 请下载 Word 版告知书。"}, status=410)
    workflow.first_download(found, f"补正告知书（{'PDF' if fmt == 'pdf' else 'Word'} 版）")
    return officialdoc.download(data, workflow.letter_name(found, fmt, "补正告知书"))


@never_cache
def tracked_file(request: HttpRequest, attachment_id: int) -> HttpResponse:
    """A released file of the tracked case; another case's files are not found here."""
    found = _replied(request)
    item = found.attachments.filter(pk=attachment_id, kind=AttachmentKind.RELEASED).first()
    if item is None:
        raise Http404
    if not item.file:
        message = "该文件已按保存期限删除，不再提供下载。"
        return render(request, "410.html", {"message": message}, status=410)
    workflow.first_download(found, f"公开的文件“{item.original_name}”")
    return FileResponse(
        item.file.open("rb"),
        as_attachment=True,
        filename=item.original_name,
        content_type=item.content_type,
    )


def public_list(request: HttpRequest) -> HttpResponse:
    """The optional public list: masked names, no contacts, no descriptions."""
    site = _site(request)
    if not FoiSettings.for_site(site).public_list:
        raise Http404
    rows = (
        FoiRequest.objects.filter(site=site, void=False)
        .select_related("organisation")
        .order_by("-received_on", "-id")[:200]
    )
    items = [
        {
            "serial": r.serial,
            "applicant": rules.mask_name(r.name)
            if r.applicant_kind == "natural"
            else f"法人或其他组织（{r.get_org_category_display()}）",
            "organisation": r.organisation.name,
            "received_on": r.received_on,
            "state": r.get_state_display(),
            "outcome": r.get_outcome_display() if r.outcome else "",
        }
        for r in rows
    ]
    return render(request, "foi/public_list.html", {"items": items})
