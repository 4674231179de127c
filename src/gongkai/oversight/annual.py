"""The computed annual report (政府信息公开工作年度报告, 《政府信息公开条例》第四十九条、第五十条) in
the national format of 国办公开办函〔2021〕30号: six sections, tables 二/三/四.

* Table 二 (主动公开): 行政规范性文件 are counted from the records (kind policy: issued in the
  year by 成文日期, 废止/失效 in the year by the date the record was marked so — kept in the audit
  trail by records.workflow.expire —, and valid at 31 December). The platform holds no 规章 (a
  county has no power to make them, 《立法法》第九十三条) and no permit, penalty, coercion or
  fee decisions: those cells are 填报 by staff with their source, shown as entered.
* Tables 三 and 四 come from foi.statistics (one aggregate query each).
* Scope: the government's report (an organisation of kind 人民政府) covers every organ of the
  site that receives requests (第五十条); any other organ's report covers its own cases and
  records (第四十九条). Only 行政机关 and authorised organisations count (第二条、第五十四条).

Staff write sections 一、五、六 (一 starts as a generated draft of the year's figures), may
override any computed cell with a reason, and mark the report final (定稿) once table 三's check
row holds in every column; the final numbers are frozen in a snapshot. Publishing stores the PDF
as an AnnualReport (source computed) in the portal's 公开年报 list."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import CharField, Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Cast, Coalesce, TruncDate
from django.template.loader import render_to_string
from django.utils import timezone

from gongkai.core import permissions, versioning
from gongkai.core.audit import record_event
from gongkai.core.models import (
    FOI_RECIPIENT_TYPES,
    AuditEvent,
    AuditEventType,
    Organisation,
    OrganisationKind,
    Role,
    Site,
)
from gongkai.core.officialdoc import OfficialDocument
from gongkai.core.sites import touch_site
from gongkai.foi import statistics
from gongkai.records.models import Kind, Record, State

from .models import (
    AnnualReport,
    AnnualReportCell,
    AnnualReportDraft,
    DraftState,
    FileKind,
    ReportSource,
)
from .services import FIRST_YEAR, UPLOAD_ROLES, last_reportable_year

#: who writes and finalises an organ's report: its editors and the office admin (as uploads)
EDIT_ROLES = UPLOAD_ROLES
#: re-opening a final report is the office's decision
REOPEN_ROLES = (Role.OFFICE_ADMIN,)

SECTIONS = [
    ("section_one", "一、总体情况"),
    ("two", "二、主动公开政府信息情况"),
    ("three", "三、收到和处理政府信息公开申请情况"),
    ("four", "四、政府信息公开行政复议、行政诉讼情况"),
    ("section_five", "五、存在的主要问题及改进情况"),
    ("section_six", "六、其他需要报告的事项"),
]
TEXT_FIELDS = ["section_one", "section_five", "section_six"]


class AnnualReportError(ValueError):
    """A step refused; the message says why, in Chinese."""


# --------------------------------------------------------------------------- table 二 layout


@dataclass(frozen=True)
class TwoBlock:
    heading: str  # 第二十条第（一）项
    columns: tuple[tuple[str, str], ...]  # (key, label)
    rows: tuple[tuple[str, str], ...]  # (key, label)


TABLE_TWO = [
    TwoBlock(
        "第二十条第（一）项",
        (("issued", "本年制发件数"), ("abolished", "本年废止件数"), ("valid", "现行有效件数")),
        (("regulation", "规章"), ("normative", "行政规范性文件")),
    ),
    TwoBlock("第二十条第（五）项", (("decisions", "本年处理决定数量"),), (("permit", "行政许可"),)),
    TwoBlock(
        "第二十条第（六）项",
        (("decisions", "本年处理决定数量"),),
        (("penalty", "行政处罚"), ("coercion", "行政强制")),
    ),
    TwoBlock(
        "第二十条第（八）项",
        (("amount", "本年收费金额（单位：万元）"),),
        (("fee", "行政事业性收费"),),
    ),
]
#: the rows of table 二 the platform computes; every other row of it is entered by staff
COMPUTED_TWO_ROWS = {"normative"}
AMOUNT_KEYS = {"t2.fee.amount"}


def two_keys() -> list[str]:
    return [f"t2.{row}.{col}" for b in TABLE_TWO for row, _ in b.rows for col, _ in b.columns]


def entered_keys() -> list[str]:
    return [k for k in two_keys() if k.split(".")[1] not in COMPUTED_TWO_ROWS]


# --------------------------------------------------------------------------- table 三/四 layout

THREE_HEAD_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
PERSON_COLUMNS = statistics.COLUMNS[1:-1]  # the five kinds of legal persons


@dataclass(frozen=True)
class ThreeRow:
    key: str
    labels: tuple[str, str, str]  # the three label columns of the national table


def three_rows() -> list[ThreeRow]:
    """The 25 numbered rows of table 三 in the national order, each with its three label
    columns (a group such as （三）不予公开 spans its items and has no numbers of its own)."""
    from gongkai.foi import rules

    results = "三、本年度办理结果"
    rows = [
        ThreeRow("new", ("一、本年新收政府信息公开申请数量",) * 3),
        ThreeRow("carried", ("二、上年结转政府信息公开申请数量",) * 3),
    ]
    groups = {r.key: r.label for r in rules.outcome_rows() if r.level == 1}
    for row in rules.outcome_rows():
        if row.level == 1 and len(row.outcomes) == 1 and row.outcomes[0] == row.key:
            rows.append(ThreeRow(row.key, (results, row.label, row.label)))
        elif row.level == 2:
            group = groups[rules.outcome_group(row.key)]
            rows.append(ThreeRow(row.key, (results, group, row.label)))
    rows.append(ThreeRow("total", (results, "（七）总计", "（七）总计")))
    rows.append(ThreeRow("forward", ("四、结转下年度继续办理",) * 3))
    return rows


def three_keys() -> list[str]:
    return [f"t3.{row.key}.{col}" for row in three_rows() for col in statistics.COLUMN_KEYS]


FOUR_RESULTS = statistics.APPEAL_RESULTS
FOUR_GROUPS = statistics.APPEAL_GROUPS


def four_keys() -> list[str]:
    return [f"t4.{kind}.{result}" for kind, _ in FOUR_GROUPS for result, _ in FOUR_RESULTS]


def all_keys() -> list[str]:
    return two_keys() + three_keys() + four_keys()


def cell_label(key: str) -> str:
    """A cell's name in words, for the override list and the audit trail."""
    table, _, rest = key.partition(".")
    row, _, col = rest.rpartition(".")  # row keys such as 3.1 contain a dot
    if table == "t2":
        for block in TABLE_TWO:
            rows, cols = dict(block.rows), dict(block.columns)
            if row in rows and col in cols:
                return f"表二 {rows[row]} · {cols[col]}"
    if table == "t3":
        labels = {r.key: r.labels for r in three_rows()}
        columns = dict(statistics.COLUMNS)
        if row in labels and col in columns:
            label = labels[row][2]
            return f"表三 {label} · {columns[col]}"
    if table == "t4":
        groups, results = dict(FOUR_GROUPS), dict(FOUR_RESULTS)
        if row in groups and col in results:
            return f"表四 {groups[row]} · {results[col]}"
    return key


