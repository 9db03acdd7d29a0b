"""`docgen conference`: one child protection conference report per conference, read back.

Due dates are worked out by hand from Working Together 2013 as WORKBOOKS.md states it:
initial conference 15 working days after the strategy discussion, first review 3 months
after the initial, later reviews 6 months after the one before; first core group 10
working days after an initial conference. Working days skip weekends and the bank
holidays of England and Wales (2014: 18 and 21 April, 5 May, 26 May, 25 August).
"""

from __future__ import annotations

import stat
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from click.testing import Result

from tests.conftest import (
    SAMPLES,
    V1_SAMPLES,
    all_text,
    edit_workbook,
    find_table,
    no_files,
    paragraphs,
    run_cli,
    section,
    set_cells,
    workbook_rows,
)

WORKBOOK = V1_SAMPLES / "conferences.xlsx"  # a v1 workbook: it must keep working

NAMES = {
    "CP0201": "conference_CP0201_2014-05-14.docx",
    "CP0202": "conference_CP0202_2014-06-03.docx",
    "CP0203": "conference_CP0203_2014-06-25.docx",
}


run = run_cli


def render(out: Path, workbook: Path = WORKBOOK, *extra: str) -> Result:
    result = run("conference", str(workbook), "--output", str(out), *extra)
    assert result.exit_code == 0, result.output
    return result


def details(path: Path) -> dict[str, str]:
    return {row[0]: row[1] for row in find_table(path, "Conference ID")}


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result]:
    out = tmp_path_factory.mktemp("conferences")
    return out, render(out)


@pytest.fixture(scope="module")
def docs(batch: tuple[Path, Result]) -> Path:
    return batch[0]


def report(docs: Path, conference_id: str) -> Path:
    return docs / NAMES[conference_id]


# --------------------------------------------------------------------------- the sample


def test_one_report_per_conference_named_by_id_and_date(batch: tuple[Path, Result]) -> None:
    docs, result = batch
    assert sorted(p.name for p in docs.iterdir()) == sorted(NAMES.values())
    assert "Wrote 3 document(s)" in result.output
    child_names = [str(r["Child Name"]) for r in workbook_rows("Conference Children", WORKBOOK)]
    words = {w.lower() for name in child_names for w in name.split()}
    for path in docs.iterdir():
        assert not any(w in path.name.lower() for w in words), path.name
    assert not any(name in result.output for name in child_names)


def test_the_sibling_group_gets_one_report_listing_every_child(docs: Path) -> None:
    assert [p.name for p in docs.iterdir() if "CP0201" in p.name] == [NAMES["CP0201"]]
    table = find_table(report(docs, "CP0201"), "Child ID")
    assert table == [
        ["Child ID", "Name", "Date of birth", "Age", "Category of abuse", "Decision"],
        ["P30011", "Ellie Dawson", "3 September 2004", "9 years", "Emotional Abuse", "Plan"],
        ["P30012", "Callum Dawson", "22 January 2008", "6 years", "Physical Abuse", "Plan"],
        ["P30013", "Rosie Dawson", "30 November 2012", "1 year", "Neglect", "Plan"],
    ]


def test_a_child_without_a_plan(docs: Path) -> None:
    table = find_table(report(docs, "CP0202"), "Child ID")
    no_category = "Not applicable (no plan)"
    assert table[1:] == [
        ["P30020", "Noah Whitfield", "17 February 2011", "3 years", no_category, "No plan"]
    ]


# CP0201: strategy discussion Thursday 24 April 2014 + 15 working days: Fri 25 (1),
#   28-30 April (4), 1-2 May (6), [Mon 5 May bank holiday], 6-9 May (10), 12-16 May (15) =
#   Friday 16 May 2014. Held 14 May: on time.
# CP0202: strategy discussion Monday 19 May 2014 + 15 working days: 20-23 May (4),
#   [Mon 26 May bank holiday], 27-30 May (8), 2-6 June (13), 9-10 June (15) = 10 June 2014.
# CP0203: the first review conference (Previous Conference Type: Initial), so 3 months after
#   the initial of 26 March 2014 = 26 June 2014.
CONFERENCES = {
    "CP0201": {
        "Conference type": "Initial",
        "Conference date": "14 May 2014",
        "Due date": "16 May 2014",
        "Held within timescale": "Yes",
        "Chair": "Sarah Whitlock",
        "Lead social worker": "Not recorded",  # a v2 column this v1 workbook lacks
        "Venue": "Civic Centre, Room 3",
        "Strategy discussion": "24 April 2014",
    },
    "CP0202": {
        "Conference type": "Initial",
        "Conference date": "3 June 2014",
        "Due date": "10 June 2014",
        "Held within timescale": "Yes",
        "Chair": "Mark Fenwick",
        "Lead social worker": "Not recorded",
        "Venue": "Westbourne Family Centre",
        "Strategy discussion": "19 May 2014",
    },
    "CP0203": {
        "Conference type": "Review",
        "Conference date": "25 June 2014",
        "Due date": "26 June 2014",
        "Held within timescale": "Yes",
        "Chair": "Helen Marsh",
        "Lead social worker": "Not recorded",
        "Venue": "Civic Centre, Room 1",
        "Previous conference": "26 March 2014",
    },
}


