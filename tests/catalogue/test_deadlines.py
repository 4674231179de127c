from datetime import date

import pytest

from gongkai.catalogue.deadlines import DeadlineRule, parse_deadline
from gongkai.catalogue.text import clean_name, clean_text, cn_to_int


@pytest.mark.parametrize(
    ("text", "kind", "days", "hours", "period"),
    [
        ("信息形成或者变更之日起20个工作日内", "working_days", 20, None, ""),
        ("信息形成或者变更之日起２０个工作日内", "working_days", 20, None, ""),
        ("20个工作日", "working_days", 20, None, ""),
        ("二十个工作日", "working_days", 20, None, ""),
        ("信息形成或者變更之日起20個工作日內", "working_days", 20, None, ""),
        ("自作出决定之日起7日内", "natural_days", 7, None, ""),
        ("自作出决定之日起七日内", "natural_days", 7, None, ""),
        ("实时", "realtime", None, None, ""),
        ("及时公开", "immediate", None, None, ""),
        ("每季度", "periodic", None, None, "quarterly"),
        ("每月", "periodic", None, None, "monthly"),
        ("每年（3月31日前）", "periodic", None, None, "yearly"),
        ("每季度（次季度首月15日前）", "periodic", None, None, "quarterly"),
        ("停水24小时前", "before_event", None, 24, ""),
        ("活动开展前3个工作日", "before_event", 3, None, ""),
        ("长期公开", "long_term", None, None, ""),
        ("依申请", "on_request", None, None, ""),
        ("学期开学前", "unparsed", None, None, ""),
        ("", "unparsed", None, None, ""),
    ],
)
def test_parse_deadline_table(text, kind, days, hours, period):
    rule = parse_deadline(text)
    assert rule.kind == kind
    assert rule.days == days
    assert rule.hours == hours
    assert rule.period == period
    assert rule.original == clean_text(text)


def test_same_as_above_repeats_previous_rule():
    previous = parse_deadline("停水24小时前")
    assert parse_deadline("同上", previous) == previous
    assert parse_deadline("同上").kind == "unparsed"


def test_event_is_kept_and_round_trips():
    rule = parse_deadline("停水24小时前")
    assert rule.event == "停水"
    again = DeadlineRule.from_dict(rule.to_dict(), original=rule.original)
    assert again == rule
    assert rule.describe() == "停水24小时前"


def test_due_date_counts_working_days_with_the_calendar():
    rule = parse_deadline("信息形成或者变更之日起20个工作日内")
    due = rule.due_date(date(2026, 4, 30))
    assert due.date == date(2026, 6, 1)  # 劳动节 skipped, as the calendar API computes
    assert "到期日" in due.explain()
    natural = parse_deadline("自批准之日起7日内").due_date(date(2026, 1, 1))
    assert natural.date == date(2026, 1, 8)
    assert parse_deadline("实时").due_date(date(2026, 1, 1)) is None


def test_text_cleaning():
    assert clean_text("城市供\n水水質公示") == "城市供水水质公示"
    assert clean_text("1.燃气经营许可证\n2.城市道路") == "1.燃气经营许可证\n2.城市道路"
    assert clean_name("臨時救助\n審批") == "临时救助审批"
    assert clean_text(clean_text("《条例》\n【行政法规】")) == clean_text("《条例》\n【行政法规】")
    assert cn_to_int("二十") == 20 and cn_to_int("十五") == 15 and cn_to_int("一百二十") == 120