# --------------------------------------------------------------------------- scope and figures


def jurisdiction(government: Organisation) -> str:
    """全区 for 迎江区人民政府, 全县 for a county's, 全市 for a city's: what its report covers."""
    place = government.name.removesuffix("人民政府")
    return f"全{place[-1]}" if place else "本级"


def is_government_report(organisation: Organisation) -> bool:
    """The people's government reports for its whole level (第五十条), a department for
    itself (第四十九条)."""
    return organisation.kind == OrganisationKind.GOVERNMENT


def government_of(site: Site) -> Organisation | None:
    return (
        Organisation.objects.filter(
            site=site, kind=OrganisationKind.GOVERNMENT, legal_type__in=FOI_RECIPIENT_TYPES
        )
        .order_by("path")
        .first()
    )


def scope_requests(organisation: Organisation):
    if is_government_report(organisation):
        return statistics.requests_in_scope(site=organisation.site)
    return statistics.requests_in_scope(organisations=[organisation])


def scope_records(organisation: Organisation) -> QuerySet[Record]:
    qs = Record.objects.filter(
        site=organisation.site, organisation__legal_type__in=FOI_RECIPIENT_TYPES
    )
    if not is_government_report(organisation):
        qs = qs.filter(organisation=organisation)
    return qs


def _year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime(year, 1, 1, tzinfo=tz)
    return start, dt.datetime(year + 1, 1, 1, tzinfo=tz)


