"""CSV and .xlsx exports never hand a spreadsheet a formula (CSV injection)."""

import csv
import io
import re
from pathlib import Path

import pytest

from gongkai.core.exports import SafeCsvWriter, csv_cell, looks_like_formula, xlsx_cell

HOSTILE = ['=HYPERLINK("http://evil.example/","点击查看")', "+1+2", "-3+4", "@SUM(A1)", "\t=1"]


def test_csv_cells_get_an_apostrophe_and_others_are_untouched():
    buffer = io.StringIO()
    SafeCsvWriter(buffer).writerows([HOSTILE, ["正常文本", 12, None, "a=b"]])
    rows = list(csv.reader(io.StringIO(buffer.getvalue())))
    assert all(cell.startswith("'") for cell in rows[0])
    assert rows[1] == ["正常文本", "12", "", "a=b"]
    assert csv_cell(5) == 5 and not looks_like_formula("区=县")


def test_xlsx_cells_are_text_never_formulas(tmp_path):
    from openpyxl import Workbook, load_workbook

    workbook = Workbook()
    ws = workbook.active
    for column, value in enumerate(HOSTILE, start=1):
        xlsx_cell(ws, 1, column, value)
    path = tmp_path / "x.xlsx"
    workbook.save(path)
    loaded = load_workbook(path).active
    for column, value in enumerate(HOSTILE, start=1):
        cell = loaded.cell(row=1, column=column)
        assert cell.data_type == "s" and cell.value == value
        assert cell.quotePrefix


@pytest.fixture
def hostile_item(demo, tmp_path):
    from gongkai.catalogue.io.importer import import_catalogue
    from gongkai.catalogue.models import CatalogueItem
    from gongkai.core.permissions import SYSTEM
    from tests.catalogue.builders import build_all

    import_catalogue(build_all(tmp_path)["xlsx"], demo, actor=SYSTEM)
    leaf = CatalogueItem.objects.filter(domain__site=demo).exclude(content="").first()
    CatalogueItem.objects.filter(pk=leaf.pk).update(content=HOSTILE[0], basis=HOSTILE[3])
    return demo


def test_catalogue_csv_and_xlsx_exports_are_neutralised(hostile_item):
    """Today the catalogue .xlsx stores =HYPERLINK(...) as a live formula and the CSV as is."""
    from openpyxl import load_workbook

    from gongkai.catalogue.io.dump import dump_catalogue
    from gongkai.catalogue.io.exporter import export_xlsx_bytes, to_csv

    cells = [
        c for row in csv.reader(io.StringIO(to_csv(dump_catalogue(hostile_item)))) for c in row
    ]
    assert "'" + HOSTILE[0] in cells and "'" + HOSTILE[3] in cells
    assert HOSTILE[0] not in cells
    workbook = load_workbook(io.BytesIO(export_xlsx_bytes(hostile_item)))
    found = [
        cell
        for ws in workbook.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.value in (HOSTILE[0], HOSTILE[3])
    ]
    assert len(found) == 2
    assert all(cell.data_type == "s" for cell in found)


def test_a_neutralised_xlsx_imports_back_unchanged(hostile_item, ouhai):
    from gongkai.catalogue.io.exporter import export_xlsx_bytes
    from gongkai.catalogue.io.importer import import_catalogue
    from gongkai.catalogue.models import CatalogueItem
    from gongkai.core.permissions import SYSTEM

    import_catalogue(export_xlsx_bytes(hostile_item), ouhai, actor=SYSTEM)
    assert CatalogueItem.objects.filter(domain__site=ouhai, content=HOSTILE[0]).count() == 1


def test_every_export_writes_through_the_helper():
    """A new export that calls csv.writer or openpyxl's Workbook directly fails here."""
    src = Path(__file__).resolve().parents[2] / "src" / "gongkai"
    offenders = []
    for path in src.rglob("*.py"):
        if path.name == "exports.py" and path.parent.name == "core":
            continue
        if "fixtures" in path.relative_to(src).parts:
            continue  # generators of test and demo files (legacy/fixtures/make_files.py)
        text = path.read_text(encoding="utf-8")
        writes = re.search(r"csv\.(writer|DictWriter)\(|\bWorkbook\(", text)
        if writes and "gongkai.core.exports" not in text:
            offenders.append(str(path.relative_to(src)))
    assert offenders == []
