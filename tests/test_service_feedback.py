"""What the drop folder tells the admins who share inbox/ and outbox/, and how long it keeps
children's data: notices, re-rendering on request, corrections linked to their failures,
retention, and who may open what it writes."""

from __future__ import annotations

import csv
import grp
import logging
import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest

from docgen.journal import Journal
from docgen.service import Service, recent_jobs
from docgen.service.layout import Layout
from docgen.service.retention import expire
from docgen.settings import Settings
from tests.conftest import SAMPLES, edit_workbook, run_cli
from tests.test_pdf import fake_soffice  # noqa: F401  a fixture: a stand-in LibreOffice
from tests.test_service import REVIEW, REVIEW_DOCS, assert_consistent, docx_in, drop, rows, service

CHILD_NAMES = [
    row[2]
    for row in openpyxl.load_workbook(REVIEW)["Review Meetings"].iter_rows(
        min_row=2, values_only=True
    )
    if row[2]
]


def _bad_review(tmp_path: Path) -> Path:
    """The sample with one review date typed as a word: one cell to correct."""
    return edit_workbook(
        REVIEW, tmp_path / "reviews.xlsx", lambda wb: wb["Review Meetings"].cell(3, 5, "soon")
    )


def _notices(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "outbox").iterdir() if p.is_file())


# -- notices in the outbox ----------------------------------------------------------


def test_a_failed_workbook_leaves_a_notice_saying_what_to_do_and_where_it_went(
    tmp_path: Path,
) -> None:
    root = tmp_path / "root"
    drop(root, _bad_review(tmp_path))
    [outcome] = service(root).run_once()
    assert outcome.state == "failed"
    assert _notices(root) == ["reviews - NOT DONE.txt"]
    text = (root / "outbox/reviews - NOT DONE.txt").read_text()
    assert text.startswith("reviews.xlsx was NOT turned into documents.")
    assert "What happened: 1 error in the workbook: Review Meetings!E3 invalid-date" in text
    assert "open failed/reviews.errors.xlsx: each cell with a problem is red" in text
    assert "drop the workbook into inbox/review/ again" in text
    assert "Every problem is also in failed/reviews.errors.csv, one a row" in text
    with (root / "failed/reviews.errors.csv").open(encoding="utf-8-sig") as fh:
        assert [row[3] for row in csv.reader(fh)] == ["cell", "E3"]
    assert "every reason is listed in failed/reviews.errors.txt" in text
    assert (root / "failed/reviews.errors.xlsx").is_file()
    # The reasons beside the workbook quote the cell; the shared notice does not.
    assert "'soon'" in (root / "failed/reviews.errors.txt").read_text()
    assert "soon" not in text
    assert not [name for name in CHILD_NAMES if name in text]
    assert_consistent(root)


def test_a_notice_sends_the_admin_to_the_likely_cause_before_the_red_cells(
    tmp_path: Path,
) -> None:
    """Episodes pasted into Children give a problem per row: the notice says the cause is
    named (one row per episode) before sending the admin to correct red cells one by one."""

    def paste_episodes(wb: openpyxl.Workbook) -> None:
        ws = wb["Children"]
        for row in list(ws.iter_rows(min_row=2, max_row=11, values_only=True)):
            ws.append(row)

    source = edit_workbook(
        SAMPLES / "annual_2014.xlsx", tmp_path / "annual_2014.xlsx", paste_episodes
    )
    root = tmp_path / "root"
    drop(root, source, "annual")
    [outcome] = service(root).run_once()
    assert outcome.state == "failed"
    text = (root / "outbox/annual_2014 - NOT DONE.txt").read_text()
    assert (
        "What to do: first read the top of failed/annual_2014.errors.txt: it names a likely "
        "cause of these problems and what to do"
    ) in text
    assert "Then open failed/annual_2014.errors.xlsx" in text
    reasons = (root / "failed/annual_2014.errors.txt").read_text()
    assert "one row per episode or placement" in reasons
    ids = [r[0] for r in openpyxl.load_workbook(source)["Children"].iter_rows(values_only=True)]
    assert not any(child_id in text for child_id in ids[1:])  # no values in the notice


