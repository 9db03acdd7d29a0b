"""validate_workbook: every problem of a workbook at once, each at the cell a user would fix."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from docgen.models import (
    ALERT,
    ANNUAL,
    CONFERENCE,
    REVIEW,
    Alert,
    AlertStep,
    Child,
    ConferenceChild,
    Review,
    ReviewAttendee,
    ReviewDecision,
    ReviewMeeting,
)
from docgen.report import Report
from docgen.validate import Tables, validate_workbook
from docgen.workbook import read_workbook
from tests.conftest import SAMPLES, build_workbook, edit_workbook

D = datetime

MEETING = [
    "Review ID",
    "Child ID",
    "Child Name",
    "Date of Birth",
    "Review Date",
    "Date Became Looked After",
    "IRO",
]
ATTENDEE = ["Review ID", "Name", "Role", "Attendance"]
DECISION = ["Review ID", "Decision", "Responsible", "Timescale"]
ALERTS = [
    "Alert ID",
    "Child ID",
    "Child Name",
    "IRO",
    "Date Raised",
    "Stage",
    "Category",
    "Concern",
    "Action Required",
]


def meeting(review_id: str, child_id: str = "C100") -> list:
    return [review_id, child_id, "Sam", "01/01/2010", "01/04/2014", "01/01/2014", "Jo Bloggs"]


def alert(alert_id: str, stage=1, raised="03/02/2014") -> list:
    return [alert_id, "C100", "Sam", "Jo Bloggs", raised, stage, "Placement", "No plan", "Plan"]


def validate(path: Path, spec) -> tuple[Tables, Report]:
    return validate_workbook(read_workbook(path), spec)


def reviews_workbook(tmp_path: Path, *, meetings=(), attendees=(), decisions=(), **sheets):
    content = {
        "Review Meetings": [MEETING, *meetings],
        "Attendees": [ATTENDEE, *attendees],
        "Decisions": [DECISION, *decisions],
    }
    content.update(sheets)
    return build_workbook(tmp_path / "reviews.xlsx", content)


# --------------------------------------------------------------------------- ten errors at once


@pytest.fixture(scope="module")
def ten_errors(tmp_path_factory: pytest.TempPathFactory) -> tuple[Tables, Report, dict[str, int]]:
    """The annual sample with ten different mistakes, each on a row of its own."""
    rows: dict[str, int] = {}

    def append(ws, key: str, values: list) -> None:
        ws.append(values)
        rows[key] = ws.max_row

    def edit(wb) -> None:
        children = wb["Children"]
        valid = ["C90001", D(2005, 6, 1), 1, "WBRI", "C2", D(2013, 5, 1), None, None, "N", "Ann"]
        append(children, "blank", ["C90001", None, *valid[2:]])
        append(children, "code", ["C90002", *valid[1:4], "X9", *valid[5:]])
        append(children, "yes-no", ["C90003", *valid[1:8], "maybe", "Ann"])
        first_id = children["A2"].value
        append(children, "duplicate", [first_id.lower(), *valid[1:]])
        append(children, "date", ["C90004", *valid[1:5], "31/02/2014", *valid[6:]])
        append(wb["Reviews"], "orphan", ["ZZ999", D(2013, 6, 1), None, "PN1", "Ann"])
        append(wb["CP Plans"], "end", ["P99999", "F9999", D(2013, 6, 1), D(2013, 5, 1), "NEG"])
        append(
            wb["CP Conferences"],
            "formula",
            ["CPC9999", "Initial", "=TODAY()", D(2013, 3, 21), None, D(2013, 4, 15), None, "Tom"],
        )
        append(wb["Disputes"], "stage", ["A9999", first_id, D(2013, 10, 7), 5, None, "N", "Care"])
        wb["Staff"].delete_cols(3)  # FTE

    folder = tmp_path_factory.mktemp("ten")
    path = edit_workbook(SAMPLES / "annual_2014.xlsx", folder / "annual_2014.xlsx", edit)
    tables, report = validate(path, ANNUAL)
    return tables, report, rows


def test_ten_mistakes_give_exactly_ten_errors_at_their_cells(ten_errors) -> None:
    _, report, rows = ten_errors
    expected = [
        ["blank-cell", f"Children!B{rows['blank']}"],
        ["invalid-code", f"Children!E{rows['code']}"],
        ["invalid-yes-no", f"Children!I{rows['yes-no']}"],
        ["duplicate-id", f"Children!A{rows['duplicate']}"],
        ["invalid-date", f"Children!F{rows['date']}"],
        ["unknown-parent", f"Reviews!A{rows['orphan']}"],
        ["inconsistent-row", f"CP Plans!D{rows['end']}"],
        ["formula-without-value", f"CP Conferences!C{rows['formula']}"],
        ["invalid-value", f"Disputes!D{rows['stage']}"],
        ["missing-column", "Staff row 1"],
    ]
    assert sorted(report.flatten("code", "location")) == sorted(expected)
    assert len(report.errors) == 10
    assert report.warnings == []
    assert not report.ok


def test_each_error_says_what_was_found_and_what_was_expected(ten_errors) -> None:
    _, report, _ = ten_errors
    by_code = {p.code: p for p in report.problems}
    assert all(p.file == "annual_2014.xlsx" for p in report.problems)

    blank = by_code["blank-cell"]
    assert blank.message == "Date of Birth is blank"
    assert blank.expected == "a date such as 31/03/2014"

    code = by_code["invalid-code"]
    assert code.value == "X9"
    assert code.message == "Legal Status 'X9' is not a legal status"
    assert "C2 (Care Order)" in code.expected

    yes_no = by_code["invalid-yes-no"]
    assert yes_no.message == "Short Breaks 'maybe' is not yes or no"
    assert yes_no.expected.startswith("Y or N")

    duplicate = by_code["duplicate-id"]
    assert duplicate.message.startswith("Child ID 'c01029' is used again (first in row 2)")

    bad_date = by_code["invalid-date"]
    assert "'31/02/2014' is not a real calendar date" in bad_date.message
    assert str(bad_date).startswith(f"{bad_date.location}: Date Became Looked After '31/02/2014'")

    orphan = by_code["unknown-parent"]
    assert orphan.message == "Child ID 'ZZ999' matches no row of sheet 'Children'"

    end = by_code["inconsistent-row"]
    assert end.message == "Plan End Date 01/05/2013 is before the plan's start date"

    formula = by_code["formula-without-value"]
    assert formula.column == "Conference Date"

    stage = by_code["invalid-value"]
    assert stage.value == 5
    assert stage.message.startswith("Highest Stage 5 is not allowed")
    assert "4" in stage.message

    missing = by_code["missing-column"]
    assert missing.message == "required column 'FTE' is missing"


def test_valid_rows_are_kept_and_bad_rows_left_out(ten_errors) -> None:
    tables, _, rows = ten_errors
    ids = {child.child_id for child in tables[Child]}
    assert not ids & {"C90001", "C90002", "C90003", "C90004"}
    assert "ZZ999" not in {r.child_id for r in tables[Review]}
    assert rows["duplicate"] not in tables[Child].row_numbers


def test_report_json_carries_the_counts(ten_errors) -> None:
    _, report, rows = ten_errors
    data = json.loads(report.to_json())
    assert data["valid"] is False
    assert data["error_count"] == 10
    assert data["warning_count"] == 0
    assert data["truncated"] is False
    assert data["file"].endswith("annual_2014.xlsx")
    problem = next(p for p in data["problems"] if p["code"] == "invalid-date")
    assert problem == {
        "code": "invalid-date",
        "severity": "error",
        "file": "annual_2014.xlsx",
        "sheet": "Children",
        "cell": f"F{rows['date']}",
        "row": None,
        "column": "Date Became Looked After",
        "value": "31/02/2014",
        "expected": "a date such as 31/03/2014 (day first)",
        "message": f"Children!F{rows['date']}: Date Became Looked After '31/02/2014' "
        "is not a real calendar date; expected a date such as 31/03/2014 (day first)",
    }


def test_clean_samples_have_no_problems() -> None:
    for name, spec in (
        ("annual_2014", ANNUAL),
        ("review_meetings", REVIEW),
        ("alerts", ALERT),
        ("conferences", CONFERENCE),
    ):
        _, report = validate(SAMPLES / f"{name}.xlsx", spec)
        assert report.problems == [], name


# --------------------------------------------------------------------------- child sheets


def test_attendee_of_an_unknown_review_is_an_error(tmp_path: Path) -> None:
    path = reviews_workbook(
        tmp_path,
        meetings=[meeting("R1")],
        attendees=[["R1", "Bo", "Social Worker", "Attended"], ["R9", "Cy", "Nurse", "Apologies"]],
    )
    tables, report = validate(path, REVIEW)
    assert report.flatten("code", "location") == [["unknown-parent", "Attendees!A3"]]
    problem = report.problems[0]
    assert problem.message == "Review ID 'R9' matches no row of sheet 'Review Meetings'"
    assert problem.expected == "an ID listed on 'Review Meetings'"
    assert [a.name for a in tables[ReviewAttendee]] == ["Bo"]


def test_ids_match_their_parent_whatever_the_case(tmp_path: Path) -> None:
    path = reviews_workbook(
        tmp_path,
        meetings=[meeting("R0001")],
        attendees=[["r0001", "Bo", "Social Worker", "Attended"]],
        decisions=[["R0001 ", "Visit", "SW", "01/05/2014"]],
    )
    tables, report = validate(path, REVIEW)
    assert report.problems == []
    assert len(tables[ReviewAttendee]) == 1
    assert len(tables[ReviewDecision]) == 1


def test_duplicate_ids_differ_only_in_case(tmp_path: Path) -> None:
    path = reviews_workbook(tmp_path, meetings=[meeting("R0001"), meeting("r0001")])
    tables, report = validate(path, REVIEW)
    assert report.flatten("code", "location") == [["duplicate-id", "Review Meetings!A3"]]
    assert report.problems[0].message == "Review ID 'r0001' is used again (first in row 2)"
    assert tables[ReviewMeeting].row_numbers == [2]


def test_children_of_a_parent_row_with_a_mistake_are_not_called_orphans(tmp_path: Path) -> None:
    bad = meeting("R1")
    bad[4] = "soon"
    path = reviews_workbook(
        tmp_path, meetings=[bad], attendees=[["R1", "Bo", "Social Worker", "Attended"]]
    )
    _, report = validate(path, REVIEW)
    assert report.flatten("code", "location") == [["invalid-date", "Review Meetings!E2"]]


def test_missing_column_on_a_parent_sheet_does_not_orphan_every_child_row(
    tmp_path: Path,
) -> None:
    """Review Meetings lacks IRO: its IDs are still there, attendees are not orphans."""
    path = reviews_workbook(
        tmp_path,
        attendees=[["R1", "Bo", "Social Worker", "Attended"]],
        decisions=[["R1", "Visit", "SW", "01/05/2014"]],
        **{"Review Meetings": [MEETING[:-1], meeting("R1")[:-1]]},
    )
    _, report = validate(path, REVIEW)
    assert report.flatten("code", "location") == [["missing-column", "Review Meetings row 1"]]


def test_stage_out_of_range(tmp_path: Path) -> None:
    path = build_workbook(
        tmp_path / "alerts.xlsx", {"Alerts": [ALERTS, alert("A1", stage=5), alert("A2", stage=0)]}
    )
    tables, report = validate(path, ALERT)
    assert report.flatten("code", "location") == [
        ["invalid-value", "Alerts!F2"],
        ["invalid-value", "Alerts!F3"],
    ]
    assert len(tables[Alert]) == 0


def test_bad_yes_no_on_a_conference_child(tmp_path: Path) -> None:
    path = build_workbook(
        tmp_path / "conferences.xlsx",
        {
            "Conferences": [
                ["Conference ID", "Conference Type", "Conference Date", "Due Date", "Chair"],
                ["K1", "Initial", "01/04/2014", "01/04/2014", "Tom"],
            ],
            "Conference Children": [
                ["Conference ID", "Child ID", "Child Name", "Date of Birth", "Plan"],
                ["K1", "C1", "Sam", "01/01/2010", "perhaps"],
                ["K1", "C2", "Max", "01/01/2012", "Y"],
            ],
            "Conference Attendees": [["Conference ID", "Name", "Agency", "Attendance"]],
        },
    )
    tables, report = validate(path, CONFERENCE)
    assert report.flatten("code", "location") == [["invalid-yes-no", "Conference Children!E2"]]
    assert [(c.child_id, c.plan) for c in tables[ConferenceChild]] == [("C2", True)]


# --------------------------------------------------------------------------- columns and sheets


def test_unknown_column_is_a_warning_with_a_suggestion(tmp_path: Path) -> None:
    path = reviews_workbook(
        tmp_path, **{"Review Meetings": [[*MEETING, "Socail Worker"], [*meeting("R1"), "Di"]]}
    )
    _, report = validate(path, REVIEW)
    assert report.flatten("code", "location", "severity") == [
        ["unknown-column", "Review Meetings!H1", "warning"]
    ]
    assert report.ok
    message = report.problems[0].message
    assert "'Socail Worker' is not part of the contract and is ignored" in message
    assert "did you mean 'Social Worker'?" in message


def test_unknown_column_far_from_any_name_has_no_suggestion(tmp_path: Path) -> None:
    path = reviews_workbook(
        tmp_path, **{"Review Meetings": [[*MEETING, "Notes"], [*meeting("R1"), "x"]]}
    )
    _, report = validate(path, REVIEW)
    assert report.flatten("code", "location") == [["unknown-column", "Review Meetings!H1"]]
    assert "did you mean" not in report.problems[0].message


def test_duplicate_column_is_an_error(tmp_path: Path) -> None:
    path = reviews_workbook(
        tmp_path, **{"Review Meetings": [[*MEETING, "CHILD"], [*meeting("R1"), "C100"]]}
    )
    _, report = validate(path, REVIEW)
    assert report.flatten("code", "location") == [["duplicate-column", "Review Meetings!H1"]]
    assert report.problems[0].message == "column 'Child ID' appears twice (also at B1)"


def test_missing_required_sheet(tmp_path: Path) -> None:
    path = build_workbook(
        tmp_path / "reviews.xlsx",
        {"Review Meetings": [MEETING, meeting("R1")], "Attendees": [ATTENDEE]},
    )
    _, report = validate(path, REVIEW)
    assert report.flatten("code", "location") == [["missing-sheet", ""]]
    problem = report.problems[0]
    assert problem.message == "the workbook has no sheet named 'Decisions'"
    assert "Review Meetings, Attendees" in problem.expected
    assert problem.file == "reviews.xlsx"


def test_optional_sheet_may_be_absent(tmp_path: Path) -> None:
    path = build_workbook(tmp_path / "alerts.xlsx", {"Alerts": [ALERTS, alert("A1")]})
    tables, report = validate(path, ALERT)
    assert report.problems == []
    assert len(tables[Alert]) == 1
    assert not tables[AlertStep].present


def test_rows_of_a_child_sheet_are_checked_when_the_optional_parent_is_there(
    tmp_path: Path,
) -> None:
    path = build_workbook(
        tmp_path / "alerts.xlsx",
        {
            "Alerts": [ALERTS, alert("A1")],
            "Alert History": [
                ["Alert ID", "Stage", "Date", "Note"],
                ["A1", 1, "03/02/2014", "Raised"],
                ["A2", 1, "03/02/2014", "Raised"],
            ],
        },
    )
    _, report = validate(path, ALERT)
    assert report.flatten("code", "location") == [["unknown-parent", "Alert History!A3"]]


def test_all_errors_of_a_row_are_reported_together(tmp_path: Path) -> None:
    row = alert("A1", stage="two", raised="yesterday")
    row[2] = None
    path = build_workbook(tmp_path / "alerts.xlsx", {"Alerts": [ALERTS, row]})
    _, report = validate(path, ALERT)
    assert report.flatten("code", "location") == [
        ["blank-cell", "Alerts!C2"],
        ["invalid-date", "Alerts!E2"],
        ["invalid-number", "Alerts!F2"],
    ]
