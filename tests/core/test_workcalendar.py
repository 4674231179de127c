"""The working-day calendar and deadline engine (core.holidays, core.workcalendar, `calendar`)."""

import io
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from lunardate import LunarDate

from gongkai.core.holidays import qingming, statutory_holidays
from gongkai.core.models import AuditEvent, CalendarDay, WorkCalendar
from gongkai.core.workcalendar import (
    CalendarImportError,
    ClockEvent,
    add_working_days,
    calendar_year,
    count_working_days,
    day_status,
    due_date_from_events,
    forget_calendar,
    import_calendar_csv,
    seed_from_package,
)

# The `gongkai` console script of the environment running the tests, wherever it was cloned.
GONGKAI = Path(sys.executable).parent / "gongkai"
D = date.fromisoformat


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    forget_calendar()
    yield
    forget_calendar()


@pytest.fixture
def seeded(db):
    created = seed_from_package()
    assert created > 0
    return created


def E(kind, when, days=0, note=""):
    return ClockEvent(kind=kind, date=D(when), days=days, note=note)


def write_csv(tmp_path, text, name="calendar.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


# --------------------------------------------------------------------- statutory holidays


def test_statutory_holidays_2027_lunar_dates():
    days = statutory_holidays(2027)
    # 除夕 is the last day of lunar month 12, the day before 正月初一.
    chuyi = LunarDate(2027, 1, 1).to_solar_date()
    assert chuyi == D("2027-02-06")
    eve = LunarDate.from_solar_date(2027, 2, 5)
    assert (eve.year, eve.month) == (2026, 12)
    assert LunarDate.from_solar_date(2027, 2, 6) == LunarDate(2027, 1, 1)
    spring = sorted(d for d, name in days.items() if name == "春节")
    assert spring == [D("2027-02-05"), D("2027-02-06"), D("2027-02-07"), D("2027-02-08")]
    assert days[D("2027-09-15")] == "中秋节"
    assert days[D("2027-06-09")] == "端午节"
    assert days[D("2027-04-05")] == "清明节"
    assert days[D("2027-01-01")] == "元旦"
    assert [d for d, n in days.items() if n == "劳动节"] == [D("2027-05-01"), D("2027-05-02")]
    assert [d for d, n in days.items() if n == "国庆节"] == [D(f"2027-10-0{i}") for i in (1, 2, 3)]
    assert len(days) == 13


def test_statutory_holidays_coinciding_and_far_years():
    # 中秋 2028 falls on 3 October: one entry, both names.
    assert statutory_holidays(2028)[D("2028-10-03")] == "国庆节、中秋节"
    # Beyond lunardate's range the lunar holidays are left out, nothing raises.
    far = statutory_holidays(2150)
    assert D("2150-01-01") in far and D("2150-10-01") in far
    assert qingming(2150) is not None and qingming(2150).month == 4
    assert statutory_holidays(9999)[D("9999-01-01")] == "元旦"


@pytest.mark.parametrize("year", range(2014, 2027))
def test_statutory_days_are_holidays_in_the_package(year):
    """Each year's statutory days (revision in force that year) are off in the official data."""
    for d in statutory_holidays(year):
        assert d in chinese_calendar.holidays, d


def test_statutory_revisions():
    assert D("2025-01-28") in statutory_holidays(2025)  # 除夕 since the 2024 revision
    assert D("2025-05-02") in statutory_holidays(2025)
    assert D("2024-02-09") not in statutory_holidays(2024)  # 除夕 2024, 2013 revision
    assert D("2024-05-02") not in statutory_holidays(2024)
    assert D("2024-02-10") in statutory_holidays(2024)


# --------------------------------------------------------------------- single days


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "workday", "reason_part"),
    [
        ("2025-09-28", True, "调休上班"),
        ("2025-10-11", True, "调休上班"),
        ("2025-10-01", False, "国庆节（法定节假日）"),
        ("2025-10-06", False, "中秋节（法定节假日）"),
        ("2025-10-08", False, "国庆节假期（调休放假）"),
        ("2026-02-14", True, "调休上班（春节）"),
        ("2026-02-16", False, "春节（法定节假日）"),
        ("2026-02-20", False, "春节假期（调休放假）"),
        ("2026-02-28", True, "调休上班"),
        ("2026-03-07", False, "周六"),
        ("2026-03-09", True, "工作日"),
    ],
)
def test_day_status_official(seeded, day, workday, reason_part):
    status = day_status(D(day))
    assert status.is_workday is workday
    assert reason_part in status.reason
    assert status.provisional is False


