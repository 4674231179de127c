"""The computed annual report (issue 12 point 6): its numbers equal the cases and records of the
year, counted here independently; a changed case changes it; overrides keep their reason; the
check row refuses 定稿; 定稿 freezes the numbers; publishing lists it beside uploaded years."""

from collections import Counter
from datetime import date

import pytest
from django.utils import timezone

from gongkai.core.models import AuditEvent
from gongkai.core.permissions import SYSTEM, PermissionDenied
from gongkai.core.versioning import VersionConflict
from gongkai.foi import statistics, workflow
from gongkai.foi.models import Appeal, FoiRequest
from gongkai.oversight import annual, services
from gongkai.oversight.models import AnnualReport, AnnualReportCell, DraftState
from tests.conftest import org, user
from tests.oversight.conftest import YEAR
from tests.records.files import pdf_bytes

pytestmark = pytest.mark.django_db

ENTERED = {key: "0" for key in annual.entered_keys()}


def column(r):
    return "natural" if r.applicant_kind == "natural" else r.org_category


def _expected_three(requests, year):
    """Table 三 counted case by case, in Python, without foi.statistics."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    cells = Counter()
    for r in requests:
        if r.received_on > end:
            continue
        col = column(r)
        concluded_before = r.replied_on is not None and r.replied_on < start
        if start <= r.received_on:
            cells[("new", col)] += 1
        elif not concluded_before:
            cells[("carried", col)] += 1
        else:
            continue
        if r.replied_on is not None and start <= r.replied_on <= end:
            cells[("total", col)] += 1
            cells[(r.outcome, col)] += 1
            if "." in r.outcome:  # an item of a group such as （三）不予公开
                cells[(r.outcome.split(".")[0], col)] += 1
        else:
            cells[("forward", col)] += 1
    return cells


def _assert_three(view, requests, year):
    expected = _expected_three(requests, year)
    for row in annual.three_rows():
        for col in statistics.COLUMN_KEYS[:-1]:
            assert view.value(f"t3.{row.key}.{col}") == str(expected[(row.key, col)]), (row, col)
        total = sum(expected[(row.key, c)] for c in statistics.COLUMN_KEYS[:-1])
        assert view.value(f"t3.{row.key}.total") == str(total), row


def _assert_four(view, appeals, year):
    start, end = date(year, 1, 1), date(year, 12, 31)
    expected = Counter()
    for a in appeals:
        decided = a.decided_on is not None and a.decided_on <= end
        if a.filed_on > end or (a.filed_on < start and not (decided and a.decided_on >= start)):
            continue
        expected[(a.kind, a.result if decided else "pending")] += 1
        expected[(a.kind, "total")] += 1
    for kind, _ in annual.FOUR_GROUPS:
        for result, _ in annual.FOUR_RESULTS:
            assert view.value(f"t4.{kind}.{result}") == str(expected[(kind, result)])
    return expected


def test_the_numbers_equal_the_cases_and_records_of_the_year(yingjiang, cases, policies):
    housing = org(yingjiang, "区住房和城乡建设局")
    government = org(yingjiang, "迎江区人民政府")
    site_cases = [
        r
        for r in FoiRequest.objects.filter(site=yingjiang, void=False).select_related(
            "organisation"
        )
        if r.organisation.receives_requests
    ]
    # the government's report covers the whole site (第五十条), a department's only its own
    gov = annual.report_view(annual.open_draft(SYSTEM, government, YEAR))
    _assert_three(gov, site_cases, YEAR)
    dept = annual.report_view(annual.open_draft(SYSTEM, housing, YEAR))
    _assert_three(dept, [r for r in site_cases if r.organisation_id == housing.pk], YEAR)
    assert dept.value("t3.carried.natural") == "2"  # the two cases of December 2024
    assert 0 < int(dept.value("t3.total.total")) < int(gov.value("t3.total.total"))
    appeals = Appeal.objects.filter(request__site=yingjiang)
    assert sum(_assert_four(gov, appeals, YEAR).values()) > 0
    _assert_four(dept, appeals.filter(request__organisation=housing), YEAR)
    assert gov.check_failures == [] and dept.check_failures == []
    # table 二: issued in 2025 are policies 2, 3 and 4 (withdrawn 6 never counts); 2 was
    # repealed this year, so on 31 December 2025 policies 1 to 4 were in force
    assert [dept.value(f"t2.normative.{c}") for c in ("issued", "abolished", "valid")] == [
        "3",
        "0",
        "4",
    ]
    this_year = timezone.localdate().year
    assert annual.normative_documents(annual.scope_records(housing), this_year) == {
        "issued": 1 if this_year == 2026 else 0,
        "abolished": 1,
        "valid": 4,
    }
    # entered rows are not computed, never shown as zero
    assert dept["t2.permit.decisions"].value is None and dept["t2.permit.decisions"].entered
    # section 一 starts as a draft with the figures in sentences
    draft = dept.draft
    assert f"本年新收政府信息公开申请 {dept.value('t3.new.total')} 件" in draft.section_one
    assert "本年制发行政规范性文件 3 件" in draft.section_one
    # the government's covers its whole area, named as the government's name says
    assert "全区各行政机关" in gov.draft.section_one and "（县）" not in gov.draft.section_one


def test_a_changed_case_changes_the_report_and_a_final_report_says_so(
    yingjiang, cases, media, monkeypatch
):
    housing = org(yingjiang, "区住房和城乡建设局")
    draft = annual.open_draft(SYSTEM, housing, YEAR)
    before = annual.report_view(draft)
    assert before.value("t3.forward.natural") == str(
        _expected_three(FoiRequest.objects.filter(organisation=housing, void=False), YEAR)[
            ("forward", "natural")
        ]
    )
    still_open = cases[1]
    workflow.reply(
        still_open, on=date(2025, 12, 29), outcome="3.1", reason="国家秘密", actor=SYSTEM
    )
    after = annual.report_view(draft)
    assert int(after.value("t3.forward.natural")) == int(before.value("t3.forward.natural")) - 1
    assert int(after.value("t3.3.1.natural")) == int(before.value("t3.3.1.natural")) + 1
    assert after.check_failures == []
    # 定稿 freezes the numbers; a later change shows 数据已变化, the numbers stay
    for key in annual.entered_keys():
        draft.refresh_from_db()
        annual.set_cell(SYSTEM, draft, draft.version, key, "0", "本机关无此类事项")
    draft.refresh_from_db()
    final = annual.finalise(SYSTEM, draft, draft.version)
    assert not final.changed_since_final
    frozen = final.value("t3.total.natural")
    case = FoiRequest.objects.filter(
        organisation=housing, replied_on__year=YEAR, applicant_kind="natural"
    ).first()
    FoiRequest.objects.filter(pk=case.pk).update(replied_on=date(2026, 1, 5))
    draft.refresh_from_db()
    view = annual.report_view(draft)
    assert view.changed_since_final and view.value("t3.total.natural") == frozen
    with pytest.raises(annual.AnnualReportError, match="重新打开"):
        annual.save_sections(SYSTEM, draft, draft.version, section_five="改")
    # only the office re-opens it; then the live figures show again
    with pytest.raises(PermissionDenied):
        annual.reopen(user("yj_editor"), draft, draft.version, "数据已变化")
    annual.reopen(user("yj_admin"), draft, draft.version, "数据已变化")
    draft.refresh_from_db()
    assert draft.state == DraftState.DRAFT
    assert annual.report_view(draft).value("t3.total.natural") == str(int(frozen) - 1)


def test_the_check_row_refuses_final_and_names_the_failing_columns(yingjiang, cases):
    housing = org(yingjiang, "区住房和城乡建设局")
    draft = annual.open_draft(SYSTEM, housing, YEAR)
    for key in annual.entered_keys():
        draft.refresh_from_db()
        annual.set_cell(SYSTEM, draft, draft.version, key, "0", "本机关无此类事项")
    draft.refresh_from_db()
    new = int(annual.report_view(draft).value("t3.new.research"))
    annual.set_cell(SYSTEM, draft, draft.version, "t3.new.research", str(new + 1), "核对纸质台账")
    draft.refresh_from_db()
    with pytest.raises(annual.AnnualReportError) as refused:
        annual.finalise(SYSTEM, draft, draft.version)
    assert "科研机构" in str(refused.value) and "自然人" not in str(refused.value)
    draft.refresh_from_db()
    assert draft.state == DraftState.DRAFT and draft.snapshot is None
    # back to the computed figure: the check holds and 定稿 goes through
    annual.set_cell(SYSTEM, draft, draft.version, "t3.new.research", "", "")
    draft.refresh_from_db()
    annual.finalise(SYSTEM, draft, draft.version)
    draft.refresh_from_db()
    assert draft.state == DraftState.FINAL and draft.snapshot["cells"]


def test_final_is_refused_while_entered_figures_are_missing(yingjiang, cases):
    draft = annual.open_draft(SYSTEM, org(yingjiang, "区住房和城乡建设局"), YEAR)
    with pytest.raises(annual.AnnualReportError, match="行政许可"):
        annual.finalise(SYSTEM, draft, draft.version)


def test_every_cell_has_a_name_in_words():
    labels = [annual.cell_label(key) for key in annual.all_keys()]
    assert len(set(labels)) == len(labels) == 2 * 3 + 4 + 25 * 7 + 15
    assert annual.cell_label("t3.3.1.natural") == "表三 1.属于国家秘密 · 自然人"


def test_overrides_are_recorded_with_their_reason(yingjiang, cases):
    editor = user("yj_editor")
    draft = annual.open_draft(editor, org(yingjiang, "区住房和城乡建设局"), YEAR)
    computed = annual.report_view(draft).value("t3.1.natural")
    with pytest.raises(annual.AnnualReportError, match="修改理由"):
        annual.set_cell(editor, draft, draft.version, "t3.1.natural", "99", "")
    with pytest.raises(annual.AnnualReportError, match="数据来源"):
        annual.set_cell(editor, draft, draft.version, "t2.permit.decisions", "12", " ")
    with pytest.raises(annual.AnnualReportError, match="整数"):
        annual.set_cell(editor, draft, draft.version, "t3.1.natural", "-3", "理由")
    annual.set_cell(editor, draft, draft.version, "t3.1.natural", "99", "补录纸质申请")
    draft.refresh_from_db()
    annual.set_cell(editor, draft, draft.version, "t2.fee.amount", "1.25", "财政局非税收入系统")
    cell = AnnualReportCell.objects.get(draft=draft, key="t3.1.natural")
    assert (cell.value, cell.computed, cell.reason) == ("99", computed, "补录纸质申请")
    assert cell.set_by == editor and cell.set_at is not None
    events = AuditEvent.objects.filter(
        object_type="oversight.annualreportdraft", object_id=str(draft.pk)
    ).order_by("id")
    change = events.filter(message__contains="予以公开").get()
    assert change.actor_username == "yj_editor"
    assert change.before == {"cell": "t3.1.natural", "value": computed}
    assert change.after == {"cell": "t3.1.natural", "value": "99", "reason": "补录纸质申请"}
    view = annual.report_view(draft)
    assert view["t3.1.natural"].overridden and view["t2.fee.amount"].entered
    assert view.value("t2.fee.amount") == "1.25"
    assert "由 " + computed + " 改为 99（补录纸质申请）" in annual.entered_note(view)
    # another organisation's editor may not touch it
    with pytest.raises(PermissionDenied):
        annual.set_cell(user("oh_editor"), draft, draft.version, "t3.1.natural", "1", "x")


def test_edits_are_refused_on_a_stale_version(yingjiang, cases):
    draft = annual.open_draft(SYSTEM, org(yingjiang, "区住房和城乡建设局"), YEAR)
    loaded = draft.version
    annual.save_sections(SYSTEM, draft, loaded, section_five="甲写的问题")
    with pytest.raises(VersionConflict):
        annual.save_sections(SYSTEM, draft, loaded, section_five="乙写的问题")
    with pytest.raises(VersionConflict):
        annual.set_cell(SYSTEM, draft, loaded, "t2.permit.decisions", "3", "审批系统")
    draft.refresh_from_db()
    assert draft.section_five == "甲写的问题"
    assert not AnnualReportCell.objects.filter(draft=draft).exists()


def test_bad_years_and_organisations_are_refused(yingjiang):
    housing = org(yingjiang, "区住房和城乡建设局")
    for year in (2007, timezone.localdate().year, "二〇二五"):
        with pytest.raises(annual.AnnualReportError, match="报告年度"):
            annual.open_draft(SYSTEM, housing, year)
    village = yingjiang.organisations.filter(legal_type="self_governing").first()
    if village is not None:
        with pytest.raises(annual.AnnualReportError, match="不编制"):
            annual.open_draft(SYSTEM, village, YEAR)


def test_the_public_list_shows_the_computed_report_next_to_an_uploaded_one(
    yingjiang, cases, media, client
):
    government = org(yingjiang, "迎江区人民政府")
    housing = org(yingjiang, "区住房和城乡建设局")
    services.upload_report(
        SYSTEM, organisation=government, year=YEAR, name="政府年报.pdf", data=pdf_bytes()
    )
    draft = annual.open_draft(SYSTEM, housing, YEAR)
    for key, value in ENTERED.items():
        draft.refresh_from_db()
        annual.set_cell(SYSTEM, draft, draft.version, key, value, "本机关无此类事项")
    draft.refresh_from_db()
    annual.save_sections(SYSTEM, draft, draft.version, section_five="政策解读形式单一。")
    draft.refresh_from_db()
    annual.finalise(SYSTEM, draft, draft.version)
    draft.refresh_from_db()
    report = annual.publish(SYSTEM, draft, draft.version)
    assert report.source == "computed" and report.file.read().startswith(b"%PDF-")
    html = client.get("/xxgk/report/").content.decode()
    assert "迎江区人民政府" in html and f'href="/xxgk/report/{report.pk}/page/"' in html
    page = client.get(f"/xxgk/report/{report.pk}/page/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "政策解读形式单一。" in text and "<caption>表三 收到和处理政府信息公开申请情况" in text
    assert 'scope="rowgroup"' in text and 'scope="colgroup"' in text
    docx = client.get(f"/xxgk/report/{report.pk}/docx/")
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    # an uploaded report's number has no web page; another site's neither
    uploaded = AnnualReport.objects.get(organisation=government, year=YEAR)
    assert client.get(f"/xxgk/report/{uploaded.pk}/page/").status_code == 404
    # a second organ's report for the same year cannot be published over an uploaded file
    gov_draft = annual.open_draft(SYSTEM, government, YEAR)
    for key, value in ENTERED.items():
        gov_draft.refresh_from_db()
        annual.set_cell(SYSTEM, gov_draft, gov_draft.version, key, value, "无")
    gov_draft.refresh_from_db()
    annual.finalise(SYSTEM, gov_draft, gov_draft.version)
    gov_draft.refresh_from_db()
    with pytest.raises(annual.AnnualReportError, match="已有上传的文件"):
        annual.publish(SYSTEM, gov_draft, gov_draft.version)


def test_the_workbench_shows_when_the_reports_are_due(demo, client, settings):
    settings.REQUIRE_2FA = False
    client.force_login(user("yj_admin"))
    html = client.get("/staff/").content.decode()
    year = services.last_reportable_year()
    assert (
        f"{year}年度报告：各部门于{year + 1}年1月31日前、本级人民政府于{year + 1}年3月31日前公布"
        in html
    )
    assert 'href="/staff/oversight/annual/"' in html
