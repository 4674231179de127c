"""Demo FAQ (order 63): a few answers per demo item, read from its guide in force, and per
life event. Builds on the demo guides (guides/demo.py, order 60) when they are there and does
nothing when they are not."""

from __future__ import annotations

from gongkai.core.models import Site

from . import rules, selectors
from .models import Faq

SITES = ("yingjiang", "ouhai")

#: Questions people ask about a life event, by words in its name.
EVENT_FAQ = {
    "生育": [
        (
            "新生儿出生后先办哪件事？",
            "先办理《出生医学证明》，再凭证明办理户口登记和医保参保，可在“出生一件事”中一次申请。",
        ),
    ],
    "就业": [
        (
            "失业后在哪里登记？",
            "可到户籍地或常住地的公共就业服务机构办理失业登记，也可在网上办理。",
        ),
    ],
    "退休": [
        (
            "办理退休需要本人到场吗？",
            "材料齐全的，可由单位统一申报；个人参保的可在网上申请，一般无需本人到场。",
        ),
    ],
    "开办": [
        (
            "开办企业最快多久能拿到营业执照？",
            "材料齐全、符合法定形式的，一般 1 个工作日内办结，营业执照、公章、发票可一次领取。",
        ),
    ],
    "养老": [
        (
            "高龄津贴需要每年申请吗？",
            "不需要每年申请，民政部门每年通过数据比对核验，如有变化会通知本人。",
        ),
    ],
}
GENERIC_EVENT_FAQ = [
    (
        "这个主题下的事项可以一次办吗？",
        "可以到政务服务中心综合窗口一次提交，由窗口分送各部门办理，办结后统一送达。",
    ),
]


def _item_faqs(guide) -> list[tuple[str, str]]:
    """Answers that follow from the guide itself, so they never contradict it."""
    item = guide.item
    visits = (
        f"材料齐全、符合法定形式的，最多到现场 {guide.visits_required} 次。"
        if guide.visits_required
        else "全程网上办理，无需到现场。"
    )
    online = (
        f"可以。请登录 {guide.online_url} 在线申请。"
        if guide.online_url
        else f"暂不支持网上办理，请到{guide.address or '受理窗口'}办理。"
    )
    limit = guide.promised_limit_days or guide.statutory_limit_days
    answers = [
        (f"办理“{item.name}”要跑几次？", visits),
        (f"“{item.name}”可以网上办理吗？", online),
    ]
    if limit is not None:
        answers.append((f"“{item.name}”多久能办好？", f"自受理之日起 {limit} 个工作日内办结。"))
    if rules.identity_card_only(guide):
        answers.append(
            (f"办理“{item.name}”要带哪些材料？", "只需携带本人居民身份证，其他材料由一库共享获取。")
        )
    return answers


def load_faq_demo() -> list[str]:
    lines = []
    for site in Site.objects.filter(slug__in=SITES):
        if Faq.objects.filter(site=site).exists():
            continue
        rows = []
        for guide in selectors.guides_in_force(site):
            for order, (question, answer) in enumerate(_item_faqs(guide), 1):
                rows.append(
                    Faq(site=site, item=guide.item, question=question, answer=answer, order=order)
                )
        for event in selectors.life_events(site):
            pairs = next(
                (faqs for word, faqs in EVENT_FAQ.items() if word in event.name), GENERIC_EVENT_FAQ
            )
            for order, (question, answer) in enumerate(pairs, 1):
                rows.append(
                    Faq(site=site, life_event=event, question=question, answer=answer, order=order)
                )
        if rows:
            Faq.objects.bulk_create(rows)
            lines.append(f"办事问答：{site.name} {len(rows)} 条")
    if lines:
        # bulk_create sends no signals, and the demo guides are bulk-made too: index both.
        from gongkai.search import service

        from .indexing import FAQ_KIND, GUIDE_KIND

        service.reindex([GUIDE_KIND, FAQ_KIND], progress=False)
    return lines
