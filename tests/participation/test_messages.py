"""咨询留言 (issue 14 point 6): the deadline on the work calendar, amber and red, masking on
the public page, transfer, who may reply, the asker's tracking, rate limit and honeypot."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from gongkai.core.models import AuditEvent, CalendarDay, WorkCalendar
from gongkai.core.permissions import SYSTEM, PermissionDenied
from gongkai.core.workcalendar import forget_calendar
from gongkai.participation import rules, selectors
from gongkai.participation.demo import load_participation_demo
from gongkai.participation.models import Message, MessageState, ParticipationSettings
from tests.conftest import org, user

pytestmark = pytest.mark.django_db

HOUSING = "区住房和城乡建设局"
CIVIL = "区民政局"


@pytest.fixture
def staff(client, settings):
    settings.REQUIRE_2FA = False

    def login(username):
        client.force_login(user(username))
        return client

    return login


def ask(site, organisation, received_on=None, **overrides):
    data = {
        "organisation": organisation,
        "subject": "老旧小区改造",
        "question": "请问何时开工？我的手机13805561234，身份证340802199001011234。",
        "name": "王小芳",
        "phone": "13805561234",
        "publish": True,
        **overrides,
    }
    return rules.submit_message(site, received_on=received_on, **data)


def form_data(organisation, **overrides):
    return {
        "organisation": organisation.pk,
        "subject": "学区划分",
        "question": "今年的学区划分方案在哪里公布？",
        "name": "李四",
        "phone": "13900001111",
        "email": "",
        "publish": "1",
        "website": "",
        **overrides,
    }


# --------------------------------------------------------------------------- deadline


def test_deadline_counts_working_days_and_skips_a_holiday(yingjiang):
    """Received on Wednesday 30 September 2026: the 国庆 and 中秋 days (1–8 October) are
    skipped and the adjusted Saturday workday (10 October) counts."""
    calendar, _ = WorkCalendar.objects.get_or_create(year=2026, defaults={"notice": "测试"})
    days = {date(2026, 10, d): False for d in range(1, 9)} | {date(2026, 10, 10): True}
    for day, workday in days.items():
        CalendarDay.objects.update_or_create(
            date=day, defaults={"calendar": calendar, "is_workday": workday, "name": "国庆节"}
        )
    forget_calendar()
    ParticipationSettings.objects.create(site=yingjiang, reply_days=5)
    message = ask(yingjiang, org(yingjiang, HOUSING), received_on=date(2026, 9, 30))
    # 10-01..10-08 off; 10-09 Fri, 10-10 Sat (workday), 10-12 Mon, 10-13 Tue, 10-14 Wed
    assert message.due_on == date(2026, 10, 14)
    explained = rules.due_date(yingjiang, message.received_on).explain()
    assert "国庆节" in explained


def test_the_reply_period_is_the_sites_setting(yingjiang):
    monday = date(2026, 11, 2)
    assert ask(yingjiang, org(yingjiang, HOUSING), received_on=monday).due_on == date(2026, 11, 9)
    ParticipationSettings.objects.create(site=yingjiang, reply_days=10)
    assert ask(yingjiang, org(yingjiang, HOUSING), received_on=monday).due_on == date(2026, 11, 16)


def test_amber_before_the_deadline_and_red_after(yingjiang):
    message = ask(yingjiang, org(yingjiang, HOUSING), received_on=date(2026, 11, 2))
    assert message.due_on == date(2026, 11, 9)  # Monday
    assert rules.urgency(message, date(2026, 11, 3)).level == "ok"  # 4 working days left
    amber = rules.urgency(message, date(2026, 11, 5))  # Thursday: Fri and Mon left
    assert (amber.level, amber.days_left) == ("amber", 2)
    assert rules.urgency(message, date(2026, 11, 9)).level == "amber"  # due today
    red = rules.urgency(message, date(2026, 11, 11))
    assert red.level == "red" and red.label == "已超期 2 个工作日"
    rules.reply(message, "答复", actor=SYSTEM)
    assert rules.urgency(Message.objects.get(pk=message.pk), date(2026, 11, 11)) is None


# --------------------------------------------------------------------------- public pages


def test_public_form_gives_a_code_and_the_asker_can_track_it(client, yingjiang):
    housing = org(yingjiang, HOUSING)
    response = client.post("/participate/messages/ask/", form_data(housing))
    assert response.status_code == 302
    receipt = client.get(response["Location"])
    message = Message.objects.get()
    assert message.tracking_code_display in receipt.content.decode()
    assert message.due_on == rules.due_date(yingjiang, message.received_on).date
    wrong = client.post(
        "/participate/messages/track/", {"code": message.tracking_code, "contact": "13900009999"}
    )
    assert wrong.status_code == 400 and "不正确" in wrong.content.decode()
    found = client.post(
        "/participate/messages/track/",
        {"code": message.tracking_code_display.lower(), "contact": "139 0000 1111"},
    )
    assert found.status_code == 200
    assert "待答复" in found.content.decode()


def test_needs_a_phone_or_an_email(client, yingjiang):
    response = client.post(
        "/participate/messages/ask/", form_data(org(yingjiang, HOUSING), phone="", email="")
    )
    assert response.status_code == 400
    assert "联系电话和电子邮箱至少填写一项" in response.content.decode()
    assert not Message.objects.exists()


def test_html_is_not_kept_and_size_is_limited(client, yingjiang):
    housing = org(yingjiang, HOUSING)
    client.post(
        "/participate/messages/ask/",
        form_data(housing, question="<script>alert(1)</script><b>何时</b>开工？\u202e"),
    )
    assert Message.objects.get().question == "alert(1)何时开工？"
    too_long = client.post("/participate/messages/ask/", form_data(housing, question="长" * 2001))
    assert too_long.status_code == 400 and "2000" in too_long.content.decode()
    assert Message.objects.count() == 1


def test_published_reply_masks_personal_data(client, yingjiang):
    message = ask(yingjiang, org(yingjiang, HOUSING))
    rules.reply(message, "已收到，请拨打0556-5551234咨询。", actor=user("yj_editor"))
    page = client.get(f"/participate/messages/{message.pk}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "13805561234" not in text and "138****1234" in text
    assert "340802199001011234" not in text and "340802********1234" in text
    assert "王小芳" not in text and "王**" in text
    assert "0556-5551234" not in text
    assert message.subject in client.get("/participate/messages/").content.decode()


def test_private_and_pending_messages_are_not_public(client, yingjiang):
    private = ask(yingjiang, org(yingjiang, HOUSING), publish=False)
    rules.reply(private, "答复", actor=SYSTEM)
    pending = ask(yingjiang, org(yingjiang, HOUSING), subject="待答复的留言")
    assert client.get(f"/participate/messages/{private.pk}/").status_code == 404
    assert client.get(f"/participate/messages/{pending.pk}/").status_code == 404
    listing = client.get("/participate/messages/").content.decode()
    assert "老旧小区改造" not in listing and "待答复的留言" not in listing


def test_honeypot_refuses_a_bot(client, yingjiang):
    response = client.post(
        "/participate/messages/ask/",
        form_data(org(yingjiang, HOUSING), website="http://spam.example"),
    )
    assert response.status_code == 400
    assert "提交未成功" in response.content.decode()
    assert not Message.objects.exists()


def test_rate_limit_per_address(client, yingjiang):
    housing = org(yingjiang, HOUSING)
    codes = [
        client.post(
            "/participate/messages/ask/", form_data(housing), REMOTE_ADDR="203.0.113.7"
        ).status_code
        for _ in range(6)
    ]
    assert codes == [302] * 5 + [429]
    assert Message.objects.count() == 5
    other = client.post("/participate/messages/ask/", form_data(housing), REMOTE_ADDR="203.0.113.8")
    assert other.status_code == 302


def test_csrf_is_required(yingjiang):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/participate/messages/ask/", form_data(org(yingjiang, HOUSING)))
    assert response.status_code == 403
    assert not Message.objects.exists()


# --------------------------------------------------------------------------- staff


def test_staff_reply_publishes_and_audit_has_no_personal_data(staff, yingjiang):
    message = ask(yingjiang, org(yingjiang, HOUSING))
    client = staff("yj_editor")
    page = client.get(f"/staff/participation/{message.pk}/")
    assert page.status_code == 200 and "13805561234" in page.content.decode()  # staff see it
    response = client.post(
        f"/staff/participation/{message.pk}/act/reply/",
        {"text": "您好，下月开工。", "published": "on"},
    )
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.state == MessageState.ANSWERED and message.published
    assert message.replied_by == user("yj_editor")
    dumped = " ".join(
        f"{e.object_repr} {e.before} {e.after} {e.message}"
        for e in AuditEvent.objects.filter(object_type="participation.message")
    )
    for personal in ("王小芳", "13805561234", "340802199001011234", "何时开工", "下月开工"):
        assert personal not in dumped


def test_another_organisations_editor_cannot_reply(staff, yingjiang):
    message = ask(yingjiang, org(yingjiang, HOUSING))
    client = staff("yj_editor2")  # 民政局
    assert client.get(f"/staff/participation/{message.pk}/").status_code == 404
    response = client.post(f"/staff/participation/{message.pk}/act/reply/", {"text": "越权答复"})
    assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        rules.reply(message, "越权答复", actor=user("yj_editor2"))
    assert Message.objects.get(pk=message.pk).state == MessageState.PENDING


def test_transfer_moves_the_message_and_keeps_the_deadline(staff, yingjiang):
    message = ask(yingjiang, org(yingjiang, CIVIL))
    civil_editor = staff("yj_editor2")
    response = civil_editor.post(
        f"/staff/participation/{message.pk}/act/transfer/",
        {"to": org(yingjiang, HOUSING).pk, "reason": "属住建局职责"},
    )
    assert response.status_code == 302
    moved = Message.objects.get(pk=message.pk)
    assert moved.organisation == org(yingjiang, HOUSING)
    assert moved.due_on == message.due_on
    assert moved.transfers.get().from_organisation == org(yingjiang, CIVIL)
    # it has left 民政局's list and reached 住建局's
    assert civil_editor.get(f"/staff/participation/{message.pk}/").status_code == 404
    rules.reply(moved, "住建局答复", actor=user("yj_editor"))


def test_transfer_to_another_site_is_refused(yingjiang, ouhai):
    message = ask(yingjiang, org(yingjiang, HOUSING))
    with pytest.raises(rules.RuleError):
        rules.transfer(message, org(ouhai, HOUSING), "错站", actor=SYSTEM)


def test_close_needs_a_note_and_office_admin_may_act_site_wide(staff, yingjiang):
    message = ask(yingjiang, org(yingjiang, HOUSING))
    client = staff("yj_admin")
    refused = client.post(f"/staff/participation/{message.pk}/act/close/", {"note": ""})
    assert refused.status_code == 400
    done = client.post(f"/staff/participation/{message.pk}/act/close/", {"note": "重复留言"})
    assert done.status_code == 302
    assert Message.objects.get(pk=message.pk).state == MessageState.CLOSED


def test_workbench_shows_overdue_messages(staff, yingjiang):
    """Issue 14 acceptance: a message unanswered past its deadline appears as overdue on the
    organisation's workbench."""
    today = timezone.localdate()
    ask(yingjiang, org(yingjiang, HOUSING), received_on=today - timedelta(days=30))
    ask(yingjiang, org(yingjiang, HOUSING))
    page = staff("yj_editor").get("/staff/").content.decode()
    assert 'data-testid="messages-overdue">1<' in page
    other = staff("yj_editor2").get("/staff/").content.decode()
    assert 'data-testid="messages-overdue">0<' in other


