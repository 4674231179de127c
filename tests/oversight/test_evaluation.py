"""第三方评估 (issue 12 point 4): indicator templates, a sheet per year and organisation (or the
site) filled in and submitted by the evaluator, scores never above the weight, totals and
comparisons, the results as .xlsx, and public satisfaction that says when it has no data."""

import io
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from gongkai.core.models import AuditEvent
from gongkai.core.permissions import PermissionDenied
from gongkai.core.versioning import VersionConflict
from gongkai.oversight import evaluation
from gongkai.oversight.evaluation import RowScore
from gongkai.oversight.models import EvaluationSheet, SheetRow, SheetState
from gongkai.oversight.package import registered_parts
from tests.conftest import org, user

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year


@pytest.fixture
def template(yingjiang):
    return evaluation.ensure_default_template(yingjiang)


def _sheet(site, template, year=YEAR, organisation=None):
    return evaluation.create_sheet(
        user("yj_admin"), site, year=year, template=template, organisation=organisation
    )


def _scores(sheet, values):
    rows = sheet.rows.order_by("order")
    return [
        RowScore(r.pk, Decimal(v), "https://example.gov.cn/x", "")
        for r, v in zip(rows, values, strict=False)
    ]


def test_the_default_template_follows_the_inspection_groups(template):
    names = list(template.rows.values_list("indicator", flat=True))
    assert names[:4] == ["发布解读", "办事服务", "互动交流", "功能设计"]
    assert sum(template.rows.values_list("weight", flat=True)) == 100
    assert evaluation.ensure_default_template(template.site) == template  # once


def test_evaluator_fills_and_submits_a_sheet(yingjiang, template):
    sheet = _sheet(yingjiang, template)
    assert [r.indicator for r in sheet.rows.all()] == [r.indicator for r in template.rows.all()]
    evaluator = user("yj_evaluator")
    sheet = evaluation.fill(evaluator, sheet, _scores(sheet, [27, 18, 16, 13, 8, 5]))
    assert evaluation.total_score(sheet) == Decimal(87)
    with pytest.raises(evaluation.EvaluationError, match="已提交"):
        evaluation.submit(evaluator, evaluation.submit(evaluator, sheet))
    sheet.refresh_from_db()
    assert sheet.state == SheetState.SUBMITTED and sheet.submitted_by == evaluator
    with pytest.raises(evaluation.EvaluationError, match="不能再修改"):
        evaluation.fill(evaluator, sheet, _scores(sheet, [1]))
    events = AuditEvent.objects.filter(object_type="oversight.evaluationsheet")
    assert set(events.values_list("message", flat=True)) == {
        "创建评估表",
        "填写评估表",
        "提交评估表",
    }


def test_a_sheet_with_unscored_rows_cannot_be_submitted(yingjiang, template):
    sheet = _sheet(yingjiang, template)
    sheet = evaluation.fill(user("yj_evaluator"), sheet, _scores(sheet, [20]))
    with pytest.raises(evaluation.EvaluationError, match="5 项指标未评分"):
        evaluation.submit(user("yj_evaluator"), sheet)


