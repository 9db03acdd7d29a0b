"""What ``docgen status`` shows: the recent jobs, in the reader's time."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

from docgen.journal import Job, Journal
from docgen.service.layout import Layout, printable


def recent_jobs(root: Path, limit: int = 20) -> tuple[list[Job], dict[str, int]]:
    """The last ``limit`` jobs of ROOT's journal, newest first, and the count in each state.

    A failure whose corrected copy a later job made into documents is counted as
    ``corrected``, not ``failed``, and its error says which job corrected it: the
    ``failed`` count is what is still waiting for someone.

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
            name=printable(job.name),
            error=_error(job),
            claimed_at=_on_this_clock(job.claimed_at),
            started_at=job.started_at and _on_this_clock(job.started_at),
            finished_at=job.finished_at and _on_this_clock(job.finished_at),
        )
        for job in jobs
    ]
    return shown, counts


def _error(job: Job) -> str | None:
    error = job.error and printable(job.error)
    if job.corrected_by is not None:
        return f"corrected by job {job.corrected_by}; it failed with: {error}"
    return error


def _on_this_clock(stamp: str) -> str:
    """A journal time (written with the service's UTC offset) in this process's local time.

    The service may run in another zone than whoever reads ``docgen status`` (a server
    kept on UTC, an admin on British Summer Time), and a restart across a change of
    the clocks writes a new offset: shown as written, the times would disagree with
    the reader's clock and with each other.
    """
    return datetime.fromisoformat(stamp).astimezone().isoformat(timespec="seconds")
