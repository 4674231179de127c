"""A year and a half of a working district's publishing on the demo sites (迎江区, 瓯海区).

Every leaf of the demo catalogue gets what its organisation would have published there over the
last 18 months (`demo_plans.PLANS`): monthly and quarterly disclosures for every period, yearly
ones in their month, events on working days in between; documents carry their issuer's 文号 in
成文日期 order, 索引号 come from the project's numbering, every record has its first published
revision and a passed 保密审查 (《条例》第十七条). Dates are relative to today, so the demo
stays current. Rows are written with bulk_create and the search index is refreshed once at the
end: the whole load takes seconds. Idempotent: a site that already shows `TARGET` published
records is left alone."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from gongkai.catalogue.models import CatalogueItem
from gongkai.core.audit import record_event
from gongkai.core.html import html_to_text, sanitize_html
from gongkai.core.models import AuditEventType, Organisation, OrganisationKind, Site, User
from gongkai.core.sites import touch_site
from gongkai.core.workcalendar import document_date, is_workday

from . import deadlines, numbering
from .demo_plans import PLANS, Plan
from .models import (
    ConfidentialityReview,
    Kind,
    Record,
    RecordRevision,
    State,
    Validity,
)
from .workflow import first_revision

#: published records per demo site at least
TARGET = 320
#: how far back the archive goes
DAYS = 548
#: numbered documents are at least this old: the newest ones come from the workflow demo
NUMBERED_MIN_AGE = 10

K = OrganisationKind

SITES = {
    "yingjiang": {
        "prefix": "yj",
        "district": "迎江区",
        "city": "安庆市",
        "addressees": "临港经济开发区管委会，各乡人民政府、街道办事处，区直各部门、单位",
        # 机关代字 of each issuing organisation
        "codes": {
            "迎江区人民政府": "迎政",
            "区人民政府办公室": "迎政办",
            "区发展和改革委员会": "迎发改",
            "区教育体育局": "迎教体",
            "区民政局": "迎民",
            "区财政局": "迎财",
            "区人力资源和社会保障局": "迎人社",
            "区住房和城乡建设局": "迎住建",
            "区城市管理局": "迎城管",
            "区卫生健康委员会": "迎卫健",
            "区市场监督管理局": "迎市监",
            "区应急管理局": "迎应急",
            "区数据资源管理局": "迎数据",
        },
        "places": ["人民路", "湖心路", "龙山路", "沿江东路", "华中路", "孝肃路", "宜城路", "新河路",
                   "菱湖南路", "建设路", "皖江大道", "长风港路", "大观路", "锡麟街"],
        "streets": ["宜城路街道", "新河路街道", "华中路街道", "人民路街道", "孝肃路街道",
                    "龙狮桥乡", "长风乡", "新洲乡"],
        "communities": ["宜城路社区", "华中社区", "人民路社区", "新河社区", "孝肃社区", "龙狮桥村",
                        "长风村", "新洲村", "绿地社区", "任店村"],
        "projects": ["沿江东路提升改造工程", "临港经济开发区标准化厂房（三期）", "迎江区第二实验学校新建工程",
                     "菱湖南路雨污分流改造工程", "长风港片区棚户区改造项目", "孝肃路老旧小区改造工程",
                     "迎江区社会福利中心", "新洲乡农村供水保障工程", "滨江湿地公园二期工程",
                     "龙狮桥乡美丽乡村建设项目", "皖江大道综合管廊工程", "华中路智慧停车场项目"],
        "companies": ["安庆市宜城建设工程有限公司", "安徽皖江市政工程有限公司", "安庆港华燃气有限公司",
                      "安庆振风园林绿化有限公司", "安徽长江路桥建设有限公司", "安庆市迎江区自来水公司",
                      "安庆华润燃气有限公司", "安徽同创环境工程有限公司", "安庆市龙山通信工程有限公司"],
        "schools": ["迎江区人民路小学", "迎江区华中路第一小学", "迎江区绿地小学", "迎江区龙狮桥中心学校",
                    "迎江区长风中心学校", "安庆市第十四中学", "迎江区新洲中心学校"],
        "parks": ["菱湖公园", "滨江公园", "人民公园", "石化公园", "皖江公园"],
        "waterworks": ["长江水厂出厂水", "人民路管网末梢", "龙狮桥加压站", "新洲水厂出厂水"],
        "email": "yjqms@example.gov.cn",
    },
    "ouhai": {
        "prefix": "oh",
        "district": "瓯海区",
        "city": "温州市",
        "addressees": "各街道办事处、泽雅镇人民政府，区政府直属各单位",
        "codes": {
            "瓯海区人民政府": "瓯政",
            "区人民政府办公室": "瓯政办",
            "区机构编制委员会办公室": "瓯编办",
            "区教育局": "瓯教",
            "区民政局": "瓯民",
            "区财政局": "瓯财",
            "区人力资源和社会保障局": "瓯人社",
            "区住房和城乡建设局": "瓯住建",
            "区农业农村局": "瓯农",
            "区卫生健康局": "瓯卫健",
            "区残疾人联合会": "瓯残联",
            "区应急管理局": "瓯应急",
        },
        "places": ["瓯海大道", "温瞿路", "府东路", "南白象街", "茶山大道", "娄桥路", "新桥路", "梧慈路",
                   "瞿溪路", "温州大道", "仙岩大道", "丽岙路", "三垟湿地路", "景山路"],
        "streets": ["景山街道", "新桥街道", "娄桥街道", "潘桥街道", "郭溪街道", "瞿溪街道", "梧田街道",
                    "南白象街道", "茶山街道", "丽岙街道", "仙岩街道", "三垟街道", "泽雅镇"],
        "communities": ["娄桥社区", "新桥社区", "梧田社区", "南白象社区", "茶山社区", "丽岙社区", "潘桥社区",
                        "郭溪社区", "瞿溪社区", "泽雅村"],
        "projects": ["瓯海中心区综合管廊工程", "三垟湿地公园提升工程", "瓯海区实验小学新建工程",
                     "温瞿路拓宽改造工程", "茶山高教园区配套道路工程", "瓯海区第二人民医院迁建工程",
                     "娄桥未来社区建设项目", "泽雅镇农村饮用水提升工程", "瓯海区养老服务中心"],
        "companies": ["温州瓯海建设集团有限公司", "浙江瓯越交通建设有限公司", "温州市瓯海区市政工程有限公司",
                      "温州景山园林工程有限公司", "浙江中瓯环境科技有限公司", "温州南白象医药有限公司",
                      "温州娄桥颐养服务有限公司", "温州茶山电器有限公司"],
        "schools": ["瓯海区实验小学", "瓯海区外国语学校", "瓯海区梧田第一小学", "瓯海区南白象中学",
                    "瓯海区新桥小学", "瓯海区郭溪学校", "瓯海区丽岙小学"],
        "parks": ["三垟湿地公园", "瓯海生态公园", "仙岩山公园", "景山公园"],
        "waterworks": ["泽雅水厂出厂水", "梧田管网末梢", "仙岩水厂出厂水"],
        "email": "ohmsss@example.gov.cn",
    },
}  # fmt: skip

WORDS = {
    "season": ["春季", "夏季", "秋季", "冬季"],
    "gas_type": ["管道燃气", "瓶装液化石油气", "压缩天然气"],
    "drain_type": ["餐饮", "洗车", "医疗", "工业生产"],
    "ad_type": ["门头招牌", "墙体广告", "立柱广告", "电子显示屏"],
    "open_hours": ["全天开放", "6:00-22:00", "5:30-21:30"],
    "subsidy": ["耕地地力保护补贴", "城乡居民基本养老保险补贴", "困难残疾人生活补贴", "农机购置补贴",
                "计划生育家庭奖励扶助"],
    "funding": ["区级财政资金", "地方政府专项债券资金", "中央预算内投资和区级配套资金"],
    "violation": ["未按规定开展安全生产教育和培训", "未建立事故隐患排查治理制度",
                  "特种作业人员未持证上岗", "未按规定设置安全警示标志"],
    "article": ["九十七", "一百零一", "一百零二", "九十九"],
    "plan_name": ["突发事件总体应急预案", "防汛抗旱应急预案", "森林火灾应急预案", "生产安全事故应急预案",
                  "地震应急预案", "城市内涝应急预案"],
    "typhoon": ["烟花", "梅花", "杜苏芮", "海葵", "格美", "贝碧嘉"],
    "donor": ["区慈善总会", "省级自然灾害救灾资金", "社会捐赠", "区级财政"],
    "livelihood": ["老旧小区加装电梯", "“一老一小”服务场所建设", "农贸市场改造提升", "城市书房建设",
                   "中小学校食堂改造", "公共停车泊位新增", "社区卫生服务站标准化建设", "背街小巷改造"],
    "clinic": ["社区卫生服务站", "中医诊所", "口腔诊所", "综合门诊部"],
    "clinic_subject": ["全科医疗科", "中医科", "口腔科", "内科、外科"],
    "term": ["春季学期", "秋季学期"],
    "health": ["高血压糖尿病筛查", "老年人健康体检", "中医药健康服务", "儿童口腔保健"],
}  # fmt: skip

#: placeholder → the site's list it is picked from
LISTS = {
    "community": "communities",
    "street": "streets",
    "project": "projects",
    "school": "schools",
    "park": "parks",
    "waterworks": "waterworks",
}

CHECKS = {
    "no_state_secrets": True,
    "no_personal_info": True,
    "no_business_secrets": True,
    "no_stability_risk": True,
}


@dataclass
class Draft:
    plan: Plan
    leaf: CatalogueItem
    organisation: Organisation
    written: date
    published: datetime
    title: str
    body: str
    doc: str
    code: str = ""  # 机关代字 when the document is numbered
    record: Record | None = None


class _Context(dict):
    """Placeholders: fixed values first, then a fresh random pick per use."""

    def __init__(self, rng: random.Random, info: dict, fixed: dict):
        super().__init__(fixed)
        self.rng = rng
        self.info = info

    def __missing__(self, key: str):
        rng, info = self.rng, self.info
        match key:
            case "place" | "place2" | "place3" | "place4":
                return rng.choice(info["places"])
            case "community" | "street" | "project" | "school" | "park" | "waterworks":
                return rng.choice(info[LISTS[key]])
            case "company" | "company2":
                return rng.choice(info["companies"])
            case "n1":
                return rng.randint(3, 28)
            case "n2":
                return rng.randint(30, 480)
            case "n3":
                return rng.randint(500, 9800)
            case "n4":
                return rng.randint(10000, 98000)
            case "small":
                return rng.randint(2, 8)
            case "amt1":
                return f"{rng.uniform(8, 980):.2f}"
            case "amt2":
                return f"{rng.uniform(2000, 98000):.1f}"
            case "amt3":
                return f"{rng.randint(20000, 990000)}"
            case "pct":
                return f"{rng.uniform(92, 99.8):.1f}"
            case "pct2":
                return rng.randint(55, 88)
            case "price" | "price2":
                return f"{rng.uniform(2.2, 3.6):.2f}"
            case "price3":
                return rng.choice([720, 750, 780])
            case "price4":
                return rng.choice([800, 830, 860])
            case "price5":
                return rng.choice([89, 94, 99])
            case "hour":
                return rng.choice([8, 9])
            case "hour2":
                return rng.choice([17, 18, 20])
        if key in WORDS:
            return rng.choice(WORDS[key])
        raise KeyError(key)


def _fill(template: str, ctx: _Context) -> str:
    return template.format_map(ctx)


def _month_start(d: date, months: int) -> date:
    index = d.year * 12 + d.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _occasions(plan: Plan, rng: random.Random, start: date, last: date) -> list[tuple[date, dict]]:
    """(date written, period values) of each publication of a plan in the window."""
    found: list[tuple[date, dict]] = []

    def add(day: date, **values) -> None:
        # a period whose report would come out after yesterday has not been published yet
        while not is_workday(day):
            day += timedelta(days=1)
        if start <= day <= last:
            found.append((day, values))

    if plan.every == "month":
        month = _month_start(start, 0)
        while month <= last:
            following = _month_start(month, 1)
            add(following + timedelta(days=rng.randint(1, 9)), year=month.year, month=month.month)
            month = following
    elif plan.every == "quarter":
        for year in range(start.year - 1, last.year + 1):
            for q in range(1, 5):
                after = _month_start(date(year, 3 * q - 2, 1), 3)
                add(after + timedelta(days=rng.randint(3, 14)), year=year, q=q)
    elif plan.every == "half":
        for year in range(start.year, last.year + 1):
            add(date(year, 4, rng.randint(8, 25)), year=year, term="春季学期")
            add(date(year, 11, rng.randint(8, 25)), year=year, term="秋季学期")
    elif plan.every == "year":
        for year in range(start.year, last.year + 1):
            add(date(year, plan.month, rng.randint(5, 24)), year=year)
    else:
        span = (last - start).days
        for _ in range(plan.count):
            add(start + timedelta(days=rng.randint(0, span)))
    return sorted(found, key=lambda pair: pair[0])


def _full_name(org: Organisation, district: str) -> str:
    if org.name.startswith(district) or not org.name.startswith("区"):
        return org.name
    return district + org.name.removeprefix("区")


def _issuers(site: Site, plan: Plan, leaf: CatalogueItem, orgs: dict) -> list[Organisation]:
    if plan.issuer == "gov":
        return [orgs["gov"]]
    if plan.issuer == "office":
        return [orgs["区人民政府办公室"]]
    if plan.issuer == "each":
        return orgs["departments"]
    responsible = sorted(leaf.organisations.all(), key=lambda o: o.path)
    administrative = [o for o in responsible if o.kind in (K.DEPARTMENT, K.OFFICE, K.GOVERNMENT)]
    return [(administrative or responsible or [orgs["区人民政府办公室"]])[0]]


def _generic_plan(leaf: CatalogueItem) -> Plan:
    return Plan(
        leaf.name,
        ("{org}" + leaf.name + "信息公开（{year}年第{n}期）",),
        count=4,
        body=(
            "根据有关规定，现将" + leaf.name + "有关信息公开如下。",
            "本期公开内容包括：" + (leaf.content or leaf.name) + "。",
            "联系单位：{org}；联系电话：{phone}。",
        ),
    )


def _plans_for(site: Site, leaves: list[CatalogueItem]) -> list[tuple[Plan, CatalogueItem]]:
    by_name: dict[str, list[Plan]] = {}
    for plan in PLANS:
        if plan.extra.get("site", site.slug) == site.slug:
            by_name.setdefault(plan.leaf, []).append(plan)
    return [
        (plan, leaf) for leaf in leaves for plan in by_name.get(leaf.name) or [_generic_plan(leaf)]
    ]


def _body(plan: Plan, ctx: _Context, rng: random.Random, signed_by: str, written: date) -> str:
    parts = [f"<p>{_fill(p, ctx)}</p>" for p in plan.body]
    if plan.table:
        head = "".join(f"<th>{name}</th>" for name, _cell in plan.table)
        rows = "".join(
            "<tr>" + "".join(f"<td>{_fill(cell, ctx)}</td>" for _name, cell in plan.table) + "</tr>"
            for _ in range(rng.randint(3, 6))
        )
        table = f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
        parts.insert(min(len(parts), 1), table)
    if plan.kind in (Kind.POLICY, Kind.NOTICE) or plan.genre in ("批复", "公示", "公告", "通告"):
        parts.append(f"<p>{signed_by}</p><p>{document_date(written)}</p>")
    return "".join(parts)


def _drafts(site: Site, info: dict, orgs: dict, rng: random.Random, extra: int) -> list[Draft]:
    today = timezone.localdate()
    start, last = today - timedelta(days=DAYS), today - timedelta(days=1)
    leaves = list(
        CatalogueItem.objects.filter(site=site, numchild=0, is_retired=False)
        .prefetch_related("organisations")
        .order_by("path")
    )
    plans = _plans_for(site, leaves)
    # Busier event-driven leaves until the site reaches its volume.
    events = [i for i, (plan, _leaf) in enumerate(plans) if not plan.every]
    base = {i: plans[i][0].count for i in events}
    for n in range(extra):
        open_ = [i for i in events if plans[i][0].count < 3 * base[i]] or events
        i = open_[n % len(open_)]
        plans[i] = (replace(plans[i][0], count=plans[i][0].count + 1), plans[i][1])
    drafts: list[Draft] = []
    titles: set[str] = set(Record.objects.filter(site=site).values_list("title", flat=True))
    for plan, leaf in plans:
        counter: dict[tuple, int] = {}
        for written, values in _occasions(plan, rng, start, last):
            if plan.numbered and written > today - timedelta(days=NUMBERED_MIN_AGE):
                continue
            for org in _issuers(site, plan, leaf, orgs):
                draft = _draft(site, info, orgs, rng, plan, leaf, org, written, values, counter)
                for _attempt in range(6):
                    if draft.title not in titles:
                        break
                    draft = _draft(site, info, orgs, rng, plan, leaf, org, written, values, counter)
                else:
                    continue
                titles.add(draft.title)
                drafts.append(draft)
    return drafts


def _draft(site, info, orgs, rng, plan, leaf, org, written, values, counter) -> Draft:
    district = info["district"]
    event = written + timedelta(days=rng.randint(2, 6))
    year = values.get("year", written.year)
    key = (org.pk, year)
    counter[key] = counter.get(key, 0) + 1
    fixed = {
        "district": district,
        "city": info["city"],
        "gov": _full_name(orgs["gov"], district),
        "office": _full_name(orgs["区人民政府办公室"], district),
        "org": _full_name(org, district),
        "fgw": _full_name(orgs.get("fgw") or orgs["区人民政府办公室"], district),
        "dept": _full_name(rng.choice(orgs["departments"]), district),
        "duties": org.duties or "",
        "phone": org.phone or site.phone,
        "address": org.address or site.address,
        "email": info["email"],
        "addressees": info["addressees"],
        "yj": info["codes"].get("区应急管理局", ""),
        "year": year,
        "prev": year - 1,
        "year1": year + 1,
        "year2": year + 2,
        "year3": year + 5,
        "month": values.get("month", event.month),
        "day": event.day,
        "day2": min(event.day + 5, 28),
        "q": values.get("q", (written.month - 1) // 3 + 1),
        "term": values.get("term", ""),
        "n": counter[key],
        "d": document_date(written),
        "d2": document_date(written + timedelta(days=rng.randint(7, 20))),
        "season": WORDS["season"][(event.month % 12) // 3],
    }
    ctx = _Context(rng, info, fixed)
    title = _fill(rng.choice(plan.titles), ctx)
    found = re.search(r"印发《?(.+?)》?的通知$", title)
    doc = found.group(1) if found else title
    ctx["doc"] = doc
    code = info["codes"].get(org.name, "") if plan.numbered else ""
    delay = rng.randint(0, 3) if plan.kind != Kind.POLICY else rng.randint(1, 4)
    day = written + timedelta(days=delay)
    while not is_workday(day):
        day += timedelta(days=1)
    newest = timezone.localdate() - timedelta(days=1)
    while not is_workday(newest):
        newest -= timedelta(days=1)
    day = min(day, newest)
    moment = time(rng.randint(8, 17), rng.randint(0, 59))
    published = timezone.make_aware(datetime.combine(max(day, written), moment))
    body = _body(plan, ctx, rng, ctx["org"], written)
    return Draft(plan, leaf, org, written, published, title, body, doc, code)


def _interpretation(draft: Draft, policy: Record, info: dict, rng: random.Random) -> Record:
    """The 政策解读 that went out with a policy (同步解读), by the drafting department."""
    leaf_orgs = [o for o in draft.leaf.organisations.all() if o.kind == K.DEPARTMENT]
    org = leaf_orgs[0] if leaf_orgs else draft.organisation
    form = rng.choice(["text", "qa"])
    body = (
        f"<h2>一、制定背景</h2><p>为贯彻落实上级有关决策部署，回应群众关切，"
        f"{_full_name(org, info['district'])}牵头起草了《{draft.doc}》。</p>"
        f"<h2>二、主要内容</h2><p>{html_to_text(draft.body)[:160]}……</p>"
        f"<h2>三、施行时间</h2><p>本文件自印发之日起施行。</p>"
    )
    if form == "qa":
        body += (
            f"<h2>四、答问</h2><p>问：本文件适用于哪些对象？</p><p>答：适用于{info['district']}"
            f"行政区域内的相关单位和群众，具体范围见文件第一部分。</p>"
        )
    return Record(
        site=policy.site,
        organisation=org,
        catalogue_item=draft.leaf,
        kind=Kind.INTERPRETATION,
        title=f"《{draft.doc}》政策解读",
        genre="解读",
        subject=policy.subject,
        interpretation_form=form,
        policy=policy,
        formed_on=draft.written,
        written_on=draft.written,
        published_at=draft.published + timedelta(minutes=5),
        summary=f"解读《{draft.doc}》的制定背景和主要内容。",
        body=sanitize_html(body).html,
        state=State.PUBLISHED,
    )


def _record(site: Site, draft: Draft) -> Record:
    plan = draft.plan
    body = sanitize_html(draft.body).html
    first = next((p for p in html_to_text(body).split("\n") if len(p) > 12), draft.title)
    return Record(
        site=site,
        organisation=draft.organisation,
        catalogue_item=draft.leaf,
        kind=plan.kind,
        title=draft.title,
        genre=plan.genre,
        subject=plan.subject,
        keywords=plan.keywords or draft.leaf.name,
        summary=first[:120],
        body=body,
        formed_on=draft.written,
        written_on=draft.written,
        published_at=draft.published,
        validity=Validity.VALID if plan.kind == Kind.POLICY else "",
        state=State.PUBLISHED,  # written as published: the archive is history, not a workflow
    )


def _finish(records: list[Record], drafter, approver) -> None:
    for record in records:
        record.created_by = drafter
        record.submitted_by = drafter
        record.submitted_at = record.published_at - timedelta(hours=2)
        record.approved_by = approver
        deadlines.apply_due(record)
        record.days_late = deadlines.days_late(
            record.due_date, timezone.localtime(record.published_at).date()
        )


def _orgs(site: Site, info: dict) -> dict:
    all_orgs = list(Organisation.objects.filter(site=site).order_by("path"))
    named = {o.name: o for o in all_orgs}
    return {
        **named,
        "gov": next(o for o in all_orgs if o.kind == K.GOVERNMENT),
        "fgw": named.get("区发展和改革委员会"),
        "departments": [o for o in all_orgs if o.kind == K.DEPARTMENT and o.name in info["codes"]],
    }


def load_site(site: Site, info: dict) -> int:
    """Write the site's archive; returns the number of records published."""
    rng = random.Random(f"gongkai-demo-{site.slug}")
    drafter = User.objects.get(username=f"{info['prefix']}_admin")
    approver = User.objects.get(username="admin")
    orgs = _orgs(site, info)
    existing = Record.objects.filter(site=site, state=State.PUBLISHED).count()
    extra = 0
    for _round in range(8):  # busier event-driven leaves until the site has its volume
        rng = random.Random(f"gongkai-demo-{site.slug}")
        drafts = _drafts(site, info, orgs, rng, extra)
        short = TARGET - existing - len(drafts) - sum(1 for d in drafts if d.plan.interpret)
        if short <= 0:
            break
        extra += short + 5
    # 文号 in 成文日期 order, one counter per 机关代字 and year.
    for draft in sorted(drafts, key=lambda d: (d.written, d.published)):
        draft.record = _record(site, draft)
        if draft.code:
            draft.record.document_number = numbering.next_document_number(
                site, draft.code, draft.written.year
            )
    policies = [d.record for d in drafts]
    _finish(policies, drafter, approver)
    _index_numbers(policies)
    Record.objects.bulk_create(policies, batch_size=200)
    explained = [
        _interpretation(d, d.record, info, rng) for d in drafts if d.plan.interpret and d.record
    ]
    _finish(explained, drafter, approver)
    _index_numbers(explained)
    Record.objects.bulk_create(explained, batch_size=200)
    records = [*policies, *explained]
    _first_revisions(records, approver)
    record_event(
        AuditEventType.OBJECT_CREATED,
        actor=approver,
        obj=site,
        site=site,
        message=f"载入演示政府信息 {len(records)} 条（近{DAYS // 30}个月）",
    )
    touch_site(site)
    return len(records)


