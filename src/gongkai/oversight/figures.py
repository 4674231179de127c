"""The compliance dashboard's figures (issue 12 point 1), computed from the platform's own data.

Each figure is a plain function `figure(scope) -> Figure`: the numbers (aggregated in SQL, one
or two queries a figure), a table that is also the chart's data, and its `parts`, each with the
queryset of the items behind its count (the drill-down). Figures live in a registry so another
app's figures (messages, ratings, error reports) join the dashboard with one
`register_figure(...)` call in its AppConfig.ready().

Who sees what (`dashboard_scope`, through gongkai.core.permissions): the office admin and the
evaluator of a site see the whole site, as does the office admin of a parent site for its
children; other staff see their own organisations (and sub-organisations)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from gongkai.catalogue.models import LEVEL_LABELS, CatalogueItem, FiveStage
from gongkai.core import permissions
from gongkai.core.models import Organisation, OrganisationKind, Role, Site
from gongkai.core.workcalendar import add_working_days
from gongkai.foi.models import OPEN as FOI_OPEN
from gongkai.foi.models import FoiRequest
from gongkai.records.deadlines import OPEN_STATES
from gongkai.records.models import ExpectedSlot, InterpretationRule, Kind, Record, State

from . import services
from .models import AnnualReport

#: roles that see a whole site's dashboard (the evaluator reads the site, core/permissions.py)
SITE_ROLES = (Role.OFFICE_ADMIN, Role.EVALUATOR)
#: every staff role sees the dashboard of the organisations they belong to
ALL_ROLES = tuple(Role)
#: "due" means within this many working days (the same horizon as records.deadlines.duties_for)
DUE_HORIZON_DAYS = 10
#: the record states in which information is public (published, later withdrawn or expired)
PUBLIC_STATES = (State.PUBLISHED, State.WITHDRAWN, State.EXPIRED)


# --------------------------------------------------------------------------- scope


@dataclass
class Scope:
    """What one dashboard covers: a site, and either all of it or some organisations."""

    site: Site
    organisations: QuerySet[Organisation] | None  # None: the whole site
    today: date

    @property
    def whole_site(self) -> bool:
        return self.organisations is None

    def orgs(self) -> QuerySet[Organisation]:
        if self.organisations is None:
            return Organisation.objects.filter(site=self.site)
        return self.organisations

    def filter(self, qs: QuerySet, field: str = "organisation") -> QuerySet:
        """Narrow a queryset of the site to the scope's organisations."""
        if self.organisations is None:
            return qs
        return qs.filter(**{f"{field}__in": self.organisations})


def sees_whole_site(actor, site: Site) -> bool:
    """The office admin or evaluator of the site, or the office admin of a site above it (a
    city's office sees its districts side by side)."""
    if permissions.can_act_on_site(actor, site, SITE_ROLES):
        return True
    parent = site.parent
    seen = set()
    while parent is not None and parent.pk not in seen:
        seen.add(parent.pk)
        if permissions.can_act_on_site(actor, parent, (Role.OFFICE_ADMIN,)):
            return True
        parent = parent.parent
    return False


def dashboard_scope(actor, site: Site, today: date | None = None) -> Scope:
    """The scope `actor` may see on `site`, or PermissionDenied with a Chinese message."""
    today = today or timezone.localdate()
    if sees_whole_site(actor, site):
        return Scope(site, None, today)
    organisations = permissions.organisations_for(actor, ALL_ROLES, site=site)
    if not organisations.exists():
        raise permissions.PermissionDenied(f"您在{site.name}没有岗位，不能查看其公开工作监测。")
    return Scope(site, organisations, today)


def child_sites(actor, site: Site) -> list[Site]:
    """The children of `site` whose dashboards `actor` sees whole (side by side)."""
    return [child for child in site.children.order_by("id") if sees_whole_site(actor, child)]


# --------------------------------------------------------------------------- figures


@dataclass
class Part:
    """One count of a figure and the items behind it (the drill-down)."""

    key: str
    label: str
    count: int
    items: QuerySet | list
    columns: list[str] = field(default_factory=list)
    cells: Callable[[object], list] = lambda obj: [str(obj)]
    link: Callable[[object], str] = lambda obj: ""
    #: filters the drill-down accepts: query parameter -> lookup on the items
    filters: dict[str, str] = field(default_factory=dict)


