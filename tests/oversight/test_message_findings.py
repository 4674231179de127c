"""互动交流 in the inspection checks (issue 12 acceptance: an unanswered old message shows up
as a finding): over 3 months unanswered is a veto, past the reply deadline a deduction."""

from datetime import timedelta

import pytest
from django.utils import timezone

from gongkai.core.permissions import SYSTEM
from gongkai.oversight.checks import registered_checks
from gongkai.oversight.indicators_participation import message_findings
from gongkai.oversight.models import Severity
from gongkai.participation import rules
from tests.conftest import org

pytestmark = pytest.mark.django_db

HOUSING = "区住房和城乡建设局"


def ask(site, days_ago, subject="咨询"):
    return rules.submit_message(
        site,
        organisation=org(site, HOUSING),
        subject=subject,
        question="问题",
        name="张三",
        phone="13800000000",
        received_on=timezone.localdate() - timedelta(days=days_ago),
        actor=SYSTEM,
    )


def test_a_message_unanswered_over_3_months_is_a_veto(yingjiang):
    old = ask(yingjiang, 100)
    findings = list(message_findings(yingjiang))
    assert len(findings) == 1
    finding = findings[0]
    assert finding.severity == Severity.VETO
    assert finding.key == f"message:{old.pk}"
    assert finding.organisation == org(yingjiang, HOUSING)
    assert "超过 3 个月未答复" in finding.title
    assert finding.item_url == f"/staff/participation/{old.pk}/"
    assert "张三" not in finding.title + finding.detail  # no personal data in findings


def test_past_the_deadline_is_a_deduction_with_the_day_it_becomes_a_veto(yingjiang):
    late = ask(yingjiang, 20)
    ask(yingjiang, 0)  # within its deadline: nothing
    (finding,) = message_findings(yingjiang)
    assert finding.severity == Severity.DEDUCTION and finding.points > 0
    assert finding.due_on == rules.veto_day(late.received_on)
    assert finding.due_on > timezone.localdate()


def test_answered_and_closed_messages_are_not_findings(yingjiang):
    rules.reply(ask(yingjiang, 120), "答复", actor=SYSTEM)
    rules.close(ask(yingjiang, 120), "广告", actor=SYSTEM)
    assert list(message_findings(yingjiang)) == []


def test_other_sites_messages_do_not_count(yingjiang, ouhai):
    ask(ouhai, 120)
    assert list(message_findings(yingjiang)) == []
    assert len(list(message_findings(ouhai))) == 1


def test_the_check_is_registered():
    check = {c.code: c for c in registered_checks()}["messages"]
    assert check.func is message_findings


def test_gongkai_oversight_check_keeps_the_old_message_as_an_open_veto_finding(yingjiang):
    from django.core.management import call_command

    from gongkai.oversight.models import Finding

    old = ask(yingjiang, 100)
    call_command("oversight", "check", "--site", "yingjiang", "--only", "messages")
    finding = Finding.objects.get(site=yingjiang, check_code="messages", key=f"message:{old.pk}")
    assert finding.is_open and finding.severity == Severity.VETO
    rules.reply(old, "答复内容", actor=SYSTEM)
    call_command("oversight", "check", "--site", "yingjiang", "--only", "messages")
    finding.refresh_from_db()
    assert not finding.is_open


def test_the_dashboard_counts_messages_and_feedback_as_the_rows_are(yingjiang):
    """The 互动交流 figures equal direct counts of the participation rows."""
    from gongkai.oversight import figures
    from gongkai.participation.models import ErrorReport, Message, Rating

    ask(yingjiang, 100)
    ask(yingjiang, 30)
    ask(yingjiang, 0)
    office = org(yingjiang, HOUSING)
    Rating.objects.create(site=yingjiang, organisation=office, page_path="/", score=1)
    ErrorReport.objects.create(site=yingjiang, organisation=office, page_path="/", description="错")
    scope = figures.Scope(yingjiang, None, timezone.localdate())
    found = {p.key: p for p in figures.compute("messages", scope).parts}
    pending = Message.objects.filter(site=yingjiang, state="pending")
    today = timezone.localdate()
    assert found["pending"].count == pending.count() == len(found["pending"].items)
    assert found["overdue"].count == sum(1 for m in pending if m.due_on < today)
    assert found["veto"].count == sum(1 for m in pending if (today - m.received_on).days > 92)
    assert found["veto"].count >= 1
    feedback = {p.key: p for p in figures.compute("feedback", scope).parts}
    assert feedback["ratings"].count == Rating.objects.filter(site=yingjiang, state="open").count()
    assert (
        feedback["errors"].count == ErrorReport.objects.filter(site=yingjiang, state="open").count()
    )
