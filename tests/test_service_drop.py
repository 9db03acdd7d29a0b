"""The drop folder makes every document type that declares how (``DocumentType.drop``):
invitations and outcome letters, the annual report from DfE returns, the planning list.

Each test drives :class:`docgen.service.Service` once over a fresh ROOT, as
``docgen watch --once`` does, and reads what an admin would find in outbox/ and failed/.
"""

from __future__ import annotations

import shutil
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl

from tests.conftest import SAMPLES, all_text, paragraphs, run_cli
from tests.test_service import assert_consistent, drop, rows, service

RETURNS = SAMPLES / "returns_2014"


def zipped(folder: Path, archive: Path) -> Path:
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted(folder.iterdir()):
            zf.write(path, f"Returns 2013-14/{path.name}")
    return archive


def same_letters(command: str, workbook: Path, dropped: Path, by_hand: Path) -> None:
    """The drop folder wrote, byte for byte, the letters ``docgen COMMAND`` writes."""
    assert run_cli(command, str(workbook), "-o", str(by_hand)).exit_code == 0
    names = sorted(p.name for p in by_hand.glob("*.docx"))
    assert len(names) > 10
    assert sorted(p.name for p in dropped.glob("*.docx")) == names
    for name in names:
        assert (dropped / name).read_bytes() == (by_hand / name).read_bytes(), name


# -- letters: one folder per command -------------------------------------------------


def test_invitations_take_a_review_or_a_conference_workbook_told_by_its_sheets(
    tmp_path: Path,
) -> None:
    root = tmp_path / "root"
    drop(root, SAMPLES / "review_invitations.xlsx", "invitations")
    drop(root, SAMPLES / "conference_letters.xlsx", "invitations")
    outcomes = service(root).run_once()
    assert sorted((o.name, o.kind, o.state) for o in outcomes) == [
        ("conference_letters.xlsx", "invitations", "done"),
        ("review_invitations.xlsx", "invitations", "done"),
    ]
    reviews = root / "outbox/invitations/review_invitations"
    for name in ("review_invitations", "conference_letters"):
        dropped = root / "outbox/invitations" / name
        same_letters("invitations", SAMPLES / f"{name}.xlsx", dropped, tmp_path / f"cli_{name}")
    letter = all_text(reviews / "invitation_R0004_2014-06-10_p1.docx")
    assert "Dear" in letter and "{{" not in letter and "{%" not in letter
    assert_consistent(root)


def test_an_alert_workbook_in_the_invitations_folder_is_told_where_it_belongs(
    tmp_path: Path,
) -> None:
    root = tmp_path / "root"
    drop(root, SAMPLES / "alerts.xlsx", "invitations")
    [outcome] = service(root).run_once()
    assert outcome.state == "failed"
    reasons = (root / "failed/alerts.errors.txt").read_text()
    assert "alerts.xlsx has the sheets of an alert workbook" in reasons
    assert "inbox/invitations/ takes a review or conference workbook" in reasons
    notice = (root / "outbox/alerts - NOT DONE.txt").read_text()
    # it was told to "put right what is described above" and drop it in the same folder
    assert "What to do: for its own documents, drop it into inbox/alert/" in notice
    assert "put right" not in notice
    assert_consistent(root)


def test_an_annual_workbook_in_the_planning_folder_is_told_where_it_belongs(
    tmp_path: Path,
) -> None:
    root = tmp_path / "root"
    drop(root, SAMPLES / "annual_2014.xlsx", "planning")
    [outcome] = service(root).run_once()
    assert outcome.state == "failed"
    notice = (root / "outbox/annual_2014 - NOT DONE.txt").read_text()
    assert "annual_2014.xlsx has the sheets of an annual workbook" in notice
    assert "What to do: for its own documents, drop it into inbox/annual/" in notice
    assert_consistent(root)


