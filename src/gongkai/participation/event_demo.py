"""Demo events for 迎江区: an upcoming 政府开放日 (first come, first served) with some people
registered, and a past 列席会议 with its minutes and attendance figures. Everything goes
through participation.events, so places, codes and audit events are real. Idempotent."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from gongkai.core.models import Organisation, Site, User
from gongkai.core.permissions import SYSTEM

from . import events as rules
from .models import Event, EventKind, PublicAccount, Selection

#: demo people of the public (phones of the reserved 1370556 8xxx range of this demo)
PEOPLE = ["市民甲", "市民乙", "市民丙", "市民丁", "市民戊", "市民己"]


def _person(n: int, name: str) -> User:
    phone = f"1370556{8000 + n:04d}"
    account = PublicAccount.objects.filter(phone=phone).select_related("user").first()
    if account is not None:
        return account.user
    user = User.objects.create_user(username=f"demo_event_person{n}", password=None)
    PublicAccount.objects.create(
        user=user, phone=phone, phone_verified_at=timezone.now(), public_name=name
    )
    return user


def load_events_demo() -> list[str]:
    site = Site.objects.filter(slug="yingjiang").first()
    if site is None or Event.objects.filter(site=site).exists():
        return []
    office = (
        Organisation.objects.filter(site=site, name="区人民政府办公室").first()
        or Organisation.objects.filter(site=site, parent__isnull=True).first()
    )
    housing = Organisation.objects.filter(site=site, name="区住房和城乡建设局").first() or office
    if office is None:
        return []
    now = timezone.now().replace(second=0, microsecond=0)
    people = [_person(n, name) for n, name in enumerate(PEOPLE)]
    with transaction.atomic():
        open_day = rules.create_event(
            SYSTEM,
            organisation=office,
            kind=EventKind.OPEN_DAY,
            title="迎江区政府开放日：走进政务服务中心",
            description="参观区政务服务中心“一窗受理”区域，了解“最多跑一次”改革，与窗口工作人员面对面交流。",
            place="迎江区政务服务中心（人民路 1 号）",
            starts_at=now + timedelta(days=10, hours=2),
            ends_at=now + timedelta(days=10, hours=4),
            opens_at=now - timedelta(days=2),
            closes_at=now + timedelta(days=8),
            capacity=30,
            reserved=5,
            selection=Selection.FIRST_COME,
        )
        rules.publish_event(SYSTEM, open_day)
        for person in people[:4]:
            rules.apply(open_day, person, "想了解办事流程。")

        meeting = rules.create_event(
            SYSTEM,
            organisation=housing,
            kind=EventKind.MEETING,
            title="区政府常务会议（老旧小区改造计划）公众列席",
            description="审议本年度老旧小区改造计划，邀请市民列席并发表意见。",
            place="区政府 3 楼会议室",
            starts_at=now + timedelta(days=3),
            ends_at=now + timedelta(days=3, hours=2),
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=2),
            capacity=8,
            reserved=2,
            selection=Selection.FIRST_COME,
        )
        rules.publish_event(SYSTEM, meeting)
        registrations = [rules.apply(meeting, p, "关心小区改造。") for p in people]
        # the meeting took place three weeks ago
        shift = timedelta(days=24)
        Event.objects.filter(pk=meeting.pk).update(
            opens_at=meeting.opens_at - shift,
            closes_at=meeting.closes_at - shift,
            starts_at=meeting.starts_at - shift,
            ends_at=meeting.ends_at - shift,
        )
        meeting.refresh_from_db()
        for registration in registrations[:4]:
            rules.check_in(meeting, registration.code, SYSTEM)
        rules.publish_minutes(
            meeting,
            SYSTEM,
            text=(
                "会议审议了本年度老旧小区改造计划（草案），列席市民就加装电梯、停车位和施工时间"
                "提出意见 5 条，会议决定将施工时间安排意见纳入实施方案。"
            ),
        )
    return [f"{site.name}：政府开放日 1 场（已报名 4 人），已举行的列席会议 1 场（已发布纪要）。"]
