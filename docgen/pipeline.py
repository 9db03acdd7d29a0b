"""The front door: each job runs workbook -> rows -> models -> figures -> context -> document.

The CLI and the drop-folder service call these functions and nothing below them.
A job either writes all of its documents or raises, leaving nothing behind.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import hashlib
import multiprocessing
import os
import pickle
import re
import signal
import sys
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docgen import annual, context, documents
from docgen.documents import DocumentType
from docgen.errors import Problem, UserError, ValidationFailed, problem
from docgen.files import (
    discard,
    folder_lock,
    publish,
    signals_held,
    stage,
    write_atomic,
)
from docgen.models import (
    ANNUAL,
    KINDS,
    CPConference,
    ReportSetting,
    Review,
    Row,
    SheetSpec,
    WorkbookSpec,
)
from docgen.report import Report
from docgen.settings import MIN_SHARE, Settings
from docgen.validate import SheetRows, Tables, validate_workbook
from docgen.workbook import Workbook, list_sheets, normalise, read_workbook

if TYPE_CHECKING:  # the DfE returns' readers load when a report asks for them
    from docgen import returns as dfe_returns

#: Called as work advances: (what is being done, how many done, how many in all).
Progress = Callable[[str, int, int], None]
ANNUAL_STAGES = ("read", "validate", "compute", "render", "save")


@dataclass
class Result:
    """What a job wrote, and the warnings it met on the way."""

    outputs: list[Path] = field(default_factory=list)
    report: Report = field(default_factory=Report)


def bundled_samples() -> Path:
    """The sample workbooks shipped with docgen (in a wheel, or the repo's samples/)."""
    packaged = Path(__file__).parent / "_bundled" / "samples"
    return packaged if packaged.is_dir() else Path(__file__).parents[1] / "samples"


def _max_bytes(settings: Settings) -> int:
    return settings.max_workbook_mb * 1024 * 1024


@contextlib.contextmanager
def _cycle_collector_paused() -> Iterator[None]:
    """Python's cycle collector paused for the length of one job.

    A job holds millions of objects until it ends (every cell, row and model) and
    makes few reference cycles, yet the collector walked all of them again and again:
    27% of a national annual report's time, 1.5 s of its 4.3 s read (measured with
    gc.callbacks). Reference counting still frees everything as it goes; what cycles a
    job leaves are collected after it. Helper processes inherit the pause, so no
    collection touches, and copies, the pages they share with this process.
    """
    if not gc.isenabled():  # a job inside a job, or a caller that manages it
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def load(path: Path, spec: WorkbookSpec, settings: Settings) -> tuple[Tables, Report]:
    """Read and validate a workbook; raises only when it cannot be read at all."""
    return validate_workbook(read_workbook(path, max_bytes=_max_bytes(settings)), spec)


@_cycle_collector_paused()
def check_workbook(
    path: Path,
    kind: str | None = None,
    settings: Settings | None = None,
    *,
    year: int | None = None,
) -> Report:
    """Every problem of a workbook, without rendering anything.

    An annual workbook's figures are computed too (some problems only show there),
    for ``year`` or the year in the file's name.
    """
    settings = settings or Settings()
    if path.is_dir() or path.suffix.lower() == ".zip":
        from docgen import returns as dfe_returns

        return dfe_returns.check_returns(path, year or year_from_name(path), settings)
    try:
        spec = KINDS[kind] if kind else guess_kind(path, settings)
        spec = documents.workbook_kinds().get(spec.kind, spec)  # with every type's sheets
        tables, report = load(path, spec, settings)
    except UserError as exc:  # not a workbook at all, or not one docgen knows
        report = Report(file=str(path))
        report.add(Problem("unreadable-workbook", str(exc), file=path.name))
        return report
    if not report.ok:
        return report
    if spec is not ANNUAL:
        report.extend(context.timescale_guesses(tables, settings.review_policy))
        return report
    year = year or year_from_name(path)
    if year is None:
        year, problems = report_sheet_year(tables[ReportSetting])
        report.extend(problems)
    if year is not None:
        annual_figures(tables, year, settings, report)
    elif report.ok:
        report.add(problem("year-unknown", name=path.name, file=path.name))
    return report


def annual_figures(
    tables: Tables, year: int, settings: Settings, report: Report
) -> annual.AnnualFigures | None:
    """The year's figures under this council's settings, or None when rows that are
    each valid cannot give them; either way the problems and warnings go into ``report``."""
    wrong = _year_mismatch(tables[ReportSetting], year) or _empty_year(tables, year)
    if wrong is not None:
        report.add(wrong)
        return None
    try:
        figures = annual.compute(
            tables, year, policy=settings.review_policy, chne_group=settings.chne_group
        )
    except annual.FiguresError as exc:
        report.extend(exc.problems)
        return None
    report.extend(figures.warnings)
    return figures


def _year_mismatch(settings: SheetRows[ReportSetting], year: int) -> Problem | None:
    """An error when the Report sheet's Year names another year than the one asked for
    (by --year or the file's name): one of the two is wrong, and only the user knows which."""
    found = _year_row(settings)
    given = reporting_year(found[1].value, whole=True) if found else None
    if found is None or given is None or given == year:
        return None
    number, row = found
    return settings.problem(
        "year-mismatch",
        f"{row.setting} {row.value!r} is {period_name(given)}, but the report asked "
        f"for is {period_name(year)} (from --year or the file's name)",
        "value",
        number,
        value=row.value,
        expected=f"{period_name(year)}, or --year {given} with its workbook",
    )


def _empty_year(tables: Tables, year: int) -> Problem | None:
    """An error when no review and no conference falls in the year: a report of zeros
    for the wrong year would otherwise look believable (reviews are statutory, so a
    service with children in care holds some every year)."""
    period = annual.Period(year)
    reviews = [r.review_date for r in tables[Review]]
    conferences = [c.conference_date for c in tables[CPConference]]
    if any(day in period for day in reviews + conferences):
        return None
    held = sorted(reviews + conferences)
    found = (
        f"; its reviews and conferences run from {held[0]:%d/%m/%Y} to {held[-1]:%d/%m/%Y}"
        if held
        else "; it holds none at all"
    )
    return Problem(
        "year-empty",
        f"no review or conference was held from {period.start:%d/%m/%Y} to "
        f"{period.end:%d/%m/%Y}{found}",
        expected=f"the workbook for {period_name(year)}, or --year for the year it holds",
        sheet=Review.sheet,
    )


def period_name(year: int) -> str:
    """``2013-14`` for the year ending 31 March 2014."""
    return f"{year - 1}-{str(year)[-2:]}"


_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?:\s*[-_/]\s*(\d\d(?:\d\d)?))?(?!\d)")


