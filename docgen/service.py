"""The drop-folder service: workbooks saved into ``ROOT/inbox`` become documents in ``ROOT/outbox``.

Admins do not use a command line. They save a workbook into a shared folder and
collect the documents from another, so this loop runs all day and must behave like
an integration engine's file endpoint (Apache Camel's file component is the model),
not like a script:

* **Read lock.** A file is taken only once it is complete: its size and modification
  time unchanged for ``settle`` seconds (observed by polling, which works on network
  shares where inotify does not) and, for an ``.xlsx``, its zip directory whole.
  Office lock files, hidden and temporary files are never touched.
* **Claim by rename.** The file is renamed into ``work/<token>.<folder>/`` (atomic
  within ROOT), and only then recorded in the journal. Whatever sits in ``work/``
  is unfinished business, so a restart after a crash finds it and finishes it.
* **Intent first, then action.** Each state change is committed before the files
  it describes are moved, and moving them again is harmless; so every workbook
  ends exactly once in ``archive/`` or ``failed/``.
* **All or nothing.** Documents are written into a hidden folder beside their
  destination and renamed into place as a whole.
* **Idempotent.** Content already rendered is recorded as a duplicate and archived,
  not rendered again (unless ``force``).
* **Never stops.** A catch-all around each job records the failure and moves on;
  one exclusive lock keeps a second watcher off the same ROOT. A move the file
  system refuses is retried every sweep, and logged once, not every sweep.
* **Private.** Workbooks and documents hold children's data, so everything the
  service creates or files is owner-only, whatever the umask it was started with.

Logs carry job ids, kinds, file names, outcomes, counts and durations; never the
contents of a workbook (sheet names included: they may be children's names).
"""

from __future__ import annotations

import hashlib
import html
import logging
import os
import re
import secrets
import shutil
import signal
import socket
import stat
import threading
import time
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from types import FrameType
from typing import IO, TypeVar

from filelock import lock_descriptor, unlock_descriptor

from docgen import pipeline
from docgen.codes import a_or_an
from docgen.errors import (
    OutputError,
    TemplateError,
    UserError,
    ValidationFailed,
    WorkbookError,
)
from docgen.files import write_atomic
from docgen.journal import Job, Journal, now
from docgen.marked import write_marked_copy
from docgen.models import KINDS
from docgen.report import Report
from docgen.settings import Settings
from docgen.workbook import normalise

log = logging.getLogger("docgen.service")

#: The inbox sub-folders; each names the kind of the workbooks dropped into it.
KIND_FOLDERS = ("review", "alert", "conference", "annual")
#: The folder label of a workbook dropped straight into ``inbox/``: routed by its sheets.
ANY = "any"
#: A workbook that took the service down this many times is set aside as failed.
MAX_ATTEMPTS = 3
#: ``run_once`` waits at most ``settle`` x this for files still being written.
ONCE_WAIT = 10
#: A settled ``.xlsx`` that still is not a whole zip is taken after ``settle`` x this,
#: so that a corrupt file fails (with a reason) instead of waiting for ever. The
#: service can afford to wait longer for a copy that stalled than ``run_once`` can.
INCOMPLETE_GRACE = 5
INCOMPLETE_GRACE_SERVING = 30
TEMP_PREFIX = ".docgen-tmp-"
REPORT_DIR = "report"
ZIP_SUFFIXES = (".xlsx", ".xlsm")
IGNORED_SUFFIXES = (".tmp", ".part", ".crdownload")
IGNORED_NAMES = frozenset({"thumbs.db", "desktop.ini"})
#: Excel saves through a temporary file named with eight hex digits and no suffix.
_EXCEL_SAVE_TEMP = re.compile(r"[0-9A-F]{8}")
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
#: The longest file name, in bytes, that Linux file systems (and SMB) accept. Every
#: name the service makes is cut to fit, or its move would fail on every sweep.
NAME_MAX = 255
#: A name's suffix is kept whole up to this many bytes (``.xlsx``); a longer "suffix"
#: (``x.final version of the year``) is not a file type, and is cut like the stem.
SUFFIX_MAX = 16
#: What a failed workbook's reasons beside it are called: ``<stem>.errors.txt``.
SIDECARS = ("errors.txt", "errors.xlsx")
#: Files are created owner-only (0600) and folders 0700 while the service runs.
PRIVATE_UMASK = 0o077

T = TypeVar("T")


class ServiceBusy(UserError):
    """Another watcher holds ROOT's lock."""


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


def ignored(name: str) -> bool:
    """Files that are never taken, nor moved: they belong to someone still working.

    Office lock files (``~$Book.xlsx``), hidden files (``.x``, LibreOffice's
    ``.~lock.x#``), downloads and copies in progress (``.tmp``, ``.part``,
    ``.crdownload``), Excel's save-in-progress files and Windows' folder clutter.
    """
    lowered = name.lower()
    return (
        name.startswith(("~$", "."))
        or lowered.endswith(IGNORED_SUFFIXES)
        or lowered in IGNORED_NAMES
        or bool(_EXCEL_SAVE_TEMP.fullmatch(name))
    )