@pytest.mark.django_db
def test_day_status_provisional_year(seeded):
    eve = day_status(D("2027-02-05"))
    assert not eve.is_workday and eve.provisional and eve.reason == "春节（法定节假日）"
    assert day_status(D("2027-02-09")).is_workday
    assert day_status(D("2027-02-13")).reason == "周六"


# --------------------------------------------------------------------- add / count


CASES = [
    ("2026-04-30", 20, "2026-06-01"),
    ("2025-01-20", 20, "2025-02-21"),
    ("2025-09-26", 1, "2025-09-28"),  # Sunday 28 September 2025 is an adjusted workday
    ("2025-09-30", 1, "2025-10-09"),  # 1–8 October 2025 off
    ("2025-09-30", 3, "2025-10-11"),  # Saturday 11 October 2025 is an adjusted workday
    ("2025-09-30", 4, "2025-10-13"),
    ("2025-09-30", 20, "2025-11-04"),
    ("2026-02-13", 1, "2026-02-14"),  # Saturday 14 February 2026 is an adjusted workday
    ("2026-02-13", 2, "2026-02-24"),  # 15–23 February 2026 off
    ("2026-02-13", 5, "2026-02-27"),
    ("2026-02-13", 6, "2026-02-28"),  # Saturday 28 February 2026 is an adjusted workday
    ("2026-02-13", 7, "2026-03-02"),
    ("2026-02-10", 20, "2026-03-16"),
    ("2026-09-30", 1, "2026-10-08"),
    ("2026-09-30", 3, "2026-10-10"),
    ("2026-05-01", 0, "2026-05-01"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("start", "n", "due"), CASES)
def test_add_working_days_table(seeded, start, n, due):
    result = add_working_days(D(start), n)
    assert result.date == D(due)
    assert result.provisional is False
    assert count_working_days(D(start), D(due)) == n


@pytest.mark.django_db
@pytest.mark.parametrize(("start", "n", "due"), CASES[:4])
def test_without_calendar_rows_the_package_data_is_used(start, n, due):
    assert not WorkCalendar.objects.exists()
    result = add_working_days(D(start), n)
    assert result.date == D(due) and result.provisional is False


def test_without_database_access_the_package_data_is_used():
    # No django_db mark: the database is blocked, the engine falls back and does not raise.
    assert add_working_days(D("2026-04-30"), 20).date == D("2026-06-01")


@pytest.mark.django_db
def test_explanation_lists_skipped_days(seeded):
    result = add_working_days(D("2026-04-30"), 20)
    text = result.explain()
    assert "2026-04-30" in text and "20 个工作日" in text
    assert "跳过 2026-05-01（周五）劳动节（法定节假日）" in text
    assert "2026-05-09（周六）调休上班（劳动节），计为第 4 个工作日" in text
    assert "跳过 2026-05-16 周六" in text
    assert "暂定" not in text
    assert [s.date for s in result.skipped][:5] == [D(f"2026-05-0{i}") for i in range(1, 6)]
    assert all(not s.is_workday for s in result.skipped)


@pytest.mark.django_db
def test_december_2026_into_2027_is_provisional(seeded):
    result = add_working_days(D("2026-12-10"), 20)
    assert result.date == D("2027-01-08")
    assert result.provisional is True
    assert result.provisional_years == (2027,)
    new_year = next(s for s in result.skipped if s.date == D("2027-01-01"))
    assert "元旦" in new_year.reason and new_year.provisional
    text = result.explain()
    assert "暂定" in text and "2027 年" in text and "尚未载入" in text


@pytest.mark.django_db
def test_count_working_days(seeded):
    assert count_working_days(D("2025-09-30"), D("2025-10-11")) == 3
    assert count_working_days(D("2026-02-13"), D("2026-02-28")) == 6
    assert count_working_days(D("2026-05-06"), D("2026-05-06")) == 0
    assert count_working_days(D("2026-05-08"), D("2026-05-06")) == 0


def test_negative_days_rejected():
    with pytest.raises(ValueError, match="负数"):
        add_working_days(D("2026-01-05"), -1)


def test_far_years_never_raise():
    for start in (D("1890-03-01"), D("2099-12-20"), D("2150-09-25"), D("9998-12-01")):
        result = add_working_days(start, 30)
        assert result.provisional and result.date > start


# --------------------------------------------------------------------- properties

DAYS = st.dates(min_value=D("2024-06-01"), max_value=D("2027-12-31"))
N = st.integers(min_value=1, max_value=60)
PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(DAYS, N)
def test_result_is_a_working_day(start, n):
    due = add_working_days(start, n).date
    assert due > start
    assert day_status(due).is_workday


@PROPERTY
@given(DAYS, st.integers(min_value=0, max_value=60))
def test_count_inverts_add(start, n):
    assert count_working_days(start, add_working_days(start, n).date) == n


@PROPERTY
@given(DAYS, N)
def test_monotonic_in_n(start, n):
    assert add_working_days(start, n).date < add_working_days(start, n + 1).date
    assert add_working_days(start, n - 1).date < add_working_days(start, n).date


@PROPERTY
@given(DAYS, N)
def test_events_without_pause_match_add(start, n):
    events = [ClockEvent("start", start)]
    assert due_date_from_events(events, days=n).date == add_working_days(start, n).date


@PROPERTY
@given(
    DAYS,
    N,
    st.integers(min_value=0, max_value=40),
    st.integers(min_value=0, max_value=40),
)
def test_pause_shifts_due_date_by_paused_working_days(start, n, pause_after, pause_length):
    pause = start + timedelta(days=pause_after)
    resume = pause + timedelta(days=pause_length)
    assume(count_working_days(start, pause) < n)  # paused before the period ran out
    k = count_working_days(pause, resume)
    events = [ClockEvent("start", start), ClockEvent("pause", pause), ClockEvent("resume", resume)]
    result = due_date_from_events(events, days=n)
    assert result.date == add_working_days(start, n + k).date
    assert count_working_days(add_working_days(start, n).date, result.date) == k


@PROPERTY
@given(DAYS, N, st.integers(min_value=1, max_value=20))
def test_extension_adds_working_days(start, n, extra):
    events = [ClockEvent("start", start), ClockEvent("extension", start, days=extra)]
    assert due_date_from_events(events, days=n).date == add_working_days(start, n + extra).date


# --------------------------------------------------------------------- events


@pytest.mark.django_db
def test_pause_and_resume_explained(seeded):
    result = due_date_from_events(
        [
            E("start", "2026-04-30"),
            E("pause", "2026-05-07", note="第三方征求意见"),
            E("resume", "2026-05-20"),
        ]
    )
    # 2 working days used (6, 7 May); 8–20 May (10 working days) not counted; 18 remain.
    assert result.date == D("2026-06-15")
    assert result.date == add_working_days(D("2026-04-30"), 30).date
    assert not result.paused and not result.provisional
    text = result.explain()
    assert "2026-05-07 第三方征求意见，暂停计时" in text
    assert "2026-05-20 恢复计时，已用 2 个工作日，剩余 18 个" in text
    assert "10 个工作日不计入" in text
    assert "第三十三条" in text
    assert "到期日 2026-06-15" in text


@pytest.mark.django_db
def test_events_are_taken_in_date_order(seeded):
    ordered = [E("start", "2026-04-30"), E("pause", "2026-05-07"), E("resume", "2026-05-20")]
    assert due_date_from_events(list(reversed(ordered))).date == D("2026-06-15")


@pytest.mark.django_db
def test_still_paused_has_no_date(seeded):
    result = due_date_from_events([E("start", "2026-04-30"), E("pause", "2026-05-07")])
    assert result.date is None and result.paused
    assert "计时暂停中" in result.explain()
    assert "剩余 18 个" in result.explain()


@pytest.mark.django_db
def test_pause_after_the_due_date_changes_nothing(seeded):
    result = due_date_from_events(
        [E("start", "2026-04-30"), E("pause", "2026-06-05"), E("resume", "2026-06-30")]
    )
    assert result.date == D("2026-06-01")
    assert "期限已于 2026-06-01（周一）届满" in result.explain()
    assert "忽略恢复计时" in result.explain()


@pytest.mark.django_db
def test_correction_then_restart(seeded):
    asked = due_date_from_events([E("start", "2026-04-30"), E("correction-asked", "2026-05-07")])
    assert asked.date is None and asked.paused
    assert "第三十条" in asked.explain() and "计时暂停中" in asked.explain()

    result = due_date_from_events(
        [
            E("start", "2026-04-30"),
            E("correction-asked", "2026-05-07"),
            E("resume", "2026-05-10"),  # ignored: a correction is awaited
            E("restart", "2026-05-15"),
        ]
    )
    assert result.date == D("2026-06-12")
    assert result.date == add_working_days(D("2026-05-15"), 20).date
    assert result.start == D("2026-05-15")
    text = result.explain()
    assert "重新计时" in text and "忽略恢复计时" in text


@pytest.mark.django_db
def test_late_correction_notice_flagged(seeded):
    result = due_date_from_events(
        [E("start", "2026-04-30"), E("correction-asked", "2026-05-20"), E("restart", "2026-05-25")]
    )
    assert "晚于收到申请后 7 个工作日" in result.explain()


@pytest.mark.django_db
def test_extension(seeded):
    result = due_date_from_events(
        [E("start", "2026-04-30"), E("extension", "2026-05-25", days=20, note="经局长批准")]
    )
    assert result.date == add_working_days(D("2026-04-30"), 40).date
    assert result.days == 40
    assert "延长答复期限 20 个工作日" in result.explain()


@pytest.mark.django_db
def test_late_extension_flagged(seeded):
    result = due_date_from_events([E("start", "2026-04-30"), E("extension", "2026-06-03", days=5)])
    assert result.date == add_working_days(D("2026-04-30"), 25).date
    assert "晚于原到期日 2026-06-01" in result.explain()


def test_second_extension_rejected():
    events = [
        E("start", "2026-04-30"),
        E("extension", "2026-05-20", days=10),
        E("extension", "2026-06-10", days=10),
    ]
    with pytest.raises(ValueError, match="只能延长一次"):
        due_date_from_events(events)


@pytest.mark.parametrize("days", [0, 21, -3])
def test_extension_out_of_range_rejected(days):
    with pytest.raises(ValueError, match="1 至 20"):
        due_date_from_events([E("start", "2026-04-30"), E("extension", "2026-05-20", days=days)])


def test_unknown_event_kind_rejected():
    with pytest.raises(ValueError, match="未知的计时事件类型"):
        due_date_from_events([E("start", "2026-04-30"), E("stop", "2026-05-20")])


@pytest.mark.django_db
def test_no_start_gives_no_date(seeded):
    result = due_date_from_events([E("pause", "2026-05-07")])
    assert result.date is None and not result.paused
    assert "尚未开始计时" in result.explain()
    assert due_date_from_events([]).date is None


@pytest.mark.django_db
def test_restart_without_start_starts_the_clock(seeded):
    result = due_date_from_events([E("restart", "2026-05-15")])
    assert result.date == D("2026-06-12")


@pytest.mark.django_db
def test_events_into_a_provisional_year(seeded):
    result = due_date_from_events(
        [E("start", "2026-12-10"), E("pause", "2026-12-15"), E("resume", "2026-12-28")]
    )
    assert result.provisional
    assert result.date == add_working_days(D("2026-12-10"), 20 + 9).date
    assert "暂定" in result.explain()


@pytest.mark.django_db
def test_start_event_days_override_default(seeded):
    result = due_date_from_events([E("start", "2026-04-30", days=15)])
    assert result.date == add_working_days(D("2026-04-30"), 15).date


# --------------------------------------------------------------------- seeding


@pytest.mark.django_db
def test_seed_is_idempotent():
    package_years = {d.year for d in chinese_calendar.holidays}
    assert seed_from_package() == len(package_years)
    days = CalendarDay.objects.count()
    assert days == len(chinese_calendar.holidays) + len(chinese_calendar.workdays)
    assert seed_from_package() == 0
    assert CalendarDay.objects.count() == days
    cal = WorkCalendar.objects.get(year=2026)
    assert cal.source == "package"
    assert cal.days.get(date=D("2026-02-14")).name == "春节"
    assert cal.days.get(date=D("2026-02-14")).is_workday
    assert cal.days.get(date=D("2026-04-04")).name == "清明节"  # a Saturday holiday, stored too


@pytest.mark.django_db
def test_seed_selected_years_and_unknown_years():
    assert seed_from_package([2025, 2026, 2031]) == 2
    assert set(WorkCalendar.objects.values_list("year", flat=True)) == {2025, 2026}
    assert seed_from_package(range(2024, 2027)) == 1


@pytest.mark.django_db
def test_seed_never_overwrites_official(tmp_path):
    path = write_csv(tmp_path, "date,type,name\n2026-01-01,放假,元旦\n2026-03-09,放假,测试假日\n")
    import_calendar_csv(path, notice="测试通知")
    seed_from_package([2025, 2026])
    cal = WorkCalendar.objects.get(year=2026)
    assert cal.source == "official"
    assert cal.days.count() == 2
    assert not day_status(D("2026-03-09")).is_workday
    assert day_status(D("2026-02-16")).is_workday  # the package's 春节 is not used


# --------------------------------------------------------------------- CSV import

GOOD_2027 = """date,type,name
2027-01-01,放假,元旦
2027-02-05,放假,春节
2027-02-06,放假,春节
2027-02-07,放假,春节
2027-02-08,放假,春节
2027-02-09,放假,春节
2027-02-10,放假,春节
2027-02-11,放假,春节
2027-02-20,上班,春节
"""


@pytest.mark.django_db
def test_import_makes_a_year_official(seeded, tmp_path):
    before = add_working_days(D("2026-12-10"), 40)
    assert before.provisional
    cal = import_calendar_csv(write_csv(tmp_path, GOOD_2027), notice="国办发明电〔2026〕1号")
    assert cal.year == 2027 and cal.source == "official" and cal.notice == "国办发明电〔2026〕1号"
    assert cal.days.count() == 9
    after = add_working_days(D("2026-12-10"), 40)
    assert after.provisional is False
    assert "暂定" not in after.explain()
    assert not day_status(D("2027-02-10")).is_workday
    assert day_status(D("2027-02-20")).is_workday
    assert "调休上班" in day_status(D("2027-02-20")).reason
    event = AuditEvent.objects.get(event_type="calendar.changed", object_id=str(cal.pk))
    assert event.after["holidays"] == 8 and event.after["workdays"] == 1
    assert event.before is None
    info = calendar_year(2027)
    assert info.official and info.source == "official"


@pytest.mark.django_db
def test_import_replaces_a_package_year(seeded, tmp_path):
    text = "date,type,name\n2026-01-01,放假,元旦\n2026-01-02,休,元旦\n2026-01-04,workday,元旦\n"
    cal = import_calendar_csv(write_csv(tmp_path, text))
    assert WorkCalendar.objects.get(year=2026).source == "official"
    assert sorted(cal.days.values_list("date", flat=True)) == [
        D("2026-01-01"),
        D("2026-01-02"),
        D("2026-01-04"),
    ]
    assert day_status(D("2026-02-16")).is_workday  # the package's 春节 rows are gone
    event = AuditEvent.objects.filter(event_type="calendar.changed", object_id=str(cal.pk)).get()
    assert event.before["source"] == "package"
    # Importing again replaces the rows again.
    import_calendar_csv(write_csv(tmp_path, "date,type,name\n2026-10-01,holiday,国庆节\n"))
    assert list(WorkCalendar.objects.get(year=2026).days.values_list("date", flat=True)) == [
        D("2026-10-01")
    ]


@pytest.mark.django_db
def test_bad_import_writes_nothing(seeded, tmp_path):
    bad = (
        "date,type,name\n"
        "2026-01-01,放假,元旦\n"
        "2026-02-30,放假,春节\n"  # line 3: no such date
        "2026-02-16,请假,春节\n"  # line 4: bad type
        "2027-01-01,放假,元旦\n"  # line 5: another year
        "2026-05-06,上班,劳动节\n"  # line 6: a Wednesday is a workday anyway
        "2026-01-01,放假,元旦\n"  # line 7: duplicate
        "2026-10-01,放假,\n"  # line 8: no name
    )
    days_before = CalendarDay.objects.count()
    events_before = AuditEvent.objects.count()
    with pytest.raises(CalendarImportError) as info:
        import_calendar_csv(write_csv(tmp_path, bad))
    message = str(info.value)
    for line in (3, 4, 5, 6, 7, 8):
        assert f"第 {line} 行" in message
    assert "\n第 2 行" not in message
    assert "与第 2 行重复" in message
    assert [line for line, _ in info.value.errors] == [3, 4, 5, 6, 7, 8]
    assert isinstance(info.value, ValueError)
    assert CalendarDay.objects.count() == days_before
    assert AuditEvent.objects.count() == events_before
    assert WorkCalendar.objects.get(year=2026).source == "package"
    assert not WorkCalendar.objects.filter(year=2027).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("日子,类别\n2026-01-01,放假\n", "表头"),
        ("", "文件是空的"),
        ("date,type,name\n", "没有数据行"),
    ],
)
def test_bad_headers_and_empty_files(tmp_path, text, expected):
    with pytest.raises(CalendarImportError, match=expected):
        import_calendar_csv(write_csv(tmp_path, text))
    assert not WorkCalendar.objects.exists()


