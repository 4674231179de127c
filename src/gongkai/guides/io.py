"""Guides as .xlsx: export the guide in force of every item, import a file all or nothing.

Sheets (Chinese headers): “办事事项” one row per item with its guide, “申请材料” one row per
material, “办理流程” one row per step, both keyed by 事项编码. Every value goes through one
neutral form (`GuideData`): the exporter renders it, the importer parses into it, the demo
builds it, and `write_guides` is the one path that stores it — so what is exported re-imports
identically.

Import rules (decided here, see docs in `import_guides`):
- all or nothing: every problem is collected with its sheet and row, and nothing is written
  when there is one; unknown 实施机构 / 对应证照 / 事项类型 / 主题 / 受理窗口 / 标准目录事项, a
  事项编码 twice, a date or number that is not one are errors;
- an imported guide is a new draft version (编号 = last + 1) awaiting the same review as any
  guide (先审后发, 《政府信息公开条例》第十七条); a row equal to the item's latest version
  changes nothing, so the same file twice is harmless;
- `publish=True` is only for the initial migration of a site that has no service items yet,
  from the command line (the system actor): the guides were reviewed and published on the old
  system, and sending hundreds back through review would leave the public with none for weeks.
  Each guide must then pass rules.missing_elements.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation

from gongkai.catalogue.io.errors import CatalogueFileError, Issue
from gongkai.catalogue.models import CatalogueItem, ListedItem
from gongkai.core import permissions
from gongkai.core.audit import record_event
from gongkai.core.exports import xlsx_cell
from gongkai.core.models import AuditEventType, Organisation, Role, Site
from gongkai.core.uploads import SuspiciousFile, accept_by_content, run_bounded
from gongkai.records.models import State

from . import rules
from .models import (
    Audience,
    CertificateType,
    Condition,
    Guide,
    ItemStatus,
    ItemType,
    LifeEvent,
    Material,
    MaterialForm,
    MaterialSource,
    ServiceItem,
    Step,
    Window,
)

MAX_BYTES = 10 * 1024 * 1024
SHEET_ITEMS = "办事事项"
SHEET_MATERIALS = "申请材料"
SHEET_STEPS = "办理流程"
YES, NO = "是", "否"
PATH_SEPARATOR = " › "
LIST_SEPARATOR = "、"
#: states of a version still on its way to publication: a new import would overtake it
OPEN_STATES = (State.DRAFT, State.SUBMITTED, State.RETURNED, State.APPROVED)


class GuideFileError(CatalogueFileError):
    """A guides file that cannot be imported; `issues` lists every problem, nothing was saved."""


# --------------------------------------------------------------------------- neutral form


@dataclass(frozen=True)
class MaterialData:
    order: int
    name: str
    source: str = MaterialSource.APPLICANT
    copies: int = 1
    form: str = MaterialForm.ORIGINAL
    required: bool = True
    legal_basis: str = ""
    notes: str = ""
    certificate_id: int | None = None


@dataclass(frozen=True)
class StepData:
    order: int
    name: str
    description: str = ""
    time_limit_days: int | None = None
    fee_text: str = "不收费"


@dataclass(frozen=True)
class GuideData:
    """One item with one guide version, as plain values (ids for the site's objects)."""

    code: str
    name: str
    item_type: str
    organisation_id: int
    effective_from: date
    audience: str = Audience.PERSON
    status: str = ItemStatus.ACTIVE
    catalogue_item_id: int | None = None
    life_event_ids: tuple[int, ...] = ()
    most_once: bool = False
    visits_required: int = 1
    legal_basis: str = ""
    applicant: str = ""
    conditions: tuple[str, ...] = ()
    summary: str = ""
    statutory_limit_days: int | None = None
    promised_limit_days: int | None = None
    fee_free: bool = True
    fee_text: str = ""
    fee_basis: str = ""
    address: str = ""
    hours: str = ""
    window_ids: tuple[int, ...] = ()
    online_url: str = ""
    consult_phone: str = ""
    complaint_phone: str = ""
    verified_on: date | None = None
    change_reason: str = ""
    materials: tuple[MaterialData, ...] = ()
    steps: tuple[StepData, ...] = ()

    def item_part(self) -> tuple:
        """The item's own fields: not versioned, changed in place by an import."""
        return tuple(getattr(self, f) for f in ITEM_FIELDS)

    def guide_part(self) -> GuideData:
        """What makes two guide versions the same (the change reason is not content)."""
        blank = {f: getattr(EMPTY, f) for f in ITEM_FIELDS}
        return replace(self, change_reason="", **blank)


#: GuideData fields that belong to the ServiceItem, not to a guide version
ITEM_FIELDS = (
    "name",
    "item_type",
    "organisation_id",
    "audience",
    "status",
    "catalogue_item_id",
    "life_event_ids",
)
EMPTY = GuideData(code="", name="", item_type="", organisation_id=0, effective_from=date.min)


def data_from_guide(guide: Guide) -> GuideData:
    item = guide.item
    return GuideData(
        code=item.code,
        name=item.name,
        item_type=item.item_type,
        organisation_id=item.organisation_id,
        effective_from=guide.effective_from,
        audience=item.audience,
        status=item.status,
        catalogue_item_id=item.catalogue_item_id,
        life_event_ids=tuple(sorted(e.pk for e in item.life_events.all())),
        most_once=guide.most_once,
        visits_required=guide.visits_required,
        legal_basis=guide.legal_basis,
        applicant=guide.applicant,
        conditions=tuple(c.text for c in guide.conditions.all()),
        summary=guide.summary,
        statutory_limit_days=guide.statutory_limit_days,
        promised_limit_days=guide.promised_limit_days,
        fee_free=guide.fee_free,
        fee_text=guide.fee_text,
        fee_basis=guide.fee_basis,
        address=guide.address,
        hours=guide.hours,
        window_ids=tuple(sorted(w.pk for w in guide.windows.all())),
        online_url=guide.online_url,
        consult_phone=guide.consult_phone,
        complaint_phone=guide.complaint_phone,
        verified_on=guide.verified_on,
        change_reason=guide.change_reason,
        materials=tuple(
            MaterialData(
                order=m.order,
                name=m.name,
                source=m.source,
                copies=m.copies,
                form=m.form,
                required=m.required,
                legal_basis=m.legal_basis,
                notes=m.notes,
                certificate_id=m.certificate_id,
            )
            for m in guide.materials.all()
        ),
        steps=tuple(
            StepData(
                order=s.order,
                name=s.name,
                description=s.description,
                time_limit_days=s.time_limit_days,
                fee_text=s.fee_text,
            )
            for s in guide.steps.all()
        ),
    )


# --------------------------------------------------------------------------- the columns

#: (header, GuideData field) of the item sheet, in order
ITEM_COLUMNS = [
    ("事项编码", "code"),
    ("事项名称", "name"),
    ("事项类型", "item_type"),
    ("服务对象", "audience"),
    ("事项状态", "status"),
    ("实施机构", "organisation_id"),
    ("标准目录事项", "catalogue_item_id"),
    ("主题", "life_event_ids"),
    ("最多跑一次", "most_once"),
    ("到现场次数", "visits_required"),
    ("设定依据", "legal_basis"),
    ("申请对象", "applicant"),
    ("受理条件（每行一条）", "conditions"),
    ("简版说明", "summary"),
    ("法定办结时限（工作日）", "statutory_limit_days"),
    ("承诺办结时限（工作日）", "promised_limit_days"),
    ("是否收费", "fee_free"),
    ("收费标准", "fee_text"),
    ("收费依据", "fee_basis"),
    ("办理地点", "address"),
    ("办理时间", "hours"),
    ("受理窗口", "window_ids"),
    ("网上办理地址", "online_url"),
    ("咨询电话", "consult_phone"),
    ("监督投诉电话", "complaint_phone"),
    ("生效日期", "effective_from"),
    ("最近核验日期", "verified_on"),
    ("变更说明", "change_reason"),
]
MATERIAL_COLUMNS = [
    ("事项编码", "code"),
    ("序号", "order"),
    ("材料名称", "name"),
    ("来源渠道", "source"),
    ("份数", "copies"),
    ("材料形式", "form"),
    ("是否必要", "required"),
    ("设定依据", "legal_basis"),
    ("填报须知", "notes"),
    ("对应证照或数据", "certificate_id"),
]
STEP_COLUMNS = [
    ("事项编码", "code"),
    ("序号", "order"),
    ("环节名称", "name"),
    ("办理内容", "description"),
    ("环节时限（工作日）", "time_limit_days"),
    ("环节收费", "fee_text"),
]
REQUIRED_ITEM = ("code", "name", "item_type", "organisation_id", "effective_from")


def _labels(choices) -> dict[str, str]:
    with translation.override("zh-hans"):
        return {value: str(label) for value, label in choices.choices}


def _header_key(text: str) -> str:
    """A header as written by hand: no spaces, no asterisks, no note in brackets."""
    return re.sub(r"[（(][^）)]*[）)]|\s|\*|＊", "", text or "")


class SiteNames:
    """The site's objects by the names a file uses, and back."""

    def __init__(self, site: Site):
        from gongkai.catalogue.io.importer import OrganisationMatcher

        self.site = site
        self.orgs = OrganisationMatcher(site)
        self.org_names = dict(Organisation.objects.filter(site=site).values_list("pk", "name"))
        self.certificates = dict(
            CertificateType.objects.filter(site=site).values_list("name", "pk")
        )
        self.life_events = dict(LifeEvent.objects.filter(site=site).values_list("name", "pk"))
        self.windows = dict(Window.objects.filter(site=site).values_list("number", "pk"))
        self.catalogue = catalogue_paths(site)
        self.types = _labels(ItemType)
        self.audiences = _labels(Audience)
        self.statuses = _labels(ItemStatus)
        self.sources = _labels(MaterialSource)
        self.forms = _labels(MaterialForm)

    def back(self, mapping: dict) -> dict:
        return {v: k for k, v in mapping.items()}


def catalogue_paths(site: Site) -> dict[str, int]:
    """“领域 › 一级事项 › 二级事项” → id of each live catalogue item of the site."""
    paths: dict[str, int] = {}
    stack: list[str] = []
    for pk, name, depth, domain in (
        CatalogueItem.objects.filter(site=site, is_retired=False)
        .order_by("domain__sort_order", "domain_id", "path")
        .values_list("pk", "name", "depth", "domain__name")
    ):
        del stack[depth - 1 :]
        stack.append(name)
        paths[PATH_SEPARATOR.join([domain, *stack])] = pk
    return paths


# --------------------------------------------------------------------------- export


def _cell(value):
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, date):
        return value.isoformat()
    return value