def test_outcome_letters_have_their_own_folder(tmp_path: Path) -> None:
    root = tmp_path / "root"
    drop(root, SAMPLES / "conference_letters.xlsx", "outcome-letters")
    [outcome] = service(root).run_once()
    assert (outcome.kind, outcome.state) == ("outcome-letters", "done")
    batch = root / "outbox/outcome-letters/conference_letters"
    same_letters("outcome-letters", SAMPLES / "conference_letters.xlsx", batch, tmp_path / "cli")
    letter = all_text(batch / "outcome_CP0201_2014-05-14_p1.docx")
    assert "Dear" in letter and "{{" not in letter and "{%" not in letter
    assert_consistent(root)


# -- the annual report from the DfE returns ------------------------------------------


def test_a_zip_of_returns_in_the_annual_folder_gives_the_report(tmp_path: Path) -> None:
    root = tmp_path / "root"
    archive = zipped(RETURNS, tmp_path / "returns_2014.zip")
    drop(root, archive, "annual")
    [outcome] = service(root).run_once()
    assert (outcome.state, outcome.kind) == ("done", "annual"), outcome.error
    report = root / "outbox/annual/returns_2014/annual_report_2014.docx"
    assert outcome.outputs == [report]
    assert "290 children were looked after on 31 March 2014" in all_text(report)
    assert (root / "archive/returns_2014.zip").read_bytes() == archive.read_bytes()
    jobs = assert_consistent(root)
    assert jobs[0]["year"] == 2014


def test_a_folder_of_returns_is_one_job_once_it_has_settled(tmp_path: Path) -> None:
    root = tmp_path / "root"
    service(root).run_once()  # the folders exist, as on a server
    shutil.copytree(RETURNS, root / "inbox/annual/IRO returns 2013-14")
    [outcome] = service(root).run_once()
    assert outcome.state == "done", outcome.error
    report = root / "outbox/annual/IRO returns 2013-14/annual_report_2014.docx"
    assert "290 children were looked after on 31 March 2014" in all_text(report)
    filed = root / "archive/IRO returns 2013-14"
    assert sorted(p.name for p in filed.iterdir()) == sorted(p.name for p in RETURNS.iterdir())
    assert all(p.stat().st_mode & 0o077 == 0 for p in filed.iterdir())  # owner-only
    assert_consistent(root)


def test_returns_the_dfe_would_reject_fail_with_every_problem_listed(tmp_path: Path) -> None:
    root = tmp_path / "root"
    spoilt = tmp_path / "returns_2014"
    shutil.copytree(RETURNS, spoilt)
    episodes = (spoilt / "episodes.csv").read_text().splitlines()
    (spoilt / "episodes.csv").write_text("\n".join([*episodes[:2], episodes[1], *episodes[2:]]))
    drop(root, zipped(spoilt, tmp_path / "returns_2014.zip"), "annual")
    [outcome] = service(root).run_once()
    assert outcome.state == "failed"
    reasons = (root / "failed/returns_2014.errors.txt").read_text()
    assert "episodes.csv" in reasons
    listed = openpyxl.load_workbook(root / "failed/returns_2014.errors.xlsx")
    values = [str(v) for ws in listed for row in ws.iter_rows(values_only=True) for v in row]
    assert any("episodes.csv" in v for v in values)
    notice = (root / "outbox/returns_2014 - NOT DONE.txt").read_text()
    assert "failed/returns_2014.errors.xlsx" in notice and "inbox/annual/" in notice
    assert not list((root / "outbox/annual").iterdir())
    assert_consistent(root)


def test_a_zip_with_no_returns_and_no_year_says_what_it_lacks(tmp_path: Path) -> None:
    root = tmp_path / "root"
    with zipfile.ZipFile(tmp_path / "notes.zip", "w") as zf:
        zf.writestr("notes.txt", "minutes of the team meeting")
    drop(root, tmp_path / "notes.zip", "annual")
    [outcome] = service(root).run_once()
    assert outcome.state == "failed"
    reasons = (root / "failed/notes.errors.txt").read_text()
    assert "holds no SSDA903 or CIN census file" in reasons
    assert "drop the zip into inbox/annual/ again" in reasons
    assert_consistent(root)