def reporting_year(text: str, *, whole: bool = False) -> int | None:
    """The year a reporting period ends: 2014 for ``2014``, ``2013-14`` or ``2013/2014``.

    A file name is searched (``IRO annual 2013-14 final``, ``April2013-March2014``;
    two years that are not one period give none); with ``whole`` the text
    must be the year and nothing else (a cell), so ``April 2013 to March 2014`` is
    refused rather than misread. A span whose years do not follow on (``2014-03``)
    is, in a name, the year written first; in a cell, no year.
    """
    if whole:
        match = _YEAR.fullmatch(text.strip())
        return _span_year(match, whole=True) if match else None
    # A name may give the period's two ends apart ("April2013-March2014", "2013 to
    # 2014"): the period ends in the later. Years that are not one period: no year.
    years: set[int] = set()
    for match in _YEAR.finditer(text):
        year = _span_year(match, whole=False)
        if year is not None:
            years.add(year)
    if len(years) == 2 and max(years) - min(years) == 1:
        return max(years)
    return years.pop() if len(years) == 1 else None


def _span_year(match: re.Match[str], *, whole: bool) -> int | None:
    """2014 for ``2013-14``; for ``2014-03``, whose second part does not follow on, the
    first year in a name and no year in a cell."""
    start, end = int(match.group(1)), match.group(2)
    if end is None:
        return start
    if int(end) % 100 == (start + 1) % 100:
        return start + 1
    return None if whole else start


def year_from_name(path: Path) -> int | None:
    """2014 for ``annual_2014.xlsx`` or ``IRO 2013-14.xlsx``: the year an annual
    workbook reports on, from its name."""
    return reporting_year(path.stem)


def report_sheet_year(settings: SheetRows[ReportSetting]) -> tuple[int | None, list[Problem]]:
    """The year a Report sheet row ``Year | 2014`` (or ``Reporting Year | 2013-14``)
    gives, for councils whose file names are fixed by another system; or a problem
    at the cell when the row holds no year."""
    found = _year_row(settings)
    if found is None:
        return None, []
    number, row = found
    year = reporting_year(row.value, whole=True)
    if year is not None:
        return year, []
    problem = settings.problem(
        "invalid-value",
        f"{row.setting} {row.value!r} is not a reporting year",
        "value",
        number,
        value=row.value,
        expected="the year the period ends in March, such as 2014 or 2013-14",
    )
    return None, [problem]


