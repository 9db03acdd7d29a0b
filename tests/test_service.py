"""The drop-folder service, driven in-process through ``Service.run_once()``.

Every test ends by checking the invariants a council relies on: each input is in
archive/ or failed/ exactly once, work/ is empty, no half-written document folder
is left, and the journal (queried with plain SQL) agrees with the folders.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import shutil
import sqlite3
import stat
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from docgen import pipeline
from docgen.cli import main
from docgen.errors import OutputError, Problem
from docgen.marked import ERROR_FILL, PROBLEMS_SHEET, write_marked_copy
from docgen.report import Report
from docgen.service import (
    MAX_ATTEMPTS,
    TEMP_PREFIX,
    Service,
    ServiceBusy,
    annual_year,
    ignored,
    whole_zip,
)
from docgen.service.jobs import Jobs
from docgen.service.layout import Layout
from docgen.settings import Settings
from tests.conftest import SAMPLES, edit_workbook

SETTLE = 0.05
REVIEW = SAMPLES / "review_meetings.xlsx"
REVIEW_DOCS = 5


def service(root: Path, **options: Any) -> Service:
    return Service(root, poll=0.05, settle=options.pop("settle", SETTLE), **options)


def drop(root: Path, source: Path, folder: str = "review", name: str | None = None) -> Path:
    """Copy ``source`` into the inbox (the sub-folder ``folder``; '' for inbox/ itself)."""
    target = root / "inbox" / folder / (name or source.name)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return target


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rows(root: Path) -> list[dict[str, Any]]:
    """The journal, read with plain SQL as an auditor would."""
    db = sqlite3.connect(root / "journal.sqlite")
    db.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in db.execute("SELECT * FROM jobs ORDER BY id")]
    finally:
        db.close()


def docx_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("*.docx"))


def assert_consistent(root: Path, *, left: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Folders and journal agree; every input ended exactly once in archive/ or failed/."""
    inbox = sorted(
        p.relative_to(root / "inbox").as_posix()
        for p in (root / "inbox").rglob("*")
        if not p.is_dir() or p.is_symlink()
    )
    assert inbox == sorted(left), f"left in the inbox: {inbox}"
    assert list((root / "work").iterdir()) == [], "work/ must be empty"
    assert not list((root / "outbox").glob(f"*/{TEMP_PREFIX}*")), "half-written folder left"
    jobs = rows(root)
    assert all(j["state"] in ("done", "failed", "duplicate") for j in jobs), jobs
    filed = sorted(
        p.relative_to(root).as_posix()
        for folder in ("archive", "failed")
        for p in (root / folder).iterdir()
        if folder == "archive"
        or not p.name.endswith((".errors.txt", ".errors.xlsx", ".errors.csv"))
    )
    assert filed == sorted(j["filed_as"] for j in jobs), "journal and folders disagree"
    for job in jobs:
        assert job["filed_as"].startswith("failed/" if job["state"] == "failed" else "archive/")
        if job["state"] == "failed":
            stem = Path(job["filed_as"]).stem
            assert (root / "failed" / f"{stem}.errors.txt").is_file()
        if job["state"] == "done":
            outputs = sorted(Path(p).name for p in __import__("json").loads(job["outputs"]))
            assert docx_in(root / job["outbox"]) == [o for o in outputs if o.endswith(".docx")]
        else:
            assert job["outputs"] == "[]" and job["outbox"] is None
    outbox_folders = sorted(p.relative_to(root).as_posix() for p in root.glob("outbox/*/*"))
    assert outbox_folders == sorted(j["outbox"] for j in jobs if j["state"] == "done")
    # A notice in outbox/ for each failure and duplicate, until it is corrected.
    notices = sorted(
        p.relative_to(root).as_posix()
        for p in (root / "outbox").iterdir()
        if p.is_file() and p.suffix == ".txt"
    )
    assert notices == sorted(j["notice"] for j in jobs if j["notice"] and not j["corrected_by"]), (
        "notices and journal disagree"
    )
    for job in jobs:
        if job["state"] in ("failed", "duplicate") and job["filed_as"]:
            assert job["notice"], job
    return jobs


# -- the happy path ------------------------------------------------------------------


def test_layout_is_created(tmp_path: Path) -> None:
    root = tmp_path / "root"
    assert service(root).run_once() == []
    for folder in ("inbox/review", "inbox/annual", "outbox/alert", "failed", "archive", "work"):
        assert (root / folder).is_dir(), folder
    assert (root / "journal.sqlite").is_file()


def test_every_kind_renders_and_is_archived(tmp_path: Path) -> None:
    root = tmp_path / "root"
    drop(root, REVIEW)
    drop(root, SAMPLES / "conferences.xlsx", "conference")
    drop(root, SAMPLES / "annual_2014.xlsx", "annual")
    drop(root, SAMPLES / "alerts.xlsx", "", "routed by its sheets.xlsx")
    outcomes = service(root).run_once()
    assert sorted((o.kind, o.state, len(o.outputs)) for o in outcomes) == [
        ("alert", "done", 4),
        ("annual", "done", 1),
        ("conference", "done", 3),
        ("review", "done", REVIEW_DOCS),
    ]
    assert docx_in(root / "outbox/annual/annual_2014") == ["annual_report_2014.docx"]
    assert len(docx_in(root / "outbox/alert/routed by its sheets")) == 4
    assert (root / "archive/review_meetings.xlsx").read_bytes() == REVIEW.read_bytes()
    jobs = assert_consistent(root)
    assert {j["kind"]: j["year"] for j in jobs}["annual"] == 2014
    assert all(j["sha256"] and j["finished_at"] and j["attempts"] == 1 for j in jobs)


# -- the read lock: only complete files are taken ------------------------------------


def test_a_file_still_being_written_is_not_taken_until_it_settles(tmp_path: Path) -> None:
    root = tmp_path / "root"
    data = REVIEW.read_bytes()
    target = root / "inbox/review/growing.xlsx"
    target.parent.mkdir(parents=True)
    chunks = [data[i : i + 1024] for i in range(0, len(data), 1024)]
    target.write_bytes(chunks[0])
    seen_missing: list[int] = []

    def writer() -> None:
        with target.open("ab") as fh:
            for n, chunk in enumerate(chunks[1:], 1):
                time.sleep(0.03)
                if not target.exists():
                    seen_missing.append(n)
                fh.write(chunk)
                fh.flush()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        outcomes = service(root, settle=0.1).run_once()
    finally:
        thread.join()
    assert seen_missing == [], "the file was taken while it was still being written"
    assert [(o.state, len(o.outputs)) for o in outcomes] == [("done", REVIEW_DOCS)]
    jobs = assert_consistent(root)
    assert jobs[0]["sha256"] == hashlib.sha256(data).hexdigest()