def render_rows(data: GuideData, names: SiteNames, catalogue_names: dict[int, str]):
    """(item row, material rows, step rows) of one guide, as cell values."""
    values = {
        **data.__dict__,
        "item_type": names.types.get(data.item_type, data.item_type),
        "audience": names.audiences.get(data.audience, data.audience),
        "status": names.statuses.get(data.status, data.status),
        "organisation_id": names.org_names.get(data.organisation_id, ""),
        "catalogue_item_id": catalogue_names.get(data.catalogue_item_id, ""),
        "life_event_ids": LIST_SEPARATOR.join(
            sorted(n for n, pk in names.life_events.items() if pk in data.life_event_ids)
        ),
        "window_ids": LIST_SEPARATOR.join(
            sorted(n for n, pk in names.windows.items() if pk in data.window_ids)
        ),
        "conditions": "\n".join(data.conditions),
        "fee_free": not data.fee_free,  # the column asks 是否收费
    }
    item_row = [_cell(values[key]) for _header, key in ITEM_COLUMNS]
    certificates = names.back(names.certificates)
    material_rows = []
    for m in data.materials:
        row = {
            **m.__dict__,
            "code": data.code,
            "source": names.sources.get(m.source, m.source),
            "form": names.forms.get(m.form, m.form),
            "certificate_id": certificates.get(m.certificate_id, ""),
        }
        material_rows.append([_cell(row[key]) for _h, key in MATERIAL_COLUMNS])
    step_rows = [
        [_cell({**s.__dict__, "code": data.code}[key]) for _h, key in STEP_COLUMNS]
        for s in data.steps
    ]
    return item_row, material_rows, step_rows