def whole_zip(path: Path) -> bool:
    """True when ``path``'s zip directory is present and every member lies inside the file.

    This proves the writer has finished (the directory is written last) without
    decompressing anything, so a zip bomb costs nothing here; ``testzip`` would
    inflate every member. Corruption inside a member is left to the reader.
    """
    try:
        size = path.stat().st_size
        with zipfile.ZipFile(path) as zf:
            return all(info.header_offset + info.compress_size <= size for info in zf.infolist())
    except (OSError, zipfile.BadZipFile, ValueError):
        return False


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
class Layout:
    """The folders under ROOT, and what each is for (see docs/service.md)."""

    root: Path

    @property
    def inbox(self) -> Path:
        return self.root / "inbox"

    @property
    def outbox(self) -> Path:
        return self.root / "outbox"

    @property
    def failed(self) -> Path:
        return self.root / "failed"

    @property
    def archive(self) -> Path:
        return self.root / "archive"

    @property
    def work(self) -> Path:
        return self.root / "work"

    @property
    def journal(self) -> Path:
        return self.root / "journal.sqlite"

    @property
    def lock(self) -> Path:
        return self.root / ".docgen.lock"

    def ensure(self) -> None:
        """Create what is missing; cheap, so it runs every sweep (admins delete folders)."""
        for folder in (self.inbox, self.outbox, self.failed, self.archive, self.work):
            folder.mkdir(parents=True, exist_ok=True)
        for kind in KIND_FOLDERS:
            for folder in (self.inbox / kind, self.outbox / kind):
                try:
                    folder.mkdir(exist_ok=True)
                except OSError as exc:  # a file in the way: the jobs of that kind will fail
                    log.debug("cannot create %s: %s", folder, exc.strerror)

    def rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()


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


@dataclass(frozen=True)
class _Drop:
    """A file seen in the inbox, and the sub-folder (kind, or ``any``) it was dropped in."""

    path: Path
    folder: str