def test_a_workbook_that_is_not_one_leaves_a_notice_naming_where_it_is(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "inbox").mkdir(parents=True)
    (root / "inbox/minutes.xlsx").write_text("not a workbook")
    [outcome] = service(root).run_once()
    assert outcome.state == "failed"
    text = (root / "outbox/minutes - NOT DONE.txt").read_text()
    assert "The workbook, as dropped, is failed/minutes.xlsx" in text
    assert "is a text file (CSV or tab-separated text?) renamed to .xlsx" in text
    assert "What to do: do what the reason above says, then drop the file into inbox/ again" in text
    assert_consistent(root)


def test_a_workbook_in_a_folder_docgen_does_not_read_is_not_left_unseen(tmp_path: Path) -> None:
    """A workbook saved into inbox/reviews/ (a folder an admin made) waited there for
    ever, with only a line in the service's log; a notice in the outbox now says where
    to move it, and goes once the folder is gone."""
    root = tmp_path / "root"
    drop(root, REVIEW, "reviews")
    svc = service(root)
    assert svc.run_once() == []
    assert _notices(root) == ["inbox reviews - NOT READ.txt"]
    text = (root / "outbox/inbox reviews - NOT READ.txt").read_text()
    assert text.startswith(
        "inbox/reviews/ is not a folder docgen reads, so nothing saved in it is turned into "
        "documents."
    )
    assert "move the workbooks in it into inbox/review/ (the folder you meant?)" in text
    assert (root / "inbox/reviews/review_meetings.xlsx").is_file()  # never taken or moved
    svc.run_once()
    assert _notices(root) == ["inbox reviews - NOT READ.txt"]  # one notice, not one a sweep
    (root / "inbox/reviews/review_meetings.xlsx").rename(root / "inbox/review/reviews.xlsx")
    (root / "inbox/reviews").rmdir()
    [outcome] = svc.run_once()
    assert outcome.state == "done" and _notices(root) == []


def test_a_long_reason_is_told_whole_in_the_notice(tmp_path: Path) -> None:
    """The journal keeps a line of 300 characters; the notice cut the advice on the year
    mid-sentence ("... and drop it into inbox…")."""
    root = tmp_path / "root"
    drop(root, SAMPLES / "annual_2014.xlsx", "annual", "IRO report.xlsx")
    [outcome] = service(root).run_once()
    assert outcome.state == "failed" and (outcome.error or "").endswith("…")
    text = (root / "outbox/IRO report - NOT DONE.txt").read_text()
    assert "…" not in text
    assert "add a row with Setting 'Year' and Value 2014 to its Report sheet" in text