def _append(ws, values) -> None:
    """A row of cells, none of them a formula (text starting with = + - @ stays text)."""
    row = ws.max_row + 1
    for column, value in enumerate(values, 1):
        xlsx_cell(ws, row, column, value)


def export_guides(site: Site, on: date | None = None) -> bytes:
    """The .xlsx of every item's guide in force (items without one are not exported: there is
    nothing public to carry)."""
    import openpyxl
    from openpyxl.styles import Alignment, Font

    names = SiteNames(site)
    catalogue_names = names.back(names.catalogue)
    workbook = openpyxl.Workbook()
    sheets = []
    for index, (title, columns) in enumerate(
        (
            (SHEET_ITEMS, ITEM_COLUMNS),
            (SHEET_MATERIALS, MATERIAL_COLUMNS),
            (SHEET_STEPS, STEP_COLUMNS),
        )
    ):
        ws = workbook.active if index == 0 else workbook.create_sheet()
        ws.title = title
        ws.append([header for header, _key in columns])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
        sheets.append(ws)
    guides = rules.guides_in_force(ServiceItem.objects.filter(site=site), on)
    guides = guides.select_related("item").prefetch_related(
        "conditions", "materials", "steps", "windows", "item__life_events"
    )
    for guide in sorted(guides, key=lambda g: g.item.code):
        item_row, material_rows, step_rows = render_rows(
            data_from_guide(guide), names, catalogue_names
        )
        _append(sheets[0], item_row)
        for row in material_rows:
            _append(sheets[1], row)
        for row in step_rows:
            _append(sheets[2], row)
    wrap = Alignment(wrap_text=True, vertical="top")
    for ws in sheets:
        for column in ws.columns:
            letter = column[0].column_letter
            ws.column_dimensions[letter].width = 14 if len(column[0].value or "") < 6 else 22
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = wrap
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------- reading