@dataclass
class Figure:
    code: str
    title: str
    section: str
    parts: list[Part]
    note: str = ""
    #: the figure's table (also the chart's data): headers, rows of cells
    headers: list[str] = field(default_factory=list)
    rows: list[list] = field(default_factory=list)
    #: the chart: "bar" (stacked, categories = first column) or "heatmap" or "" (table only)
    chart: str = "bar"
    #: row cells that link to a drill-down: (row index, column index) -> query string
    cell_links: dict[tuple[int, int], str] = field(default_factory=dict)
    #: more chart data (the heatmap's cells)
    extra: dict = field(default_factory=dict)

    def part(self, key: str | None) -> Part | None:
        if not key:
            return self.parts[0] if self.parts else None
        return next((p for p in self.parts if p.key == key), None)

    def chart_data(self) -> dict:
        """What static/oversight/dashboard.js draws: categories and one series per column."""
        numeric = [
            i for i in range(1, len(self.headers)) if all(isinstance(r[i], int) for r in self.rows)
        ]
        return {
            "code": self.code,
            "type": self.chart,
            "title": self.title,
            "categories": [str(r[0]) for r in self.rows],
            "series": [
                {"name": str(self.headers[i]), "data": [r[i] for r in self.rows]} for i in numeric
            ],
            **self.extra,
        }


@dataclass(frozen=True)
class RegisteredFigure:
    code: str
    func: Callable[[Scope], Figure]
    section: str
    order: int


_registry: dict[str, RegisteredFigure] = {}


def register_figure(code: str, func: Callable[[Scope], Figure], section: str, order: int = 50):
    """Add a figure to the dashboard; registering a code again replaces it (ready() may run
    more than once in tests). For example, in the participation app's ready()::

        def unanswered(scope):
            qs = scope.filter(Message.objects.filter(site=scope.site, answered_at=None))
            return Figure("messages", "留言未答复", "participation",
                          [Part("open", "未答复", qs.count(), qs, ["标题"], lambda m: [m.title],
                                lambda m: reverse("participation_staff:message", args=[m.pk]))])

        register_figure("messages", unanswered, "participation", order=70)

    The page, the drill-down /staff/oversight/figures/messages/, the API and the parent site's
    side-by-side table then show it with no other change."""
    _registry[code] = RegisteredFigure(code, func, section, order)


def registered_figures() -> list[RegisteredFigure]:
    return sorted(_registry.values(), key=lambda f: (f.order, f.code))


def compute(code: str, scope: Scope) -> Figure | None:
    entry = _registry.get(code)
    return entry.func(scope) if entry else None


def compute_all(scope: Scope) -> list[Figure]:
    return [entry.func(scope) for entry in registered_figures()]


# --------------------------------------------------------------------------- helpers


def _item_url(item) -> str:
    return reverse("catalogue_staff:item_edit", args=[item.pk])


def _record_url(record) -> str:
    return reverse("records_staff:detail", args=[record.pk])


def _leaves(scope: Scope) -> QuerySet[CatalogueItem]:
    """The leaves in force that require proactive publication (主动公开), of the scope's
    organisations when the scope is not the whole site."""
    qs = CatalogueItem.objects.filter(
        site=scope.site, numchild=0, is_retired=False, mode_proactive=True
    )
    if scope.organisations is not None:
        through = CatalogueItem.organisations.through
        qs = qs.filter(
            pk__in=through.objects.filter(organisation__in=scope.organisations).values(
                "catalogueitem_id"
            )
        )
    return qs


def _current_records(scope: Scope) -> QuerySet[Record]:
    """Published records (current: not withdrawn or expired) of the scope."""
    return scope.filter(Record.objects.filter(site=scope.site, state=State.PUBLISHED))


def _with_record(scope: Scope, qs: QuerySet[CatalogueItem]) -> QuerySet[CatalogueItem]:
    return qs.annotate(
        has_record=Exists(_current_records(scope).filter(catalogue_item=OuterRef("pk")))
    )


LEAF_COLUMNS = ["公开领域", "事项", "层级", "五公开", "公开时限"]


