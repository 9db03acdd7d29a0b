"""Finishing what a crash, or a move the file system refused, left in work/."""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import partial
from pathlib import Path

from docgen.journal import Job
from docgen.service.intake import sha256_of
from docgen.service.jobs import Jobs, Outcome, outcome
from docgen.service.layout import (
    ANY,
    KIND_FOLDERS,
    REPORT_DIR,
    SPECIAL_FOLDERS,
    TEMP_PREFIX,
    OnceLog,
    log,
    remove,
    storable,
)

#: Runs a step the file system may refuse (see ``Service._attempt``): its result, or None.
Attempt = Callable[[str, str, Callable[[], Job | None]], Job | None]


class Recovery:
    """Finishes the jobs left in work/: by a crash, or by a move the file system refused
    (retried every sweep)."""

    def __init__(self, jobs: Jobs, attempt: Attempt, warnings: OnceLog) -> None:
        self.jobs = jobs
        self.layout = jobs.layout
        self.journal = jobs.journal
        self._attempt = attempt
        self._warnings = warnings

    def recover(self, *, at_start: bool) -> list[Outcome]:
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
            if not entry.is_dir(follow_symlinks=False) or folder not in (
                *KIND_FOLDERS,
                *SPECIAL_FOLDERS,
                ANY,
            ):
                self._warnings.warn(f"work/{entry.name} is not docgen's; it is left alone")
                continue
            job = self._attempt(
                f"work/{entry.name}",
                "filed",
                partial(self._recover_one, Path(entry.path), token, folder),
            )
            if job is not None:
                outcomes.append(outcome(self.layout, job))
        if at_start:
            for job in self.journal.unfinished():
                if not self.jobs.work_dir(job).exists():
                    log.warning("job=%d its file is no longer in work/; closed as failed", job.id)
                    self.journal.failed(
                        job.id, error="its file was no longer in work/ after a restart", filed_as=""
                    )
            for kind in KIND_FOLDERS:
                for tmp in (self.layout.outbox / kind).glob(f"{TEMP_PREFIX}*"):
                    log.warning("removing half-written %s", self.layout.rel(tmp))
                    remove(tmp)
        return outcomes

    def _recover_one(self, work_dir: Path, token: str, folder: str) -> Job | None:
        job = self.journal.by_token(token)
        if job is None:
            inputs = [p for p in work_dir.iterdir() if p.name != REPORT_DIR]
            if not inputs:
                remove(work_dir)
                return None
            source = inputs[0]
            if storable(source.name) != source.name:  # claimed by a docgen before this one
                source = source.rename(source.with_name(storable(source.name)))
            job = self.journal.claim(token, source.name, folder, sha256_of(source))
            log.warning("job=%d file=%r adopted from work/ after a crash", job.id, job.name)
            return self.jobs.process(job)
        if job.finished:
            return self.jobs.file(job)
        job = self.journal.resume(job.id)
        log.warning(
            "job=%d file=%r resumed after a crash (attempt %d)", job.id, job.name, job.attempts
        )
        return self.jobs.process(job)
