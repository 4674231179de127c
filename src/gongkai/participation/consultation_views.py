"""Public pages of 征求意见 (/participate/consultations/) and 参政智囊团 (/participate/advisory/):
the draft paragraph by paragraph, the comment form (a paragraph link per paragraph, no
JavaScript needed), the feedback report as a page and as a .docx, the advisory members."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django_ratelimit.decorators import ratelimit

from gongkai.core.officialdoc import download
from gongkai.core.permissions import PermissionDenied
from gongkai.core.views import rate_limited

from . import consultations as rules
from .accounts import account_of
from .consultation_forms import CommentForm
from .decorators import person_required
from .models import ConsultationState
from .rules import RuleError


def _site(request):
    if request.site is None:
        raise Http404
    return request.site


def _public(request, pk):
    consultation = rules.published_consultations(_site(request)).filter(pk=pk).first()
    if consultation is None:
        raise Http404("没有这项公开的征求意见")
    return consultation


# The list and the page say how many days are left and whether comments are taken: they
# change with the date, which the site's page-cache version does not, so they are not cached.
@never_cache
def consultation_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    items = [(c, rules.days_left(c, today)) for c in rules.published_consultations(_site(request))]
    return render(
        request,
        "participation/consultations/list.html",
        {
            "open_items": [(c, d) for c, d in items if d is not None],
            "other_items": [(c, d) for c, d in items if d is None],
        },
    )


@never_cache
def consultation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _public(request, pk)
    version = rules.latest_version(consultation)
    comments = list(rules.public_comments(consultation))
    by_paragraph: dict = {}
    for c in comments:
        by_paragraph.setdefault(c.paragraph, []).append(c)
    paragraphs = [(i, p, len(by_paragraph.get(i, []))) for i, p in enumerate(version.paragraphs)]
    return render(
        request,
        "participation/consultations/detail.html",
        {
            "c": consultation,
            "version": version,
            "versions": consultation.versions.filter(is_final=False).order_by("number"),
            "paragraphs": paragraphs,
            "comments": [
                (c, rules.author_label(c), rules.paragraph_label(c.paragraph)) for c in comments
            ],
            "days_left": rules.days_left(consultation),
            "is_open": rules.is_open(consultation),
            "diff": rules.final_diff(consultation) if consultation.report_published_at else [],
        },
    )


@person_required
@ratelimit(key="ip", rate="20/h", method="POST", block=False)
def comment(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _public(request, pk)
    if getattr(request, "limited", False):
        return rate_limited(request)
    version = rules.latest_version(consultation)
    advisory = rules.advisory_member_of(consultation, account_of(request.user)) is not None
    if request.method == "POST":
        form = CommentForm(request.POST, version=version, advisory=advisory)
    else:
        initial = {}
        if request.GET.get("p", "").isdigit():
            initial["paragraph"] = int(request.GET["p"])
        form = CommentForm(initial=initial, version=version, advisory=advisory)
    context = {"c": consultation, "version": version, "form": form, "advisory": advisory}
    chosen = form.initial.get("paragraph") if not form.is_bound else None
    if chosen is not None and 0 <= chosen < len(version.paragraphs):
        context["chosen"] = (chosen, version.paragraphs[chosen])
    template = "participation/consultations/comment.html"
    if not rules.is_open(consultation):
        status = 409 if request.method == "POST" else 200  # nothing is stored
        return render(request, template, {**context, "closed": True}, status=status)
    if request.method == "POST":
        if not form.is_valid():
            return render(request, template, context, status=400)
        data = form.cleaned_data
        try:
            rules.submit_comment(
                request.user,
                consultation,
                text=data["text"],
                paragraph=data.get("paragraph"),
                start=data.get("start"),
                end=data.get("end"),
                quote=data.get("quote", ""),
                name_consent=data.get("name_consent", False),
            )
        except (RuleError, PermissionDenied) as exc:
            form.add_error(None, str(exc))
            return render(request, template, context, status=400)
        return render(request, "participation/consultations/thanks.html", context)
    return render(request, template, context)


def _reported(request, pk):
    consultation = _public(request, pk)
    if consultation.state != ConsultationState.CLOSED or consultation.report_published_at is None:
        raise Http404("意见采纳情况尚未发布")
    return consultation


def report(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _reported(request, pk)
    return render(
        request,
        "participation/consultations/report.html",
        {"c": consultation, "report": rules.feedback_report(consultation)},
    )


def report_docx(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _reported(request, pk)
    return download(rules.report_docx(consultation), f"{consultation.title}意见采纳情况.docx")


# --------------------------------------------------------------------------- advisory


def advisory_members(request: HttpRequest) -> HttpResponse:
    """The members who agreed to be listed."""
    return render(
        request,
        "participation/advisory/members.html",
        {"members": rules.public_members(_site(request))},
    )


@never_cache
@person_required
def my_invitations(request: HttpRequest) -> HttpResponse:
    invitations = rules.invitations_of(account_of(request.user))
    return render(
        request,
        "participation/advisory/invitations.html",
        {"invitations": [(i, rules.is_open(i.consultation)) for i in invitations]},
    )