class _Lock:
    """An exclusive lock on ROOT itself and on ROOT/.docgen.lock: one watcher per ROOT; the
    system frees both when we die. The folder's lock holds even if someone deletes the file
    (which would let a second watcher lock a new one); the file names the holder.

    Through filelock, so that the same code locks on Windows (where a folder cannot be
    opened, only the file is locked) and on Linux (flock).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fh: IO[str] | None = None
        self._root: int | None = None

    def acquire(self) -> None:
        root = None if os.name == "nt" else os.open(self.path.parent, os.O_RDONLY | _DIRECTORY)
        fh = self.path.open("a+", encoding="utf-8")
        try:
            held = (root is None or _lock(root)) and _lock(fh.fileno())
        except BaseException:
            fh.close()
            _close(root)
            raise
        if not held:
            fh.seek(0)
            holder = ""
            with suppress(OSError):  # Windows refuses to read a locked byte
                holder = fh.read().strip()
            fh.close()
            _close(root)
            raise ServiceBusy(
                f"another docgen watch is already running on {self.path.parent} "
                f"(pid, host: {holder or 'unknown'}); only one may run per folder."
            )
        self._root = root
        if hasattr(os, "fchmod"):
            os.fchmod(fh.fileno(), 0o600)  # an older docgen may have left it world-readable
        fh.seek(0)
        fh.truncate()
        fh.write(f"{os.getpid()} {socket.gethostname()}\n")
        fh.flush()
        self._fh = fh

    def release(self) -> None:
        if self._fh is not None:
            with suppress(OSError):
                unlock_descriptor(self._fh.fileno())
            self._fh.close()
            self._fh = None
        _close(self._root)  # closing the folder's descriptor frees its lock
        self._root = None


_DIRECTORY = getattr(os, "O_DIRECTORY", 0)


def _lock(fd: int) -> bool:
    """Lock ``fd`` without waiting: False if another process holds it. A file system
    without locks (NFS without lockd) cannot keep a second watcher out: it is let run."""
    try:
        return lock_descriptor(fd, blocking=False)
    except OSError:
        return True


def _close(fd: int | None) -> None:
    if fd is not None:
        os.close(fd)


class Service:
    """The drop-folder loop over ROOT; ``run_once`` for scripts and tests, ``run_forever`` to serve.

    Used as a context manager it holds ROOT's lock for the whole block; otherwise each
    ``run_once``/``run_forever`` call takes and releases it.
    """

    def __init__(
        self,
        root: Path,
        settings: Settings | None = None,
        *,
        poll: float = 5.0,
        settle: float = 2.0,
        force: bool = False,
        workers: int = 1,
    ) -> None:
        if poll <= 0 or settle < 0:
            raise UserError("--poll must be above 0 and --settle at least 0 seconds.")
        self.layout = Layout(Path(root).absolute())
        self.settings = settings or Settings()
        self.poll = poll
        self.settle = settle
        self.force = force
        self.workers = workers
        self._lock = _Lock(self.layout.lock)
        self._journal: Journal | None = None
        self._seen: dict[Path, tuple[tuple[int, ...], float]] = {}
        self._warned: set[str] = set()
        self._recovered: list[Outcome] = []
        self._grace = INCOMPLETE_GRACE
        #: What failed on the file system, and how many times in a row (see ``_attempt``).
        self._stuck: dict[str, int] = {}
        self._umask: int | None = None

    # -- lifetime ----------------------------------------------------------------------

    def __enter__(self) -> Service:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def open(self) -> None:
        """Take ROOT's lock, open the journal and finish what a crash left half-done.

        The umask is made owner-only first, so that every folder, document, journal
        file (SQLite's ``-wal`` and ``-shm`` too) and lock the service creates is
        private even when it is started by hand from a shell with umask 022. The
        umask is the process's, so ``close`` gives the old one back: tests and
        callers that run the service in-process get theirs again.
        """
        self._umask = os.umask(PRIVATE_UMASK)
        try:
            try:
                self.layout.ensure()
            except OSError as exc:
                raise UserError(
                    f"cannot create the drop folders under {self.layout.root}: {exc.strerror}."
                ) from exc
            self._lock.acquire()
            # Before opening: SQLite gives -wal and -shm the database's mode, umask or not,
            # and an older docgen left the database 0644.
            for suffix in ("", "-wal", "-shm"):
                journal = self.layout.journal
                _make_private(journal.with_name(journal.name + suffix))
            self._journal = Journal(self.layout.journal)
            log.info(
                "watching root=%s poll=%gs settle=%gs force=%s pid=%d settings=%s",
                self.layout.root,
                self.poll,
                self.settle,
                self.force,
                os.getpid(),
                self.settings.model_dump(mode="json"),
            )
            self._recovered = self._recover(at_start=True)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self._journal is not None:
            self._journal.close()
            self._journal = None
        self._lock.release()
        if self._umask is not None:
            os.umask(self._umask)
            self._umask = None

    @contextmanager
    def _session(self) -> Iterator[list[Outcome]]:
        """Hold the lock for one run unless the caller already holds it; yield recovered jobs."""
        if self._journal is not None:
            recovered, self._recovered = self._recovered, []
            yield recovered
            return
        self.open()
        try:
            recovered, self._recovered = self._recovered, []
            yield recovered
        finally:
            self.close()

    @property
    def journal(self) -> Journal:
        if self._journal is None:
            raise RuntimeError("the service is not open")
        return self._journal

    # -- the loops ---------------------------------------------------------------------

    def run_once(self, stop: threading.Event | None = None) -> list[Outcome]:
        """Sweep the inbox and process every file that settles; return how each job ended.

        Files still being written are waited for, up to ``settle`` x 10, so that one call
        is useful in scripts and tests; those that never settle stay for the next run.
        """
        stop = stop or threading.Event()
        self._grace = INCOMPLETE_GRACE
        with self._session() as outcomes:
            outcomes = list(outcomes)
            waited = 0.0  # time spent rendering does not count against the wait
            while True:
                done, pending = self._sweep(stop)
                outcomes += done
                if stop.is_set() or not pending or waited >= self.settle * ONCE_WAIT:
                    break
                stop.wait(self._step)
                waited += self._step
            if pending and not stop.is_set():
                log.info("left=%d not complete yet; left in the inbox for the next run", pending)
            return outcomes

    def run_forever(self, stop: threading.Event) -> None:
        """Sweep every ``poll`` seconds until ``stop`` is set; the job in hand is finished first."""
        self._grace = INCOMPLETE_GRACE_SERVING
        failing = 0  # sweeps failed in a row: logged at the first, and when it mends
        with self._session():
            while not stop.is_set():
                try:
                    _done, pending = self._sweep(stop)
                except Exception as exc:  # a share gone away must not end the service
                    failing += 1
                    log.log(
                        logging.ERROR if failing == 1 else logging.DEBUG,
                        "sweep failed: %s; retrying every %gs, logged again once it works",
                        type(exc).__name__,
                        self.poll,
                    )
                    pending = 0
                else:
                    if failing:
                        log.info("sweeping again after %d failed sweep(s)", failing)
                    failing = 0
                stop.wait(self._step if pending else self.poll)
            log.info("stopped root=%s", self.layout.root)

    @property
    def _step(self) -> float:
        """How often to look again at files that are settling."""
        return max(0.01, min(self.poll, self.settle / 4))

    def _sweep(self, stop: threading.Event) -> tuple[list[Outcome], int]:
        """Finish leftovers, then take every settled file; return outcomes and files pending."""
        try:
            self.layout.ensure()
        except OSError as exc:  # e.g. the share is away; listing will say what is missing
            log.warning("cannot create the folders under %s: %s", self.layout.root, exc.strerror)
        outcomes = self._recover(at_start=False)
        ready, pending = self._observe()
        for drop in ready:
            if stop.is_set():
                break
            # A claim the file system refuses leaves the file in the inbox for the next sweep.
            outcome = self._attempt(
                f"file={drop.path.name!r}", "taken", lambda d=drop: self._take(d)
            )
            if outcome is not None:
                outcomes.append(outcome)
        return outcomes, pending

    def _attempt(self, what: str, done: str, action: Callable[[], T | None]) -> T | None:
        """Run ``action``, a step the file system may refuse; None if it raises.

        A folder that cannot be written (archive/ made read-only, a full disk) refuses
        the same move on every sweep until someone puts it right, so the failure is
        logged once, when it starts, and again when the step finally succeeds; the
        retries in between are logged at DEBUG only. ``what`` (``work/<token>.review``)
        is the key that counts the failures, ``done`` what the step achieves (``filed``).
        """
        try:
            result = action()
        except Exception as exc:
            failures = self._stuck.get(what, 0) + 1
            self._stuck[what] = failures
            reason = type(exc).__name__ + (
                f" ({exc.strerror})" if isinstance(exc, OSError) and exc.strerror else ""
            )
            if failures == 1:
                log.error(
                    "%s could not be %s: %s; retrying every sweep, logged again once it is",
                    what,
                    done,
                    reason,
                )
            else:
                log.debug("%s could not be %s: %s (failure %d)", what, done, reason, failures)
            return None
        if failures := self._stuck.pop(what, 0):
            log.info("%s %s after %d failed attempt(s)", what, done, failures)
        return result

    # -- the read lock -----------------------------------------------------------------

    def _drops(self) -> Iterator[_Drop]:
        yield from self._files_in(self.layout.inbox, ANY)
        for kind in KIND_FOLDERS:
            folder = self.layout.inbox / kind
            if folder.is_symlink():
                self._warn_once(f"inbox/{kind} is a link; docgen does not follow links")
                continue
            yield from self._files_in(folder, kind)

    def _files_in(self, folder: Path, label: str) -> Iterator[_Drop]:
        try:
            entries = list(os.scandir(folder))
        except OSError as exc:
            log.warning("cannot list %s: %s", self.layout.rel(folder), exc.strerror)
            return
        for entry in entries:
            if ignored(entry.name):
                continue
            if entry.is_dir(follow_symlinks=False):
                if not (label == ANY and entry.name in KIND_FOLDERS):
                    self._warn_once(
                        f"{self.layout.rel(Path(entry.path))} is a folder; docgen takes only "
                        "files, so it is left where it is"
                    )
                continue
            yield _Drop(Path(entry.path), label)

    def _observe(self) -> tuple[list[_Drop], int]:
        """The files unchanged for ``settle`` s (oldest first), and how many are not yet."""
        moment = time.monotonic()
        ready: list[tuple[int, str, _Drop]] = []
        pending = 0
        present: set[Path] = set()
        for drop in self._drops():
            try:
                st = os.lstat(drop.path)
            except FileNotFoundError:
                continue
            present.add(drop.path)
            signature = (st.st_mode, st.st_size, st.st_mtime_ns, st.st_ino)
            seen = self._seen.get(drop.path)
            if seen is None or seen[0] != signature:
                self._seen[drop.path] = (signature, moment)
                pending += 1
                continue
            age = moment - seen[1]
            if age < self.settle or (
                stat.S_ISREG(st.st_mode)
                and drop.path.suffix.lower() in ZIP_SUFFIXES
                and age < self.settle * self._grace
                and not whole_zip(drop.path)
            ):
                pending += 1
                continue
            ready.append((st.st_mtime_ns, drop.path.name, drop))
        for gone in set(self._seen) - present:
            del self._seen[gone]
        return [drop for *_key, drop in sorted(ready, key=lambda r: (r[0], r[1]))], pending

    def _warn_once(self, message: str) -> None:
        if message not in self._warned:
            self._warned.add(message)
            log.warning(message)

    # -- one job -----------------------------------------------------------------------

    def _work_dir(self, job: Job) -> Path:
        return self.layout.work / f"{job.token}.{job.folder}"

    def _tmp_dir(self, job: Job) -> Path | None:
        return self.layout.outbox / job.kind / f"{TEMP_PREFIX}{job.token}" if job.kind else None

    def _take(self, drop: _Drop) -> Outcome | None:
        """Claim ``drop`` by renaming it into work/, record the claim, and process it."""
        token = secrets.token_hex(6)
        job_dir = self.layout.work / f"{token}.{drop.folder}"
        name = _storable(drop.path.name)
        job_dir.mkdir()
        try:
            os.rename(drop.path, job_dir / name)
        except FileNotFoundError:  # taken back by its owner between the look and the claim
            job_dir.rmdir()
            self._seen.pop(drop.path, None)
            return None
        except OSError:
            job_dir.rmdir()
            raise
        self._seen.pop(drop.path, None)
        job = self.journal.claim(token, name, drop.folder, _sha256(job_dir / name))
        log.debug("job=%d claimed file=%r folder=%s", job.id, job.name, job.folder)
        # Once claimed, a step that fails is finished by _recover on a later sweep.
        finished = self._attempt(f"work/{job_dir.name}", "filed", lambda: self._process(job))
        return None if finished is None else self._outcome(finished)

    def _process(self, job: Job) -> Job:
        """Take a claimed job to its end and file it; never raises for a bad input."""
        started = time.monotonic()
        source = self._work_dir(job) / job.name
        kind = job.kind or (job.folder if job.folder in KIND_FOLDERS else None)
        try:
            if job.attempts > MAX_ATTEMPTS:
                raise UserError(
                    f"{job.name} was set aside: the service stopped {job.attempts - 1} times "
                    "while working on it. Tell IT (quote the job number)."
                )
            _refuse_special(source, job.name)
            kind = kind or self._kind(source, job)
            year = annual_year(job.name, source, self.settings) if kind == "annual" else None
            earlier = (
                None
                if self.force or job.sha256 is None
                else self.journal.find_done(job.sha256, kind, year, before=job.id)
            )
            if earlier is not None:
                job = self.journal.duplicate(
                    job.id,
                    earlier,
                    kind=kind,
                    year=year,
                    filed_as=self._free(self.layout.archive, job.name, _duplicate_tag(earlier.id)),
                    seconds=time.monotonic() - started,
                )
            else:
                job = self.journal.rendering(job.id, kind, year)
                job = self._render(job, source, started)
        except ValidationFailed as exc:
            summary = _without_sheets(_summary(exc.report), source)
            job = self._fail(job, started, kind, exc.report.to_text(), summary, exc)
        except _Unrecognised as exc:
            job = self._fail(job, started, kind, str(exc), exc.summary, exc)
        except UserError as exc:
            summary = _without_sheets(_first_line(str(exc), job.name), source)
            job = self._fail(job, started, kind, str(exc), summary, exc)
        except Exception as exc:  # the catch-all: one bad workbook never stops the service
            # The message may quote a cell (a child's name): it goes only into the
            # .errors.txt beside the workbook, never the journal or the log.
            text = f"unexpected {type(exc).__name__}: {exc}"
            summary = f"unexpected {type(exc).__name__}; its message is in the .errors.txt"
            job = self._fail(job, started, kind, text, summary, exc)
        return self._file(job)

    def _kind(self, source: Path, job: Job) -> str:
        """The kind of a workbook dropped straight into inbox/, from its sheets."""
        try:
            return pipeline.guess_kind(source, self.settings).kind
        except WorkbookError:
            raise
        except UserError as exc:
            where = (
                "In the drop folder, the sub-folder gives the kind: move it into "
                "inbox/review/, inbox/alert/, inbox/conference/ or inbox/annual/."
            )
            raise _Unrecognised(
                f"{exc} {where}",
                f"{_printable(job.name)} was not recognised as one kind of workbook by its "
                f"sheets. {where}",
            ) from None

    def _elsewhere(self, job: Job, kind: str | None, exc: Exception) -> str | None:
        """The kind a workbook in the wrong kind folder really is, judged by its sheets.

        Only asked when the failure says the sheets are wrong: missing sheets, or in
        inbox/annual/ no year, which is how any other kind of workbook looks there.
        Then "move it to inbox/alert/" is the whole fix, and correcting cells no use.
        """
        if job.folder not in KIND_FOLDERS or not (
            isinstance(exc, _YearUnknown)
            or (
                isinstance(exc, ValidationFailed)
                and any(p.code == "missing-sheet" for p in exc.report.errors)
            )
        ):
            return None
        try:
            found = pipeline.guess_kind(self._work_dir(job) / job.name, self.settings).kind
        except Exception:  # only a hint: it never changes how the job fails
            return None
        return found if found != kind else None

    def _render(self, job: Job, source: Path, started: float) -> Job:
        """Write the documents into a hidden folder, then record where they will appear."""
        assert job.kind is not None
        folder = self.layout.outbox / job.kind
        tmp = self._tmp_dir(job)
        assert tmp is not None
        _remove(tmp)
        try:
            tmp.mkdir(parents=True)
        except OSError as exc:
            raise OutputError(
                f"cannot write the documents into {self.layout.rel(folder)}: {exc.strerror}."
            ) from exc
        try:
            if job.kind == "annual":
                assert job.year is not None
                result = pipeline.annual_report(
                    job.year,
                    workbook=source,
                    output=tmp / f"annual_report_{job.year}.docx",
                    settings=self.settings,
                )
            else:
                result = pipeline.meeting_papers(
                    job.kind, source, output=tmp, settings=self.settings, workers=self.workers
                )
            if result.report.warnings:
                write_atomic(tmp / "warnings.txt", (result.report.to_text() + "\n").encode())
            final = self._free(folder, _outbox_stem(job.name), directory=True)
        except OutputError as exc:
            _remove(tmp)
            # The hidden folder means nothing to whoever reads failed/ or the journal.
            raise OutputError(str(exc).replace(str(tmp), self.layout.rel(folder))) from exc
        except BaseException:
            _remove(tmp)
            raise
        return self.journal.done(
            job.id,
            outbox=final,
            outputs=[f"{final}/{p.name}" for p in result.outputs],
            warnings=result.report.warning_total,
            filed_as=self._free(self.layout.archive, job.name),
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
    ) -> Job:
        """Leave the reasons in work/<job>/report/ and record the failure; _file moves them."""
        if kind:
            _remove(self.layout.outbox / kind / f"{TEMP_PREFIX}{job.token}")
        elsewhere = self._elsewhere(job, kind, exc)
        if elsewhere:
            hint = f"This looks like {a_or_an(elsewhere)} workbook: move it to inbox/{elsewhere}/."
            message, summary = f"{hint}\n\n{message}", f"{hint} {summary}"
        filed_as = self._free(self.layout.failed, job.name, sidecars=True)
        stem = Path(filed_as).stem
        report_dir = self._work_dir(job) / REPORT_DIR
        report_dir.mkdir(parents=True, exist_ok=True)
        marked = ""
        if isinstance(exc, ValidationFailed):
            try:
                write_marked_copy(
                    self._work_dir(job) / job.name, exc.report, report_dir / "errors.xlsx"
                )
                marked = f"{stem}.errors.xlsx"
            except Exception as copy_exc:  # the reasons still go out as text
                log.warning("job=%d no marked copy: %s", job.id, type(copy_exc).__name__)
        advice = _advice(exc, marked, job.folder, elsewhere)
        text = (
            f"{job.name} was not turned into documents (docgen job {job.id}, {now()}).\n\n"
            f"{message}\n\nWhat to do: {advice}\n"
        )
        write_atomic(report_dir / "errors.txt", text.encode())
        if not isinstance(exc, UserError):
            log.debug("job=%d unexpected error", job.id, exc_info=exc)
        return self.journal.failed(
            job.id,
            error=summary,
            filed_as=filed_as,
            seconds=time.monotonic() - started,
            kind=kind,
        )

    def _file(self, job: Job) -> Job:
        """Move a finished job's files where its row says; safe to repeat after a crash."""
        work_dir = self._work_dir(job)
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
                or not _fits([dest.name, *(_sidecars(dest.name) if sidecars else [])])
            ):
                tag = _duplicate_tag(job.duplicate_of) if job.duplicate_of else ""
                job = self.journal.refile(
                    job.id, self._free(dest.parent, job.name, tag, sidecars=sidecars)
                )
                dest = self.layout.root / str(job.filed_as)
            for side, name in zip(SIDECARS, _sidecars(dest.name), strict=True):
                report = work_dir / REPORT_DIR / side
                if report.exists():
                    os.replace(report, dest.with_name(name))
            if os.path.lexists(src):
                _make_private(src)
                dest.parent.mkdir(parents=True, exist_ok=True)
                os.rename(src, dest)
        _remove(work_dir)
        self._log(job)
        return job

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
            _remove(tmp)
            error = OutputError(
                f"the documents could not be moved into {job.outbox}: {exc.strerror}."
            )
            return self._fail(job, time.monotonic(), job.kind, str(error), str(error), error)
        return job

    # -- crash recovery ----------------------------------------------------------------

    def _recover(self, *, at_start: bool) -> list[Outcome]:
        """Finish every job a crash (or a failed move) left in work/.

        A folder in work/ with no journal row was claimed just before a crash: it is
        adopted. A row still claimed or rendering is processed again (one more attempt).
        A finished row is filed. At start, rows whose files are gone are closed and
        half-written document folders are removed.
        """
        outcomes: list[Outcome] = []
        try:
            entries = sorted(os.scandir(self.layout.work), key=lambda e: e.name)
        except OSError:
            entries = []
        for entry in entries:
            token, _, folder = entry.name.partition(".")
            if not entry.is_dir(follow_symlinks=False) or folder not in (*KIND_FOLDERS, ANY):
                self._warn_once(f"work/{entry.name} is not docgen's; it is left alone")
                continue
            job = self._attempt(
                f"work/{entry.name}",
                "filed",
                lambda path=Path(entry.path), t=token, f=folder: self._recover_one(path, t, f),
            )
            if job is not None:
                outcomes.append(self._outcome(job))
        if at_start:
            for job in self.journal.unfinished():
                if not self._work_dir(job).exists():
                    log.warning("job=%d its file is no longer in work/; closed as failed", job.id)
                    self.journal.failed(
                        job.id, error="its file was no longer in work/ after a restart", filed_as=""
                    )
            for kind in KIND_FOLDERS:
                for tmp in (self.layout.outbox / kind).glob(f"{TEMP_PREFIX}*"):
                    log.warning("removing half-written %s", self.layout.rel(tmp))
                    _remove(tmp)
        return outcomes

    def _recover_one(self, work_dir: Path, token: str, folder: str) -> Job | None:
        job = self.journal.by_token(token)
        if job is None:
            inputs = [p for p in work_dir.iterdir() if p.name != REPORT_DIR]
            if not inputs:
                _remove(work_dir)
                return None
            source = inputs[0]
            if _storable(source.name) != source.name:  # claimed by a docgen before this one
                source = source.rename(source.with_name(_storable(source.name)))
            job = self.journal.claim(token, source.name, folder, _sha256(source))
            log.warning("job=%d file=%r adopted from work/ after a crash", job.id, job.name)
            return self._process(job)
        if job.finished:
            return self._file(job)
        job = self.journal.resume(job.id)
        log.warning(
            "job=%d file=%r resumed after a crash (attempt %d)", job.id, job.name, job.attempts
        )
        return self._process(job)

    # -- names -------------------------------------------------------------------------

    def _free(
        self,
        folder: Path,
        name: str,
        tag: str = "",
        *,
        sidecars: bool = False,
        directory: bool = False,
    ) -> str:
        """A name in ``folder`` that nothing uses yet (``x.xlsx``, ``x (2).xlsx``, ...).

        Nothing in archive/, failed/ or outbox/ is ever overwritten. With ``sidecars``
        the ``.errors.txt``/``.errors.xlsx`` beside it must be free too. Every one of
        these names fits in NAME_MAX bytes: the stem is cut (on a character boundary)
        to make room for the number, the tag and the suffixes, which are kept whole.
        """
        path = Path(name)
        stem, suffix = (name, "") if directory else (path.stem, _cut(path.suffix, SUFFIX_MAX))
        number = 1
        while True:
            ending = tag + (f" ({number})" if number > 1 else "")
            longest = max([_size(suffix), *(_size(f".{s}") for s in SIDECARS if sidecars)])
            first = _cut(stem, NAME_MAX - _size(ending) - longest) + ending + suffix
            names = [first, *(_sidecars(first) if sidecars else [])]
            if not any(os.path.lexists(folder / n) for n in names):
                return self.layout.rel(folder / first)
            number += 1

    # -- reporting ---------------------------------------------------------------------

    def _outcome(self, job: Job) -> Outcome:
        root = self.layout.root
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


