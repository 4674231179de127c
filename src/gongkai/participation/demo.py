"""Demo messages, ratings and error reports for 迎江区: answered and published, answered and
private, pending (one near its deadline), one transferred, one unanswered for over 3 months
(oversight shows it as a veto finding). Idempotent: a site that has messages is left alone.
Everything goes through participation.rules, so deadlines and audit events are real."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from gongkai.core.models import Organisation, Site
from gongkai.core.permissions import SYSTEM

from . import rules
from .models import Message

ASKERS = ["王芳", "李建华", "张伟", "刘秀英", "陈磊", "杨静", "赵志强"]


def _org(site: Site, name: str) -> Organisation | None:
    return Organisation.objects.filter(site=site, name=name).first()


def load_participation_demo() -> list[str]:
    site = Site.objects.filter(slug="yingjiang").first()
    if site is None or Message.objects.filter(site=site).exists():
        return []
    housing = _org(site, "区住房和城乡建设局")
    civil = _org(site, "区民政局")
    education = _org(site, "区教育体育局") or civil
    if housing is None or civil is None:
        return []
    today = timezone.localdate()
    plan = [
        # (organisation, days ago, subject, question, reply or None, publish)
        (
            housing,
            40,
            "老旧小区改造什么时候开始？",
            "我住在菱湖街道某小区，听说今年要改造，请问什么时候开工？我的电话13805561234。",
            "您好！该小区已列入本年度老旧小区改造计划，预计下月开工，具体以街道公示为准。",
            True,
        ),
        (
            civil,
            30,
            "高龄津贴如何申请？",
            "我父亲今年满80周岁，请问高龄津贴需要准备哪些材料？身份证号340802194401011234。",
            "您好！请携带老人身份证、户口簿和银行卡到户籍所在社区办理，材料齐全当场受理。",
            True,
        ),
        (
            education,
            20,
            "学区划分咨询",
            "请问今年小学学区划分方案在哪里公布？",
            "您好！方案将于招生前在区政府网站“义务教育”栏目公布，请留意。",
            False,
        ),
        (housing, 3, "公租房申请进度", "去年提交的公租房申请现在到哪一步了？", None, True),
        (civil, 1, "低保复核时间", "低保每年什么时候复核？需要本人到场吗？", None, True),
        (
            housing,
            100,
            "小区违章搭建无人处理",
            "小区一楼住户搭建阳光房占用公共绿地，反映多次无人处理，请尽快回复。",
            None,
            True,
        ),
    ]
    created = []
    with transaction.atomic():
        for i, (organisation, days_ago, subject, question, reply, publish) in enumerate(plan):
            message = rules.submit_message(
                site,
                organisation=organisation,
                subject=subject,
                question=question,
                name=ASKERS[i % len(ASKERS)],
                phone=f"1390556{1000 + i:04d}",
                publish=publish,
                received_on=today - timedelta(days=days_ago),
                actor=SYSTEM,
            )
            if reply:
                message = rules.reply(message, reply, actor=SYSTEM)
                Message.objects.filter(pk=message.pk).update(
                    replied_at=timezone.now() - timedelta(days=days_ago - 3)
                )
            created.append(message)
        # a question for the wrong department, handed over
        asked = rules.submit_message(
            site,
            organisation=civil,
            subject="装修垃圾清运",
            question="小区装修垃圾堆放多日无人清运，应该找哪个部门？",
            name="周敏",
            email="zhoumin@example.com",
            received_on=today - timedelta(days=2),
            actor=SYSTEM,
        )
        city = _org(site, "区城市管理局") or housing
        rules.transfer(asked, city, "垃圾清运属城市管理职责", actor=SYSTEM)
        created.append(asked)

        record_path = _a_record_path(site)
        pages = [p for p in (record_path, "/") if p]
        for page, score, comment in [
            (pages[0], 5, ""),
            (pages[0], 4, "内容清楚，希望附上办事电话。"),
            (pages[-1], 2, ""),
            (pages[-1], 5, ""),
        ]:
            rules.submit_rating(site, page=page, score=score, comment=comment)
        rules.submit_error_report(
            site, page=pages[0], description="正文第二段的联系电话少了一位数字。"
        )
        rules.submit_error_report(site, page="/", description="首页“政策解读”栏目链接打不开。")
    return [f"{site.name}：咨询留言 {len(created)} 条，满意度评价 4 条，网站纠错 2 条。"]


def _a_record_path(site: Site) -> str:
    from gongkai.records.models import Record, State

    record = (
        Record.objects.filter(site=site, state=State.PUBLISHED)
        .exclude(index_number="")
        .order_by("-published_at")
        .first()
    )
    return record.get_absolute_url() if record else ""
