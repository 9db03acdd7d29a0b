"""Running one job: a claimed workbook becomes documents, a duplicate, or a failure with
its reasons, and is filed."""

from __future__ import annotations

import html
import logging
import os
import re
import time
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from docgen import pipeline
from docgen.codes import a_or_an
from docgen.diagnosis import problems_csv, problems_xlsx
from docgen.documents import DocumentType, Dropped
from docgen.errors import (
    OutputError,
    TemplateError,
    UserError,
    ValidationFailed,
    WorkbookError,
    WrongKind,
)
from docgen.files import write_atomic
from docgen.journal import Job, Journal, now
from docgen.marked import write_marked_copy
from docgen.models import KINDS
from docgen.report import Report
from docgen.service.intake import refuse_special
from docgen.service.layout import (
    ANY,
    DROP_TYPES,
    FOLDER_TAKERS,
    KIND_FOLDERS,
    REPORT_DIR,
    RERENDER,
    SIDECARS,
    TEMP_PREFIX,
    Layout,
    fits,
    log,
    make_private,
    printable,
    remove,
    sidecars_of,
)
from docgen.service.notices import (
    DUPLICATE_ENDING,
    FAILED_ENDING,
    duplicate_notice,
    failure_notice,
)
from docgen.settings import Settings
from docgen.workbook import normalise

#: A workbook that took the service down this many times is set aside as failed.
MAX_ATTEMPTS = 3
#: A job's notice for the outbox, in work/<job>/report/ until it is filed.
NOTICE = "notice.txt"
#: A sheet's name in xl/workbook.xml: ``<sheet name="Children" .../>`` (any prefix, quote).
_SHEET_NAME = re.compile(rb"<(?:[\w.-]+:)?sheet\b[^>]*?\sname\s*=\s*([\"'])(.*?)\1", re.S)
#: More than any workbook part listing sheets needs (Excel allows few thousand sheets).
_WORKBOOK_XML_MAX = 8 << 20
#: The sheets the contract names, normalised: these may be shown in the journal.
_CONTRACT_SHEETS = frozenset(
    normalise(sheet.model.sheet) for spec in KINDS.values() for sheet in spec.sheets
)
#: What failed/ adds to a workbook's name on its marked copy, once per failed round.
_MARKED_ENDING = re.compile(r"(?:\.errors(?: \(\d+\))?)+$")


class _YearUnknown(UserError):
    """An annual workbook gives its year neither in its name nor on its Report sheet."""


class _Unrecognised(UserError):
    """A workbook in inbox/ matches no kind by its sheets.

    The message lists the sheets, which helps the admin who reads it in failed/; but
    sheet names are workbook content (a sheet per child, named after the child), so
    the journal and the log get ``summary``, which names none.
    """

    def __init__(self, message: str, summary: str) -> None:
        super().__init__(message)
        self.summary = summary


def annual_year(name: str, workbook: Path | None = None, settings: Settings | None = None) -> int:
    """The reporting year of an annual workbook: from its name (``annual_2014.xlsx``,
    ``IRO annual 2013-14.xlsx``), else from a ``Year`` row of its Report sheet.

    The name is tried first because it costs nothing and admins already use it; the
    Report sheet is for councils whose file names are fixed by another system.
    """
    year = pipeline.year_from_name(Path(name))
    if year is None and workbook is not None:
        year = _report_year(workbook, settings or Settings())
    if year is None:
        raise _YearUnknown(
            f"{name}: an annual workbook gives the year it reports on, in its name or on "
            "its Report sheet, and this one does neither. Rename it annual_<year>.xlsx "
            "(for April 2013 to March 2014: annual_2014.xlsx), or add a row with Setting "
            "'Year' and Value 2014 to its Report sheet, and drop it into inbox/annual/ again."
        )
    return year


def _report_year(path: Path, settings: Settings) -> int | None:
    """The year the Report sheet gives (:func:`pipeline.report_sheet_year`).

    Only the Report sheet is validated here; the whole workbook is validated when
    it is rendered.
    """
    year, problems = pipeline.report_year_of(path, settings)
    if problems:
        raise _YearUnknown(
            f"{path.name}: {problems[0]}. Correct it and drop the workbook into "
            "inbox/annual/ again."
        )
    return year


