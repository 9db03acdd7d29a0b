"""The front door: each job runs workbook -> rows -> models -> figures -> context -> document.

The CLI and the drop-folder service call these functions and nothing below them.
A job either writes all of its documents or raises, leaving nothing behind.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import re
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from docgen import annual, context
from docgen.errors import Problem, UserError, ValidationFailed
from docgen.models import (
    ALERT,
    ANNUAL,
    CONFERENCE,
    KINDS,
    REVIEW,
    Alert,
    AlertStep,
    Conference,
    ConferenceAttendee,
    ConferenceChild,
    ReportSetting,
    ReviewAttendee,
    ReviewDecision,
    ReviewMeeting,
    Row,
    WorkbookSpec,
)
from docgen.render import Renderer, discard, publish, stage, write_atomic
from docgen.report import Report
from docgen.settings import Settings
from docgen.validate import SheetRows, Tables, validate_workbook
from docgen.workbook import list_sheets, normalise, read_workbook

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


def load(path: Path, spec: WorkbookSpec, settings: Settings) -> tuple[Tables, Report]:
    """Read and validate a workbook; raises only when it cannot be read at all."""
    return validate_workbook(read_workbook(path, max_bytes=_max_bytes(settings)), spec)


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
    try:
        spec = KINDS[kind] if kind else guess_kind(path, settings)
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
        report.add(
            Problem(
                "year-unknown",
                f"{path.name} names no year, so the year's figures were not checked",
                expected="--year, a name such as annual_2014.xlsx, or a Year row on the "
                "Report sheet",
                severity="warning",
                file=path.name,
            )
        )
    return report


def annual_figures(
    tables: Tables, year: int, settings: Settings, report: Report
) -> annual.AnnualFigures | None:
    """The year's figures under this council's settings, or None when rows that are
    each valid cannot give them; either way the problems and warnings go into ``report``."""
    try:
        figures = annual.compute(
            tables, year, policy=settings.review_policy, chne_group=settings.chne_group
        )
    except annual.FiguresError as exc:
        report.extend(exc.problems)
        return None
    report.extend(figures.warnings)
    return figures


_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?:\s*[-_/]\s*(\d\d(?:\d\d)?))?(?!\d)")


def reporting_year(text: str, *, whole: bool = False) -> int | None:
    """The year a reporting period ends: 2014 for ``2014``, ``2013-14`` or ``2013/2014``.

    A file name is searched (``IRO annual 2013-14 final``); with ``whole`` the text
    must be the year and nothing else (a cell), so ``April 2013 to March 2014`` is
    refused rather than misread. A span whose years do not follow on (``2014-03``)
    is, in a name, the year written first; in a cell, no year.
    """
    match = _YEAR.fullmatch(text.strip()) if whole else _YEAR.search(text)
    if not match:
        return None
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
    wanted = {normalise(s) for s in annual.YEAR_SETTINGS}
    for number, row in settings.located():
        if normalise(row.setting) not in wanted:
            continue
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
    return None, []


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
    folder = Path(data or settings.data or bundled_samples())
    for suffix in (".xlsx", ".xlsm"):
        path = folder / f"annual_{year}{suffix}"
        if path.is_file():
            return path
    raise UserError(
        f"no annual workbook for {year}: expected {folder / f'annual_{year}.xlsx'} "
        "(set --data or DOCGEN_DATA to the folder that holds it)."
    )


def annual_report(
    year: int,
    *,
    data: Path | None = None,
    workbook: Path | None = None,
    output: Path | None = None,
    settings: Settings | None = None,
    progress: Progress | None = None,
) -> Result:
    """Write the IRO annual report for the year ending 31 March ``year``.

    The workbook is ``workbook`` when given, else ``annual_<year>.xlsx`` in ``data``.
    """
    settings = settings or Settings()

    def step(stage: str) -> None:
        if progress:
            progress(stage, ANNUAL_STAGES.index(stage), len(ANNUAL_STAGES))

    if not 1990 <= year <= 2100:
        raise UserError(f"--year {year} is not a reporting year (the year the period ends).")
    step("read")
    path = workbook or annual_path(year, data, settings)
    book = read_workbook(path, max_bytes=_max_bytes(settings))
    step("validate")
    tables, report = validate_workbook(book, ANNUAL)
    if not report.ok:
        raise ValidationFailed(report)
    step("compute")
    figures = annual_figures(tables, year, settings, report)
    if figures is None:
        raise ValidationFailed(report)
    step("render")
    document = Renderer(settings.templates).render(
        "annual_report.docx", context.annual_context(figures), charts=True
    )
    step("save")
    target = _target(output, f"annual_report_{year}.docx")
    write_atomic(target, document)
    return Result(outputs=[target], report=report)


def _target(output: Path | None, default_name: str) -> Path:
    if output is None:
        return Path.cwd() / default_name
    if output.is_dir() or output.suffix.lower() != ".docx":
        return output / default_name
    return output


MEETING_KINDS = ("review", "alert", "conference")


@dataclass(frozen=True)
class Paper:
    """How one kind of meeting paper is made from its workbook."""

    spec: WorkbookSpec
    template: str
    parent: type[Row]
    children: tuple[type[Row], ...]
    sample: str  # the bundled sample workbook of this kind


PAPERS = {
    "review": Paper(
        REVIEW,
        "review_record.docx",
        ReviewMeeting,
        (ReviewAttendee, ReviewDecision),
        "review_meetings.xlsx",
    ),
    "alert": Paper(ALERT, "alert.docx", Alert, (AlertStep,), "alerts.xlsx"),
    "conference": Paper(
        CONFERENCE,
        "conference_report.docx",
        Conference,
        (ConferenceChild, ConferenceAttendee),
        "conferences.xlsx",
    ),
}


def document_names(kind: str, meetings: Sequence[Row]) -> list[str]:
    """The file name of each of a workbook's ``meetings``: unique, and the same whichever
    meetings are written (``--only``) and in whatever order the rows come.

    Meetings sharing a base name (:func:`document_name`) each add their own ID; IDs that
    differ only in characters unsafe in a file name also add a short hash of the ID.
    Names are compared ignoring case, as Windows shares do.
    """
    key = PAPERS[kind].parent.key
    assert key is not None
    ids = [getattr(m, key) for m in meetings]
    stems = [document_name(kind, m).removesuffix(".docx") for m in meetings]
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


def document_name(kind: str, row: Row) -> str:
    """``review_C01234_2014-03-12.docx``: IDs and dates only, never a child's name.

    The base name: :func:`document_names` extends it when meetings share it.
    """
    if isinstance(row, ReviewMeeting):
        parts = ("review", row.child_id, row.review_date.isoformat())
    elif isinstance(row, Alert):
        parts = ("alert", row.alert_id, row.date_raised.isoformat())
    elif isinstance(row, Conference):
        parts = ("conference", row.conference_id, row.conference_date.isoformat())
    else:
        raise ValueError(kind)
    return "_".join(_safe(p) for p in parts) + ".docx"


def _safe(part: str) -> str:
    return re.sub(r"[^A-Za-z0-9.-]+", "-", part).strip("-") or "x"


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
    no partial batch behind.
    """
    settings = settings or Settings()
    paper = PAPERS[kind]
    tables, report = load(workbook, paper.spec, settings)
    if not report.ok:
        raise ValidationFailed(report)
    report.extend(context.timescale_guesses(tables, settings.review_policy))
    key = paper.parent.key
    assert key is not None
    meetings = list(tables[paper.parent])
    ids = [getattr(m, key) for m in meetings]
    if only is not None and only.casefold() not in {i.casefold() for i in ids}:
        raise UserError(
            f"no {kind} with ID {only!r} in {workbook.name} (IDs: {', '.join(ids) or 'none'})."
        )
    # Named over the whole workbook, so that --only writes a meeting under its batch name.
    names = dict(zip((i.casefold() for i in ids), document_names(kind, meetings), strict=True))
    papers = _papers(kind, tables, settings, only=only)
    outputs = [output / names[label.casefold()] for label in papers.labels]
    try:
        _render_all(paper.template, papers, outputs, settings, workers, progress)
    except BaseException:
        discard(outputs)
        raise
    if progress:
        progress("saving", len(outputs), len(outputs))
    publish(outputs)
    return Result(outputs=outputs, report=report)


