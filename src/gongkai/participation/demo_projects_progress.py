"""Demo: 迎江区 2025 livelihood projects, the whole year through. The earlier phases
(proposals, screening, candidate list, the deputies' ballots and published results) are
written directly, so this demo does not depend on the vote's code; implementation, evaluation
and the report go through participation.project_progress, so progress, states and audit
events are real. Dates are moved back into 2025 after the rules wrote them. Idempotent: a
site that already has a 2025 programme is left alone."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from gongkai.core.models import Membership, Organisation, Role, Site, User

from . import project_progress as progress
from .models import (
    Ballot,
    BallotChoice,
    DeputyRosterEntry,
    LivelihoodProgramme,
    LivelihoodProject,
    Milestone,
    ProgrammePhase,
    ProgressUpdate,
    ProjectEvaluation,
    ProjectState,
    Proposal,
    ProposalState,
    PublicAccount,
)

YEAR = 2025


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _png(colour: tuple[int, int, int]) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (320, 200), colour).save(out, "PNG")
    return out.getvalue()


# (title, category, place, estimated cost, organisation, budget, planned completion,
#  milestones [(title, due, weight, done or None)], spent, votes)
PROJECTS = [
    (
        "老旧小区加装电梯",
        "housing",
        "宜城路街道、人民路街道",
        "320",
        "区住房和城乡建设局",
        "300",
        date(2025, 11, 30),
        [
            ("方案设计和居民意见征求", date(2025, 4, 30), 1, date(2025, 4, 25)),
            ("首批 20 部电梯施工", date(2025, 8, 31), 3, date(2025, 8, 28)),
            ("竣工验收", date(2025, 11, 30), 1, date(2025, 11, 20)),
        ],
        "288.60",
        9,
    ),
    (
        "社区老年食堂",
        "elderly",
        "新河路街道",
        "120",
        "区民政局",
        "110",
        date(2025, 10, 31),
        [
            ("选址和改造", date(2025, 5, 31), 2, date(2025, 6, 10)),
            ("运营单位招标", date(2025, 7, 31), 1, date(2025, 7, 30)),
            ("开餐运营", date(2025, 10, 31), 2, date(2025, 11, 15)),
        ],
        "108.00",
        8,
    ),
    (
        "中小学校门口护学通道",
        "education",
        "全区中小学",
        "80",
        "区教育体育局",
        "75",
        date(2025, 9, 1),
        [
            ("安全评估", date(2025, 5, 15), 1, date(2025, 5, 10)),
            ("护学通道建设", date(2025, 8, 25), 2, date(2025, 8, 20)),
        ],
        "74.20",
        7,
    ),
    (
        "城市积水点改造",
        "environment",
        "华中路街道",
        "500",
        "区城市管理局",
        "460",
        date(2025, 12, 15),
        [
            ("勘察设计", date(2025, 4, 30), 1, date(2025, 5, 20)),
            ("管网改造一期", date(2025, 9, 30), 2, date(2025, 10, 8)),
            ("管网改造二期", date(2025, 12, 15), 2, None),
        ],
        "300.00",
        6,
    ),
]
NOT_SELECTED = [
    ("口袋公园建设", "culture", "孝肃路街道", "200", 4),
    ("农贸市场提升", "other", "龙狮桥乡", "150", 3),
]
PEOPLE = ["13805560001", "13805560002", "13805560003", "13805560004", "13805560005"]
SCORES = {0: [5, 5, 4, 5, 4], 1: [5, 4, 4, 3, 5], 2: [4, 5, 5], 3: [3, 2, 4]}
COMMENTS = {
    0: "电梯装好后老人上下楼方便多了。",
    1: "饭菜实惠，希望增加送餐。",
    3: "施工期间交通不便，希望加快进度。",
}


def _person(phone: str) -> User:
    user, created = User.objects.get_or_create(
        username=f"demo-public-{phone[-4:]}", defaults={"password": make_password(None)}
    )
    if created:
        PublicAccount.objects.create(user=user, phone=phone, phone_verified_at=timezone.now())
    return user


def _deputies(site: Site, office: Organisation, n: int = 9) -> list[User]:
    """yj_deputy and demo deputies without a password (they cannot log in)."""
    deputies = list(User.objects.filter(username="yj_deputy"))
    for i in range(1, n - len(deputies) + 1):
        deputy, created = User.objects.get_or_create(
            username=f"yj_deputy_demo{i}",
            defaults={"password": make_password(None), "first_name": f"代表{i}"},
        )
        if created:
            Membership.objects.create(user=deputy, organisation=office, role=Role.DEPUTY)
        deputies.append(deputy)
    return deputies


def load_projects_progress_demo() -> list[str]:
    site = Site.objects.filter(slug="yingjiang").first()
    if site is None or LivelihoodProgramme.objects.filter(site=site, year=YEAR).exists():
        return []
    office = Organisation.objects.filter(site=site, name="区人民政府办公室").first()
    admin = User.objects.filter(username="yj_admin").first()
    if office is None or admin is None:
        return []
    with transaction.atomic():
        programme = _through_the_vote(site, office)
        _implement(site, programme, admin)
        _evaluate_and_report(programme, admin)
    return [f"民生实事项目：{YEAR} 年全过程演示（{len(PROJECTS)} 个项目，年度总结已发布）"]


def _through_the_vote(site: Site, office: Organisation) -> LivelihoodProgramme:
    programme = LivelihoodProgramme.objects.create(
        site=site,
        organisation=office,
        year=YEAR,
        title=f"{YEAR} 年迎江区民生实事项目",
        introduction="面向社会公开征集，经筛选论证后由区人大代表票决确定。",
        phase=ProgrammePhase.IMPLEMENTATION,
        solicitation_opens_on=date(2024, 11, 1),
        solicitation_closes_on=date(2024, 11, 30),
        candidates_published_at=_at(date(2024, 12, 20)),
        vote_opens_at=_at(date(2025, 1, 10), 9),
        vote_closes_at=_at(date(2025, 1, 10), 12),
        results_published_at=_at(date(2025, 1, 10), 16),
        choices_per_ballot=4,
        projects_to_select=4,
    )
    people = [_person(phone) for phone in PEOPLE]
    candidates = [(p[0], p[1], p[2], p[3], p[-1], True) for p in PROJECTS] + [
        (t, c, place, cost, votes, False) for t, c, place, cost, votes in NOT_SELECTED
    ]
    projects = []
    for n, (title, category, place, cost, votes, selected) in enumerate(candidates, start=1):
        project = LivelihoodProject.objects.create(
            programme=programme,
            title=title,
            category=category,
            place=place,
            description=f"{title}：根据公众建议和部门论证形成的候选项目。",
            estimated_cost=Decimal(cost),
            state=ProjectState.SELECTED if selected else ProjectState.NOT_SELECTED,
            order=n,
        )
        proposal = Proposal.objects.create(
            programme=programme,
            proposer=people[n % len(people)],
            title=f"建议{title}",
            category=category,
            place=place,
            estimated_cost=Decimal(cost),
            description=f"希望{title}。",
            state=ProposalState.FEASIBLE,
            screening_reason="群众需求集中，资金和用地可落实，列入候选项目。",
            screened_at=_at(date(2024, 12, 10)),
            project=project,
        )
        Proposal.objects.filter(pk=proposal.pk).update(created_at=_at(date(2024, 11, 5 + n)))
        projects.append((project, votes))
    duplicate = Proposal.objects.create(
        programme=programme,
        proposer=people[0],
        title="老楼装电梯",
        category="housing",
        place="人民路街道",
        description="同上。",
        state=ProposalState.MERGED,
        merged_into=Proposal.objects.get(project=projects[0][0]),
    )
    Proposal.objects.filter(pk=duplicate.pk).update(created_at=_at(date(2024, 11, 20)))
    # ballots: deputy i chooses the projects whose vote count exceeds i
    deputies = _deputies(site, office)
    for deputy in deputies:
        DeputyRosterEntry.objects.create(programme=programme, user=deputy, delegation="迎江区")
    for i, deputy in enumerate(deputies):
        chosen = [p for p, votes in projects if votes > i]
        if len(chosen) > programme.choices_per_ballot:  # some deputies prefer a later one
            keep = programme.choices_per_ballot - (i % 2)
            chosen = chosen[:keep] + (chosen[-1:] if i % 2 else [])
        ballot = Ballot.objects.create(programme=programme, deputy=deputy)
        BallotChoice.objects.bulk_create([BallotChoice(ballot=ballot, project=p) for p in chosen])
    ranked = sorted(projects, key=lambda pv: -BallotChoice.objects.filter(project=pv[0]).count())
    for rank, (project, _votes) in enumerate(ranked, start=1):
        project.votes = BallotChoice.objects.filter(project=project).count()
        project.rank = rank
        project.save(update_fields=["votes", "rank"])
    Ballot.objects.filter(programme=programme).update(cast_at=_at(date(2025, 1, 10), 10))
    return programme


def _implement(site: Site, programme: LivelihoodProgramme, admin: User) -> None:
    colours = [(70, 130, 180), (46, 139, 87), (218, 165, 32), (178, 34, 34)]
    for n, spec in enumerate(PROJECTS):
        title, _c, _p, _cost, org_name, budget, planned, milestones, spent, _v = spec
        project = LivelihoodProject.objects.get(programme=programme, title=title)
        organisation = Organisation.objects.get(site=site, name=org_name)
        editor = (
            User.objects.filter(
                memberships__organisation=organisation, memberships__role=Role.EDITOR
            ).first()
            or admin
        )
        project = progress.assign(
            project,
            organisation=organisation,
            budget=Decimal(budget),
            planned_completion_on=planned,
            actor=admin,
        )
        LivelihoodProject.objects.filter(pk=project.pk).update(assigned_at=_at(date(2025, 2, 15)))
        items = [
            progress.add_milestone(project, title=t, due_on=due, weight=w, actor=editor)
            for t, due, w, _done in milestones
        ]
        for k, ((t, _due, _w, done), milestone) in enumerate(zip(milestones, items, strict=True)):
            if done is None:
                continue
            last = k == len(milestones) - 1
            update = progress.post_update(
                project,
                text=f"{t}已完成。" + ("项目全面完工，投入使用。" if last else ""),
                milestone=milestone,
                done_on=done,
                spent=Decimal(spent) if last or k == len(milestones) - 2 else None,
                files=[progress.UploadedFile(f"{t}.png", _png(colours[n]), f"{title}：{t}")]
                if k % 2 == 0
                else [],
                actor=editor,
                today=done,
            )
            ProgressUpdate.objects.filter(pk=update.pk).update(posted_at=_at(done, 15))
            project.refresh_from_db()
    # 城市积水点改造 is late: the last milestone is still open
    Milestone.objects.filter(project__programme=programme, done_on__isnull=True).update(
        due_on=date(2025, 12, 15)
    )


def _evaluate_and_report(programme: LivelihoodProgramme, admin: User) -> None:
    programme.phase = ProgrammePhase.EVALUATION
    programme.save(update_fields=["phase"])
    people = [_person(phone) for phone in PEOPLE]
    for n, spec in enumerate(PROJECTS):
        project = LivelihoodProject.objects.get(programme=programme, title=spec[0])
        for k, score in enumerate(SCORES.get(n, [])):
            comment = COMMENTS.get(n, "") if k == 0 else ""
            evaluation = progress.evaluate(project, score=score, comment=comment, actor=people[k])
            ProjectEvaluation.objects.filter(pk=evaluation.pk).update(
                created_at=_at(date(2025, 12, 2 + k))
            )
    programme = progress.publish_report(programme, actor=admin)
    LivelihoodProgramme.objects.filter(pk=programme.pk).update(
        report_published_at=_at(date(2025, 12, 28)),
        phase=ProgrammePhase.CLOSED,
        evaluation_opens_on=date(2025, 12, 1),
        evaluation_closes_on=date(2025, 12, 20),
    )