def _year_row(settings: SheetRows[ReportSetting]) -> tuple[int, ReportSetting] | None:
    """(row number, row) of the Report sheet's Year (or Reporting Year) setting."""
    wanted = {normalise(s) for s in annual.YEAR_SETTINGS}
    return next(
        ((n, row) for n, row in settings.located() if normalise(row.setting) in wanted), None
    )


def report_year_of(path: Path, settings: Settings) -> tuple[int | None, list[Problem]]:
    """:func:`report_sheet_year` of the workbook at ``path``, reading its Report sheet
    alone (a national workbook's other 300,000 rows are read when it renders)."""
    book = read_workbook(path, max_bytes=_max_bytes(settings), sheets=[ReportSetting.sheet])
    return report_sheet_year(validate_workbook(book, REPORT_SHEET)[0][ReportSetting])


def guess_kind(path: Path, settings: Settings | None = None) -> WorkbookSpec:
    """The kind of workbook whose required sheets ``path`` holds; ambiguity is an error.

    Only the sheet names are read (no cell is parsed), under the same safety checks.
    """
    settings = settings or Settings()
    sheet_names = list_sheets(path, max_bytes=_max_bytes(settings))
    present = {normalise(name) for name in sheet_names}
    share = {
        spec: sum(normalise(s.model.sheet) in present for s in required) / len(required)
        for spec in KINDS.values()
        if (required := [s for s in spec.sheets if s.required])
    }
    # Most of a kind's sheets is enough to know it: validation then names the missing
    # or misspelt ones, which helps more than "give its kind".
    best = max(share.values())
    matches = [spec for spec, part in share.items() if part == best and part >= 0.5]
    if len(matches) == 1:
        return matches[0]
    kinds = ", ".join(KINDS)
    if not matches:
        raise UserError(
            f"{path.name} does not look like any docgen workbook (sheets: "
            f"{', '.join(sheet_names)}); give its kind ({kinds})."
        )
    raise UserError(
        f"{path.name} could be more than one kind of workbook; give its kind ({kinds})."
    )


def annual_path(year: int, data: Path | None, settings: Settings) -> Path:
    """The annual workbook for ``year`` in the data folder: ``annual_<year>.xlsx``, else
    the one workbook whose name gives the year (``IRO annual 2013-14.xlsx``), else the
    one whose Report sheet does (for names fixed by another system)."""
    folder = Path(data or settings.data or bundled_samples())
    for suffix in (".xlsx", ".xlsm"):
        path = folder / f"annual_{year}{suffix}"
        if path.is_file():
            return path
    books = _workbooks_in(folder)
    for found in (
        [p for p in books if year_from_name(p) == year],
        [p for p in books if year_from_name(p) is None and _sheet_year(p, settings) == year],
    ):
        if len(found) == 1:
            return found[0]
        if found:
            raise UserError(
                f"{len(found)} workbooks in {folder} are for {period_name(year)}: "
                f"{', '.join(p.name for p in found)}; keep one there, or name it with --workbook."
            )
    held = f" (it holds {', '.join(p.name for p in books[:5])}{', ...' if len(books) > 5 else ''})"
    raise UserError(
        f"no annual workbook for {period_name(year)} in {folder}{held if books else ''}: name it "
        f"annual_{year}.xlsx or give it with --workbook (--data or DOCGEN_DATA sets the folder)."
    )


def _workbooks_in(folder: Path) -> list[Path]:
    """The workbooks of a folder, without Excel's lock files (~$name.xlsx)."""
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.iterdir()
        if p.suffix.lower() in (".xlsx", ".xlsm") and p.is_file() and not p.name.startswith("~$")
    )


REPORT_SHEET = WorkbookSpec("annual", "The Report sheet", (SheetSpec(ReportSetting),))


def _sheet_year(path: Path, settings: Settings) -> int | None:
    """The Report sheet's year of a workbook in the data folder; None when it gives none,
    or the file is no workbook docgen can read (the folder may hold anything)."""
    try:
        return report_year_of(path, settings)[0]
    except UserError:
        return None


