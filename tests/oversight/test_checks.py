"""The self-measured inspection indicators: columns and home page stale or empty, records
without a publication time, the expression list, the guide and catalogue kept current; how
findings are kept between runs, the projected score, the command and the nightly job."""

import io
from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from gongkai.catalogue.models import CatalogueChange
from gongkai.core import jobs
from gongkai.core.models import AuditEvent, Site
from gongkai.core.sites import openness_office
from gongkai.oversight import checks
from gongkai.oversight.checks import FindingDraft, register_check, run_checks, site_score
from gongkai.oversight.findings import add_rule, findings_summary
from gongkai.oversight.models import CheckRun, ExpressionKind, ExpressionRule, Finding, Severity
from gongkai.portal.disclosure import default_body
from gongkai.portal.models import DisclosurePage, DisclosurePageKind
from gongkai.records.models import Record, State
from tests.conftest import org, user

from .checks_helpers import column, published, standard_columns

pytestmark = pytest.mark.django_db


@pytest.fixture
def housing(yingjiang):
    return org(yingjiang, "区住房和城乡建设局")


def open_(site, code=None):
    qs = Finding.objects.filter(site=site, resolved_at__isnull=True)
    return qs.filter(check_code=code) if code else qs


# --------------------------------------------------------------------------- columns


def test_stale_column_is_a_deduction_and_a_fresh_one_is_not(yingjiang, housing):
    standard_columns(yingjiang)
    published(yingjiang, housing, days_ago=200, kind="notice", title="旧通知")
    published(yingjiang, housing, days_ago=3, kind="general", title="新动态")
    run_checks(yingjiang, only=["columns", "home_stale"])
    (stale,) = open_(yingjiang, "columns")
    assert stale.key.endswith(":stale")
    assert stale.severity == Severity.DEDUCTION and stale.points == 5
    assert "“通知公告”栏目已超过 6 个月未更新" in stale.title
    assert stale.item_url == "/columns/notices/"
    assert stale.due_on == timezone.localdate() - timedelta(days=20)
    assert not open_(yingjiang, "home_stale").exists()


def test_column_about_to_go_stale_is_a_warning_with_its_date(yingjiang, housing):
    standard_columns(yingjiang)
    published(yingjiang, housing, days_ago=168, kind="notice")
    published(yingjiang, housing, days_ago=1, kind="general")
    run_checks(yingjiang, only=["columns"])
    (warning,) = open_(yingjiang, "columns")
    assert warning.severity == Severity.WARNING
    assert warning.title == "“通知公告”栏目 12 天后将满 6 个月未更新"
    assert warning.due_on == timezone.localdate() + timedelta(days=12)
    summary = findings_summary(yingjiang)
    assert summary["score_text"] == "100"
    assert [(w.title, w.days_left) for w in summary["top_warnings"]] == [
        ("“通知公告”栏目 12 天后将满 6 个月未更新", 12)
    ]


def test_each_column_keeps_its_own_rule(yingjiang, housing):
    column(yingjiang, "personnel", "人事信息", "personnel", ["general"])  # 1 year by default
    published(yingjiang, housing, days_ago=200, kind="general")
    run_checks(yingjiang, only=["columns"])
    assert not open_(yingjiang, "columns").exists()


def test_empty_columns_and_five_of_them_are_a_veto(yingjiang):
    for n in range(5):
        column(yingjiang, f"c{n}", f"栏目{n}", "notice", [f"kind{n}"])
    run_checks(yingjiang, only=["columns"])
    findings = open_(yingjiang, "columns")
    empties = findings.filter(key__endswith=":empty")
    assert empties.count() == 5
    assert {f.indicator for f in empties} == {"空白栏目"}
    veto = findings.get(key="columns:empty:veto")
    assert veto.severity == Severity.VETO


def test_home_page_stale_is_a_veto(yingjiang, housing):
    standard_columns(yingjiang)
    published(yingjiang, housing, days_ago=15, kind="general")
    run_checks(yingjiang, only=["home_stale"])
    (home,) = open_(yingjiang, "home_stale")
    assert home.severity == Severity.VETO
    assert "首页已超过 2 周未更新" in home.title