@pytest.mark.parametrize("conference_id", sorted(CONFERENCES))
def test_conference_details_due_date_and_timeliness(docs: Path, conference_id: str) -> None:
    shown = details(report(docs, conference_id))
    expected = {"Conference ID": conference_id, **CONFERENCES[conference_id]}
    assert shown == expected  # the strategy / previous row only where it applies


def test_title_says_initial_or_review(docs: Path) -> None:
    assert paragraphs(report(docs, "CP0201"))[0] == "Initial Child Protection Conference"
    assert paragraphs(report(docs, "CP0203"))[0] == "Review Child Protection Conference"


def test_next_review_date_given_or_three_months_after_an_initial(docs: Path) -> None:
    assert "Next review conference: 13 August 2014" in paragraphs(report(docs, "CP0201"))
    assert "Next review conference: 24 December 2014" in paragraphs(report(docs, "CP0203"))


def test_no_review_conference_is_dated_when_no_child_is_made_subject_of_a_plan(
    docs: Path,
) -> None:
    """Working Together 2013 reviews a child protection plan: CP0202 made none (Plan N),
    so a date 3 months on (3 September 2014) would announce a meeting never held."""
    lines = paragraphs(report(docs, "CP0202"))
    assert "No review conference: no child is subject of a child protection plan." in lines
    assert not any(line.startswith("Next review conference") for line in lines)


def test_first_core_group_only_for_an_initial_conference_with_a_plan(docs: Path) -> None:
    # CP0201: 10 working days after Wednesday 14 May 2014: 15-16 May (2), 19-23 May (7),
    # [Mon 26 May bank holiday], 27, 28, 29 May (10) = Thursday 29 May 2014.
    assert "First core group meeting: 29 May 2014" in paragraphs(report(docs, "CP0201"))
    for conference_id in ("CP0202", "CP0203"):  # initial without a plan; a review
        lines = paragraphs(report(docs, conference_id))
        assert not any(line.startswith("First core group") for line in lines), conference_id


@pytest.mark.parametrize("conference_id", sorted(NAMES))
def test_attendees_with_report_submitted(docs: Path, conference_id: str) -> None:
    table = find_table(report(docs, conference_id), "Name")
    # recommendations are printed once, under Recommendations and decision
    assert table[0] == ["Name", "Agency", "Attendance", "Report submitted"]
    expected = [
        [
            r["Name"],
            r["Agency"],
            str(r["Attendance"]).capitalize(),  # "Not invited", as a sentence is written
            # a parent is not an agency: asked for no report
            "Not applicable"
            if r["Agency"] == "Parent"
            else {"Y": "Yes", "N": "No"}[str(r["Report Submitted"])],
        ]
        for r in workbook_rows("Conference Attendees", WORKBOOK)
        if r["Conference ID"] == conference_id
    ]
    assert table[1:] == expected


def test_attendees_of_the_nursery_bruise_conference(docs: Path) -> None:
    assert find_table(report(docs, "CP0202"), "Name")[1:] == [
        ["Mrs Whitfield", "Parent", "Attended", "Not applicable"],
        ["Paul Ramsey", "Children's Social Care", "Attended", "Yes"],
        ["Joanna Lee", "Nursery", "Attended", "Yes"],
        ["Dr Iqbal", "GP", "Not invited", "No"],
    ]


