"""Third-party evaluation (第三方评估) and public satisfaction.

The office defines indicator templates (指标和分值) and creates a sheet per year for an
organisation or the site; a third-party evaluator fills in the scores and submits. The office
cannot fill in or submit a sheet itself: an evaluation the evaluated office scores is not a
third-party one (《条例》第四十七条 lets the office organise evaluation, not do it). The
office may return a submitted sheet with its reason. A score never exceeds its indicator's
weight: the form says so and the database refuses it (SheetRow's check constraint).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from gongkai.core import permissions
from gongkai.core.audit import record_event, snapshot
from gongkai.core.exports import xlsx_cell
from gongkai.core.models import AuditEventType, Organisation, Role, Site
from gongkai.core.versioning import expect

from .models import (
    EvaluationSheet,
    IndicatorTemplate,
    SheetRow,
    SheetState,
    TemplateIndicator,
)

OFFICE_ROLES = (Role.OFFICE_ADMIN,)
EVALUATOR_ROLES = (Role.EVALUATOR,)
READ_ROLES = (Role.OFFICE_ADMIN, Role.EVALUATOR)
FIRST_YEAR = 2008

#: The default template, from the national inspection's groups (国办秘函〔2019〕19号: 发布解读、
#: 办事服务、互动交流、功能设计) and the norms beside it (reference/website-indicators.md).
DEFAULT_TEMPLATE = "政府网站与政务公开第三方评估指标"
DEFAULT_INDICATORS = [
    ("发布解读", Decimal(30), "栏目按时更新、无空白栏目、政策解读同步发布（国办秘函〔2019〕19号）"),
    ("办事服务", Decimal(20), "办事指南要素齐全、服务统计及时更新"),
    ("互动交流", Decimal(20), "留言按期答复，无超过3个月未答复的有效留言"),
    ("功能设计", Decimal(15), "网站标识、可用性、搜索、IPv6、“我为政府网站找错”入口"),
    ("无障碍与适老化", Decimal(10), "GB/T 37668-2019 及适老化改造要求"),
    ("安全防护", Decimal(5), "GB/T 31506-2022，日志留存不少于6个月"),
]


class EvaluationError(ValueError):
    """A step the rules do not allow; the message (Chinese) is shown as is."""


def can_manage(actor, site: Site) -> bool:
    return permissions.allows(actor, site, OFFICE_ROLES)


def can_read(actor, site: Site) -> bool:
    return permissions.allows(actor, site, READ_ROLES)


def can_fill(actor, sheet: EvaluationSheet) -> bool:
    return sheet.state == SheetState.DRAFT and permissions.allows(
        actor, sheet.site, EVALUATOR_ROLES
    )


# --------------------------------------------------------------------------- templates


def ensure_default_template(site: Site) -> IndicatorTemplate:
    template, created = IndicatorTemplate.objects.get_or_create(
        site=site,
        name=DEFAULT_TEMPLATE,
        defaults={"note": "依据国办秘函〔2019〕19号的指标分组及相关规范。"},
    )
    if created:
        TemplateIndicator.objects.bulk_create(
            TemplateIndicator(
                template=template, order=n, indicator=name, weight=weight, description=text
            )
            for n, (name, weight, text) in enumerate(DEFAULT_INDICATORS, start=1)
        )
    return template


def add_default_template(actor, site: Site) -> IndicatorTemplate:
    """The office imports the default template (the demo does it for the demo sites)."""
    permissions.require(actor, "定义评估指标", site, OFFICE_ROLES)
    existed = IndicatorTemplate.objects.filter(site=site, name=DEFAULT_TEMPLATE).exists()
    template = ensure_default_template(site)
    if not existed:
        record_event(
            AuditEventType.OBJECT_CREATED,
            actor=actor,
            obj=template,
            site=site,
            after={"name": template.name, "indicators": len(DEFAULT_INDICATORS)},
            message="导入默认评估指标模板",
        )
    return template


def parse_indicator_lines(text: str) -> list[tuple[str, Decimal, str]]:
    """One indicator a line: 指标｜分值｜说明 (the 说明 optional; ASCII | works too)."""
    rows = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        parts = [p.strip() for p in line.replace("｜", "|").split("|")]
        if len(parts) < 2 or not parts[0]:
            raise EvaluationError(
                f"第 {number} 行应为“指标|分值|说明”，例如“发布解读|30|栏目按时更新”。"
            )
        try:
            weight = Decimal(parts[1])
        except InvalidOperation:
            raise EvaluationError(f"第 {number} 行的分值“{parts[1]}”不是数字。") from None
        if not Decimal(0) < weight <= Decimal(1000) or weight != round(weight, 2):
            raise EvaluationError(f"第 {number} 行的分值应大于 0、不超过 1000，最多两位小数。")
        if len(parts[0]) > 200:
            raise EvaluationError(f"第 {number} 行的指标名称超过 200 字。")
        rows.append((parts[0], weight, "|".join(parts[2:])))
    if not rows:
        raise EvaluationError("请至少填写一个指标。")
    return rows


def create_template(actor, site: Site, *, name: str, lines: str, note: str = ""):
    permissions.require(actor, "定义评估指标", site, OFFICE_ROLES)
    name = (name or "").strip()
    if not name:
        raise EvaluationError("请填写模板名称。")
    rows = parse_indicator_lines(lines)
    if IndicatorTemplate.objects.filter(site=site, name=name).exists():
        raise EvaluationError(f"已有名为“{name}”的指标模板。")
    with transaction.atomic():
        template = IndicatorTemplate.objects.create(site=site, name=name[:200], note=note)
        TemplateIndicator.objects.bulk_create(
            TemplateIndicator(template=template, order=n, indicator=i, weight=w, description=d)
            for n, (i, w, d) in enumerate(rows, start=1)
        )
        record_event(
            AuditEventType.OBJECT_CREATED,
            actor=actor,
            obj=template,
            site=site,
            after={"name": template.name, "indicators": len(rows)},
            message="定义评估指标模板",
        )
    return template


# --------------------------------------------------------------------------- sheets


def visible_sheets(user, site: Site) -> QuerySet[EvaluationSheet]:
    if not can_read(user, site):
        return EvaluationSheet.objects.none()
    return EvaluationSheet.objects.filter(site=site).select_related("organisation", "site")


def create_sheet(
    actor,
    site: Site,
    *,
    year: int,
    template: IndicatorTemplate,
    organisation: Organisation | None = None,
) -> EvaluationSheet:
    permissions.require(actor, "创建评估表", site, OFFICE_ROLES)
    if template.site_id != site.pk:
        raise EvaluationError("指标模板不属于本站点。")
    if organisation is not None and organisation.site_id != site.pk:
        raise EvaluationError("被评估单位应为本站点的机构。")
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        raise EvaluationError(f"评估年度应在 {FIRST_YEAR} 年至今年之间。")
    subject = organisation.name if organisation else site.name
    try:
        with transaction.atomic():
            sheet = EvaluationSheet.objects.create(
                site=site, organisation=organisation, year=year, template=template
            )
            SheetRow.objects.bulk_create(
                SheetRow(sheet=sheet, order=r.order, indicator=r.indicator, weight=r.weight)
                for r in template.rows.all()
            )
    except IntegrityError:
        raise EvaluationError(f"{subject}{year}年的评估表已存在。") from None
    record_event(
        AuditEventType.OBJECT_CREATED,
        actor=actor,
        obj=sheet,
        site=site,
        after=snapshot(sheet, ["organisation", "year", "template", "state"]),
        message="创建评估表",
    )
    return sheet


@dataclass
class RowScore:
    row_id: int
    score: Decimal | None
    evidence_url: str = ""
    note: str = ""


def _check_scores(sheet: EvaluationSheet, scores: list[RowScore]) -> dict[int, RowScore]:
    rows = {r.pk: r for r in sheet.rows.all()}
    given = {}
    for s in scores:
        row = rows.get(s.row_id)
        if row is None:
            raise EvaluationError("评估表中没有该指标。")
        if s.score is not None and not Decimal(0) <= s.score <= row.weight:
            raise EvaluationError(
                f"“{row.indicator}”的得分应在 0 至 {row.weight.normalize():f} 分之间。"
            )
        given[row.pk] = s
    return given


def fill(
    actor, sheet: EvaluationSheet, scores: list[RowScore], *, version: int | None = None
) -> EvaluationSheet:
    """Save scores (a draft may be saved many times before it is submitted)."""
    permissions.require(
        actor,
        "填写评估表",
        sheet.site,
        EVALUATOR_ROLES,
        message=""
        if permissions.allows(actor, sheet.site, EVALUATOR_ROLES)
        else "评估表由第三方评估人员填写，公开办和各单位不能代为评分。",
    )
    with transaction.atomic():
        expect(sheet, sheet.version if version is None else version, fields=["state"])
        sheet = EvaluationSheet.objects.get(pk=sheet.pk)
        if sheet.state != SheetState.DRAFT:
            raise EvaluationError("评估表已提交，不能再修改；如需修改请公开办退回。")
        given = _check_scores(sheet, scores)
        before = {"total": str(total_score(sheet))}
        for row in sheet.rows.all():
            s = given.get(row.pk)
            if s is None:
                continue
            row.score = s.score
            row.evidence_url = (s.evidence_url or "").strip()[:500]
            row.note = (s.note or "").strip()[:2000]
            row.save(update_fields=["score", "evidence_url", "note"])
        sheet.version += 1
        sheet.save(update_fields=["version"])
        record_event(
            AuditEventType.OBJECT_CHANGED,
            actor=actor,
            obj=sheet,
            site=sheet.site,
            before=before,
            after={"total": str(total_score(sheet))},
            message="填写评估表",
        )
    return sheet


def submit(actor, sheet: EvaluationSheet, *, version: int | None = None) -> EvaluationSheet:
    permissions.require(
        actor,
        "提交评估表",
        sheet.site,
        EVALUATOR_ROLES,
        message=""
        if permissions.allows(actor, sheet.site, EVALUATOR_ROLES)
        else "评估表由第三方评估人员提交，公开办和各单位不能代为提交。",
    )
    with transaction.atomic():
        expect(sheet, sheet.version if version is None else version, fields=["state"])
        sheet = EvaluationSheet.objects.get(pk=sheet.pk)
        missing = sheet.rows.filter(score__isnull=True).count()
        if missing:
            raise EvaluationError(f"还有 {missing} 项指标未评分，不能提交。")
        try:
            sheet.submit()
        except TransitionNotAllowed:
            raise EvaluationError("评估表已提交。") from None
        sheet.submitted_by = permissions.user_of(actor)
        sheet.version += 1
        sheet.save()
        record_event(
            AuditEventType.STATE_CHANGED,
            actor=actor,
            obj=sheet,
            site=sheet.site,
            before={"state": SheetState.DRAFT},
            after={"state": sheet.state, "total": str(total_score(sheet))},
            message="提交评估表",
        )
    return sheet


def send_back(actor, sheet: EvaluationSheet, *, reason: str, version: int | None = None):
    permissions.require(actor, "退回评估表", sheet.site, OFFICE_ROLES)
    reason = (reason or "").strip()
    if not reason:
        raise EvaluationError("请填写退回原因。")
    with transaction.atomic():
        expect(sheet, sheet.version if version is None else version, fields=["state"])
        sheet = EvaluationSheet.objects.get(pk=sheet.pk)
        try:
            sheet.send_back()
        except TransitionNotAllowed:
            raise EvaluationError("评估表尚未提交，不需要退回。") from None
        sheet.return_reason = reason[:2000]
        sheet.version += 1
        sheet.save()
        record_event(
            AuditEventType.STATE_CHANGED,
            actor=actor,
            obj=sheet,
            site=sheet.site,
            before={"state": SheetState.SUBMITTED},
            after={"state": sheet.state},
            message="退回评估表",
        )
    return sheet


# --------------------------------------------------------------------------- figures


def total_score(sheet: EvaluationSheet) -> Decimal:
    return sheet.rows.aggregate(t=Sum("score"))["t"] or Decimal(0)


def with_totals(queryset: QuerySet[EvaluationSheet]) -> QuerySet[EvaluationSheet]:
    return queryset.annotate(
        total=Sum("rows__score"),
        full=Sum("rows__weight"),
        unscored=Count("rows", filter=Q(rows__score__isnull=True)),
    )


@dataclass
class Comparison:
    """Submitted sheets' totals: one row per organisation (or the site), one column per year."""

    years: list[int]
    rows: list[tuple[str, list[Decimal | None]]] = field(default_factory=list)
    indicators: list[str] = field(default_factory=list)
    #: indicator -> subject -> score, for the latest year
    by_indicator: list[tuple[str, list[Decimal | None]]] = field(default_factory=list)
    subjects_latest: list[str] = field(default_factory=list)
    latest: int | None = None


