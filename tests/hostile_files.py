"""Small Office files that are expensive to open: the reproductions of issue 10 point 6."""

import io
import zipfile

from docx import Document


def _replace(data: bytes, member: str, content: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = content if info.filename == member else source.read(info.filename)
            target.writestr(info.filename, body)
    return out.getvalue()


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def docx_with_paragraphs(count: int = 100_000) -> bytes:
    """A Word file of `count` one-letter paragraphs: about 12 KB for 100,000."""
    buffer = io.BytesIO()
    Document().save(buffer)
    body = b"<w:p><w:r><w:t>x</w:t></w:r></w:p>" * count
    xml = f"<?xml version='1.0' encoding='UTF-8'?><w:document {W}><w:body>".encode()
    return _replace(buffer.getvalue(), "word/document.xml", xml + body + b"</w:body></w:document>")


def docx_with_table(rows: int = 20_000, cols: int = 11) -> bytes:
    """A Word file with one table of rows x cols cells (what the catalogue reader reads)."""
    buffer = io.BytesIO()
    Document().save(buffer)
    cell = b"<w:tc><w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc>"
    row = b"<w:tr>" + cell * cols + b"</w:tr>"
    xml = (
        f"<?xml version='1.0' encoding='UTF-8'?><w:document {W}><w:body><w:tbl>".encode()
        + row * rows
        + b"</w:tbl></w:body></w:document>"
    )
    return _replace(buffer.getvalue(), "word/document.xml", xml)


def xlsx_with_rows(rows: int = 200_000, cols: int = 11) -> bytes:
    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    cells = "".join(
        f'<c r="{chr(65 + c)}{{r}}" t="inlineStr"><is><t>x</t></is></c>' for c in range(cols)
    )
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet '
        'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        + "".join(
            f'<row r="{r}">' + cells.replace("{r}", str(r)) + "</row>" for r in range(1, rows + 1)
        )
        + "</sheetData></worksheet>"
    )
    return _replace(buffer.getvalue(), "xl/worksheets/sheet1.xml", sheet.encode())


def corrupt_docx() -> bytes:
    """A .docx whose document part is damaged (CRC mismatch), the central directory intact."""
    buffer = io.BytesIO()
    Document().save(buffer)
    data = bytearray(buffer.getvalue())
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for i in range(start + 10, start + 40):
        data[i] ^= 0xFF
    return bytes(data)
