"""Due dates from the leaf's rule and the calendar, timeliness at publication, slots, duties."""

from datetime import date

from gongkai.catalogue.models import CatalogueItem
from gongkai.core.permissions import SYSTEM
from gongkai.records import deadlines, notify
from gongkai.records.models import ExpectedSlot

from .conftest import draft, make_leaf, published


def test_formed_just_before_national_day_under_20_working_days(editor, housing, leaf):
    """Acceptance: formed on 2026-09-30, the eve of the National Day holiday (10-01 to 10-07,
    with 10-10 a Saturday working day). Counting by hand: 10-08 (1), 10-09 (2), 10-10 Sat
    调休上班 (3), 10-12..16 (4-8), 10-19..23 (9-13), 10-26..30 (14-18), 11-02 (19), 11-03 (20)."""
    record = draft(editor, housing, leaf, formed_on=date(2026, 9, 30))
    assert record.due_date == date(2026, 11, 3)
    assert not record.due_provisional
    text = record.due_explanation
    assert "信息形成或者变更之日起20个工作日内" in text
    assert "起算日 2026-09-30（周三），当日不计入" in text
    assert "跳过 2026-10-01（周四）国庆节" in text
    assert "2026-10-10（周六）调休上班（国庆节），计为第 3 个工作日" in text
    assert "到期日 2026-11-03（周二）" in text


def test_due_date_and_explanation_show_on_the_staff_page(staff, editor, housing, leaf):
    record = draft(editor, housing, leaf, formed_on=date(2026, 9, 30))
    client = staff(editor)
    html = client.get(f"/staff/records/{record.pk}/").content.decode()
    assert "2026-11-03" in html and "期限是怎么算的" in html and "调休上班（国庆节）" in html


def test_timeliness_is_stored_at_publication(editor, reviewer, housing, leaf):
    late = published(editor, reviewer, housing, leaf, formed_on=date(2020, 1, 2))
    assert late.days_late > 0
    assert deadlines.timeliness_label(late) == f"超期 {late.days_late} 个工作日"
    assert deadlines.days_late(date(2026, 11, 3), date(2026, 11, 3)) == 0
    assert deadlines.days_late(date(2026, 11, 3), date(2026, 11, 5)) == 2


def test_rules_that_are_not_counted_in_days(yingjiang, housing, editor):
    item = make_leaf(yingjiang, "停水公告", organisations=[housing],
                     deadline={"kind": "before_event", "hours": 24, "event": "停水"})  # fmt: skip
    record = draft(editor, housing, item)
    assert record.due_date is None and "停水24小时前" in record.due_explanation


def test_quarterly_leaf_creates_slots_and_missing_periods_show(yingjiang, housing, editor):
    item = make_leaf(yingjiang, "财政资金使用情况", organisations=[housing],
                     deadline={"kind": "periodic", "period": "quarterly"})  # fmt: skip
    assert deadlines.ensure_slots(yingjiang, 2026, actor=SYSTEM) == 4
    assert deadlines.ensure_slots(yingjiang, 2026, actor=SYSTEM) == 0  # idempotent
    q3 = ExpectedSlot.objects.get(catalogue_item=item, label="2026年第3季度")
    assert q3.period_end == date(2026, 9, 30) and q3.due_date == date(2026, 11, 3)
    duties = deadlines.duties_for([housing], today=date(2026, 11, 4))
    overdue = [d for d in duties if d.kind == "slot" and d.overdue]
    assert [d.title for d in overdue] == [
        "财政资金使用情况（2026年第1季度）",
        "财政资金使用情况（2026年第2季度）",
        "财政资金使用情况（2026年第3季度）",
    ]
    assert CatalogueItem.objects.filter(pk=item.pk).exists()


def test_reminders_are_sent_once_a_day(editor, housing, leaf, mailoutbox):
    from django.core import mail

    record = draft(editor, housing, leaf, formed_on=date(2026, 9, 30))
    assert notify.remind(today=date(2026, 10, 30)) == 1
    assert "公开期限提醒" in mail.outbox[-1].subject
    assert "yj_editor@example.gov.cn" in mail.outbox[-1].to
    assert notify.remind(today=date(2026, 10, 30)) == 0
    record.refresh_from_db()
    assert record.reminded_on == date(2026, 10, 30)


def test_workbench_panel_lists_overdue_duties(staff, editor, housing, leaf):
    draft(editor, housing, leaf, formed_on=date(2020, 1, 2), title="早已超期的信息")
    client = staff(editor)
    html = client.get("/staff/").content.decode()
    assert "信息发布" in html and "早已超期的信息" in html and "已超期" in html
