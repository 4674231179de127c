"""Demo 情景导航 and 一件事 (loader order 62), built on the items the demo guides (order 60)
created. Items are found by words of their names, so the loader does not depend on another
part's codes; an outcome whose items are all absent is left out, a bundle with no items is not
made, and a scenario is published only when the flow checker passes. Idempotent."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q

from gongkai.core.models import Site

from . import flowcheck
from .models import Bundle, Choice, Outcome, Question, Scenario, ServiceItem, Window

YES_NO = [("yes", "是"), ("no", "否")]

#: slug, name, description, item name words (any one matches)
BUNDLES = [
    (
        "birth",
        "出生一件事",
        "新生儿出生后的出生医学证明、户口登记、医保参保和社保卡一次申请、一窗受理。",
        [
            ["出生医学证明"],
            ["出生登记", "户口登记", "户籍"],
            ["医保", "医疗保险"],
            ["社会保障卡", "社保卡"],
        ],
    ),
    (
        "start-business",
        "开办企业一件事",
        "营业执照、公章刻制、税务发票和社保登记一次办结。",
        [
            ["营业执照", "设立登记"],
            ["公章", "印章"],
            ["发票", "税务"],
            ["社会保险登记", "参保登记"],
        ],
    ),
    (
        "retirement",
        "退休一件事",
        "退休审批、养老金申领和医保退休人员待遇一并办理。",
        [["退休"], ["养老金", "养老保险待遇"], ["医保", "医疗保险"]],
    ),
]

#: slug, title, description, questions [(key, text, choices, ask_if)],
#: outcomes [(title, condition, item words, bundle slugs)]
SCENARIOS = [
    (
        "restaurant",
        "我要开餐馆",
        "开一家餐馆要办哪些事、带哪些材料、跑几次。",
        [
            ("shop", "有没有实体店面？", YES_NO, {}),
            ("alcohol", "是否卖酒？", YES_NO, {}),
            ("sign", "是否需要设置户外招牌？", YES_NO, {"q": "shop", "in": ["yes"]}),
            ("large", "经营场所面积是否超过300平方米？", YES_NO, {"q": "shop", "in": ["yes"]}),
        ],
        [
            ("办理营业执照", {}, [["营业执照", "个体工商户登记", "设立登记"]], []),
            ("办理食品经营许可", {}, [["食品经营许可", "餐饮服务"]], []),
            ("卖酒须办理酒类经营许可或备案", {"q": "alcohol", "in": ["yes"]}, [["酒类"]], []),
            (
                "设置户外招牌须经审批",
                {"q": "sign", "in": ["yes"]},
                [["户外广告", "招牌", "店招"]],
                [],
            ),
            (
                "大型场所须办理消防安全检查",
                {"q": "large", "in": ["yes"]},
                [["消防安全检查", "消防"]],
                [],
            ),
        ],
    ),
    (
        "newborn",
        "新生儿出生",
        "宝宝出生后要办的证件和待遇。",
        [
            ("hospital", "是否在医疗机构出生？", YES_NO, {}),
            ("local", "父母一方是否为本区户籍？", YES_NO, {}),
        ],
        [
            ("一次办理出生一件事", {"q": "local", "in": ["yes"]}, [], ["birth"]),
            (
                "在医疗机构出生的，出生医学证明由医院签发",
                {"all": [{"q": "hospital", "in": ["yes"]}, {"q": "local", "in": ["no"]}]},
                [["出生医学证明"]],
                [],
            ),
            (
                "非本区户籍：请到户籍地办理户口登记",
                {"all": [{"q": "hospital", "in": ["no"]}, {"q": "local", "in": ["no"]}]},
                [],
                [],
            ),
        ],
    ),
    (
        "start-business",
        "我要开办企业",
        "开办企业的登记、刻章、发票和社保。",
        [
            ("kind", "开办什么类型？", [("company", "公司"), ("individual", "个体工商户")], {}),
            ("staff", "是否招用员工？", YES_NO, {}),
        ],
        [
            (
                "公司：一次办理开办企业一件事",
                {"q": "kind", "in": ["company"]},
                [],
                ["start-business"],
            ),
            (
                "个体工商户：办理营业执照",
                {"q": "kind", "in": ["individual"]},
                [["个体工商户", "营业执照"]],
                [],
            ),
            (
                "招用员工须办理社会保险登记",
                {"q": "staff", "in": ["yes"]},
                [["社会保险登记", "参保登记"]],
                [],
            ),
        ],
    ),
    (
        "retirement",
        "我要退休",
        "到龄退休要办的审批和待遇。",
        [("insured", "是否参加了城镇职工养老保险？", YES_NO, {})],
        [
            ("职工：一次办理退休一件事", {"q": "insured", "in": ["yes"]}, [], ["retirement"]),
            (
                "未参加职工养老保险：申领城乡居民养老金",
                {"q": "insured", "in": ["no"]},
                [["城乡居民", "居民养老"]],
                [],
            ),
        ],
    ),
]


def _find(site, words_list) -> list[ServiceItem]:
    found = []
    for words in words_list:
        query = Q()
        for word in words:
            query |= Q(name__contains=word)
        item = ServiceItem.objects.filter(site=site).filter(query).order_by("code").first()
        if item is not None and item not in found:
            found.append(item)
    return found


def _bundles(site) -> dict[str, Bundle]:
    window = Window.objects.filter(site=site, is_active=True).order_by("number").first()
    made = {}
    for slug, name, description, words in BUNDLES:
        existing = Bundle.objects.filter(site=site, slug=slug).first()
        if existing is not None:
            made[slug] = existing
            continue
        items = _find(site, words)
        if len(items) < 2:
            continue
        bundle = Bundle.objects.create(
            site=site, slug=slug, name=name, description=description, window=window,
            is_published=True,
        )  # fmt: skip
        bundle.items.set(items)
        made[slug] = bundle
    return made


def _scenario(site, spec, bundles) -> Scenario | None:
    slug, title, description, questions, outcomes = spec
    if Scenario.objects.filter(site=site, slug=slug).exists():
        return None
    planned = []
    for otitle, condition, words, bundle_slugs in outcomes:
        items = _find(site, words)
        chosen = [bundles[s] for s in bundle_slugs if s in bundles]
        if (words and not items) or (bundle_slugs and not chosen):
            continue  # its items are not in this demo
        planned.append((otitle, condition, items, chosen))
    if not any(items or chosen for _t, _c, items, chosen in planned):
        return None
    scenario = Scenario.objects.create(site=site, slug=slug, title=title, description=description)
    for order, (key, text, choices, ask_if) in enumerate(questions, 1):
        question = Question.objects.create(
            scenario=scenario, order=order, key=key, text=text, ask_if=ask_if
        )
        Choice.objects.bulk_create(
            Choice(question=question, order=n, value=v, label=label)
            for n, (v, label) in enumerate(choices, 1)
        )
    for order, (otitle, condition, items, chosen) in enumerate(planned, 1):
        outcome = Outcome.objects.create(
            scenario=scenario, order=order, title=otitle, condition=condition
        )
        outcome.items.set(items)
        outcome.bundles.set(chosen)
    if flowcheck.check_scenario(scenario).ok:
        scenario.is_published = True
        scenario.save(update_fields=["is_published"])
    return scenario


def load_scenarios_demo() -> list[str]:
    lines = []
    with transaction.atomic():
        for site in Site.objects.filter(service_items__isnull=False).distinct():
            bundles = _bundles(site)
            made = [s for spec in SCENARIOS if (s := _scenario(site, spec, bundles))]
            if made or bundles:
                published = sum(1 for s in made if s.is_published)
                lines.append(
                    f"{site.name}：情景导航 {len(made)} 个（已发布 {published} 个），"
                    f"一件事 {len(bundles)} 个"
                )
    return lines
