"""The three lists the catalogue links to — 权责清单, 公共服务事项清单, 最多跑一次事项清单 —
imported as the organs publish them (.xlsx, title rows, merged cells, header variants), and
the figures of seed 001 computed from the links.

A list file is the whole list of its type: entries are created, updated by 事项编码, and
entries the file no longer has are removed (their links go with them). All or nothing: every
problem is reported with its sheet and row, and nothing changes when there is one.

Links (recomputed, additive, after every list or guide import):
- a service item is in every list that carries its 事项编码;
- a catalogue item is linked by code when the catalogue names one — an existing link (the
  catalogue's 关联事项编码 column) or a service item of that catalogue item whose code is in the
  list — and otherwise, for each list type, by name: a live leaf whose normalised name equals
  an entry's normalised name (spaces and punctuation ignored).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Q

from gongkai.catalogue.io.errors import Issue
from gongkai.catalogue.models import CatalogueItem, ListedItem, ListType
from gongkai.core import permissions
from gongkai.core.audit import record_event
from gongkai.core.models import AuditEventType, Role, Site
from gongkai.core.uploads import SuspiciousFile, accept_by_content, run_bounded

from .io import MAX_BYTES, GuideFileError, _bytes
from .models import ServiceItem


class ListFileError(GuideFileError):
    """A list file that cannot be imported; nothing was saved."""


#: header words of the published lists, by what the column holds (first match wins)
HEADER_ALIASES = {
    "serial": ("序号", "编号"),
    "code": (
        "事项编码",
        "基本编码",
        "实施编码",
        "事项代码",
        "权力编码",
        "职权编码",
        "权责编码",
        "清单编码",
        "统一编码",
        "编码",
        "代码",
    ),
    "sub_name": ("子项名称", "子项", "事项名称子项"),
    "name": (
        "事项名称",
        "主项名称",
        "权力事项名称",
        "权责事项名称",
        "职权名称",
        "权力名称",
        "服务事项名称",
        "公共服务事项名称",
        "项目名称",
        "名称",
    ),
    "item_type": ("事项类型", "权力类型", "职权类型", "事项类别", "权责类型", "类型", "类别"),
    "organisation": (
        "实施机构",
        "实施主体",
        "实施部门",
        "责任单位",
        "责任部门",
        "承办机构",
        "办理机构",
        "行使主体",
        "部门",
        "单位",
    ),
    "basis": ("设定依据", "法律依据", "实施依据", "依据"),
}
TYPE_WORDS = {
    ListType.POWER: ("权责清单", "权力清单", "行政权力"),
    ListType.SERVICE: ("公共服务事项", "公共服务清单"),
    ListType.ONCE: ("最多跑一次",),
}


def list_type_of(text: str) -> str | None:
    """The list type a title, sheet name or option names (Chinese or the value)."""
    text = (text or "").strip()
    if text in ListType.values:
        return text
    for list_type, words in TYPE_WORDS.items():
        if any(word in text for word in words):
            return list_type
    return None


def _norm(text: str) -> str:
    return re.sub(r"[\s\*＊:：]", "", text or "")


def normalised_name(text: str) -> str:
    """A name for matching: no spaces or punctuation."""
    return re.sub(r"[\s、，,。；;：:（）()“”\"'《》〈〉【】\[\]·-]", "", text or "")


def _column_of(header: str) -> str | None:
    key = re.sub(r"[（(][^）)]*[）)]", "", _norm(header))
    if not key:
        return None
    for column, aliases in HEADER_ALIASES.items():
        if key in aliases:
            return column
    for column, aliases in HEADER_ALIASES.items():
        if any(alias in key for alias in aliases if len(alias) > 2):
            return column
    return None


@dataclass(frozen=True)
class Entry:
    code: str
    name: str
    organisation_name: str = ""
    sheet: str = ""
    row: int = 0


@dataclass
class ListSummary:
    list_type: str
    created: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    dry_run: bool = False
    links: int = 0

    def line(self) -> str:
        label = ListType(self.list_type).label
        prefix = "检查通过（未保存）" if self.dry_run else "导入完成"
        return (
            f"{label}{prefix}：新增 {self.created} 项，修改 {self.changed} 项，"
            f"删除 {self.removed} 项，未变化 {self.unchanged} 项；新建关联 {self.links} 个。"
        )


def _header(cells: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, text in enumerate(cells):
        column = _column_of(text)
        if column and column not in found:
            found[column] = index
    return found


def read_list(data: bytes, name: str = "", list_type: str | None = None):
    """(list type, entries) of a published list file; raises ListFileError with every
    problem. The type comes from `list_type` or else from the title rows or sheet names."""
    from gongkai.catalogue.io.readers import read_xlsx

    try:
        accept_by_content(name, data, kinds=("xlsx",), purpose="清单文件", max_bytes=MAX_BYTES)
        grids = run_bounded(read_xlsx, data)
    except SuspiciousFile as exc:
        raise ListFileError(str(exc)) from None
    issues: list[Issue] = []
    entries: dict[str, Entry] = {}
    detected = None
    tables = 0
    for grid in grids:
        header_at = None
        columns: dict[str, int] = {}
        for position, (_number, cells) in enumerate(grid.rows[:15]):
            found = _header(cells)
            if "name" in found or "sub_name" in found:
                if "code" in found or ("serial" in found and len(found) >= 3):
                    header_at, columns = position, found
                    break
            detected = detected or list_type_of(" ".join(c for c in cells if c))
        detected = detected or list_type_of(grid.label)
        if header_at is None:
            continue
        tables += 1
        header_number = grid.rows[header_at][0]
        if "code" not in columns:
            issues.append(Issue(grid.label, header_number, "缺少“事项编码”列，无法与事项关联"))
            continue
        header_cells = grid.rows[header_at][1]
        for number, cells in grid.rows[header_at + 1 :]:

            def cell(column, cells=cells, columns=columns):
                index = columns.get(column)
                return (cells[index] if index is not None and index < len(cells) else "").strip()

            filled = {c.strip() for c in cells if c.strip()}
            if len(filled) <= 1 or cells == header_cells:
                continue  # a merged section title (一、行政许可) or the header again
            if _header(cells).keys() >= {"code"} and not re.search(r"\d", cell("code")):
                continue  # a second header row
            code = re.sub(r"\s", "", cell("code"))
            item_name = cell("sub_name") or cell("name")
            if not code:
                issues.append(Issue(grid.label, number, f"“{item_name}”缺少事项编码"))
                continue
            if not item_name:
                issues.append(Issue(grid.label, number, f"事项编码“{code}”缺少事项名称"))
                continue
            if len(code) > 80 or len(item_name) > 200:
                issues.append(Issue(grid.label, number, "事项编码超过 80 字或名称超过 200 字"))
                continue
            entry = Entry(code, item_name, cell("organisation")[:200], grid.label, number)
            earlier = entries.get(code)
            if earlier is not None:
                if earlier.name != entry.name:
                    issues.append(
                        Issue(
                            grid.label,
                            number,
                            f"事项编码“{code}”重复：“{earlier.sheet}”第 {earlier.row} 行已是"
                            f"“{earlier.name}”",
                        )
                    )
                continue
            entries[code] = entry
    list_type = list_type or detected
    if list_type is None:
        issues.insert(
            0,
            Issue(
                "",
                None,
                "无法从标题判断是哪一种清单，请选择清单类型（权责清单、公共服务事项、最多跑一次）",
            ),
        )
    if not tables:
        issues.append(Issue("", None, "没有找到含“事项编码”“事项名称”表头的表格"))
    elif not entries and not issues:
        issues.append(Issue("", None, "清单中没有任何事项"))
    if issues:
        raise ListFileError(
            f"清单文件{f'“{name}”' if name else ''}有 {len(issues)} 处错误，未导入任何内容：",
            issues,
        )
    return list_type, list(entries.values())


def apply_list(
    site: Site, list_type: str, entries: list[Entry], *, actor, dry_run: bool = False
) -> ListSummary:
    """Make the site's list of `list_type` exactly `entries` (by code), then link."""
    summary = ListSummary(list_type, dry_run=dry_run)
    existing = {e.code: e for e in ListedItem.objects.filter(site=site, list_type=list_type)}
    wanted = {e.code for e in entries}
    create, change = [], []
    for entry in entries:
        current = existing.get(entry.code)
        if current is None:
            create.append(
                ListedItem(
                    site=site,
                    list_type=list_type,
                    code=entry.code,
                    name=entry.name,
                    organisation_name=entry.organisation_name,
                )
            )
        elif (current.name, current.organisation_name) != (entry.name, entry.organisation_name):
            current.name, current.organisation_name = entry.name, entry.organisation_name
            change.append(current)
        else:
            summary.unchanged += 1
    gone = [pk for code, e in existing.items() if code not in wanted for pk in [e.pk]]
    summary.created, summary.changed, summary.removed = len(create), len(change), len(gone)
    if dry_run:
        return summary
    with transaction.atomic():
        ListedItem.objects.bulk_create(create)
        ListedItem.objects.bulk_update(change, ["name", "organisation_name"])
        ListedItem.objects.filter(pk__in=gone).delete()
        summary.links = link_listed(site)
        if actor is not None:
            record_event(
                AuditEventType.IMPORTED,
                actor=actor,
                site=site,
                message=f"导入{ListType(list_type).label}：{summary.line()}",
                after={
                    "list_type": list_type,
                    "created": summary.created,
                    "changed": summary.changed,
                    "removed": summary.removed,
                },
            )
    return summary