@dataclass
class ImportSummary:
    created: list[str] = field(default_factory=list)  # item codes with a new item
    new_versions: list[str] = field(default_factory=list)  # item codes with a new version
    items_changed: list[str] = field(default_factory=list)  # item fields only, no new version
    unchanged: list[str] = field(default_factory=list)
    published: bool = False
    dry_run: bool = False

    def line(self) -> str:
        state = "已发布" if self.published else "草稿，待审核"
        prefix = "检查通过（未保存）：" if self.dry_run else "导入完成："
        return (
            f"{prefix}新增事项 {len(self.created)} 项，新增指南版本 {len(self.new_versions)} 个"
            f"（{state}），仅修改事项信息 {len(self.items_changed)} 项，"
            f"未变化 {len(self.unchanged)} 项。"
        )


class _Reader:
    """Cells → GuideData, collecting every problem."""

    def __init__(self, names: SiteNames):
        self.names = names
        self.issues: list[Issue] = []

    def issue(self, sheet: str, row: int, message: str) -> None:
        self.issues.append(Issue(sheet, row, message))

    def columns(self, grid, columns) -> dict[str, int] | None:
        if not grid.rows:
            self.issue(grid.label, 1, "缺少表头")
            return None
        number, header = grid.rows[0]
        keys = {_header_key(text): index for index, text in enumerate(header) if text.strip()}
        found = {}
        for title, key in columns:
            index = keys.get(_header_key(title))
            if index is not None:
                found[key] = index
        required = [t for t, k in columns if k in ("code", "name", "order") or k in REQUIRED_ITEM]
        missing = [t for t in required if columns and _header_key(t) not in keys]
        if missing:
            self.issue(grid.label, number, f"缺少列：{'、'.join(missing)}")
            return None
        return found

    def text(self, values, key, sheet, row, limit=None) -> str:
        value = values.get(key, "").strip()
        if limit and len(value) > limit:
            self.issue(sheet, row, f"内容超过 {limit} 字：{value[:20]}…")
        return value

    def integer(self, value: str, sheet, row, title, minimum=0) -> int | None:
        value = value.strip()
        if not value:
            return None
        if re.fullmatch(r"\d+(\.0+)?", value) and int(float(value)) >= minimum:
            return int(float(value))
        self.issue(sheet, row, f"“{title}”应为不小于 {minimum} 的整数，而不是“{value}”")
        return None

    def flag(self, value: str, sheet, row, title, default: bool) -> bool:
        value = value.strip().lower()
        if not value:
            return default
        if value in ("是", "y", "yes", "true", "1", "√", "✓"):
            return True
        if value in ("否", "n", "no", "false", "0", "×", "✗"):
            return False
        self.issue(sheet, row, f"“{title}”应填“是”或“否”，而不是“{value}”")
        return default

    def day(self, value: str, sheet, row, title) -> date | None:
        value = value.strip()
        if not value:
            return None
        match = re.fullmatch(
            r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]00:00(?::00)?)?",
            value,
        )
        if match:
            try:
                return date(*(int(g) for g in match.groups()))
            except ValueError:
                pass
        self.issue(sheet, row, f"“{title}”不是有效日期（应如 2026-01-01）：“{value}”")
        return None

    def choice(self, value: str, labels: dict[str, str], sheet, row, title, default=None):
        value = value.strip()
        if not value:
            if default is None:
                self.issue(sheet, row, f"缺少{title}")
            return default
        by_label = {label: key for key, label in labels.items()}
        if value in by_label:
            return by_label[value]
        if value in labels:
            return value
        known = "、".join(labels.values())
        self.issue(sheet, row, f"“{title}”无法识别：“{value}”（可填：{known}）")
        return default

    def named(self, value: str, mapping: dict, sheet, row, what: str) -> list[int]:
        ids = []
        for name in (n.strip() for n in re.split(r"[、，,；;\n]+", value or "")):
            if not name:
                continue
            if name in mapping:
                ids.append(mapping[name])
            else:
                self.issue(sheet, row, f"{what}“{name}”不存在，请先在系统中建立")
        return ids

    def organisation(self, value: str, sheet, row) -> int | None:
        if not value.strip():
            self.issue(sheet, row, "缺少实施机构")
            return None
        ids, unknown = self.names.orgs.match(value)
        if unknown or len(set(ids)) != 1:
            self.issue(sheet, row, f"实施机构“{value.strip()}”不是本站点的一个机构")
            return None
        return ids[0]

    # ------------------------------------------------------------------ sheets

    def items(self, grid) -> dict[str, tuple[int, dict]]:
        found = self.columns(grid, ITEM_COLUMNS)
        if found is None:
            return {}
        sheet, names = grid.label, self.names
        rows: dict[str, tuple[int, dict]] = {}
        for number, cells in grid.rows[1:]:
            v = {key: cells[index] if index < len(cells) else "" for key, index in found.items()}
            code = self.text(v, "code", sheet, number, 80)
            if not code:
                self.issue(sheet, number, "缺少事项编码")
                continue
            if code in rows:
                self.issue(sheet, number, f"事项编码“{code}”重复（第 {rows[code][0]} 行已有）")
                continue
            name = self.text(v, "name", sheet, number, 200)
            if not name:
                self.issue(sheet, number, "缺少事项名称")
            catalogue_id = None
            path = v.get("catalogue_item_id", "").strip()
            if path:
                key = PATH_SEPARATOR.join(p.strip() for p in re.split(r"\s*[›>/]\s*", path))
                catalogue_id = names.catalogue.get(key)
                if catalogue_id is None:
                    self.issue(sheet, number, f"标准目录事项“{path}”不存在")
            url = self.text(v, "online_url", sheet, number, 200)
            if url:
                try:
                    URLValidator(schemes=["http", "https"])(url)
                except ValidationError:
                    self.issue(sheet, number, f"网上办理地址不是有效网址：“{url}”")
            fields = {
                "code": code,
                "name": name,
                "item_type": self.choice(
                    v.get("item_type", ""), names.types, sheet, number, "事项类型"
                ),
                "audience": self.choice(
                    v.get("audience", ""),
                    names.audiences,
                    sheet,
                    number,
                    "服务对象",
                    Audience.PERSON,
                ),
                "status": self.choice(
                    v.get("status", ""),
                    names.statuses,
                    sheet,
                    number,
                    "事项状态",
                    ItemStatus.ACTIVE,
                ),
                "organisation_id": self.organisation(v.get("organisation_id", ""), sheet, number),
                "catalogue_item_id": catalogue_id,
                "life_event_ids": tuple(
                    sorted(
                        self.named(
                            v.get("life_event_ids", ""), names.life_events, sheet, number, "主题"
                        )
                    )
                ),
                "most_once": self.flag(v.get("most_once", ""), sheet, number, "最多跑一次", False),
                "visits_required": self.integer(
                    v.get("visits_required", ""), sheet, number, "到现场次数"
                ),
                "legal_basis": self.text(v, "legal_basis", sheet, number),
                "applicant": self.text(v, "applicant", sheet, number),
                "conditions": tuple(
                    line.strip() for line in v.get("conditions", "").splitlines() if line.strip()
                ),
                "summary": self.text(v, "summary", sheet, number),
                "statutory_limit_days": self.integer(
                    v.get("statutory_limit_days", ""), sheet, number, "法定办结时限"
                ),
                "promised_limit_days": self.integer(
                    v.get("promised_limit_days", ""), sheet, number, "承诺办结时限"
                ),
                "fee_free": not self.flag(v.get("fee_free", ""), sheet, number, "是否收费", False),
                "fee_text": self.text(v, "fee_text", sheet, number),
                "fee_basis": self.text(v, "fee_basis", sheet, number),
                "address": self.text(v, "address", sheet, number, 300),
                "hours": self.text(v, "hours", sheet, number, 300),
                "window_ids": tuple(
                    sorted(
                        self.named(
                            v.get("window_ids", ""), names.windows, sheet, number, "受理窗口"
                        )
                    )
                ),
                "online_url": url,
                "consult_phone": self.text(v, "consult_phone", sheet, number, 100),
                "complaint_phone": self.text(v, "complaint_phone", sheet, number, 100),
                "effective_from": self.day(v.get("effective_from", ""), sheet, number, "生效日期"),
                "verified_on": self.day(v.get("verified_on", ""), sheet, number, "最近核验日期"),
                "change_reason": self.text(v, "change_reason", sheet, number),
            }
            if fields["visits_required"] is None:
                fields["visits_required"] = 1 if not v.get("visits_required", "").strip() else 0
            if fields["effective_from"] is None and not v.get("effective_from", "").strip():
                self.issue(sheet, number, "缺少生效日期")
            rows[code] = (number, fields)
        return rows

    def children(self, grid, columns, codes, build) -> dict[str, list]:
        found = self.columns(grid, columns)
        if found is None:
            return {}
        by_code: dict[str, list] = {}
        orders: dict[tuple[str, int], int] = {}
        for number, cells in grid.rows[1:]:
            v = {key: cells[index] if index < len(cells) else "" for key, index in found.items()}
            code = v.get("code", "").strip()
            if code not in codes:
                self.issue(
                    grid.label,
                    number,
                    f"事项编码“{code}”不在“{SHEET_ITEMS}”表中" if code else "缺少事项编码",
                )
                continue
            order = self.integer(v.get("order", ""), grid.label, number, "序号", minimum=1)
            if order is None:
                if not v.get("order", "").strip():
                    self.issue(grid.label, number, "缺少序号")
                continue
            if (code, order) in orders:
                self.issue(
                    grid.label,
                    number,
                    f"事项“{code}”的序号 {order} 重复（第 {orders[code, order]} 行已有）",
                )
                continue
            orders[code, order] = number
            if not v.get("name", "").strip():
                self.issue(grid.label, number, "缺少名称")
                continue
            by_code.setdefault(code, []).append(build(v, order, grid.label, number))
        return {code: sorted(rows, key=lambda r: r.order) for code, rows in by_code.items()}

    def material(self, v, order, sheet, number) -> MaterialData:
        names = self.names
        certificate = v.get("certificate_id", "").strip()
        certificate_id = None
        if certificate:
            certificate_id = names.certificates.get(certificate)
            if certificate_id is None:
                self.issue(sheet, number, f"对应证照或数据“{certificate}”不在本站点的证照库中")
        copies = self.integer(v.get("copies", ""), sheet, number, "份数", minimum=1)
        return MaterialData(
            order=order,
            name=self.text(v, "name", sheet, number, 200),
            source=self.choice(
                v.get("source", ""),
                names.sources,
                sheet,
                number,
                "来源渠道",
                MaterialSource.APPLICANT,
            ),
            copies=copies if copies is not None else 1,
            form=self.choice(
                v.get("form", ""), names.forms, sheet, number, "材料形式", MaterialForm.ORIGINAL
            ),
            required=self.flag(v.get("required", ""), sheet, number, "是否必要", True),
            legal_basis=self.text(v, "legal_basis", sheet, number),
            notes=self.text(v, "notes", sheet, number),
            certificate_id=certificate_id,
        )

    def step(self, v, order, sheet, number) -> StepData:
        return StepData(
            order=order,
            name=self.text(v, "name", sheet, number, 100),
            description=self.text(v, "description", sheet, number),
            time_limit_days=self.integer(v.get("time_limit_days", ""), sheet, number, "环节时限"),
            fee_text=self.text(v, "fee_text", sheet, number, 200),
        )