def test_a_half_copied_workbook_is_told_to_be_copied_again_not_resaved(tmp_path: Path) -> None:
    root = tmp_path / "root"
    data = REVIEW.read_bytes()
    (root / "inbox/review").mkdir(parents=True)
    (root / "inbox/review/reviews.xlsx").write_bytes(data[: len(data) // 2])
    [outcome] = service(root, settle=0).run_once()
    assert outcome.state == "failed"
    text = (root / "outbox/reviews - NOT DONE.txt").read_text()
    assert "is an incomplete copy" in text and "copy or save it again" in text
    assert "save it from Excel" not in text  # it never came from Excel: it was cut short
    assert "drop the file into inbox/review/ again" in text


def test_a_workbook_in_the_wrong_folder_is_told_where_its_missing_sheets_are_listed(
    tmp_path: Path,
) -> None:
    root = tmp_path / "root"
    drop(root, SAMPLES / "alerts.xlsx", "review")
    service(root).run_once()
    text = (root / "outbox/alerts - NOT DONE.txt").read_text()
    assert "move it to inbox/alert/" in text
    assert "it needs the sheets listed in failed/alerts.errors.txt." in text
    assert "listed above" not in text  # the notice lists no sheets


def test_a_duplicate_notice_says_when_and_where_in_plain_words(tmp_path: Path) -> None:
    root = tmp_path / "root"
    drop(root, REVIEW)
    svc = service(root)
    [first] = svc.run_once()
    drop(root, REVIEW, name="reviews for March.xlsx")
    [again] = svc.run_once()
    assert again.state == "duplicate"
    text = (root / "outbox/reviews for March - ALREADY DONE.txt").read_text()
    claimed = datetime.fromisoformat(rows(root)[0]["claimed_at"]).astimezone()
    assert text.startswith(
        "reviews for March.xlsx was not turned into documents again: this workbook is the "
        f"same as the one you dropped on {claimed.day} {claimed:%B %Y at %H:%M} "
        "(review_meetings.xlsx); its documents are in outbox/review/review_meetings/."
    )
    assert "drop it into inbox/rerender/" in text
    assert "duplicate of job" not in text
    assert first.outputs[0].parent == root / "outbox/review/review_meetings"
    assert_consistent(root)


def test_notices_read_well_in_notepad(tmp_path: Path) -> None:
    root = tmp_path / "root"
    drop(root, _bad_review(tmp_path))
    service(root).run_once()
    data = (root / "outbox/reviews - NOT DONE.txt").read_bytes()
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")


# -- re-rendering on request ------------------------------------------------------------


def test_a_workbook_dropped_into_rerender_is_made_again_after_a_letterhead_change(
    tmp_path: Path,
) -> None:
    root = tmp_path / "root"
    drop(root, REVIEW)
    svc = service(root)
    assert [o.state for o in svc.run_once()] == ["done"]
    drop(root, REVIEW, "rerender")
    [again] = svc.run_once()
    assert (again.state, again.kind, len(again.outputs)) == ("done", "review", REVIEW_DOCS)
    assert docx_in(root / "outbox/review/review_meetings (2)") == docx_in(
        root / "outbox/review/review_meetings"
    )
    assert rows(root)[1]["folder"] == "rerender"
    assert _notices(root) == []
    assert_consistent(root)


# -- status links a correction to its failure ---------------------------------------------


def test_a_corrected_copy_closes_its_failure_in_status_and_takes_its_notice_away(
    tmp_path: Path,
) -> None:
    root = tmp_path / "root"
    drop(root, _bad_review(tmp_path))
    drop(root, SAMPLES / "alerts.xlsx", "alert", "reviews.xlsx")  # same name, other kind
    svc = service(root)
    svc.run_once()
    drop(root, REVIEW, name="other.xlsx")
    marked = openpyxl.load_workbook(root / "failed/reviews.errors.xlsx")
    marked["Review Meetings"]["E3"] = openpyxl.load_workbook(REVIEW)["Review Meetings"]["E3"].value
    marked.save(root / "inbox/review/reviews.errors.xlsx")
    svc.run_once()
    jobs = {(j["folder"], j["name"]): j for j in rows(root)}
    failure, fix = jobs["review", "reviews.xlsx"], jobs["review", "reviews.errors.xlsx"]
    assert (failure["state"], fix["state"]) == ("failed", "done")
    assert failure["corrected_by"] == fix["id"]
    assert jobs["alert", "reviews.xlsx"]["corrected_by"] is None  # done, and another kind
    assert _notices(root) == []
    shown, counts = recent_jobs(root)
    assert counts == {"corrected": 1, "done": 3}
    [failed] = [job for job in shown if job.state == "failed"]
    assert failed.error.startswith(f"corrected by job {fix['id']}; it failed with: 1 error")
    result = run_cli("status", str(root))
    assert result.output.startswith("4 job(s) in the journal: 1 corrected, 3 done.")
    # each row's state agrees with the count above it: no row says "failed"
    states = [line.split()[5] for line in result.output.splitlines()[2:]]
    assert sorted(states) == ["corrected", "done", "done", "done"]
    assert_consistent(root)


def test_a_corrected_copy_whose_documents_were_made_before_closes_the_failure_too(
    tmp_path: Path,
) -> None:
    """The corrected workbook is the very one already made into documents: it is a
    duplicate, and the failure it answers is no longer waiting for anyone."""
    root = tmp_path / "root"
    svc = service(root)
    drop(root, REVIEW, name="reviews.xlsx")
    svc.run_once()
    drop(root, _bad_review(tmp_path))  # someone spoils a cell and drops it again
    svc.run_once()
    assert _notices(root) == ["reviews - NOT DONE.txt"]
    drop(root, REVIEW, name="reviews.xlsx")  # put back as it was
    [again] = svc.run_once()
    assert again.state == "duplicate"
    assert _notices(root) == ["reviews - ALREADY DONE.txt"]
    assert recent_jobs(root)[1] == {"corrected": 1, "done": 1, "duplicate": 1}
    failure = [j for j in rows(root) if j["state"] == "failed"]
    assert [j["corrected_by"] for j in failure] == [3]
    assert_consistent(root)


def test_a_failure_stays_open_until_its_own_workbook_is_corrected(tmp_path: Path) -> None:
    root = tmp_path / "root"
    drop(root, _bad_review(tmp_path))
    svc = service(root)
    svc.run_once()
    drop(root, REVIEW, name="another.xlsx")
    svc.run_once()
    assert recent_jobs(root)[1] == {"done": 1, "failed": 1}
    assert _notices(root) == ["reviews - NOT DONE.txt"]


# -- retention ---------------------------------------------------------------------------


def _finished(tmp_path: Path, settings: Settings) -> Path:
    """A root with one job done, one duplicate and one failure."""
    root = tmp_path / "root"
    drop(root, REVIEW)
    drop(root, REVIEW, name="again.xlsx")
    drop(root, _bad_review(tmp_path), name="broken.xlsx")
    Service(root, settings, poll=0.05, settle=0.05).run_once()
    assert sorted(j["state"] for j in rows(root)) == ["done", "duplicate", "failed"]
    return root


def _expire(root: Path, settings: Settings, days: int) -> int:
    journal = Journal(root / "journal.sqlite")
    try:
        return expire(Layout(root), journal, settings, datetime.now(UTC) + timedelta(days=days))
    finally:
        journal.close()


def test_status_says_which_documents_retention_has_removed(tmp_path: Path) -> None:
    """A job whose documents left the outbox still showed '5' documents, as if there."""
    settings = Settings(outbox_days=30)
    root = _finished(tmp_path, settings)
    assert _expire(root, settings, 31) == 3
    lines = run_cli("status", str(root)).output.splitlines()
    [done] = [line for line in lines if " done " in line]
    assert f" {REVIEW_DOCS} removed" in done


def test_by_default_nothing_is_ever_removed(tmp_path: Path) -> None:
    settings = Settings()
    root = _finished(tmp_path, settings)
    assert _expire(root, settings, 10_000) == 0
    assert_consistent(root)
    assert len(_notices(root)) == 2


def test_each_folder_keeps_its_files_for_its_own_number_of_days(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(archive_days=30, failed_days=90, outbox_days=365)
    root = _finished(tmp_path, settings)
    assert _expire(root, settings, 29) == 0
    caplog.set_level(logging.INFO, logger="docgen.service")
    assert _expire(root, settings, 31) == 2  # the done and the duplicate workbooks
    assert sorted(p.name for p in (root / "archive").iterdir()) == []
    # the workbook, its reasons, its marked copy, every problem as a CSV
    assert len(list((root / "failed").iterdir())) == 4
    assert _expire(root, settings, 91) == 1
    assert list((root / "failed").iterdir()) == []
    # the failure's notice goes with the files it points to; the duplicate's stays
    assert (root / "outbox/review/review_meetings").is_dir() and len(_notices(root)) == 1
    assert _expire(root, settings, 366) == 3
    assert list((root / "outbox/review").iterdir()) == [] and _notices(root) == []
    assert _expire(root, settings, 1000) == 0  # each removed once
    journal = rows(root)
    assert all(j["input_expired_at"] and j["outbox_expired_at"] for j in journal)
    logged = " ".join(r.getMessage() for r in caplog.records if "retention" in r.getMessage())
    assert "retention removed its files from archive/ after 30 day(s)" in logged
    assert not any(name in logged for name in ("review_meetings", "again", "broken"))


def test_the_service_applies_retention_on_its_sweeps(tmp_path: Path) -> None:
    settings = Settings(archive_days=0, outbox_days=0)
    root = tmp_path / "root"
    drop(root, REVIEW)
    svc = Service(root, settings, poll=0.05, settle=0.05)
    assert [o.state for o in svc.run_once()] == ["done"]
    assert (root / "archive/review_meetings.xlsx").is_file()
    svc.run_once()  # the next sweep: 0 days have passed, and 0 are kept
    assert list((root / "archive").iterdir()) == []
    assert list((root / "outbox/review").iterdir()) == []
    drop(root, REVIEW)  # its documents are gone: made again, not called a duplicate
    [again] = svc.run_once()
    assert (again.state, len(again.outputs)) == ("done", REVIEW_DOCS)


def test_retention_days_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCGEN_ARCHIVE_DAYS", "30")
    monkeypatch.setenv("DOCGEN_FAILED_DAYS", "7")
    monkeypatch.setenv("DOCGEN_OUTBOX_DAYS", "365")
    settings = Settings()
    assert (settings.archive_days, settings.failed_days, settings.outbox_days) == (30, 7, 365)


# -- who may open what the service writes --------------------------------------------


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_by_default_folders_are_0700_and_files_0600(tmp_path: Path) -> None:
    root = tmp_path / "root"
    svc = service(root)
    svc.run_once()  # the folders are the service's own
    drop(root, REVIEW)
    drop(root, _bad_review(tmp_path))
    svc.run_once()
    for folder in ("inbox", "inbox/review", "inbox/rerender", "outbox", "outbox/review", "failed"):
        assert _mode(root / folder) == 0o700, folder
    for path in [
        *(root / "outbox/review/review_meetings").iterdir(),
        root / "outbox/reviews - NOT DONE.txt",
        root / "failed/reviews.errors.txt",
        root / "failed/reviews.errors.xlsx",  # the marked copy the notice sends them to
        root / "archive/review_meetings.xlsx",
    ]:
        assert _mode(path) == 0o600, path


def _another_group() -> grp.struct_group:
    """A group this process may give files to, other than its own."""
    if os.geteuid() != 0:
        pytest.skip("giving files to another group needs root or membership of one")
    groups = [g for g in grp.getgrall() if g.gr_gid != os.getgid()]
    if not groups:
        pytest.skip("this machine has no other group")
    return groups[0]


def test_a_group_shares_every_folder_and_file_of_the_drop_folder(tmp_path: Path) -> None:
    """Even folders made before (here by whoever dropped the first workbook)."""
    group = _another_group()
    root = tmp_path / "root"
    drop(root, REVIEW)
    drop(root, _bad_review(tmp_path))
    Service(root, Settings(group=group.gr_name), poll=0.05, settle=0.05).run_once()
    for folder in ("inbox", "inbox/review", "outbox", "outbox/review", "failed", "archive"):
        assert _mode(root / folder) == 0o2770, folder
        assert (root / folder).stat().st_gid == group.gr_gid, folder
    for path in [
        *(root / "outbox/review/review_meetings").iterdir(),
        root / "outbox/reviews - NOT DONE.txt",
        root / "failed/reviews.xlsx",
        root / "failed/reviews.errors.txt",
        root / "failed/reviews.errors.xlsx",  # the marked copy the notice sends them to
        root / "archive/review_meetings.xlsx",
        root / "journal.sqlite",
    ]:
        assert (_mode(path), path.stat().st_gid) == (0o660, group.gr_gid), path


def test_a_group_can_read_the_warnings_beside_the_documents(tmp_path: Path) -> None:
    group = _another_group()
    root = tmp_path / "root"
    noted = edit_workbook(
        REVIEW, tmp_path / "reviews.xlsx", lambda wb: wb["Review Meetings"].cell(1, 40, "Notes")
    )
    drop(root, noted)
    [outcome] = Service(root, Settings(group=group.gr_name), poll=0.05, settle=0.05).run_once()
    assert outcome.state == "done"
    warnings = root / "outbox/review/reviews/warnings.txt"
    assert "'Notes' is not part of the contract" in warnings.read_text()
    assert (_mode(warnings), warnings.stat().st_gid) == (0o660, group.gr_gid)


def test_an_unknown_group_stops_the_service_before_it_starts(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="DOCGEN_GROUP names the group 'no-such-team'"):
        Service(tmp_path / "root", Settings(group="no-such-team")).run_once()
    assert not (tmp_path / "root/journal.sqlite").exists()


def test_the_commands_share_the_documents_they_write_with_the_group(tmp_path: Path) -> None:
    group = _another_group()
    out = tmp_path / "team" / "reviews"
    result = run_cli(
        "review", str(REVIEW), "--output", str(out), env={"DOCGEN_GROUP": group.gr_name}
    )
    assert result.exit_code == 0, result.output
    for folder in (out, out.parent):
        assert (_mode(folder), folder.stat().st_gid) == (0o2770, group.gr_gid)
    documents = list(out.glob("*.docx"))
    assert len(documents) == REVIEW_DOCS
    for doc in documents:
        assert (_mode(doc), doc.stat().st_gid) == (0o660, group.gr_gid)


def test_the_list_of_problems_is_shared_with_the_group_too(tmp_path: Path) -> None:
    """`--errors FILE` in a team folder: colleagues open the list as they open documents."""
    group = _another_group()
    bad = _bad_review(tmp_path)
    listed = tmp_path / "team" / "problems.xlsx"
    result = run_cli(
        "review", str(bad), "--errors", str(listed), env={"DOCGEN_GROUP": group.gr_name}
    )
    assert result.exit_code == 1
    for path in (listed, listed.with_suffix(".csv")):
        assert (_mode(path), path.stat().st_gid) == (0o660, group.gr_gid), path


def test_the_lists_and_reports_are_shared_with_the_group_like_the_documents(
    tmp_path: Path,
) -> None:
    """The planning list (a row per child), the alerts report and the History rows went
    out 0600 whatever DOCGEN_GROUP said: colleagues could not open them."""
    group = _another_group()
    team = tmp_path / "team"
    env = {"DOCGEN_GROUP": group.gr_name}
    commands = [
        ("planning", str(REVIEW), "--as-of", "2014-09-01", "-o", str(team / "due.xlsx")),
        ("alerts-report", str(SAMPLES / "alerts.xlsx"), "--quarter", "2014-15:Q1",
         "-o", str(team / "q1.docx")),
        ("history", "--year", "2014", "--data", str(SAMPLES), "-o", str(team / "h.xlsx")),
    ]  # fmt: skip
    for args in commands:
        result = run_cli(*args, env=env)
        assert result.exit_code == 0, result.output
    assert (_mode(team), team.stat().st_gid) == (0o2770, group.gr_gid)
    for name in ("due.xlsx", "q1.docx", "h.xlsx"):
        path = team / name
        assert (_mode(path), path.stat().st_gid) == (0o660, group.gr_gid), name


@pytest.mark.usefixtures("fake_soffice")
def test_pdfs_are_shared_with_the_group_like_their_documents(tmp_path: Path) -> None:
    """`--pdf` beside documents a team can open: the PDFs were 0600 whatever DOCGEN_GROUP said."""
    group = _another_group()
    out = tmp_path / "team"
    env = {"DOCGEN_GROUP": group.gr_name}
    result = run_cli("alert", str(SAMPLES / "alerts.xlsx"), "-o", str(out), "--pdf", env=env)
    assert result.exit_code == 0, result.output
    pdfs = list(out.glob("*.pdf"))
    assert len(pdfs) == len(list(out.glob("*.docx"))) > 0
    for path in pdfs:
        assert (_mode(path), path.stat().st_gid) == (0o660, group.gr_gid), path.name


def test_a_folder_made_for_the_list_of_problems_is_owner_only(tmp_path: Path) -> None:
    """`--errors new/problems.xlsx`: the list holds the workbook's values, so the folder
    made for it is 0700, as the commands' other folders are (it was 0755)."""
    listed = tmp_path / "new" / "sub" / "problems.xlsx"
    result = run_cli("review", str(_bad_review(tmp_path)), "--errors", str(listed))
    assert result.exit_code == 1
    assert listed.is_file()
    for folder in (tmp_path / "new", tmp_path / "new/sub"):
        assert _mode(folder) == 0o700, folder


def test_the_commands_refuse_an_unknown_group_before_making_anything(tmp_path: Path) -> None:
    out = tmp_path / "team" / "reviews"
    result = run_cli(
        "review", str(REVIEW), "--output", str(out), env={"DOCGEN_GROUP": "no-such-team"}
    )
    assert result.exit_code == 1
    assert "DOCGEN_GROUP names the group 'no-such-team', which this server does not have" in (
        result.output
    )
    assert list(tmp_path.iterdir()) == []


def test_the_commands_make_folders_as_private_as_their_documents(tmp_path: Path) -> None:
    out = tmp_path / "new" / "reviews"
    assert run_cli("review", str(REVIEW), "--output", str(out)).exit_code == 0
    assert _mode(out) == _mode(out.parent) == 0o700
    assert {_mode(doc) for doc in out.glob("*.docx")} == {0o600}


def test_a_marked_copy_that_cannot_be_written_leaves_the_table_and_the_reasons(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def refuse(*_args: object, **_kw: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("docgen.service.jobs.write_marked_copy", refuse)
    root = tmp_path / "root"
    drop(root, _bad_review(tmp_path))
    with caplog.at_level(logging.WARNING):
        [outcome] = service(root).run_once()
    assert outcome.state == "failed"
    assert not (root / "failed/reviews.errors.xlsx").exists()
    assert (root / "failed/reviews.errors.csv").is_file()
    assert "'soon'" in (root / "failed/reviews.errors.txt").read_text()
    text = (root / "outbox/reviews - NOT DONE.txt").read_text()
    assert "failed/reviews.errors.xlsx" not in text
    assert "Every problem is also in failed/reviews.errors.csv, one a row" in text
    assert "job=1 no marked copy: OSError" in caplog.text
    assert "disk full" not in caplog.text