def import_list(
    source, site: Site, *, actor, list_type: str | None = None, dry_run=False, name=""
) -> ListSummary:
    """Import one published list file all or nothing (office admin or the system)."""
    permissions.require(
        actor, "导入清单", site, (Role.OFFICE_ADMIN,), message="只有公开办管理员可以导入清单。"
    )
    data, name = _bytes(source, name)
    list_type, entries = read_list(data, name, list_type)
    return apply_list(site, list_type, entries, actor=actor, dry_run=dry_run)


def link_listed(site: Site) -> int:
    """Create the links of the module docstring that are missing; returns how many."""
    listed = list(
        ListedItem.objects.filter(site=site).values_list("pk", "code", "name", "list_type")
    )
    by_code: dict[str, list[int]] = {}
    for pk, code, _name, _type in listed:
        by_code.setdefault(code, []).append(pk)
    type_of = {pk: list_type for pk, _c, _n, list_type in listed}
    created = 0
    # service items by code
    item_through = ServiceItem.listed_items.through
    have = set(
        item_through.objects.filter(serviceitem__site=site).values_list(
            "serviceitem_id", "listeditem_id"
        )
    )
    items = list(
        ServiceItem.objects.filter(site=site).values_list("pk", "code", "catalogue_item_id")
    )
    new = [
        item_through(serviceitem_id=pk, listeditem_id=listed_id)
        for pk, code, _leaf in items
        for listed_id in by_code.get(code, ())
        if (pk, listed_id) not in have
    ]
    item_through.objects.bulk_create(new)
    created += len(new)
    # catalogue items: by code (their own links, their service items'), else by name
    cat_through = CatalogueItem.listed_items.through
    links: set[tuple[int, int]] = set(
        cat_through.objects.filter(catalogueitem__site=site).values_list(
            "catalogueitem_id", "listeditem_id"
        )
    )
    wanted = set(links)
    for _pk, code, leaf in items:
        if leaf is not None:
            wanted.update((leaf, listed_id) for listed_id in by_code.get(code, ()))
    coded_types = {(leaf, type_of[listed_id]) for leaf, listed_id in wanted if listed_id in type_of}
    by_name: dict[tuple[str, str], list[int]] = {}
    for pk, _code, name, list_type in listed:
        by_name.setdefault((list_type, normalised_name(name)), []).append(pk)
    leaves = CatalogueItem.objects.filter(site=site, is_retired=False, numchild=0)
    for leaf, leaf_name in leaves.values_list("pk", "name"):
        key = normalised_name(leaf_name)
        for list_type in ListType.values:
            if (leaf, list_type) in coded_types:
                continue
            wanted.update((leaf, listed_id) for listed_id in by_name.get((list_type, key), ()))
    new_links = [
        cat_through(catalogueitem_id=leaf, listeditem_id=listed_id)
        for leaf, listed_id in sorted(wanted - links)
    ]
    cat_through.objects.bulk_create(new_links)
    return created + len(new_links)