def normative_documents(records: QuerySet[Record], year: int) -> dict[str, int]:
    """行政规范性文件 (records of kind policy) issued in `year` (成文日期, else the publication
    date), 废止/失效 in `year` (when records.workflow.expire marked them, from the audit trail)
    and in force on 31 December; one aggregate query. Withdrawn records (published in error)
    were never issued and are not counted."""
    start, end = _year_bounds(year)
    expired_at = (
        AuditEvent.objects.filter(
            object_type="records.record",
            object_id=Cast(OuterRef("pk"), CharField()),
            event_type=AuditEventType.STATE_CHANGED,
            after__state=State.EXPIRED,
        )
        .order_by("created_at")
        .values("created_at")[:1]
    )
    issued = Q(issued_on__gte=start.date(), issued_on__lt=end.date())
    counts = (
        records.filter(
            kind=Kind.POLICY, state__in=[State.PUBLISHED, State.EXPIRED], published_at__isnull=False
        )
        .annotate(
            issued_on=Coalesce("written_on", TruncDate("published_at")),
            expired_at=Subquery(expired_at),
        )
        .aggregate(
            issued=Count("pk", filter=issued),
            abolished=Count("pk", filter=Q(expired_at__gte=start, expired_at__lt=end)),
            valid=Count(
                "pk",
                filter=Q(issued_on__lt=end.date())
                & (Q(expired_at__isnull=True) | Q(expired_at__gte=end)),
            ),
        )
    )
    return {key: counts[key] or 0 for key in ("issued", "abolished", "valid")}


def record_facts(records: QuerySet[Record], year: int) -> dict[str, int]:
    """Figures for section 一: what was published in the year, by kind (one query)."""
    start, end = _year_bounds(year)
    published = Q(published_at__gte=start, published_at__lt=end)
    return records.filter(state__in=[State.PUBLISHED, State.EXPIRED]).aggregate(
        published=Count("pk", filter=published),
        policies=Count("pk", filter=published & Q(kind=Kind.POLICY)),
        interpretations=Count("pk", filter=published & Q(kind=Kind.INTERPRETATION)),
        notices=Count("pk", filter=published & Q(kind=Kind.NOTICE)),
    )


def compute(organisation: Organisation, year: int) -> dict:
    """The computed cells (key → text) and the facts for section 一; JSON-safe, so the same
    dict is the snapshot kept at 定稿. A handful of aggregate queries whatever the volume."""
    requests = scope_requests(organisation)
    records = scope_records(organisation)
    cells: dict[str, str] = {}
    for col, count in normative_documents(records, year).items():
        cells[f"t2.normative.{col}"] = str(count)
    three = statistics.table_three(requests, year)
    for row in three.rows:
        if row.values:
            for col in statistics.COLUMN_KEYS:
                cells[f"t3.{row.key}.{col}"] = str(row.values[col])
    four = statistics.table_four(requests, year)
    for kind, results in four.items():
        for result, count in results.items():
            cells[f"t4.{kind}.{result}"] = str(count)
    facts = record_facts(records, year)
    facts["appeals"] = sum(results["total"] for results in four.values())
    return {"cells": cells, "facts": facts}


def generated_overview(organisation: Organisation, year: int, computed: dict) -> str:
    """A draft of section 一 with the year's figures in sentences, for staff to edit."""
    c, f = computed["cells"], computed["facts"]
    scope = (
        f"{jurisdiction(organisation)}各行政机关"
        if is_government_report(organisation)
        else organisation.name
    )
    return "\n".join(
        [
            f"{year}年，{organisation.name}认真贯彻落实《中华人民共和国政府信息公开条例》，"
            "坚持以公开为常态、不公开为例外，推进决策、执行、管理、服务、结果公开。",
            f"（一）主动公开。{scope}通过政府门户网站主动公开政府信息 {f['published']} 条，"
            f"其中政策文件 {f['policies']} 件、政策解读 {f['interpretations']} 篇、"
            f"通知公告 {f['notices']} 条；本年制发行政规范性文件 {c['t2.normative.issued']} 件，"
            f"废止 {c['t2.normative.abolished']} 件，现行有效 {c['t2.normative.valid']} 件。",
            f"（二）依申请公开。本年新收政府信息公开申请 {c['t3.new.total']} 件，"
            f"上年结转 {c['t3.carried.total']} 件，本年办结 {c['t3.total.total']} 件"
            f"（其中予以公开 {c['t3.1.total']} 件、部分公开 {c['t3.2.total']} 件），"
            f"结转下年度继续办理 {c['t3.forward.total']} 件。"
            f"因政府信息公开引起的行政复议、行政诉讼共 {f['appeals']} 件。",
            "（三）政府信息管理。（请填写政府信息管理、公开前保密审查等情况。）",
            "（四）平台建设。（请填写政府网站、政务新媒体等平台建设情况。）",
            "（五）监督保障。（请填写考核、社会评议和责任追究等情况。）",
        ]
    )