def test_a_childs_records_keep_the_parents_column_fresh(yingjiang, housing):
    """The portal shows a parent site its children's records too: so do the checks."""
    parent = Site.objects.create(slug="city", name="某市人民政府")
    Site.objects.filter(pk=yingjiang.pk).update(parent=parent)
    column(parent, "notices", "通知公告", "notice", ["notice"])
    published(yingjiang, housing, days_ago=2, kind="notice")
    run_checks(parent, only=["columns"])
    assert not open_(parent).exists()


# --------------------------------------------------------------------------- records


def test_old_published_record_without_publication_time(yingjiang, housing):
    standard_columns(yingjiang)
    record = published(yingjiang, housing, days_ago=None, kind="notice", title="旧系统导入的通知")
    run_checks(yingjiang, only=["publication_time", "columns"])
    (finding,) = open_(yingjiang, "publication_time")
    assert finding.title == "“旧系统导入的通知”没有发布时间"
    assert finding.organisation == housing
    assert finding.item_url == f"/staff/records/{record.pk}/"
    # and it does not count as an update: the notices column is empty
    assert open_(yingjiang, "columns").filter(title__contains="“通知公告”栏目为空白栏目").exists()


# --------------------------------------------------------------------------- expressions


def test_sensitive_and_misused_expressions_and_leader_names(yingjiang, housing):
    # a site without rules starts from the default list at its first check
    assert not ExpressionRule.objects.filter(site=yingjiang).exists()
    run_checks(yingjiang, only=["expressions"])
    assert ExpressionRule.objects.filter(site=yingjiang, wrong="截止目前").exists()
    admin = user("yj_admin")
    leader = add_rule(
        admin, yingjiang, kind=ExpressionKind.LEADER, wrong="王小二区长", correct="王晓二区长"
    )
    assert AuditEvent.objects.filter(
        object_id=str(leader.pk), object_type="oversight.expressionrule"
    ).exists()
    published(yingjiang, housing, title="工作动态", body="<p>截止目前，王小二区长出席会议。</p>")
    published(yingjiang, housing, title="台湾总统选举有关情况", body="<p>正文</p>")
    published(yingjiang, housing, title="无误的通知", body="<p>截至目前一切正常。</p>")
    run_checks(yingjiang, only=["expressions"])
    found = {(f.title, f.severity, f.points) for f in open_(yingjiang, "expressions")}
    assert found == {
        ("“工作动态”含错用词语“截止目前”，应为“截至目前”", Severity.DEDUCTION, Decimal(1)),
        ("“工作动态”含领导姓名错误“王小二区长”，应为“王晓二区长”", Severity.VETO, Decimal(0)),
        (
            "“台湾总统选举有关情况”含敏感或不规范表述“台湾总统”，应为“台湾地区领导人”",
            Severity.VETO,
            Decimal(0),
        ),
    }
    # a disabled rule no longer reports
    ExpressionRule.objects.filter(site=yingjiang, wrong="截止目前").update(is_active=False)
    result = run_checks(yingjiang, only=["expressions"])
    assert result.resolved == 1
    assert open_(yingjiang, "expressions").count() == 2


def test_unpublished_records_are_not_checked(yingjiang, housing):
    record = published(yingjiang, housing, title="草稿", body="<p>截止目前</p>")
    Record.objects.filter(pk=record.pk).update(state=State.DRAFT)
    run_checks(yingjiang, only=["expressions"])
    assert not open_(yingjiang).exists()


# --------------------------------------------------------------------------- keeping findings


def test_resolved_on_re_run_and_reopened_when_seen_again(yingjiang, housing):
    standard_columns(yingjiang)
    published(yingjiang, housing, days_ago=1, kind="general")
    published(yingjiang, housing, days_ago=200, kind="notice")
    first = run_checks(yingjiang, only=["columns"])
    assert first.new == 1
    finding = open_(yingjiang, "columns").get()
    first_seen = finding.first_seen_at

    fresh = published(yingjiang, housing, days_ago=0, kind="notice", title="新通知")
    second = run_checks(yingjiang, only=["columns"])
    assert (second.new, second.resolved) == (0, 1)
    finding.refresh_from_db()
    assert finding.resolved_at is not None and not finding.is_open

    Record.objects.filter(pk=fresh.pk).update(state=State.WITHDRAWN)
    third = run_checks(yingjiang, only=["columns"])
    assert third.new == 1
    finding.refresh_from_db()
    assert finding.resolved_at is None and finding.first_seen_at > first_seen
    assert Finding.objects.filter(site=yingjiang).count() == 1  # one row per item