@dataclass(frozen=True)
class Outcome:
    """How one job ended, as ``run_once`` returns it."""

    job: int
    name: str
    state: str
    kind: str | None = None
    outputs: list[Path] = field(default_factory=list)
    filed_as: Path | None = None
    error: str | None = None
    duplicate_of: int | None = None
    seconds: float | None = None


def outcome(layout: Layout, job: Job) -> Outcome:
    """How ``job`` ended, with its paths under ROOT."""
    root = layout.root
    return Outcome(
        job=job.id,
        name=job.name,
        state=job.state,
        kind=job.kind,
        outputs=[root / p for p in job.outputs],
        filed_as=root / job.filed_as if job.filed_as else None,
        error=job.error,
        duplicate_of=job.duplicate_of,
        seconds=job.seconds,
    )


class Jobs:
    """Runs one claimed job at a time to its end: documents in outbox/ and the workbook in
    archive/, a duplicate archived, or a failure in failed/ with its reasons; then files it.

    Each step is recorded in the journal before the files it describes are moved, and
    moving them again is harmless, so :meth:`file` may be repeated after a crash.
    """

    def __init__(
        self,
        layout: Layout,
        settings: Settings,
        journal: Journal,
        *,
        force: bool = False,
        workers: int = 1,
    ) -> None:
        self.layout = layout
        self.settings = settings
        self.journal = journal
        self.force = force
        self.workers = workers

    def work_dir(self, job: Job) -> Path:
        return self.layout.work / f"{job.token}.{job.folder}"

    def _tmp_dir(self, job: Job) -> Path | None:
        return self.layout.outbox / job.kind / f"{TEMP_PREFIX}{job.token}" if job.kind else None

    def process(self, job: Job) -> Job:
        """Take a claimed job to its end and file it; never raises for a bad input."""
        started = time.monotonic()
        source = self.work_dir(job) / job.name
        kind = job.kind or (job.folder if job.folder in KIND_FOLDERS else None)
        try:
            if job.attempts > MAX_ATTEMPTS:
                raise UserError(
                    f"{job.name} was set aside: the service stopped {job.attempts - 1} times "
                    "while working on it. Tell IT (quote the job number)."
                )
            refuse_special(source, job.name, folders=kind in FOLDER_TAKERS)
            kind = kind or self._kind(source, job)
            doc = self._type(kind, source)
            year = self._year(doc, job, source)
            earlier = (
                None
                if self.force or job.folder == RERENDER or job.sha256 is None or doc.repeatable
                else self.journal.find_done(job.sha256, kind, year, before=job.id)
            )
            if earlier is not None:
                job = self._duplicate(job, earlier, kind, year, started)
            else:
                job = self.journal.rendering(job.id, kind, year)
                job = self._render(job, doc, source, started)
        except ValidationFailed as exc:
            summary = _without_sheets(_summary(exc.report), source)
            job = self._fail(job, started, kind, exc.report.to_text(), summary, exc)
        except _Unrecognised as exc:
            job = self._fail(job, started, kind, str(exc), exc.summary, exc)
        except UserError as exc:
            summary = _without_sheets(_first_line(str(exc), job.name), source)
            told = _without_sheets(_first_line(str(exc), job.name, limit=1000), source)
            job = self._fail(job, started, kind, str(exc), summary, exc, told)
        except Exception as exc:  # the catch-all: one bad workbook never stops the service
            # The message may quote a cell (a child's name): it goes only into the
            # .errors.txt beside the workbook, never the journal or the log.
            text = f"unexpected {type(exc).__name__}: {exc}"
            summary = f"unexpected {type(exc).__name__}; its message is in the .errors.txt"
            job = self._fail(job, started, kind, text, summary, exc)
        return self.file(job)

    def _type(self, kind: str, source: Path) -> DocumentType:
        """The document type the folder ``kind`` makes of ``source``: its only one, or
        (``inbox/invitations/``) the one reading its kind of workbook, by its sheets."""
        types = DROP_TYPES.get(kind)
        if not types:  # a kind recognised by its sheets that the drop folder does not make
            raise UserError(f"{source.name}: the drop folder makes no documents of a {kind}.")
        if len(types) == 1:
            return types[0]
        found = pipeline.guess_kind(source, self.settings).kind
        for doc in types:
            if doc.kind == found:
                return doc
        kinds = " or ".join(dict.fromkeys(doc.kind for doc in types))
        raise WrongKind(
            f"{source.name} has the sheets of {a_or_an(found)} workbook; inbox/{kind}/ "
            f"takes {a_or_an(kinds)} workbook.",
            found,
        )

    def _year(self, doc: DocumentType, job: Job, source: Path) -> int | None:
        """A yearly type's year: from the workbook's name or Report sheet; for a zip or
        folder of returns, from its name, else (None here) from the returns themselves."""
        if not doc.yearly:
            return None
        if source.is_dir() or source.suffix.lower() == ".zip":
            return pipeline.year_from_name(Path(job.name))
        return annual_year(job.name, source, self.settings)

    def _duplicate(
        self, job: Job, earlier: Job, kind: str, year: int | None, started: float
    ) -> Job:
        """Record ``job`` as a duplicate of ``earlier``, with a notice for the outbox."""
        self._write_notice(job, duplicate_notice(job, earlier))
        return self.journal.duplicate(
            job.id,
            earlier,
            kind=kind,
            year=year,
            filed_as=self.layout.free(self.layout.archive, job.name, _duplicate_tag(earlier.id)),
            seconds=time.monotonic() - started,
            notice=self._notice_name(job, DUPLICATE_ENDING),
        )

    def _notice_name(self, job: Job, ending: str) -> str:
        return self.layout.free(self.layout.outbox, _outbox_stem(job.name) + ending)

    def _write_notice(self, job: Job, text: str) -> None:
        """Leave the notice in work/<job>/report/; :meth:`file` moves it into outbox/."""
        report_dir = self.work_dir(job) / REPORT_DIR
        report_dir.mkdir(parents=True, exist_ok=True)
        data = text.replace("\n", "\r\n").encode()  # Notepad, where most admins open it
        write_atomic(report_dir / NOTICE, data, group=self.settings.group)

    def _kind(self, source: Path, job: Job) -> str:
        """The kind of a workbook dropped straight into inbox/, from its sheets."""
        try:
            return pipeline.guess_kind(source, self.settings).kind
        except WorkbookError:
            raise
        except UserError as exc:
            # The folders named after a kind of workbook (inbox/invitations/ is a review's too).
            *others, last = (f"inbox/{kind}/" for kind in KIND_FOLDERS if kind in KINDS)
            where = (
                "In the drop folder, the sub-folder gives the kind: move it into "
                f"{', '.join(others)} or {last}."
            )
            raise _Unrecognised(
                f"{exc} {where}",
                f"{printable(job.name)} was not recognised as one kind of workbook by its "
                f"sheets. {where}",
            ) from None

    def _elsewhere(self, job: Job, kind: str | None, exc: Exception) -> str | None:
        """The kind a workbook in the wrong kind folder really is, judged by its sheets.

        Only asked when the failure says the sheets are wrong: missing sheets, or in
        inbox/annual/ no year, which is how any other kind of workbook looks there.
        Then "move it to inbox/alert/" is the whole fix, and correcting cells no use.
        """
        if isinstance(exc, WrongKind):  # read whole: its sheets are another kind's
            return exc.found if exc.found in KIND_FOLDERS else None
        if job.folder not in KIND_FOLDERS or not (
            isinstance(exc, _YearUnknown)
            or (
                isinstance(exc, ValidationFailed)
                and any(p.code == "missing-sheet" for p in exc.report.errors)
            )
        ):
            return None
        try:
            found = pipeline.guess_kind(self.work_dir(job) / job.name, self.settings).kind
        except Exception:  # only a hint: it never changes how the job fails
            return None
        made = {doc.kind for doc in DROP_TYPES.get(kind or "", [])}
        return found if found != kind and found not in made else None

    def _render(self, job: Job, doc: DocumentType, source: Path, started: float) -> Job:
        """Write the documents into a hidden folder, then record where they will appear."""
        assert job.kind is not None
        folder = self.layout.outbox / job.kind
        tmp = self._tmp_dir(job)
        assert tmp is not None
        remove(tmp)
        try:
            tmp.mkdir(parents=True)
        except OSError as exc:
            raise OutputError(
                f"cannot write the documents into {self.layout.rel(folder)}: {exc.strerror}."
            ) from exc
        try:
            assert doc.drop is not None
            dropped = Dropped(
                source,
                tmp,
                self.settings,
                workers=self.workers,
                year=job.year,
                today=datetime.fromisoformat(job.claimed_at).astimezone().date(),
            )
            result = doc.drop(doc, dropped)
            if result.report.warnings:
                text = (result.report.to_text() + "\n").encode()
                write_atomic(tmp / "warnings.txt", text, group=self.settings.group)
            final = self.layout.free(folder, _outbox_stem(job.name), directory=True)
        except OutputError as exc:
            remove(tmp)
            # The hidden folder means nothing to whoever reads failed/ or the journal.
            raise OutputError(str(exc).replace(str(tmp), self.layout.rel(folder))) from exc
        except BaseException:
            remove(tmp)
            raise
        return self.journal.done(
            job.id,
            outbox=final,
            outputs=[f"{final}/{p.name}" for p in result.outputs],
            warnings=result.report.warning_total,
            filed_as=self.layout.free(self.layout.archive, job.name),
            seconds=time.monotonic() - started,
        )

    def _fail(
        self,
        job: Job,
        started: float,
        kind: str | None,
        message: str,
        summary: str,
        exc: Exception,
        told: str | None = None,
    ) -> Job:
        """Leave the reasons in work/<job>/report/ and record the failure; _file moves them.
        ``told`` is what the notice says happened, when longer than the journal's summary."""
        told = told or summary
        if kind:
            remove(self.layout.outbox / kind / f"{TEMP_PREFIX}{job.token}")
        elsewhere = self._elsewhere(job, kind, exc)
        if elsewhere:
            hint = f"This looks like {a_or_an(elsewhere)} workbook: move it to inbox/{elsewhere}/."
            message, summary = f"{hint}\n\n{message}", f"{hint} {summary}"
            told = f"{hint} {told}"
        filed_as = self.layout.free(self.layout.failed, job.name, sidecars=True)
        stem = Path(filed_as).stem
        report_dir = self.work_dir(job) / REPORT_DIR
        report_dir.mkdir(parents=True, exist_ok=True)
        marked, listed, tabled = "", False, False
        source, group = self.work_dir(job) / job.name, self.settings.group
        # What cannot be written is left out: the reasons still go out as text.
        if isinstance(exc, ValidationFailed) and not _is_workbook(source):  # DfE returns
            listed = _written(  # only the .xlsx: failed/ keeps it, without a .csv twin
                "no list of problems",
                lambda: write_atomic(
                    report_dir / "errors.xlsx", problems_xlsx(exc.report), group=group
                ),
            )
            marked = f"{stem}.errors.xlsx" if listed else ""
        elif isinstance(exc, ValidationFailed):
            copied = _written(
                f"job={job.id} no marked copy",
                lambda: write_marked_copy(
                    source, exc.report, report_dir / "errors.xlsx", group=group
                ),
            )
            marked = f"{stem}.errors.xlsx" if copied else ""
            tabled = _written(  # thousands of red cells are easier sorted and filtered
                "no table of problems",
                lambda: write_atomic(
                    report_dir / "errors.csv", problems_csv(exc.report), group=group
                ),
            )
        noun = _noun(source)
        advice = _advice(exc, marked, job.folder, elsewhere, listed, noun)
        text = (
            f"{job.name} was not turned into documents (docgen job {job.id}, {now()}).\n\n"
            f"{message}\n\nWhat to do: {advice}\n"
        )
        write_atomic(report_dir / "errors.txt", text.encode(), group=self.settings.group)
        reasons = f"failed/{stem}.errors.txt"
        shown = _advice(
            exc, marked and f"failed/{marked}", job.folder, elsewhere, listed, noun, f"in {reasons}"
        )
        shown = _causes_first(exc, reasons) + shown
        notice = failure_notice(
            job, told, shown, filed_as, bool(marked), listed=listed, tabled=tabled
        )
        self._write_notice(job, notice)
        if not isinstance(exc, UserError):
            log.debug("job=%d unexpected error", job.id, exc_info=exc)
        return self.journal.failed(
            job.id,
            error=summary,
            filed_as=filed_as,
            seconds=time.monotonic() - started,
            kind=kind,
            notice=self._notice_name(job, FAILED_ENDING),
        )

    def file(self, job: Job) -> Job:
        """Move a finished job's files where its row says; safe to repeat after a crash."""
        work_dir = self.work_dir(job)
        if job.state == "done":
            job = self._publish(job)
        if job.filed_as:
            dest = self.layout.root / job.filed_as
            src = work_dir / job.name
            sidecars = job.state == "failed"
            # Taken since it was chosen, or too long (chosen by a docgen that did not cut
            # names): choose again, before the reasons are moved beside it.
            if os.path.lexists(src) and (
                os.path.lexists(dest)
                or not fits([dest.name, *(sidecars_of(dest.name) if sidecars else [])])
            ):
                tag = _duplicate_tag(job.duplicate_of) if job.duplicate_of else ""
                job = self.journal.refile(
                    job.id, self.layout.free(dest.parent, job.name, tag, sidecars=sidecars)
                )
                dest = self.layout.root / str(job.filed_as)
            for side, name in zip(SIDECARS, sidecars_of(dest.name), strict=True):
                report = work_dir / REPORT_DIR / side
                if report.exists():
                    os.replace(report, dest.with_name(name))
            if os.path.lexists(src):
                _make_private_tree(src, self.layout)
                dest.parent.mkdir(parents=True, exist_ok=True)
                os.rename(src, dest)
        job = self._place_notice(job)
        if job.state in ("done", "duplicate"):  # a duplicate's documents are there already
            self._link_corrections(job)
        remove(work_dir)
        self._log(job)
        return job

    def _place_notice(self, job: Job) -> Job:
        """Move the job's notice from work/ into outbox/, under a name nothing uses."""
        notice = self.work_dir(job) / REPORT_DIR / NOTICE
        if job.notice is None or not notice.exists():
            return job
        target = self.layout.root / job.notice
        if os.path.lexists(target) or not fits([target.name]):  # taken, or too long (see file)
            job = self.journal.renotice(
                job.id, self.layout.free(self.layout.outbox, Path(job.notice).name)
            )
        assert job.notice is not None
        os.replace(notice, self.layout.root / job.notice)
        return job

    def _link_corrections(self, job: Job) -> None:
        """Mark the open failures of the workbook ``job`` rendered as corrected by it, and
        take their notices out of the outbox: the admin has done what they asked.

        A corrected copy is the same workbook by name (``reviews.xlsx``, or the marked
        ``reviews.errors.xlsx``) and kind; one dropped under a new name is not linked.
        """
        stem = _outbox_stem(job.name)
        for failure in self.journal.open_failures(before=job.id):
            if _outbox_stem(failure.name) != stem or failure.kind not in (None, job.kind):
                continue
            self.journal.corrected(failure.id, job.id)
            if failure.notice:
                remove(self.layout.root / failure.notice)
            log.info("job=%d corrects the failure of job=%d", job.id, failure.id)

    def _publish(self, job: Job) -> Job:
        """Rename the hidden folder of documents into place; if that fails, the job fails."""
        tmp = self._tmp_dir(job)
        assert tmp is not None and job.outbox is not None
        final = self.layout.root / job.outbox
        if not tmp.exists():
            if not final.exists():
                log.warning("job=%d its documents are gone from %s", job.id, job.outbox)
            return job
        try:
            if os.path.lexists(final):
                raise FileExistsError(17, "a folder of that name appeared", str(final))
            os.rename(tmp, final)
        except OSError as exc:
            remove(tmp)
            error = OutputError(
                f"the documents could not be moved into {job.outbox}: {exc.strerror}."
            )
            return self._fail(job, time.monotonic(), job.kind, str(error), str(error), error)
        return job

    def _log(self, job: Job) -> None:
        level = logging.WARNING if job.state == "failed" else logging.INFO
        details = {
            "done": f"documents={len(job.outputs)} warnings={job.warnings}",
            "duplicate": f"duplicate_of={job.duplicate_of}",
            "failed": f"error={job.error!r}",
        }.get(job.state, "")
        log.log(
            level,
            "job=%d kind=%s file=%r outcome=%s %s seconds=%.2f attempt=%d filed_as=%r",
            job.id,
            job.kind or "-",
            job.name,
            job.state,
            details,
            job.seconds or 0.0,
            job.attempts,
            job.filed_as,
        )


