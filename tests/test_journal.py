"""The SQLite journal: one transaction per state change, states that only move forward."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from docgen.errors import UserError
from docgen.journal import SCHEMA_VERSION, Journal, JournalError


@pytest.fixture
def journal(tmp_path: Path) -> Journal:
    j = Journal(tmp_path / "journal.sqlite")
    yield j
    j.close()


def test_wal_mode_and_schema_version(tmp_path: Path, journal: Journal) -> None:
    db = sqlite3.connect(tmp_path / "journal.sqlite")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_a_job_moves_claimed_rendering_done(tmp_path: Path, journal: Journal) -> None:
    job = journal.claim("abc", "reviews.xlsx", "review", "f" * 64)
    assert (job.state, job.attempts, job.kind) == ("claimed", 1, None)
    job = journal.rendering(job.id, "review", None)
    assert job.state == "rendering" and job.started_at
    job = journal.done(
        job.id,
        outbox="outbox/review/reviews",
        outputs=["outbox/review/reviews/a.docx"],
        warnings=0,
        filed_as="archive/reviews.xlsx",
        seconds=0.1,
    )
    assert job.finished and job.outputs == ["outbox/review/reviews/a.docx"]
    # Another connection (docgen status) sees the committed row at once.
    other = Journal(tmp_path / "journal.sqlite", readonly=True)
    assert [j.state for j in other.recent()] == ["done"]
    assert other.counts() == {"done": 1}
    other.close()


def test_impossible_changes_are_refused(journal: Journal) -> None:
    job = journal.claim("abc", "x.xlsx", "review", None)
    with pytest.raises(JournalError, match="cannot change to done from claimed"):
        journal.done(job.id, outbox="o", outputs=[], warnings=0, filed_as="a", seconds=0)
    journal.failed(job.id, error="no", filed_as="failed/x.xlsx")
    with pytest.raises(JournalError):
        journal.rendering(job.id, "review", None)
    with pytest.raises(JournalError):
        journal.resume(job.id)


def test_duplicates_match_content_kind_and_year(journal: Journal) -> None:
    first = journal.claim("t1", "annual_2014.xlsx", "annual", "a" * 64)
    journal.rendering(first.id, "annual", 2014)
    journal.done(first.id, outbox="o", outputs=[], warnings=0, filed_as="a", seconds=0)
    second = journal.claim("t2", "copy.xlsx", "annual", "a" * 64)
    assert journal.find_done("a" * 64, "annual", 2014, before=second.id).id == first.id
    assert journal.find_done("a" * 64, "annual", 2015, before=second.id) is None
    assert journal.find_done("b" * 64, "annual", 2014, before=second.id) is None
    dup = journal.duplicate(
        second.id, first, kind="annual", year=2014, filed_as="archive/x", seconds=0
    )
    assert (dup.state, dup.duplicate_of) == ("duplicate", first.id)
    assert "job 1" in (dup.error or "")


def test_resume_counts_attempts(journal: Journal) -> None:
    job = journal.claim("t", "x.xlsx", "review", None)
    journal.rendering(job.id, "review", None)
    job = journal.resume(job.id)
    assert (job.state, job.attempts) == ("claimed", 2)
    assert [j.id for j in journal.unfinished()] == [job.id]


def test_status_without_a_journal_says_so(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="has `docgen watch` run"):
        Journal(tmp_path / "missing.sqlite", readonly=True)


def test_a_journal_from_a_newer_docgen_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(JournalError, match="newer docgen"):
        Journal(path)


def test_a_file_that_is_not_a_database_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(JournalError, match="cannot open the journal"):
        Journal(path)


def test_a_journal_written_by_the_first_version_is_upgraded_in_place(tmp_path: Path) -> None:
    """A council's journal from before notices, corrections and retention keeps its rows."""
    path = tmp_path / "journal.sqlite"
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE jobs (id INTEGER PRIMARY KEY AUTOINCREMENT, token TEXT NOT NULL UNIQUE,"
        " name TEXT NOT NULL, folder TEXT NOT NULL, kind TEXT, year INTEGER, sha256 TEXT,"
        " state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 1, duplicate_of INTEGER,"
        " outbox TEXT, outputs TEXT NOT NULL DEFAULT '[]', warnings INTEGER NOT NULL DEFAULT 0,"
        " filed_as TEXT, error TEXT, claimed_at TEXT NOT NULL, started_at TEXT,"
        " finished_at TEXT, seconds REAL);"
        "INSERT INTO jobs (token, name, folder, state, error, filed_as, claimed_at, finished_at)"
        " VALUES ('t1', 'x.xlsx', 'review', 'failed', 'bad', 'failed/x.xlsx',"
        " '2026-01-05T10:00:00+00:00', '2026-01-05T10:00:01+00:00');"
        "PRAGMA user_version = 1;"
    )
    db.close()
    old = Journal(path, readonly=True)  # docgen status before the watcher restarts
    assert old.counts() == {"failed": 1}
    old.close()
    journal = Journal(path)
    [job] = journal.recent()
    assert (job.name, job.state, job.notice, job.corrected_by) == ("x.xlsx", "failed", None, None)
    journal.corrected(job.id, by=job.id)
    assert journal.counts() == {"corrected": 1}
    journal.close()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 2