def test_a_check_that_did_not_run_resolves_nothing(yingjiang, housing):
    standard_columns(yingjiang)
    published(yingjiang, housing, days_ago=1, kind="general")
    published(yingjiang, housing, days_ago=200, kind="notice")
    run_checks(yingjiang, only=["columns"])
    run_checks(yingjiang, only=["publication_time"])
    assert open_(yingjiang, "columns").count() == 1


@pytest.fixture
def flaky_check():
    state = {"fail": False}

    def check(site):
        if state["fail"]:
            raise RuntimeError("数据源暂时不可用")
        yield FindingDraft(key="x", title="某问题", severity=Severity.DEDUCTION, points=Decimal(3))

    saved = dict(checks.CHECKS)
    register_check("flaky", check, indicator="测试指标")
    yield state
    checks.CHECKS.clear()
    checks.CHECKS.update(saved)


def test_a_failing_check_is_reported_and_keeps_its_findings(yingjiang, flaky_check):
    run_checks(yingjiang, only=["flaky"])
    assert open_(yingjiang, "flaky").count() == 1
    flaky_check["fail"] = True
    result = run_checks(yingjiang, only=["flaky"])
    assert [o.code for o in result.failed] == ["flaky"]
    assert "数据源暂时不可用" in result.run.failed["flaky"]
    assert open_(yingjiang, "flaky").count() == 1  # not resolved by the error


def test_check_run_history(yingjiang, housing):
    standard_columns(yingjiang)
    published(yingjiang, housing, days_ago=200, kind="notice")
    published(yingjiang, housing, days_ago=1, kind="general")
    result = run_checks(yingjiang)
    run = CheckRun.objects.get(pk=result.run.pk)
    assert run.finished_at is not None and run.finished_at >= run.started_at
    assert run.checks == [c.code for c in checks.registered_checks()]
    assert (run.vetoes, run.deductions, run.new) == (0, 1, 1)
    assert run.score == Decimal(95)
    assert findings_summary(yingjiang)["last_run"] == run


# --------------------------------------------------------------------------- the score


def make(site, severity, points=0, indicator="甲", key=None, **extra):
    return Finding.objects.create(
        site=site,
        check_code="manual",
        indicator=indicator,
        severity=severity,
        points=points,
        key=key or f"k{Finding.objects.count()}",
        title="问题",
        **extra,
    )


def test_score_arithmetic(yingjiang, monkeypatch):
    assert site_score(yingjiang).score == 100
    make(yingjiang, Severity.DEDUCTION, 5, "栏目不更新")
    make(yingjiang, Severity.DEDUCTION, 5, "栏目不更新")  # the same indicator deducts once
    make(yingjiang, Severity.DEDUCTION, 2, "信息无发布时间")
    make(yingjiang, Severity.WARNING, indicator="栏目不更新", due_on=timezone.localdate())
    resolved = make(yingjiang, Severity.DEDUCTION, 30, "已整改")
    resolved.resolved_at = timezone.now()
    resolved.save()
    score = site_score(yingjiang)
    assert score.score == 93 and score.deducted == 7
    assert (score.vetoes, score.deductions, score.warnings) == (0, 3, 1)
    assert score.passes
    # a scoring sheet's cap for an indicator
    monkeypatch.setitem(checks.INDICATOR_CAPS, "栏目不更新", Decimal(8))
    assert site_score(yingjiang).score == 90
    # a veto fails the site whatever its points
    make(yingjiang, Severity.VETO, indicator="泄露个人隐私")
    score = site_score(yingjiang)
    assert score.vetoes == 1 and not score.passes and score.score == 90


def test_score_never_below_zero_and_below_60_fails(yingjiang):
    for n in range(12):
        make(yingjiang, Severity.DEDUCTION, 10, f"指标{n}")
    score = site_score(yingjiang)
    assert score.score == 0 and not score.passes