def _leaf_cells(item) -> list:
    return [
        item.domain.name,
        item.name,
        item.level_label,
        item.five_stage or "—",
        item.deadline_text,
    ]


def _leaf_part(key, label, count, items) -> Part:
    return Part(
        key,
        label,
        count,
        items.select_related("domain").order_by("domain__sort_order", "domain_id", "path"),
        LEAF_COLUMNS,
        _leaf_cells,
        _item_url,
        {"domain": "domain_id", "stage": "five_stage"},
    )


# --------------------------------------------------------------------------- coverage


def coverage(scope: Scope) -> Figure:
    """目录覆盖: leaves with at least one current published record, per domain and level."""
    leaves = _with_record(scope, _leaves(scope))
    rows = (
        leaves.order_by()
        .values("domain_id", "domain__name", "domain__sort_order", "depth")
        .annotate(total=Count("pk"), covered=Count("pk", filter=Q(has_record=True)))
        .order_by("domain__sort_order", "domain_id", "depth")
    )
    table, links = [], {}
    for i, row in enumerate(rows):
        level = LEVEL_LABELS.get(row["depth"], f"{row['depth']}级事项")
        table.append(
            [
                f"{row['domain__name']}·{level}",
                row["covered"],
                row["total"] - row["covered"],
                f"{_percent(row['covered'], row['total'])}",
            ]
        )
        links[(i, 1)] = f"part=covered&domain={row['domain_id']}"
        links[(i, 2)] = f"part=uncovered&domain={row['domain_id']}"
    total = sum(r["total"] for r in rows)
    covered = sum(r["covered"] for r in rows)
    return Figure(
        "coverage",
        "目录覆盖",
        "catalogue",
        [
            _leaf_part(
                "uncovered", "尚无现行信息的事项", total - covered, leaves.filter(has_record=False)
            ),
            _leaf_part("covered", "已有现行信息的事项", covered, leaves.filter(has_record=True)),
            _leaf_part("all", "应主动公开的事项", total, leaves),
        ],
        note="标准目录中应主动公开、未停用的末级事项，至少有一条现行（已发布、未撤回、未失效）政府信息即为已覆盖。",
        headers=["公开领域·层级", "已覆盖", "未覆盖", "覆盖率"],
        rows=table,
        cell_links=links,
    )


def _percent(part: int, whole: int) -> str:
    return f"{part * 100 / whole:.1f}%" if whole else "—"


# --------------------------------------------------------------------------- timeliness


RECORD_COLUMNS = ["标题", "发布机构", "公开事项", "发布日期", "公开期限", "时效"]


def _record_cells(record) -> list:
    if record.days_late:
        status = f"超期 {record.days_late} 个工作日"
    elif record.due_date is None:
        status = "不设期限"
    else:
        status = "按时"
    return [
        record.title,
        record.organisation.name,
        record.catalogue_item.name,
        timezone.localtime(record.published_at).date() if record.published_at else "—",
        record.due_date or "—",
        status,
    ]


def _record_part(key, label, count, items, columns=RECORD_COLUMNS, cells=_record_cells) -> Part:
    return Part(
        key,
        label,
        count,
        items.select_related("organisation", "catalogue_item").order_by("-published_at", "-id"),
        columns,
        cells,
        _record_url,
        {"organisation": "organisation_id"},
    )


