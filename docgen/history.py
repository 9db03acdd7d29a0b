"""Next year's History rows, from this year's computed figures.

A council's next annual workbook needs this year's published figures on its History
sheet (the report prints earlier years beside the new one). Rather than retyping
them, ``docgen history --year 2014`` writes a History sheet holding the earlier
years' rows it was given and every figure of 2013-14 as the report printed it
(``89 (1)`` for an age band with one short-breaks child, ``98%``).
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

from docgen.annual import AnnualFigures
from docgen.context import show
from docgen.errors import OutputError, WorkbookError
from docgen.files import write_atomic
from docgen.models import HistoryEntry
from docgen.validate import Tables
from docgen.workbook import list_sheets
from docgen.xlsxbytes import NO_DATE, xlsx_bytes

#: History's table names, and the key of the computed table each is printed from.
HISTORY_SOURCES = {
    "Age": "looked_after_age",
    "Legal Status": "legal_status",
    "Ethnicity": "ethnicity",
    "Adoptions": "adoptions",
    "Category of Abuse": "cp_category",
    "Reviews": "reviews",
    "Conferences": "conferences",
    "Participation": "participation",
    "Ceased": "ceased",
    "Caseloads": "caseloads",
}
HEADERS = ("Table", "Row", "Year", "Value")


def computed_rows(figures: AnnualFigures) -> list[tuple[str, str, int, str]]:
    """(Table, Row, Year, Value) of every figure the year's tables print for the year."""
    year = figures.period.year
    rows = []
    for name, key in HISTORY_SOURCES.items():
        table = figures.tables.get(key)
        if table is None:
            continue
        for label in table.rows:
            rows.append((name, label, year, show(table.value(label, year))))
        if table.total_label and year in table.totals:
            rows.append((name, table.total_label, year, show(table.totals[year])))
    return rows


def history_rows(tables: Tables, figures: AnnualFigures) -> list[tuple[str, str, int, str]]:
    """The History sheet of next year's workbook: the earlier years' rows this year's
    workbook gave, then this year's figures; sorted by table, year and row order."""
    year = figures.period.year
    order = {name: i for i, name in enumerate(HISTORY_SOURCES)}
    given = [(e.table, e.row, e.year, e.value) for e in tables[HistoryEntry] if e.year < year]
    computed = computed_rows(figures)
    rank = {(t, r): i for i, (t, r, _, _) in enumerate(computed)}
    return sorted(
        given + computed,
        key=lambda r: (order.get(r[0], len(order)), r[2], rank.get((r[0], r[1]), 0)),
    )


def _history_only(path: Path) -> bool:
    """Whether ``path`` is a workbook of one sheet, History: a list this command wrote."""
    try:
        return list_sheets(path) == ["History"]
    except (OSError, WorkbookError):
        return False


def write_history(
    rows: list[tuple[str, str, int, str]], dest: Path, group: str | None = None
) -> None:
    """A workbook with one History sheet, written whole or not at all; never over a
    workbook that holds more than that (the annual workbook the rows were read from)."""
    if dest.is_file() and not _history_only(dest):
        raise OutputError(
            f"--output {dest.name} is a workbook with other sheets than History (the annual "
            "workbook itself?), and docgen never writes over one; give another name, such as "
            f"'{dest.stem} history.xlsx'. Nothing was written."
        )
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "History"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for column, width in zip("ABCD", (20, 36, 8, 12), strict=True):
        sheet.column_dimensions[column].width = width
    book.properties.creator = "docgen"
    write_atomic(dest, xlsx_bytes(book, NO_DATE), group=group)