@dataclass(frozen=True)
class _Papers:
    """A batch's meetings, each with its rows from the other sheets, ready to be made
    into contexts one at a time: in this process, or in a worker that was handed
    (or, forked, inherited) the batch and only ever receives indexes."""

    kind: str
    meetings: list[Row]
    rows: list[list[list[Any]]]
    settings: Settings
    labels: list[str]

    def context(self, index: int) -> dict[str, Any]:
        return _paper_context(self.kind, self.meetings[index], self.rows[index], self.settings)


def _papers(kind: str, tables: Tables, settings: Settings, *, only: str | None) -> _Papers:
    """Each meeting of a validated workbook (or the one ``only`` names), in sheet order,
    joined to its child rows (attendees, decisions, history, children)."""
    paper = PAPERS[kind]
    key = paper.parent.key
    assert key is not None
    related = [
        _group(tables[model], model.parent[0] if model.parent else key) for model in paper.children
    ]
    meetings, rows, labels = [], [], []
    for meeting in tables[paper.parent]:
        label = getattr(meeting, key)
        ident = label.casefold()
        if only is not None and ident != only.casefold():
            continue
        meetings.append(meeting)
        rows.append([group.get(ident, []) for group in related])
        labels.append(label)
    return _Papers(kind, meetings, rows, settings, labels)


