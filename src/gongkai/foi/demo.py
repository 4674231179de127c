"""Demo requests: about two years of realistic cases for 迎江区 and 瓯海区, so the staff pages
and the statistics show real-looking figures. Deterministic (seeded) and idempotent: a site
that already has requests is left alone. Every case goes through foi.workflow, so events,
due dates, letters and audit entries are what real handling would produce."""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from gongkai.core import permissions
from gongkai.core.models import Organisation, OrganisationKind, Site, User
from gongkai.core.workcalendar import add_working_days

from . import notify, workflow
from .models import (
    AppealKind,
    AppealResult,
    Channel,
    Delivery,
    FeeMode,
    FoiRequest,
    FoiSettings,
    OrgCategory,
    Outcome,
    WantedForm,
)

START = date(2025, 1, 2)
COUNTS = {"yingjiang": 96, "ouhai": 78}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "秀英",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀兰",
    "霞",
    "平",
    "刚",
    "桂英",
    "建华",
    "志强",
    "海燕",
]
ORG_NAMES = {
    OrgCategory.COMMERCIAL: [
        "{city}某建设工程有限公司",
        "{city}某房地产开发有限公司",
        "{city}某商贸有限公司",
    ],
    OrgCategory.RESEARCH: ["{city}某城市规划研究院", "某大学公共管理学院课题组"],
    OrgCategory.NONPROFIT: ["{city}某公益服务中心", "某环保志愿者协会"],
    OrgCategory.LEGAL_SERVICE: ["某律师事务所", "{city}某法律服务所"],
    OrgCategory.OTHER: ["{city}某业主委员会", "某村股份经济合作社"],
}
TOPICS = [
    ("本区{year}年老旧小区改造项目的立项批复和资金安排", "关于老旧小区改造的实施方案", ""),
    ("某地块国有土地上房屋征收决定及补偿方案", "房屋征收补偿方案", ""),
    ("本辖区最低生活保障对象的审批标准和公示名单", "", ""),
    ("某道路拓宽工程的环境影响评价批复文件", "", "环审〔{year}〕12号"),
    ("{year}年度部门预算及“三公”经费支出情况", "", ""),
    ("对某公司作出的行政处罚决定书", "行政处罚决定书", ""),
    ("本区义务教育学校招生划片范围的制定依据", "", ""),
    ("某小区电梯加装补助资金的审核材料", "", ""),
    ("我家房屋所在地块的拆迁红线图", "", ""),
    ("本区政府信息公开工作年度报告中的统计数据来源", "", ""),
    ("某建设项目的施工许可证及竣工验收备案表", "", ""),
    ("本区残疾人两项补贴的发放标准和发放名单", "", ""),
]
REASONS = {
    "2": "其中涉及个人身份证号码、联系电话等个人隐私的内容，已作遮盖处理后提供。",
    "3": "经审查，所申请信息依法不予公开，具体理由见告知书。",
    "4": "经检索本机关档案和业务系统，未查找到所申请的信息。",
    "5": "所提诉求不属于政府信息公开申请的范围，已告知相应的处理渠道。",
    "6": "申请人主动撤回申请。",
}
#: weights for replies (6.1 and 6.2 come from the abandon and unpaid paths)
OUTCOME_WEIGHTS = {
    Outcome.DISCLOSED: 38,
    Outcome.PARTIAL: 10,
    Outcome.UNAVAILABLE_NOT_HELD: 14,
    Outcome.UNAVAILABLE_TO_CREATE: 3,
    Outcome.UNAVAILABLE_UNCLEAR: 2,
    Outcome.REFUSED_SECRET: 1,
    Outcome.REFUSED_LAW: 1,
    Outcome.REFUSED_SAFETY: 1,
    Outcome.REFUSED_THIRD_PARTY: 3,
    Outcome.REFUSED_INTERNAL: 2,
    Outcome.REFUSED_PROCESS: 3,
    Outcome.REFUSED_ENFORCEMENT: 1,
    Outcome.REFUSED_QUERY: 2,
    Outcome.NOT_PROCESSED_PETITION: 4,
    Outcome.NOT_PROCESSED_REPEAT: 2,
    Outcome.NOT_PROCESSED_PUBLICATION: 1,
    Outcome.NOT_PROCESSED_EXCESSIVE: 1,
    Outcome.NOT_PROCESSED_CONFIRM: 1,
    Outcome.OTHER: 2,
}
COLUMNS = ["natural", *OrgCategory.values]


def _id_number(rng: random.Random, region: str, born: date) -> str:
    body = f"{region}{born:%Y%m%d}{rng.randint(100, 999)}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(d) * w for d, w in zip(body, weights, strict=True))
    return body + "10X98765432"[total % 11]


