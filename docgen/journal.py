"""The drop-folder service's journal: one SQLite row per workbook taken from the inbox.

The journal is what lets the service restart without losing or repeating work. A
job's row is written *before* the files it describes are moved (the intent is
logged, then the action is done, and doing it again is harmless), so after a crash
the rows and the folder ``work/`` together say exactly what is left to do.

Every state change is one transaction; the database runs in WAL mode so that
``docgen status`` can read while the service writes, and with ``synchronous=FULL``
so that a committed state survives a power cut. States move one way only::

    claimed -> rendering -> done | failed
    claimed -> duplicate | failed

(``done`` may still become ``failed`` if its documents cannot be moved into place.)
Rows hold file names and IDs, never the contents of a workbook.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from docgen.errors import UserError

State = Literal["claimed", "rendering", "done", "failed", "duplicate"]
STATES: tuple[State, ...] = ("claimed", "rendering", "done", "failed", "duplicate")
UNFINISHED: tuple[State, ...] = ("claimed", "rendering")
SCHEMA_VERSION = 2
#: The columns version 2 added, for a journal written by version 1.
_ADDED_IN_2 = {
    "notice": "TEXT",
    "corrected_by": "INTEGER REFERENCES jobs (id)",
    "input_expired_at": "TEXT",
    "outbox_expired_at": "TEXT",
}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    token        TEXT NOT NULL UNIQUE,     -- names the job's folder in work/
    name         TEXT NOT NULL,            -- the file name the admin gave
    folder       TEXT NOT NULL,            -- inbox sub-folder it came from ('any' = inbox/)
    kind         TEXT,                     -- review, alert, conference or annual, once known
    year         INTEGER,                  -- the reporting year of an annual workbook
    sha256       TEXT,                     -- content hash (NULL for links and special files)
    state        TEXT NOT NULL CHECK (state IN
                     ('claimed', 'rendering', 'done', 'failed', 'duplicate')),
    attempts     INTEGER NOT NULL DEFAULT 1,
    duplicate_of INTEGER REFERENCES jobs (id),
    outbox       TEXT,                     -- folder of the documents, relative to ROOT
    outputs      TEXT NOT NULL DEFAULT '[]',  -- JSON list of paths relative to ROOT
    warnings     INTEGER NOT NULL DEFAULT 0,
    filed_as     TEXT,                     -- where the input went (archive/ or failed/)
    error        TEXT,                     -- one-line summary of why it failed
    claimed_at   TEXT NOT NULL,
    started_at   TEXT,
    finished_at  TEXT,
    seconds      REAL,                     -- processing time of the last attempt
    notice       TEXT,                     -- the admin's notice in outbox/ (failed, duplicate)
    corrected_by INTEGER REFERENCES jobs (id),  -- a later job that rendered this failure's fix
    input_expired_at  TEXT,                -- when retention removed the workbook it filed
    outbox_expired_at TEXT                 -- when retention removed its documents or notice
);
CREATE INDEX IF NOT EXISTS jobs_by_content ON jobs (sha256, kind, year, state);
CREATE INDEX IF NOT EXISTS jobs_by_state ON jobs (state);
"""


class JournalError(UserError):
    """The journal is unreadable, from a newer docgen, or asked for an impossible change."""


@dataclass(frozen=True)
class Job:
    """One row of the journal, as the service and ``docgen status`` see it."""

    id: int
    token: str
    name: str
    folder: str
    state: State
    attempts: int
    claimed_at: str
    kind: str | None = None
    year: int | None = None
    sha256: str | None = None
    duplicate_of: int | None = None
    outbox: str | None = None
    outputs: list[str] = field(default_factory=list)
    warnings: int = 0
    filed_as: str | None = None
    error: str | None = None
    started_at: str | None = None
    finished_at: str | None = None
    seconds: float | None = None
    notice: str | None = None
    corrected_by: int | None = None
    input_expired_at: str | None = None
    outbox_expired_at: str | None = None

    @property
    def finished(self) -> bool:
        return self.state not in UNFINISHED


def now() -> str:
    """Local time with its UTC offset, to the second: what an admin compares with a clock."""
    return datetime.now().astimezone().isoformat(timespec="seconds")


