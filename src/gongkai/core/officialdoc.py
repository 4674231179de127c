"""Documents that leave the platform as .docx, in the official-document layout (GB/T 9704-2012).

One builder for every such document: reply letters and notices (foi), inspection reports, the
annual report and the acceptance package (oversight). It sets the page, margins and line pitch
in the section, named paragraph styles with East Asian fonts (Word reads w:eastAsia for
Chinese), the — 1 — page number, tables in the body font, and keeps the closing paragraph,
signature and date on one page.
"""

from __future__ import annotations

import io
from urllib.parse import quote

from django.http import HttpResponse
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {
    ".docx": DOCX_TYPE,
    ".xlsx": XLSX_TYPE,
    ".pdf": "application/pdf",
    ".zip": "application/zip",
}

# GB/T 9704-2012 5.2 and 7.1: A4, 天头 37 mm, 订口 28 mm, 版心 156 mm × 225 mm; 22 lines of
# 3号 (16 pt) type, so a line pitch of 225 mm / 22 ≈ 28.95 pt.
PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
MARGIN_TOP_MM, MARGIN_LEFT_MM = 37, 28
MARGIN_RIGHT_MM = PAGE_WIDTH_MM - MARGIN_LEFT_MM - 156
MARGIN_BOTTOM_MM = PAGE_HEIGHT_MM - MARGIN_TOP_MM - 225
BODY_PT, TITLE_PT, TABLE_PT = 16, 22, 10.5
LINE_PITCH_PT = 225 / 25.4 * 72 / 22
#: the font of each role, official name first (the bundled fallbacks are for the PDF only)
FANGSONG, XIAOBIAOSONG, HEITI, KAITI, SONGTI = "仿宋", "方正小标宋简体", "黑体", "楷体", "宋体"


def _width(text: str) -> float:
    """Width in characters of 3号 type: half-width digits and letters count half."""
    return sum(0.5 if ch.isascii() else 1 for ch in text)


def signature_indents(organ: str, date: str) -> tuple[float, float]:
    """Right indents, in characters, of the 发文机关署名 and the 成文日期 (GB/T 9704-2012
    7.3.5.1): the date four characters from the right, the name centred over the date."""
    date_indent = 4.0
    organ_indent = max(0.0, date_indent + (_width(date) - _width(organ)) / 2)
    return organ_indent, date_indent


def set_fonts(style_or_run, east_asian: str, size: float, bold: bool = False) -> None:
    """Set fonts with the East Asian name in w:eastAsia (python-docx's font.name sets only the
    Latin slots)."""
    style_or_run.font.name = east_asian
    style_or_run.font.size = Pt(size)
    style_or_run.font.bold = bold
    element = getattr(style_or_run, "element", None)
    if element is None:
        element = style_or_run._r
    element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), east_asian)


def _paragraph_style(doc, name: str, font: str, size: float = BODY_PT, **options):
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles["Normal"]
    style.quick_style = True
    set_fonts(style, font, size, bold=options.get("bold", False))
    fmt = style.paragraph_format
    fmt.alignment = options.get("align", WD_ALIGN_PARAGRAPH.JUSTIFY)
    fmt.first_line_indent = Pt(size * options.get("indent", 0))
    fmt.right_indent = Pt(BODY_PT * options.get("right", 0))
    fmt.space_before = Pt(options.get("before", 0))
    if "pitch" in options:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(options["pitch"])
    return style


def _page_number_footer(section) -> None:
    """— 1 — in 4号 宋体 under the type area (GB/T 9704-2012 7.5), outside the right edge."""
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    paragraph.paragraph_format.right_indent = Pt(14)
    paragraph.add_run("— ")
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)
    paragraph.add_run(" —")
    for run in paragraph.runs:
        set_fonts(run, SONGTI, 14)
    section.footer_distance = Mm(MARGIN_BOTTOM_MM - 7 - 6)