def read_guides(data: bytes, site: Site, name: str = "") -> tuple[list[GuideData], dict]:
    """Parse and check a guides workbook; raises GuideFileError listing every problem.
    Returns the guides and {code: row number} for later messages."""
    from gongkai.catalogue.io.readers import read_xlsx

    try:
        accept_by_content(name, data, kinds=("xlsx",), purpose="办事指南表", max_bytes=MAX_BYTES)
        grids = run_bounded(read_xlsx, data)
    except SuspiciousFile as exc:
        raise GuideFileError(str(exc)) from None
    by_title = {grid.label.strip(): grid for grid in grids}
    reader = _Reader(SiteNames(site))
    items_grid = by_title.get(SHEET_ITEMS) or (grids[0] if grids else None)
    if items_grid is None:
        raise GuideFileError(f"文件中没有“{SHEET_ITEMS}”工作表。")
    items = reader.items(items_grid)
    materials = steps = {}
    if SHEET_MATERIALS in by_title:
        materials = reader.children(
            by_title[SHEET_MATERIALS], MATERIAL_COLUMNS, items, reader.material
        )
    if SHEET_STEPS in by_title:
        steps = reader.children(by_title[SHEET_STEPS], STEP_COLUMNS, items, reader.step)
    if not items and not reader.issues:
        reader.issue(items_grid.label, 2, "没有任何事项")
    if reader.issues:
        raise GuideFileError(
            f"文件{f'“{name}”' if name else ''}有 {len(reader.issues)} 处错误，未导入任何内容：",
            reader.issues,
        )
    guides = [
        GuideData(
            **fields,
            materials=tuple(materials.get(code, ())),
            steps=tuple(steps.get(code, ())),
        )
        for code, (_number, fields) in items.items()
    ]
    return guides, {code: number for code, (number, _f) in items.items()}


