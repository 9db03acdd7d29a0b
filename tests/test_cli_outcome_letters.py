"""`docgen outcome-letters`: the chair's letter to each person invited to a conference,
read back as the family and agencies receiving it would read it.

Dates counted by hand: sent one working day after the conference; the first core group
10 working days after an initial conference; a disagreement 15 working days after the
letter. Working days skip weekends and the bank holidays of England and Wales (2014:
5 May, 26 May, 25 August).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from click.testing import Result
from docx import Document

from tests.conftest import (
    SAMPLES,
    all_text,
    edit_workbook,
    find_table,
    paragraphs,
    refused,
    run_cli,
    section,
    set_cells,
)

WORKBOOK = SAMPLES / "conference_letters.xlsx"
V1 = Path(__file__).parent / "fixtures" / "v1"


def render(out: Path, workbook: Path = WORKBOOK, *extra: str) -> Result:
    result = run_cli("outcome-letters", str(workbook), "--output", str(out), *extra)
    assert result.exit_code == 0, result.output
    return result


def labelled(path: Path, label: str) -> str:
    found = [p.removeprefix(f"{label}: ") for p in paragraphs(path) if p.startswith(f"{label}: ")]
    assert len(found) == 1, (label, found)
    return found[0]


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("outcomes")
    render(out)
    return out


def test_one_letter_per_invited_person(batch: Path) -> None:
    names = sorted(p.name for p in batch.glob("*.docx"))
    assert len(names) == 16  # 17 invitees on the sheet; CP0202's GP was Not Invited
    assert [n for n in names if "CP0201" in n] == [
        f"outcome_CP0201_2014-05-14_p{n}.docx" for n in range(1, 7)
    ]


def test_decisions_for_each_child_with_the_category(batch: Path) -> None:
    letter = batch / "outcome_CP0201_2014-05-14_p1.docx"
    assert paragraphs(letter)[0] == "Mrs Dawson"
    table = find_table(letter, "Child")
    assert table[1:] == [
        ["Ellie Dawson", "3 September 2004", "Child protection plan made", "Emotional Abuse"],
        ["Callum Dawson", "22 January 2008", "Child protection plan made", "Physical Abuse"],
        ["Rosie Dawson", "30 November 2012", "Child protection plan made", "Neglect"],
    ]
    none = batch / "outcome_CP0202_2014-06-03_p1.docx"
    assert find_table(none, "Child")[1] == [
        "Noah Whitfield",
        "17 February 2011",
        "No child protection plan",
        "Not applicable (no plan)",  # not an empty box a parent might read as missing
    ]
    assert "Outline child protection plan" not in all_text(none)
    assert section(none, "Next conference") == [
        "No review conference is planned: no child is subject of a child protection plan."
    ]


def test_the_outline_plan_comes_from_plan_actions_in_order(batch: Path) -> None:
    table = find_table(batch / "outcome_CP0203_2014-06-25_p3.docx", "No.")
    assert [row[1:4] for row in table[1:]] == [
        [
            "Continue weekly home visits, at least one unannounced each month.",
            "Hannah Ford (social worker)",
            "24 December 2014",
        ],
        [
            "Support Ms Grant to keep her mental health appointments.",
            "Anna Price (adult mental health)",
            "30 September 2014",
        ],
        ["Agree a tenancy support plan for the family.", "Jo Turner (housing)", "29 August 2014"],
    ]
    assert find_table(batch / "outcome_CP0203_2014-06-25_p3.docx", "Child")[1][2] == (
        "Child protection plan continues"
    )


def test_core_group_members_first_meeting_and_next_conference(batch: Path) -> None:
    letter = batch / "outcome_CP0201_2014-05-14_p4.docx"
    members = find_table(letter, "Member")
    assert [row[0] for row in members[1:]] == [
        "Mrs Dawson",
        "Mr Dawson",
        "Nadia Shah",
        "Claire Booth",
        "Mr Hughes",
    ]
    assert labelled(letter, "Lead social worker") == "Nadia Shah"
    # 14 May + 10 working days, 26 May (spring bank holiday) skipped: 29 May.
    assert labelled(letter, "First core group meeting") == "by 29 May 2014"
    # the date planned and the deadline, as the conference report has them: not "held by"
    # the planned date while the report says by 14 August
    assert section(letter, "Next conference") == [
        "The review conference is planned for 13 August 2014 (it must be held by 14 August 2014)."
    ]
    # A review conference: the Core Group Date given is printed as it is, as the next
    # meeting of a core group that has met since the initial conference.
    review = batch / "outcome_CP0203_2014-06-25_p1.docx"
    assert labelled(review, "Next core group meeting") == "by 9 July 2014"
    assert not any(p.startswith("First core group") for p in paragraphs(review))


def test_sent_one_working_day_after_and_how_to_disagree(batch: Path) -> None:
    letter = batch / "outcome_CP0201_2014-05-14_p1.docx"  # Mrs Dawson, a parent
    assert labelled(letter, "Date") == "15 May 2014"  # Wednesday -> Thursday
    # 15 May + 15 working days, 26 May skipped: 6 June.
    assert any("please write to me by 6 June 2014" in p for p in section(letter, "If you disagree"))
    assert "{{" not in all_text(letter) and "{%" not in all_text(letter)


def test_the_letter_says_how_to_reach_the_chair(batch: Path) -> None:
    letter = batch / "outcome_CP0201_2014-05-14_p4.docx"
    assert any(
        p == "You can reach me through Beverley Shaw, Conference Co-ordinator, 01632 960 420, "
        "quoting the reference above."
        for p in section(letter, "If you disagree")
    )


def test_the_core_group_table_is_kept_on_one_page(batch: Path) -> None:
    """Every row keeps with the next, so the few members are never split over a page."""
    doc = Document(str(batch / "outcome_CP0203_2014-06-25_p1.docx"))
    (table,) = [t for t in doc.tables if t.rows[0].cells[0].text == "Member"]
    assert len(table.rows) == 6
    for row in table.rows:
        assert all(c.paragraphs[0].paragraph_format.keep_with_next for c in row.cells)
    first_meeting = [p for p in doc.paragraphs if p.text.startswith("Next core group meeting")]
    assert first_meeting[0].paragraph_format.keep_with_next is True


@pytest.mark.parametrize(
    ("held", "sent"),
    [
        (datetime(2014, 5, 2), "6 May 2014"),  # Friday; Monday 5 May is a bank holiday
        (datetime(2014, 8, 22), "26 August 2014"),  # Friday; Monday 25 August likewise
        (datetime(2014, 2, 28), "3 March 2014"),  # a Friday month end
        (datetime(2016, 2, 29), "1 March 2016"),  # 29 February, a Monday
    ],
)
def test_sent_by_date_on_awkward_days(tmp_path: Path, held: datetime, sent: str) -> None:
    def move(wb: object) -> None:
        set_cells(wb, "Conferences", 4, {"Conference Date": held, "Next Review Date": None})  # type: ignore[arg-type]
        set_cells(wb, "Conferences", 4, {"Core Group Date": None})  # type: ignore[arg-type]
        set_cells(wb, "Conferences", 4, {"Previous Conference Date": datetime(2014, 1, 6)})  # type: ignore[arg-type]

    book = edit_workbook(WORKBOOK, tmp_path / "moved.xlsx", move)
    render(tmp_path / "out", book, "--only", "CP0203")
    letter = next((tmp_path / "out").glob("outcome_CP0203_*_p1.docx"))
    assert labelled(letter, "Date") == sent
    assert held.date().isoformat() in letter.name


def test_a_plan_action_for_no_conference_is_an_error_at_its_cell(tmp_path: Path) -> None:
    def spoil(wb: object) -> None:
        set_cells(wb, "Plan Actions", 3, {"Conference ID": "CP0299"})  # type: ignore[arg-type]

    refused("outcome-letters", WORKBOOK, tmp_path, spoil, "Plan Actions!A3", "CP0299")


def test_a_conference_workbook_without_plan_actions_still_writes(tmp_path: Path) -> None:
    render(tmp_path, V1 / "conferences.xlsx", "--only", "CP0201")  # v1: no Plan Actions sheet
    letter = tmp_path / "outcome_CP0201_2014-05-14_p1.docx"
    assert "The core group will set out the plan's actions at its first meeting." in all_text(
        letter
    )


def test_validate_and_the_blank_workbook_know_the_plan_actions_sheet(tmp_path: Path) -> None:
    def spoil(wb: object) -> None:
        set_cells(wb, "Plan Actions", 4, {"By When": "next week"})  # type: ignore[arg-type]

    book = edit_workbook(WORKBOOK, tmp_path / "bad.xlsx", spoil)
    result = run_cli("validate", str(book))
    assert result.exit_code == 1
    assert "Plan Actions" in result.output and "D4" in result.output
    assert "'next week' is not a date" in result.output
    blank = tmp_path / "blank.xlsx"
    assert run_cli("new-workbook", "conference", "--output", str(blank)).exit_code == 0
    assert "Plan Actions" in openpyxl.load_workbook(blank).sheetnames


def test_a_councils_own_decisions_timescale_dates_the_letter(tmp_path: Path) -> None:
    """DOCGEN_CONFERENCE_DECISIONS_DAYS moves the letter as it moves the conference report's
    "decisions to be sent by": the letter is the decisions going out."""
    workbook, only = WORKBOOK, ("--only", "CP0203")  # held Wednesday 25 June 2014
    env = {"DOCGEN_CONFERENCE_DECISIONS_DAYS": "3"}
    result = run_cli("outcome-letters", str(workbook), "-o", str(tmp_path), *only, env=env)
    assert result.exit_code == 0, result.output
    letter = next(tmp_path.glob("outcome_CP0203_*_p1.docx"))
    assert labelled(letter, "Date") == "30 June 2014"  # 3 working days, not the default 1


def test_the_councils_issue_date_dates_the_letter(tmp_path: Path) -> None:
    """DOCGEN_ISSUE_DATE is the day the council sends its papers: the letter says so, and
    the time to disagree runs from it (27 June 2014 + 15 working days: 18 July)."""
    env = {"DOCGEN_ISSUE_DATE": "2014-06-27"}
    only = ("--only", "CP0203")
    result = run_cli("outcome-letters", str(WORKBOOK), "-o", str(tmp_path), *only, env=env)
    assert result.exit_code == 0, result.output
    letter = next(tmp_path.glob("outcome_CP0203_*_p1.docx"))
    assert labelled(letter, "Date") == "27 June 2014"
    disagree = section(letter, "If you disagree")
    assert any("please write to me by 18 July 2014" in p for p in disagree)


def test_the_v2_decision_wins_over_plan_in_the_letter_and_the_planning_list(tmp_path: Path) -> None:
    """A v2 workbook may give only Decision (no Plan): 'Plan ends' at CP0203's review
    conference is a plan ended in the letter, and no next conference falls due for them."""

    def end_plans(wb: openpyxl.Workbook) -> None:
        for row in (6, 7):  # Ava and Leo Grant, CP0203
            set_cells(wb, "Conference Children", row, {"Plan": None, "Decision": "Plan ends"})

    book = edit_workbook(WORKBOOK, tmp_path / "ended.xlsx", end_plans)
    result = run_cli("outcome-letters", str(book), "-o", str(tmp_path / "out"), "--only", "CP0203")
    assert result.exit_code == 0, result.output
    letter = tmp_path / "out" / "outcome_CP0203_2014-06-25_p1.docx"
    assert [row[2:] for row in find_table(letter, "Child")[1:]] == [
        ["Child protection plan ends", "Not applicable (no plan)"],
        ["Child protection plan ends", "Not applicable (no plan)"],
    ]
    due = tmp_path / "due.xlsx"
    result = run_cli("planning", str(book), "--as-of", "2014-09-01", "--output", str(due))
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(due).active
    assert sheet is not None
    meeting_ids = {row[5] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert "CP0201" in meeting_ids and "CP0203" not in meeting_ids