@pytest.mark.django_db
def test_import_from_file_object_in_gbk():
    data = "日期,类型,名称\n2027/1/1,放假,元旦\n".encode("gbk")
    cal = import_calendar_csv(io.BytesIO(data))
    assert cal.year == 2027 and cal.days.get().name == "元旦"


def test_import_missing_file():
    with pytest.raises(CalendarImportError, match="文件不存在"):
        import_calendar_csv("/nonexistent/calendar.csv")


# --------------------------------------------------------------------- the command


def run_command(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("calendar", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_command_due(seeded):
    out, _ = run_command("due", "2026-04-30", "20")
    lines = out.splitlines()
    assert lines[0] == "2026-06-01"
    assert any("劳动节" in line for line in lines[1:])


@pytest.mark.django_db
def test_command_due_provisional(seeded):
    out, _ = run_command("due", "2026-12-10", "20")
    assert out.splitlines()[0] == "2027-01-08"
    assert "暂定" in out


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("due", "2026-02-30", "20"), "日期"),
        (("due", "tomorrow", "20"), "日期"),
        (("due", "2026-04-30", "-1"), "负数"),
        (("due", "2026-04-30", "twenty"), "工作日数"),
        (("import", "/nonexistent/calendar.csv"), "文件不存在"),
        (("show", "next"), "年份"),
    ],
)
def test_command_bad_input(args, message):
    with pytest.raises(CommandError, match=message):
        run_command(*args)


