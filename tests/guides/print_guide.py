"""A guide of the size the demo guides have (and the county's real ones mostly have): three
conditions, seven materials, four steps, three FAQ, a window and a 一件事 bundle."""

from datetime import date

from gongkai.guides.models import Bundle, Condition, Faq, MaterialForm, Step, TrustLevel, Window
from gongkai.records.models import State

from .factories import make_certificate, make_guide, make_item


def typical_guide(site, organisation):
    card = make_certificate(site)
    licence = make_certificate(site, "营业执照", TrustLevel.A)
    lease = make_certificate(site, "房屋租赁备案证明", TrustLevel.C)
    item = make_item(site, organisation)
    materials = [
        {
            "name": "食品经营许可申请书",
            "form": MaterialForm.ORIGINAL,
            "legal_basis": "《食品经营许可和备案管理办法》第十五条",
        },
        {"name": "申请人居民身份证", "certificate": card},
        {"name": "营业执照", "certificate": licence, "form": MaterialForm.COPY},
        {
            "name": "经营场所使用证明（房屋租赁合同或产权证明）",
            "certificate": lease,
            "form": MaterialForm.ORIGINAL_AND_COPY,
        },
        {
            "name": "与食品经营相适应的主要设备设施布局、操作流程等文件",
            "form": MaterialForm.ORIGINAL,
        },
        {"name": "食品安全管理人员培训合格证明", "form": MaterialForm.COPY, "required": False},
        {
            "name": "食品安全自查、从业人员健康管理、进货查验记录等制度",
            "form": MaterialForm.ORIGINAL,
        },
    ]
    guide = make_guide(
        item,
        state=State.PUBLISHED,
        effective_from=date(2026, 1, 1),
        verified_on=date(2026, 11, 2),
        most_once=True,
        summary="在迎江区内从事餐饮服务，应当依法取得食品经营许可。材料齐全、符合法定形式的，当场受理，5 个工作日内办结。",
        online_url="https://www.ahzwfw.gov.cn/bog-bsdt/static/workProcess/index.html",
        materials=materials,
    )
    Condition.objects.create(
        guide=guide,
        order=2,
        text="有与经营的食品品种、数量相适应的食品原料处理和食品加工、贮存等设备或者设施",
    )
    Condition.objects.create(
        guide=guide, order=3, text="有专职或者兼职的食品安全管理人员和保证食品安全的规章制度"
    )
    Step.objects.create(
        guide=guide,
        order=3,
        name="现场核查",
        time_limit_days=2,
        description="必要时对经营场所进行现场核查",
    )
    Step.objects.create(
        guide=guide,
        order=4,
        name="发证",
        time_limit_days=0,
        description="可选择窗口领取或免费邮寄送达",
    )
    window = Window.objects.create(
        site=site,
        number="A08",
        name="市场准入综合窗口",
        address="迎江区政务服务中心一楼 A 区",
        hours="工作日 9:00-17:00",
        phone="0556-5550008",
    )
    guide.windows.add(window)
    bundle = Bundle.objects.create(site=site, name="我要开餐馆", slug="canguan", is_published=True)
    bundle.items.add(item)
    for order, (question, answer) in enumerate(
        [
            ("办理餐饮服务食品经营许可要跑几次？", "材料齐全、符合法定形式的，最多到现场 1 次。"),
            ("可以网上办理吗？", "可以，通过安徽政务服务网在线申请，许可证可邮寄送达。"),
            ("许可证有效期多久？", "食品经营许可证有效期为 5 年，期满前 30 个工作日申请延续。"),
        ],
        1,
    ):
        Faq.objects.create(site=site, item=item, question=question, answer=answer, order=order)
    return item
