"""A copy of a failed workbook with every problem marked where the admin will fix it.

Admins do not read reports: they open the workbook. So beside a workbook that fails
validation the service leaves a copy in which each bad cell has a red fill and a
comment saying what is wrong and what was expected; the admin corrects the cells in
that copy and drops it into the inbox again. Warnings get an amber fill. Problems
that have no cell (a missing sheet, a sheet-wide rule) are listed on a new first
sheet, "Problems". The original workbook is only ever read.

A marked copy is often dropped again with only some cells corrected, and fails
again; the marks of its last failure are taken off first, so that the new copy
shows what is wrong now, not what the admin already put right.

openpyxl parses the XML here; with defusedxml installed it refuses entity expansion,
and the workbook has already passed :func:`docgen.workbook.read_workbook`'s zip checks.
"""

from __future__ import annotations

import warnings
from collections import defaultdict
from pathlib import Path

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils.cell import coordinate_from_string
from openpyxl.worksheet.worksheet import Worksheet

from docgen.errors import Problem
from docgen.files import write_atomic
from docgen.report import Report
from docgen.workbook import normalise
from docgen.xlsxbytes import xlsx_bytes

#: Excel's own "Light Red Fill" and "Yellow Fill" conditional-format colours: the text
#: stays readable, and admins already know what they mean.
ERROR_FILL = PatternFill(fill_type="solid", fgColor="FFFFC7CE", bgColor="FFFFC7CE")
WARNING_FILL = PatternFill(fill_type="solid", fgColor="FFFFEB9C", bgColor="FFFFEB9C")
ERROR_TAB = "FFC00000"
PROBLEMS_SHEET = "Problems"
PROBLEMS_HEADER = ["Where", "Level", "Problem", "Expected"]
AUTHOR = "docgen"
#: How a comment the cell had before docgen marked it is kept in docgen's comment.
EARLIER = "(earlier comment) "


def write_marked_copy(
    source: Path, report: Report, dest: Path, *, group: str | None = None
) -> None:
    """Write ``dest``: ``source`` with each problem of ``report`` marked on its cell.

    ``dest`` appears whole or not at all (written beside itself, then renamed), owner-only
    or, with ``group`` (DOCGEN_GROUP), for that group too, like the other files of failed/.
    """
    with warnings.catch_warnings():  # "Data Validation extension is not supported" etc.
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(source)
    _unmark(wb)
    sheets = {normalise(ws.title): ws for ws in wb.worksheets}
    by_cell: dict[tuple[str, str], list[Problem]] = defaultdict(list)
    unplaced: list[Problem] = []
    for problem in report.problems:
        ws = sheets.get(normalise(problem.sheet)) if problem.sheet else None
        where = _coordinate(ws, problem) if ws is not None else None
        if ws is None or where is None:
            unplaced.append(problem)
        else:
            by_cell[(ws.title, where)].append(problem)
            for other in problem.others:  # a rule across cells: each cell it compared
                by_cell[(ws.title, other)].append(problem)
    for (title, where), problems in by_cell.items():
        _mark(wb[title], where, problems)
    for problem in report.errors:
        ws = sheets.get(normalise(problem.sheet)) if problem.sheet else None
        if ws is not None:
            ws.sheet_properties.tabColor = ERROR_TAB
    marked = {title for title, _where in by_cell}
    first = [ws for ws in wb.worksheets if ws.title in marked] or wb.worksheets
    _select(wb, _problems_sheet(wb, unplaced) if unplaced else first[0])
    write_atomic(dest, xlsx_bytes(wb), group=group)


def _unmark(wb: openpyxl.Workbook) -> None:
    """Take off the marks an earlier failure left on this workbook (a marked copy).

    Only docgen's own marks go: its comments (an admin's comment kept inside one is
    given back), the fills under them, its Problems sheet and, once any of these is
    found, the red tabs, since the new marks colour the tabs of the sheets still wrong.
    """
    earlier = False
    for ws in list(wb.worksheets):
        if ws.title == PROBLEMS_SHEET and [c.value for c in ws[1]] == PROBLEMS_HEADER:
            wb.remove(ws)
            earlier = True
            continue
        for row in ws.iter_rows():
            for cell in row:
                if cell.comment is None or cell.comment.author != AUTHOR:
                    continue
                earlier = True
                if cell.fill.fill_type == "solid" and cell.fill.fgColor.rgb in (
                    ERROR_FILL.fgColor.rgb,
                    WARNING_FILL.fgColor.rgb,
                ):
                    cell.fill = PatternFill()
                _, _, kept = cell.comment.text.partition(f"\n{EARLIER}")
                cell.comment = Comment(kept, "") if kept else None
    if earlier:
        for ws in wb.worksheets:
            if ws.sheet_properties.tabColor is not None and (
                ws.sheet_properties.tabColor.rgb == ERROR_TAB
            ):
                ws.sheet_properties.tabColor = None


def _coordinate(ws: Worksheet, problem: Problem) -> str | None:
    """``B14`` for a cell problem, the row's first cell for a row problem, else None."""
    if problem.cell:
        try:
            column, row = coordinate_from_string(problem.cell)
        except ValueError:
            return None
        return f"{column}{row}"
    if problem.row:
        return f"{ws.cell(row=problem.row, column=ws.min_column).column_letter}{problem.row}"
    return None


def _mark(ws: Worksheet, where: str, problems: list[Problem]) -> None:
    cell = ws[where]
    errors = any(p.severity == "error" for p in problems)
    cell.fill = ERROR_FILL if errors else WARNING_FILL
    lines = [_describe(p) for p in problems]
    if cell.comment is not None and cell.comment.author != AUTHOR:
        lines.append(f"{EARLIER}{cell.comment.text}")
    text = "\n".join(lines)
    comment = Comment(text, AUTHOR)
    comment.width = 320
    comment.height = min(400, 40 + 16 * (len(text) // 45 + len(lines)))
    cell.comment = comment


def _describe(problem: Problem) -> str:
    """The problem without its place (the comment sits on the place)."""
    text = problem.described
    text = text[:1].upper() + text[1:]
    return text if problem.severity == "error" else f"Warning: {text}"


def _problems_sheet(wb: openpyxl.Workbook, problems: list[Problem]) -> Worksheet:
    """A first sheet listing what could not be marked on a cell."""
    ws = wb.create_sheet(PROBLEMS_SHEET, 0)  # openpyxl adds a number if the name is taken
    ws.sheet_properties.tabColor = ERROR_TAB
    ws.append(PROBLEMS_HEADER)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for problem in problems:
        ws.append(
            [
                problem.location or "the workbook",
                problem.severity,
                problem.message,
                problem.expected,
            ]
        )
    for column, width in zip("ABCD", (24, 10, 70, 50), strict=True):
        ws.column_dimensions[column].width = width
    return ws


def _select(wb: openpyxl.Workbook, ws: Worksheet) -> None:
    """Open on ``ws`` alone: two selected tabs would put Excel in [Group] editing mode."""
    for sheet in wb.worksheets:
        sheet.sheet_view.tabSelected = sheet is ws
    wb.active = wb.worksheets.index(ws)


__all__ = ["ERROR_FILL", "PROBLEMS_SHEET", "WARNING_FILL", "write_marked_copy"]