def comparison(site: Site) -> Comparison:
    sheets = list(
        with_totals(EvaluationSheet.objects.filter(site=site, state=SheetState.SUBMITTED))
        .select_related("organisation")
        .order_by("organisation__path", "year")
    )
    years = sorted({s.year for s in sheets})
    table: dict[str, dict[int, Decimal]] = {}
    for s in sheets:
        table.setdefault(s.subject_name, {})[s.year] = s.total
    result = Comparison(
        years=years,
        rows=[(name, [by_year.get(y) for y in years]) for name, by_year in table.items()],
    )
    if years:
        latest = years[-1]
        result.latest = latest
        latest_sheets = [s for s in sheets if s.year == latest]
        result.subjects_latest = [s.subject_name for s in latest_sheets]
        scores: dict[str, dict[int, Decimal | None]] = {}
        for row in SheetRow.objects.filter(sheet__in=latest_sheets).order_by("order"):
            scores.setdefault(row.indicator, {})[row.sheet_id] = row.score
        result.by_indicator = [
            (name, [per.get(s.pk) for s in latest_sheets]) for name, per in scores.items()
        ]
    return result


@dataclass
class Satisfaction:
    """公众满意度 for a year: `rate` is None when there is no source with data (never a made-up
    figure); `sources` names what was counted and what is missing."""

    year: int
    count: int = 0
    satisfied: int = 0
    sources: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def rate(self) -> Decimal | None:
        if not self.count:
            return None
        return (Decimal(100) * self.satisfied / self.count).quantize(Decimal("0.1"))

    @property
    def has_data(self) -> bool:
        return self.count > 0