class OfficialDocument:
    """A .docx in the official-document layout. Add parts in reading order, then `to_bytes()`.

    Styles are named for their roles (标题, 发文字号, 主送机关, 正文, 一级标题, 二级标题, 表格,
    发文机关署名, 成文日期, 附注) so a reader — or a test — can tell the parts apart."""

    def __init__(self) -> None:
        self.doc = doc = Document()
        section = doc.sections[0]
        section.page_width, section.page_height = Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM)
        section.top_margin, section.bottom_margin = Mm(MARGIN_TOP_MM), Mm(MARGIN_BOTTOM_MM)
        section.left_margin, section.right_margin = Mm(MARGIN_LEFT_MM), Mm(MARGIN_RIGHT_MM)
        _page_number_footer(section)

        normal = doc.styles["Normal"]
        set_fonts(normal, FANGSONG, BODY_PT)
        normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        normal.paragraph_format.line_spacing = Pt(LINE_PITCH_PT)
        normal.paragraph_format.space_before = Pt(0)
        normal.paragraph_format.space_after = Pt(0)
        normal.paragraph_format.widow_control = True

        center = WD_ALIGN_PARAGRAPH.CENTER
        _paragraph_style(doc, "标题", XIAOBIAOSONG, TITLE_PT, align=center)
        _paragraph_style(doc, "发文字号", FANGSONG, align=center)
        _paragraph_style(doc, "主送机关", FANGSONG, before=LINE_PITCH_PT)
        _paragraph_style(doc, "正文", FANGSONG, indent=2)
        _paragraph_style(doc, "一级标题", HEITI, indent=2)
        _paragraph_style(doc, "二级标题", KAITI, indent=2)
        _paragraph_style(doc, "附注", FANGSONG, indent=2)
        _paragraph_style(doc, "表格", SONGTI, TABLE_PT, align=center, pitch=TABLE_PT * 1.5)

    def title(self, text: str) -> None:
        self.doc.add_paragraph(text, style="标题")

    def number(self, text: str) -> None:
        """发文字号, under the title for letters and notices."""
        self.doc.add_paragraph(text, style="发文字号")

    def salutation(self, text: str) -> None:
        self.doc.add_paragraph(text, style="主送机关")

    def body(self, text: str):
        return self.doc.add_paragraph(text, style="正文")

    def heading(self, text: str, level: int = 1) -> None:
        """一、 headings in 黑体, （一） headings in 楷体 (GB/T 9704-2012 7.3.3)."""
        self.doc.add_paragraph(text, style="一级标题" if level == 1 else "二级标题")

    def note(self, text: str) -> None:
        self.doc.add_paragraph(text, style="附注")

    def table(self, header: list[str] | list[list[str]], rows: list[list]) -> object:
        """A grid table in 5号 宋体; `header` is one row, several, or none (``[]``); merged
        cells are the caller's business via the returned python-docx table."""
        header_rows = header if header and isinstance(header[0], list) else [header]
        header_rows = [row for row in header_rows if row]  # no header: no empty first row
        width = max(len(r) for r in [*header_rows, *rows]) if (header_rows or rows) else 1
        table = self.doc.add_table(rows=0, cols=width)
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for values in [*header_rows, *rows]:
            cells = table.add_row().cells
            for cell, value in zip(cells, values, strict=False):
                cell.text = "" if value is None else str(value)
                for paragraph in cell.paragraphs:
                    paragraph.style = self.doc.styles["表格"]
        return table

    def signature(self, organ: str, date: str, contact: str = "", closing: str = "") -> None:
        """The closing sentence, 发文机关署名 and 成文日期 kept on one page; 正文下空三行 for
        the seal, which covers the name and the date."""
        organ_indent, date_indent = signature_indents(organ, date)
        styles = self.doc.styles
        right = WD_ALIGN_PARAGRAPH.RIGHT
        if "发文机关署名" not in [s.name for s in styles]:
            _paragraph_style(
                self.doc,
                "发文机关署名",
                FANGSONG,
                align=right,
                right=organ_indent,
                before=3 * LINE_PITCH_PT,
            )
            _paragraph_style(self.doc, "成文日期", FANGSONG, align=right, right=date_indent)
        closing_paragraphs = []
        if closing:
            closing_paragraphs.append(self.body(closing))
        closing_paragraphs += [
            self.doc.add_paragraph(organ, style="发文机关署名"),
            self.doc.add_paragraph(date, style="成文日期"),
        ]
        if contact:
            closing_paragraphs.append(self.doc.add_paragraph(f"（{contact}）", style="附注"))
        for paragraph in closing_paragraphs:
            paragraph.paragraph_format.keep_together = True
        for paragraph in closing_paragraphs[:-1]:
            paragraph.paragraph_format.keep_with_next = True

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return buffer.getvalue()


def download(data: bytes, name: str) -> HttpResponse:
    """A generated file as a download with its Chinese file name (RFC 6266 filename*)."""
    suffix = name[name.rfind(".") :].lower() if "." in name else ""
    content_type = CONTENT_TYPES.get(suffix, "application/octet-stream")
    return HttpResponse(
        data,
        content_type=content_type,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"},
    )
