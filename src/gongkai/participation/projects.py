"""民生实事项目 up to the vote results, as plain functions: the programme's phases, the public's
proposals, the office's screening and candidate list, the deputies' roster and ballots, the
tally. Views, the API, the demo and the progress part (implementation, evaluation, report)
call these.

Seed 001 (民生实事项目人大代表票决制): the public proposes, the government screens, the
people's congress deputies vote, and the selected projects are implemented and evaluated. The
integrity rules live in the database (models/projects.py: one programme per site and year, one
roster entry per deputy, one ballot per deputy, one choice per project on a ballot); these
functions turn the database's refusal into a Chinese message. Every change checks its actor
through core.permissions (the office admin of the site; a deputy on the year's roster for the
ballot; a verified person for a proposal) and writes an audit event without what people wrote
and without what a deputy chose (the ballot is secret: only that it was cast)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from gongkai.core import permissions
from gongkai.core.audit import record_event
from gongkai.core.models import AuditEventType, Membership, Organisation, Role, Site
from gongkai.core.sites import openness_office, touch_site

from .accounts import require_person
from .models import (
    Ballot,
    BallotChoice,
    DeputyRosterEntry,
    LivelihoodProgramme,
    LivelihoodProject,
    ProgrammePhase,
    ProjectCategory,
    ProjectState,
    Proposal,
    ProposalState,
    PublicAccount,
)
from .rules import RuleError, plain_text, public_text

#: The office runs the process (seed 001: 政府办公室牵头征集、筛选、组织票决).
OFFICE = (Role.OFFICE_ADMIN,)
PHASES: list[str] = [p.value for p in ProgrammePhase]
MAX_TITLE = 100
MAX_PLACE = 100
MAX_DESCRIPTION = 2000
MAX_REASON = 500
#: One person's proposals per year: enough for real ideas, not for flooding the list.
MAX_PROPOSALS_PER_PERSON = 5
#: 估算投资（万元）: two decimals, below 100 亿元 (max_digits=12 of the model).
MAX_COST = Decimal("9999999999.99")


# --------------------------------------------------------------------------- phases


def phase_index(phase: str) -> int:
    return PHASES.index(str(phase))


def reached(programme: LivelihoodProgramme, phase: str) -> bool:
    """Has the programme entered `phase` (or a later one)?"""
    return phase_index(programme.phase) >= phase_index(phase)


def vote_closed(programme: LivelihoodProgramme, now: datetime | None = None) -> bool:
    """Closed by the office, or past its planned close time. Before this, no count is shown
    anywhere (not to the public, not to staff, not through the API)."""
    if programme.vote_closed_at is not None:
        return True
    now = now or timezone.now()
    return programme.vote_closes_at is not None and now >= programme.vote_closes_at


def vote_open(programme: LivelihoodProgramme, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return (
        programme.phase == ProgrammePhase.VOTING
        and programme.vote_opens_at is not None
        and programme.vote_opens_at <= now
        and not vote_closed(programme, now)
    )


def results_published(programme: LivelihoodProgramme) -> bool:
    return programme.results_published_at is not None


def candidates_published(programme: LivelihoodProgramme) -> bool:
    return programme.candidates_published_at is not None


#: phase -> checks `(programme, now) -> None` that raise RuleError when the programme may not
#: enter the phase, and actions `(programme, actor, now) -> None` done on entering it (inside
#: the transaction, on the locked row). Other parts register theirs with `register_phase_rule`.
_CHECKS: dict[str, list[Callable]] = {p: [] for p in PHASES}
_ON_ENTER: dict[str, list[Callable]] = {p: [] for p in PHASES}


def register_phase_rule(phase: str, *, check: Callable | None = None, on_enter=None) -> None:
    """Add a precondition and/or an entry action to a phase (idempotent by identity)."""
    if check is not None and check not in _CHECKS[str(phase)]:
        _CHECKS[str(phase)].append(check)
    if on_enter is not None and on_enter not in _ON_ENTER[str(phase)]:
        _ON_ENTER[str(phase)].append(on_enter)


def phase_problems(programme: LivelihoodProgramme, phase: str, now=None) -> list[str]:
    """Why the programme may not enter `phase` now (empty: it may)."""
    now = now or timezone.now()
    problems = []
    for check in _CHECKS[str(phase)]:
        try:
            check(programme, now)
        except RuleError as exc:
            problems.append(str(exc))
    return problems


def next_phase(programme: LivelihoodProgramme) -> str | None:
    i = phase_index(programme.phase)
    return PHASES[i + 1] if i + 1 < len(PHASES) else None


def _locked(programme: LivelihoodProgramme) -> LivelihoodProgramme:
    return (
        LivelihoodProgramme.objects.select_for_update()
        .select_related("site", "organisation")
        .get(pk=programme.pk)
    )


def _require_office(actor, programme_or_site, what: str) -> None:
    site = programme_or_site if isinstance(programme_or_site, Site) else programme_or_site.site
    permissions.require(actor, what, site, OFFICE)


def advance(
    programme: LivelihoodProgramme, phase: str, actor, *, now: datetime | None = None
) -> LivelihoodProgramme:
    """Move the programme into `phase`, the one after its current phase: strictly forward, one
    phase at a time, so every phase of the public timeline has its date. The phase's checks
    must pass (e.g. results need the vote closed); its entry actions run in the same
    transaction (entering 候选项目公示 publishes the list, 票决结果公布 tallies the ballots)."""
    _require_office(actor, programme, "推进民生实事项目阶段")
    phase = str(phase)
    if phase not in PHASES:
        raise RuleError("阶段不正确。")
    now = now or timezone.now()
    with transaction.atomic():
        current = _locked(programme)
        if phase_index(phase) <= phase_index(current.phase):
            raise RuleError(
                f"当前已处于“{ProgrammePhase(current.phase).label}”阶段，阶段只能向后推进。"
            )
        if phase_index(phase) != phase_index(current.phase) + 1:
            expected = ProgrammePhase(next_phase(current)).label
            raise RuleError(f"阶段须逐一推进，下一阶段应为“{expected}”。")
        problems = phase_problems(current, phase, now)
        if problems:
            raise RuleError("；".join(problems))
        before = current.phase
        for action in _ON_ENTER[phase]:
            action(current, actor, now)
        current.phase = phase
        current.phase_dates = {**(current.phase_dates or {}), phase: now.isoformat()}
        current.save()
        record_event(
            AuditEventType.STATE_CHANGED,
            actor=actor,
            obj=current,
            before={"phase": before},
            after={"phase": phase},
            message=f"民生实事项目进入“{ProgrammePhase(phase).label}”阶段",
        )
        touch_site(current.site)
    return current


def phase_entered_on(programme: LivelihoodProgramme, phase: str) -> datetime | None:
    value = (programme.phase_dates or {}).get(str(phase))
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


@dataclass(frozen=True)
class PhaseStep:
    phase: str
    label: str
    entered_at: datetime | None
    done: bool
    current: bool
    planned: str = ""


def phase_steps(programme: LivelihoodProgramme) -> list[PhaseStep]:
    """The phases for the public banner: which are done, which is current, with their dates
    (when entered) and, for those ahead, the planned dates."""
    here = phase_index(programme.phase)
    planned = {
        ProgrammePhase.SOLICITATION: _span(
            programme.solicitation_opens_on, programme.solicitation_closes_on
        ),
        ProgrammePhase.VOTING: _span(programme.vote_opens_at, programme.vote_closes_at),
        ProgrammePhase.EVALUATION: _span(
            programme.evaluation_opens_on, programme.evaluation_closes_on
        ),
    }
    steps = []
    for i, phase in enumerate(PHASES[1:], start=1):
        steps.append(
            PhaseStep(
                phase=phase,
                label=str(ProgrammePhase(phase).label),
                entered_at=phase_entered_on(programme, phase),
                done=i < here,
                current=i == here,
                planned=planned.get(phase, ""),
            )
        )
    return steps


def _span(start, end) -> str:
    def fmt(value):
        if value is None:
            return ""
        if isinstance(value, datetime):
            return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
        return value.strftime("%Y-%m-%d")

    if start is None and end is None:
        return ""
    return f"{fmt(start)} 至 {fmt(end)}".strip()


# --- the phases' own checks and entry actions


def _check_solicitation(programme, now) -> None:
    if programme.solicitation_opens_on and programme.solicitation_closes_on:
        if programme.solicitation_closes_on < programme.solicitation_opens_on:
            raise RuleError("征集截止日期不能早于开始日期。")


def _check_candidates(programme, now) -> None:
    pending = programme.proposals.filter(state=ProposalState.SUBMITTED, hidden=False).count()
    if pending:
        raise RuleError(f"还有 {pending} 条项目建议未筛选，请先逐条给出筛选意见。")
    if not programme.projects.filter(state=ProjectState.CANDIDATE).exists():
        raise RuleError("还没有候选项目：请先把可行的项目建议列入候选。")


def _enter_candidates(programme, actor, now) -> None:
    programme.candidates_published_at = now


def _check_voting(programme, now) -> None:
    if programme.vote_opens_at is None or programme.vote_closes_at is None:
        raise RuleError("请先设置票决开始和截止时间。")
    if programme.vote_closes_at <= programme.vote_opens_at:
        raise RuleError("票决截止时间须晚于开始时间。")
    if programme.vote_closes_at <= now:
        raise RuleError("票决截止时间已过，请重新设置票决时间。")
    if not programme.roster.exists():
        raise RuleError("票决代表名单为空，请先添加代表。")
    if programme.choices_per_ballot < 1:
        raise RuleError("每张选票可选项目数至少为 1。")


def _check_results(programme, now) -> None:
    if not vote_closed(programme, now):
        raise RuleError("票决尚未截止，截止后才能公布结果。")
    tally_problems = cut_problems(programme)
    if tally_problems:
        raise RuleError(tally_problems)


def _enter_results(programme, actor, now) -> None:
    """Tally the ballots into each candidate's votes and rank; the top `projects_to_select`
    are selected, the others not."""
    rows = tally(programme)
    for row in rows:
        LivelihoodProject.objects.filter(pk=row.project.pk).update(
            votes=row.votes,
            rank=row.rank,
            state=ProjectState.SELECTED if row.selected else ProjectState.NOT_SELECTED,
            updated_at=now,
        )
    programme.results_published_at = now


def _check_implementation(programme, now) -> None:
    if not results_published(programme):
        raise RuleError("票决结果尚未公布。")


register_phase_rule(ProgrammePhase.SOLICITATION, check=_check_solicitation)
register_phase_rule(ProgrammePhase.CANDIDATES, check=_check_candidates, on_enter=_enter_candidates)
register_phase_rule(ProgrammePhase.VOTING, check=_check_voting)
register_phase_rule(ProgrammePhase.RESULTS, check=_check_results, on_enter=_enter_results)
register_phase_rule(ProgrammePhase.IMPLEMENTATION, check=_check_implementation)


# --------------------------------------------------------------------------- programme


def create_programme(
    site: Site,
    year: int,
    actor,
    *,
    title: str = "",
    introduction: str = "",
    organisation: Organisation | None = None,
    **dates,
) -> LivelihoodProgramme:
    """A new year's programme of the site, in 筹备中; one per site and year (the database's
    unique constraint)."""
    _require_office(actor, site, "新建民生实事项目年度征集")
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise RuleError("年度不正确。") from None
    if not 2000 <= year <= 2100:
        raise RuleError("年度须在 2000 至 2100 之间。")
    organisation = organisation or openness_office(site)
    if organisation is None or organisation.site_id != site.pk:
        raise RuleError("请选择本站的牵头机构。")
    title = plain_text(title, limit=100, multiline=False) or f"{year} 年民生实事项目"
    try:
        with transaction.atomic():
            programme = LivelihoodProgramme.objects.create(
                site=site,
                year=year,
                title=title,
                introduction=plain_text(introduction, limit=2000),
                organisation=organisation,
                **_checked_dates(dates),
            )
            record_event(
                AuditEventType.OBJECT_CREATED,
                actor=actor,
                obj=programme,
                after={"year": year},
                message="新建民生实事项目年度征集",
            )
            touch_site(site)
    except IntegrityError:
        raise RuleError(f"{year} 年度的民生实事项目已存在。") from None
    return programme


DATE_FIELDS = (
    "solicitation_opens_on",
    "solicitation_closes_on",
    "vote_opens_at",
    "vote_closes_at",
    "evaluation_opens_on",
    "evaluation_closes_on",
)
NUMBER_FIELDS = ("choices_per_ballot", "projects_to_select")


def _checked_dates(values: dict) -> dict:
    unknown = set(values) - set(DATE_FIELDS) - set(NUMBER_FIELDS)
    if unknown:
        raise RuleError("不支持的设置项。")
    pairs = [
        ("solicitation_opens_on", "solicitation_closes_on", "征集截止日期不能早于开始日期。"),
        ("vote_opens_at", "vote_closes_at", "票决截止时间须晚于开始时间。"),
        ("evaluation_opens_on", "evaluation_closes_on", "测评截止日期不能早于开始日期。"),
    ]
    for start, end, message in pairs:
        a, b = values.get(start), values.get(end)
        if a is not None and b is not None and (b < a or (start == "vote_opens_at" and b == a)):
            raise RuleError(message)
    for name in NUMBER_FIELDS:
        if name in values:
            try:
                n = int(values[name])
            except (TypeError, ValueError):
                raise RuleError("项目数须为整数。") from None
            if not 1 <= n <= 100:
                raise RuleError("项目数须在 1 至 100 之间。")
            values[name] = n
    return values


def edit_programme(
    programme: LivelihoodProgramme, actor, *, title=None, introduction=None, **values
) -> LivelihoodProgramme:
    """The planned dates and numbers. The vote's rules (times, choices per ballot) are fixed
    once voting has begun, the number to select once the results are out; a tie at the cut
    is settled by the office changing the number to select before publishing (see
    `cut_problems`), and that change is audited."""
    _require_office(actor, programme, "修改民生实事项目设置")
    with transaction.atomic():
        current = _locked(programme)
        merged = {
            name: values.get(name, getattr(current, name))
            for name in (*DATE_FIELDS, *NUMBER_FIELDS)
        }
        merged = _checked_dates(merged)
        changed = {n: v for n, v in merged.items() if not _same(getattr(current, n), v)}
        if reached(current, ProgrammePhase.VOTING):
            locked = {"vote_opens_at", "choices_per_ballot"} & set(changed)
            if "vote_closes_at" in changed:
                locked.add("vote_closes_at")
            if locked:
                raise RuleError("票决已开始，票决时间和每张选票可选项目数不能再修改。")
        if reached(current, ProgrammePhase.RESULTS) and "projects_to_select" in changed:
            raise RuleError("票决结果已公布，拟确定项目数不能再修改。")
        before = {n: _jsonable(getattr(current, n)) for n in changed}
        for name, value in changed.items():
            setattr(current, name, value)
        if title is not None:
            current.title = plain_text(title, limit=100, multiline=False) or current.title
        if introduction is not None:
            current.introduction = plain_text(introduction, limit=2000)
        current.save()
        record_event(
            AuditEventType.OBJECT_CHANGED,
            actor=actor,
            obj=current,
            before=before,
            after={n: _jsonable(v) for n, v in changed.items()},
            message="修改民生实事项目设置",
        )
        touch_site(current.site)
    return current


def _same(stored, given) -> bool:
    """A time typed into a form has minutes, not seconds: the stored one truncated to the
    minute is the same time (so saving the settings form does not "change" the vote's times)."""
    if isinstance(stored, datetime) and isinstance(given, datetime):
        return stored.replace(second=0, microsecond=0) == given.replace(second=0, microsecond=0)
    return stored == given


def _jsonable(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def close_vote(programme: LivelihoodProgramme, actor, *, now=None) -> LivelihoodProgramme:
    """The office closes the vote (before its planned close, e.g. when every deputy has
    voted at the meeting); after this no ballot is accepted and the tally may be seen."""
    _require_office(actor, programme, "结束票决")
    now = now or timezone.now()
    with transaction.atomic():
        current = _locked(programme)
        if current.phase != ProgrammePhase.VOTING:
            raise RuleError("当前不在代表票决阶段。")
        if vote_closed(current, now):
            raise RuleError("票决已经截止。")
        current.vote_closed_at = now
        current.save(update_fields=["vote_closed_at", "updated_at"])
        record_event(
            AuditEventType.STATE_CHANGED,
            actor=actor,
            obj=current,
            before={"vote": "open"},
            after={"vote": "closed"},
            message="结束代表票决",
        )
        touch_site(current.site)
    return current


def publish_results(programme: LivelihoodProgramme, actor, *, now=None) -> LivelihoodProgramme:
    """票决结果公布: the phase RESULTS, whose entry tallies the ballots."""
    return advance(programme, ProgrammePhase.RESULTS, actor, now=now)


# --------------------------------------------------------------------------- proposals


def parse_cost(value) -> Decimal | None:
    """估算投资（万元）: empty, or a non-negative amount with at most two decimals."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        cost = Decimal(str(value).strip().replace(",", "").replace("，", ""))
    except InvalidOperation:
        raise RuleError("估算投资请填写数字（单位：万元），例如 120 或 85.5。") from None
    if not cost.is_finite():
        raise RuleError("估算投资请填写数字（单位：万元），例如 120 或 85.5。")
    if cost < 0:
        raise RuleError("估算投资不能为负数。")
    if cost > MAX_COST:
        raise RuleError("估算投资过大，请核对单位（万元）。")
    if cost != cost.quantize(Decimal("0.01")):
        raise RuleError("估算投资最多保留两位小数（单位：万元）。")
    return cost.quantize(Decimal("0.01"))


def _category(value: str) -> str:
    if value not in ProjectCategory.values:
        raise RuleError("请选择项目类别。")
    return value


def solicitation_open(programme: LivelihoodProgramme, today=None) -> bool:
    today = today or timezone.localdate()
    if programme.phase != ProgrammePhase.SOLICITATION:
        return False
    if programme.solicitation_opens_on and today < programme.solicitation_opens_on:
        return False
    return not (programme.solicitation_closes_on and today > programme.solicitation_closes_on)


def submit_proposal(
    programme: LivelihoodProgramme,
    actor,
    *,
    title: str,
    category: str,
    place: str,
    description: str,
    estimated_cost=None,
    today=None,
) -> Proposal:
    """A verified person's proposal during solicitation (seed 001: 面向社会公开征集)."""
    require_person(actor, "提出项目建议")
    programme = LivelihoodProgramme.objects.select_related("site").get(pk=programme.pk)
    if not solicitation_open(programme, today):
        raise RuleError("本年度民生实事项目现在不在征集期内。")
    title = plain_text(title, limit=MAX_TITLE, multiline=False)
    place = plain_text(place, limit=MAX_PLACE, multiline=False)
    description = plain_text(description, limit=MAX_DESCRIPTION)
    if not title or not place or not description:
        raise RuleError("请填写项目名称、实施地点和建议内容。")
    cost = parse_cost(estimated_cost)
    with transaction.atomic():
        # the person's row is the lock: their limit holds under parallel submissions
        PublicAccount.objects.select_for_update().filter(user=actor).first()
        mine = Proposal.objects.filter(programme=programme, proposer=actor).count()
        if mine >= MAX_PROPOSALS_PER_PERSON:
            raise RuleError(f"每人每年最多提出 {MAX_PROPOSALS_PER_PERSON} 条项目建议。")
        proposal = Proposal.objects.create(
            programme=programme,
            proposer=actor,
            title=title,
            category=_category(category),
            place=place,
            estimated_cost=cost,
            description=description,
        )
        record_event(
            AuditEventType.OBJECT_CREATED,
            actor=actor,
            obj=proposal,
            site=programme.site,
            after={"programme": programme.pk, "category": proposal.category},
            message="收到民生实事项目建议",
        )
        touch_site(programme.site)
    return proposal


def _locked_proposal(proposal: Proposal) -> Proposal:
    return (
        Proposal.objects.select_for_update()
        .select_related("programme", "programme__site")
        .get(pk=proposal.pk)
    )


def merge_proposal(proposal: Proposal, into: Proposal, actor) -> Proposal:
    """合并重复建议: the duplicate points to the one kept and shares its screening."""
    _require_office(actor, proposal.programme, "合并项目建议")
    with transaction.atomic():
        current = _locked_proposal(proposal)
        target = _locked_proposal(into)
        programme = current.programme
        if target.programme_id != current.programme_id:
            raise RuleError("只能合并同一年度的项目建议。")
        if target.pk == current.pk:
            raise RuleError("不能合并到自身。")
        if reached(programme, ProgrammePhase.CANDIDATES):
            raise RuleError("候选项目已公示，不能再合并建议。")
        if current.state != ProposalState.SUBMITTED:
            raise RuleError("只能合并尚未筛选的项目建议。")
        if target.state in (ProposalState.MERGED, ProposalState.NOT_FEASIBLE):
            raise RuleError("请合并到一条未被合并、未被否决的建议。")
        current.state = ProposalState.MERGED
        current.merged_into = target
        current.project = target.project
        current.screened_by = permissions.user_of(actor)
        current.screened_at = timezone.now()
        current.save()
        # what had been merged into the duplicate follows it
        Proposal.objects.filter(merged_into=current).update(
            merged_into=target, project=target.project
        )
        record_event(
            AuditEventType.STATE_CHANGED,
            actor=actor,
            obj=current,
            site=programme.site,
            before={"state": ProposalState.SUBMITTED},
            after={"state": ProposalState.MERGED, "merged_into": target.pk},
            message="合并重复的项目建议",
        )
        touch_site(programme.site)
    return current


def screen_proposal(
    proposal: Proposal,
    actor,
    *,
    feasible: bool,
    reason: str,
    project: LivelihoodProject | None = None,
) -> Proposal:
    """筛选论证: feasible (becomes a new candidate, or joins `project`) or not, always with the
    reason the public will read."""
    _require_office(actor, proposal.programme, "筛选项目建议")
    reason = plain_text(reason, limit=MAX_REASON)
    if not reason:
        raise RuleError("请填写筛选意见（可行或不可行的理由）。")
    now = timezone.now()
    with transaction.atomic():
        current = _locked_proposal(proposal)
        programme = current.programme
        if programme.phase != ProgrammePhase.SCREENING:
            raise RuleError("只能在“筛选论证”阶段筛选项目建议。")
        if current.state != ProposalState.SUBMITTED:
            raise RuleError("该建议已筛选或已合并。")
        if feasible:
            if project is not None:
                if project.programme_id != programme.pk or project.state != ProjectState.CANDIDATE:
                    raise RuleError("请选择本年度的候选项目。")
            else:
                project = LivelihoodProject.objects.create(
                    programme=programme,
                    title=current.title,
                    category=current.category,
                    place=current.place,
                    description=current.description,
                    estimated_cost=current.estimated_cost,
                    order=programme.projects.count() + 1,
                )
                record_event(
                    AuditEventType.OBJECT_CREATED,
                    actor=actor,
                    obj=project,
                    after={"programme": programme.pk, "from_proposal": current.pk},
                    message="列入候选项目",
                )
        current.state = ProposalState.FEASIBLE if feasible else ProposalState.NOT_FEASIBLE
        current.project = project if feasible else None
        current.screening_reason = reason
        current.screened_by = permissions.user_of(actor)
        current.screened_at = now
        current.save()
        Proposal.objects.filter(merged_into=current).update(project=current.project)
        record_event(
            AuditEventType.STATE_CHANGED,
            actor=actor,
            obj=current,
            site=programme.site,
            before={"state": ProposalState.SUBMITTED},
            after={"state": current.state, "project": current.project_id},
            message="筛选项目建议",
        )
        touch_site(programme.site)
    return current


def edit_candidate(project: LivelihoodProject, actor, **fields) -> LivelihoodProject:
    """The office writes the candidate's text (from the proposals it gathers) until the list
    is published; then it is what the deputies vote on and does not change."""
    _require_office(actor, project.programme, "修改候选项目")
    with transaction.atomic():
        current = (
            LivelihoodProject.objects.select_for_update()
            .select_related("programme")
            .get(pk=project.pk)
        )
        if reached(current.programme, ProgrammePhase.CANDIDATES):
            raise RuleError("候选项目已公示，不能再修改。")
        if current.state != ProjectState.CANDIDATE:
            raise RuleError("只能修改候选项目。")
        values = {
            "title": plain_text(fields.get("title", current.title), limit=100, multiline=False),
            "category": _category(fields.get("category", current.category)),
            "place": plain_text(fields.get("place", current.place), limit=100, multiline=False),
            "description": plain_text(
                fields.get("description", current.description), limit=MAX_DESCRIPTION
            ),
            "estimated_cost": parse_cost(fields.get("estimated_cost", current.estimated_cost)),
        }
        if not values["title"] or not values["description"]:
            raise RuleError("请填写项目名称和项目内容。")
        changed = [n for n, v in values.items() if getattr(current, n) != v]
        for name, value in values.items():
            setattr(current, name, value)
        current.save()
        record_event(
            AuditEventType.OBJECT_CHANGED,
            actor=actor,
            obj=current,
            after={"changed": changed},
            message="修改候选项目",
        )
    return current


def withdraw_candidate(project: LivelihoodProject, actor, reason: str) -> None:
    """Take a candidate off the list before publication: its proposals go back to be screened
    again (with the reason kept in the audit log)."""
    _require_office(actor, project.programme, "撤回候选项目")
    reason = plain_text(reason, limit=MAX_REASON, multiline=False)
    if not reason:
        raise RuleError("请填写撤回理由。")
    with transaction.atomic():
        current = LivelihoodProject.objects.select_for_update().get(pk=project.pk)
        if reached(current.programme, ProgrammePhase.CANDIDATES):
            raise RuleError("候选项目已公示，不能撤回。")
        Proposal.objects.filter(project=current, state=ProposalState.FEASIBLE).update(
            state=ProposalState.SUBMITTED, screening_reason="", screened_at=None, project=None
        )
        Proposal.objects.filter(project=current).update(project=None)
        record_event(
            AuditEventType.OBJECT_DELETED,
            actor=actor,
            obj=current,
            before={"title": current.title},
            message=f"撤回候选项目：{reason}",
        )
        current.delete()


# --------------------------------------------------------------------------- roster


def deputies_of(site: Site):
    """Accounts holding the deputy role in an organisation of the site."""
    from gongkai.core.models import User

    members = Membership.objects.filter(
        role=Role.DEPUTY, organisation__site=site, organisation__is_active=True
    ).values("user")
    return User.objects.filter(pk__in=members, is_active=True).order_by("username")


def add_deputy(
    programme: LivelihoodProgramme, user, actor, *, delegation: str = ""
) -> DeputyRosterEntry:
    """Put a deputy on the year's roster; only accounts with Role.DEPUTY on the site may be."""
    _require_office(actor, programme, "维护票决代表名单")
    if not deputies_of(programme.site).filter(pk=getattr(user, "pk", None)).exists():
        raise RuleError("只能添加在本站担任“人大代表”角色的账号。")
    if reached(programme, ProgrammePhase.VOTING):
        raise RuleError("票决已开始，代表名单不能再修改。")
    delegation = plain_text(delegation, limit=50, multiline=False)
    try:
        with transaction.atomic():
            entry = DeputyRosterEntry.objects.create(
                programme=programme, user=user, delegation=delegation
            )
            record_event(
                AuditEventType.OBJECT_CREATED,
                actor=actor,
                obj=entry,
                site=programme.site,
                after={"programme": programme.pk, "user": user.pk},
                message="添加票决代表",
            )
    except IntegrityError:
        raise RuleError("该代表已在名单中。") from None
    return entry


def remove_deputy(entry: DeputyRosterEntry, actor) -> None:
    programme = entry.programme
    _require_office(actor, programme, "维护票决代表名单")
    if reached(programme, ProgrammePhase.VOTING):
        raise RuleError("票决已开始，代表名单不能再修改。")
    record_event(
        AuditEventType.OBJECT_DELETED,
        actor=actor,
        obj=entry,
        site=programme.site,
        before={"programme": programme.pk, "user": entry.user_id},
        message="移出票决代表",
    )
    entry.delete()


def on_roster(programme: LivelihoodProgramme, user) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and DeputyRosterEntry.objects.filter(programme=programme, user=user).exists()
    )


# --------------------------------------------------------------------------- ballots

NOT_ON_ROSTER = "您不在 {year} 年度票决代表名单中，不能投票。如有疑问请联系区政府办公室。"
ALREADY_VOTED = "您已经投过票，每位代表只能投一票，选票提交后不能更改。"


class AlreadyVoted(RuleError):
    """The deputy's ballot is already in (the unique constraint said so)."""


def may_vote(programme: LivelihoodProgramme, user) -> bool:
    """On the year's roster and still holding the deputy role on the site."""
    return on_roster(programme, user) and deputies_of(programme.site).filter(pk=user.pk).exists()


def has_voted(programme: LivelihoodProgramme, user) -> bool:
    return Ballot.objects.filter(programme=programme, deputy=user).exists()


def cast_ballot(
    programme: LivelihoodProgramme, deputy, projects, *, now: datetime | None = None
) -> Ballot:
    """One deputy's ballot: at least one and at most `choices_per_ballot` distinct candidates,
    while the vote is open. One ballot per deputy is the database's unique constraint; no
    check-then-insert here, so two parallel submissions cannot both pass (anchors.md,
    Participation: duplicates came from races until a unique index was added)."""
    if not getattr(deputy, "is_authenticated", False) or not may_vote(programme, deputy):
        raise permissions.PermissionDenied(NOT_ON_ROSTER.format(year=programme.year))
    now = now or timezone.now()
    programme = LivelihoodProgramme.objects.get(pk=programme.pk)
    if not vote_open(programme, now):
        if programme.phase == ProgrammePhase.VOTING and vote_closed(programme, now):
            raise RuleError("票决已经截止，不能再投票。")
        raise RuleError("票决尚未开始。")
    ids = []
    for project in projects:
        pk = getattr(project, "pk", project)
        try:
            pk = int(pk)
        except (TypeError, ValueError):
            raise RuleError("选票上有不属于本次票决的项目。") from None
        if pk not in ids:
            ids.append(pk)
    if not ids:
        raise RuleError("请至少选择 1 个候选项目。")
    if len(ids) > programme.choices_per_ballot:
        raise RuleError(
            f"每张选票最多选择 {programme.choices_per_ballot} 个项目，您选了 {len(ids)} 个。"
        )
    valid = set(
        programme.projects.filter(pk__in=ids, state=ProjectState.CANDIDATE).values_list(
            "pk", flat=True
        )
    )
    if valid != set(ids):
        raise RuleError("选票上有不属于本次票决的项目。")
    try:
        with transaction.atomic():
            ballot = Ballot.objects.create(programme=programme, deputy=deputy)
            BallotChoice.objects.bulk_create(
                [BallotChoice(ballot=ballot, project_id=pk) for pk in ids]
            )
            record_event(
                AuditEventType.OBJECT_CREATED,
                actor=deputy,
                obj=ballot,
                site=programme.site,
                after={"programme": programme.pk},  # never the choices: the ballot is secret
                message="代表提交选票",
            )
    except IntegrityError:
        raise AlreadyVoted(ALREADY_VOTED) from None
    return ballot


# --------------------------------------------------------------------------- tally


@dataclass(frozen=True)
class TallyRow:
    project: LivelihoodProject
    votes: int
    rank: int
    selected: bool


class VoteStillOpen(RuleError):
    """A count was asked for while the vote is open."""


def tally(programme: LivelihoodProgramme, *, now=None) -> list[TallyRow]:
    """Votes per candidate, by votes (then the list's order); rank counts ties as one place
    (1, 2, 2, 4). Refused while the vote is open: nobody sees a count before it closes."""
    if not vote_closed(programme, now):
        raise VoteStillOpen("票决尚未截止，不显示得票情况。")
    projects = list(programme.projects.all())
    counts = dict(
        BallotChoice.objects.filter(ballot__programme=programme)
        .values_list("project_id")
        .annotate(n=Count("id"))
        .values_list("project_id", "n")
    )
    projects.sort(key=lambda p: (-counts.get(p.pk, 0), p.order, p.pk))
    rows = []
    previous, rank = None, 0
    for i, project in enumerate(projects, start=1):
        votes = counts.get(project.pk, 0)
        if votes != previous:
            rank, previous = i, votes
        rows.append(TallyRow(project, votes, rank, selected=i <= programme.projects_to_select))
    return rows


def cut_problems(programme: LivelihoodProgramme) -> str:
    """A tie at the cut (the last selected place and the first one below it have the same
    votes) cannot be settled by the tally. The rule (documented, not a coin toss): the office
    decides by changing the number to select, to take in or leave out all the tied projects,
    before publishing; `edit_programme` audits that change."""
    rows = tally(programme)
    n = programme.projects_to_select
    if len(rows) <= n:
        return ""
    last, first_out = rows[n - 1], rows[n]
    if last.votes == first_out.votes:
        tied = [r for r in rows if r.votes == last.votes]
        low = min(r.rank for r in tied) - 1
        high = low + len(tied)
        return (
            f"第 {n} 名与第 {n + 1} 名得票相同（各 {last.votes} 票，共 {len(tied)} 个项目并列），"
            f"无法按得票自动确定入选项目。请办公室研究后修改“拟确定项目数”"
            f"（例如改为 {low if low >= 1 else high} 或 {high}）再公布结果。"
        )
    return ""


def turnout(programme: LivelihoodProgramme) -> tuple[int, int]:
    """(ballots cast, deputies on the roster): the only figure shown while the vote is open
    (to the office only), since it says nothing about any project's votes."""
    return programme.ballots.count(), programme.roster.count()


# --------------------------------------------------------------------------- public


def public_programmes(site: Site):
    """Programmes the public sees: every one past 筹备中."""
    return LivelihoodProgramme.objects.filter(site=site).exclude(phase=ProgrammePhase.DRAFT)


def public_proposals(programme: LivelihoodProgramme):
    return (
        programme.proposals.filter(hidden=False)
        .select_related("merged_into", "project")
        .order_by("created_at", "id")
    )


def proposer_names(proposals) -> dict[int, str]:
    """user id -> the name the public sees (the account's display name)."""
    ids = {p.proposer_id for p in proposals}
    return {a.user_id: a.display_name for a in PublicAccount.objects.filter(user_id__in=ids)}


def public_proposal(proposal: Proposal, names: dict[int, str]) -> dict:
    return {
        "pk": proposal.pk,
        "title": public_text(proposal.title),
        "category": proposal.get_category_display(),
        "place": public_text(proposal.place),
        "estimated_cost": proposal.estimated_cost,
        "description": public_text(proposal.description),
        "name": names.get(proposal.proposer_id, "网友"),
        "state": proposal.state,
        "state_label": proposal.get_state_display(),
        "reason": proposal.screening_reason if proposal.screened_at else "",
        "merged_into": proposal.merged_into,
        "project": proposal.project,
        "created_at": proposal.created_at,
    }


def public_candidates(programme: LivelihoodProgramme) -> list[dict]:
    """The published candidate list with the proposals each came from; counts and ranks only
    once the results are published."""
    if not candidates_published(programme):
        return []
    show_results = results_published(programme)
    projects = programme.projects.order_by(
        *(("rank", "order", "id") if show_results else ("order", "id"))
    )
    sources: dict[int, list[Proposal]] = {}
    for p in programme.proposals.filter(hidden=False, project__isnull=False).order_by("id"):
        sources.setdefault(p.project_id, []).append(p)
    out = []
    for project in projects:
        out.append(
            {
                "project": project,
                "pk": project.pk,
                "title": project.title,
                "category": project.get_category_display(),
                "place": project.place,
                "description": project.description,
                "estimated_cost": project.estimated_cost,
                "proposals": sources.get(project.pk, []),
                "votes": project.votes if show_results else None,
                "rank": project.rank if show_results else None,
                "selected": show_results and project.state != ProjectState.NOT_SELECTED,
                "state_label": project.get_state_display(),
            }
        )
    return out