def annual_report(
    year: int,
    *,
    data: Path | None = None,
    workbook: Path | None = None,
    output: Path | None = None,
    settings: Settings | None = None,
    progress: Progress | None = None,
    returns: Path | dfe_returns.ReturnSet | None = None,
) -> Result:
    """Write the IRO annual report for the year ending 31 March ``year``.

    The workbook is ``workbook`` when given, else ``annual_<year>.xlsx`` in ``data``.
    DfE returns (SSDA903, CIN census) in ``returns`` (a folder or zip), else among the
    files of the data folder, give the tables they hold in place of the workbook's.
    """
    if not 1990 <= year <= 2100:
        raise UserError(f"--year {year} is not a reporting year (the year the period ends).")
    target = _target(output, f"annual_report_{year}.docx")  # a bad --output fails first
    return _annual_report(year, data, workbook, target, settings or Settings(), progress, returns)


@_cycle_collector_paused()
def _annual_report(
    year: int,
    data: Path | None,
    workbook: Path | None,
    target: Path,
    settings: Settings,
    progress: Progress | None,
    returns: Path | dfe_returns.ReturnSet | None = None,
) -> Result:
    """The report's work, in a frame of its own that holds the job's data."""

    def step(stage: str) -> None:
        if progress:
            progress(stage, ANNUAL_STAGES.index(stage), len(ANNUAL_STAGES))

    _, report, figures = _year_figures(year, data, workbook, returns, settings, step)
    step("render")
    from docgen.render import Renderer  # docx, docxtpl and lxml: only once there is work

    document = Renderer(settings.templates).render(
        "annual_report.docx",
        context.annual_context(figures),
        charts=True,
        created=datetime.combine(figures.period.end, time(12)),  # the end of the year reported
    )
    step("save")
    with folder_lock(target.parent, group=settings.group):
        write_atomic(target, document, group=settings.group)
    return Result(outputs=[target], report=report)


def annual_returns(
    returns: Path | dfe_returns.ReturnSet | None, data: Path | None, settings: Settings
) -> dfe_returns.ReturnSet | None:
    """The DfE returns of an annual report: ``returns`` (a folder or zip, or a return set
    its caller has already read) when given, else those among the data folder's own
    files; None when there are none."""
    from docgen import returns as dfe_returns

    if isinstance(returns, dfe_returns.ReturnSet):
        return returns
    if returns is not None:
        found = dfe_returns.read_returns(returns, _max_bytes(settings))
        if not found:
            raise UserError(
                f"{returns} holds no SSDA903 or CIN census file docgen recognises (SSDA903 CSV "
                "files are known by their header rows; XML by its root element)."
            )
        return found
    folder = data or settings.data
    return dfe_returns.find_returns(Path(folder), _max_bytes(settings)) if folder else None


def _year_figures(
    year: int,
    data: Path | None,
    workbook: Path | None,
    returns: Path | dfe_returns.ReturnSet | None,
    settings: Settings,
    step: Callable[[str], None],
) -> tuple[Tables, Report, annual.AnnualFigures]:
    """The year's validated tables (from the workbook, and the DfE returns where there
    are any) and its figures; raises ValidationFailed with every problem found."""
    step("read")
    path = workbook or annual_path(year, data, settings)
    book = read_workbook(path, max_bytes=_max_bytes(settings))
    found = annual_returns(returns, data, settings)
    step("validate")
    if found is not None:
        from docgen import returns as dfe_returns

        tables, report = dfe_returns.annual_tables(book, found, year, settings)
    else:
        tables, report = validate_workbook(book, ANNUAL)
    if not report.ok:
        raise ValidationFailed(report)
    step("compute")
    figures = annual_figures(tables, year, settings, report)
    if figures is None:
        raise ValidationFailed(report)
    figures.counted_per_child = found is not None and bool(found.census.files)
    return tables, report, figures


@_cycle_collector_paused()
def next_history(
    year: int,
    output: Path,
    *,
    data: Path | None = None,
    workbook: Path | None = None,
    returns: Path | dfe_returns.ReturnSet | None = None,
    settings: Settings | None = None,
) -> Result:
    """Write next year's History sheet: the earlier years' rows and this year's figures."""
    from docgen.history import history_rows, write_history  # openpyxl, only when asked

    if output.suffix.lower() != ".xlsx":
        raise UserError(f"--output {output.name}: the History rows are written as an .xlsx file.")
    tables, report, figures = _year_figures(
        year, data, workbook, returns, settings or Settings(), lambda _stage: None
    )
    write_history(history_rows(tables, figures), output, (settings or Settings()).group)
    return Result(outputs=[output], report=report)