# --------------------------------------------------------------------------- the report view


@dataclass
class CellView:
    key: str
    value: str | None  # what the report shows; None: an entered cell not yet entered
    computed: str | None  # None for a cell the platform does not hold
    cell: AnnualReportCell | None = None

    @property
    def entered(self) -> bool:
        return self.computed is None

    @property
    def overridden(self) -> bool:
        return self.cell is not None and not self.entered

    @property
    def text(self) -> str:
        return "" if self.value is None else self.value


@dataclass
class ReportView:
    """Everything a page or a document shows, from live figures (编写中) or the snapshot."""

    draft: AnnualReportDraft
    cells: dict[str, CellView]
    facts: dict
    changed_since_final: bool = False
    overrides: list[AnnualReportCell] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, key: str) -> CellView:
        return self.cells[key]

    def value(self, key: str) -> str:
        return self.cells[key].text

    @property
    def check_failures(self) -> list[str]:
        """The columns of table 三 where 一 + 二 ≠ 三（七）+ 四, by their Chinese names."""
        failing = []
        for col, label in statistics.COLUMNS:
            n = [_int(self.value(f"t3.{r}.{col}")) for r in ("new", "carried", "total", "forward")]
            if n[0] + n[1] != n[2] + n[3]:
                failing.append(label)
        return failing

    @property
    def override_rows(self) -> list[tuple[str, object]]:
        """(cell name, hand-set cell) for the list of entered and overridden figures."""
        return [(cell_label(c.key), c) for c in self.overrides]

    @property
    def missing_entries(self) -> list[str]:
        return [cell_label(k) for k in entered_keys() if self.cells[k].value is None]

    def two_blocks(self):
        """Table 二 as blocks of (label, [CellView]) rows, for templates."""
        return [
            (
                block,
                [
                    (label, [self.cells[f"t2.{row}.{col}"] for col, _ in block.columns])
                    for row, label in block.rows
                ],
            )
            for block in TABLE_TWO
        ]

    def three_table(self):
        """Table 三 rows with the rowspans of the national layout: (row, cells, spans) where
        spans says which label cells this row starts and over how many rows."""
        rows = three_rows()
        out = []
        for i, row in enumerate(rows):
            cells = [self.cells[f"t3.{row.key}.{col}"] for col in statistics.COLUMN_KEYS]
            first = i == 0 or rows[i - 1].labels[0] != row.labels[0]
            span0 = sum(1 for r in rows if r.labels[0] == row.labels[0]) if first else 0
            starts_group = i == 0 or rows[i - 1].labels[:2] != row.labels[:2]
            span1 = sum(1 for r in rows if r.labels[:2] == row.labels[:2]) if starts_group else 0
            out.append(
                {
                    "row": row,
                    "cells": cells,
                    "whole": row.labels[0] == row.labels[2],  # one label over three columns
                    "pair": row.labels[1] == row.labels[2] and row.labels[0] != row.labels[1],
                    "span0": span0,
                    "span1": span1,
                }
            )
        return out

    def four_cells(self) -> list[CellView]:
        return [self.cells[k] for k in four_keys()]


def _int(text: str) -> int:
    try:
        return int(text)
    except (TypeError, ValueError):
        return 0


def report_view(
    draft: AnnualReportDraft, live: dict | None = None, frozen: bool | None = None
) -> ReportView:
    """The report as it stands: a final report shows its snapshot (and whether the data has
    changed since); a report being written shows today's figures with the cells set by hand.
    `frozen=True`: the snapshot whatever the state (the published page, while re-opened)."""
    if frozen is None:
        frozen = draft.state != DraftState.DRAFT
    frozen = bool(frozen and draft.snapshot)
    if frozen:
        computed = draft.snapshot
        stored = draft.snapshot.get("manual", {})
        manual = {key: _FrozenCell(**value) for key, value in stored.items()}
    else:
        computed = live or compute(draft.organisation, draft.year)
        manual = {cell.key: cell for cell in draft.cells.all()} if draft.pk else {}
    cells = {}
    for key in all_keys():
        base = computed["cells"].get(key)
        cell = manual.get(key)
        cells[key] = CellView(key, cell.value if cell else base, base, cell)
    changed = False
    if frozen:
        changed = (live or compute(draft.organisation, draft.year))["cells"] != computed["cells"]
    overrides = sorted(manual.values(), key=lambda c: all_keys().index(c.key))
    texts = (
        draft.snapshot.get("texts", {})
        if frozen
        else {name: getattr(draft, name) for name in TEXT_FIELDS}
    )
    return ReportView(draft, cells, computed["facts"], changed, overrides, texts)


