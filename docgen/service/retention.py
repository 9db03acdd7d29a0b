"""How long the drop folder keeps children's data: DOCGEN_ARCHIVE_DAYS, DOCGEN_FAILED_DAYS and
DOCGEN_OUTBOX_DAYS, applied on every sweep.

Each is unset by default, and then nothing is removed: how long a council keeps its
records is its own retention schedule's decision, and a default that deleted would
lose documents a council had not decided to lose. Only what the journal says the
service filed is removed, counted from when its job finished; a file someone else
put into archive/ is left alone. The log says which job and folder, never a name.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

from docgen.journal import Job, Journal
from docgen.service.layout import Layout, log, remove, sidecars_of
from docgen.settings import Settings


def expire(
    layout: Layout, journal: Journal, settings: Settings, moment: datetime | None = None
) -> int:
    """Remove what is older than its folder's setting, as of ``moment`` (now); how many
    jobs lost a workbook or documents."""
    limits = [settings.archive_days, settings.failed_days, settings.outbox_days]
    if all(days is None for days in limits):
        return 0
    moment = moment or datetime.now(UTC)
    # Only jobs that finished before the nearest limit can be due (a day's margin for
    # the UTC offsets the journal's times are written with).
    nearest = min(days for days in limits if days is not None)
    before = (moment - timedelta(days=nearest - 1)).isoformat(timespec="seconds")
    removed = 0
    if settings.archive_days is not None or settings.failed_days is not None:
        for job in journal.unexpired("input", before=before):
            removed += _expire_input(layout, journal, settings, job, moment)
    if settings.outbox_days is not None:
        for job in journal.unexpired("outbox", before=before):
            removed += _expire_outbox(layout, journal, settings.outbox_days, job, moment)
    return removed


def _due(job: Job, days: int | None, moment: datetime) -> bool:
    if days is None or job.finished_at is None:
        return False
    return datetime.fromisoformat(job.finished_at) <= moment - timedelta(days=days)


def _expire_input(
    layout: Layout, journal: Journal, settings: Settings, job: Job, moment: datetime
) -> int:
    """The workbook a job filed in archive/ or failed/ (and a failure's reasons, and its
    notice in outbox/, which would otherwise send the admin to files no longer there)."""
    failed = job.state == "failed"
    days = settings.failed_days if failed else settings.archive_days
    if not _due(job, days, moment):
        return 0
    paths = []
    if job.filed_as:
        filed = layout.root / job.filed_as
        paths = (
            [filed, *(filed.with_name(n) for n in sidecars_of(filed.name))] if failed else [filed]
        )
    if failed and job.notice:
        paths.append(layout.root / job.notice)
    return _remove(journal, job, "input", paths, "failed" if failed else "archive", days)


def _expire_outbox(layout: Layout, journal: Journal, days: int, job: Job, moment: datetime) -> int:
    """A job's documents (its folder in outbox/) or its notice."""
    if not _due(job, days, moment):
        return 0
    places = [job.outbox] if job.state == "done" else [job.notice]
    paths = [layout.root / p for p in places if p]
    return _remove(journal, job, "outbox", paths, "outbox", days)


def _remove(
    journal: Journal,
    job: Job,
    what: Literal["input", "outbox"],
    paths: list[Path],
    folder: str,
    days: int | None,
) -> int:
    for path in paths:
        remove(path)
    journal.expired(job.id, what)
    log.info("job=%d retention removed its files from %s/ after %s day(s)", job.id, folder, days)
    return 1