def satisfaction(site: Site, year: int) -> Satisfaction:
    """Public satisfaction aggregated from the ratings the public gave on the site's pages,
    guides and replies in the year (participation, 满意度评价): 5 and 4 of 5 count as satisfied
    (满意、基本满意). The 依申请公开 cases record no applicant feedback, so they are named as a
    missing source rather than counted."""
    from gongkai.participation.selectors import satisfaction_counts

    result = Satisfaction(year=year)
    result.count, result.satisfied = satisfaction_counts(site, year)
    if result.count:
        result.sources.append(f"网站满意度评价 {result.count} 条")
    else:
        result.missing.append("网站满意度评价（本年度没有评价）")
    result.missing.append("依申请公开申请人评价（申请办理未记录申请人评价）")
    return result


# --------------------------------------------------------------------------- export


def _append(ws, values: list) -> None:
    """One row through core.exports: an evaluator's note such as =HYPERLINK(...) stays text."""
    row = ws.max_row + 1 if ws.max_row > 1 or ws.cell(1, 1).value is not None else 1
    for column, value in enumerate(values, start=1):
        xlsx_cell(ws, row, column, value)


def results_xlsx(site: Site, year: int | None = None) -> bytes:
    """评估结果: totals per organisation and year, and every sheet's rows (openpyxl)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    sheets = with_totals(EvaluationSheet.objects.filter(site=site)).select_related("organisation")
    if year is not None:
        sheets = sheets.filter(year=year)
    sheets = list(sheets.order_by("year", "organisation__path"))
    book = Workbook()
    summary = book.active
    summary.title = "评估结果汇总"
    _append(summary, ["年度", "被评估单位", "状态", "得分", "满分", "评估人", "提交时间"])
    for s in sheets:
        _append(
            summary,
            [
                s.year,
                s.subject_name,
                s.get_state_display(),
                float(s.total) if s.total is not None else None,
                float(s.full) if s.full is not None else None,
                str(s.submitted_by) if s.submitted_by_id else "",
                timezone.localtime(s.submitted_at).strftime("%Y-%m-%d %H:%M")
                if s.submitted_at
                else "",
            ],
        )
    detail = book.create_sheet("指标得分")
    _append(detail, ["年度", "被评估单位", "序号", "指标", "分值", "得分", "佐证链接", "备注"])
    for row in (
        SheetRow.objects.filter(sheet__in=sheets)
        .select_related("sheet__organisation", "sheet__site")
        .order_by("sheet__year", "sheet__organisation__path", "order")
    ):
        _append(
            detail,
            [
                row.sheet.year,
                row.sheet.subject_name,
                row.order,
                row.indicator,
                float(row.weight),
                float(row.score) if row.score is not None else None,
                row.evidence_url,
                row.note,
            ],
        )
    years = sorted({s.year for s in sheets})
    sat_sheet = book.create_sheet("公众满意度")
    _append(sat_sheet, ["年度", "评价数", "满意数", "满意度（%）", "说明"])
    for y in years or ([year] if year else []):
        sat = satisfaction(site, y)
        _append(
            sat_sheet,
            [
                y,
                sat.count,
                sat.satisfied,
                float(sat.rate) if sat.rate is not None else None,
                "；".join(sat.sources) if sat.has_data else "暂无数据：" + "；".join(sat.missing),
            ],
        )
    for ws in book.worksheets:
        for cell in ws[1]:
            cell.font = Font(bold=True)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def export_results(actor, site: Site, year: int | None = None) -> bytes:
    if not can_read(actor, site):
        raise permissions.PermissionDenied("您没有权限导出评估结果。")
    data = results_xlsx(site, year)
    record_event(AuditEventType.EXPORTED, actor=actor, site=site, message="导出评估结果")
    return data