# --------------------------------------------------------------------------- writing


def _latest_guides(site: Site, codes) -> dict[str, Guide]:
    latest: dict[str, Guide] = {}
    guides = (
        Guide.objects.filter(item__site=site, item__code__in=codes)
        .exclude(state__in=(State.WITHDRAWN, State.EXPIRED))
        .select_related("item")
        .prefetch_related("conditions", "materials", "steps", "windows", "item__life_events")
        .order_by("item_id", "-number")
    )
    for guide in guides:
        latest.setdefault(guide.item.code, guide)
    return latest


def plan_guides(site: Site, guides: list[GuideData], rows: dict[str, int] | None = None):
    """Which rows create an item, which a new guide version, which only change the item's own
    fields (name, type, organisation, catalogue item, life events: not versioned), which
    nothing. Raises GuideFileError when a new version would overtake one under way.
    Returns (summary, the rows to write, the codes that get a new version)."""
    rows = rows or {}
    latest = _latest_guides(site, [g.code for g in guides])
    existing = set(
        ServiceItem.objects.filter(site=site, code__in=[g.code for g in guides]).values_list(
            "code", flat=True
        )
    )
    summary = ImportSummary()
    issues = []
    changed, versions = [], set()
    for data in guides:
        guide = latest.get(data.code)
        old = data_from_guide(guide) if guide is not None else None
        same_guide = old is not None and old.guide_part() == data.guide_part()
        if same_guide and old.item_part() == data.item_part():
            summary.unchanged.append(data.code)
            continue
        changed.append(data)
        if same_guide:
            summary.items_changed.append(data.code)
            continue
        if guide is not None and guide.state in OPEN_STATES:
            issues.append(
                Issue(
                    SHEET_ITEMS,
                    rows.get(data.code),
                    f"事项“{data.code}”已有未发布的第 {guide.number} 版（{guide.get_state_display()}），"
                    "请先审核发布或退回处理后再导入",
                )
            )
            continue
        (summary.new_versions if data.code in existing else summary.created).append(data.code)
        versions.add(data.code)
    if issues:
        raise GuideFileError(f"有 {len(issues)} 处错误，未导入任何内容：", issues)
    return summary, changed, versions


