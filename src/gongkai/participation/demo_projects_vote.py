"""Demo 民生实事项目 of 迎江区 for 2026, from solicitation to an open vote: proposals by demo
residents (one merged as a duplicate, one not feasible with its reason), candidates published,
a roster of yj_deputy and a second demo deputy (yj_deputy2), the vote open for 30 days so a
new user can sign in as yj_deputy and vote in `make run`. (The results of a closed year are
shown by the progress part's 2025 demo.) Idempotent: a site that has a 2026 programme is left
alone. Everything goes through participation.projects, so phases, dates and audit are real."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from gongkai.core.demo import DEMO_PASSWORD
from gongkai.core.models import Membership, Organisation, Role, Site, User
from gongkai.core.permissions import SYSTEM

from . import projects
from .models import LivelihoodProgramme, ProgrammePhase, PublicAccount

YEAR = 2026
RESIDENTS = [
    ("yj_resident1", "13905560001", "菱湖街道居民"),
    ("yj_resident2", "13905560002", "宜城路社区老王"),
    ("yj_resident3", "13905560003", "人民路街道家长"),
    ("yj_resident4", "13905560004", "新河路居民"),
]
# (resident index, title, category, place, cost 万元, description)
PROPOSALS = [
    (
        0,
        "老旧小区加装电梯",
        "housing",
        "菱湖街道",
        "800",
        "菱湖街道多个上世纪八九十年代建成的小区没有电梯，老人上下楼困难，建议统一规划加装。",
    ),
    (
        1,
        "社区老年食堂",
        "elderly",
        "宜城路社区",
        "120",
        "社区老人多，子女不在身边，建议建设老年食堂，提供助餐服务。",
    ),
    (
        2,
        "中小学校门口护学通道",
        "safety",
        "人民路街道",
        "60",
        "上下学时段校门口人车混行，建议设置护学通道和临时停车点。",
    ),
    (
        3,
        "老小区电梯加装补贴",
        "housing",
        "新河路街道",
        "300",
        "建议对老旧小区加装电梯给予补贴，和菱湖街道一起推进。",
    ),
    (
        1,
        "沿江公园夜间灯光秀",
        "culture",
        "沿江东路",
        "2000",
        "建议在沿江公园建设大型灯光秀，吸引游客。",
    ),
    (
        3,
        "农贸市场提升改造",
        "housing",
        "龙狮桥",
        "450",
        "龙狮桥农贸市场地面湿滑、排水不畅，建议提升改造。",
    ),
]


def _person(username: str, phone: str, name: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(username, None, None, display_name=name)
    if not PublicAccount.objects.filter(user=user).exists():
        PublicAccount.objects.create(
            user=user, phone=phone, phone_verified_at=timezone.now(), public_name=name
        )
    return user


def _deputy2(site: Site) -> User | None:
    """A second demo deputy (same demo password as the core demo's accounts)."""
    office = Organisation.objects.filter(site=site, name="区人民政府办公室").first()
    if office is None:
        return None
    user = User.objects.filter(username="yj_deputy2").first()
    if user is None:
        user = User.objects.create_user(
            "yj_deputy2", "yj_deputy2@example.gov.cn", DEMO_PASSWORD, display_name="人大代表二"
        )
    Membership.objects.get_or_create(user=user, organisation=office, role=Role.DEPUTY)
    return user


@transaction.atomic
def load_projects_vote_demo() -> list[str]:
    site = Site.objects.filter(slug="yingjiang").first()
    if site is None or LivelihoodProgramme.objects.filter(site=site, year=YEAR).exists():
        return []
    deputy = User.objects.filter(username="yj_deputy").first()
    deputy2 = _deputy2(site)
    if deputy is None or deputy2 is None:
        return []
    now = timezone.now()
    today = timezone.localdate()
    start = now - timedelta(days=60)
    programme = projects.create_programme(
        site,
        YEAR,
        SYSTEM,
        title=f"{YEAR} 年迎江区民生实事项目",
        introduction="面向全区群众公开征集 2026 年民生实事项目建议，经筛选论证后提交区人大代表票决。",
    )
    programme = projects.edit_programme(
        programme,
        SYSTEM,
        solicitation_opens_on=today - timedelta(days=60),
        solicitation_closes_on=today - timedelta(days=31),
        vote_opens_at=now - timedelta(days=1),
        vote_closes_at=now + timedelta(days=30),
        choices_per_ballot=3,
        projects_to_select=3,
    )
    programme = projects.advance(programme, ProgrammePhase.SOLICITATION, SYSTEM, now=start)
    people = [_person(*r) for r in RESIDENTS]
    made = []
    for who, title, category, place, cost, text in PROPOSALS:
        made.append(
            projects.submit_proposal(
                programme,
                people[who],
                title=title,
                category=category,
                place=place,
                estimated_cost=Decimal(cost),
                description=text,
                today=today - timedelta(days=45),
            )
        )
    projects.advance(programme, ProgrammePhase.SCREENING, SYSTEM, now=now - timedelta(days=30))
    projects.merge_proposal(made[3], made[0], SYSTEM)
    reasons = {
        0: "符合老旧小区改造政策，群众需求集中，列入候选（已合并新河路街道的同类建议）。",
        1: "符合居家养老服务规划，可依托社区服务中心建设。",
        2: "由公安交警和教育部门共同实施，投入小、见效快。",
        5: "市场设施老化，群众反映集中，列入候选。",
    }
    for i, reason in reasons.items():
        projects.screen_proposal(made[i], SYSTEM, feasible=True, reason=reason)
    projects.screen_proposal(
        made[4], SYSTEM, feasible=False,
        reason="投资大，属于旅游设施建设而非基本民生需求，暂不列入；已转区文旅部门研究。",
    )  # fmt: skip
    projects.advance(programme, ProgrammePhase.CANDIDATES, SYSTEM, now=now - timedelta(days=20))
    projects.add_deputy(programme, deputy, SYSTEM, delegation="菱湖街道代表团")
    projects.add_deputy(programme, deputy2, SYSTEM, delegation="宜城路街道代表团")
    projects.advance(programme, ProgrammePhase.VOTING, SYSTEM, now=now - timedelta(days=1))
    return [
        f"民生实事项目：{YEAR} 年代表票决进行中，以 yj_deputy 或 yj_deputy2 登录工作台投票"
        f"（密码同上），公开页面 /participate/projects/{YEAR}/"
    ]
