"""A return set read from a folder or zip, and merged with the annual workbook."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from docgen import annual
from docgen.errors import Problem, UserError
from docgen.models import ANNUAL, Child, CPPlan, Row, SheetSpec, WorkbookSpec
from docgen.report import Report
from docgen.returns import cin, ssda903
from docgen.returns.derive import Derived, derive
from docgen.returns.source import ReturnFile, Src, problem, return_files
from docgen.returns.xmlread import root_tag
from docgen.settings import Settings
from docgen.validate import SheetRows, Tables, validate_workbook
from docgen.workbook import Workbook

#: The sheets each return gives.
SSDA903_SHEETS = ("Children", "Reviews", "Adoptions")
CIN_SHEETS = ("CP Plans", "CP Conferences")


@dataclass
class ReturnSet:
    """The returns found in one folder or zip, and what reading them met."""

    source: Path
    ssda903: ssda903.Return903 = field(default_factory=ssda903.Return903)
    census: cin.Census = field(default_factory=cin.Census)
    problems: list[Problem] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.ssda903) or bool(self.census.files)

    def provides(self) -> dict[str, list[str]]:
        """Each sheet the returns give, with the files that give it."""
        found: dict[str, list[str]] = {}
        files_903 = sorted({f for names in self.ssda903.files.values() for f in names})
        if files_903:
            found |= {sheet: files_903 for sheet in SSDA903_SHEETS}
        if self.census.files:
            found |= {sheet: self.census.files for sheet in CIN_SHEETS}
        return found


def _read_file(file: ReturnFile, found: ReturnSet) -> None:
    out = found.problems
    try:
        if file.name.lower().endswith(".csv"):
            ssda903.sniff_csv(file, found.ssda903, out)
            return
        tag = root_tag(file)
        if tag == "EXPSSDA903":
            ssda903.read_xml(file, found.ssda903, out)
        elif tag == "Message":
            cin.read_census(file, found.census, out)
        else:
            out.append(
                problem(
                    Src(file.name, 1),
                    None,
                    "unrecognised-return",
                    f"the XML's root element is {tag or 'missing'}; the file was ignored",
                    expected="EXPSSDA903 (SSDA903) or Message (CIN census)",
                    severity="warning",
                )
            )
    except (UnicodeDecodeError, OSError) as exc:
        out.append(
            problem(
                Src(file.name, 0),
                None,
                "unreadable-return",
                f"cannot be read ({exc})",
                expected="a CSV or XML text file",
            )
        )


def read_returns(source: Path, max_bytes: int) -> ReturnSet:
    """Every return file of a folder or zip (or one file), recognised by its content."""
    found = ReturnSet(source)
    for file in return_files(source, max_bytes):
        _read_file(file, found)
    tables = found.ssda903.files
    if "ssda903_xml" in tables and any(t in tables for t in ssda903.TABLES):
        csvs = sorted({f for t in ssda903.TABLES for f in tables.get(t, [])})
        raise UserError(
            f"{source.name} holds the SSDA903 return twice, as XML "
            f"({', '.join(tables['ssda903_xml'])}) and as CSV files ({', '.join(csvs)}); "
            "keep one of the two."
        )
    return found


def find_returns(folder: Path, max_bytes: int) -> ReturnSet | None:
    """The returns among the files of the data folder itself (not its subfolders), or
    None when it holds none: the workbook alone then gives every table."""
    if not folder.is_dir():
        return None
    found = read_returns(folder, max_bytes)
    for archive in sorted(p for p in folder.iterdir() if p.suffix.lower() == ".zip"):
        extra = read_returns(archive, max_bytes)
        if extra:
            raise UserError(
                f"{folder} holds a zip of returns ({archive.name}); give it with --returns, "
                "or unpack it into the folder, so that one return set is read."
            )
    return found if found else None


def _spec_without(sheets: set[str]) -> WorkbookSpec:
    """The annual workbook's sheets, those the returns give being optional."""
    return WorkbookSpec(
        ANNUAL.kind,
        ANNUAL.title,
        tuple(
            SheetSpec(s.model, s.required and s.model.sheet not in sheets) for s in ANNUAL.sheets
        ),
    )