def write_guides(
    site: Site,
    guides: list[GuideData],
    *,
    actor,
    state: str = State.DRAFT,
    published_at: datetime | None = None,
    versions: set[str] | None = None,
) -> list[Guide]:
    """Store each GuideData as its item (created or updated) and, for the codes in `versions`
    (default: all), a new guide version, in bulk. The one write path of the import and the
    demo; the caller holds the transaction."""
    if not guides:
        return []
    user = permissions.user_of(actor)
    codes = [g.code for g in guides]
    items = {i.code: i for i in ServiceItem.objects.filter(site=site, code__in=codes)}
    item_fields = [f for f in ITEM_FIELDS if f != "life_event_ids"]
    new_items, changed_items = [], []
    for data in guides:
        item = items.get(data.code)
        values = {f: getattr(data, f) for f in item_fields}
        if item is None:
            item = ServiceItem(site=site, code=data.code, **values)
            new_items.append(item)
            items[data.code] = item
        elif any(getattr(item, f) != v for f, v in values.items()):
            for f, v in values.items():
                setattr(item, f, v)
            changed_items.append(item)
    ServiceItem.objects.bulk_create(new_items)
    if changed_items:
        ServiceItem.objects.bulk_update(changed_items, item_fields)
    item_ids = [items[c].pk for c in codes]
    life = ServiceItem.life_events.through
    life.objects.filter(serviceitem_id__in=item_ids).delete()
    life.objects.bulk_create(
        [
            life(serviceitem_id=items[g.code].pk, lifeevent_id=event)
            for g in guides
            for event in g.life_event_ids
        ]
    )
    numbers = dict(
        Guide.objects.filter(item_id__in=item_ids)
        .values("item_id")
        .annotate(m=Max("number"))
        .values_list("item_id", "m")
    )
    published = state == State.PUBLISHED
    now = published_at or timezone.now()
    guides = [g for g in guides if versions is None or g.code in versions]
    guide_objects = [
        Guide(
            item=items[g.code],
            number=numbers.get(items[g.code].pk, 0) + 1,
            effective_from=g.effective_from,
            verified_on=g.verified_on,
            summary=g.summary,
            change_reason=g.change_reason,
            legal_basis=g.legal_basis,
            applicant=g.applicant,
            statutory_limit_days=g.statutory_limit_days,
            promised_limit_days=g.promised_limit_days,
            fee_free=g.fee_free,
            fee_text=g.fee_text,
            fee_basis=g.fee_basis,
            address=g.address,
            hours=g.hours,
            online_url=g.online_url,
            visits_required=g.visits_required,
            consult_phone=g.consult_phone,
            complaint_phone=g.complaint_phone,
            most_once=g.most_once,
            state=state,
            created_by=user,
            approved_by=user if published else None,
            published_at=now if published else None,
        )
        for g in guides
    ]
    Guide.objects.bulk_create(guide_objects)
    conditions, materials, steps, windows = [], [], [], []
    window_through = Guide.windows.through
    for data, guide in zip(guides, guide_objects, strict=True):
        conditions += [
            Condition(guide=guide, order=n, text=text) for n, text in enumerate(data.conditions, 1)
        ]
        materials += [Material(guide=guide, **m.__dict__) for m in data.materials]
        steps += [Step(guide=guide, **s.__dict__) for s in data.steps]
        windows += [window_through(guide_id=guide.pk, window_id=w) for w in data.window_ids]
    Condition.objects.bulk_create(conditions)
    Material.objects.bulk_create(materials)
    Step.objects.bulk_create(steps)
    window_through.objects.bulk_create(windows)
    _link_listed_by_code(site, item_ids)
    return guide_objects