def timeliness(scope: Scope) -> Figure:
    """发布时效 this year: records published within their leaf's deadline or late, per
    organisation. The deadline is the leaf's rule (catalogue.deadlines, 《条例》第二十六条)
    applied when the record was published (records.deadlines: `days_late`, 0 = on time)."""
    start = date(scope.today.year, 1, 1)
    records = scope.filter(
        Record.objects.filter(
            site=scope.site,
            state__in=PUBLIC_STATES,
            published_at__date__gte=start,
            published_at__date__lte=scope.today,
        )
    )
    on_time = Q(due_date__isnull=False, days_late=0)
    late = Q(days_late__gt=0)
    no_deadline = Q(due_date__isnull=True) & ~late
    rows = (
        records.order_by()
        .values("organisation_id", "organisation__name", "organisation__path")
        .annotate(
            on_time=Count("pk", filter=on_time),
            late=Count("pk", filter=late),
            none=Count("pk", filter=no_deadline),
        )
        .order_by("organisation__path")
    )
    table, links = [], {}
    for i, row in enumerate(rows):
        table.append(
            [
                row["organisation__name"],
                row["on_time"],
                row["late"],
                row["none"],
                _percent(row["on_time"], row["on_time"] + row["late"]),
            ]
        )
        for col, key in ((1, "on_time"), (2, "late"), (3, "no_deadline")):
            links[(i, col)] = f"part={key}&organisation={row['organisation_id']}"
    sums = {k: sum(r[k] for r in rows) for k in ("on_time", "late", "none")}
    return Figure(
        "timeliness",
        f"{scope.today.year}年发布时效",
        "records",
        [
            _record_part("late", "超期发布", sums["late"], records.filter(late)),
            _record_part("on_time", "按时发布", sums["on_time"], records.filter(on_time)),
            _record_part("no_deadline", "不设期限", sums["none"], records.filter(no_deadline)),
        ],
        note="按事项的公开时限（《条例》第二十六条：信息形成或者变更之日起 20 个工作日内，另有规定的从其规定）在发布时判定。",
        headers=["机构", "按时", "超期", "不设期限", "按时率"],
        rows=table,
        cell_links=links,
    )


# --------------------------------------------------------------------------- duties and slots


def _horizon(scope: Scope) -> date:
    return add_working_days(scope.today, DUE_HORIZON_DAYS).date


DUTY_COLUMNS = ["标题", "发布机构", "公开事项", "状态", "公开期限"]


def _duty_cells(record) -> list:
    return [
        record.title,
        record.organisation.name,
        record.catalogue_item.name,
        record.get_state_display(),
        record.due_date,
    ]


def duties(scope: Scope) -> Figure:
    """待发布信息: records formed but not yet published, due within DUE_HORIZON_DAYS working
    days or overdue (records.deadlines.duties_for counts the same way)."""
    horizon = _horizon(scope)
    open_records = scope.filter(
        Record.objects.filter(site=scope.site, state__in=OPEN_STATES, due_date__isnull=False)
    )
    overdue = Q(due_date__lt=scope.today)
    due = Q(due_date__gte=scope.today, due_date__lte=horizon)
    return per_organisation(
        Figure(
            "duties",
            "待发布信息到期",
            "records",
            [
                _record_part(
                    "overdue",
                    "已超期未发布",
                    0,
                    open_records.filter(overdue),
                    DUTY_COLUMNS,
                    _duty_cells,
                ),
                _record_part(
                    "due",
                    f"{DUE_HORIZON_DAYS}个工作日内到期",
                    0,
                    open_records.filter(due),
                    DUTY_COLUMNS,
                    _duty_cells,
                ),
            ],
            note="已录入但未发布的信息，按其公开期限统计。",
        ),
        open_records,
        {"overdue": overdue, "due": due},
    )


SLOT_COLUMNS = ["公开事项", "期次", "公开主体", "公开期限"]


def _slot_cells(slot) -> list:
    return [slot.catalogue_item.name, slot.label, slot.organisation.name, slot.due_date]


def _slot_url(slot) -> str:
    return reverse("records_staff:new") + f"?item={slot.catalogue_item_id}&slot={slot.pk}"


def slots(scope: Scope) -> Figure:
    """定期公开期次: periods of periodic leaves (每月/每季度/每年) due or missed without a
    published record (records.models.ExpectedSlot; due 20 working days after the period)."""
    horizon = _horizon(scope)
    open_slots = scope.filter(ExpectedSlot.objects.filter(site=scope.site)).exclude(
        Exists(Record.objects.filter(slot=OuterRef("pk"), state=State.PUBLISHED).order_by())
    )
    missed = Q(due_date__lt=scope.today)
    due = Q(due_date__gte=scope.today, due_date__lte=horizon)

    def part(key, label, items):
        return Part(
            key,
            label,
            0,
            items.select_related("catalogue_item", "organisation").order_by("due_date", "id"),
            SLOT_COLUMNS,
            _slot_cells,
            _slot_url,
            {"organisation": "organisation_id"},
        )

    return per_organisation(
        Figure(
            "slots",
            "定期公开期次",
            "records",
            [
                part("missed", "已过期未发布", open_slots.filter(missed)),
                part("due", f"{DUE_HORIZON_DAYS}个工作日内到期", open_slots.filter(due)),
            ],
            note="每月、每季度、每年公开的事项，每一期在期末后 20 个工作日内应有一条已发布的信息。",
        ),
        open_slots,
        {"missed": missed, "due": due},
    )