def _index_numbers(records: list[Record]) -> None:
    for record in sorted(records, key=lambda r: r.published_at):
        year = timezone.localtime(record.published_at).year
        record.index_number = numbering.next_index_number(record, year)


def _first_revisions(records: list[Record], approver) -> None:
    """Revision 1 (the 更新记录 the public page lists) and the passed 保密审查 of each record."""
    RecordRevision.objects.bulk_create(
        [first_revision(r, r.published_at) for r in records],
        batch_size=200,
    )
    ConfidentialityReview.objects.bulk_create(
        [
            ConfidentialityReview(
                record=r, reviewer=approver, passed=True, note="经审查不涉密", **CHECKS
            )
            for r in records
        ],
        batch_size=200,
    )


def load_archive_demo() -> list[str]:
    """The demo sites' 18 months of publishing (before the workflow demo's newest records)."""
    lines: list[str] = []
    pks: list[int] = []
    for slug, info in SITES.items():
        site = Site.objects.filter(slug=slug).first()
        if site is None or not User.objects.filter(username=f"{info['prefix']}_admin").exists():
            continue
        if not CatalogueItem.objects.filter(site=site, numchild=0).exists():
            continue
        published = Record.objects.filter(site=site, state=State.PUBLISHED)
        if published.count() >= TARGET:
            continue
        with transaction.atomic():
            count = load_site(site, info)
        pks.extend(published.values_list("pk", flat=True))
        lines.append(f"{site.name}：演示政府信息 {count} 条（近18个月）已发布。")
    if pks:
        from gongkai.search import service

        service.refresh("records", pks)  # one pass over the new records, after commit
    return lines