@dataclass
class _FrozenCell:
    """A hand-set cell as kept in the snapshot."""

    key: str
    value: str
    computed: str
    reason: str
    set_by_name: str
    set_at: str


def due_dates(year: int) -> dict[str, dt.date]:
    """When `year`'s reports are due (《条例》第四十九条: departments by 31 January; 第五十条:
    the government by 31 March of the next year)."""
    return {"department": dt.date(year + 1, 1, 31), "government": dt.date(year + 1, 3, 31)}


# --------------------------------------------------------------------------- staff steps


def check_year(year) -> int:
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise AnnualReportError(f"报告年度“{year}”无效，应为四位数的年份。") from None
    if not FIRST_YEAR <= year <= last_reportable_year():
        raise AnnualReportError(
            f"报告年度应在 {FIRST_YEAR} 年至 {last_reportable_year()} 年之间"
            "（年度报告在次年编制，《条例》第四十九条、第五十条）。"
        )
    return year


def check_organisation(organisation: Organisation) -> None:
    if organisation.legal_type not in FOI_RECIPIENT_TYPES:
        raise AnnualReportError(
            f"{organisation.name}不是行政机关或法律、法规授权的组织，"
            "不编制政府信息公开工作年度报告（《条例》第四十九条、第五十四条）。"
        )


def open_draft(actor, organisation: Organisation, year) -> AnnualReportDraft:
    """The organ's report for the year, created with a generated section 一 on first use."""
    permissions.require(actor, "编写该机关的政府信息公开工作年度报告", organisation, EDIT_ROLES)
    check_organisation(organisation)
    year = check_year(year)
    with transaction.atomic():
        draft = AnnualReportDraft.objects.filter(organisation=organisation, year=year).first()
        if draft is None:
            draft = AnnualReportDraft.objects.create(
                site=organisation.site,
                organisation=organisation,
                year=year,
                section_one=generated_overview(organisation, year, compute(organisation, year)),
            )
            record_event(
                AuditEventType.OBJECT_CREATED,
                actor=actor,
                obj=draft,
                after={"organisation": organisation.pk, "year": year},
                message="新建年度报告（系统生成）",
            )
    return draft


def _editable(actor, draft: AnnualReportDraft, what: str) -> None:
    permissions.require(actor, what, draft.organisation, EDIT_ROLES)
    if draft.state != DraftState.DRAFT:
        raise AnnualReportError(
            f"报告已{draft.get_state_display()}，不能再修改；如需修改，请由公开办重新打开。"
        )


def save_sections(actor, draft: AnnualReportDraft, version: int, **texts: str) -> None:
    """Sections 一、五、六 as staff wrote them; `version` is the one the form was loaded with."""
    _editable(actor, draft, "编写该年度报告")
    texts = {k: (v or "").strip() for k, v in texts.items() if k in TEXT_FIELDS}
    with transaction.atomic():
        before = versioning.model_values(draft, TEXT_FIELDS)
        versioning.claim(draft, version, fields=TEXT_FIELDS, yours=texts)
        for name, text in texts.items():
            setattr(draft, name, text)
        draft.save(update_fields=[*texts, "updated_at"])
        record_event(
            AuditEventType.OBJECT_CHANGED,
            actor=actor,
            obj=draft,
            before={k: len(before[k] or "") for k in texts},
            after={k: len(v) for k, v in texts.items()},
            message="修改年度报告正文（" + "、".join(_section_name(k) for k in texts) + "）",
        )


def _section_name(name: str) -> str:
    return dict(SECTIONS)[name].split("、")[0]


def clean_value(key: str, value: str) -> str:
    text = (value or "").strip().replace(",", "").replace("，", "")
    if key in AMOUNT_KEYS:
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise AnnualReportError(f"{cell_label(key)}应为金额（万元），如 12.5。") from None
        if amount < 0 or amount.as_tuple().exponent < -4 or not amount.is_finite():
            raise AnnualReportError(f"{cell_label(key)}应为不小于 0、最多四位小数的金额。")
        return format(amount.normalize(), "f") if amount else "0"
    if not text.isdigit():
        raise AnnualReportError(f"{cell_label(key)}应为不小于 0 的整数，“{value}”不是。")
    return str(int(text))