# --------------------------------------------------------------------------- selectors


def test_selectors_count_what_a_direct_query_counts(yingjiang):
    today = timezone.localdate()
    housing, civil = org(yingjiang, HOUSING), org(yingjiang, CIVIL)
    old = ask(yingjiang, housing, received_on=today - timedelta(days=120))
    ask(yingjiang, housing, received_on=today - timedelta(days=20))
    ask(yingjiang, civil)
    answered = ask(yingjiang, civil, received_on=today - timedelta(days=200))
    rules.reply(answered, "答复", actor=SYSTEM)
    assert list(selectors.veto_messages(yingjiang, today)) == [old]
    assert selectors.unanswered_messages(yingjiang).count() == 3
    assert selectors.overdue_messages(yingjiang, today).count() == 2
    counts = selectors.participation_counts(yingjiang, housing, today)
    assert (
        counts["messages_unanswered"]
        == Message.objects.filter(organisation=housing, state="pending").count()
    )
    rows = {r["organisation"]: r for r in selectors.counts_by_organisation(yingjiang, today)}
    assert rows[HOUSING]["messages_overdue"] == 2 and rows[CIVIL]["messages_overdue"] == 0


def test_demo_loads_once_with_an_old_unanswered_message(yingjiang):
    lines = load_participation_demo()
    assert lines and "咨询留言 7 条" in lines[0]
    assert load_participation_demo() == []
    assert selectors.veto_messages(yingjiang).count() == 1
    assert Message.objects.filter(transfers__isnull=False).count() == 1
    assert selectors.published_messages(yingjiang).count() == 2


@pytest.mark.parametrize(
    ("text", "hidden", "shown"),
    [
        ("身份证34080219900101123X", "34080219900101123X", "340802********123X"),
        ("卡号 6222 0212 3456 7890 123", "0212 3456", "6222 **** **** 0123"),
        ("手机+86 138 1234 5678", "1234 5678", "138****5678"),
        ("邮箱 zhangsan@example.com", "zhangsan@", "z***@example.com"),
        ("电话0556-5551234", "5551234", "0556-****1234"),
    ],
)
def test_public_text_masks_numbers_and_addresses(text, hidden, shown):
    masked = rules.public_text(text)
    assert hidden not in masked and shown in masked


def test_public_text_leaves_dates_and_counts_alone():
    text = "2026年12月1日起，共受理3件，文号迎建〔2026〕12号。"
    assert rules.public_text(text) == text