def _credit_code(rng: random.Random) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    return (
        "91" + f"{rng.randint(100000, 999999)}" + "".join(rng.choice(alphabet) for _ in range(10))
    )


def _applicant(rng: random.Random, column: str, region: str, city: str, index: int) -> dict:
    name = rng.choice(SURNAMES) + rng.choice(GIVEN)
    born = date(rng.randint(1950, 2000), rng.randint(1, 12), rng.randint(1, 28))
    topic, title, number = rng.choice(TOPICS)
    year = rng.choice([2024, 2025])
    delivery = rng.choice(list(Delivery.values))
    data = {
        "applicant_kind": "natural" if column == "natural" else "legal",
        "org_category": "" if column == "natural" else column,
        "name": name,
        "id_type": "resident_id",
        "id_number": _id_number(rng, region, born),
        "org_name": "",
        "credit_code": "",
        "phone": f"1{rng.choice('3589')}{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}",
        "email": f"applicant{index}@example.com",
        "address": f"{city}某街道{rng.randint(1, 300)}号",
        "postcode": "",
        "description": f"申请公开{topic.format(year=year)}。",
        "document_title": title,
        "document_number": number.format(year=year),
        "purpose": "",
        "wanted_form": rng.choice(list(WantedForm.values)),
        "delivery": delivery,
    }
    if column != "natural":
        data["org_name"] = rng.choice(ORG_NAMES[column]).format(city=city)
        data["credit_code"] = _credit_code(rng)
    return data


def _org_pool(site: Site) -> list[Organisation]:
    orgs = list(
        Organisation.objects.foi_recipients()
        .filter(site=site, is_active=True, depth__in=[1, 2])
        .exclude(kind=OrganisationKind.OFFICE)
        .order_by("path")
    )
    busy = [
        o for o in orgs if any(k in o.name for k in ("住房", "民政", "人民政府", "自然", "教育"))
    ]
    return orgs + busy * 3


def _later(on: date, rng: random.Random, low: int, high: int) -> date:
    return add_working_days(on, rng.randint(low, high)).date


def _run_case(rng, site, org, actor, received, applicant, today, scenario, outcome) -> None:
    channel = rng.choice(
        [Channel.ONLINE] * 5 + [Channel.LETTER, Channel.IN_PERSON, Channel.EMAIL, Channel.FAX]
    )
    req = workflow.register(
        organisation=org,
        applicant=applicant,
        channel=channel,
        submitted_on=received,
        signed_on=received if channel == Channel.LETTER else None,
        mail_signed=channel == Channel.LETTER,
        confirmed_on=received if channel in (Channel.EMAIL, Channel.FAX) else None,
        actor=permissions.PUBLIC if channel == Channel.ONLINE else actor,
    )

    def fits(on):
        return on <= today

    if scenario in ("correction", "abandon"):
        on = _later(received, rng, 1, 5)
        if not fits(on):
            return
        req = workflow.ask_correction(
            req, on=on, what="请明确所需信息的文件名称或形成时间", actor=actor
        )
        if scenario == "abandon":
            on = req.correction_due + timedelta(days=rng.randint(1, 10))
            if fits(on):
                workflow.abandon(req, on=on, actor=actor)
            return
        on = _later(on, rng, 2, 10)
        if not fits(on):
            return
        req = workflow.receive_correction(req, on=on, actor=actor)
    if scenario == "consult":
        on = _later(req.events.last().date, rng, 3, 8)
        if not fits(on):
            return
        req = workflow.start_consultation(req, on=on, party="相关第三方企业", actor=actor)
        on = _later(on, rng, 5, 15)
        if not fits(on):
            return
        req = workflow.end_consultation(
            req, on=on, note="第三方书面回复不同意公开涉及其商业秘密的部分", actor=actor
        )
    if scenario in ("fee", "unpaid"):
        on = _later(req.events.last().date, rng, 3, 8)
        if not fits(on):
            return
        pages = rng.randint(60, 260)
        workflow.issue_fee_notice(req, on=on, mode=FeeMode.PER_PAGE, pages=pages, actor=actor)
        req.refresh_from_db()
        if scenario == "unpaid":
            on = req.fee_notice.pay_by + timedelta(days=rng.randint(1, 5))
            if fits(on):
                workflow.fee_lapsed(req, on=on, actor=actor)
            return
        on = _later(on, rng, 2, 10)
        if not fits(on):
            return
        req = workflow.record_payment(req, on=on, actor=actor)
    if scenario == "extend":
        on = _later(req.events.last().date, rng, 10, 15)
        if not fits(on) or (req.due_date and on > req.due_date):
            return
        req = workflow.extend(
            req,
            on=on,
            days=rng.choice([10, 15, 20]),
            approver="政务公开办公室主任",
            reason="需要调取历史档案",
            actor=actor,
        )
    last = req.events.order_by("-date").first().date
    if req.due_date is None:
        return
    if rng.random() < 0.07:
        on = _later(req.due_date, rng, 1, 6)
    else:
        span = max(0, (req.due_date - last).days)
        on = last + timedelta(days=rng.randint(min(1, span), span)) if span else last
    if not fits(on):
        return
    reason = "" if outcome == Outcome.DISCLOSED else REASONS.get(outcome.split(".")[0], "")
    req = workflow.reply(req, on=on, outcome=outcome, reason=reason, actor=actor)
    if rng.random() < 0.8 and fits(on + timedelta(days=2)):
        req = workflow.record_delivery(
            req, on=on + timedelta(days=2), note=req.get_delivery_display(), actor=actor
        )
    if outcome.split(".")[0] in ("2", "3", "4") and rng.random() < 0.35:
        filed = on + timedelta(days=rng.randint(10, 50))
        if fits(filed):
            kind = rng.choice(
                [AppealKind.RECONSIDERATION] * 3
                + [AppealKind.LITIGATION_DIRECT, AppealKind.LITIGATION_AFTER]
            )
            appeal = workflow.add_appeal(req, kind=kind, filed_on=filed, actor=actor)
            decided = filed + timedelta(days=rng.randint(30, 120))
            if fits(decided):
                result = rng.choice(
                    [AppealResult.MAINTAINED] * 4 + [AppealResult.CORRECTED, AppealResult.OTHER]
                )
                workflow.decide_appeal(appeal, result=result, decided_on=decided, actor=actor)
    closed = on + timedelta(days=rng.randint(20, 90))
    if rng.random() < 0.6 and fits(closed):
        workflow.close(req, on=closed, reason="办结归档", actor=actor)