def test_a_zero_byte_file_fails_as_not_a_workbook(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "inbox/review").mkdir(parents=True)
    (root / "inbox/review/empty.xlsx").write_bytes(b"")
    [outcome] = service(root).run_once()
    assert outcome.state == "failed" and "empty (0 bytes)" in (outcome.error or "")
    assert "empty (0 bytes)" in (root / "failed/empty.errors.txt").read_text()
    assert not (root / "failed/empty.errors.xlsx").exists()
    assert_consistent(root)


def test_a_part_file_is_ignored_until_renamed(tmp_path: Path) -> None:
    root = tmp_path / "root"
    part = drop(root, REVIEW, name="download.xlsx.part")
    svc = service(root)
    assert svc.run_once() == []
    assert part.exists()
    part.rename(part.with_name("download.xlsx"))
    [outcome] = svc.run_once()
    assert (outcome.name, outcome.state) == ("download.xlsx", "done")
    assert_consistent(root)


def test_lock_hidden_and_temporary_files_are_left_in_place(tmp_path: Path) -> None:
    root = tmp_path / "root"
    names = ["~$reviews.xlsx", ".hidden.xlsx", "x.tmp", "y.crdownload", "Thumbs.db", "1A2B3C4D"]
    for name in names:
        drop(root, REVIEW, name=name)
    assert service(root).run_once() == []
    assert_consistent(root, left=tuple(f"review/{n}" for n in names))
    assert rows(root) == []


def test_ignored_names() -> None:
    assert ignored("~$Book1.xlsx") and ignored(".~lock.Book1.xlsx#") and ignored("a.PART")
    assert ignored("desktop.ini") and ignored("0F3A9B2C")
    assert not ignored("Book1.xlsx") and not ignored("notes.txt") and not ignored("0f3a9b2c.xlsx")


