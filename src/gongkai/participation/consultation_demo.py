"""Demo of 征求意见 for 迎江区: one consultation open now with a few comments (one on a
passage, one from an invited advisory member), one closed with every comment disposed of and
its feedback report published. Idempotent: a site that has consultations is left alone. All
through participation.consultations, so states, locks and audit events are real."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from gongkai.core.models import Organisation, Site, User

from . import consultations as rules
from .models import Consultation, Disposition, PublicAccount

OPEN_DRAFT = """第一条 为规范城区道路停车秩序，提高停车泊位使用效率，制定本办法。
第二条 本办法适用于本区城市道路范围内设置的机动车停车泊位的规划、设置、使用和管理。
第三条 道路停车泊位实行分时段差别化收费，具体标准由区发展和改革委员会会同有关部门制定并公布。
第四条 在学校、医院周边设置临时停车泊位，上下学和就诊高峰时段限时免费停放。
第五条 本办法自发布之日起施行。"""

CLOSED_DRAFT = """第一条 为做好老旧小区改造工作，改善居民居住条件，制定本方案。
第二条 改造内容分为基础类、完善类和提升类。
第三条 改造项目由街道组织居民协商确定，居民意见征询率应达到三分之二以上。
第四条 改造资金由政府补助、居民出资和社会资本共同承担。"""


def _person(n: int, name: str) -> User:
    # people of the public sign in with a code, never a password
    user, _ = User.objects.get_or_create(
        username=f"demo_consult_{n}", defaults={"password": make_password(None)}
    )
    PublicAccount.objects.get_or_create(
        user=user,
        defaults={
            "phone": f"1775560{n:04d}",
            "phone_verified_at": timezone.now(),
            "public_name": name,
        },
    )
    return user


@transaction.atomic
def load_consultations_demo() -> list[str]:
    site = Site.objects.filter(slug="yingjiang").first()
    if site is None or Consultation.objects.filter(site=site).exists():
        return []
    housing = Organisation.objects.filter(site=site, name="区住房和城乡建设局").first()
    editor = User.objects.filter(username="yj_editor").first()
    reviewer = User.objects.filter(username="yj_reviewer").first()
    admin = User.objects.filter(username="yj_admin").first()
    if not (housing and editor and reviewer and admin):
        return []
    today = timezone.localdate()
    people = [_person(i, n) for i, n in enumerate(["王芳", "李建华", "张伟", "刘秀英"], 1)]
    expert = _person(9, "陈教授")
    member = rules.add_member(
        admin, site, name="陈教授", expertise="城市规划、交通工程",
        bio="安庆某高校教授，长期从事城市交通研究。", account=expert.public_account,
        public_consent=True,
    )  # fmt: skip
    rules.add_member(admin, site, name="周律师", expertise="行政法", bio="执业律师。")

    current = rules.create_consultation(
        editor, organisation=housing, title="迎江区城区道路停车管理办法（征求意见稿）",
        purpose="为听取社会各界意见，现将征求意见稿全文公布，欢迎对全文或具体条款提出意见和建议。",
        opens_on=today - timedelta(days=5), closes_on=today + timedelta(days=25), text=OPEN_DRAFT,
    )  # fmt: skip
    rules.submit(editor, current)
    rules.publish(reviewer, current)
    rules.invite(editor, member, current, "请从交通工程角度提出意见。")
    rules.submit_comment(
        people[0],
        current,
        text="建议夜间22点至次日7点免费停放。",
        paragraph=2,
        quote="分时段差别化收费",
    )
    rules.submit_comment(
        people[1], current, text="学校周边限时免费时段请明确到具体时间。", paragraph=3
    )
    rules.submit_comment(
        expert, current, text="建议对泊位周转率每年评估并公开。", name_consent=True
    )

    old = rules.create_consultation(
        editor, organisation=housing, title="迎江区老旧小区改造实施方案（征求意见稿）",
        purpose="现公开征求意见。", opens_on=today - timedelta(days=60),
        closes_on=today - timedelta(days=30), text=CLOSED_DRAFT,
    )  # fmt: skip
    rules.submit(editor, old)
    rules.publish(reviewer, old)
    during = today - timedelta(days=45)
    plan = [
        (people[0], 1, "建议增加加装电梯内容。", Disposition.ADOPTED, ""),
        (people[1], 2, "三分之二的比例偏高。", Disposition.NOT_ADOPTED, "该比例为上级文件规定。"),
        (people[2], None, "希望公开每个小区的资金使用情况。", Disposition.PARTLY,
         "资金总额按项目公开，明细在小区内公示。"),
    ]  # fmt: skip
    for person, paragraph, text, disposition, reason in plan:
        comment = rules.submit_comment(person, old, text=text, paragraph=paragraph, today=during)
        rules.dispose(editor, comment, disposition, reason)
    spam = rules.submit_comment(people[3], old, text="代办各类证件，价格优惠。", today=during)
    rules.moderate(editor, spam, publish=False, reason="off_topic")
    rules.close(editor, old)
    rules.publish_report(reviewer, old)
    return ["征求意见：1 项正在征求意见，1 项已结束并发布意见采纳情况"]