def per_organisation(figure: Figure, qs: QuerySet, conditions: dict[str, Q]) -> Figure:
    """Fill the figure's table (one row per organisation, one column per part) and its
    parts' counts from one aggregate query."""
    rows = (
        qs.order_by()
        .values("organisation_id", "organisation__name", "organisation__path")
        .annotate(**{key: Count("pk", filter=cond) for key, cond in conditions.items()})
        .order_by("organisation__path")
    )
    rows = [r for r in rows if any(r[k] for k in conditions)]
    keys = [p.key for p in figure.parts]
    figure.headers = ["机构", *[p.label for p in figure.parts]]
    for i, row in enumerate(rows):
        figure.rows.append([row["organisation__name"], *[row[k] for k in keys]])
        for col, key in enumerate(keys, start=1):
            figure.cell_links[(i, col)] = f"part={key}&organisation={row['organisation_id']}"
    for part in figure.parts:
        part.count = sum(r[part.key] for r in rows)
    return figure


# --------------------------------------------------------------------------- requests


REQUEST_COLUMNS = ["申请编号", "被申请机关", "收到日期", "状态", "答复期限"]


def _request_cells(case) -> list:
    due = f"{case.due_date}{'（暂定）' if case.due_provisional else ''}" if case.due_date else "—"
    return [case.serial, case.organisation.name, case.received_on, case.get_state_display(), due]


def requests(scope: Scope) -> Figure:
    """依申请公开: open requests past their reply date or due within DUE_HORIZON_DAYS working
    days. The reply date is foi's own (《条例》第三十三条, computed from the case's events by
    foi.rules and kept on the case); open and overdue mean what the foi list's filters mean."""
    horizon = _horizon(scope)
    cases = scope.filter(
        FoiRequest.objects.filter(
            site=scope.site, state__in=FOI_OPEN, void=False, due_date__isnull=False
        )
    )
    overdue = Q(due_date__lt=scope.today)
    due = Q(due_date__gte=scope.today, due_date__lte=horizon)

    def part(key, label, items):
        return Part(
            key,
            label,
            0,
            items.select_related("organisation").order_by("due_date", "id"),
            REQUEST_COLUMNS,
            _request_cells,
            lambda case: reverse("foi_staff:case", args=[case.pk]),
            {"organisation": "organisation_id"},
        )

    return per_organisation(
        Figure(
            "requests",
            "依申请公开答复期限",
            "foi",
            [
                part("overdue", "已超过答复期限", cases.filter(overdue)),
                part("due", f"{DUE_HORIZON_DAYS}个工作日内到期", cases.filter(due)),
            ],
            note="办理中的申请按答复期限统计（《条例》第三十三条：20 个工作日，延长不超过 20 个工作日）。",
        ),
        cases,
        {"overdue": overdue, "due": due},
    )


# --------------------------------------------------------------------------- matrix

#: the matrix's columns beyond 五公开: 发布 (any current record), 解读 (policies to interpret,
#: 国办发〔2016〕80号), 回应 (回应关切 records)
PROCESS_COLUMNS = [("发布", "publish"), ("解读", "interpret"), ("回应", "respond")]