def set_cell(
    actor, draft: AnnualReportDraft, version: int, key: str, value: str, reason: str
) -> AnnualReportCell | None:
    """Enter a figure the platform does not hold (with its source), override a computed one
    (with the reason), or — with an empty value — go back to the computed figure. Who, when
    and why stay on the cell and in the audit trail."""
    _editable(actor, draft, "修改该年度报告的数据")
    if key not in all_keys():
        raise AnnualReportError(f"没有“{key}”这个单元格。")
    reason = (reason or "").strip()
    computed = compute(draft.organisation, draft.year)["cells"].get(key)
    clear = not (value or "").strip()
    if clear and computed is None:
        raise AnnualReportError(f"{cell_label(key)}需由工作人员填报，请填写数值和来源。")
    if not clear:
        value = clean_value(key, value)
        if not reason:
            what = "数据来源" if computed is None else "修改理由"
            raise AnnualReportError(f"请填写{cell_label(key)}的{what}。")
    with transaction.atomic():
        versioning.claim(draft, version)
        AnnualReportDraft.objects.filter(pk=draft.pk).update(updated_at=timezone.now())
        old = AnnualReportCell.objects.filter(draft=draft, key=key).first()
        before = {"value": old.value, "reason": old.reason} if old else {"value": computed}
        if clear:
            if old:
                old.delete()
            after, cell = {"value": computed}, None
            message = f"恢复系统计算值：{cell_label(key)}"
        else:
            cell, _created = AnnualReportCell.objects.update_or_create(
                draft=draft,
                key=key,
                defaults={
                    "value": value,
                    "computed": computed or "",
                    "reason": reason,
                    "set_by": permissions.user_of(actor),
                    "set_by_name": getattr(actor, "get_full_name", lambda: "")()
                    or getattr(actor, "username", "系统"),
                    "set_at": timezone.now(),
                },
            )
            after = {"value": value, "reason": reason}
            verb = "填报" if computed is None else f"修改（系统计算值 {computed}）"
            message = f"{verb}：{cell_label(key)}"
        record_event(
            AuditEventType.OBJECT_CHANGED,
            actor=actor,
            obj=draft,
            before={"cell": key, **before},
            after={"cell": key, **after},
            message=message,
        )
    return cell


def finalise(actor, draft: AnnualReportDraft, version: int) -> ReportView:
    """定稿: refused while table 三's check row fails in any column or a figure that staff
    must enter is missing; freezes the numbers (and the hand-set cells) in `snapshot`."""
    _editable(actor, draft, "将该年度报告定稿")
    live = compute(draft.organisation, draft.year)
    view = report_view(draft, live)
    failing = view.check_failures
    if failing:
        raise AnnualReportError(
            "表三的勾稽关系（第一项加第二项之和等于第三项（七）总计加第四项之和）在以下各列不成立，"
            f"不能定稿：{'、'.join(failing)}。请核对相关申请或人工修改的数据。"
        )
    if view.missing_entries:
        raise AnnualReportError(
            "以下数据平台不掌握、需由工作人员填报后才能定稿："
            + "、".join(view.missing_entries)
            + "。"
        )
    manual = {
        cell.key: {
            "key": cell.key,
            "value": cell.value,
            "computed": cell.computed,
            "reason": cell.reason,
            "set_by_name": cell.set_by_name,
            "set_at": timezone.localtime(cell.set_at).isoformat(timespec="minutes"),
        }
        for cell in draft.cells.all()
    }
    with transaction.atomic():
        versioning.claim(draft, version)
        draft.state = DraftState.FINAL
        texts = {name: getattr(draft, name) for name in TEXT_FIELDS}
        draft.snapshot = {**live, "manual": manual, "texts": texts}
        draft.finalised_at = timezone.now()
        draft.finalised_by = permissions.user_of(actor)
        draft.save(update_fields=["state", "snapshot", "finalised_at", "finalised_by"])
        record_event(
            AuditEventType.STATE_CHANGED,
            actor=actor,
            obj=draft,
            before={"state": DraftState.DRAFT},
            after={"state": DraftState.FINAL, "manual_cells": sorted(manual)},
            message="年度报告定稿",
        )
    return report_view(draft, live)


def reopen(actor, draft: AnnualReportDraft, version: int, reason: str) -> None:
    """The office re-opens a final (or published) report, e.g. after 数据已变化; a published
    one stays listed until it is published again."""
    permissions.require(actor, "重新打开已定稿的年度报告", draft.organisation, REOPEN_ROLES)
    if draft.state == DraftState.DRAFT:
        raise AnnualReportError("报告尚未定稿，无需重新打开。")
    reason = (reason or "").strip()
    if not reason:
        raise AnnualReportError("请填写重新打开的理由。")
    with transaction.atomic():
        versioning.claim(draft, version)
        before = draft.state
        draft.state = DraftState.DRAFT
        draft.save(update_fields=["state"])
        record_event(
            AuditEventType.STATE_CHANGED,
            actor=actor,
            obj=draft,
            before={"state": before},
            after={"state": DraftState.DRAFT},
            message=f"重新打开年度报告：{reason}",
        )