def _make_private_tree(path: Path, layout: Layout) -> None:
    """:func:`make_private` for a filed workbook, or each file of a filed folder (returns)."""
    if path.is_dir() and not path.is_symlink():
        layout.access.apply(path, folder=True)
        for top, _folders, files in os.walk(path):
            for name in files:
                make_private(Path(top) / name, layout.access)
        return
    make_private(path, layout.access)


def _duplicate_tag(earlier: int) -> str:
    """What a duplicate's name says: ``reviews (duplicate of job 3).xlsx``."""
    return f" (duplicate of job {earlier})"


def _outbox_stem(name: str) -> str:
    """``reviews`` for ``reviews.xlsx`` and for its corrected ``reviews.errors.xlsx``.

    A corrected copy that fails again is filed as ``reviews.errors (2).xlsx`` (the
    first marked copy has the name), so the next marked copy is
    ``reviews.errors (2).errors.xlsx``: every ``.errors`` (with the number failed/
    gave it) is taken off, and its documents are still ``reviews``.
    """
    stem = Path(name).stem
    return _MARKED_ENDING.sub("", stem) or stem


def _summary(report: Report) -> str:
    """The journal's line for a failed validation: places and codes, never cell values."""
    errors, total = report.errors, report.error_total  # total: listed or not
    shown = "; ".join(f"{p.location} {p.code}".strip() for p in errors[:3])
    more = f"; and {total - 3:,} more" if total > 3 else ""
    noun = "error" if total == 1 else "errors"
    where = "the returns and workbook" if report.from_returns else "the workbook"
    return f"{total:,} {noun} in {where}: {shown}{more}"