def matrix(scope: Scope) -> Figure:
    """领域 × 环节: for each domain, the leaves of each 五公开 stage in the standard and those
    with current records; then 发布 (all leaves), 解读 (leaves whose policies must be
    interpreted, and those with a published interpretation) and 回应 (leaves with 回应关切
    records; the standard does not mark which leaves need a response)."""
    records = _current_records(scope)
    leaves = _leaves(scope).annotate(
        has_record=Exists(records.filter(catalogue_item=OuterRef("pk"))),
        has_interpretation=Exists(
            records.filter(kind=Kind.INTERPRETATION).filter(
                Q(catalogue_item=OuterRef("pk")) | Q(policy__catalogue_item=OuterRef("pk"))
            )
        ),
        has_response=Exists(records.filter(kind=Kind.RESPONSE, catalogue_item=OuterRef("pk"))),
    )
    needs_interpretation = Q(
        publishing__interpretation_rule__in=[InterpretationRule.BLOCK, InterpretationRule.NOTICE]
    )
    aggregates = {}
    for stage in FiveStage:
        aggregates[f"s_{stage.name}"] = Count("pk", filter=Q(five_stage=stage.value))
        aggregates[f"c_{stage.name}"] = Count(
            "pk", filter=Q(five_stage=stage.value, has_record=True)
        )
    aggregates["s_publish"] = Count("pk")
    aggregates["c_publish"] = Count("pk", filter=Q(has_record=True))
    aggregates["s_interpret"] = Count("pk", filter=needs_interpretation)
    aggregates["c_interpret"] = Count("pk", filter=Q(has_interpretation=True))
    aggregates["c_respond"] = Count("pk", filter=Q(has_response=True))
    rows = (
        leaves.order_by()
        .values("domain_id", "domain__name", "domain__sort_order")
        .annotate(**aggregates)
        .order_by("domain__sort_order", "domain_id")
    )
    columns = [(stage.label, stage.name) for stage in FiveStage] + PROCESS_COLUMNS
    table, links, heat = [], {}, []
    for i, row in enumerate(rows):
        cells = [row["domain__name"]]
        for col, (_label, key) in enumerate(columns, start=1):
            standard = row.get(f"s_{key}")
            covered = row[f"c_{key}"]
            cells.append(f"{covered}/{standard}" if standard is not None else f"{covered}/—")
            links[(i, col)] = f"part={key}&domain={row['domain_id']}"
            heat.append([col - 1, i, covered, standard])
        table.append(cells)
    parts = []
    for stage in FiveStage:
        parts.append(
            _leaf_part(
                stage.name,
                f"{stage.label}：有现行信息的事项",
                sum(r[f"c_{stage.name}"] for r in rows),
                leaves.filter(five_stage=stage.value, has_record=True),
            )
        )
    parts.append(
        _leaf_part(
            "publish",
            "发布：有现行信息的事项",
            sum(r["c_publish"] for r in rows),
            leaves.filter(has_record=True),
        )
    )
    parts.append(
        _leaf_part(
            "interpret",
            "解读：有已发布解读的事项",
            sum(r["c_interpret"] for r in rows),
            leaves.filter(has_interpretation=True),
        )
    )
    parts.append(
        _leaf_part(
            "respond",
            "回应：有回应关切的事项",
            sum(r["c_respond"] for r in rows),
            leaves.filter(has_response=True),
        )
    )
    for stage in FiveStage:
        parts.append(
            _leaf_part(
                f"{stage.name}_standard",
                f"{stage.label}：标准中的事项",
                sum(r[f"s_{stage.name}"] for r in rows),
                leaves.filter(five_stage=stage.value),
            )
        )
    parts.append(
        _leaf_part(
            "interpret_standard",
            "解读：标准要求解读的事项",
            sum(r["s_interpret"] for r in rows),
            leaves.filter(needs_interpretation),
        )
    )
    return Figure(
        "matrix",
        "领域 × 环节覆盖",
        "catalogue",
        parts,
        note="每格为“有现行信息的事项 / 标准中的事项”。回应关切在标准目录中没有对应要素，只统计已有回应的事项。",
        headers=["公开领域", *[label for label, _key in columns]],
        rows=table,
        chart="heatmap",
        cell_links=links,
        extra={"columns": [label for label, _key in columns], "cells": heat},
    )


# --------------------------------------------------------------------------- annual reports


def annual_report_due(organisation: Organisation, year: int) -> date:
    """The date by which `organisation` publishes its report for `year`: the government's by
    31 March of the next year (《条例》第五十条), a department's by 31 January (第四十九条)."""
    if organisation.kind == OrganisationKind.GOVERNMENT:
        return date(year + 1, 3, 31)
    return date(year + 1, 1, 31)


