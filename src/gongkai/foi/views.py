"""Public pages: the guide, the application form, the receipt, tracking, the optional list."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django_ratelimit.decorators import ratelimit

from gongkai.core import permissions
from gongkai.core.models import Organisation, OrganisationKind
from gongkai.core.views import rate_limited

from . import rules, workflow
from .forms import PublicApplyForm, TrackForm
from .models import AttachmentKind, Channel, FoiRequest, FoiSettings

TRACK_ERROR = "查询码或联系电话不正确，或没有这条申请。请核对后重试。"


def _site(request):
    if request.site is None:
        raise Http404
    return request.site


def openness_office(site) -> Organisation | None:
    """The site's 政府信息公开工作机构 (《条例》第四条), the one whose name says 公开 first."""
    offices = Organisation.objects.filter(site=site, kind=OrganisationKind.OFFICE, is_active=True)
    return (
        offices.filter(name__contains="公开").order_by("depth").first()
        or offices.order_by("depth").first()
    )


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


@never_cache
@ratelimit(key=_client_ip, rate="30/h", method="POST", block=False)
def track(request: HttpRequest) -> HttpResponse:
    site = _site(request)
    if getattr(request, "limited", False):
        return rate_limited(request)
    form = TrackForm(request.POST or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        found = find_tracked(site, form.cleaned_data["code"], form.cleaned_data["phone"])
        if found is None:
            form.add_error(None, TRACK_ERROR)
        else:
            context.update(public_view(found))
    return render(request, "foi/track.html", context)


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