def publish(actor, draft: AnnualReportDraft, version: int) -> AnnualReport:
    """Put the final report in the portal's 公开年报 list: its PDF stored as an AnnualReport
    (source computed), with the web page and the .docx made from the same snapshot."""
    permissions.require(actor, "公布该年度报告", draft.organisation, EDIT_ROLES)
    if draft.state == DraftState.DRAFT:
        raise AnnualReportError("报告定稿后才能公布。")
    existing = (
        AnnualReport.objects.filter(organisation=draft.organisation, year=draft.year)
        .exclude(pk=draft.published_id)
        .first()
    )
    if existing is not None:
        raise AnnualReportError(
            f"{draft.title}已有上传的文件（{existing.file_name}），"
            "同一机关同一年度只公布一份报告；如需以系统生成的报告代替，请先联系公开办处理已上传的文件。"
        )
    view = report_view(draft)
    data = pdf_bytes(view)

    with transaction.atomic():
        versioning.claim(draft, version)
        report = draft.published or AnnualReport(
            site=draft.site, organisation=draft.organisation, year=draft.year
        )
        report.source = ReportSource.COMPUTED
        report.file_name = f"{draft.title}.pdf"
        report.file_kind = FileKind.PDF
        report.file_size = len(data)
        report.sha256 = hashlib.sha256(data).hexdigest()
        report.uploaded_by = permissions.user_of(actor)
        report.file.save(f"{draft.organisation.code}-{draft.year}.pdf", ContentFile(data), False)
        report.save()
        draft.published = report
        draft.state = DraftState.PUBLISHED
        draft.save(update_fields=["published", "state"])
        record_event(
            AuditEventType.STATE_CHANGED,
            actor=actor,
            obj=draft,
            before={"state": DraftState.FINAL},
            after={"state": DraftState.PUBLISHED, "report": report.pk, "sha256": report.sha256},
            message="公布年度报告",
        )
        touch_site(draft.site)
    return report


# --------------------------------------------------------------------------- documents


def _merge(table, top: int, left: int, bottom: int, right: int, text: str) -> None:
    """Merge a block of cells holding `text` once, in the table style (表格)."""
    style = table.cell(top, left).paragraphs[0].style
    cell = table.cell(top, left).merge(table.cell(bottom, right))
    cell.text = text
    for paragraph in cell.paragraphs:
        paragraph.style = style


def _doc_two(doc: OfficialDocument, view: ReportView) -> None:
    rows = []
    layout = []  # (row index, kind)
    for block in TABLE_TWO:
        layout.append((len(rows), "heading", block))
        rows.append([block.heading, "", "", ""])
        layout.append((len(rows), "columns", block))
        if len(block.columns) == 3:
            rows.append(["信息内容", *[label for _, label in block.columns]])
        else:
            rows.append(["信息内容", block.columns[0][1], "", ""])
        for row, label in block.rows:
            values = [
                "待填报" if view[f"t2.{row}.{col}"].value is None else view.value(f"t2.{row}.{col}")
                for col, _ in block.columns
            ]
            layout.append((len(rows), "values", block))
            rows.append([label, *values] if len(values) == 3 else [label, values[0], "", ""])
    table = doc.table([], rows)
    for index, kind, block in layout:
        if kind == "heading":
            _merge(table, index, 0, index, 3, block.heading)
        elif len(block.columns) == 1:
            _merge(table, index, 1, index, 3, rows[index][1])