@pytest.mark.django_db
def test_command_import_show_seed(tmp_path):
    out, _ = run_command("seed")
    assert "载入" in out
    out, _ = run_command("seed")
    assert "没有需要载入的年份" in out

    out, _ = run_command("show", "2027")
    assert "暂定" in out and "2027-02-05" in out

    path = write_csv(tmp_path, GOOD_2027)
    out, _ = run_command("import", str(path), "--notice", "国办发明电〔2026〕1号")
    assert "已导入 2027 年" in out and "放假 8 天" in out

    out, _ = run_command("show", "2027")
    assert "正式" in out and "管理员录入的官方通知" in out and "国办发明电〔2026〕1号" in out
    assert "2027-02-20 周六 上班" in out

    out, _ = run_command("show", "2026")
    assert "chinese-calendar 数据包" in out and "2026-02-14 周六 上班" in out

    bad = write_csv(tmp_path, "date,type,name\n2027-01-01,放假,元旦\nx,y,z\n", name="bad.csv")
    with pytest.raises(CommandError, match="第 3 行"):
        run_command("import", str(bad))


def _env(var_dir=None):
    env = dict(os.environ)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    if var_dir is not None:
        env["GONGKAI_VAR_DIR"] = str(var_dir)
    return env


@pytest.mark.parametrize("fresh", [True, False], ids=["unmigrated-database", "default-database"])
def test_cli_due(tmp_path, fresh):
    proc = subprocess.run(
        [str(GONGKAI), "calendar", "due", "2026-04-30", "20"],
        capture_output=True,
        text=True,
        env=_env(tmp_path if fresh else None),
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0] == "2026-06-01"
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["due", "2026-13-01", "20"],
        ["due", "2026-04-30", "-5"],
        ["due", "2026-04-30"],
        ["import", "/nonexistent/calendar.csv"],
    ],
)
def test_cli_bad_input_fails_cleanly(tmp_path, args):
    proc = subprocess.run(
        [str(GONGKAI), "calendar", *args],
        capture_output=True,
        text=True,
        env=_env(tmp_path),
        timeout=120,
    )
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip()
    assert proc.stdout == ""
