"""Write catalogues in the national layout (基层政务公开标准目录): a title row, a two-row merged
header, ■/□ channel checklists, √ marks, 一级事项 merged across its rows; one sheet per domain.
The file imports back into the identical catalogue. CSV and JSON exports share the dump."""

from __future__ import annotations

import io
import json

from gongkai.core.exports import SafeCsvWriter, xlsx_cell

from ..models import Channel
from .dump import dump_catalogue, walk

CHECK = "√"
CHANNEL_ON, CHANNEL_OFF = "■", "□"


def _columns(domain: dict) -> list[tuple[str, str, str]]:
    """(top header, sub header, key) per column; equal top/sub means merged vertically."""
    leaves = [node for _p, node in walk(domain["items"]) if not node.get("children")]
    has_level3 = any(node["level"] == 3 for _p, node in walk(domain["items"]))
    cols = [
        ("序号", "序号", "serial"),
        ("公开事项", "一级事项", "level1"),
        ("公开事项", "二级事项", "level2"),
    ]
    if has_level3:
        cols.append(("公开事项", "三级事项", "level3"))
    cols += [
        ("公开内容（要素）", "公开内容（要素）", "content"),
        ("公开依据", "公开依据", "basis"),
        ("公开时限", "公开时限", "deadline_text"),
        ("公开主体", "公开主体", "responsible_text"),
        ("公开渠道和载体", "公开渠道和载体", "channels"),
        ("公开对象", "全社会", "audience_society"),
        ("公开对象", "特定群体", "audience_specific"),
        ("公开方式", "主动", "mode_proactive"),
        ("公开方式", "依申请", "mode_on_request"),
        ("公开层级", "县级", "level_county"),
        ("公开层级", "乡级", "level_township"),
    ]
    if any(leaf.get("five_stage") for leaf in leaves):
        cols.append(("五公开", "五公开", "five_stage"))
    if any(leaf.get("listed_items") for leaf in leaves):
        cols.append(("关联事项编码", "关联事项编码", "listed_items"))
    return cols


def _rows(domain: dict) -> list[tuple[tuple[str, ...], dict]]:
    """(names path, leaf) for every leaf of the standard in force under a level-2 item, in
    order. Retired items (停用) left the standard: a file made from this export and imported
    again must not bring them back, so they are not rows (the JSON dump keeps them, marked)."""
    return [
        (path, node)
        for path, node in walk(domain["items"])
        if not node.get("children") and len(path) >= 2 and not node.get("retired")
    ]


def channel_checklist(chosen: list[str], national: list[str], local: list[str]) -> str:
    names = national + [n for n in local if n not in national]
    return " ".join(f"{CHANNEL_ON if n in chosen else CHANNEL_OFF}{n}" for n in names)


def title_for(site_name: str, domain: str) -> str:
    return f"{site_name.removesuffix('人民政府')}{domain}领域基层政务公开标准目录"