def annual_reports(scope: Scope) -> Figure:
    """年度报告: last year's reports, who has and who has not published one, with the dates."""
    year = scope.today.year - 1
    organisations = services.reporting_organisations(scope.site)
    if scope.organisations is not None:
        organisations = organisations.filter(pk__in=scope.organisations.values("pk"))
    organisations = organisations.annotate(
        has_report=Exists(AnnualReport.objects.filter(organisation=OuterRef("pk"), year=year))
    ).order_by("path")
    rows = list(organisations)
    missing = [o for o in rows if not o.has_report]
    done = [o for o in rows if o.has_report]
    late = [o for o in missing if annual_report_due(o, year) < scope.today]

    def cells(org) -> list:
        due = annual_report_due(org, year)
        if org.has_report:
            status = "已公布"
        elif due < scope.today:
            status = "逾期未公布"
        else:
            status = "未公布"
        return [org.name, str(due), status]

    def part(key, label, items):
        return Part(
            key,
            label,
            len(items),
            items,
            ["报告机关", "截止日期", "状态"],
            cells,
            lambda org: reverse("oversight_staff:reports"),
        )

    table = []
    for label, kind_filter, due in (
        (
            "政府部门等（1月31日前）",
            lambda o: o.kind != OrganisationKind.GOVERNMENT,
            date(year + 1, 1, 31),
        ),
        (
            "本级政府（3月31日前）",
            lambda o: o.kind == OrganisationKind.GOVERNMENT,
            date(year + 1, 3, 31),
        ),
    ):
        group = [o for o in rows if kind_filter(o)]
        if group:
            table.append(
                [
                    f"{label} {due:%Y-%m-%d}",
                    sum(1 for o in group if o.has_report),
                    sum(1 for o in group if not o.has_report),
                ]
            )
    return Figure(
        "annual_reports",
        f"{year}年度政府信息公开工作年度报告",
        "reports",
        [
            part("missing", "未公布", missing),
            part("late", "逾期未公布", late),
            part("done", "已公布", done),
        ],
        note="《条例》第四十九条：政府部门于每年 1 月 31 日前提交并公布上一年度报告；第五十条：本级政府的报告于 3 月 31 日前公布。",
        headers=["报告机关", "已公布", "未公布"],
        rows=table,
    )


# --------------------------------------------------------------------------- the registry

SECTIONS = {
    "catalogue": "标准目录",
    "records": "主动公开",
    "foi": "依申请公开",
    "participation": "互动交流",
    "reports": "年度报告",
}

register_figure("coverage", coverage, "catalogue", order=10)
register_figure("matrix", matrix, "catalogue", order=20)
register_figure("timeliness", timeliness, "records", order=30)
register_figure("duties", duties, "records", order=40)
register_figure("slots", slots, "records", order=50)
register_figure("requests", requests, "foi", order=60)
register_figure("annual_reports", annual_reports, "reports", order=90)


# --------------------------------------------------------------------------- acceptance package

FIGURES_PACKAGE_FILE = "02-公开覆盖率与发布时效等监测数据.xlsx"


def figures_xlsx(site: Site, year: int) -> bytes:
    """The dashboard's figures for the acceptance package: one sheet per figure with its table
    and parts, counted for the whole site as of the end of `year` (or today, in the current
    year). Coverage and the open items are as they stand on that day's data."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    from gongkai.core.exports import xlsx_cell

    def plain(value):  # labels may be lazy translations
        return value if value is None or isinstance(value, int | float | date) else str(value)

    today = min(timezone.localdate(), date(year, 12, 31))
    scope = Scope(site, None, today)
    book = Workbook()
    index = book.active
    index.title = "目录"
    for column, value in enumerate(["监测项", "分项", "数量", "说明"], start=1):
        xlsx_cell(index, 1, column, value).font = Font(bold=True)
    row = 2
    for number, figure in enumerate(compute_all(scope), start=1):
        for part in figure.parts:
            for column, value in enumerate([figure.title, part.label, part.count, figure.note], 1):
                xlsx_cell(index, row, column, plain(value))
            row += 1
        sheet = book.create_sheet(f"{number:02d}{figure.title}"[:31])
        xlsx_cell(sheet, 1, 1, f"{site.name}：{figure.title}（统计时点 {today:%Y-%m-%d}）")
        for column, value in enumerate(figure.headers, start=1):
            xlsx_cell(sheet, 3, column, plain(value)).font = Font(bold=True)
        for r, cells in enumerate(figure.rows, start=4):
            for column, value in enumerate(cells, start=1):
                xlsx_cell(sheet, r, column, plain(value))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