# --------------------------------------------------------------------------- guide, catalogue


def test_guide_not_updated_for_a_year(yingjiang):
    page = DisclosurePage.objects.create(
        site=yingjiang,
        kind=DisclosurePageKind.GUIDE,
        title="政府信息公开指南",
        body=default_body(yingjiang, DisclosurePageKind.GUIDE),
    )
    run_checks(yingjiang, only=["disclosure_guide"])
    assert not open_(yingjiang).exists()  # fresh, and it quotes the office's current data
    DisclosurePage.objects.filter(pk=page.pk).update(
        updated_at=timezone.now() - timedelta(days=400)
    )
    run_checks(yingjiang, only=["disclosure_guide"])
    (finding,) = open_(yingjiang)
    assert finding.title.startswith("《政府信息公开指南》已超过 1 年未更新")
    assert finding.item_url == reverse("portal_staff:disclosure_edit", args=["guide"])
    DisclosurePage.objects.filter(pk=page.pk).update(
        updated_at=timezone.now() - timedelta(days=350)
    )
    run_checks(yingjiang, only=["disclosure_guide"])
    (finding,) = open_(yingjiang)
    assert finding.severity == Severity.WARNING
    assert finding.title == "《政府信息公开指南》15 天后将满 1 年未更新"


def test_guide_older_than_the_office_contacts_it_quotes(yingjiang):
    DisclosurePage.objects.create(
        site=yingjiang,
        kind=DisclosurePageKind.GUIDE,
        title="政府信息公开指南",
        body=default_body(yingjiang, DisclosurePageKind.GUIDE),
    )
    office = openness_office(yingjiang)
    office.phone = "0556-5999999"
    office.save()
    run_checks(yingjiang, only=["disclosure_guide"])
    (finding,) = open_(yingjiang)
    assert finding.title == f"《政府信息公开指南》中的联系电话与{office.name}现有信息不一致"
    assert finding.organisation == office
    assert "第十二条" in finding.detail


def test_catalogue_changes_not_published_as_a_version(yingjiang):
    change = CatalogueChange.objects.create(
        site=yingjiang, item_name="某事项", action="update", reason="调整"
    )
    run_checks(yingjiang, only=["catalogue_current"])
    assert not open_(yingjiang).exists()
    CatalogueChange.objects.filter(pk=change.pk).update(
        created_at=timezone.now() - timedelta(days=40)
    )
    run_checks(yingjiang, only=["catalogue_current"])
    (finding,) = open_(yingjiang)
    assert finding.severity == Severity.DEDUCTION
    assert "1 项调整超过 30 天未发布新版本" in finding.title


# --------------------------------------------------------------------------- command and job


def test_command_prints_a_chinese_summary(yingjiang, housing):
    standard_columns(yingjiang)
    published(yingjiang, housing, days_ago=1, kind="general")
    published(yingjiang, housing, days_ago=168, kind="notice")
    published(yingjiang, housing, days_ago=None, kind="notice", title="无时间的通知")
    out = io.StringIO()
    call_command("oversight", "check", "--site", "yingjiang", stdout=out)
    text = out.getvalue()
    assert (
        "迎江区人民政府（yingjiang）：预计得分 98 分；单项否决 0 项，扣分 1 项，预警 1 项；" in text
    )
    assert "本次新发现 2 项，已消除 0 项。" in text
    assert "扣分：“无时间的通知”没有发布时间（−2）" in text
    due = timezone.localdate() + timedelta(days=12)
    assert f"预警：“通知公告”栏目 12 天后将满 6 个月未更新（{due:%Y-%m-%d}）" in text
    # the other sites were not checked
    assert not CheckRun.objects.exclude(site=yingjiang).exists()


def test_command_only_and_all_sites(yingjiang, ouhai):
    out = io.StringIO()
    call_command("oversight", "check", "--only", "columns", "home_stale", stdout=out)
    assert set(CheckRun.objects.values_list("site__slug", flat=True)) == set(
        Site.objects.values_list("slug", flat=True)
    )
    assert CheckRun.objects.first().checks == ["home_stale", "columns"]
    out = io.StringIO()
    call_command("oversight", "list", stdout=out)
    assert "personal_data\t泄露个人隐私" in out.getvalue()