def _sha256(path: Path) -> str | None:
    """The content hash of a regular file; None for a link or anything else."""
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return None
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
        return digest.hexdigest()
    except OSError:
        return None


def _refuse_special(path: Path, name: str) -> None:
    """Links are never followed (one could point at any file the service can read)."""
    mode = os.lstat(path).st_mode
    if stat.S_ISLNK(mode):
        raise UserError(
            f"{name} is a link (shortcut) to another file, and links are not accepted: "
            "docgen never follows them. Copy the workbook itself into the inbox."
        )
    if not stat.S_ISREG(mode):
        raise UserError(f"{name} is not an ordinary file; copy the workbook itself into the inbox.")


def _size(name: str) -> int:
    """A name's length as the file system counts it: bytes."""
    return len(os.fsencode(name))


def _cut(text: str, size: int) -> str:
    """``text`` cut to at most ``size`` bytes, never in the middle of a character."""
    data = os.fsencode(text)
    if len(data) <= size:
        return text
    end = max(size, 0)
    while end and data[end] & 0xC0 == 0x80:  # a UTF-8 continuation byte: back off
        end -= 1
    return os.fsdecode(data[:end])


def _fits(names: list[str]) -> bool:
    return all(_size(n) <= NAME_MAX for n in names)


def _sidecars(name: str) -> list[str]:
    """The names of a failed workbook's reasons: ``x.errors.txt`` beside ``x.xlsx``."""
    return [f"{Path(name).stem}.{side}" for side in SIDECARS]