def test_a_folder_holding_a_link_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "root"
    service(root).run_once()
    folder = root / "inbox/annual/returns_2014"
    shutil.copytree(RETURNS, folder)
    (folder / "secret.csv").symlink_to(tmp_path / "elsewhere.csv")
    [outcome] = service(root).run_once()
    assert outcome.state == "failed"
    assert "holds a link" in (root / "failed/returns_2014.errors.txt").read_text()


# -- the planning list ---------------------------------------------------------------


def planning_rows(path: Path) -> list[tuple]:
    ws = openpyxl.load_workbook(path).active
    assert ws is not None
    return list(ws.iter_rows(values_only=True))


def test_a_workbook_in_the_planning_folder_gives_the_list_as_of_the_day_its_name_says(
    tmp_path: Path,
) -> None:
    root = tmp_path / "root"
    drop(root, SAMPLES / "review_meetings.xlsx", "planning", "planning 2014-07-01.xlsx")
    [outcome] = service(root).run_once()
    assert outcome.state == "done", outcome.error
    folder = root / "outbox/planning/planning 2014-07-01"
    assert sorted(p.name for p in folder.iterdir()) == [
        "planning_2014-07-01.docx",
        "planning_2014-07-01.xlsx",
    ]
    table = planning_rows(folder / "planning_2014-07-01.xlsx")
    assert table[0][:3] == ("Officer", "Meeting", "Child ID")
    assert table[1:] and {r[1] for r in table[1:]} == {"Review"}
    word = all_text(folder / "planning_2014-07-01.docx")
    assert "1 July 2014" in word and "{{" not in word and "{%" not in word
    assert_consistent(root)


def test_the_same_workbooks_dropped_again_make_a_new_list(tmp_path: Path) -> None:
    root = tmp_path / "root"
    drop(root, SAMPLES / "review_meetings.xlsx", "planning", "planning 2014-07-01.xlsx")
    service(root).run_once()
    drop(root, SAMPLES / "review_meetings.xlsx", "planning", "planning 2014-07-08.xlsx")
    [outcome] = service(root).run_once()
    assert outcome.state == "done"  # a list is for a day: next week's is not a duplicate
    folder = root / "outbox/planning/planning 2014-07-08"
    assert sorted(p.name for p in folder.iterdir()) == [
        "planning_2014-07-08.docx",
        "planning_2014-07-08.xlsx",
    ]
    assert paragraphs(folder / "planning_2014-07-08.docx")[1].startswith("As of 8 July 2014: ")
    assert [j["state"] for j in rows(root)] == ["done", "done"]


def test_a_zip_of_review_and_conference_workbooks_is_one_list(tmp_path: Path) -> None:
    root = tmp_path / "root"
    archive = tmp_path / "weekly 2014-07-01.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(SAMPLES / "review_meetings.xlsx", "review_meetings.xlsx")
        zf.write(SAMPLES / "conferences.xlsx", "conferences.xlsx")
    drop(root, archive, "planning")
    [outcome] = service(root).run_once()
    assert outcome.state == "done", outcome.error
    table = planning_rows(root / "outbox/planning/weekly 2014-07-01/planning_2014-07-01.xlsx")
    assert {r[1] for r in table[1:]} == {"Review", "CP conference"}
    assert_consistent(root)


def test_a_list_without_a_day_in_its_name_is_as_of_the_day_of_the_drop(tmp_path: Path) -> None:
    root = tmp_path / "root"
    drop(root, SAMPLES / "conferences.xlsx", "planning")
    [outcome] = service(root).run_once()
    assert outcome.state == "done", outcome.error
    [job] = rows(root)
    day = datetime.fromisoformat(job["claimed_at"]).astimezone().date().isoformat()
    assert [p.name for p in outcome.outputs] == [f"planning_{day}.xlsx", f"planning_{day}.docx"]


def test_a_day_that_is_no_date_fails_with_the_reason(tmp_path: Path) -> None:
    root = tmp_path / "root"
    drop(root, SAMPLES / "conferences.xlsx", "planning", "planning 2014-02-30.xlsx")
    [outcome] = service(root).run_once()
    assert outcome.state == "failed"
    assert (
        "2014-02-30, which is not a date"
        in (root / "failed/planning 2014-02-30.errors.txt").read_text()
    )
    assert_consistent(root)