class Journal:
    """The jobs table of ``journal.sqlite``; used by one thread at a time."""

    def __init__(self, path: Path, *, readonly: bool = False) -> None:
        self.path = path
        try:
            if readonly:
                if not path.is_file():
                    raise UserError(
                        f"no journal at {path}: has `docgen watch` run on this folder yet?"
                    )
                self._db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
            else:
                self._db = sqlite3.connect(path, isolation_level=None)
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute("PRAGMA busy_timeout=5000")
            self._db.row_factory = sqlite3.Row
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise JournalError(
                    f"{path} was written by a newer docgen (schema {version}); upgrade docgen."
                )
            if not readonly and version < SCHEMA_VERSION:
                self._upgrade(version)
        except sqlite3.DatabaseError as exc:
            raise JournalError(f"cannot open the journal {path}: {exc}.") from exc

    def close(self) -> None:
        self._db.close()

    def _upgrade(self, version: int) -> None:
        """Create the table, or add the columns a journal of ``version`` lacks."""
        if version == 0:
            script = _SCHEMA
        else:
            script = "".join(
                f"ALTER TABLE jobs ADD COLUMN {n} {t};" for n, t in _ADDED_IN_2.items()
            )
        self._db.executescript(
            f"BEGIN IMMEDIATE; {script} PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;"
        )

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One state change: all of it is committed, or none of it."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _update(self, job_id: int, allowed: tuple[State, ...], **values: Any) -> Job:
        columns = ", ".join(f"{k} = ?" for k in values)
        marks = ", ".join("?" for _ in allowed)
        with self._tx() as db:
            cursor = db.execute(
                f"UPDATE jobs SET {columns} WHERE id = ? AND state IN ({marks})",
                [*values.values(), job_id, *allowed],
            )
            if cursor.rowcount != 1:
                current = self.get(job_id)
                raise JournalError(
                    f"job {job_id} cannot change to {values.get('state', 'updated')} from "
                    f"{current.state if current else 'nothing'}"
                )
        job = self.get(job_id)
        assert job is not None
        return job

    # -- state changes, one transaction each -------------------------------------------

    def claim(self, token: str, name: str, folder: str, sha256: str | None) -> Job:
        """Record a file just renamed into ``work/<token>.<folder>/``."""
        with self._tx() as db:
            cursor = db.execute(
                "INSERT INTO jobs (token, name, folder, sha256, state, claimed_at) "
                "VALUES (?, ?, ?, ?, 'claimed', ?)",
                (token, name, folder, sha256, now()),
            )
        job = self.get(int(cursor.lastrowid or 0))
        assert job is not None
        return job

    def resume(self, job_id: int) -> Job:
        """Count one more attempt at a job a crash interrupted."""
        job = self.get(job_id)
        assert job is not None
        return self._update(job_id, UNFINISHED, attempts=job.attempts + 1, state="claimed")

    def rendering(self, job_id: int, kind: str, year: int | None) -> Job:
        return self._update(
            job_id, UNFINISHED, state="rendering", kind=kind, year=year, started_at=now()
        )

    def duplicate(
        self,
        job_id: int,
        of: Job,
        *,
        kind: str,
        year: int | None,
        filed_as: str,
        seconds: float,
        notice: str | None = None,
    ) -> Job:
        return self._update(
            job_id,
            UNFINISHED,
            state="duplicate",
            kind=kind,
            year=year,
            duplicate_of=of.id,
            filed_as=filed_as,
            notice=notice,
            error=f"same content as job {of.id} ({of.name}); not rendered again",
            finished_at=now(),
            seconds=seconds,
        )

    def done(
        self,
        job_id: int,
        *,
        outbox: str,
        outputs: list[str],
        warnings: int,
        filed_as: str,
        seconds: float,
    ) -> Job:
        return self._update(
            job_id,
            ("rendering",),
            state="done",
            outbox=outbox,
            outputs=json.dumps(outputs),
            warnings=warnings,
            filed_as=filed_as,
            error=None,
            finished_at=now(),
            seconds=seconds,
        )

    def failed(
        self,
        job_id: int,
        *,
        error: str,
        filed_as: str,
        seconds: float | None = None,
        kind: str | None = None,
        notice: str | None = None,
    ) -> Job:
        values: dict[str, Any] = {"kind": kind} if kind else {}
        return self._update(
            job_id,
            (*UNFINISHED, "done"),
            state="failed",
            error=error,
            filed_as=filed_as,
            notice=notice,
            outbox=None,
            outputs="[]",
            finished_at=now(),
            seconds=seconds,
            **values,
        )

    def refile(self, job_id: int, filed_as: str) -> Job:
        """Record a new destination when the one chosen was taken in the meantime."""
        return self._update(job_id, STATES, filed_as=filed_as)

    def renotice(self, job_id: int, notice: str) -> Job:
        """Record a new name for a notice when the one chosen was taken in the meantime."""
        return self._update(job_id, ("failed", "duplicate"), notice=notice)

    def corrected(self, failed_id: int, by: int) -> Job:
        """Record that job ``by`` rendered the corrected copy of failed job ``failed_id``."""
        return self._update(failed_id, ("failed",), corrected_by=by)

    def expired(self, job_id: int, what: Literal["input", "outbox"]) -> Job:
        """Record that retention removed the job's workbook (``input``) or its documents
        or notice (``outbox``)."""
        return self._update(job_id, STATES, **{f"{what}_expired_at": now()})

    # -- queries -----------------------------------------------------------------------

    def get(self, job_id: int) -> Job | None:
        row = self._db.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return _job(row) if row else None

    def by_token(self, token: str) -> Job | None:
        row = self._db.execute("SELECT * FROM jobs WHERE token = ?", (token,)).fetchone()
        return _job(row) if row else None

    def unfinished(self) -> list[Job]:
        rows = self._db.execute(
            "SELECT * FROM jobs WHERE state IN ('claimed', 'rendering') ORDER BY id"
        )
        return [_job(r) for r in rows]

    def find_done(self, sha256: str, kind: str, year: int | None, *, before: int) -> Job | None:
        """The first job that already made documents from these very bytes, and whose
        documents retention has not removed since."""
        row = self._db.execute(
            "SELECT * FROM jobs WHERE sha256 = ? AND kind = ? AND year IS ? AND state = 'done' "
            "AND outbox_expired_at IS NULL AND id < ? ORDER BY id LIMIT 1",
            (sha256, kind, year, before),
        ).fetchone()
        return _job(row) if row else None

    def open_failures(self, before: int) -> list[Job]:
        """The failed jobs before ``before`` that no later job has corrected, newest first."""
        rows = self._db.execute(
            "SELECT * FROM jobs WHERE state = 'failed' AND corrected_by IS NULL AND id < ? "
            "ORDER BY id DESC",
            (before,),
        )
        return [_job(r) for r in rows]

    def unexpired(self, what: Literal["input", "outbox"], *, before: str) -> list[Job]:
        """Jobs finished before ``before`` (an ISO time) whose workbook (``input``) or
        outbox files retention has not removed."""
        column = {"input": "input_expired_at", "outbox": "outbox_expired_at"}[what]
        rows = self._db.execute(
            f"SELECT * FROM jobs WHERE state IN ('done', 'failed', 'duplicate') "
            f"AND finished_at < ? AND {column} IS NULL ORDER BY id",
            (before,),
        )
        return [_job(r) for r in rows]

    def recent(self, limit: int = 20) -> list[Job]:
        rows = self._db.execute("SELECT * FROM jobs ORDER BY id DESC LIMIT ?", (limit,))
        return [_job(r) for r in rows]

    def counts(self) -> dict[str, int]:
        """Jobs in each state; a failure a later job corrected counts as ``corrected``,
        not ``failed``: only the failures still open are."""
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(jobs)")}
        state = (
            "CASE WHEN state = 'failed' AND corrected_by IS NOT NULL THEN 'corrected' "
            "ELSE state END"
            if "corrected_by" in columns  # a version 1 journal, read before any upgrade
            else "state"
        )
        rows = self._db.execute(f"SELECT {state}, count(*) FROM jobs GROUP BY 1")
        return {state: n for state, n in rows}


def _job(row: sqlite3.Row) -> Job:
    data = dict(row)
    data["outputs"] = json.loads(data["outputs"] or "[]")
    return Job(**data)


__all__ = ["STATES", "Job", "Journal", "JournalError", "State"]