def load_foi_demo(today: date | None = None, slugs: list[str] | None = None) -> int:
    """Create the demo requests (for `slugs`, default both sites); returns how many."""
    today = today or timezone.localdate()
    created = 0
    with notify.suppressed():
        for slug, count in COUNTS.items():
            if slugs is not None and slug not in slugs:
                continue
            site = Site.objects.filter(slug=slug).first()
            if site is None or FoiRequest.objects.filter(site=site).exists():
                continue
            created += _load_site(site, count, today)
    return created


@transaction.atomic
def _load_site(site: Site, count: int, today: date) -> int:
    rng = random.Random(f"gongkai-foi-demo-{site.slug}")
    FoiSettings.objects.get_or_create(site=site, defaults={"public_list": True})
    prefix = {"yingjiang": "yj", "ouhai": "oh"}[site.slug]
    actor = User.objects.filter(username=f"{prefix}_admin").first() or permissions.SYSTEM
    region = {"yingjiang": "340802", "ouhai": "330304"}[site.slug]
    pool = _org_pool(site)
    span = (today - timedelta(days=3) - START).days
    dates = sorted(START + timedelta(days=rng.randint(0, span)) for _ in range(count))
    outcomes = list(OUTCOME_WEIGHTS)
    weights = list(OUTCOME_WEIGHTS.values())
    for index, received in enumerate(dates):
        if received.weekday() >= 5:
            received -= timedelta(days=received.weekday() - 4)
        column = (
            COLUMNS[index]
            if index < len(COLUMNS)
            else rng.choices(COLUMNS, weights=[70, 12, 3, 4, 6, 5])[0]
        )
        applicant = _applicant(rng, column, region, site.city, index)
        # the first cases cover every outcome and path once; the rest are drawn by weight
        if index < len(outcomes):
            outcome = outcomes[index]
        else:
            outcome = rng.choices(outcomes, weights=weights)[0]
        if index == 2:
            scenario = "abandon"
        elif index == 4:
            scenario = "unpaid"
        else:
            scenario = rng.choices(
                ["plain", "correction", "abandon", "consult", "extend", "fee", "unpaid"],
                weights=[55, 10, 3, 12, 15, 3, 2],
            )[0]
        if outcome == Outcome.UNAVAILABLE_UNCLEAR:
            scenario = "correction"
        _run_case(rng, site, rng.choice(pool), actor, received, applicant, today, scenario, outcome)
    # one registered by mistake: closed with a reason, never deleted, never counted
    mistaken = workflow.register(
        organisation=pool[0],
        applicant=_applicant(rng, "natural", region, site.city, 999),
        channel=Channel.IN_PERSON,
        submitted_on=dates[-1],
        actor=actor,
    )
    workflow.close(mistaken, on=dates[-1], reason="误登记：与同日登记的申请重复录入", actor=actor)
    return count + 1