@pytest.mark.parametrize("conference_id", sorted(NAMES))
def test_signs_of_safety_sections_and_decision(docs: Path, conference_id: str) -> None:
    lines = paragraphs(report(docs, conference_id))
    row = next(
        r for r in workbook_rows("Conferences", WORKBOOK) if r["Conference ID"] == conference_id
    )
    sections = [
        ("Signs of Safety", None),
        ("What are we worried about?", "What Are We Worried About"),
        ("What is working well?", "What Is Working Well"),
        ("What needs to happen?", "What Needs To Happen"),
        ("Decision", "Decision"),
    ]
    for heading, column in sections:
        assert heading in lines, heading
        if column is not None:
            at = lines.index(heading)
            assert lines[at + 1] == row[column], heading


def test_no_template_tags_left_and_owner_only(docs: Path) -> None:
    for path in docs.iterdir():
        text = all_text(path)
        assert "{{" not in text and "{%" not in text, path.name
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name


def test_rendering_twice_gives_identical_bytes(tmp_path: Path, docs: Path) -> None:
    render(tmp_path)
    for name in NAMES.values():
        assert (tmp_path / name).read_bytes() == (docs / name).read_bytes(), name


def test_only_writes_exactly_one_report(tmp_path: Path) -> None:
    render(tmp_path, WORKBOOK, "--only", "CP0201")
    assert [p.name for p in tmp_path.iterdir()] == [NAMES["CP0201"]]