def _storable(name: str) -> str:
    """``name``, or a copy with ``_`` for each byte that is not UTF-8 (``caf_.xlsx``).

    A share may hand over a name in a legacy encoding; the journal (UTF-8) cannot
    hold it, so the claim renames the file rather than fail on every sweep.
    """
    try:
        name.encode()
    except UnicodeEncodeError:
        return os.fsencode(name).decode(errors="replace").replace("\ufffd", "_")
    return name


def _printable(text: str) -> str:
    """``text`` with control and other invisible characters escaped (``\\n``, ``\\x1b``).

    File names are chosen by whoever drops a file: shown as they are, a newline
    breaks ``docgen status``'s table and an escape sequence drives the terminal.
    """
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _make_private(path: Path) -> None:
    """Make a regular file owner-only (0600); a link or a missing file is left alone.

    A moved file keeps the mode its dropper's umask gave it (often 0644: anyone on
    the server could read a child's data in archive/), so each workbook filed is made
    private. One the service does not own cannot be: it is still filed, with a warning.
    """
    try:
        if stat.S_ISREG(os.lstat(path).st_mode):
            os.chmod(path, 0o600)
    except FileNotFoundError:
        return
    except OSError as exc:
        log.warning("cannot make %r owner-only: %s", path.name, exc.strerror)


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
    more = f"; and {total - 3} more" if total > 3 else ""
    noun = "error" if total == 1 else "errors"
    return f"{total} {noun} in the workbook: {shown}{more}"


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
    text = text.replace(name, _printable(name)).strip()
    line = text.splitlines()[0] if text else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _advice(exc: Exception, marked: str, folder: str, elsewhere: str | None) -> str:
    inbox = "inbox/" if folder == ANY else f"inbox/{folder}/"
    if elsewhere:
        return (
            f"if it is {a_or_an(elsewhere)} workbook, drop it into "
            f"inbox/{elsewhere}/: nothing in it needs correcting for that. If it really is "
            f"{a_or_an(folder)} workbook, it needs the sheets listed above."
        )
    if isinstance(exc, ValidationFailed):
        where = (
            f"open {marked}: each cell with a problem is red and has a comment saying what is "
            "wrong. Correct them there"
            if marked
            else "correct each cell listed above"
        )
        return f"{where}, save, and drop the workbook into {inbox} again."
    if isinstance(exc, WorkbookError):
        return f"save it from Excel as an Excel Workbook (.xlsx) and drop it into {inbox} again."
    if isinstance(exc, OutputError | TemplateError):
        return (
            "this is a problem on the server (its folders or its Word templates), not in "
            "your workbook: tell IT, quoting the docgen job number. Once it is put right, "
            f"drop the workbook into {inbox} again."
        )
    if isinstance(exc, UserError):
        return f"put right what is described above, then drop the workbook into {inbox} again."
    return (
        "this is a fault in docgen or the server, not in your workbook: tell IT, quoting "
        "the docgen job number. Other workbooks were not affected."
    )


