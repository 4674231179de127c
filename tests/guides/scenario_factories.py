"""A restaurant scenario built on tests/guides/factories.py: three items with published guides
sharing materials, a 一件事 accepted at one window, and outcome-centric rules."""

from __future__ import annotations

from dataclasses import dataclass

from gongkai.guides.models import Bundle, Choice, Outcome, Question, Scenario, Window
from gongkai.records.models import State
from tests.conftest import org

from .factories import make_certificate, make_guide, make_item


def make_scenario(site, slug="restaurant", title="我要开餐馆", questions=(), outcomes=(), **fields):
    """`questions`: (key, text, [(value, label)], ask_if); `outcomes`: (title, condition,
    items, bundles)."""
    scenario = Scenario.objects.create(site=site, slug=slug, title=title, **fields)
    for order, (key, text, choices, ask_if) in enumerate(questions, 1):
        question = Question.objects.create(
            scenario=scenario, order=order, key=key, text=text, ask_if=ask_if
        )
        for n, (value, label) in enumerate(choices, 1):
            Choice.objects.create(question=question, order=n, value=value, label=label)
    for order, (otitle, condition, items, bundles) in enumerate(outcomes, 1):
        outcome = Outcome.objects.create(
            scenario=scenario, order=order, title=otitle, condition=condition
        )
        outcome.items.set(items)
        outcome.bundles.set(bundles)
    return scenario


YES_NO = [("yes", "是"), ("no", "否")]


@dataclass
class Restaurant:
    scenario: Scenario
    licence: object  # 营业执照
    food: object  # 食品经营许可
    alcohol: object  # 酒类经营许可
    sign: object  # 户外招牌
    bundle: Bundle


def restaurant(site, published=True) -> Restaurant:
    """我要开餐馆: shop? alcohol? sign (only with a shop)? The 营业执照 and 食品经营许可 form
    the 一件事 “开餐馆一件事” at window 8; both ask for the ID card (same certificate) and for
    the business premises proof under two spellings of one name."""
    housing = org(site, "区住房和城乡建设局")
    card = make_certificate(site)
    shared = [
        {"name": "申请人身份证", "certificate": card},
        {"name": "《经营场所证明》（租赁合同）", "copies": 1},
    ]
    licence = make_item(site, housing, code="T-YYZZ", name="营业执照")
    make_guide(
        licence,
        materials=[*shared, {"name": "名称自主申报告知书"}],
        state=State.PUBLISHED,
        visits_required=1,
    )
    food = make_item(site, housing, code="T-SPJY", name="食品经营许可")
    make_guide(
        food,
        materials=[
            {"name": "居民身份证", "certificate": card},
            {"name": "经营场所证明(租赁合同)", "copies": 2},
            {"name": "食品安全管理制度"},
        ],
        state=State.PUBLISHED,
        visits_required=2,
    )
    alcohol = make_item(site, housing, code="T-JLJY", name="酒类经营许可")
    make_guide(
        alcohol,
        materials=[{"name": "酒类经营申请表"}, {"name": "经营场所 证明（租赁合同）"}],
        state=State.PUBLISHED,
        visits_required=1,
    )
    sign = make_item(site, housing, code="T-HWZP", name="户外招牌设置审批")
    make_guide(
        sign, materials=[{"name": "招牌设计效果图"}], state=State.PUBLISHED, visits_required=0
    )
    window = Window.objects.create(site=site, number="8", name="商事登记综合窗口")
    bundle = Bundle.objects.create(
        site=site, slug="open-restaurant", name="开餐馆一件事", window=window, is_published=True
    )
    bundle.items.set([licence, food])
    scenario = make_scenario(
        site,
        questions=[
            ("shop", "有没有店面？", YES_NO, {}),
            ("alcohol", "是否卖酒？", YES_NO, {}),
            ("sign", "是否需要户外招牌？", YES_NO, {"q": "shop", "in": ["yes"]}),
        ],
        outcomes=[
            ("开店须办理营业执照和食品经营许可", {}, [licence], [bundle]),
            ("卖酒须办理酒类经营许可", {"q": "alcohol", "in": ["yes"]}, [alcohol], []),
            ("设置招牌须经审批", {"q": "sign", "in": ["yes"]}, [sign], []),
        ],
        is_published=published,
    )
    return Restaurant(scenario, licence, food, alcohol, sign, bundle)
