"""检查发现的问题 and the expression list: who sees which findings, who runs the checks and
keeps the list, the filters, and the summary the dashboard includes."""

from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from gongkai.core.models import AuditEvent
from gongkai.oversight.checks import run_checks
from gongkai.oversight.findings import findings_summary
from gongkai.oversight.models import CheckRun, ExpressionRule, Finding
from tests.conftest import login_verified, org, user

from .checks_helpers import published, standard_columns

pytestmark = pytest.mark.django_db
URL = "/staff/oversight/findings/"


@pytest.fixture
def findings(yingjiang):
    """A site-level finding (a stale column) and one finding each for 住建局 and 民政局."""
    housing, civil = org(yingjiang, "区住房和城乡建设局"), org(yingjiang, "区民政局")
    standard_columns(yingjiang)
    published(yingjiang, housing, days_ago=1, kind="general")
    published(yingjiang, housing, days_ago=168, kind="notice")
    published(yingjiang, housing, days_ago=None, title="住建局无时间的信息")
    published(yingjiang, civil, days_ago=None, title="民政局无时间的信息")
    run_checks(yingjiang)
    return yingjiang


def page(client, username, query=""):
    login_verified(client, user(username))
    response = client.get(URL + query)
    assert response.status_code == 200
    return response.content.decode()


def test_office_admin_sees_the_whole_site_and_the_run_button(client, findings):
    html = page(client, "yj_admin")
    assert "住建局无时间的信息" in html and "民政局无时间的信息" in html
    assert "“通知公告”栏目 12 天后将满 6 个月未更新" in html
    assert "立即检查" in html and "最近检查：" in html
    assert 'href="/staff/records/' in html  # each finding links to its item


def test_editor_sees_only_their_organisations_findings(client, findings):
    html = page(client, "yj_editor")  # 住建局
    assert "住建局无时间的信息" in html
    assert "民政局无时间的信息" not in html
    assert "“通知公告”栏目 12 天后将满" not in html.split("共 ")[1]  # not in the list
    assert "立即检查" not in html


def test_evaluator_reads_the_whole_site(client, findings):
    html = page(client, "yj_evaluator")
    assert "民政局无时间的信息" in html and "立即检查" not in html


def test_filters(client, findings):
    civil = org(findings, "区民政局")
    html = page(client, "yj_admin", "?severity=warning")
    listed = html.split("共 ")[1]
    assert "12 天后将满" in listed and "无时间的信息" not in listed
    html = page(client, "yj_admin", f"?organisation={civil.pk}")
    listed = html.split("共 ")[1]
    assert "民政局无时间的信息" in listed and "住建局无时间的信息" not in listed
    html = page(client, "yj_admin", "?check=publication_time&severity=nonsense&organisation=x")
    listed = html.split("共 ")[1]
    assert "共 2 项" in "共 " + listed


def test_office_admin_runs_the_checks_now(client, findings):
    login_verified(client, user("yj_admin"))
    before = CheckRun.objects.count()
    response = client.post(URL)
    assert response.status_code == 302 and response["Location"] == URL
    assert CheckRun.objects.count() == before + 1
    run = CheckRun.objects.first()
    event = AuditEvent.objects.get(object_type="oversight.checkrun", object_id=str(run.pk))
    assert event.actor_username == "yj_admin"
    assert "检查完成" in client.get(URL).content.decode()


def test_editor_cannot_run_the_checks(client, findings):
    login_verified(client, user("yj_editor"))
    before = CheckRun.objects.count()
    assert client.post(URL).status_code == 403
    assert CheckRun.objects.count() == before


def test_expression_list(client, yingjiang):
    login_verified(client, user("yj_admin"))
    url = reverse("oversight_staff:expressions")
    response = client.post(url, {"action": "seed"})
    assert response.status_code == 302
    assert ExpressionRule.objects.filter(site=yingjiang, wrong="截止目前").exists()
    response = client.post(
        url, {"action": "add", "kind": "leader", "wrong": "张山区长", "correct": "张珊区长"}
    )
    assert response.status_code == 302
    rule = ExpressionRule.objects.get(site=yingjiang, wrong="张山区长")
    response = client.post(url, {"action": "add", "kind": "leader", "wrong": "张山区长"})
    assert response.status_code == 400 and "“张山区长”已在列表中。" in response.content.decode()
    response = client.post(url, {"action": "add", "kind": "", "wrong": "x"})
    assert response.status_code == 400 and "请选择规则类型。" in response.content.decode()
    response = client.post(url, {"action": "disable", "rule": str(rule.pk)})
    rule.refresh_from_db()
    assert not rule.is_active
    assert client.post(url, {"action": "disable", "rule": "999999"}).status_code == 404
    assert client.post(url, {"action": "disable", "rule": "abc"}).status_code == 404
    html = client.get(url).content.decode()
    assert "张山区长" in html and "启用“张山区长”" in html


def test_expression_list_is_the_office_admins(client, yingjiang):
    login_verified(client, user("yj_editor"))
    url = reverse("oversight_staff:expressions")
    assert client.get(url).status_code == 403
    assert client.post(url, {"action": "add", "kind": "misused", "wrong": "某"}).status_code == 403
    assert not ExpressionRule.objects.exists()


def test_findings_summary_template(findings):
    summary = findings_summary(findings)
    html = render_to_string("oversight/_findings_summary.html", {"summary": summary})
    assert "预计得分 98 分" in html  # two records without a publication time: −2 once
    assert "扣分：2 项（共扣 4 分）" not in html and "扣分：2 项（共扣 2 分）" in html
    due = timezone.localdate() + timedelta(days=12)
    assert f"（{due:%Y-%m-%d}，剩 12 天）" in html
    assert "最近检查：" in html
    assert Finding.objects.filter(site=findings, resolved_at__isnull=True).count() == 3


def test_guide_pages_say_when_they_were_updated(client, yingjiang):
    """《条例》第十二条: the guide is kept current, and says since when. A default guide is made
    live from the organisations' data; a stored one shows its date."""
    from gongkai.portal.disclosure import save_page

    html = client.get("/xxgk/guide/").content.decode()
    assert "本页根据本站机构信息自动生成，机构信息变更后即时更新。" in html
    page = save_page(user("yj_admin"), yingjiang, "guide", title="指南", body="<p>x</p>")
    html = client.get("/xxgk/guide/").content.decode()
    updated = timezone.localtime(page.updated_at)
    assert f"更新于 {updated.year}年{updated.month}月{updated.day}日" in html
    assert "自动生成" not in html
