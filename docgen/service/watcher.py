"""The drop-folder loop: the service's lifetime, its sweeps, and its signals."""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from types import FrameType
from typing import TypeVar

from docgen.errors import UserError
from docgen.files import Access
from docgen.journal import Journal
from docgen.service.intake import Drop, Intake
from docgen.service.jobs import Jobs, Outcome, outcome
from docgen.service.layout import Layout, OnceLog, log, make_private
from docgen.service.lock import Lock
from docgen.service.recovery import Recovery
from docgen.service.retention import expire
from docgen.settings import Settings

#: ``run_once`` waits at most ``settle`` x this for files still being written.
ONCE_WAIT = 10
#: A settled ``.xlsx`` that still is not a whole zip is taken after ``settle`` x this,
#: so that a corrupt file fails (with a reason) instead of waiting for ever. The
#: service can afford to wait longer for a copy that stalled than ``run_once`` can.
INCOMPLETE_GRACE = 5
INCOMPLETE_GRACE_SERVING = 30

T = TypeVar("T")


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
        self.settings = settings or Settings()
        self.layout = Layout(Path(root).absolute(), Access(self.settings.group))
        self.poll = poll
        self.settle = settle
        self.force = force
        self.workers = workers
        self._lock = Lock(self.layout.lock)
        self._journal: Journal | None = None
        self._jobs: Jobs | None = None
        self._warnings = OnceLog()
        self._intake = Intake(self.layout, settle, self._warnings)
        self._recovered: list[Outcome] = []
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
        self._umask = os.umask(self.layout.access.umask)
        try:
            try:
                self.layout.access.gid  # noqa: B018  an unknown DOCGEN_GROUP stops the start
                self.layout.ensure()
                self.layout.share()
            except OSError as exc:
                raise UserError(
                    f"cannot create the drop folders under {self.layout.root}: {exc.strerror}."
                ) from exc
            self._lock.acquire()
            # Before opening: SQLite gives -wal and -shm the database's mode, umask or not,
            # and an older docgen left the database 0644. After: SQLite makes a new one 0644
            # less the umask, which is 0640 where a group shares it (it must write -shm).
            self._journal_access()
            self._journal = Journal(self.layout.journal)
            self._journal_access()
            self._jobs = Jobs(
                self.layout, self.settings, self._journal, force=self.force, workers=self.workers
            )
            log.info(
                "watching root=%s poll=%gs settle=%gs force=%s pid=%d settings=%s",
                self.layout.root,
                self.poll,
                self.settle,
                self.force,
                os.getpid(),
                self.settings.model_dump(mode="json"),
            )
            self._recovered = self._recovery.recover(at_start=True)
        except BaseException:
            self.close()
            raise

    def _journal_access(self) -> None:
        journal = self.layout.journal
        for suffix in ("", "-wal", "-shm"):
            make_private(journal.with_name(journal.name + suffix), self.layout.access)

    def close(self) -> None:
        self._jobs = None
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

    @property
    def jobs(self) -> Jobs:
        if self._jobs is None:
            raise RuntimeError("the service is not open")
        return self._jobs

    @property
    def _recovery(self) -> Recovery:
        return Recovery(self.jobs, self._attempt, self._warnings)

    # -- the loops ---------------------------------------------------------------------

    def run_once(self, stop: threading.Event | None = None) -> list[Outcome]:
        """Sweep the inbox and process every file that settles; return how each job ended.

        Files still being written are waited for, up to ``settle`` x 10, so that one call
        is useful in scripts and tests; those that never settle stay for the next run.
        """
        stop = stop or threading.Event()
        self._intake.grace = INCOMPLETE_GRACE
        with self._session() as outcomes:
            outcomes = list(outcomes)
            waited = 0.0  # time spent rendering does not count against the wait
            while True:
                done, pending = self._sweep(stop)
                outcomes += done
                # A file is taken on its second look at the earliest: look at least twice.
                if stop.is_set() or not pending or (waited and waited >= self.settle * ONCE_WAIT):
                    break
                stop.wait(self._step)
                waited += self._step
            if pending and not stop.is_set():
                log.info("left=%d not complete yet; left in the inbox for the next run", pending)
            return outcomes

    def run_forever(self, stop: threading.Event) -> None:
        """Sweep every ``poll`` seconds until ``stop`` is set; the job in hand is finished first."""
        self._intake.grace = INCOMPLETE_GRACE_SERVING
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
        outcomes = self._recovery.recover(at_start=False)
        self._attempt(
            "retention", "applied", partial(expire, self.layout, self.journal, self.settings)
        )
        ready, pending = self._intake.observe()
        for drop in ready:
            if stop.is_set():
                break
            # A claim the file system refuses leaves the file in the inbox for the next sweep.
            taken = self._attempt(f"file={drop.path.name!r}", "taken", partial(self._take, drop))
            if taken is not None:
                outcomes.append(taken)
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

    def _take(self, drop: Drop) -> Outcome | None:
        """Claim ``drop`` into work/, record the claim, and process it."""
        job = self._intake.claim(drop, self.journal)
        if job is None:
            return None
        # Once claimed, a step that fails is finished by the recovery on a later sweep.
        finished = self._attempt(
            f"work/{job.token}.{job.folder}", "filed", partial(self.jobs.process, job)
        )
        return None if finished is None else outcome(self.layout, finished)


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
