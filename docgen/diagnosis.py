"""What many problems together say, and every problem written out for a spreadsheet.

A workbook pasted from the wrong export breaks the contract thousands of times for a
handful of reasons. :func:`hints` names those reasons from the problems' codes and
values (one row per episode, two-digit years, month-first dates, a title above the
headers); :func:`write_problems` writes every problem, however many, as a workbook and
a CSV an admin can sort and filter.
"""

from __future__ import annotations

import csv
import io
import os
import re
import zipfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docgen.errors import OutputError, Problem, show_value
from docgen.files import write_all
from docgen.xlsxbytes import NO_DATE, xlsx_bytes

if TYPE_CHECKING:
    from docgen.report import Report

#: A problem needs this many of its kind on a sheet before a pattern is called a cause.
AT_LEAST = 3
_TWO_DIGIT_YEAR = re.compile(r"^\s*(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{2})\s*$")
_DAY_MONTH_YEAR = re.compile(r"^\s*(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{4})\s*$")

#: The columns of the written list, in order: each a field of a problem.
COLUMNS = ("severity", "code", "sheet", "cell", "row", "column", "value", "expected", "message")


def hints(problems: Sequence[Problem]) -> list[str]:
    """The likely causes of the problems, each saying what to do; none when no pattern
    holds. A cause is named only when it explains several problems of its kind."""
    return [
        *_repeated_ids(problems),
        *_two_digit_years(problems),
        *_month_first_dates(problems),
        *_title_rows(problems),
        *_return_columns(problems),
    ]


def _repeated_ids(problems: Sequence[Problem]) -> list[str]:
    """Many IDs repeated on one sheet: one row per episode or placement, not per child."""
    found: list[str] = []
    repeats: dict[tuple[str | None, str | None], list[Problem]] = {}
    for p in problems:
        if p.code == "duplicate-id":
            repeats.setdefault((p.sheet, p.column), []).append(p)
    for (sheet, column), rows in repeats.items():
        count, first = len(rows), rows[0]
        if count < AT_LEAST:
            continue
        ids = {str(p.value).casefold() for p in rows}
        found.append(
            f"sheet {sheet!r} repeats {len(ids):,} {column}s in {count:,} further rows (such as "
            f"{show_value(first.value)!r} at {first.cell}): it looks like one row per episode or "
            "placement, as an SSDA903 episode extract has. The sheet takes one row per "
            f"{_noun(column)}: keep each one's latest row and delete the others."
        )
    return found


def _two_digit_years(problems: Sequence[Problem]) -> list[str]:
    found = [
        (p, m) for p in problems if p.code == "invalid-date" and (m := _match(_TWO_DIGIT_YEAR, p))
    ]
    if len(found) < AT_LEAST:
        return []
    dates = [p for p, _ in found]
    first, (day, month, year) = dates[0], found[0][1].groups()
    full = 2000 + int(year) if 2000 + int(year) <= date.today().year else 1900 + int(year)
    return [
        f"{len(dates):,} dates have a two-digit year (such as {first.value!r} at "
        f"{first.location}{_columns(dates)}): type the year in full ({day}/{month}/{full}), "
        "or format the column as a date in Excel (Format Cells, Date) and re-enter it."
    ]


def _month_first_dates(problems: Sequence[Problem]) -> list[str]:
    """Dates that are real only read month first (08/14/2017): a US-format export."""
    found = []
    for p in problems:
        match = _match(_DAY_MONTH_YEAR, p) if p.code == "invalid-date" else None
        if match and int(match.group(1)) <= 12 < int(match.group(2)) <= 31:
            found.append((p, match))
    if len(found) < AT_LEAST:
        return []
    dates = [p for p, _ in found]
    first, (month, day, year) = dates[0], found[0][1].groups()
    return [
        f"{len(dates):,} dates are real only read month first (such as {first.value!r} at "
        f"{first.location}{_columns(dates)}): the export wrote US dates. docgen reads dates "
        f"day first ({day}/{month}/{year}): export them day first, or as real Excel dates; "
        "dates such as 03/04/2014 in the same columns are read day first, so check them too."
    ]


def _title_rows(problems: Sequence[Problem]) -> list[str]:
    return [
        f"sheet {p.sheet!r} has rows above its column headers (a title?): delete them, so "
        "the headers are in the first row."
        for p in problems
        if p.code == "headers-not-first"
    ]


#: What one row of each SSDA903 table stands for.
_RETURN_ROW = {
    "header": "child",
    "episodes": "episode of care",
    "reviews": "review",
    "placed_adoption": "placement for adoption",
}


def _return_columns(problems: Sequence[Problem]) -> list[str]:
    """A sheet pasted from an SSDA903 return file: several of its columns (RNE, PLACE,
    HOME_POST, ...) are not the sheet's, and the return itself is what docgen reads."""
    unknown: dict[str, list[str]] = {}
    for p in problems:
        if p.code == "unknown-column" and p.sheet and isinstance(p.value, str):
            unknown.setdefault(p.sheet, []).append(p.value.strip().upper())
    if not unknown:
        return []  # and the returns' reader (lxml) is not loaded to find that out
    from docgen.returns.ssda903 import TABLES  # the return's columns, as the DfE names them

    found = []
    for sheet, headers in unknown.items():
        table, columns = max(
            (
                (name, [h for h in headers if h in cols and h != "CHILD"])
                for name, cols in TABLES.items()
            ),
            key=lambda pair: len(pair[1]),
        )
        if len(columns) < AT_LEAST:
            continue
        found.append(
            f"sheet {sheet!r} has the columns of the SSDA903 {table} file "
            f"({', '.join(columns[:4])}{', ...' if len(columns) > 4 else ''}), one row per "
            f"{_RETURN_ROW[table]}: give docgen the return's CSV files as they are, beside "
            "the workbook or with --returns (docs/returns.md), and delete this sheet; or fill "
            "it with its own columns, one row per child (docs/workbooks.md)."
        )
    return found


