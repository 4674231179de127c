"""Staff pages of 民生实事项目 up to the vote results, under /staff/participation/projects/
(two factors through staff_required): the office admin runs the year (settings, phases,
screening, candidates, roster, closing the vote, publishing the results); a deputy on the
year's roster casts the one ballot. The rules check the actor again."""

from __future__ import annotations

from django.contrib import messages as flash
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gongkai.core import permissions
from gongkai.core.views import staff_required

from . import project_forms as forms
from . import projects
from .models import DeputyRosterEntry, LivelihoodProgramme, ProgrammePhase, ProjectState, Proposal

DETAIL = "participation/projects/programme_staff.html"


def _site(request):
    site = permissions.staff_site(request)
    if site is None:
        raise Http404
    return site


def _is_office(request, site) -> bool:
    return permissions.can_act_on_site(request.user, site, projects.OFFICE)


def _office_programme(request, year: int) -> LivelihoodProgramme:
    site = _site(request)
    if not _is_office(request, site):
        raise permissions.PermissionDenied("只有本站公开办管理员可以管理民生实事项目。")
    return get_object_or_404(LivelihoodProgramme, site=site, year=year)


def _errors(form) -> str:
    return "；".join(str(e) for errs in form.errors.values() for e in errs)


@staff_required
def programme_index(request: HttpRequest) -> HttpResponse:
    """The site's years; the office creates one here; a deputy finds the ballot here."""
    site = _site(request)
    office = _is_office(request, site)
    form = forms.ProgrammeCreateForm(request.POST or None)
    if request.method == "POST":
        if not office:
            raise permissions.PermissionDenied("只有本站公开办管理员可以新建年度征集。")
        if form.is_valid():
            try:
                programme = projects.create_programme(
                    site, form.cleaned_data["year"], request.user, title=form.cleaned_data["title"]
                )
            except projects.RuleError as exc:
                form.add_error(None, str(exc))
            else:
                flash.success(request, f"已新建 {programme.year} 年度民生实事项目。")
                return redirect("projects_staff:programme", programme.year)
    programmes = list(LivelihoodProgramme.objects.filter(site=site).order_by("-year"))
    rows = [
        {
            "programme": p,
            "vote_open": projects.vote_open(p),
            "on_roster": projects.on_roster(p, request.user),
            "voted": projects.has_voted(p, request.user),
        }
        for p in programmes
    ]
    return render(
        request,
        "participation/projects/programme_staff_list.html",
        {"rows": rows, "office": office, "form": form, "site": site},
        status=400 if form.errors else 200,
    )


def _detail(request, programme, status=200, **overrides):
    closed = projects.vote_closed(programme)
    ballots, roster = projects.turnout(programme)
    proposals = list(
        programme.proposals.select_related("merged_into", "project").order_by("created_at", "id")
    )
    names = projects.proposer_names(proposals)
    tally, cut = [], ""
    if closed and programme.phase == ProgrammePhase.VOTING:
        tally = projects.tally(programme)
        cut = projects.cut_problems(programme)
    nxt = projects.next_phase(programme)
    context = {
        "programme": programme,
        "steps": projects.phase_steps(programme),
        "next_phase": nxt,
        "next_label": ProgrammePhase(nxt).label if nxt else "",
        "next_problems": projects.phase_problems(programme, nxt) if nxt else [],
        "settings_form": forms.ProgrammeSettingsForm(
            initial={
                n: getattr(programme, n)
                for n in ("title", "introduction", *projects.DATE_FIELDS, *projects.NUMBER_FIELDS)
            }
        ),
        "proposals": [
            {
                "p": p,
                "name": names.get(p.proposer_id, "网友"),
                "screen_form": forms.ScreenForm(programme=programme, prefix=f"s{p.pk}"),
                "merge_form": forms.MergeForm(programme=programme, exclude=p, prefix=f"m{p.pk}"),
            }
            for p in proposals
        ],
        "screening": programme.phase == ProgrammePhase.SCREENING,
        "can_merge": not projects.reached(programme, ProgrammePhase.CANDIDATES),
        "candidates": programme.projects.order_by("order", "id"),
        "editable_candidates": not projects.reached(programme, ProgrammePhase.CANDIDATES),
        "roster_entries": programme.roster.select_related("user").order_by("added_at", "id"),
        "roster_form": forms.RosterForm(programme=programme),
        "roster_editable": not projects.reached(programme, ProgrammePhase.VOTING),
        "vote_open": projects.vote_open(programme),
        "vote_closed": closed,
        "ballots": ballots,
        "roster": roster,
        "tally": tally,
        "cut": cut,
        "results": projects.results_published(programme),
    }
    context.update(overrides)
    return render(request, DETAIL, context, status=status)


@staff_required
def programme_detail(request: HttpRequest, year: int) -> HttpResponse:
    return _detail(request, _office_programme(request, year))