@dataclass(frozen=True)
class ListFigures:
    """Seed 001: 已梳理事项中涉及权责清单和公共服务事项清单 N 项、列入“最多跑一次”事项清单 N 项.

    `power_or_service`: live catalogue items of the site linked to at least one entry of the
    权责清单 or the 公共服务事项清单 (an item in both counts once); `most_once`: live catalogue
    items linked to at least one entry of the 最多跑一次 list. `rows` are the list sizes."""

    power_or_service: int
    most_once: int
    rows: dict[str, int] = field(default_factory=dict)


def list_figures(site: Site) -> ListFigures:
    live = CatalogueItem.objects.filter(site=site, is_retired=False)
    counts = live.aggregate(
        power_or_service=Count(
            "pk",
            filter=Q(listed_items__list_type__in=[ListType.POWER, ListType.SERVICE]),
            distinct=True,
        ),
        most_once=Count("pk", filter=Q(listed_items__list_type=ListType.ONCE), distinct=True),
    )
    rows = dict(
        ListedItem.objects.filter(site=site)
        .values("list_type")
        .annotate(n=Count("pk"))
        .values_list("list_type", "n")
    )
    return ListFigures(
        counts["power_or_service"],
        counts["most_once"],
        {t: rows.get(t, 0) for t in ListType.values},
    )