def annual_tables(
    book: Workbook, found: ReturnSet, year: int, settings: Settings
) -> tuple[Tables, Report]:
    """The workbook's tables with those the returns give put in from the returns.

    A sheet given by both is an error naming both sources: docgen does not choose.
    """
    provides = found.provides()
    tables, report = validate_workbook(book, _spec_without(set(provides)))
    derived = derive(found.ssda903, found.census, year, settings.review_policy)
    report.extend(found.problems)
    report.extend(derived.problems)
    sheets: dict[type[Row], SheetRows[Any]] = dict(tables.sheets)
    for model, rows in derived.tables.items():
        given = tables[model]
        if given.present:
            files = ", ".join(provides[model.sheet])
            report.add(
                Problem(
                    "return-and-sheet",
                    f"sheet {given.sheet_name!r} gives {model.sheet}, and so do the returns "
                    f"({files})",
                    sheet=given.sheet_name,
                    file=book.path.name,
                    expected=f"one source: delete the sheet {given.sheet_name!r}, or take the "
                    "returns out of the folder",
                )
            )
        sheets[model] = rows
    if CPPlan in derived.tables:
        report.add(_per_child_note(found.census.files))
    merged = Tables(spec=ANNUAL, sheets=sheets)
    _check_children_of(merged, tables, report, book.path.name)
    return merged, report


def _per_child_note(files: list[str]) -> Problem:
    return Problem(
        "per-child-conferences",
        f"CP plans and conferences come from the CIN census ({', '.join(files)}), which holds "
        "no family: conferences and families are counted per child",
        expected="CP Plans and CP Conferences sheets instead of the census, to count families "
        "and conferences",
        severity="warning",
    )


def _check_children_of(merged: Tables, book: Tables, report: Report, file: str) -> None:
    """Workbook rows (a dispute) naming a child the returns do not list are errors."""
    keys = {c.child_id.casefold() for c in merged[Child]}
    for model, rows in book.sheets.items():
        if model.parent != ("child_id", Child.sheet) or not rows.present or book[Child].present:
            continue
        orphans = {
            number: rows.problem(
                "unknown-parent",
                f"Child ID {row.child_id!r} is no child looked after in the year in the SSDA903 "
                "return",
                "child_id",
                number,
                column="Child ID",
                value=row.child_id,
                file=file,
                expected="the CHILD of a child in the return's header and episodes",
            )
            for number, row in rows.located()
            if row.child_id.casefold() not in keys
        }
        rows.drop(orphans, report)


def infer_year(found: ReturnSet) -> int | None:
    """The year a return set reports on: the year of its latest review or episode date."""
    days = [r.review for r in found.ssda903.reviews] + [
        d for e in found.ssda903.episodes for d in (e.decom, e.dec) if d is not None
    ]
    days += [c.held for child in found.census.children for c in child.initials]
    if not days:
        return None
    latest: date = max(days)
    return latest.year + (latest.month >= 4)


def check_returns(source: Path, year: int | None, settings: Settings) -> Report:
    """``docgen validate`` on a folder or zip of returns: every problem, none left out."""
    report = Report(file=str(source))
    try:
        found = read_returns(source, settings.max_workbook_mb * 1024 * 1024)
    except UserError as exc:
        report.add(Problem("unreadable-return", str(exc), file=source.name))
        return report
    report.extend(found.problems)
    if not found:
        report.add(_no_returns(source))
        return report
    year = year or infer_year(found)
    if year is None:
        report.add(
            Problem(
                "unrecognised-return",
                f"{source.name} holds no SSDA903 or CIN census table docgen reads",
                file=source.name,
                expected="the SSDA903 CSV files or XML, or the CIN census XML",
            )
        )
        return report
    derived = derive(found.ssda903, found.census, year, settings.review_policy)
    report.extend(derived.problems)
    _check_figures(derived, year, settings, report)
    return report


def _no_returns(source: Path) -> Problem:
    """A folder (or zip) with no return in it: validating it checked nothing, which must
    not pass for "no problems" (a folder of workbooks given in place of one of them)."""
    workbooks = sorted(p.name for p in source.glob("*.xlsx")) if source.is_dir() else []
    instead = (
        f"; to check a workbook, give the workbook itself: docgen validate "
        f"{(source / workbooks[0]).as_posix()}"
        if workbooks
        else ""
    )
    return Problem(
        "no-returns",
        f"{source.name} holds no SSDA903 or CIN census file, so nothing was checked",
        file=source.name,
        expected=f"the SSDA903 CSV files or XML, or the CIN census XML{instead}",
    )


def _check_figures(derived: Derived, year: int, settings: Settings, report: Report) -> None:
    """Problems only the figures show (a review whose due date cannot be worked out)."""
    if not report.ok:
        return
    sheets: dict[type[Row], SheetRows[Any]] = {
        s.model: SheetRows(model=s.model, sheet_name=s.model.sheet) for s in ANNUAL.sheets
    }
    sheets |= derived.tables
    try:
        annual.compute(Tables(spec=ANNUAL, sheets=sheets), year, policy=settings.review_policy)
    except annual.FiguresError as exc:
        report.extend(exc.problems)