@staff_required
@require_POST
def programme_action(request: HttpRequest, year: int, action: str) -> HttpResponse:
    """settings, advance, close_vote, roster_add, roster_remove."""
    programme = _office_programme(request, year)
    try:
        if action == "settings":
            form = forms.ProgrammeSettingsForm(request.POST)
            if not form.is_valid():
                return _detail(request, programme, status=400, settings_form=form)
            data = dict(form.cleaned_data)
            projects.edit_programme(
                programme, request.user, title=data.pop("title"),
                introduction=data.pop("introduction"), **data,
            )  # fmt: skip
            flash.success(request, "设置已保存。")
        elif action == "advance":
            phase = request.POST.get("phase", "")
            programme = projects.advance(programme, phase, request.user)
            flash.success(request, f"已进入“{ProgrammePhase(programme.phase).label}”阶段。")
        elif action == "close_vote":
            projects.close_vote(programme, request.user)
            flash.success(request, "票决已结束，可以查看得票情况并公布结果。")
        elif action == "roster_add":
            form = forms.RosterForm(request.POST, programme=programme)
            if not form.is_valid():
                return _detail(request, programme, status=400, roster_form=form)
            projects.add_deputy(
                programme,
                form.cleaned_data["user"],
                request.user,
                delegation=form.cleaned_data["delegation"],
            )
            flash.success(request, "已加入票决代表名单。")
        elif action == "roster_remove":
            entry = get_object_or_404(
                DeputyRosterEntry, programme=programme, pk=request.POST.get("entry") or 0
            )
            projects.remove_deputy(entry, request.user)
            flash.success(request, "已移出票决代表名单。")
        else:
            raise Http404
    except projects.RuleError as exc:
        programme.refresh_from_db()
        return _detail(request, programme, status=400, action_error=str(exc))
    return redirect("projects_staff:programme", programme.year)


@staff_required
@require_POST
def proposal_action(request: HttpRequest, year: int, pk: int, action: str) -> HttpResponse:
    """screen or merge one proposal."""
    programme = _office_programme(request, year)
    proposal = get_object_or_404(Proposal, programme=programme, pk=pk)
    try:
        if action == "screen":
            form = forms.ScreenForm(request.POST, programme=programme, prefix=f"s{pk}")
            if not form.is_valid():
                return _detail(request, programme, status=400, action_error=_errors(form))
            projects.screen_proposal(
                proposal,
                request.user,
                feasible=form.cleaned_data["feasible"],
                reason=form.cleaned_data["reason"],
                project=form.cleaned_data["project"] if form.cleaned_data["feasible"] else None,
            )
            flash.success(request, f"建议 {pk} 已筛选。")
        elif action == "merge":
            form = forms.MergeForm(
                request.POST, programme=programme, exclude=proposal, prefix=f"m{pk}"
            )
            if not form.is_valid():
                return _detail(request, programme, status=400, action_error=_errors(form))
            projects.merge_proposal(proposal, form.cleaned_data["into"], request.user)
            flash.success(request, f"建议 {pk} 已合并。")
        else:
            raise Http404
    except projects.RuleError as exc:
        return _detail(request, programme, status=400, action_error=str(exc))
    url = reverse("projects_staff:programme", args=[programme.year])
    return redirect(f"{url}#proposal-{pk}")


@staff_required
def candidate_edit(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    programme = _office_programme(request, year)
    project = get_object_or_404(programme.projects, pk=pk, state=ProjectState.CANDIDATE)
    fields = ("title", "category", "place", "estimated_cost", "description")
    form = forms.CandidateForm(
        request.POST or None, initial={n: getattr(project, n) for n in fields}
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                projects.edit_candidate(project, request.user, **form.cleaned_data)
            except projects.RuleError as exc:
                form.add_error(None, str(exc))
            else:
                flash.success(request, "候选项目已保存。")
                return redirect("projects_staff:programme", programme.year)
    return render(
        request,
        "participation/projects/programme_candidate_edit.html",
        {
            "programme": programme,
            "project": project,
            "form": form,
            "sources": project.proposals.order_by("id"),
        },
        status=400 if form.errors else 200,
    )


@staff_required
def vote(request: HttpRequest, year: int) -> HttpResponse:
    """The deputy's ballot. Only accounts on the year's roster get the form; anyone else is
    told why (403); a second ballot is refused by the database's unique constraint."""
    site = _site(request)
    programme = get_object_or_404(LivelihoodProgramme, site=site, year=year)
    template = "participation/projects/vote_ballot.html"
    context = {"programme": programme, "steps": projects.phase_steps(programme)}
    if not projects.may_vote(programme, request.user):
        context["refusal"] = projects.NOT_ON_ROSTER.format(year=programme.year)
        return render(request, template, context, status=403)
    if projects.has_voted(programme, request.user) and request.method != "POST":
        context["voted"] = True
        return render(request, template, context)
    if not projects.vote_open(programme):
        context["closed"] = True
        return render(request, template, context)
    form = forms.BallotForm(request.POST or None, programme=programme)
    context["form"] = form
    if request.method == "POST":
        if not form.is_valid():
            return render(request, template, context, status=400)
        try:
            projects.cast_ballot(programme, request.user, form.cleaned_data["projects"])
        except projects.RuleError as exc:
            form.add_error(None, str(exc))
            status = 409 if isinstance(exc, projects.AlreadyVoted) else 400
            return render(request, template, context, status=status)
        flash.success(request, "选票已提交，感谢您参与票决。")
        return redirect("projects_staff:vote", programme.year)
    return render(request, template, context)