def test_whole_zip_needs_the_central_directory(tmp_path: Path) -> None:
    data = REVIEW.read_bytes()
    (tmp_path / "whole.xlsx").write_bytes(data)
    (tmp_path / "half.xlsx").write_bytes(data[: len(data) // 2])
    (tmp_path / "empty.xlsx").write_bytes(b"")
    assert whole_zip(tmp_path / "whole.xlsx")
    assert not whole_zip(tmp_path / "half.xlsx")
    assert not whole_zip(tmp_path / "empty.xlsx")
    assert not whole_zip(tmp_path / "missing.xlsx")


def test_a_symbolic_link_is_refused_and_never_followed(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "inbox/review").mkdir(parents=True)
    target = Path(shutil.copy(REVIEW, tmp_path / "elsewhere.xlsx"))
    before = target.read_bytes()
    (root / "inbox/review/link.xlsx").symlink_to(target)
    [outcome] = service(root).run_once()
    assert outcome.state == "failed"
    assert "links are not accepted" in (root / "failed/link.errors.txt").read_text()
    assert (root / "failed/link.xlsx").is_symlink()  # the link itself moved, not its target
    assert target.read_bytes() == before
    assert not list((root / "outbox").glob("*/*"))
    jobs = assert_consistent(root)
    assert jobs[0]["sha256"] is None and jobs[0]["kind"] == "review"


def test_a_corrupt_zip_fails(tmp_path: Path) -> None:
    root = tmp_path / "root"
    data = bytearray(REVIEW.read_bytes())
    data[200:4000] = b"\0" * 3800  # the central directory survives; the members do not
    (root / "inbox/review").mkdir(parents=True)
    (root / "inbox/review/corrupt.xlsx").write_bytes(bytes(data))
    truncated = REVIEW.read_bytes()[:5000]
    (root / "inbox/review/truncated.xlsx").write_bytes(truncated)
    outcomes = service(root).run_once()
    assert {o.name: o.state for o in outcomes} == {
        "corrupt.xlsx": "failed",
        "truncated.xlsx": "failed",
    }
    assert "incomplete copy" in (root / "failed/truncated.errors.txt").read_text()
    assert_consistent(root)


def test_a_text_file_fails_with_only_the_reasons(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "inbox").mkdir(parents=True)
    (root / "inbox/notes.txt").write_text("meeting notes")
    [outcome] = service(root).run_once()
    assert outcome.state == "failed"
    text = (root / "failed/notes.errors.txt").read_text()
    assert "docgen reads Excel workbooks saved as .xlsx" in text and "What to do" in text
    assert sorted(p.name for p in (root / "failed").iterdir()) == [
        "notes.errors.txt",
        "notes.txt",
    ]
    assert_consistent(root)


def test_an_unknown_workbook_in_the_inbox_says_where_to_put_it(tmp_path: Path) -> None:
    root = tmp_path / "root"

    def strip(wb: openpyxl.Workbook) -> None:
        for number, sheet in enumerate(wb.worksheets, start=1):
            sheet.title = f"Sheet{number}"

    edit_workbook(REVIEW, tmp_path / "mystery.xlsx", strip)
    drop(root, tmp_path / "mystery.xlsx", "")
    [outcome] = service(root).run_once()
    assert outcome.state == "failed"
    assert "inbox/review/, inbox/alert/" in (root / "failed/mystery.errors.txt").read_text()
    assert_consistent(root)


def test_a_workbook_with_most_of_its_sheets_is_known_and_told_what_is_missing(
    tmp_path: Path,
) -> None:
    root = tmp_path / "root"

    def misspell(wb: openpyxl.Workbook) -> None:
        wb["Review Meetings"].title = "Review Meeting"

    edit_workbook(REVIEW, tmp_path / "nearly.xlsx", misspell)
    drop(root, tmp_path / "nearly.xlsx", "")
    [outcome] = service(root).run_once()
    assert (outcome.state, outcome.kind) == ("failed", "review")
    errors = (root / "failed/nearly.errors.txt").read_text()
    assert "the workbook has no sheet named 'Review Meetings'" in errors
    assert_consistent(root)


def test_an_annual_workbook_needs_a_year_in_its_name(tmp_path: Path) -> None:
    root = tmp_path / "root"
    drop(root, SAMPLES / "annual_2014.xlsx", "annual", "annual.xlsx")
    [outcome] = service(root).run_once()
    assert outcome.state == "failed"
    assert "annual_<year>.xlsx" in (root / "failed/annual.errors.txt").read_text()
    assert annual_year("IRO annual_2014 final.xlsx") == 2014
    assert_consistent(root)


def test_an_annual_workbook_without_a_year_in_its_name_takes_it_from_its_report_sheet(
    tmp_path: Path,
) -> None:
    root = tmp_path / "root"
    rows_added = {
        "IRO annual report.xlsx": ("Year", 2014),  # typed as a number
        "annual figures.xlsx": ("Reporting Year", "2013-14"),
        "annual with a bad year.xlsx": ("Year", "this year"),
    }
    for name, row in rows_added.items():
        source = edit_workbook(
            SAMPLES / "annual_2014.xlsx", tmp_path / name, lambda wb, r=row: wb["Report"].append(r)
        )
        drop(root, source, "annual")
    outcomes = {o.name: o for o in service(root).run_once()}
    assert {name: o.state for name, o in outcomes.items()} == {
        "IRO annual report.xlsx": "done",
        "annual figures.xlsx": "done",
        "annual with a bad year.xlsx": "failed",
    }
    assert docx_in(root / "outbox/annual/annual figures") == ["annual_report_2014.docx"]
    assert "Report!B6: Year 'this year' is not a reporting year" in (
        outcomes["annual with a bad year.xlsx"].error or ""
    )
    jobs = assert_consistent(root)
    assert [j["year"] for j in jobs if j["state"] == "done"] == [2014, 2014]


# -- idempotence ---------------------------------------------------------------------


def test_the_same_content_twice_is_a_duplicate_unless_forced(tmp_path: Path) -> None:
    root = tmp_path / "root"
    drop(root, REVIEW)
    [first] = service(root).run_once()
    drop(root, REVIEW)
    drop(root, REVIEW, name="copy of reviews.xlsx")
    outcomes = service(root).run_once()
    assert [(o.state, o.duplicate_of) for o in outcomes] == [
        ("duplicate", first.job),
        ("duplicate", first.job),
    ]
    archived = sorted(p.name for p in (root / "archive").iterdir())
    assert archived == [
        "copy of reviews (duplicate of job 1).xlsx",
        "review_meetings (duplicate of job 1).xlsx",
        "review_meetings.xlsx",
    ]
    assert [p.name for p in (root / "outbox/review").iterdir()] == ["review_meetings"]

    drop(root, REVIEW)
    [forced] = service(root, force=True).run_once()
    assert (forced.state, len(forced.outputs)) == ("done", REVIEW_DOCS)
    assert forced.filed_as == root / "archive/review_meetings (2).xlsx"  # never overwritten
    assert docx_in(root / "outbox/review/review_meetings (2)") == docx_in(
        root / "outbox/review/review_meetings"
    )
    assert_consistent(root)


def test_a_changed_workbook_is_rendered_again(tmp_path: Path) -> None:
    root = tmp_path / "root"
    edit_workbook(REVIEW, tmp_path / "v2.xlsx", lambda wb: wb["Review Meetings"].cell(2, 9, "Hall"))
    svc = service(root)
    drop(root, REVIEW)
    assert [o.state for o in svc.run_once()] == ["done"]
    drop(root, tmp_path / "v2.xlsx", name="review_meetings.xlsx")  # same name, new content
    assert [o.state for o in svc.run_once()] == ["done"]
    drop(root, tmp_path / "v2.xlsx", name="review_meetings.xlsx")
    assert [o.state for o in svc.run_once()] == ["duplicate"]
    assert sorted(p.name for p in (root / "outbox/review").iterdir()) == [
        "review_meetings",
        "review_meetings (2)",
    ]
    assert sorted(p.name for p in (root / "archive").iterdir()) == [
        "review_meetings (2).xlsx",
        "review_meetings (duplicate of job 2).xlsx",
        "review_meetings.xlsx",
    ]
    assert_consistent(root)


# -- failures are filed, with reasons, and never stop the service ----------------------


def test_validation_errors_are_marked_on_a_copy(tmp_path: Path) -> None:
    root = tmp_path / "root"

    def spoil(wb: openpyxl.Workbook) -> None:
        wb["Children"]["B14"] = "not a date"
        wb["Children"]["B15"] = "31/02/2014"

    source = edit_workbook(SAMPLES / "annual_2014.xlsx", tmp_path / "annual_2014.xlsx", spoil)
    dropped = sha256(source)
    drop(root, source, "annual")
    [outcome] = service(root).run_once()
    assert outcome.state == "failed"
    assert outcome.error == (
        "2 errors in the workbook: Children!B14 invalid-date; Children!B15 invalid-date"
    )
    text = (root / "failed/annual_2014.errors.txt").read_text()
    assert "Children!B14: Date of Birth 'not a date' is not a date" in text
    assert "Children!B15" in text and "annual_2014.errors.xlsx" in text
    assert sha256(root / "failed/annual_2014.xlsx") == dropped  # the original is untouched

    wb = openpyxl.load_workbook(root / "failed/annual_2014.errors.xlsx")
    cell = wb["Children"]["B14"]
    assert cell.value == "not a date"
    assert (cell.fill.fill_type, cell.fill.fgColor.rgb) == ("solid", ERROR_FILL.fgColor.rgb)
    assert cell.comment.text.startswith("Date of Birth 'not a date' is not a date; expected")
    assert "not a real calendar date" in wb["Children"]["B15"].comment.text
    assert wb["Children"]["B13"].comment is None and wb["Children"]["B13"].fill.fill_type is None
    assert wb.active.title == "Children"
    assert [ws.sheet_view.tabSelected for ws in wb.worksheets].count(True) == 1
    assert PROBLEMS_SHEET not in wb.sheetnames
    assert_consistent(root)


def test_a_marked_cell_says_did_you_mean_then_what_is_expected_as_two_sentences(
    tmp_path: Path,
) -> None:
    """The comment on a mistyped code reads as the terminal does: no "?;"."""
    root = tmp_path / "root"

    def spoil(wb: openpyxl.Workbook) -> None:
        wb["Children"]["E9"] = "Care Ordr"

    drop(
        root,
        edit_workbook(SAMPLES / "annual_2014.xlsx", tmp_path / "annual_2014.xlsx", spoil),
        "annual",
    )
    [outcome] = service(root).run_once()
    assert outcome.state == "failed"
    comment = openpyxl.load_workbook(root / "failed/annual_2014.errors.xlsx")["Children"][
        "E9"
    ].comment
    assert comment.text.startswith(
        "Legal Status 'Care Ordr' is not a legal status; did you mean 'Care Order' (C2)? Expected a"
    )
    assert "?;" not in comment.text


def test_a_corrected_copy_dropped_again_is_rendered(tmp_path: Path) -> None:
    root = tmp_path / "root"
    bad = edit_workbook(
        REVIEW, tmp_path / "reviews.xlsx", lambda wb: wb["Review Meetings"].cell(3, 5, "soon")
    )
    drop(root, bad)
    svc = service(root)
    assert [o.state for o in svc.run_once()] == ["failed"]
    marked = root / "failed/reviews.errors.xlsx"
    wb = openpyxl.load_workbook(marked)
    assert wb["Review Meetings"]["E3"].comment is not None
    wb["Review Meetings"]["E3"] = openpyxl.load_workbook(REVIEW)["Review Meetings"]["E3"].value
    wb.save(root / "inbox/review/reviews.errors.xlsx")
    [outcome] = svc.run_once()
    assert (outcome.state, len(outcome.outputs)) == ("done", REVIEW_DOCS)
    assert (root / "outbox/review/reviews").is_dir()  # named after the workbook, not the copy
    assert_consistent(root)


def test_a_corrected_copy_that_fails_again_is_marked_only_where_it_is_still_wrong(
    tmp_path: Path,
) -> None:
    """The admin corrects some cells of the marked copy and drops it again: the new
    marked copy must not still show the old marks on the cells that were put right."""
    root = tmp_path / "root"

    def spoil(wb: openpyxl.Workbook) -> None:
        wb["Review Meetings"]["E3"] = "soon"  # Review Date
        wb["Review Meetings"]["D4"] = "31/02/2009"  # Date of Birth
        wb["Decisions"]["D2"] = "next month"  # Timescale
        wb["Review Meetings"]["J5"].comment = openpyxl.comments.Comment("ask Sam", "Ann")
        wb["Review Meetings"]["J5"] = None  # IRO

    drop(root, edit_workbook(REVIEW, tmp_path / "reviews.xlsx", spoil))
    svc = service(root)
    assert [o.state for o in svc.run_once()] == ["failed"]
    first = openpyxl.load_workbook(root / "failed/reviews.errors.xlsx")
    assert {"E3", "D4", "J5"} <= {
        c.coordinate for row in first["Review Meetings"].iter_rows() for c in row if c.comment
    }
    original = openpyxl.load_workbook(REVIEW)
    for where in ("E3", "J5"):  # put right; D4 and Decisions!D2 are not
        first["Review Meetings"][where] = original["Review Meetings"][where].value
    first["Decisions"]["D2"] = original["Decisions"]["D2"].value
    first.save(root / "inbox/review/reviews.errors.xlsx")
    [outcome] = svc.run_once()
    assert outcome.error == "1 error in the workbook: Review Meetings!D4 invalid-date"

    again = openpyxl.load_workbook(Path(str(outcome.filed_as)).with_suffix(".errors.xlsx"))
    meetings = again["Review Meetings"]
    marked = {
        (ws.title, c.coordinate)
        for ws in again.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.fill.fill_type is not None or (c.comment and c.comment.author == "docgen")
    }
    assert marked == {("Review Meetings", "D4")}
    assert "'31/02/2009' is not a real calendar date" in meetings["D4"].comment.text
    assert meetings["J5"].comment.text == "ask Sam"  # the admin's own note is theirs again
    assert again["Decisions"].sheet_properties.tabColor is None  # nothing wrong there now
    assert meetings.sheet_properties.tabColor.rgb == "FFC00000"
    assert_consistent(root)


def test_a_copy_marked_for_a_missing_sheet_is_not_marked_twice(tmp_path: Path) -> None:
    """The first sheet, Problems, of a marked copy dropped again lists only what is
    wrong now; it is replaced, not kept beside a second one."""
    root = tmp_path / "root"
    drop(root, SAMPLES / "alerts.xlsx", "review")
    svc = service(root)
    svc.run_once()
    wb = openpyxl.load_workbook(root / "failed/alerts.errors.xlsx")
    del wb["Alerts"]  # still not a review workbook, and now not an alert one either
    wb.save(root / "inbox/review/alerts.errors.xlsx")
    [outcome] = svc.run_once()
    again = openpyxl.load_workbook(Path(str(outcome.filed_as)).with_suffix(".errors.xlsx"))
    assert [n for n in again.sheetnames if n.startswith(PROBLEMS_SHEET)] == [PROBLEMS_SHEET]
    assert again.sheetnames[0] == PROBLEMS_SHEET
    listed = [row[2] for row in again[PROBLEMS_SHEET].iter_rows(min_row=2, values_only=True)]
    assert len(listed) == 3 and all("has no sheet named" in p for p in listed)
    assert_consistent(root)


def test_a_copy_corrected_in_two_rounds_gives_documents_named_after_the_workbook(
    tmp_path: Path,
) -> None:
    """The second marked copy is ``reviews.errors (2).errors.xlsx`` (the first marked
    copy holds ``reviews.errors.xlsx`` in failed/); its documents are still
    outbox/review/reviews/."""
    root = tmp_path / "root"

    def spoil(wb: openpyxl.Workbook) -> None:
        wb["Review Meetings"]["E3"] = "soon"
        wb["Review Meetings"]["D4"] = "31/02/2009"

    drop(root, edit_workbook(REVIEW, tmp_path / "reviews.xlsx", spoil))
    svc = service(root)
    svc.run_once()
    original = openpyxl.load_workbook(REVIEW)["Review Meetings"]
    wb = openpyxl.load_workbook(root / "failed/reviews.errors.xlsx")
    wb["Review Meetings"]["E3"] = original["E3"].value
    wb.save(root / "inbox/review/reviews.errors.xlsx")
    [second] = svc.run_once()
    marked = Path(str(second.filed_as)).with_suffix(".errors.xlsx")
    assert marked.name == "reviews.errors (2).errors.xlsx"
    wb = openpyxl.load_workbook(marked)
    wb["Review Meetings"]["D4"] = original["D4"].value
    wb.save(root / "inbox/review" / marked.name)
    [third] = svc.run_once()
    assert third.state == "done"
    assert {p.parent.name for p in third.outputs} == {"reviews"}
    assert_consistent(root)


def test_a_workbook_in_the_wrong_folder_lists_missing_sheets_first(tmp_path: Path) -> None:
    root = tmp_path / "root"
    drop(root, SAMPLES / "alerts.xlsx", "review")
    [outcome] = service(root).run_once()
    assert outcome.state == "failed" and "missing-sheet" in (outcome.error or "")
    wb = openpyxl.load_workbook(root / "failed/alerts.errors.xlsx")
    assert wb.sheetnames[0] == PROBLEMS_SHEET and wb.active.title == PROBLEMS_SHEET
    listed = [row[2] for row in wb[PROBLEMS_SHEET].iter_rows(min_row=2, values_only=True)]
    assert "the workbook has no sheet named 'Review Meetings'" in listed
    assert_consistent(root)


def test_a_workbook_in_the_wrong_folder_is_told_which_folder_it_belongs_in(
    tmp_path: Path,
) -> None:
    root = tmp_path / "root"
    drop(root, SAMPLES / "alerts.xlsx", "review")
    drop(root, REVIEW, "annual", "reviews.xlsx")  # no year: what any other kind lacks
    outcomes = {o.name: o for o in service(root).run_once()}
    alert_hint = "This looks like an alert workbook: move it to inbox/alert/."
    review_hint = "This looks like a review workbook: move it to inbox/review/."
    assert (outcomes["alerts.xlsx"].error or "").startswith(alert_hint)
    assert (outcomes["reviews.xlsx"].error or "").startswith(review_hint)
    alerts = (root / "failed/alerts.errors.txt").read_text()
    assert alerts.split("\n\n")[1] == alert_hint  # the first thing said after the heading
    assert "Correct them there" not in alerts
    assert "What to do: if it is an alert workbook, drop it into inbox/alert/" in alerts
    reviews = (root / "failed/reviews.errors.txt").read_text()
    assert reviews.split("\n\n")[1] == review_hint
    assert "What to do: if it is a review workbook, drop it into inbox/review/" in reviews
    assert_consistent(root)


def _make_outbox_unwritable(root: Path, how: str) -> None:
    folder = root / "outbox/review"
    if how == "file in the way":
        folder.rmdir()
        folder.write_text("not a folder")
    else:
        folder.chmod(0o500)
        probe = folder / "probe"
        try:
            probe.mkdir()
        except PermissionError:
            return
        probe.rmdir()
        folder.chmod(0o700)
        pytest.skip("this user (root) writes through chmod 0o500; 'file in the way' covers it")


@pytest.mark.parametrize("how", ["file in the way", "read-only folder"])
def test_an_unwritable_outbox_fails_the_job_cleanly(tmp_path: Path, how: str) -> None:
    root = tmp_path / "root"
    svc = service(root)
    svc.run_once()  # creates the layout
    _make_outbox_unwritable(root, how)
    drop(root, REVIEW)
    drop(root, SAMPLES / "alerts.xlsx", "alert")
    try:
        outcomes = svc.run_once()
    finally:
        if how != "file in the way":
            (root / "outbox/review").chmod(0o700)
    assert {o.name: o.state for o in outcomes} == {
        "review_meetings.xlsx": "failed",
        "alerts.xlsx": "done",  # the next job carried on
    }
    assert "outbox/review" in (root / "failed/review_meetings.errors.txt").read_text()
    if how == "file in the way":
        assert (root / "outbox/review").read_text() == "not a folder"
    else:
        assert list((root / "outbox/review").iterdir()) == []
    assert_consistent(root)


def test_a_full_disk_is_told_to_it_not_to_the_admin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The admin cannot free a disk: the reasons say it is the server's fault, tell IT,
    and name outbox/review, not the hidden folder the documents were being written into."""
    root = tmp_path / "root"
    real = pipeline.meeting_papers

    def disk_full(kind: str, source: Path, *, output: Path, **kwargs: Any) -> pipeline.Result:
        if kind != "review":
            return real(kind, source, output=output, **kwargs)
        try:  # as docgen.render.stage fails when a write is refused
            raise OSError(errno.ENOSPC, "No space left on device")
        except OSError as exc:
            raise OutputError(f"cannot write to {output}: {exc.strerror}.") from exc

    monkeypatch.setattr(pipeline, "meeting_papers", disk_full)
    drop(root, REVIEW)
    drop(root, SAMPLES / "alerts.xlsx", "alert")
    outcomes = {o.name: o for o in service(root).run_once()}
    assert outcomes["alerts.xlsx"].state == "done"
    failed = outcomes["review_meetings.xlsx"]
    assert failed.error == "cannot write to outbox/review: No space left on device."
    text = (root / "failed/review_meetings.errors.txt").read_text()
    assert "cannot write to outbox/review: No space left on device." in text
    assert TEMP_PREFIX not in text and str(root) not in text
    assert "not in your workbook: tell IT" in text
    assert "put right what is described above" not in text
    assert "drop the workbook into inbox/review/ again" in text
    assert_consistent(root)


def test_a_broken_council_template_is_told_to_it_not_to_the_admin(tmp_path: Path) -> None:
    root = tmp_path / "root"
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "review_record.docx").write_bytes(b"not a Word document")
    drop(root, REVIEW)
    [outcome] = service(root, settings=Settings(templates=templates)).run_once()
    assert outcome.state == "failed"
    text = (root / "failed/review_meetings.errors.txt").read_text()
    assert "template review_record.docx is not a Word document" in text
    assert "not in your workbook: tell IT" in text
    assert "put right what is described above" not in text
    assert_consistent(root)


def test_an_unexpected_error_is_recorded_and_the_service_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Its message may quote a cell, so only the .errors.txt holds it, not the log
    (short of DEBUG, which logs the traceback)."""
    caplog.set_level(logging.INFO, logger="docgen")
    root = tmp_path / "root"
    real = pipeline.meeting_papers

    def flaky(kind: str, *args: Any, **kwargs: Any) -> pipeline.Result:
        if kind == "review":
            raise RuntimeError("template engine fell over")
        return real(kind, *args, **kwargs)

    monkeypatch.setattr(pipeline, "meeting_papers", flaky)
    drop(root, REVIEW)
    drop(root, SAMPLES / "alerts.xlsx", "alert")
    outcomes = service(root).run_once()
    assert {o.name: (o.state, o.error) for o in outcomes} == {
        "review_meetings.xlsx": (
            "failed",
            "unexpected RuntimeError; its message is in the .errors.txt",
        ),
        "alerts.xlsx": ("done", None),
    }
    errors = (root / "failed/review_meetings.errors.txt").read_text()
    assert "unexpected RuntimeError: template engine fell over" in errors
    assert "tell IT" in errors
    assert "unexpected RuntimeError" in caplog.text
    assert "fell over" not in caplog.text
    assert_consistent(root)


# -- names, permissions and privacy ----------------------------------------------------


def test_long_names_are_cut_to_fit_and_every_workbook_is_filed(tmp_path: Path) -> None:
    root = tmp_path / "root"
    bad = edit_workbook(
        REVIEW, tmp_path / "bad.xlsx", lambda wb: wb["Review Meetings"].cell(3, 5, "soon")
    )
    svc = service(root)
    drop(root, REVIEW, name=f"{'d' * 235}.xlsx")
    [first] = svc.run_once()
    drop(root, REVIEW, name=f"{'d' * 235}.xlsx")  # + " (duplicate of job 1)": 261 bytes
    drop(root, REVIEW, name=f"{'é' * 117}.xlsx")  # 234 bytes of stem, 2 per character
    drop(root, bad, name=f"{'b' * 248}.xlsx")  # its .errors.xlsx would be 260 bytes
    outcomes = {o.name[0]: o.state for o in svc.run_once()}
    assert (first.state, outcomes) == ("done", {"d": "duplicate", "é": "duplicate", "b": "failed"})
    longest = "f" * 250
    taken = [root / f"archive/{longest}.xlsx", root / f"outbox/review/{longest}"]
    taken[0].write_bytes(b"")
    taken += [root / f"outbox/review/{longest} ({n})" for n in range(2, 100)]
    for folder in taken[1:]:
        folder.mkdir()
    drop(root, REVIEW, name=f"{longest}.xlsx")
    [forced] = service(root, force=True).run_once()
    assert forced.state == "done"

    made = [p.name for folder in ("archive", "failed") for p in (root / folder).iterdir()]
    made += [p.name for p in (root / "outbox/review").iterdir()]
    assert max(len(os.fsencode(name)) for name in made) == 255
    assert {
        f"{'d' * 229} (duplicate of job 1).xlsx",
        f"{'é' * 114} (duplicate of job 1).xlsx",  # 228 bytes: no character is split
        f"{'b' * 243}.xlsx",
        f"{'b' * 243}.errors.txt",
        f"{'b' * 243}.errors.xlsx",
        f"{'f' * 246} (2).xlsx",
        f"{'f' * 249} (100)",
    } <= set(made)
    assert forced.outputs[0].parent.name == f"{'f' * 249} (100)"
    taken[0].unlink()
    for folder in taken[1:]:
        folder.rmdir()
    assert_consistent(root)


def test_a_job_left_with_a_name_too_long_by_an_older_docgen_is_filed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "root"
    bad = edit_workbook(
        REVIEW, tmp_path / "bad.xlsx", lambda wb: wb["Review Meetings"].cell(3, 5, "soon")
    )

    def uncut(self: Layout, folder: Path, name: str, tag: str = "", **_: Any) -> str:
        path = Path(name)  # what docgen chose before names were cut
        return self.rel(folder / f"{path.stem}{tag}{path.suffix}")

    monkeypatch.setattr(Layout, "free", uncut)
    drop(root, REVIEW, name=f"{'d' * 235}.xlsx")
    assert [o.state for o in service(root).run_once()] == ["done"]
    drop(root, REVIEW, name=f"{'d' * 235}.xlsx")
    drop(root, bad, name=f"{'b' * 248}.xlsx")
    assert service(root).run_once() == []  # neither can be moved where the journal says
    assert [(j["state"], len(Path(j["filed_as"]).name)) for j in rows(root)] == [
        ("done", 240),
        ("duplicate", 261),
        ("failed", 253),  # short enough, but its .errors.txt is not
    ]
    monkeypatch.undo()
    outcomes = service(root).run_once()  # recovered in the order of their random tokens
    assert {o.job: o.filed_as for o in outcomes} == {
        2: root / f"archive/{'d' * 229} (duplicate of job 1).xlsx",
        3: root / f"failed/{'b' * 243}.xlsx",
    }
    assert_consistent(root)


def test_an_unwritable_archive_is_logged_once_and_retried_until_it_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """archive/ made read-only (chmod 555): the move into it fails on every sweep."""
    root = tmp_path / "root"
    real = os.rename
    fixed = threading.Event()

    def rename(src: Any, dst: Any) -> None:  # as chmod 555 would, even for root
        if not fixed.is_set() and Path(dst).parent == root / "archive":
            raise PermissionError(13, "Permission denied", str(dst))
        real(src, dst)

    monkeypatch.setattr(os, "rename", rename)
    caplog.set_level(logging.DEBUG, logger="docgen.service")
    drop(root, REVIEW)
    with service(root) as svc:
        for _ in range(5):
            assert svc.run_once() == []
        errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
        assert len(errors) == 1 and "PermissionError (Permission denied)" in errors[0]
        assert len(list((root / "work").iterdir())) == 1
        fixed.set()
        [outcome] = svc.run_once()
    assert outcome.filed_as == root / "archive/review_meetings.xlsx"
    assert "filed after 5 failed attempt(s)" in caplog.text
    assert [r.levelno for r in caplog.records].count(logging.ERROR) == 1
    assert_consistent(root)


def test_everything_the_service_makes_is_owner_only_whatever_the_umask(tmp_path: Path) -> None:
    root = tmp_path / "root"

    def mode(path: Path) -> int:
        return stat.S_IMODE(os.lstat(path).st_mode)

    previous = os.umask(0o022)
    try:
        drop(root, REVIEW)
        (root / "inbox/notes.txt").write_text("not a workbook")
        assert mode(root / "inbox/review/review_meetings.xlsx") == 0o644
        with service(root) as svc:
            svc.run_once()
            journal_files = list(root.glob("journal.sqlite*"))
            assert {p.name for p in journal_files} >= {"journal.sqlite", "journal.sqlite-wal"}
            assert {p.name: mode(p) for p in journal_files} == {
                p.name: 0o600 for p in journal_files
            }
        assert os.umask(0o022) == 0o022  # given back when the service stops
        (root / "journal.sqlite").chmod(0o644)  # as an older docgen left it
        service(root).run_once()
    finally:
        os.umask(previous)
    files = ["journal.sqlite", ".docgen.lock", "archive/review_meetings.xlsx"]
    files += ["failed/notes.txt", "failed/notes.errors.txt"]
    files += [
        f"outbox/review/review_meetings/{n}"
        for n in docx_in(root / "outbox/review/review_meetings")
    ]
    folders = [
        "archive",
        "failed",
        "work",
        "outbox",
        "outbox/review",
        "outbox/review/review_meetings",
    ]
    assert {f: oct(mode(root / f)) for f in files + folders} == {
        **{f: oct(0o600) for f in files},
        **{f: oct(0o700) for f in folders},
    }
    assert_consistent(root)


def test_sheet_names_stay_out_of_the_log_and_the_journal(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    root = tmp_path / "root"
    names = ["Kayla Brennan", "Tyler Morgan", "Ava Price", "Leo Marsh", "Ruby Shaw"]

    def one_sheet_per_child(wb: openpyxl.Workbook) -> None:
        for sheet, name in zip(wb.worksheets, names, strict=False):
            sheet.title = name

    edit_workbook(REVIEW, tmp_path / "mystery.xlsx", one_sheet_per_child)
    drop(root, tmp_path / "mystery.xlsx", "")
    caplog.set_level(logging.DEBUG, logger="docgen.service")
    [outcome] = service(root).run_once()
    assert outcome.state == "failed" and "inbox/review/" in (outcome.error or "")
    result = CliRunner().invoke(main, ["status", str(root)])
    for shown in (outcome.error or "", rows(root)[0]["error"], caplog.text, result.output):
        assert not any(name in shown for name in names), shown
    assert "Kayla Brennan" in (root / "failed/mystery.errors.txt").read_text()  # private
    assert_consistent(root)


@pytest.mark.parametrize("folder", ["review", ""])
def test_a_refused_workbook_keeps_its_sheet_names_out_of_the_log_and_the_journal(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, folder: str
) -> None:
    """A sheet of notes per child, one with a stray cell far from the data: the reader
    refuses the workbook naming that sheet, and the name must stay in failed/."""
    root = tmp_path / "root"

    def notes_per_child(wb: openpyxl.Workbook) -> None:
        wb.create_sheet("Kayla Brennan")["A1"] = "notes"
        wb["Kayla Brennan"]["XFD1048576"] = "x"
        wb.create_sheet("Tyler O'Neil")["A1"] = "notes"

    drop(root, edit_workbook(REVIEW, tmp_path / "notes.xlsx", notes_per_child), folder)
    caplog.set_level(logging.DEBUG, logger="docgen.service")
    [outcome] = service(root).run_once()
    assert outcome.state == "failed"
    assert outcome.error == (
        "notes.xlsx is refused: sheet '…' reaches cell XFD1048576 but holds only 2 cells; "
        "delete the stray cells far from the data (Ctrl+End in Excel shows where the sheet "
        "ends)."
    )
    result = CliRunner().invoke(main, ["status", str(root)])
    for shown in (rows(root)[0]["error"], caplog.text, result.output):
        assert "Kayla" not in shown, shown
    text = (root / "failed/notes.errors.txt").read_text()
    assert "sheet 'Kayla Brennan' reaches cell XFD1048576" in text  # private, beside it
    assert_consistent(root)


def test_status_shows_control_characters_in_names_escaped(tmp_path: Path) -> None:
    root = tmp_path / "root"
    name = "two\nlines \x1b[31mred.txt"
    (root / "inbox").mkdir(parents=True)
    (root / "inbox" / name).write_text("not a workbook")
    [outcome] = service(root).run_once()
    assert outcome.state == "failed" and rows(root)[0]["name"] == name  # kept as it was
    result = CliRunner().invoke(main, ["status", str(root)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 3 and "\x1b" not in result.output
    assert r"two\nlines \x1b[31mred.txt" in lines[2]
    assert r"two\nlines \x1b[31mred.txt is a .txt file" in lines[2]  # the error too
    assert_consistent(root)


def test_a_name_that_is_not_utf8_is_claimed_under_one_that_is(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "inbox/review").mkdir(parents=True)
    shutil.copyfile(REVIEW, root / "inbox/review" / os.fsdecode(b"caf\xe9 reviews.xlsx"))
    [outcome] = service(root).run_once()
    assert (outcome.name, outcome.state) == ("caf_ reviews.xlsx", "done")
    assert (root / "archive/caf_ reviews.xlsx").is_file()
    assert_consistent(root)


# -- crashes -------------------------------------------------------------------------


class Crash(BaseException):
    """Stands for the process dying: no ``except Exception`` catches it."""


def test_a_crash_mid_render_is_resumed_and_completes_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "root"
    real = pipeline.meeting_papers

    def dies(*args: Any, **kwargs: Any) -> pipeline.Result:
        real(*args, **kwargs)  # the documents are written into the hidden folder...
        raise Crash  # ...and the process dies before they are published

    monkeypatch.setattr(pipeline, "meeting_papers", dies)
    drop(root, REVIEW)
    with pytest.raises(Crash):
        service(root).run_once()
    [job] = rows(root)
    assert job["state"] == "rendering"
    assert [p.name for p in (root / "work").glob("*/*")] == ["review_meetings.xlsx"]
    assert not list((root / "outbox/review").iterdir())  # nothing was published

    monkeypatch.setattr(pipeline, "meeting_papers", real)
    [outcome] = service(root).run_once()
    assert (outcome.job, outcome.state, len(outcome.outputs)) == (job["id"], "done", REVIEW_DOCS)
    [job] = assert_consistent(root)
    assert job["attempts"] == 2
    assert len(docx_in(root / "outbox/review/review_meetings")) == REVIEW_DOCS


def test_a_crash_after_the_decision_finishes_the_filing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "root"
    real = Jobs._publish
    monkeypatch.setattr(Jobs, "_publish", lambda self, job: (_ for _ in ()).throw(Crash()))
    drop(root, REVIEW)
    with pytest.raises(Crash):
        service(root).run_once()
    [job] = rows(root)
    assert job["state"] == "done"
    assert len(list((root / "outbox/review").glob(f"{TEMP_PREFIX}*/*.docx"))) == REVIEW_DOCS

    monkeypatch.setattr(Jobs, "_publish", real)
    [outcome] = service(root).run_once()
    assert outcome.state == "done" and all(p.is_file() for p in outcome.outputs)
    [job] = assert_consistent(root)
    assert job["attempts"] == 1  # filed, not rendered again


def test_a_file_claimed_just_before_a_crash_is_adopted(tmp_path: Path) -> None:
    root = tmp_path / "root"
    service(root).run_once()
    orphan = root / "work/0123456789ab.review"
    orphan.mkdir()
    shutil.copy(REVIEW, orphan / "review_meetings.xlsx")
    (root / "outbox/review" / f"{TEMP_PREFIX}deadbeef0000").mkdir()  # a stray half-write
    [outcome] = service(root).run_once()
    assert (outcome.state, len(outcome.outputs)) == ("done", REVIEW_DOCS)
    assert_consistent(root)


def test_a_workbook_that_keeps_crashing_the_service_is_set_aside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "root"

    def always_dies(*args: Any, **kwargs: Any) -> pipeline.Result:
        raise Crash

    monkeypatch.setattr(pipeline, "meeting_papers", always_dies)
    drop(root, REVIEW)
    for _ in range(MAX_ATTEMPTS):
        with pytest.raises(Crash):
            service(root).run_once()
    [outcome] = service(root).run_once()
    assert outcome.state == "failed" and "set aside" in (outcome.error or "")
    [job] = assert_consistent(root)
    assert job["attempts"] == MAX_ATTEMPTS + 1


# -- one watcher per ROOT; the long-running loop ---------------------------------------


def test_a_second_watcher_on_the_same_root_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "root"
    with service(root), pytest.raises(ServiceBusy, match="already running"):
        service(root).run_once()
    assert service(root).run_once() == []  # free again once the first has stopped


def test_deleting_the_lock_file_does_not_let_a_second_watcher_in(tmp_path: Path) -> None:
    """Someone tidying ROOT deletes .docgen.lock: the running watcher still holds ROOT."""
    root = tmp_path / "root"
    with service(root):
        (root / ".docgen.lock").unlink()
        with pytest.raises(ServiceBusy, match="already running"):
            service(root).run_once()
    assert service(root).run_once() == []


def test_run_forever_takes_files_until_stopped(tmp_path: Path) -> None:
    root = tmp_path / "root"
    stop = threading.Event()
    svc = service(root)
    thread = threading.Thread(target=svc.run_forever, args=(stop,))
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not (root / "inbox/review").is_dir() and time.monotonic() < deadline:
            time.sleep(0.01)
        drop(root, REVIEW)
        while not (root / "archive/review_meetings.xlsx").exists():
            assert time.monotonic() < deadline, "not taken within 10 s"
            time.sleep(0.02)
    finally:
        stop.set()
        thread.join(5)
    assert not thread.is_alive()
    assert_consistent(root)


def test_a_failing_sweep_is_logged_once_then_when_it_mends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A share gone away fails every sweep: one ERROR, not one per poll, and a line when
    sweeps work again."""
    caplog.set_level(logging.INFO, logger="docgen")
    stop = threading.Event()
    svc = service(tmp_path / "root")
    sweeps: list[int] = []

    def sweep(_stop: threading.Event) -> tuple[list[Any], int]:
        sweeps.append(1)
        if len(sweeps) <= 4:
            raise OSError(errno.EHOSTDOWN, os.strerror(errno.EHOSTDOWN))
        if len(sweeps) == 6:
            stop.set()
        return [], 0

    monkeypatch.setattr(svc, "_sweep", sweep)
    svc.run_forever(stop)
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("sweep")]
    assert lines == [
        "sweep failed: OSError; retrying every 0.05s, logged again once it works",
        "sweeping again after 4 failed sweep(s)",
    ]


def test_fifty_workbooks_at_once(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "inbox/review").mkdir(parents=True)
    wb = openpyxl.load_workbook(REVIEW)
    for n in range(10):  # ten with a real change to a cell
        wb["Review Meetings"].cell(2, 9, f"Venue {n}")
        wb.save(root / f"inbox/review/edited {n:02}.xlsx")
    for n in range(40):  # forty differing only in the zip comment: other bytes, same data
        target = drop(root, REVIEW, name=f"copy {n:02}.xlsx")
        with zipfile.ZipFile(target, "a") as zf:
            zf.comment = f"copy {n}".encode()
    outcomes = service(root).run_once()  # how long it takes is the benchmark's, not a test's
    assert len(outcomes) == 50 and {o.state for o in outcomes} == {"done"}
    folders = list((root / "outbox/review").iterdir())
    assert len(folders) == 50
    assert all(len(docx_in(folder)) == REVIEW_DOCS for folder in folders)
    assert len(list((root / "archive").iterdir())) == 50
    assert_consistent(root)


# -- the marked copy on its own --------------------------------------------------------


def test_marked_copy_places_each_kind_of_problem(tmp_path: Path) -> None:
    source = Path(shutil.copy(REVIEW, tmp_path / "in.xlsx"))
    before = sha256(source)
    report = Report(file="in.xlsx")
    report.add(Problem("invalid-date", "Review Date 'x' is not a date", "Review Meetings", "E3"))
    report.add(Problem("blank-cell", "IRO is blank", "review meetings", "J3", expected="a name"))
    report.add(Problem("invalid-value", "row is wrong", "Attendees", row=4))
    report.add(
        Problem("unknown-column", "column 'Z' is ignored", "Decisions", "E1", severity="warning")
    )
    report.add(
        Problem("missing-sheet", "the workbook has no sheet named 'X'", expected="a sheet 'X'")
    )
    dest = tmp_path / "in.errors.xlsx"
    write_marked_copy(source, report, dest)
    assert sha256(source) == before
    wb = openpyxl.load_workbook(dest)
    meetings = wb["Review Meetings"]
    assert meetings["E3"].fill.fgColor.rgb == ERROR_FILL.fgColor.rgb
    assert meetings["J3"].comment.text == "IRO is blank; expected a name"
    assert wb["Attendees"]["A4"].comment.text == "Row is wrong"
    assert wb["Decisions"]["E1"].comment.text.startswith("Warning: ")
    assert wb["Decisions"]["E1"].fill.fgColor.rgb != ERROR_FILL.fgColor.rgb
    assert wb.sheetnames[0] == PROBLEMS_SHEET and wb.active.title == PROBLEMS_SHEET
    assert list(wb[PROBLEMS_SHEET].iter_rows(min_row=2, values_only=True)) == [
        ("the workbook", "error", "the workbook has no sheet named 'X'", "a sheet 'X'")
    ]
    assert [ws.sheet_view.tabSelected for ws in wb.worksheets].count(True) == 1
    assert not list(tmp_path.glob(".*.tmp"))