def _without_sheets(summary: str, workbook: Path) -> str:
    """``summary`` with the workbook's own sheet names withheld: ``sheet '…'``.

    Sheet names are workbook content (a sheet of notes per child, named after the
    child), and a reader's message may quote one (``sheet 'X' reaches cell XFD1048576``);
    the journal and the log get the summary, the ``.errors.txt`` the whole message.
    The contract's sheet names (``Review Meetings!B14``) say nothing about a child
    and stay. Names are replaced as docgen quotes them: ``'X'`` and ``X!B14``.
    """
    for name in sorted(_sheet_names(workbook), key=len, reverse=True):
        if name and normalise(name) not in _CONTRACT_SHEETS:
            summary = summary.replace(repr(name), "'…'").replace(f"{name}!", "'…'!")
    return summary


def _sheet_names(workbook: Path) -> list[str]:
    """The sheet names ``xl/workbook.xml`` lists; none when it cannot be read.

    Read on their own, without the reader's checks: the workbook may have been refused
    for breaking them, and its message may still name a sheet. The part is read only
    up to a limit, so that a zip bomb costs nothing here.
    """
    try:
        with zipfile.ZipFile(workbook) as zf, zf.open("xl/workbook.xml") as part:
            xml = part.read(_WORKBOOK_XML_MAX)
    except (OSError, KeyError, EOFError, RuntimeError, ValueError, zipfile.BadZipFile, zlib.error):
        return []
    return [html.unescape(m[1].decode(errors="replace")) for m in _SHEET_NAME.findall(xml)]