def failing(*args):
    with pytest.raises(CommandError) as raised:
        call_command("oversight", *args, stdout=io.StringIO(), stderr=io.StringIO())
    return raised.value


def test_command_errors(yingjiang, flaky_check):
    error = failing("check", "--site", "nowhere")
    assert error.returncode == 1  # what `gongkai` exits with (BaseCommand.run_from_argv)
    assert "找不到站点“nowhere”" in str(error) and "yingjiang" in str(error)
    error = failing("check", "--only", "no_such_check")
    assert "没有检查项“no_such_check”" in str(error) and "columns" in str(error)
    assert not CheckRun.objects.exists()
    flaky_check["fail"] = True
    error = failing("check", "--site", "yingjiang", "--only", "flaky")
    assert "1 项检查运行出错" in str(error)
    # findings are results, not errors: a run with vetoes completes
    published(yingjiang, org(yingjiang, "区民政局"), days_ago=None)
    call_command("oversight", "check", "--only", "publication_time", stdout=io.StringIO())


@pytest.mark.django_db(transaction=True)
def test_exit_codes_of_the_real_command(tmp_path):
    """The `gongkai` console command beside this Python, on its own database: Chinese
    messages, no traceback, exit status 1 for bad input and 0 for a run."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    gongkai = str(Path(sys.executable).parent / "gongkai")
    env = {**os.environ, "GONGKAI_VAR_DIR": str(tmp_path)}
    env.pop("GONGKAI_DATABASE_URL", None)

    def run(*args):
        return subprocess.run(
            [gongkai, *args], env=env, capture_output=True, text=True, timeout=300
        )

    assert run("migrate", "-v0").returncode == 0
    done = run("oversight", "check")
    assert done.returncode == 1 and "还没有任何站点" in done.stderr
    done = run("oversight", "check", "--site", "nowhere")
    assert done.returncode == 1 and "找不到站点“nowhere”" in done.stderr
    assert "Traceback" not in done.stderr
    done = run("oversight", "check", "--only", "nope")
    assert done.returncode == 1 and "没有检查项“nope”" in done.stderr
    done = run(
        "shell",
        "-c",
        "from gongkai.core.models import Site; Site.objects.create(slug='t', name='测试区人民政府')",
    )
    assert done.returncode == 0, done.stderr
    done = run("oversight", "check", "--site", "t")
    assert done.returncode == 0, done.stderr
    assert "测试区人民政府（t）：预计得分 100 分" in done.stdout


def test_nightly_job(yingjiang, ouhai):
    job = jobs.JOBS["oversight_checks"]
    assert job.daily_at == time(2, 30)
    outcome = jobs.run_now("oversight_checks")
    assert outcome.ok, outcome.result
    assert "yingjiang 100分" in outcome.result
    assert CheckRun.objects.filter(site=yingjiang).count() == 1
    assert CheckRun.objects.filter(site=ouhai).count() == 1


def test_the_stale_columns_veto_is_announced_before_it_falls(yingjiang, housing):
    """Three stale notice columns and two about to go stale: the fifth one's date is the day
    the site fails (“which vetoes it is days away from”)."""
    for n in range(5):
        column(yingjiang, f"n{n}", f"通知{n}", "notice", [f"k{n}"])
    for n, days_ago in enumerate([200, 190, 185, 175, 170]):
        published(yingjiang, housing, days_ago=days_ago, kind=f"k{n}")
    run_checks(yingjiang, only=["columns"])
    veto = Finding.objects.get(site=yingjiang, key="columns:stale:veto")
    assert veto.severity == Severity.WARNING
    assert veto.due_on == timezone.localdate() + timedelta(days=10)
    assert veto.title == "10 天后不更新栏目将达到 5 个，触发单项否决（现有 3 个）"
    # once the fourth and fifth go stale the same finding becomes the veto
    Record.objects.filter(site=yingjiang, kind__in=["k3", "k4"]).update(
        published_at=timezone.now() - timedelta(days=181)
    )
    run_checks(yingjiang, only=["columns"])
    veto.refresh_from_db()
    assert veto.severity == Severity.VETO and veto.title.startswith("5 个栏目长期未更新")