def write_xlsx(
    dump: list[dict], site_name: str, out, national_channels: list[str] | None = None
) -> None:
    """Write `dump` (see io.dump) to `out` (a path or a binary file)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    if national_channels is None:
        national_channels = list(
            Channel.objects.filter(site__isnull=True).values_list("name", flat=True)
        )
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="center", horizontal="left")
    centre = Alignment(wrap_text=True, vertical="center", horizontal="center")
    bold = Font(bold=True)
    widths = {
        "serial": 6,
        "level1": 14,
        "level2": 18,
        "level3": 18,
        "content": 36,
        "basis": 40,
        "deadline_text": 20,
        "responsible_text": 18,
        "channels": 34,
        "five_stage": 8,
        "listed_items": 16,
    }

    workbook = Workbook()
    workbook.remove(workbook.active)
    used_titles: set[str] = set()
    for domain in dump:
        rows = _rows(domain)
        if not rows:
            continue
        sheet_title = _sheet_title(domain["domain"], used_titles)
        ws = workbook.create_sheet(sheet_title)
        cols = _columns(domain)
        ncols = len(cols)
        local_channels: list[str] = []
        for _p, leaf in rows:
            local_channels += [
                c
                for c in leaf.get("channels", [])
                if c not in national_channels and c not in local_channels
            ]

        xlsx_cell(ws, 1, 1, title_for(site_name, domain["domain"])).font = Font(bold=True, size=16)
        ws.cell(row=1, column=1).alignment = centre
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncols)
        ws.row_dimensions[1].height = 36
        col = 1
        while col <= ncols:
            top, sub, _key = cols[col - 1]
            span = 1
            while col + span <= ncols and cols[col + span - 1][0] == top and top != sub:
                span += 1
            xlsx_cell(ws, 2, col, top)
            if top == sub:
                ws.merge_cells(start_row=2, start_column=col, end_row=3, end_column=col)
            else:
                if span > 1:
                    ws.merge_cells(
                        start_row=2, start_column=col, end_row=2, end_column=col + span - 1
                    )
                for offset in range(span):
                    xlsx_cell(ws, 3, col + offset, cols[col + offset - 1][1])
            col += span
        for r in (2, 3):
            for c in range(1, ncols + 1):
                cell = ws.cell(row=r, column=c)
                cell.font, cell.alignment, cell.border = bold, centre, border

        start = 4
        for index, (path, leaf) in enumerate(rows):
            r = start + index
            names = list(path) + [""] * (3 - len(path))
            for c, (_top, _sub, key) in enumerate(cols, start=1):
                if key in ("level1", "level2", "level3"):
                    value = names[int(key[-1]) - 1]
                elif key == "channels" and not leaf.get("channels"):
                    value = ""  # no channel chosen yet: no checklist rather than all □
                elif key == "channels":
                    value = channel_checklist(
                        leaf.get("channels", []), national_channels, local_channels
                    )
                elif key == "listed_items":
                    value = "、".join(leaf.get("listed_items", []))
                elif key.startswith(("audience_", "mode_", "level_")):
                    value = CHECK if leaf.get(key) else ""
                else:
                    value = leaf.get(key, "") or ""
                cell = xlsx_cell(ws, r, c, value if value != "" else None)
                cell.border = border
                cell.alignment = (
                    centre if key.startswith(("audience_", "mode_", "level_", "serial")) else wrap
                )
        # merge 一级事项 (and 二级事项 over its 三级事项) across their rows
        for level in (1, 2):
            key = f"level{level}"
            column = next((i for i, c in enumerate(cols, start=1) if c[2] == key), None)
            if column is None:
                continue
            first = 0
            for index in range(1, len(rows) + 1):
                same = index < len(rows) and rows[index][0][:level] == rows[first][0][:level]
                if (
                    level == 2
                    and index < len(rows)
                    and (len(rows[index][0]) < 3 or len(rows[first][0]) < 3)
                ):
                    same = False
                if not same:
                    if index - first > 1:
                        ws.merge_cells(
                            start_row=start + first,
                            start_column=column,
                            end_row=start + index - 1,
                            end_column=column,
                        )
                    first = index
        for c, (_top, _sub, key) in enumerate(cols, start=1):
            ws.column_dimensions[get_column_letter(c)].width = widths.get(key, 7)
        ws.freeze_panes = "A4"
        ws.print_title_rows = "2:3"
        ws.page_setup.orientation = "landscape"
    if not workbook.worksheets:
        ws = workbook.create_sheet("标准目录")
        xlsx_cell(ws, 1, 1, "（暂无事项）")
    workbook.save(out)


def _sheet_title(name: str, used: set[str]) -> str:
    base = "".join(ch for ch in name if ch not in "[]:*?/\\")[:28] or "领域"
    title, n = base, 2
    while title in used:
        title, n = f"{base}{n}", n + 1
    used.add(title)
    return title


def export_xlsx(site, out, domain=None) -> None:
    """The site's catalogue (or one domain) as an .xlsx in the national layout."""
    write_xlsx(dump_catalogue(site, domain), site.name, out)


def export_xlsx_bytes(site, domain=None) -> bytes:
    buffer = io.BytesIO()
    export_xlsx(site, buffer, domain)
    return buffer.getvalue()


CSV_HEADER = [
    "公开领域",
    "一级事项",
    "二级事项",
    "三级事项",
    "序号",
    "公开内容（要素）",
    "公开依据",
    "公开时限",
    "时限规则",
    "公开主体",
    "公开渠道和载体",
    "全社会",
    "特定群体",
    "主动",
    "依申请",
    "县级",
    "乡级",
    "五公开",
    "正式标准",
]


def leaf_rows(dump: list[dict]):
    from ..deadlines import DeadlineRule

    for domain in dump:
        for path, leaf in _rows(domain):
            names = list(path) + [""] * (3 - len(path))
            rule = DeadlineRule.from_dict(
                leaf.get("deadline"), original=leaf.get("deadline_text", "")
            )
            yield [
                domain["domain"],
                *names[:3],
                leaf.get("serial", ""),
                leaf.get("content", ""),
                leaf.get("basis", ""),
                leaf.get("deadline_text", ""),
                rule.describe(),
                leaf.get("responsible_text", ""),
                "、".join(leaf.get("channels", [])),
                *(
                    CHECK if leaf.get(k) else ""
                    for k in (
                        "audience_society",
                        "audience_specific",
                        "mode_proactive",
                        "mode_on_request",
                        "level_county",
                        "level_township",
                    )
                ),
                leaf.get("five_stage", ""),
                "是" if leaf.get("is_official") else "否",
            ]


def to_csv(dump: list[dict]) -> str:
    buffer = io.StringIO()
    buffer.write("\ufeff")  # so that Excel opens UTF-8 Chinese text correctly
    writer = SafeCsvWriter(buffer)
    writer.writerow(CSV_HEADER)
    writer.writerows(leaf_rows(dump))
    return buffer.getvalue()


def to_json(dump: list[dict]) -> str:
    return json.dumps(dump, ensure_ascii=False, indent=1)