def _render_all(
    template: str,
    papers: _Papers,
    outputs: list[Path],
    settings: Settings,
    workers: int,
    progress: Progress | None,
) -> None:
    """Render each meeting and stage it beside its output; with ``workers`` > 1 in a
    pool of processes that build their meetings' contexts and write their own
    documents, so neither a context nor a document crosses a pipe.

    The template is compiled once, here; forked workers inherit it. The documents
    are identical whatever the number of workers, because rendering is deterministic.
    """
    total = len(outputs)
    renderer = Renderer(settings.templates)
    if workers <= 1 or total < 2:
        with _Writer() as writer:
            for index, path in enumerate(outputs):
                if progress:
                    progress(papers.labels[index], index, total)
                writer.stage(path, renderer.render(template, papers.context(index)))
        return
    stage(outputs[0], renderer.render(template, papers.context(0)))  # compiles the template
    forked = "fork" in multiprocessing.get_all_start_methods()
    job = _Job(renderer if forked else None, settings.templates, template, papers, outputs)
    size = max(1, min(64, total // (workers * 4)))
    chunks = [range(first, min(first + size, total)) for first in range(1, total, size)]
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("fork" if forked else "spawn"),
        initializer=_start_worker,
        initargs=(job,),
    ) as pool:
        for chunk in pool.map(_render_in_worker, chunks):
            if progress:
                progress(papers.labels[chunk[-1]], chunk[-1], total)


@dataclass(frozen=True)
class _Job:
    """What a worker needs: the compiled renderer when forked (else it compiles its
    own from ``templates``), the batch, and where each document goes."""

    renderer: Renderer | None
    templates: Path | None
    template: str
    papers: _Papers
    outputs: list[Path]


_job: _Job | None = None


def _start_worker(job: _Job) -> None:
    global _job
    _job = job if job.renderer else replace(job, renderer=Renderer(job.templates))


def _render_in_worker(chunk: range) -> range:
    assert _job is not None and _job.renderer is not None
    with _Writer() as writer:
        for index in chunk:
            data = _job.renderer.render(_job.template, _job.papers.context(index))
            writer.stage(_job.outputs[index], data)
    return chunk


class _Writer:
    """Stages documents on a second thread while the caller renders the next one.

    Creating and writing a file is system calls that release the GIL, so the
    disk's time overlaps the rendering's instead of adding to it. At most
    ``depth`` documents wait in memory; the first failure is raised.
    """

    def __init__(self, depth: int = 8) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1)
        self._pending: deque[Future[Path]] = deque()
        self._depth = depth

    def stage(self, path: Path, data: bytes) -> None:
        self._pending.append(self._pool.submit(stage, path, data))
        while len(self._pending) > self._depth:
            self._pending.popleft().result()

    def __enter__(self) -> _Writer:
        return self

    def __exit__(self, *exc: object) -> None:
        self._pool.shutdown(wait=True)
        pending, self._pending = self._pending, deque()
        if exc[0] is None:
            for future in pending:
                future.result()


def paper_contexts(
    kind: str, tables: Tables, settings: Settings, *, only: str | None = None
) -> list[tuple[Row, dict[str, Any]]]:
    """Each meeting of a validated workbook with its template context, in sheet order.

    The one place a meeting is joined to its child rows: the renderer, the template
    check and the tests all use it.
    """
    papers = _papers(kind, tables, settings, only=only)
    return [(meeting, papers.context(i)) for i, meeting in enumerate(papers.meetings)]


def _group(rows: Iterable[Row], field_name: str) -> dict[str, list[Row]]:
    grouped: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        grouped[getattr(row, field_name).casefold()].append(row)
    return grouped


def _paper_context(
    kind: str, meeting: Row, rows: list[list[Any]], settings: Settings
) -> dict[str, Any]:
    if kind == "review":
        return context.review_context(meeting, rows[0], rows[1], settings.review_policy)  # type: ignore[arg-type]
    if kind == "alert":
        return context.alert_context(meeting, rows[0], settings.alert_response_days)  # type: ignore[arg-type]
    return context.conference_context(meeting, rows[0], rows[1])  # type: ignore[arg-type]
