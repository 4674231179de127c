"""Read .xlsx and .docx catalogues into grids of cell text, merged cells filled in.

Files are recognised by the shared detector (core.uploads: by content, with the zip-bomb
guard), refused above MAX_BYTES or above the element bounds of check_office_cost, and read
in a child process with a hard time and memory bound (run_bounded): a 149 KB table of
tens of thousands of rows no longer holds a worker for a minute and a gigabyte."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from gongkai.core.uploads import SuspiciousFile, check_office_cost, detect_file_kind, run_bounded

from .errors import CatalogueFileError

MAX_BYTES = 10 * 1024 * 1024
#: every cell of a Word table holds at least one paragraph: the catalogue counts rows and cells
CATALOGUE_LIMITS = {"docx": {"p": 250_000}, "xlsx": {}}


@dataclass
class Grid:
    """One sheet (xlsx) or one table (docx). `rows` are (row number, cells); `preface` holds
    the paragraphs written above a Word table (title, （一）…领域 headings)."""

    label: str
    rows: list[tuple[int, list[str]]]
    preface: list[str] = field(default_factory=list)
    sheet_name: str = ""


def read_bytes(source) -> tuple[bytes, str]:
    """The file's bytes and its name from a path, bytes or an uploaded file object."""
    if isinstance(source, (str, Path)):
        path = Path(source)
        if not path.is_file():
            raise CatalogueFileError(f"找不到文件：{path}")
        if path.stat().st_size > MAX_BYTES:
            raise CatalogueFileError(f"文件超过 {MAX_BYTES // 1024 // 1024} MB，无法导入。")
        return path.read_bytes(), path.name
    if isinstance(source, bytes):
        data, name = source, ""
    else:
        name = getattr(source, "name", "") or ""
        if hasattr(source, "seek"):
            source.seek(0)
        data = source.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise CatalogueFileError(f"文件超过 {MAX_BYTES // 1024 // 1024} MB，无法导入。")
    return data, Path(name).name


def sniff(data: bytes) -> str:
    """'xlsx' or 'docx' by content, cheap enough to read; raises CatalogueFileError otherwise."""
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise CatalogueFileError(
            "这是旧版 .xls/.doc 文件，请先用 WPS、Office 或 LibreOffice 另存为 .xlsx 或 .docx。"
        )
    try:
        kind = detect_file_kind(data)
        if kind in CATALOGUE_LIMITS:
            check_office_cost(data, kind, CATALOGUE_LIMITS[kind])
    except SuspiciousFile as exc:
        raise CatalogueFileError(str(exc)) from None
    if kind in CATALOGUE_LIMITS:
        return kind
    if data.startswith(b"PK"):
        raise CatalogueFileError("文件已损坏，或不是 .xlsx 或 .docx 格式（内容检查未通过）。")
    raise CatalogueFileError("文件不是 .xlsx 或 .docx 格式（内容检查未通过）。")


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*\bref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')


def read_xlsx(data: bytes) -> list[Grid]:
    """Read every sheet in openpyxl's streaming mode (fast on large files: no styles) and
    take the merged ranges from the sheet XML, filling each with its top-left value."""
    import openpyxl
    from openpyxl.utils import range_boundaries

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on a broken file
        raise CatalogueFileError(f"无法读取 Excel 文件：{exc.__class__.__name__}") from exc
    grids = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for ws in workbook.worksheets:
            ws.reset_dimensions()  # the <dimension> element is the file's claim, not a fact
            values = [[_cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
            width = max((len(r) for r in values), default=0)
            for row in values:
                row.extend([""] * (width - len(row)))
            try:
                xml = archive.read(ws._worksheet_path.lstrip("/"))
            except KeyError:
                xml = b""
            for ref in _MERGE.findall(xml):
                min_col, min_row, max_col, max_row = range_boundaries(ref.decode())
                if min_row > len(values) or min_col > width:
                    continue
                top = values[min_row - 1][min_col - 1]
                for r in range(min_row, min(max_row, len(values)) + 1):
                    for c in range(min_col, min(max_col, width) + 1):
                        values[r - 1][c - 1] = top
            rows = [
                (i + 1, cells) for i, cells in enumerate(values) if any(c.strip() for c in cells)
            ]
            grids.append(Grid(label=ws.title, rows=rows, sheet_name=ws.title))
    workbook.close()
    return grids


def read_docx(data: bytes) -> list[Grid]:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001
        raise CatalogueFileError(f"无法读取 Word 文件：{exc.__class__.__name__}") from exc
    grids: list[Grid] = []
    preface: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            if block.text.strip():
                preface.append(block.text)
            continue
        if not isinstance(block, Table):
            continue
        rows = []
        for index, row in enumerate(block.rows, start=1):
            cells = [cell.text for cell in row.cells]
            if any(c.strip() for c in cells):
                rows.append((index, cells))
        grids.append(Grid(label=f"第{len(grids) + 1}个表格", rows=rows, preface=preface))
        preface = []
    return grids


def read_grids(source) -> tuple[list[Grid], str, str]:
    """(grids, kind, file name) for a path, bytes or uploaded file."""
    data, name = read_bytes(source)
    kind = sniff(data)
    try:
        grids = run_bounded(read_xlsx if kind == "xlsx" else read_docx, data)
    except SuspiciousFile as exc:
        raise CatalogueFileError(str(exc)) from None
    return grids, kind, name