def test_a_score_cannot_exceed_the_weight(yingjiang, template):
    sheet = _sheet(yingjiang, template)
    with pytest.raises(evaluation.EvaluationError, match="0 至 30 分之间"):
        evaluation.fill(user("yj_evaluator"), sheet, _scores(sheet, [31]))
    # and the database refuses it whoever writes the row
    row = sheet.rows.get(order=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        SheetRow.objects.filter(pk=row.pk).update(score=Decimal("30.01"))
    with pytest.raises(IntegrityError), transaction.atomic():
        SheetRow.objects.filter(pk=row.pk).update(score=Decimal(-1))
    SheetRow.objects.filter(pk=row.pk).update(score=Decimal(30))  # the weight itself is fine


def test_the_score_form_says_the_limit(yingjiang, template, client, settings):
    settings.REQUIRE_2FA = False
    sheet = _sheet(yingjiang, template)
    row = sheet.rows.get(order=1)
    client.force_login(user("yj_evaluator"))
    response = client.post(
        sheet.get_absolute_url(),
        {"action": "save", "version": sheet.version, f"score_{row.pk}": "35"},
    )
    assert response.status_code == 200
    assert "得分不能超过该指标的分值 30 分" in response.content.decode()
    row.refresh_from_db()
    assert row.score is None
    response = client.post(
        sheet.get_absolute_url(),
        {"action": "save", "version": sheet.version, f"score_{row.pk}": "25.5"},
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.score == Decimal("25.5")


def test_the_office_cannot_score_the_evaluators_sheet(yingjiang, template, client, settings):
    """Decision: the evaluated office does not score itself (third-party independence)."""
    sheet = _sheet(yingjiang, template)
    with pytest.raises(PermissionDenied, match="不能代为评分"):
        evaluation.fill(user("yj_admin"), sheet, _scores(sheet, [20]))
    for name in ("yj_editor", "yj_reviewer"):
        with pytest.raises(PermissionDenied):
            evaluation.fill(user(name), sheet, _scores(sheet, [20]))
    settings.REQUIRE_2FA = False
    client.force_login(user("yj_admin"))
    row = sheet.rows.get(order=1)
    response = client.post(
        sheet.get_absolute_url(),
        {"action": "save", "version": sheet.version, f"score_{row.pk}": "20"},
    )
    assert response.status_code == 403
    row.refresh_from_db()
    assert row.score is None
    # editors do not see evaluation at all
    client.force_login(user("yj_editor"))
    assert client.get("/staff/oversight/evaluation/").status_code == 403
    assert client.get(sheet.get_absolute_url()).status_code == 404


def test_the_evaluator_cannot_create_sheets_or_return_them(yingjiang, template):
    with pytest.raises(PermissionDenied):
        evaluation.create_sheet(user("yj_evaluator"), yingjiang, year=YEAR, template=template)
    sheet = _sheet(yingjiang, template)
    sheet = evaluation.fill(user("yj_evaluator"), sheet, _scores(sheet, [1, 1, 1, 1, 1, 1]))
    sheet = evaluation.submit(user("yj_evaluator"), sheet)
    with pytest.raises(PermissionDenied):
        evaluation.send_back(user("yj_evaluator"), sheet, reason="x")
    sheet = evaluation.send_back(user("yj_admin"), sheet, reason="“功能设计”请附佐证链接。")
    assert sheet.state == SheetState.DRAFT and sheet.return_reason


def test_two_saves_of_the_same_page(yingjiang, template):
    sheet = _sheet(yingjiang, template)
    loaded = sheet.version
    evaluation.fill(user("yj_evaluator"), sheet, _scores(sheet, [10]), version=loaded)
    with pytest.raises(VersionConflict):
        evaluation.fill(user("yj_evaluator"), sheet, _scores(sheet, [20]), version=loaded)
    assert sheet.rows.get(order=1).score == Decimal(10)


def test_one_sheet_per_year_and_subject(yingjiang, template):
    _sheet(yingjiang, template)
    with pytest.raises(evaluation.EvaluationError, match="已存在"):
        _sheet(yingjiang, template)
    housing = org(yingjiang, "区住房和城乡建设局")
    _sheet(yingjiang, template, organisation=housing)
    with pytest.raises(evaluation.EvaluationError, match="区住房和城乡建设局.*已存在"):
        _sheet(yingjiang, template, organisation=housing)


def test_comparison_between_years_and_organisations(yingjiang, template):
    housing, civil = org(yingjiang, "区住房和城乡建设局"), org(yingjiang, "区民政局")
    evaluator = user("yj_evaluator")
    values = {
        (housing, YEAR - 1): [20, 10, 10, 10, 5, 5],
        (housing, YEAR): [25, 15, 15, 10, 5, 5],
        (civil, YEAR): [30, 20, 20, 15, 10, 5],
    }
    for (organisation, year), scores in values.items():
        sheet = _sheet(yingjiang, template, year=year, organisation=organisation)
        evaluation.submit(evaluator, evaluation.fill(evaluator, sheet, _scores(sheet, scores)))
    _sheet(yingjiang, template, year=YEAR)  # a draft is not compared
    result = evaluation.comparison(yingjiang)
    assert result.years == [YEAR - 1, YEAR]
    rows = dict(result.rows)
    assert rows["区住房和城乡建设局"] == [Decimal(60), Decimal(75)]
    assert rows["区民政局"] == [None, Decimal(100)]
    by_indicator = dict(result.by_indicator)
    assert by_indicator["发布解读"] == [Decimal(25), Decimal(30)] or by_indicator["发布解读"] == [
        Decimal(30),
        Decimal(25),
    ]
    assert sorted(result.subjects_latest) == sorted(["区住房和城乡建设局", "区民政局"])


def test_results_xlsx_reads_back(yingjiang, template):
    from openpyxl import load_workbook

    sheet = _sheet(yingjiang, template, year=YEAR - 1)
    evaluator = user("yj_evaluator")
    evaluation.submit(
        evaluator, evaluation.fill(evaluator, sheet, _scores(sheet, [27, 18, 16, 13, 8, 5]))
    )
    part = {p.filename: p for p in registered_parts()}["08-第三方评估结果.xlsx"]
    book = load_workbook(io.BytesIO(part.build(yingjiang, YEAR - 1)))
    summary = list(book["评估结果汇总"].iter_rows(values_only=True))
    assert summary[0][:4] == ("年度", "被评估单位", "状态", "得分")
    assert summary[1][:5] == (YEAR - 1, yingjiang.name, "已提交", 87, 100)
    detail = list(book["指标得分"].iter_rows(values_only=True))
    assert len(detail) == 7 and detail[1][3:6] == ("发布解读", 30, 27)
    satisfaction = list(book["公众满意度"].iter_rows(values_only=True))
    assert satisfaction[1][0] == YEAR - 1 and satisfaction[1][3] is None
    assert satisfaction[1][4].startswith("暂无数据")


def test_satisfaction_is_the_share_of_ratings_of_4_or_5_given_in_the_year(yingjiang):
    from gongkai.participation.models import Rating

    Rating.objects.filter(site=yingjiang).delete()
    empty = evaluation.satisfaction(yingjiang, YEAR)
    assert empty.rate is None and not empty.has_data and empty.count == 0
    assert any("评价" in m for m in empty.missing)

    office = org(yingjiang, "区政务公开办公室")
    for score in (5, 4, 3, 1):
        Rating.objects.create(site=yingjiang, organisation=office, page_path="/", score=score)
    last_year = Rating.objects.create(site=yingjiang, organisation=office, page_path="/", score=5)
    Rating.objects.filter(pk=last_year.pk).update(created_at=timezone.now().replace(year=YEAR - 1))
    result = evaluation.satisfaction(yingjiang, YEAR)
    assert (result.count, result.satisfied, result.rate) == (4, 2, Decimal("50.0"))
    assert evaluation.satisfaction(yingjiang, YEAR - 1).count == 1


def test_template_lines_are_parsed_with_clear_messages(yingjiang):
    admin = user("yj_admin")
    template = evaluation.create_template(
        admin, yingjiang, name="简化指标", lines="发布解读|60|按时更新\n互动交流｜40"
    )
    assert [(r.indicator, r.weight) for r in template.rows.all()] == [
        ("发布解读", Decimal(60)),
        ("互动交流", Decimal(40)),
    ]
    with pytest.raises(evaluation.EvaluationError, match="第 1 行的分值“三十”不是数字"):
        evaluation.create_template(admin, yingjiang, name="错", lines="发布解读|三十")
    with pytest.raises(evaluation.EvaluationError, match="第 2 行应为"):
        evaluation.create_template(admin, yingjiang, name="错", lines="a|1\nb")
    with pytest.raises(PermissionDenied):
        evaluation.create_template(user("yj_evaluator"), yingjiang, name="x", lines="a|1")


def test_pages_for_the_office_and_the_evaluator(yingjiang, template, client, settings):
    settings.REQUIRE_2FA = False
    client.force_login(user("yj_admin"))
    response = client.post(
        "/staff/oversight/evaluation/", {"year": YEAR, "organisation": "", "template": template.pk}
    )
    assert response.status_code == 302
    sheet = EvaluationSheet.objects.get(site=yingjiang, year=YEAR, organisation=None)
    page = client.get("/staff/oversight/evaluation/").content.decode()
    assert "暂无数据" in page and sheet.subject_name in page
    export = client.get("/staff/oversight/evaluation/export/")
    assert export.status_code == 200 and export.content.startswith(b"PK")
    client.force_login(user("yj_evaluator"))
    rows = list(sheet.rows.order_by("order"))
    data = {"action": "submit", "version": sheet.version}
    for row, value in zip(rows, [27, 18, 16, 13, 8, 5], strict=True):
        data[f"score_{row.pk}"] = str(value)
    response = client.post(sheet.get_absolute_url(), data)
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert sheet.state == SheetState.SUBMITTED
    assert "87 / 100" in client.get(sheet.get_absolute_url()).content.decode()


def test_the_office_imports_the_default_template_from_the_page(yingjiang, client, settings):
    settings.REQUIRE_2FA = False
    client.force_login(user("yj_evaluator"))
    assert (
        client.post("/staff/oversight/evaluation/templates/", {"action": "default"}).status_code
        == 403
    )
    client.force_login(user("yj_admin"))
    assert "导入默认指标" in client.get("/staff/oversight/evaluation/templates/").content.decode()
    response = client.post("/staff/oversight/evaluation/templates/", {"action": "default"})
    assert response.status_code == 302
    template = yingjiang.indicator_templates.get(name=evaluation.DEFAULT_TEMPLATE)
    assert template.rows.count() == 6
    page = client.get("/staff/oversight/evaluation/templates/").content.decode()
    assert 'value="default"' not in page


def test_an_evaluators_note_is_never_a_formula_in_the_results(yingjiang, template):
    from openpyxl import load_workbook

    sheet = _sheet(yingjiang, template, year=YEAR - 1)
    row = sheet.rows.get(order=1)
    hostile = '=HYPERLINK("http://evil.example/","点击查看")'
    evaluation.fill(user("yj_evaluator"), sheet, [RowScore(row.pk, Decimal(1), "", hostile)])
    book = load_workbook(io.BytesIO(evaluation.results_xlsx(yingjiang, YEAR - 1)))
    cells = [c for r in book["指标得分"].iter_rows() for c in r if c.value == hostile]
    assert len(cells) == 1 and cells[0].data_type == "s" and cells[0].quotePrefix