#: Names that are files of another kind, never a folder to write into.
_NOT_DOCX = frozenset({".pdf", ".doc", ".odt", ".rtf", ".txt", ".xlsx", ".xls", ".csv"})


def _target(output: Path | None, default_name: str) -> Path:
    """Where a document goes: ``output`` itself when it names a .docx, else a file in the
    folder ``output`` names. A name such as report.pdf is refused: made a folder, it
    would hide the .docx inside it."""
    if output is None:
        return Path.cwd() / default_name
    if output.is_dir():
        return output / default_name
    if output.suffix.lower() in _NOT_DOCX:
        raise UserError(
            f"--output {output.name}: the report is a Word .docx; give a name ending .docx "
            "or a folder (--pdf writes a PDF beside it)."
        )
    return output if output.suffix.lower() == ".docx" else output / default_name


def document_names(doc: DocumentType, units: Sequence[Unit]) -> list[str]:
    """The file name of each document of a workbook: unique, and the same whichever
    meetings are written (``--only``) and in whatever order the rows come.

    Documents sharing a base name (:func:`document_name`) each add their meeting's ID;
    IDs that differ only in characters unsafe in a file name also add a short hash of
    the ID. Names are compared ignoring case, as Windows shares do.
    """
    ids = [unit.ident for unit in units]
    stems = [document_name(doc, unit).removesuffix(".docx") for unit in units]
    stems = _disambiguate(stems, [_safe(i) for i in ids])
    stems = _disambiguate(stems, [hashlib.sha256(i.encode()).hexdigest()[:8] for i in ids])
    names = [f"{stem}.docx" for stem in stems]
    assert len({n.casefold() for n in names}) == len(names), "document names must be unique"
    return names


def _disambiguate(stems: list[str], suffixes: list[str]) -> list[str]:
    """Each stem shared by several meetings (ignoring case) with its meeting's suffix added.

    No part holds an underscore (:func:`_safe`), so a suffixed stem never equals
    another meeting's stem with fewer parts.
    """
    shared = Counter(s.casefold() for s in stems)
    return [
        f"{stem}_{suffix}" if shared[stem.casefold()] > 1 else stem
        for stem, suffix in zip(stems, suffixes, strict=True)
    ]


def document_name(doc: DocumentType, unit: Unit) -> str:
    """``review_C01234_2014-03-12.docx``: IDs and dates only, never a child's name.

    The base name: :func:`document_names` extends it when documents share it.
    """
    assert doc.file_parts is not None, doc.name
    parts = doc.file_parts(unit.meeting, unit.related, unit.item, unit.position)
    return "_".join(_safe(p) for p in parts) + ".docx"


def _safe(part: str) -> str:
    return re.sub(r"[^A-Za-z0-9.-]+", "-", part).strip("-") or "x"


@_cycle_collector_paused()
def meeting_papers(
    kind: str,
    workbook: Path,
    *,
    output: Path,
    only: str | None = None,
    settings: Settings | None = None,
    progress: Progress | None = None,
    workers: int = 1,
) -> Result:
    """One document per meeting of ``workbook``; all are written, or none.

    Every document is rendered before any is saved, so a failure part-way leaves
    no partial batch behind. With ``workers`` > 1, helper processes are started as
    soon as the workbook is read: each validates it as this process does (the same
    rows give the same batch) and renders its share, so validation too runs side
    by side, and no row, context or document crosses a pipe.
    """
    _check_papers_folder(kind, output)
    if only is not None:
        only = only.strip()  # as every cell is read, so an ID copied from one still matches
    settings = settings or Settings()
    doc = documents.get(kind)
    book = read_workbook(workbook, max_bytes=_max_bytes(settings))
    job = _Job(kind, book, output, only, settings, _processes(workers, book, doc, only))
    outputs: list[Path] = []
    with folder_lock(output, group=settings.group):
        try:
            with _Helpers(job) as helpers:
                try:
                    batch = _batch(job)
                    outputs = batch.outputs
                    mine = iter(range(len(outputs)))

                    def rendering(index: int) -> None:
                        if progress:  # every process's documents count, as their tally says
                            done = next(mine) + helpers.done()
                            progress(batch.papers.labels[index], done, len(outputs))

                    _render_share(job, batch, 0, rendering)
                    helpers.wait()
                except BaseException:
                    with signals_held():  # a second Ctrl-C must not cut the clean-up short
                        staged = helpers.stop()  # before removing: they may still be writing
                        discard(outputs or staged)
                    raise
            if progress:
                progress("saving", len(outputs), len(outputs))
            publish(outputs, group=settings.group)
        except BaseException:  # also a signal between the rendering and the renames
            with signals_held():
                discard(outputs)
            raise
    return Result(outputs=outputs, report=batch.report)


