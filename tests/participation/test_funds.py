"""Third-party fund supervision (issue 14 point 5): who may write what, append-only entries
with corrections, computed totals, PDF checked by content, masked recipients, open data."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from gongkai.core.extensions import public_nav, staff_nav, workbench_panels
from gongkai.core.models import AuditEvent, OrganisationKind, Role
from gongkai.core.permissions import SYSTEM, PermissionDenied
from gongkai.participation import funds, hub
from gongkai.participation.demo_funds import SUPERVISOR_USERNAME, ensure_firm, load_funds_demo
from gongkai.participation.fund_staff_views import workbench_panel
from gongkai.participation.models import (
    Disbursement,
    FindingResponse,
    FundKind,
    RecipientCategory,
    SupervisedFund,
    SupervisionReport,
)
from gongkai.participation.rules import RuleError
from tests.conftest import org, user
from tests.participation.factories import make_staff
from tests.records.files import pdf_bytes

CIVIL = "区民政局"


@pytest.fixture
def world(yingjiang, settings):
    settings.REQUIRE_2FA = False
    firm = ensure_firm(yingjiang)
    supervisor = make_staff(firm, Role.EDITOR, username="firm_staff")
    civil = org(yingjiang, CIVIL)
    fund = funds.create_fund(
        user("yj_admin"),
        yingjiang,
        name="测试救灾资金",
        kind=FundKind.RELIEF,
        administering_organisation=civil,
        supervisor=firm,
        total_amount="1000.00",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
    )
    return {"site": yingjiang, "firm": firm, "supervisor": supervisor, "civil": civil,
            "fund": fund}  # fmt: skip


def pay(actor, fund, amount="100.00", **overrides):
    values = {
        "paid_on": date(2026, 3, 1),
        "amount": amount,
        "purpose": "受灾农户住房修缮",
        "recipient_category": RecipientCategory.VILLAGE,
        "area": "新洲乡",
        "recipient": "同乐村村民委员会",
        "recipients_count": 1,
    }
    values.update(overrides)
    return funds.record_disbursement(actor, fund, **values)


def publish(actor, fund, data=None, findings=("发放超时",), **overrides):
    values = {
        "title": "第一季度监管报告",
        "period_start": date(2026, 1, 1),
        "period_end": date(2026, 3, 31),
        "summary": "资金拨付总体规范。",
        "findings": list(findings),
        "file_name": "report.pdf",
        "data": pdf_bytes() if data is None else data,
    }
    values.update(overrides)
    return funds.publish_report(actor, fund, **values)


def test_only_the_office_registers_a_fund_and_only_with_a_third_party(world):
    site, civil, firm = world["site"], world["civil"], world["firm"]
    args = {
        "name": "扶贫资金",
        "kind": FundKind.POVERTY,
        "administering_organisation": civil,
        "total_amount": "10",
        "period_start": date(2026, 1, 1),
        "period_end": date(2026, 12, 31),
    }
    with pytest.raises(PermissionDenied):
        funds.create_fund(user("yj_editor2"), site, supervisor=firm, **args)
    with pytest.raises(RuleError, match="不是第三方机构"):
        funds.create_fund(
            user("yj_admin"), site, supervisor=org(site, "区住房和城乡建设局"), **args
        )
    assert SupervisedFund.objects.count() == 1


def test_only_the_supervisors_staff_record_and_publish(world):
    """The office admin covers every organisation of the site in core.permissions, but not
    the third party's: the supervisor's word is its own."""
    fund = world["fund"]
    events = AuditEvent.objects.count()
    for refused in ("yj_admin", "yj_editor2", "yj_editor"):
        with pytest.raises(PermissionDenied):
            pay(user(refused), fund)
        with pytest.raises(PermissionDenied):
            publish(user(refused), fund)
    assert Disbursement.objects.count() == 0 and SupervisionReport.objects.count() == 0
    assert AuditEvent.objects.count() == events
    entry = pay(world["supervisor"], fund)
    report = publish(world["supervisor"], fund)
    assert entry.recorded_by == world["supervisor"] and report.findings.count() == 1
    assert AuditEvent.objects.filter(object_type="participation.disbursement").count() == 1


def test_entries_are_never_edited_and_a_correction_replaces_one(world):
    fund, supervisor = world["fund"], world["supervisor"]
    first = pay(supervisor, fund, "100.10")
    pay(supervisor, fund, "200.20")
    assert funds.totals(fund).disbursed == Decimal("300.30")
    first.amount = Decimal("1")
    with pytest.raises(PermissionError):
        first.save()
    with pytest.raises(PermissionError):
        Disbursement.objects.filter(pk=first.pk).update(amount=1)
    with pytest.raises(RuleError, match="原因"):
        pay(supervisor, fund, "50.05", corrects=first)
    fix = pay(supervisor, fund, "50.05", corrects=first, correction_reason="凭证金额录入错误")
    totals = funds.totals(fund)
    assert (totals.allocated, totals.disbursed, totals.balance) == (
        Decimal("1000.00"), Decimal("250.25"), Decimal("749.75"))  # fmt: skip
    assert Disbursement.objects.get(pk=first.pk).amount == Decimal("100.10")  # kept as it was
    with pytest.raises(RuleError, match="已被更正"):
        pay(supervisor, fund, "60", corrects=first, correction_reason="再改")
    assert fix.corrects_id == first.pk


def test_paying_out_more_than_the_allocation_is_refused(world):
    fund, supervisor = world["fund"], world["supervisor"]
    pay(supervisor, fund, "900.00")
    with pytest.raises(RuleError, match="超过资金总额"):
        pay(supervisor, fund, "100.01")
    with pytest.raises(RuleError, match="两位小数"):
        pay(supervisor, fund, "1.001")
    assert funds.totals(fund).balance == Decimal("100.00")


def test_the_report_file_is_judged_by_its_content(world):
    with pytest.raises(RuleError, match="不是 PDF"):
        publish(world["supervisor"], world["fund"], data=b"<html>%PDF</html>")
    with pytest.raises(RuleError, match="损坏"):
        publish(world["supervisor"], world["fund"], data=b"%PDF-1.7\n<script>")
    assert SupervisionReport.objects.count() == 0


def test_the_administering_organisation_responds_and_its_workbench_shows_what_waits(world, rf):
    fund, supervisor = world["fund"], world["supervisor"]
    finding = publish(supervisor, fund).findings.get()
    request = rf.get("/staff/")
    request.user = user("yj_editor2")  # 民政局 editor
    assert workbench_panel in workbench_panels
    panel = workbench_panel(request)
    assert panel is not None and list(panel[1]["findings"]) == [finding]
    with pytest.raises(PermissionDenied):
        funds.respond(supervisor, finding, "监管机构不能替资金管理单位回应")
    with pytest.raises(PermissionDenied):
        funds.respond(user("yj_editor"), finding, "住建局不管这笔资金")
    funds.respond(user("yj_editor2"), finding, "已整改，建立发放台账。")
    assert FindingResponse.objects.get().organisation == world["civil"]
    assert workbench_panel(request) is None


def test_public_page_shows_totals_and_never_a_persons_name(world, client):
    fund, supervisor = world["fund"], world["supervisor"]
    pay(supervisor, fund, "12.50", recipient_category=RecipientCategory.HOUSEHOLD,
        recipient="王秀兰", purpose="临时救助 身份证 340802194401011234")  # fmt: skip
    pay(supervisor, fund, "30.00", recipient_category=RecipientCategory.HOUSEHOLD,
        recipient="", recipients_count=12)  # fmt: skip
    report = publish(supervisor, fund)
    funds.respond(user("yj_editor2"), report.findings.get(), "已按期发放。")
    page = client.get(f"/participate/funds/{fund.pk}/").content.decode()
    assert "王秀兰" not in page and "340802194401011234" not in page
    assert "王**" in page or "王*" in page
    assert "农户（个人） 12 户" in page
    assert "42.50" in page and "957.50" in page  # disbursed and balance
    assert report.title in page and "已按期发放。" in page
    pdf = client.get(f"/participate/funds/reports/{report.pk}/file/")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF-")
    funds.set_published(user("yj_admin"), fund, False)
    assert client.get(f"/participate/funds/{fund.pk}/").status_code == 404
    assert client.get(f"/participate/funds/reports/{report.pk}/file/").status_code == 404


def test_open_data_csv_reads_back_with_exact_decimals(world, client):
    fund, supervisor = world["fund"], world["supervisor"]
    first = pay(supervisor, fund, "0.10")
    pay(supervisor, fund, "0.20", recipient_category=RecipientCategory.HOUSEHOLD,
        recipient="李建华")  # fmt: skip
    pay(supervisor, fund, "0.05", corrects=first, correction_reason="更正")
    publish(supervisor, fund)
    hidden = funds.create_fund(
        user("yj_admin"), world["site"], name="未公开资金", kind=FundKind.OTHER,
        administering_organisation=world["civil"], supervisor=world["firm"],
        total_amount="5", period_start=date(2026, 1, 1), period_end=date(2026, 2, 1),
        published=False,
    )  # fmt: skip
    pay(supervisor, hidden, "1.00")

    def read(name):
        response = client.get(f"/api/v1/sites/yingjiang/{name}.csv")
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
        return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))

    fund_rows = read("funds")
    assert [r["资金名称"] for r in fund_rows] == ["测试救灾资金"]
    rows = read("fund-disbursements")
    assert len(rows) == 3 and all(r["资金编号"] == str(fund.pk) for r in rows)
    standing = sum(Decimal(r["金额（元）"]) for r in rows if r["状态"] == "有效")
    assert standing == Decimal(fund_rows[0]["已拨付（元）"]) == Decimal("0.25")  # 0.1+0.2 → 0.25
    assert "李建华" not in json.dumps(rows, ensure_ascii=False)
    reports = read("fund-reports")
    assert reports[0]["发现问题数"] == "1" and reports[0]["已回应问题数"] == "0"
    data = client.get("/api/v1/sites/yingjiang/funds.json").json()
    assert data[0]["disbursed"] == "0.25" and data[0]["balance"] == "999.75"
    assert len(client.get("/api/v1/sites/yingjiang/fund-disbursements.json").json()) == 3
    assert client.get("/api/v1/sites/nowhere/funds.csv").status_code == 404


def test_staff_pages_record_refuse_and_create(world, client):
    fund = world["fund"]
    client.force_login(world["supervisor"])
    assert "登记拨付记录" in client.get(f"/staff/participation/funds/{fund.pk}/").content.decode()
    answer = client.post(
        f"/staff/participation/funds/{fund.pk}/disbursements/",
        {"d-paid_on": "2026-04-01", "d-amount": "88.80", "d-purpose": "修复", "d-area": "长风乡",
         "d-recipient_category": "village", "d-recipient": "同乐村", "d-recipients_count": "1"},
    )  # fmt: skip
    assert answer.status_code == 302 and funds.totals(fund).disbursed == Decimal("88.80")
    bad = client.post(
        f"/staff/participation/funds/{fund.pk}/reports/",
        {"r-title": "报告", "r-period_start": "2026-01-01", "r-period_end": "2026-03-31",
         "r-summary": "结论", "r-file": SimpleUploadedFile("r.pdf", b"not a pdf")},
    )  # fmt: skip
    assert bad.status_code == 400 and "不是 PDF" in bad.content.decode()
    client.force_login(user("yj_editor2"))  # the administering organisation
    page = client.get(f"/staff/participation/funds/{fund.pk}/").content.decode()
    assert "发布监管报告" not in page
    refused = client.post(
        f"/staff/participation/funds/{fund.pk}/reports/",
        {"r-title": "自拟报告", "r-period_start": "2026-01-01", "r-period_end": "2026-03-31",
         "r-summary": "很好", "r-file": SimpleUploadedFile("r.pdf", pdf_bytes())},
    )  # fmt: skip
    assert refused.status_code == 403 and SupervisionReport.objects.count() == 0
    client.force_login(user("yj_admin"))
    created = client.post(
        "/staff/participation/funds/new/",
        {"name": "新资金", "kind": "poverty", "administering_organisation": world["civil"].pk,
         "supervisor": world["firm"].pk, "total_amount": "500", "period_start": "2026-01-01",
         "period_end": "2026-06-30"},
    )  # fmt: skip
    assert created.status_code == 302
    assert SupervisedFund.objects.get(name="新资金").supervisor == world["firm"]


def test_hub_lists_the_registered_sections_and_works_with_none(world, client, monkeypatch):
    pay(world["supervisor"], world["fund"], "10.00")
    page = client.get("/participate/").content.decode()
    assert "资金第三方监管" in page and "测试救灾资金" in page and "咨询留言" in page
    assert 'href="/participate/messages/"' in page
    monkeypatch.setattr(hub, "hub_sections", [])
    cache.clear()  # the hub is a cached public page
    empty = client.get("/participate/")
    assert empty.status_code == 200 and 'data-testid="hub-empty"' in empty.content.decode()
    labels = {link.label: link.url_name for link in public_nav}
    assert labels.get("公众参与") == "participation:index" and "咨询留言" not in labels
    assert any(link.url_name == "funds_staff:index" and link.order == 49 for link in staff_nav)


def test_demo_loader_makes_the_supervisors_fund_once(yingjiang):
    from gongkai.core.demo import DEMO_PASSWORD

    lines = load_funds_demo()
    assert lines and load_funds_demo() == []
    fund = SupervisedFund.objects.get(site=yingjiang)
    supervisor = user(SUPERVISOR_USERNAME)
    assert supervisor.check_password(DEMO_PASSWORD)
    assert fund.supervisor.kind == OrganisationKind.THIRD_PARTY
    assert set(fund.disbursements.values_list("recorded_by", flat=True)) == {supervisor.pk}
    assert fund.reports.get().published_by == supervisor
    assert funds.totals(fund).disbursed == Decimal("538500.50")
    assert funds.awaiting_response(SupervisedFund.objects.all()).count() == 1
    _ = SYSTEM


def test_the_supervisor_judges_rectification_and_the_public_sees_it(world, client):
    fund, supervisor = world["fund"], world["supervisor"]
    finding = publish(supervisor, fund).findings.get()
    with pytest.raises(PermissionDenied):
        funds.review_finding(user("yj_editor2"), finding, "done")  # not its own judge
    with pytest.raises(PermissionDenied):
        funds.review_finding(user("yj_admin"), finding, "done")
    assert funds.rectification(finding) is None
    funds.review_finding(supervisor, finding, "in_progress", "已部分发放")
    funds.review_finding(supervisor, finding, "done", "入户核实已发放")
    assert funds.rectification(finding).status == "done"
    assert finding.reviews.count() == 2  # the history stays
    page = client.get(f"/participate/funds/{fund.pk}/").content.decode()
    assert "已整改" in page and "入户核实已发放" in page


def test_the_audit_log_names_no_recipient(world):
    entry = pay(world["supervisor"], world["fund"], recipient_category="household",
                recipient="赵志强")  # fmt: skip
    event = AuditEvent.objects.get(object_type="participation.disbursement", object_id=entry.pk)
    assert "赵志强" not in json.dumps([event.before, event.after, event.object_repr],
                                      ensure_ascii=False)  # fmt: skip
    assert event.after["amount"] == "100.00"


@pytest.mark.django_db(transaction=True)
def test_parallel_disbursements_never_exceed_the_allocation(transactional_db, settings):
    """Twenty supervisors' clerks record 100 元 each at the same instant against a fund of
    1000 元: the fund row lock lets exactly ten through and refuses the rest."""
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip(
            "需要 PostgreSQL：SQLite 的测试库是共享缓存的内存库，并发写入的线程立即得到"
            "“database table is locked”而不是等待（CI 在 PostgreSQL 上运行本测试）。"
        )
    from gongkai.core.demo import load_demo
    from gongkai.core.models import Site

    load_demo()
    site = Site.objects.get(slug="yingjiang")
    firm = ensure_firm(site)
    supervisor = make_staff(firm, Role.EDITOR)
    fund = funds.create_fund(
        SYSTEM, site, name="并发资金", kind=FundKind.RELIEF,
        administering_organisation=org(site, CIVIL), supervisor=firm, total_amount="1000.00",
        period_start=date(2026, 1, 1), period_end=date(2026, 12, 31),
    )  # fmt: skip
    parallel = 20
    barrier = threading.Barrier(parallel)
    done, refused, errors = [], [], []

    def record():
        try:
            barrier.wait()
            pay(supervisor, fund, "100.00")
            done.append(1)
        except RuleError:
            refused.append(1)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=record) for _ in range(parallel)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert (len(done), len(refused)) == (10, 10)
    assert funds.totals(fund).balance == Decimal("0.00")


def test_the_sitemap_lists_the_public_fund_pages(world, client):
    funds.create_fund(
        user("yj_admin"), world["site"], name="未公开", kind=FundKind.OTHER,
        administering_organisation=world["civil"], supervisor=world["firm"], total_amount="1",
        period_start=date(2026, 1, 1), period_end=date(2026, 1, 2), published=False,
    )  # fmt: skip
    body = client.get("/sitemap.xml").content.decode()
    index = [body] + [
        client.get(loc.split("testserver")[-1]).content.decode()
        for loc in re.findall(r"<loc>([^<]+)</loc>", body)
        if "sitemap" in loc
    ]
    text = "".join(index)
    assert f"/participate/funds/{world['fund'].pk}/" in text
    hidden = SupervisedFund.objects.get(name="未公开")
    assert f"/participate/funds/{hidden.pk}/" not in text


def test_a_corrected_report_replaces_the_old_one_which_stays_visible(world, client):
    fund, supervisor = world["fund"], world["supervisor"]
    old = publish(supervisor, fund, title="原报告")
    client.force_login(supervisor)
    form = client.get(f"/staff/participation/funds/{fund.pk}/?correct_report={old.pk}")
    assert f'name="r-corrects" value="{old.pk}"' in form.content.decode()
    answer = client.post(
        f"/staff/participation/funds/{fund.pk}/reports/",
        {"r-title": "更正后的报告", "r-period_start": "2026-01-01", "r-period_end": "2026-03-31",
         "r-summary": "结论", "r-corrects": old.pk, "r-correction_reason": "数据有误",
         "r-file": SimpleUploadedFile("r.pdf", pdf_bytes())},
    )  # fmt: skip
    assert answer.status_code == 302
    assert [r.title for r in funds.current_reports(fund)] == ["更正后的报告"]
    with pytest.raises(RuleError, match="已被更正"):
        publish(supervisor, fund, corrects=old, correction_reason="再改")
    client.logout()
    page = client.get(f"/participate/funds/{fund.pk}/").content.decode()
    assert "原报告" in page and "已更正" in page and "数据有误" in page
