"""Cells of every CSV and .xlsx export, written so a spreadsheet never runs them.

Text that starts with = + - @ (or a tab or carriage return) is read by Excel, WPS and
LibreOffice as a formula: `=HYPERLINK(...)` in a catalogue item or a request description
would run on the office PC that opens the export (CSV injection, OWASP). Every export writes
its cells through here:
- CSV has no types, so such a cell gets a leading apostrophe (the OWASP rule);
- .xlsx has types: the cell is stored as text with Excel's quote prefix, the value unchanged,
  so the file still imports back into the identical catalogue."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)


def csv_cell(value: Any) -> Any:
    return "'" + value if looks_like_formula(value) else value


class SafeCsvWriter:
    """csv.writer whose rows are neutralised; the one CSV writer of the platform."""

    def __init__(self, buffer, **kwargs):
        self._writer = csv.writer(buffer, **kwargs)

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow([csv_cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]):
        for row in rows:
            self.writerow(row)


def xlsx_cell(ws, row: int, column: int, value: Any):
    """ws.cell(row, column, value), never a formula."""
    cell = ws.cell(row=row, column=column)
    cell.value = value
    if looks_like_formula(value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell
