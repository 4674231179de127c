"""Grids of cell text → domain tables of catalogue rows, in the national layout.

Finds title and heading rows (…领域基层政务公开标准目录, （一）重大建设项目领域…), the one- or
two-row header with merged cells, and the data rows under it; resolves 同上, √ marks, ■/□
and prose channels, and 公开时限 text. Every row that cannot be read becomes an Issue with its
sheet and row number; nothing is guessed silently."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..channels import ChannelResolver, parse_channel_cell
from ..deadlines import DeadlineRule, parse_deadline
from ..models import NATIONAL_DOMAINS, PILOT_DOMAINS, FiveStage
from ..text import clean_name, clean_text, header_key
from .errors import Issue
from .readers import Grid

BOOL_FIELDS = (
    "audience_society",
    "audience_specific",
    "mode_proactive",
    "mode_on_request",
    "level_county",
    "level_township",
)
TEXT_FIELDS = ("serial", "content", "basis", "deadline", "responsible", "channels", "five_stage")
HEADER_CONCEPTS = (
    "公开事项",
    "一级事项",
    "二级事项",
    "公开内容",
    "公开依据",
    "公开时限",
    "公开主体",
)
HEADER_CONCEPTS += ("公开渠道", "公开对象", "公开方式", "公开层级")
TRUE_MARKS = {"√", "✓", "✔", "☑", "■", "是", "v", "V", "●"}
FALSE_MARKS = {"", "□", "☐", "否", "×", "/", "-", "—", "无"}
SAME_AS_ABOVE = {"同上", "同上。", "同上述", "同前"}
_ENUM = re.compile(
    r"^\s*(?:[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+[、.．]|\d+[、.．])\s*"
)
_TITLE_TAIL = re.compile(
    r"(?:领域)?(?:基层)?(?:政务公开|信息公开)?(?:事项)?(?:标准)?(?:目录|清单)?(?:（[^）]*）)?$"
)


@dataclass
class Row:
    """One data row, cleaned. `names` are the 一级/二级(/三级) names of its leaf path."""

    sheet: str
    number: int
    names: list[str]
    serial: str = ""
    content: str = ""
    basis: str = ""
    deadline_text: str = ""
    deadline: DeadlineRule | None = None
    responsible_text: str = ""
    channels: list[str] = field(default_factory=list)
    new_channels: list[str] = field(default_factory=list)
    audience_society: bool = False
    audience_specific: bool = False
    mode_proactive: bool = False
    mode_on_request: bool = False
    level_county: bool = False
    level_township: bool = False
    five_stage: str = ""
    listed_codes: list[str] = field(default_factory=list)


@dataclass
class Table:
    sheet: str
    domain: str
    heading: str
    header_row: int
    rows: list[Row] = field(default_factory=list)
    has_level3: bool = False


@dataclass
class ParseResult:
    tables: list[Table]
    issues: list[Issue]
    warnings: list[Issue]


def known_domains(extra: list[str] | None = None) -> list[str]:
    names = list(dict.fromkeys([*NATIONAL_DOMAINS, *PILOT_DOMAINS, *(extra or [])]))
    return sorted(names, key=len, reverse=True)


def domain_from_heading(text: str, domains: list[str], region_words: list[str]) -> str:
    """The domain a title or heading names: （一）迎江区市政服务领域基层政务公开标准目录 → 市政服务."""
    text = clean_name(text)
    text = _ENUM.sub("", text)
    if "领域" in text:
        text = text[: text.rindex("领域")]
    text = _TITLE_TAIL.sub("", text)
    for name in domains:
        if text.endswith(name):
            return name
    for word in sorted(region_words, key=len, reverse=True):
        if word and text.startswith(word):
            text = text[len(word) :]
    text = (
        re.sub(r"^.{1,6}?[省市区县](?=.{2,})", "", text)
        if not any(text == d for d in domains)
        else text
    )
    return text.strip()


def _is_heading(cells: list[str]) -> str | None:
    values = [clean_name(c) for c in cells if clean_name(c)]
    distinct = list(dict.fromkeys(values))
    if len(distinct) != 1:
        return None
    text = distinct[0]
    if (
        len(values) >= max(2, len(cells) // 2)
        or re.search(r"领域|目录|清单", text)
        or _ENUM.match(text)
    ):
        return text
    return None


def _header_score(cells: list[str]) -> int:
    keys = {header_key(c) for c in cells}
    joined = "|".join(keys)
    return sum(1 for concept in HEADER_CONCEPTS if concept in joined)


def _sub_header(cells: list[str]) -> bool:
    joined = "|".join(header_key(c) for c in cells)
    return any(
        w in joined
        for w in ("一级", "二级", "全社会", "特定群", "主动", "依申请", "县级", "乡级", "区级")
    )


def map_columns(top: list[str], sub: list[str] | None) -> dict[str, int]:
    """Field name → column index, from one or two header rows."""
    columns: dict[str, int] = {}
    for index, raw in enumerate(top):
        t = header_key(raw)
        s = header_key(sub[index]) if sub and index < len(sub) else ""
        label = s if s and s != t else t
        target = None
        if "序号" in label:
            target = "serial"
        elif "一级" in label:
            target = "level1"
        elif "二级" in label:
            target = "level2"
        elif "三级" in label:
            target = "level3"
        elif "公开内容" in label or label == "要素":
            target = "content"
        elif "依据" in label:
            target = "basis"
        elif "时限" in label:
            target = "deadline"
        elif "主体" in label or "责任单位" in label:
            target = "responsible"
        elif "渠道" in label or "载体" in label:
            target = "channels"
        elif "全社会" in label:
            target = "audience_society"
        elif "特定" in label:
            target = "audience_specific"
        elif label == "主动" or label == "主动公开":
            target = "mode_proactive"
        elif "依申请" in label:
            target = "mode_on_request"
        elif "公开层级" in t and label != t:
            target = "level_township" if re.search(r"乡|镇|街|村", label) else "level_county"
        elif re.fullmatch(r"(县|区|市|县区|区县)级", label):
            target = "level_county"
        elif re.fullmatch(r"(乡|镇|乡镇|镇街|街道|乡村|乡镇街道|村)级?", label):
            target = "level_township"
        elif "公开对象" in label:
            target = "audience_text"
        elif "公开方式" in label:
            target = "mode_text"
        elif "公开层级" in label:
            target = "level_text"
        elif "五公开" in label:
            target = "five_stage"
        elif "关联" in label or "清单事项" in label or "事项编码" in label:
            target = "listed_codes"
        if target and target not in columns:
            columns[target] = index
    return columns


def _mark(value: str) -> bool | None:
    value = value.strip()
    if value in TRUE_MARKS:
        return True
    if value in FALSE_MARKS:
        return False
    return None


class TableParser:
    """Turns the grids of one file into Tables and Issues."""

    def __init__(self, resolver: ChannelResolver, domains: list[str], region_words: list[str]):
        self.resolver = resolver
        self.domains = domains
        self.region_words = region_words
        self.issues: list[Issue] = []
        self.warnings: list[Issue] = []

    def parse(self, grids: list[Grid]) -> ParseResult:
        tables: list[Table] = []
        for grid in grids:
            tables.extend(self._grid_tables(grid))
        return ParseResult(tables, self.issues, self.warnings)

    def _domain(self, headings: list[str]) -> str:
        for text in reversed(headings):
            name = domain_from_heading(text, self.domains, self.region_words)
            if name and ("领域" in clean_name(text) or name in self.domains):
                return name
        return ""

    def _grid_tables(self, grid: Grid) -> list[Table]:
        rows = grid.rows
        tables: list[Table] = []
        headings = list(grid.preface)
        i = 0
        current: Table | None = None
        columns: dict[str, int] = {}
        header_labels: set[tuple[str, ...]] = set()
        previous: dict[str, str] = {}
        while i < len(rows):
            number, cells = rows[i]
            if _header_score(cells) >= 3:
                sub = None
                if i + 1 < len(rows) and _sub_header(rows[i + 1][1]):
                    sub = rows[i + 1][1]
                if current is not None and tuple(header_key(c) for c in cells) in header_labels:
                    i += 2 if sub else 1  # a header repeated on a new page
                    continue
                columns = map_columns(cells, sub)
                domain = self._domain(headings)
                if (
                    not domain
                    and grid.sheet_name
                    and not re.match(r"(?i)^(sheet|工作表)\d*$", grid.sheet_name)
                ):
                    domain = domain_from_heading(grid.sheet_name, self.domains, self.region_words)
                current = Table(
                    sheet=grid.label,
                    domain=domain,
                    heading=headings[-1] if headings else grid.sheet_name,
                    header_row=number,
                    has_level3="level3" in columns,
                )
                header_labels = {tuple(header_key(c) for c in cells)}
                if sub:
                    header_labels.add(tuple(header_key(c) for c in sub))
                missing = [
                    label
                    for key, label in (("level1", "一级事项"), ("level2", "二级事项"))
                    if key not in columns
                ]
                if missing:
                    self.issues.append(
                        Issue(grid.label, number, f"表头缺少“{'、'.join(missing)}”列")
                    )
                tables.append(current)
                headings = []
                previous = {}
                i += 2 if sub else 1
                continue
            heading = _is_heading(cells)
            if heading is not None:
                headings.append(heading)
                if current is not None and self._domain([heading]):
                    current = None  # the next table starts after this heading
                i += 1
                continue
            if current is None:
                if any(clean_name(c) for c in cells):
                    headings.append(" ".join(clean_name(c) for c in cells if clean_name(c)))
                i += 1
                continue
            if tuple(header_key(c) for c in cells) in header_labels:
                i += 1
                continue
            row = self._row(grid.label, number, cells, columns, previous, current)
            if row is not None:
                current.rows.append(row)
            i += 1
        for table in tables:
            if not table.rows:
                self.warnings.append(Issue(table.sheet, table.header_row, "表头下没有数据行"))
        return tables

    def _row(self, sheet, number, cells, columns, previous, table) -> Row | None:
        def raw(key: str) -> str:
            index = columns.get(key)
            if index is None or index >= len(cells):
                return ""
            return cells[index]

        values: dict[str, str] = {}
        errors: list[str] = []
        for key in (
            "level1",
            "level2",
            "level3",
            *TEXT_FIELDS,
            *BOOL_FIELDS,
            "audience_text",
            "mode_text",
            "level_text",
            "listed_codes",
        ):
            if key not in columns:
                continue
            cleaner = (
                clean_name
                if key in ("level1", "level2", "level3", "serial", "five_stage")
                else clean_text
            )
            value = cleaner(raw(key))
            if value in SAME_AS_ABOVE:
                if key not in previous:
                    errors.append(f"“同上”没有可参照的上一行（{key_label(key)}）")
                value = previous.get(key, "")
            values[key] = value
        # 一级事项 left blank under a visually merged cell continues the one above
        if not values.get("level1") and previous.get("level1"):
            values["level1"] = previous["level1"]
        previous.clear()
        previous.update(values)
        if not any(v for k, v in values.items() if k not in ("level1", "serial")) and not errors:
            return None  # a row holding only a continued 一级事项: layout, not data

        names = [values.get("level1", ""), values.get("level2", "")]
        if not names[0]:
            errors.append("缺少一级事项")
        if not names[1]:
            errors.append("缺少二级事项")
        if values.get("level3"):
            names.append(values["level3"])
        row = Row(sheet=sheet, number=number, names=names, serial=values.get("serial", ""))
        row.content = values.get("content", "")
        row.basis = values.get("basis", "")
        row.deadline_text = values.get("deadline", "")
        previous_rule = table.rows[-1].deadline if table.rows else None
        row.deadline = parse_deadline(row.deadline_text, previous_rule)
        row.responsible_text = values.get("responsible", "")

        cell = parse_channel_cell(values.get("channels", ""), self.resolver)
        row.channels, row.new_channels = cell.chosen, cell.new_local
        errors.extend(cell.errors)

        for key in BOOL_FIELDS:
            if key in values:
                mark = _mark(values[key])
                if mark is None:
                    errors.append(f"{key_label(key)}栏的“{values[key]}”无法识别，应为√或留空")
                else:
                    setattr(row, key, mark)
        text_columns = (
            ("audience_text", "audience_society", "全社会", "audience_specific", r"特定"),
            ("mode_text", "mode_proactive", "主动", "mode_on_request", r"依申请"),
            ("level_text", "level_county", r"县|区级|市级", "level_township", r"乡|镇|街|村"),
        )
        for key, first, first_re, second, second_re in text_columns:
            text = values.get(key, "")
            if text:
                setattr(row, first, bool(re.search(first_re, text)))
                setattr(row, second, bool(re.search(second_re, text)))
                if not getattr(row, first) and not getattr(row, second):
                    errors.append(f"{key_label(key)}“{text}”无法识别")

        stage = values.get("five_stage", "")
        if stage:
            stage = stage.removesuffix("公开")
            if stage not in FiveStage.values:
                errors.append(f"五公开“{stage}”无法识别，应为决策、执行、管理、服务或结果")
            else:
                row.five_stage = stage
        codes = values.get("listed_codes", "")
        row.listed_codes = [c for c in re.split(r"[、，,；;\s]+", codes) if c]

        for message in errors:
            self.issues.append(Issue(sheet, number, message))
        if errors:
            return None
        if not row.deadline.parsed:
            self.warnings.append(
                Issue(
                    sheet,
                    number,
                    f"公开时限“{row.deadline_text or '（空）'}”未能识别，已保留原文待管理员核对",
                )
            )
        return row


LABELS = {
    "level1": "一级事项",
    "level2": "二级事项",
    "level3": "三级事项",
    "serial": "序号",
    "content": "公开内容",
    "basis": "公开依据",
    "deadline": "公开时限",
    "responsible": "公开主体",
    "channels": "公开渠道和载体",
    "audience_society": "公开对象（全社会）",
    "audience_specific": "公开对象（特定群体）",
    "mode_proactive": "公开方式（主动）",
    "mode_on_request": "公开方式（依申请）",
    "level_county": "公开层级（县级）",
    "level_township": "公开层级（乡级）",
    "audience_text": "公开对象",
    "mode_text": "公开方式",
    "level_text": "公开层级",
    "five_stage": "五公开",
    "listed_codes": "关联事项",
}


def key_label(key: str) -> str:
    return LABELS.get(key, key)