def _check_papers_folder(kind: str, output: Path) -> None:
    """Refuse an ``output`` named like a document, before any work: meeting papers go
    into a folder, and ``-o record.docx`` made a folder of that name holding them."""
    if output.suffix.lower() in _NOT_DOCX | {".docx"} and not output.is_dir():
        raise UserError(
            f"--output {output.name}: each {kind} gets a .docx of its own; "
            "give the folder to write them in."
        )




def _processes(workers: int, book: Workbook, doc: DocumentType, only: str | None) -> int:
    """How many processes render the batch: ``workers``, fewer for a small batch, and
    no more than the machine has cores (more only queue for them)."""
    if only is not None or workers <= 1:
        return 1
    assert doc.parent is not None
    sheet = book.sheet(doc.parent.sheet)
    meetings = len(sheet.rows) if sheet else 0
    return max(1, min(workers, _cores(), meetings // MIN_SHARE))


def _cores() -> int:
    """The cores this process may run on (taskset, a container's quota), not the machine's."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


@dataclass(frozen=True)
class _Job:
    """A batch as read, before validation: what each process works from."""

    kind: str
    book: Workbook
    output: Path
    only: str | None
    settings: Settings
    processes: int


@dataclass(frozen=True)
class _Batch:
    """A validated batch: its warnings, its meetings ready to render, and their files."""

    report: Report
    papers: _Papers
    outputs: list[Path]


def _batch(job: _Job) -> _Batch:
    """Validate the workbook and plan its documents; the same in every process."""
    kind, settings = job.kind, job.settings
    doc = documents.get(kind)
    assert doc.parent is not None and doc.parent.key is not None
    tables, report = validate_workbook(job.book, doc.workbook)
    if not report.ok:
        raise ValidationFailed(report)
    report.extend(context.timescale_guesses(tables, settings.review_policy))
    if doc.warnings is not None:
        report.extend(doc.warnings(tables, settings))
    meetings = list(tables[doc.parent])
    if not meetings:  # valid, as a blank workbook is, but a run that writes nothing has failed
        raise UserError(
            f"{job.book.path.name} holds no {doc.kind}s: sheet {tables[doc.parent].sheet_name!r} "
            "has no rows below its headers, so there is nothing to write."
        )
    ids = [getattr(m, doc.parent.key) for m in meetings]
    only = job.only
    if only is not None and only.casefold() not in {i.casefold() for i in ids}:
        raise UserError(
            f"no {doc.kind} with ID {only!r} in {job.book.path.name} (IDs: {_some(ids)})."
        )
    # Named over the whole workbook, so that --only writes a meeting under its batch name.
    every = _papers(kind, tables, settings)
    names = dict(zip(every.doc_keys(), document_names(doc, every.units), strict=True))
    papers = every if only is None else every.of(only)
    outputs = [job.output / names[key] for key in papers.doc_keys()]
    if not outputs:
        raise UserError(f"{job.book.path.name} gives no {doc.title} to write: {doc.help}")
    return _Batch(report, papers, outputs)


def _some(ids: list[str], shown: int = 10) -> str:
    """The first few IDs of a list, for a message: 3,000 would bury it."""
    more = f", ... ({len(ids)} in all)" if len(ids) > shown else ""
    return (", ".join(ids[:shown]) or "none") + more


def _share(total: int, part: int, parts: int) -> range:
    """The documents process ``part`` of ``parts`` renders: a contiguous run of them."""
    return range(part * total // parts, (part + 1) * total // parts)


def _render_share(job: _Job, batch: _Batch, part: int, rendering: Callable[[int], None]) -> None:
    """Render this process's share and stage each document beside its output, calling
    ``rendering`` with each index first.

    A lone process writes on a second thread while the next document renders, so
    the second core does the writing. Beside helpers, that thread only competes
    for the cores (their shares took 10% longer with it).
    """
    from docgen.render import Renderer  # the helpers have it already: see _Helpers

    renderer = Renderer(job.settings.templates)
    papers = batch.papers
    with _Writer(threaded=job.processes == 1) as writer:
        for index in _share(len(batch.outputs), part, job.processes):
            rendering(index)
            document = renderer.render(papers.template(index), papers.context(index))
            writer.stage(batch.outputs[index], document)


class _Helpers:
    """The helper processes of a batch, each rendering its share (parts 1 and up).

    A helper whose validation fails stages nothing: this process fails the same way
    and reports it. A helper that fails part-way, or is stopped, removes what it
    staged. Helpers leave signals to this process, and die with it.
    """

    def __init__(self, job: _Job) -> None:
        self._job = job
        self._pool: ProcessPoolExecutor | None = None
        self._futures: list[Future[list[Path]]] = []
        self._count: Any = None
        self._stop: Any = None

    def __enter__(self) -> _Helpers:
        if self._job.processes > 1:
            _before_fork(self._job)
            forked = "fork" in multiprocessing.get_all_start_methods()
            mp = multiprocessing.get_context("fork" if forked else "spawn")
            self._count = mp.Value("i", 0)
            self._stop = mp.Value("b", 0, lock=False)
            self._pool = ProcessPoolExecutor(
                max_workers=self._job.processes - 1,
                mp_context=mp,
                initializer=_start_helper,
                initargs=(self._job, self._count, self._stop, os.getpid()),
            )
            try:
                # A Ctrl-C at the instant of the fork would be raised inside Python's own
                # at-fork handlers, which swallow it: note it, and raise it once forked.
                with signals_held():
                    self._futures = [
                        self._pool.submit(_helper_share, part)
                        for part in range(1, self._job.processes)
                    ]
            except BaseException:
                discard(self.stop())  # no with-block runs to clean up after them
                self.__exit__(None, None, None)
                raise
        return self

    def done(self) -> int:
        """How many documents the helpers have rendered so far."""
        return self._count.value if self._count is not None else 0

    def stop(self) -> list[Path]:
        """Tell the helpers to stop at their next document; the files they staged."""
        if self._stop is not None:
            self._stop.value = 1
        return self.wait(quietly=True)

    def wait(self, *, quietly: bool = False) -> list[Path]:
        """Wait for every helper: the files they staged. Raise the first failure
        unless ``quietly`` (a failed helper has removed its own files)."""
        staged: list[Path] = []
        for future in self._futures:
            try:
                staged += future.result()
            except BrokenProcessPool:
                if not quietly:  # killed from outside: the OOM killer, a crash
                    raise UserError(
                        "a helper process died before it finished (out of memory?); nothing "
                        "was written: run again, with fewer --workers if it happens again."
                    ) from None
            except BaseException:
                if not quietly:
                    raise
        return staged

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)


def _before_fork(job: _Job) -> None:
    """Load once, here, what each forked helper would otherwise load again: the
    renderer, the bank holidays working days are counted by, and the validators of
    the workbook's sheets (built on first use: see docgen.models.Row)."""
    import holidays  # noqa: F401

    import docgen.render  # noqa: F401

    for sheet in documents.get(job.kind).workbook.sheets:
        sheet.model.model_rebuild()


_helper: tuple[_Job, Any, Any, int] | None = None


class _Stopped(Exception):
    """A helper was told to stop (its batch failed elsewhere), or its parent is gone."""


def _start_helper(job: _Job, count: Any, stop: Any, parent: int) -> None:
    global _helper
    _helper = (job, count, stop, parent)
    # Ctrl-C and SIGTERM go to the whole process group; the main process decides, and
    # stops its helpers through ``stop``. A helper's own handler would print a traceback
    # (or, inherited from the watch service, log the signal twice).
    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_IGN)
    _die_with_parent()
    if os.getppid() != parent:
        os._exit(1)  # the main process died before this helper got here


def _die_with_parent() -> None:
    """On Linux, have the kernel end this helper if the main process is killed (even with
    kill -9): an orphan would hold the watch service's lock and the caller's terminal."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _helper_share(part: int) -> list[Path]:
    """Validate, then render share ``part``: the outputs staged (none when invalid)."""
    assert _helper is not None
    job, count, stop, parent = _helper
    try:
        batch = _batch(job)
    except UserError:
        return []  # the parent process meets the same problem and reports it

    def rendering(_index: int) -> None:
        if stop.value or os.getppid() != parent:
            raise _Stopped
        with count.get_lock():
            count.value += 1

    mine = [batch.outputs[index] for index in _share(len(batch.outputs), part, job.processes)]
    try:
        _render_share(job, batch, part, rendering)
    except BaseException as exc:
        discard(mine)
        raise _portable(exc) from None
    return mine


def _portable(exc: BaseException) -> BaseException:
    """``exc`` as it can cross back to the main process: some exceptions (lxml's, or any
    whose constructor takes more than a message) cannot be rebuilt there."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        kind = UserError if isinstance(exc, UserError) else RuntimeError
        return kind(str(exc) if kind is UserError else f"{type(exc).__name__}: {exc}")
    return exc


@dataclass(frozen=True)
class Unit:
    """One document of a batch: its meeting, the meeting's rows from the other sheets,
    and the item (an invitee, ...) it is for, or None when it is for the whole meeting."""

    meeting: Any
    related: list[list[Any]]
    ident: str  # the meeting's ID
    item: Any = None
    position: int = 0  # the item's place among its meeting's items, from 1


@dataclass(frozen=True)
class _Papers:
    """A batch's documents, ready to be made into contexts one at a time, by whichever
    process renders them."""

    kind: str
    units: list[Unit]
    settings: Settings
    labels: list[str]

    def context(self, index: int) -> dict[str, Any]:
        unit = self.units[index]
        doc = documents.get(self.kind)
        return doc.context(unit.meeting, unit.related, self.settings, unit.item)

    def template(self, index: int) -> str:
        unit = self.units[index]
        return documents.get(self.kind).template_of(unit.meeting, unit.item)

    def of(self, only: str) -> _Papers:
        """The documents of the meeting whose ID is ``only`` (ignoring case)."""
        kept = [i for i, unit in enumerate(self.units) if unit.ident.casefold() == only.casefold()]
        units, labels = [self.units[i] for i in kept], [self.labels[i] for i in kept]
        return _Papers(self.kind, units, self.settings, labels)

    def doc_keys(self) -> list[tuple[str, int]]:
        """Each document's key within its workbook: its meeting's ID and item's place."""
        return [(unit.ident.casefold(), unit.position) for unit in self.units]


def _papers(kind: str, tables: Tables, settings: Settings) -> _Papers:
    """Each document of a validated workbook, in sheet order: each meeting joined to its
    child rows (attendees, decisions, history, children), and one document per item
    where the type makes one per item. :meth:`_Papers.of` keeps one meeting's."""
    doc = documents.get(kind)
    assert doc.parent is not None and doc.parent.key is not None
    key = doc.parent.key
    related = [
        _group(tables[model], model.parent[0] if model.parent else key) for model in doc.children
    ]
    units, labels = [], []
    for meeting in tables[doc.parent]:
        label = getattr(meeting, key)
        rows = [group.get(label.casefold(), []) for group in related]
        for position, item in enumerate(doc.picked(meeting, rows), start=1):
            units.append(Unit(meeting, rows, label, item, position if item is not None else 0))
            labels.append(label if item is None else f"{label} ({position})")
    return _Papers(kind, units, settings, labels)


class _Writer:
    """Stages documents on a second thread while the caller renders the next one.

    Creating and writing a file is system calls that release the GIL, so the
    disk's time overlaps the rendering's instead of adding to it. At most
    ``depth`` documents wait in memory; the first failure is raised.
    """

    def __init__(self, depth: int = 8, *, threaded: bool = True) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1) if threaded else None
        self._pending: deque[Future[Path]] = deque()
        self._depth = depth

    def stage(self, path: Path, data: bytes) -> None:
        if self._pool is None:
            stage(path, data)
            return
        self._pending.append(self._pool.submit(stage, path, data))
        while len(self._pending) > self._depth:
            self._pending.popleft().result()

    def __enter__(self) -> _Writer:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
        pending, self._pending = self._pending, deque()
        if exc[0] is None:
            for future in pending:
                future.result()


def paper_contexts(
    kind: str, tables: Tables, settings: Settings, *, only: str | None = None
) -> list[tuple[Row, dict[str, Any]]]:
    """Each document of a validated workbook with its meeting and template context, in
    sheet order.

    The one place a meeting is joined to its child rows: the renderer, the template
    check and the tests all use it.
    """
    papers = _papers(kind, tables, settings)
    if only is not None:
        papers = papers.of(only)
    return [(unit.meeting, papers.context(i)) for i, unit in enumerate(papers.units)]


def template_contexts(
    kind: str, tables: Tables, settings: Settings
) -> list[tuple[str, dict[str, Any]]]:
    """Each document of a validated workbook as (its template's name, its context)."""
    papers = _papers(kind, tables, settings)
    return [(papers.template(i), papers.context(i)) for i in range(len(papers.units))]


def _group(rows: Iterable[Row], field_name: str) -> dict[str, list[Row]]:
    grouped: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        grouped[getattr(row, field_name).casefold()].append(row)
    return grouped