def test_only_an_unknown_id_fails_listing_the_ids(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("conference", str(WORKBOOK), "--output", str(out), "--only", "CP9999")
    assert result.exit_code != 0
    assert "CP0201, CP0202, CP0203" in result.output
    assert no_files(out)


# --------------------------------------------------------------------------- edited workbooks


def _column(ws, header: str) -> str:
    return next(c.column_letter for c in ws[1] if c.value == header)


def _edits(wb: openpyxl.Workbook) -> None:
    ws = wb["Conferences"]
    # CP0202 (row 3): strategy discussion on Friday 9 May 2014.
    ws[f"{_column(ws, 'Strategy Discussion Date')}3"] = datetime(2014, 5, 9)
    # CP0203 (row 4): the previous conference was the initial; next review left blank.
    ws[f"{_column(ws, 'Next Review Date')}4"] = None
    ws[f"{_column(ws, 'Previous Conference Type')}4"] = "Initial"


@pytest.fixture(scope="module")
def edited(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("edited")
    book = edit_workbook(WORKBOOK, folder / "conferences.xlsx", _edits)
    out = folder / "out"
    render(out, book)
    return out


def test_a_late_initial_conference(edited: Path) -> None:
    # Friday 9 May 2014 + 15 working days: 12-16 May (5), 19-23 May (10), [Mon 26 May bank
    # holiday], 27-30 May (14), Mon 2 June (15). Held Tuesday 3 June: 1 day late.
    shown = details(edited / NAMES["CP0202"])
    assert shown["Due date"] == "2 June 2014"
    assert shown["Held within timescale"] == "No (held 1 day after the due date)"


def test_first_review_is_due_three_months_after_the_initial(edited: Path) -> None:
    # 26 March 2014 + 3 months = 26 June 2014; held 25 June, on time.
    shown = details(edited / NAMES["CP0203"])
    assert shown["Due date"] == "26 June 2014"
    assert shown["Held within timescale"] == "Yes"


def test_next_review_six_months_after_a_review_not_moved_off_christmas(edited: Path) -> None:
    # 25 June 2014 + 6 months = 25 December 2014: due dates are never moved off holidays.
    lines = paragraphs(edited / NAMES["CP0203"])
    assert "Next review conference by (deadline): 25 December 2014" in lines
    # ... and the date to book is the last working day on or before it: Christmas Eve.
    assert "Proposed date (a working day on or before it): 24 December 2014" in lines


def test_child_of_an_unknown_conference_fails_naming_the_cell(tmp_path: Path) -> None:
    def orphan(wb: openpyxl.Workbook) -> None:
        wb["Conference Children"].append(
            ["CP0999", "P39999", "Sam Doe", datetime(2010, 1, 1), "NEG", "Y"]
        )

    book = edit_workbook(WORKBOOK, tmp_path / "orphan.xlsx", orphan)
    out = tmp_path / "out"
    result = run("conference", str(book), "--output", str(out))
    assert result.exit_code != 0
    assert "Conference Children!A8" in result.output
    assert "'CP0999'" in result.output
    assert "Sam Doe" not in result.output  # a child's name never goes into a message
    assert no_files(out)


def _initial_without_strategy_discussion(wb: openpyxl.Workbook) -> None:
    ws = wb["Conferences"]
    ws[f"{_column(ws, 'Strategy Discussion Date')}2"] = None  # CP0201


def test_an_initial_without_its_strategy_discussion_fails(tmp_path: Path) -> None:
    book = edit_workbook(WORKBOOK, tmp_path / "bad.xlsx", _initial_without_strategy_discussion)
    out = tmp_path / "out"
    result = run("conference", str(book), "--output", str(out))
    assert result.exit_code != 0
    assert "Conferences!D2" in result.output
    assert "Strategy Discussion Date" in result.output
    assert no_files(out)


def test_the_blank_strategy_discussion_message_reads_as_english(tmp_path: Path) -> None:
    book = edit_workbook(WORKBOOK, tmp_path / "bad.xlsx", _initial_without_strategy_discussion)
    result = run("conference", str(book), "--output", str(tmp_path / "out"))
    assert "None" not in result.output


def test_a_conference_without_children_is_an_error(tmp_path: Path) -> None:
    def drop_children_of_cp0202(wb: openpyxl.Workbook) -> None:
        ws = wb["Conference Children"]
        for row in range(ws.max_row, 1, -1):
            if ws.cell(row=row, column=1).value == "CP0202":
                ws.delete_rows(row)

    book = edit_workbook(WORKBOOK, tmp_path / "bad.xlsx", drop_children_of_cp0202)
    out = tmp_path / "out"
    result = run("conference", str(book), "--output", str(out))
    assert result.exit_code == 1
    assert "Conferences!A3" in result.output
    assert "has no rows on sheet 'Conference Children'" in result.output
    assert no_files(out)


def test_a_review_judged_on_an_assumed_interval_is_a_warning(tmp_path: Path) -> None:
    """CP0203 follows a conference of 26/03/2014. Held on 10/07/2014 with no Previous
    Conference Type, it is on time only if that was a review (6 months, not 3)."""

    def edit(wb: openpyxl.Workbook) -> None:
        values = {"Conference Date": datetime(2014, 7, 10), "Previous Conference Type": None}
        set_cells(wb, "Conferences", 4, values)

    workbook = edit_workbook(WORKBOOK, tmp_path / "assumed.xlsx", edit)
    result = render(tmp_path / "out", workbook, "--only", "CP0203")
    assert "Conferences!F4: Previous Conference Type is blank" in result.output
    [doc] = (tmp_path / "out").iterdir()
    assert details(doc)["Held within timescale"] == (
        "Yes (assumed from the dates: the previous conference is taken to be a review)"
    )
    assert details(doc)["Due date"] == "26 September 2014"


def test_signs_of_safety_left_blank_say_so_rather_than_leaving_a_gap(tmp_path: Path) -> None:
    blank = {"What Is Working Well": None, "Decision": None}
    book = edit_workbook(
        WORKBOOK, tmp_path / "c.xlsx", lambda wb: set_cells(wb, "Conferences", 2, blank)
    )
    render(tmp_path / "out", book, "--only", "CP0201")
    path = tmp_path / "out" / NAMES["CP0201"]
    assert section(path, "What is working well?") == ["Not recorded."]
    assert section(path, "Decision") == ["Not recorded."]
    first = workbook_rows("Conferences", WORKBOOK)[0]
    assert section(path, "What are we worried about?") == [first["What Are We Worried About"]]


def test_a_decision_typed_as_cp_plan_is_read_as_plan_as_a_recommendation_is(
    tmp_path: Path,
) -> None:
    """'CP plan' was accepted as an agency's recommendation but refused as the
    conference's decision for a child, with no suggestion."""

    def typed(wb: openpyxl.Workbook) -> None:
        wb["Conference Children"]["G2"] = "cp plan"
        wb["Conference Children"]["G3"] = "No CP plan"

    workbook = edit_workbook(SAMPLES / "conferences.xlsx", tmp_path / "c.xlsx", typed)
    result = run_cli("validate", str(workbook))
    assert result.exit_code == 0, result.output
    assert "no problems found" in result.output
    render(tmp_path / "out", workbook, "--only", "CP0201")
    children = find_table(tmp_path / "out" / NAMES["CP0201"], "Child ID")
    assert [(row[1], row[-1]) for row in children[1:]] == [
        ("Ellie Dawson", "Plan"),
        ("Callum Dawson", "No plan"),
        ("Rosie Dawson", "Plan"),
    ]