def _first_line(text: str, name: str, limit: int = 300) -> str:
    """The journal's summary of a message: its first line, with the file's ``name``
    made printable first (a newline in the name would end the line there)."""
    text = text.replace(name, printable(name)).strip()
    line = text.splitlines()[0] if text else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _is_workbook(path: Path) -> bool:
    return path.suffix.lower() in (".xlsx", ".xlsm") and path.is_file()


def _noun(source: Path) -> str:
    """What an admin dropped, as the advice names it."""
    if source.is_dir() and not source.is_symlink():
        return "the folder"
    return "the zip" if source.suffix.lower() == ".zip" else "the workbook"


def _written(failure: str, write: Callable[[], object]) -> bool:
    """Whether ``write`` wrote its file; if not, ``failure`` is logged with the exception's
    kind only (its message may quote a cell)."""
    try:
        write()
    except Exception as exc:
        log.warning("%s: %s", failure, type(exc).__name__)
        return False
    return True


def _causes_first(exc: Exception, reasons: str) -> str:
    """For a notice: where the likely causes of many problems are named (one row per
    episode, two-digit years, ...), since one change there may clear thousands of cells;
    '' when none is. The causes quote values, so the notice only points to them."""
    causes = exc.report.hints if isinstance(exc, ValidationFailed) else []
    if not causes:
        return ""
    which = "a likely cause" if len(causes) == 1 else f"{len(causes)} likely causes"
    return (
        f"first read the top of {reasons}: it names {which} of these problems and what to "
        "do, which may put many cells right at once. Then "
    )