def _match(pattern: re.Pattern[str], problem: Problem) -> re.Match[str] | None:
    return pattern.match(problem.value) if isinstance(problem.value, str) else None


def _columns(problems: list[Problem]) -> str:
    named = list(dict.fromkeys(f"{p.sheet} {p.column!r}" for p in problems if p.column))
    if not named:
        return ""
    return "; in " + ", ".join(named[:3]) + (", ..." if len(named) > 3 else "")


def _noun(column: str | None) -> str:
    """``Child ID`` -> ``child``: what one row of the sheet stands for."""
    text = (column or "row").removesuffix(" ID").removesuffix(" Id")
    return text.lower()


# --------------------------------------------------------------------------- writing the list


def write_problems(report: Report, path: Path, *, group: str | None = None) -> list[Path]:
    """Every problem of ``report`` to ``path`` (.xlsx or .csv) and the other form beside it."""
    paths = check_list_target(path, Path(report.file) if report.file else None)
    form = {".xlsx": problems_xlsx, ".csv": problems_csv}
    write_all([(target, form[target.suffix.lower()](report)) for target in paths], group=group)
    return paths


def check_list_target(asked: Path, source: Path | None) -> list[Path]:
    """The two files ``--errors asked`` writes; refused, before any work if called first,
    when one would be written over ``source``, the workbook it lists the problems of
    (``--errors reviews.xlsx``, or ``--errors reviews.csv`` whose twin is reviews.xlsx),
    or the twin would replace a file that is no earlier list of problems."""
    suffix = asked.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise OutputError(f"{asked.name}: the list of problems is written as .xlsx or .csv.")
    paths = [asked, asked.with_suffix(".csv" if suffix == ".xlsx" else ".xlsx")]
    other = f"give another name, such as '{asked.stem} problems{asked.suffix}'"
    for target in paths:
        if not target.is_file():
            continue
        if source is not None and source.is_file() and os.path.samefile(target, source):
            raise OutputError(
                f"--errors {asked.name} would write {target.name}, the workbook being checked, "
                f"and docgen never writes over its input; {other}. Nothing was written."
            )
        if target != asked and not _is_problem_list(target):
            raise OutputError(
                f"--errors {asked.name} also writes {target.name} beside it, but "
                f"{target.name} is there already and is no list of problems; {other}. "
                "Nothing was written."
            )
    return paths


def _is_problem_list(path: Path) -> bool:
    """Whether ``path`` is a list of problems docgen wrote before (safe to replace)."""
    try:
        if path.suffix.lower() == ".csv":
            with path.open(encoding="utf-8-sig", newline="") as fh:
                return fh.readline().strip() == ",".join(COLUMNS)
        with zipfile.ZipFile(path) as zf:
            book = zf.read("xl/workbook.xml")
        return b'name="Summary"' in book and b'name="Problems"' in book
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        return False


def _rows(report: Report) -> list[list[Any]]:
    rows = []
    for p in report.errors + report.warnings:
        fields = p.as_dict()
        fields["message"] = p.message  # the place is in its own columns
        rows.append(["" if fields[c] is None else fields[c] for c in COLUMNS])
    return rows


def problems_csv(report: Report) -> bytes:
    """The problems as CSV (UTF-8 with a byte-order mark, so Excel shows accents)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in _rows(report):
        writer.writerow([_defused(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def problems_xlsx(report: Report) -> bytes:
    """The problems as a workbook: a Problems sheet to filter, and a Summary sheet of
    the kinds, their counts and first cells, and the likely causes."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    summary = book.create_sheet("Summary")
    summary.append([_text(summary, WriteOnlyCell, Path(report.file or "workbook").name)])
    summary.append(["errors", report.error_total])
    summary.append(["warnings", report.warning_total])
    summary.append([])
    summary.append(["severity", "code", "sheet", "column", "count", "first cells"])
    for g in report.groups():
        texts = (g.severity, g.code, g.sheet, g.column)
        cells = [_text(summary, WriteOnlyCell, t) for t in texts]
        summary.append([*cells, g.count, _text(summary, WriteOnlyCell, ", ".join(g.first))])
    summary.append([])
    for hint in report.hints:
        summary.append([_text(summary, WriteOnlyCell, "hint"), _text(summary, WriteOnlyCell, hint)])
    sheet = book.create_sheet("Problems")
    sheet.append(list(COLUMNS))
    for row in _rows(report):
        sheet.append([v if isinstance(v, int) else _text(sheet, WriteOnlyCell, v) for v in row])
    return xlsx_bytes(book, NO_DATE)


def _text(sheet: Any, cell_type: Any, value: Any) -> Any:
    """A cell that holds text as text: a value read as ``=HYPERLINK(...)`` stays words,
    never a formula Excel would run."""
    cell = cell_type(sheet, value=str(value))
    cell.data_type = "s"
    return cell


def _defused(value: Any) -> Any:
    """A CSV field Excel would take for a formula (=, +, -, @ first) gets a leading
    apostrophe; numbers stay numbers."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