def _remove(path: Path) -> None:
    """Remove a file, link or folder tree if it is there."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with suppress(FileNotFoundError, NotADirectoryError):
            path.unlink()


def recent_jobs(root: Path, limit: int = 20) -> tuple[list[Job], dict[str, int]]:
    """The last ``limit`` jobs of ROOT's journal, newest first, and the count in each state.

    For display (``docgen status``): names and errors come with control characters
    escaped, so that a name holding a newline or an escape sequence shows as typed
    and keeps to its row, and times in the reader's local time. The journal itself
    keeps them as they were written.
    """
    journal = Journal(Layout(Path(root)).journal, readonly=True)
    try:
        jobs, counts = journal.recent(limit), journal.counts()
    finally:
        journal.close()
    shown = [
        replace(
            job,
            name=_printable(job.name),
            error=job.error and _printable(job.error),
            claimed_at=_on_this_clock(job.claimed_at),
            started_at=job.started_at and _on_this_clock(job.started_at),
            finished_at=job.finished_at and _on_this_clock(job.finished_at),
        )
        for job in jobs
    ]
    return shown, counts


def _on_this_clock(stamp: str) -> str:
    """A journal time (written with the service's UTC offset) in this process's local time.

    The service may run in another zone than whoever reads ``docgen status`` (a server
    kept on UTC, an admin on British Summer Time), and a restart across a change of
    the clocks writes a new offset: shown as written, the times would disagree with
    the reader's clock and with each other.
    """
    return datetime.fromisoformat(stamp).astimezone().isoformat(timespec="seconds")


@contextmanager
def stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """Set ``stop`` on SIGTERM or SIGINT; a second signal stops at once.

    The event is set from a short-lived thread: calling ``Event.set`` inside a
    handler can deadlock when the signal lands while the main thread holds the
    event's own lock.
    """
    signals = (signal.SIGTERM, signal.SIGINT)
    previous = {sig: signal.getsignal(sig) for sig in signals}

    def handler(signum: int, _frame: FrameType | None) -> None:
        for sig, old in previous.items():
            signal.signal(sig, old)

        def set_stop() -> None:
            log.info("%s received: stopping after the job in hand", signal.Signals(signum).name)
            stop.set()

        threading.Thread(target=set_stop, name="docgen-stop", daemon=True).start()

    for sig in signals:
        signal.signal(sig, handler)
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


__all__ = [
    "KIND_FOLDERS",
    "Layout",
    "Outcome",
    "Service",
    "ServiceBusy",
    "annual_year",
    "ignored",
    "recent_jobs",
    "stop_on_signals",
    "whole_zip",
]