def _link_listed_by_code(site: Site, item_ids: list[int]) -> None:
    """An item is in each list that carries its code (权责清单, 公共服务事项, 最多跑一次)."""
    listed: dict[str, list[int]] = {}
    for pk, code in ListedItem.objects.filter(site=site).values_list("pk", "code"):
        listed.setdefault(code, []).append(pk)
    if not listed:
        return
    through = ServiceItem.listed_items.through
    have = set(
        through.objects.filter(serviceitem_id__in=item_ids).values_list(
            "serviceitem_id", "listeditem_id"
        )
    )
    through.objects.bulk_create(
        [
            through(serviceitem_id=pk, listeditem_id=listed_id)
            for pk, code in ServiceItem.objects.filter(pk__in=item_ids).values_list("pk", "code")
            for listed_id in listed.get(code, ())
            if (pk, listed_id) not in have
        ]
    )


def import_guides(
    source, site: Site, *, actor, dry_run: bool = False, publish: bool = False, name: str = ""
) -> ImportSummary:
    """Import a guides workbook (path, bytes or uploaded file) all or nothing.

    Only the office admin (or the system) imports. Imported guides are drafts awaiting review,
    except `publish=True`: the initial migration of a site without any service item, by the
    system actor (the command line) — see the module docstring for why."""
    permissions.require(
        actor,
        "导入办事指南",
        site,
        (Role.OFFICE_ADMIN,),
        message="只有公开办管理员可以导入办事指南。",
    )
    if publish:
        if not permissions.is_system(actor):
            raise permissions.PermissionDenied("直接发布只能在命令行进行（站点首次迁移）。")
        if ServiceItem.objects.filter(site=site).exists():
            raise GuideFileError(
                "站点已有办事事项，导入的指南须作为草稿经审核后发布；"
                "直接发布（--publish）只用于空站点的首次迁移。"
            )
    data, name = _bytes(source, name)
    guides, rows = read_guides(data, site, name)
    summary, changed, versions = plan_guides(site, guides, rows)
    summary.dry_run, summary.published = dry_run, publish
    if dry_run:
        return summary
    with transaction.atomic():
        written = write_guides(
            site,
            changed,
            actor=actor,
            state=State.PUBLISHED if publish else State.DRAFT,
            versions=versions,
        )
        if publish:
            issues = []
            for guide in written:
                missing = rules.missing_elements(guide)
                if missing:
                    issues.append(
                        Issue(
                            SHEET_ITEMS,
                            rows.get(guide.item.code),
                            f"“{guide.item.name}”缺少{'、'.join(missing)}，不能发布",
                        )
                    )
            if issues:
                transaction.set_rollback(True)
                raise GuideFileError(f"有 {len(issues)} 份指南要素不全，未导入任何内容：", issues)
        record_event(
            AuditEventType.IMPORTED,
            actor=actor,
            site=site,
            message=f"导入办事指南{f'（{name}）' if name else ''}：{summary.line()}",
            after={
                "created": len(summary.created),
                "new_versions": len(summary.new_versions),
                "items_changed": len(summary.items_changed),
                "unchanged": len(summary.unchanged),
                "published": publish,
            },
        )
    return summary


def _bytes(source, name: str = "") -> tuple[bytes, str]:
    from pathlib import Path

    if isinstance(source, (str, Path)):
        path = Path(source)
        if not path.is_file():
            raise GuideFileError(f"找不到文件：{path}")
        if path.stat().st_size > MAX_BYTES:
            raise GuideFileError(f"文件超过 {MAX_BYTES // 1024 // 1024} MB，无法导入。")
        return path.read_bytes(), name or path.name
    if isinstance(source, bytes):
        return source, name
    if hasattr(source, "seek"):
        source.seek(0)
    return source.read(MAX_BYTES + 1), name or getattr(source, "name", "") or ""