def _doc_three(doc: OfficialDocument, view: ReportView) -> None:
    persons = [label for _, label in PERSON_COLUMNS]
    header = [
        [THREE_HEAD_NOTE, "", "", "申请人情况", "", "", "", "", "", ""],
        ["", "", "", "自然人", "法人或其他组织", "", "", "", "", "总计"],
        ["", "", "", "", *persons, ""],
    ]
    body = []
    rows = three_rows()
    for row in rows:
        values = [view.value(f"t3.{row.key}.{col}") for col in statistics.COLUMN_KEYS]
        body.append([*row.labels, *values])
    table = doc.table(header, body)
    _merge(table, 0, 0, 2, 2, THREE_HEAD_NOTE)
    _merge(table, 0, 3, 0, 9, "申请人情况")
    _merge(table, 1, 3, 2, 3, "自然人")
    _merge(table, 1, 4, 1, 8, "法人或其他组织")
    _merge(table, 1, 9, 2, 9, "总计")
    offset = len(header)
    i = 0
    while i < len(rows):
        labels = rows[i].labels
        j = i
        while j + 1 < len(rows) and rows[j + 1].labels[0] == labels[0]:
            j += 1
        if labels[0] == labels[2]:
            _merge(table, offset + i, 0, offset + i, 2, labels[0])
        else:
            _merge(table, offset + i, 0, offset + j, 0, labels[0])
            k = i
            while k <= j:
                m = k
                while m + 1 <= j and rows[m + 1].labels[1] == rows[k].labels[1]:
                    m += 1
                if rows[k].labels[1] == rows[k].labels[2]:
                    _merge(table, offset + k, 1, offset + k, 2, rows[k].labels[1])
                else:
                    _merge(table, offset + k, 1, offset + m, 1, rows[k].labels[1])
                k = m + 1
        i = j + 1


def _doc_four(doc: OfficialDocument, view: ReportView) -> None:
    results = [label for _, label in FOUR_RESULTS]
    header = [
        ["行政复议", "", "", "", "", "行政诉讼", *[""] * 9],
        [*results, "未经复议直接起诉", "", "", "", "", "复议后起诉", "", "", "", ""],
        ["", "", "", "", "", *results, *results],
    ]
    table = doc.table(header, [[c.text for c in view.four_cells()]])
    _merge(table, 0, 0, 0, 4, "行政复议")
    _merge(table, 0, 5, 0, 14, "行政诉讼")
    for col, label in enumerate(results):
        _merge(table, 1, col, 2, col, label)
    _merge(table, 1, 5, 1, 9, "未经复议直接起诉")
    _merge(table, 1, 10, 1, 14, "复议后起诉")


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def entered_note(view: ReportView) -> str:
    entered = [c for c in view.overrides if not c.computed]
    overridden = [c for c in view.overrides if c.computed]
    parts = []
    if entered:
        parts.append(
            "表二中"
            + "、".join(sorted({cell_label(c.key).split(" ")[1] for c in entered}))
            + "的数据平台不掌握，由工作人员填报（来源："
            + "；".join(dict.fromkeys(c.reason for c in entered))
            + "）"
        )
    if overridden:
        parts.append(
            "以下数据经人工修改："
            + "；".join(
                f"{cell_label(c.key)}由 {c.computed} 改为 {c.value}（{c.reason}）"
                for c in overridden
            )
        )
    return "注：" + "。".join(parts) + "。" if parts else ""


def docx_bytes(view: ReportView) -> bytes:
    """The report in the national layout (six headings, tables 二/三/四 with the national rows,
    columns and merged headers) on the official-document page (gongkai.core.officialdoc)."""
    draft = view.draft
    doc = OfficialDocument()
    doc.title(draft.title)
    for name, heading in SECTIONS:
        doc.heading(heading)
        if name in TEXT_FIELDS:
            for paragraph in _paragraphs(view.texts.get(name, "")) or ["无。"]:
                doc.body(paragraph)
        elif name == "two":
            _doc_two(doc, view)
        elif name == "three":
            _doc_three(doc, view)
        else:
            _doc_four(doc, view)
    note = entered_note(view)
    if note:
        doc.note(note)
    when = timezone.localtime(draft.finalised_at) if draft.finalised_at else timezone.localtime()
    doc.signature(draft.organisation.name, f"{when.year}年{when.month}月{when.day}日")
    return doc.to_bytes()


def html_context(view: ReportView) -> dict:
    draft = view.draft
    return {
        "view": view,
        "draft": draft,
        "sections": [
            (name, heading, _paragraphs(view.texts.get(name, "")) if name in TEXT_FIELDS else None)
            for name, heading in SECTIONS
        ],
        "three_head_note": THREE_HEAD_NOTE,
        "persons": [label for _, label in PERSON_COLUMNS],
        "four_results": [label for _, label in FOUR_RESULTS],
        "note": entered_note(view),
    }


def pdf_bytes(view: ReportView) -> bytes:
    """The same parts through WeasyPrint (gongkai.core.pdf): in-process, the bundled fonts,
    no office suite needed on the server."""
    from gongkai.core.pdf import html_to_pdf

    html = render_to_string("oversight/annual_pdf.html", html_context(view))
    return html_to_pdf(html, "年度报告")


def file_name(draft: AnnualReportDraft, suffix: str) -> str:
    return f"{draft.title}{suffix}"