def _advice(
    exc: Exception,
    marked: str,
    folder: str,
    elsewhere: str | None,
    listed: bool = False,
    noun: str = "the workbook",
    listed_in: str = "above",
) -> str:
    """What to do about a failure; ``listed`` for a zip or folder (of returns), whose
    problems are listed by file and line rather than marked on a copy; ``noun`` is
    what was dropped (``the workbook``, ``the zip``)."""
    inbox = "inbox/" if folder == ANY else f"inbox/{folder}/"
    if listed and isinstance(exc, ValidationFailed):
        return (
            f"open {marked}: every problem is listed with its file, line (or sheet and cell) "
            f"and field. Correct them in the returns or the workbook, and drop {noun} into "
            f"{inbox} again."
        )
    if elsewhere and isinstance(exc, WrongKind):
        return (
            f"for its own documents, drop it into inbox/{elsewhere}/: nothing in it needs "
            f"correcting for that. inbox/{folder}/ makes other documents, from other workbooks."
        )
    if elsewhere:
        return (
            f"if it is {a_or_an(elsewhere)} workbook, drop it into "
            f"inbox/{elsewhere}/: nothing in it needs correcting for that. If it really is "
            f"{a_or_an(folder)} workbook, it needs the sheets listed {listed_in}."
        )
    if isinstance(exc, ValidationFailed):
        where = (
            f"open {marked}: each cell with a problem is red and has a comment saying what is "
            "wrong. Correct them there"
            if marked
            else "correct each cell listed above"
        )
        return f"{where}, save, and drop {noun} into {inbox} again."
    if isinstance(exc, WorkbookError):  # each reason says what to do: copy it again, save as...
        return f"do what the reason above says, then drop the file into {inbox} again."
    if isinstance(exc, OutputError | TemplateError):
        return (
            "this is a problem on the server (its folders or its Word templates), not in "
            "your workbook: tell IT, quoting the docgen job number. Once it is put right, "
            f"drop {noun} into {inbox} again."
        )
    if isinstance(exc, UserError):
        return f"put right what is described above, then drop {noun} into {inbox} again."
    return (
        "this is a fault in docgen or the server, not in your workbook: tell IT, quoting "
        "the docgen job number. Other workbooks were not affected."
    )
