"""Public pages of 民生实事项目 up to the vote results: the years, one year's page (phases with
their dates, proposals, the candidate list, the results with counts once published) and the
proposal form for verified people (rate limit and honeypot as the other participation forms)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django_ratelimit.decorators import ratelimit

from gongkai.core import permissions
from gongkai.core.views import rate_limited

from . import projects
from .accounts import is_person
from .decorators import person_required
from .project_forms import ProposalForm


def _site(request):
    if request.site is None:
        raise Http404
    return request.site


def _programme(request, year: int):
    return get_object_or_404(projects.public_programmes(_site(request)), year=year)


def programme_list(request: HttpRequest) -> HttpResponse:
    programmes = list(projects.public_programmes(_site(request)).order_by("-year"))
    return render(request, "participation/projects/programme_list.html", {"programmes": programmes})


def programme_detail(request: HttpRequest, year: int) -> HttpResponse:
    programme = _programme(request, year)
    proposals = list(projects.public_proposals(programme))
    names = projects.proposer_names(proposals)
    rows = [projects.public_proposal(p, names) for p in proposals]
    ballots, roster = projects.turnout(programme)
    return render(
        request,
        "participation/projects/programme_detail.html",
        {
            "programme": programme,
            "steps": projects.phase_steps(programme),
            "proposals": rows,
            "candidates": projects.public_candidates(programme),
            "results": projects.results_published(programme),
            "ballots": ballots,
            "roster": roster,
            "solicitation_open": projects.solicitation_open(programme),
            "thanks": request.GET.get("submitted") == "1",
        },
    )


@person_required
@ratelimit(key="ip", rate="10/h", method="POST", block=False)
def propose(request: HttpRequest, year: int) -> HttpResponse:
    programme = _programme(request, year)
    if getattr(request, "limited", False):
        return rate_limited(request)
    context = {"programme": programme, "open": projects.solicitation_open(programme)}
    template = "participation/projects/proposal_form.html"
    if not context["open"]:
        return render(request, template, {**context, "form": None}, status=403)
    form = ProposalForm(request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            return render(request, template, {**context, "form": form}, status=400)
        data = form.cleaned_data
        try:
            projects.submit_proposal(
                programme,
                request.user,
                title=data["title"],
                category=data["category"],
                place=data["place"],
                description=data["description"],
                estimated_cost=data.get("estimated_cost"),
            )
        except (projects.RuleError, permissions.PermissionDenied) as exc:
            form.add_error(None, str(exc))
            return render(request, template, {**context, "form": form}, status=400)
        url = reverse("projects:programme", args=[programme.year])
        return redirect(f"{url}?submitted=1#proposals")
    return render(request, template, {**context, "form": form, "person": is_person(request.user)})
