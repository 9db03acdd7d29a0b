"""validate_workbook: every problem of a workbook at once, each at the cell a user would fix."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from openpyxl.chart import BarChart, Reference

from docgen import pipeline
from docgen.models import (
    ALERT,
    ANNUAL,
    CONFERENCE,
    REVIEW,
    Alert,
    AlertStep,
    Child,
    ConferenceChild,
    CPPlan,
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
        append(wb["Figures"], "negative", ["Test Measure", -3])
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
        ["invalid-value", f"Figures!B{rows['negative']}"],
        ["missing-column", "Staff row 1"],
    ]
    assert sorted(report.flatten("code", "location")) == sorted(expected)
    assert len(report.errors) == 10
    assert report.warnings == []
    assert not report.ok


def test_each_error_says_what_was_found_and_what_was_expected(ten_errors) -> None:
    _, report, rows = ten_errors
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
    assert end.message == (
        "Plan End Date 01/05/2013 is before the plan's start date "
        f"(Plan Start Date 01/06/2013 at C{rows['end']})"
    )
    assert end.others == (f"C{rows['end']}",)

    formula = by_code["formula-without-value"]
    assert formula.column == "Conference Date"

    negative = by_code["invalid-value"]
    assert negative.value == -3
    assert negative.message == "Value -3 is not allowed"
    assert negative.expected == "a number that is at least 0"

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
        "row": rows["date"],
        "column": "Date Became Looked After",
        "value": "31/02/2014",
        "expected": "a date such as 31/03/2014 (day first)",
        "line": None,
        "path": None,
        "message": f"Children!F{rows['date']}: Date Became Looked After '31/02/2014' "
        "is not a real calendar date; expected a date such as 31/03/2014 (day first)",
        "cells": [f"F{rows['date']}"],
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


def test_attendee_of_an_unknown_review_is_an_error_beside_its_other_mistakes(
    tmp_path: Path,
) -> None:
    """Fixing 'Maybe' must not reveal a second error the first run kept quiet about."""
    path = reviews_workbook(
        tmp_path,
        meetings=[meeting("R1")],
        attendees=[["R9", "Cy", "Nurse", "Maybe"], ["R1", "Bo", "Social Worker", "Sometimes"]],
    )
    _, report = validate(path, REVIEW)
    assert sorted(report.flatten("code", "location")) == [
        ["invalid-code", "Attendees!D2"],
        ["invalid-code", "Attendees!D3"],
        ["unknown-parent", "Attendees!A2"],
    ]


def test_an_id_cell_that_is_wrong_already_is_not_also_called_an_orphan(tmp_path: Path) -> None:
    path = reviews_workbook(
        tmp_path,
        meetings=[meeting("R1")],
        attendees=[["R" * 51, "Cy", "Nurse", "Attended"]],
    )
    _, report = validate(path, REVIEW)
    assert report.flatten("code", "location") == [["invalid-value", "Attendees!A2"]]


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


def test_a_title_above_the_headers_is_named_once_not_as_every_column_missing(
    tmp_path: Path,
) -> None:
    """A title typed above the table makes row 1 the header row (the contract's rule): one
    error says where the headers are, instead of seven missing columns and a warning."""
    path = reviews_workbook(
        tmp_path,
        attendees=[["R1", "Bo", "Social Worker", "Attended"]],
        **{
            "Review Meetings": [
                ["IRO review meetings, March 2014"],
                [],
                MEETING,
                meeting("R1"),
            ]
        },
    )
    _, report = validate(path, REVIEW)
    assert report.flatten("code", "location") == [["headers-not-first", "Review Meetings row 1"]]
    (problem,) = report.problems
    assert problem.message == (
        "the header row is the first non-empty row, row 1, but the column headers "
        "('Review ID', 'Child ID', 'Child Name', ...) are in row 3"
    )
    assert problem.expected == "the headers in the first row: delete the rows above row 3"


def test_a_copy_of_the_header_row_lower_down_is_not_taken_for_the_headers(
    tmp_path: Path,
) -> None:
    """Row 1 is the real header row with one header misspelt; a copy of the headers
    pasted lower must not make docgen advise deleting row 1 and the data under it."""
    path = reviews_workbook(
        tmp_path,
        **{
            "Review Meetings": [
                ["Review ID", "Child ID", "Name", *MEETING[3:]],
                meeting("R1"),
                MEETING,
            ]
        },
    )
    _, report = validate(path, REVIEW)
    assert ["missing-column", "Review Meetings row 1"] in report.flatten("code", "location")
    assert "headers-not-first" not in {p.code for p in report.problems}


def test_a_first_row_with_one_contract_header_is_still_the_header_row(tmp_path: Path) -> None:
    """Headers with a missing column are not mistaken for a title: no row below holds
    more of the contract's headers, so the missing column is reported as such."""
    path = reviews_workbook(tmp_path, **{"Review Meetings": [MEETING[:-1], meeting("R1")[:-1]]})
    _, report = validate(path, REVIEW)
    assert report.flatten("code") == [["missing-column"]]


@pytest.mark.parametrize(
    ("state", "shown", "how"),
    [
        ("hidden", "hidden", "right-click a sheet tab, Unhide"),
        ("veryHidden", "very hidden", "only Excel's VBA editor can"),
    ],
)
def test_a_hidden_sheet_is_read_with_a_warning(
    tmp_path: Path, state: str, shown: str, how: str
) -> None:
    """A user who cannot see a sheet may not know its rows make the documents. A very
    hidden sheet is not in Excel's Unhide list, so the advice differs."""
    path = reviews_workbook(
        tmp_path,
        meetings=[meeting("R1")],
        attendees=[["R1", "Bo", "Social Worker", "Attended"]],
    )
    edit_workbook(path, path, lambda wb: setattr(wb["Attendees"], "sheet_state", state))
    tables, report = validate(path, REVIEW)
    assert report.ok
    assert report.flatten("code", "location", "severity") == [
        ["hidden-sheet", "Attendees", "warning"]
    ]
    (warning,) = report.problems
    assert (
        warning.message == f"sheet 'Attendees' is {shown} in Excel; its rows were read all the same"
    )
    assert how in warning.expected
    assert [a.name for a in tables[ReviewAttendee]] == ["Bo"]


def test_stage_out_of_range(tmp_path: Path) -> None:
    path = build_workbook(
        tmp_path / "alerts.xlsx", {"Alerts": [ALERTS, alert("A1", stage=5), alert("A2", stage=0)]}
    )
    tables, report = validate(path, ALERT)
    assert report.flatten("code", "location") == [
        ["invalid-code", "Alerts!F2"],
        ["invalid-code", "Alerts!F3"],
    ]
    assert len(tables[Alert]) == 0


def conference_workbook(tmp_path: Path, children: list[list[str]]) -> Path:
    """Conferences K1 (initial) and K2 (review), with ``children`` on Conference Children."""
    return build_workbook(
        tmp_path / "conferences.xlsx",
        {
            "Conferences": [
                ["Conference ID", "Conference Type", "Conference Date", "Due Date", "Chair"],
                ["K1", "Initial", "01/04/2014", "01/04/2014", "Tom"],
                ["K2", "Review", "01/10/2014", "01/10/2014", "Tom"],
            ],
            "Conference Children": [
                ["Conference ID", "Child ID", "Child Name", "Date of Birth", "Plan"],
                *children,
            ],
            "Conference Attendees": [["Conference ID", "Name", "Agency", "Attendance"]],
        },
    )


def test_bad_yes_no_on_a_conference_child(tmp_path: Path) -> None:
    path = conference_workbook(
        tmp_path,
        [
            ["K1", "C1", "Sam", "01/01/2010", "perhaps"],
            ["K1", "C2", "Max", "01/01/2012", "Y"],
            ["K2", "C2", "Max", "01/01/2012", "Y"],
        ],
    )
    tables, report = validate(path, CONFERENCE)
    assert report.flatten("code", "location") == [["invalid-yes-no", "Conference Children!E2"]]
    assert [(c.child_id, c.plan) for c in tables[ConferenceChild]] == [("C2", True)] * 2


def test_a_child_listed_twice_at_one_conference_is_an_error(tmp_path: Path) -> None:
    """The rows may disagree (a plan on one, none on the other): each repeat is named,
    in the same run as any other mistake on either row. The same child at two
    conferences is fine."""
    path = conference_workbook(
        tmp_path,
        [
            ["K1", "C1", "Sam", "01/01/2010", "Y"],
            ["K1", "C2", "Max", "01/01/2012", "Y"],
            ["k1", "c1", "Sam", "01/01/2010", "N"],
            ["K2", "C1", "Sam", "01/01/2010", "perhaps"],
            ["K2", "C1", "Sam", "01/01/2010", "Y"],
        ],
    )
    tables, report = validate(path, CONFERENCE)
    assert report.flatten("code", "location") == [
        ["invalid-yes-no", "Conference Children!E5"],
        ["listed-twice", "Conference Children!B4"],
        ["listed-twice", "Conference Children!B6"],
    ]
    assert report.problems[1].message == (
        "Child ID 'c1' is listed more than once for Conference ID 'k1' (first in row 2)"
    )
    assert [(c.conference_id, c.child_id) for c in tables[ConferenceChild]] == [
        ("K1", "C1"),
        ("K1", "C2"),
    ]


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


def test_a_chart_sheet_named_like_a_contract_sheet_is_named_as_a_chart(tmp_path: Path) -> None:
    """The user sees a tab called Decisions: 'no sheet named Decisions' would baffle them."""
    path = reviews_workbook(tmp_path, meetings=[meeting("R1")])
    wb = openpyxl.load_workbook(path)
    del wb["Decisions"]
    chart = BarChart()
    chart.add_data(Reference(wb["Attendees"], min_col=1, min_row=1, max_row=2))
    wb.create_chartsheet(" decisions").add_chart(chart)
    wb.save(path)
    _, report = validate(path, REVIEW)
    assert report.flatten("code", "location") == [["missing-sheet", " decisions"]]
    problem = report.problems[0]
    assert problem.message == "sheet ' decisions' is a chart sheet, which holds no rows"
    assert problem.expected == (
        "a worksheet 'Decisions' holding the table (a chart may sit on a sheet of its own "
        "under another name)"
    )


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
        ["invalid-code", "Alerts!F2"],
    ]


# --------------------------------------------------------------------------- excel error values


def test_excel_error_in_an_optional_column_is_an_error_not_a_blank(tmp_path: Path) -> None:
    """A Date Ceased of #N/A read as blank would count the child as still looked after."""

    def edit(wb) -> None:
        wb["Children"]["G4"] = "#N/A"  # openpyxl stores an error cell (t="e")

    path = edit_workbook(SAMPLES / "annual_2014.xlsx", tmp_path / "annual.xlsx", edit)
    tables, report = validate(path, ANNUAL)
    assert report.flatten("code", "location", "severity") == [
        ["excel-error", "Children!G4", "error"]
    ]
    assert str(report.problems[0]) == (
        "Children!G4: Date Ceased '#N/A' is an Excel error value; "
        "expected a date such as 31/03/2014, or a blank cell"
    )
    assert report.problems[0].value == "#N/A"
    assert 4 not in tables[Child].row_numbers


def test_excel_error_in_a_required_column_is_not_called_blank(tmp_path: Path) -> None:
    row = meeting("R1")
    row[3] = "#REF!"
    path = reviews_workbook(tmp_path, meetings=[row])
    tables, report = validate(path, REVIEW)
    assert report.flatten("code", "location", "severity") == [
        ["excel-error", "Review Meetings!D2", "error"]
    ]
    problem = report.problems[0]
    assert problem.message == "Date of Birth '#REF!' is an Excel error value"
    assert problem.expected == "a date such as 31/03/2014"
    assert len(tables[ReviewMeeting]) == 0


@pytest.mark.parametrize(
    "error", ["#N/A", "#REF!", "#DIV/0!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!"]
)
def test_every_excel_error_value_is_reported(tmp_path: Path, error: str) -> None:
    path = reviews_workbook(
        tmp_path, meetings=[meeting("R1")], attendees=[["R1", error, "SW", "Attended"]]
    )
    _, report = validate(path, REVIEW)
    assert report.flatten("code", "location", "value") == [["excel-error", "Attendees!B2", error]]


def test_excel_error_in_an_ignored_column_of_a_blank_row_makes_no_row(tmp_path: Path) -> None:
    """A helper column's VLOOKUP dragged below the data shows #N/A on empty rows."""
    path = reviews_workbook(
        tmp_path,
        meetings=[meeting("R1")],
        Attendees=[
            [*ATTENDEE, "Lookup"],
            ["R1", "Bo", "SW", "Attended", "x"],
            [None, None, None, None, "#N/A"],
        ],
    )
    tables, report = validate(path, REVIEW)
    assert report.flatten("code", "location", "severity") == [
        ["unknown-column", "Attendees!E1", "warning"]
    ]
    assert tables[ReviewAttendee].row_numbers == [2]


# --------------------------------------------------------------------------- sheets and parents


def test_two_sheets_matching_one_name_are_an_error(tmp_path: Path) -> None:
    def edit(wb) -> None:
        wb.copy_worksheet(wb["CP Plans"]).title = "CP_Plans"

    path = edit_workbook(SAMPLES / "annual_2014.xlsx", tmp_path / "annual.xlsx", edit)
    tables, report = validate(path, ANNUAL)
    assert report.flatten("code", "location", "severity") == [
        ["duplicate-sheet", "CP_Plans", "error"]
    ]
    problem = report.problems[0]
    assert problem.message == (
        "sheets 'CP Plans' and 'CP_Plans' both match 'CP Plans'; only 'CP Plans' was read"
    )
    assert problem.expected == "one sheet named 'CP Plans': rename or delete the other"
    assert tables[CPPlan].sheet_name == "CP Plans"


def test_missing_id_column_on_a_parent_sheet_gives_only_that_error(tmp_path: Path) -> None:
    """Without the Children's IDs, no Reviews or Disputes row can be called an orphan."""

    def edit(wb) -> None:
        wb["Children"]["A1"] = "Child Ref"

    path = edit_workbook(SAMPLES / "annual_2014.xlsx", tmp_path / "annual.xlsx", edit)
    _, report = validate(path, ANNUAL)
    assert report.flatten("code", "location", "severity") == [
        ["unknown-column", "Children!A1", "warning"],
        ["missing-column", "Children row 1", "error"],
    ]


def test_missing_parent_id_column_on_a_child_sheet_does_not_empty_its_parents(
    tmp_path: Path,
) -> None:
    """Conference Children without Conference ID: no conference is said to have no children."""
    path = build_workbook(
        tmp_path / "conferences.xlsx",
        {
            "Conferences": [
                ["Conference ID", "Conference Type", "Conference Date", "Due Date", "Chair"],
                ["K1", "Initial", "01/04/2014", "01/04/2014", "Tom"],
            ],
            "Conference Children": [
                ["Conf Ref", "Child ID", "Child Name", "Date of Birth"],
                ["K1", "C1", "Sam", "01/01/2010"],
            ],
            "Conference Attendees": [["Conference ID", "Name", "Agency", "Attendance"]],
        },
    )
    _, report = validate(path, CONFERENCE)
    assert report.flatten("code", "location", "severity") == [
        ["unknown-column", "Conference Children!A1", "warning"],
        ["missing-column", "Conference Children row 1", "error"],
    ]


# --------------------------------------------------------------------------- every error of a row


def test_every_field_error_and_duplicate_id_is_reported_in_one_run(tmp_path: Path) -> None:
    """Row 2: Review Number 0 and PN9; row 3: PN8; row 4 repeats row 3's Review ID."""
    headers = [*MEETING, "Review Number", "Participation"]
    path = reviews_workbook(
        tmp_path,
        **{
            "Review Meetings": [
                headers,
                [*meeting("R1"), 0, "PN9"],
                [*meeting("R2"), 1, "PN8"],
                [*meeting("r2"), 1, "PN1"],
            ]
        },
    )
    tables, report = validate(path, REVIEW)
    assert report.flatten("code", "location", "severity") == [
        ["invalid-value", "Review Meetings!H2", "error"],
        ["invalid-code", "Review Meetings!I2", "error"],
        ["invalid-code", "Review Meetings!I3", "error"],
        ["duplicate-id", "Review Meetings!A4", "error"],
    ]
    assert str(report.problems[0]) == (
        "Review Meetings!H2: Review Number 0 is not allowed; "
        "expected a whole number that is at least 1"
    )
    assert report.problems[3].message == "Review ID 'r2' is used again (first in row 3)"
    assert len(tables[ReviewMeeting]) == 0


def test_constraint_of_a_converted_cell_is_reported_beside_a_conversion_error(
    tmp_path: Path,
) -> None:
    long_id = "C" * 63
    row = meeting("R1", child_id=long_id)
    row[4] = "soon"
    path = reviews_workbook(tmp_path, meetings=[row])
    _, report = validate(path, REVIEW)
    assert report.flatten("code", "location", "severity") == [
        ["invalid-value", "Review Meetings!B2", "error"],
        ["invalid-date", "Review Meetings!E2", "error"],
    ]
    assert str(report.problems[0]) == (
        "Review Meetings!B2: Child ID is 63 characters long; expected at most 50 characters"
    )


def test_duplicate_id_is_reported_once_when_its_cell_is_wrong_already(tmp_path: Path) -> None:
    long_id = "R" * 51
    path = reviews_workbook(tmp_path, meetings=[meeting(long_id), meeting(long_id)])
    _, report = validate(path, REVIEW)
    assert report.flatten("code", "location") == [
        ["invalid-value", "Review Meetings!A2"],
        ["invalid-value", "Review Meetings!A3"],
    ]


def test_range_constraints_read_as_plain_english(tmp_path: Path) -> None:
    def edit(wb) -> None:
        wb["Staff"]["C2"] = 1.5
        wb["History"]["C2"] = 1066

    path = edit_workbook(SAMPLES / "annual_2014.xlsx", tmp_path / "annual.xlsx", edit)
    _, report = validate(path, ANNUAL)
    assert [str(p) for p in report.problems] == [
        "Staff!C2: FTE 1.5 is not allowed; expected a number that is more than 0 and at most 1",
        "History!C2: Year 1066 is not allowed; expected a whole number from 1990 to 2100",
    ]
    assert all("should" not in p.message + p.expected for p in report.problems)


def test_code_list_names_take_the_right_article(tmp_path: Path) -> None:
    path = reviews_workbook(
        tmp_path, meetings=[meeting("R1")], attendees=[["R1", "Bo", "SW", "Maybe"]]
    )
    _, report = validate(path, REVIEW)
    assert report.flatten("code", "location") == [["invalid-code", "Attendees!D2"]]
    assert report.problems[0].message == "Attendance 'Maybe' is not an attendance"
    assert report.problems[0].expected.startswith("an attendance code or label: ")


def test_true_false_or_date_in_an_id_column_is_an_error(tmp_path: Path) -> None:
    path = reviews_workbook(
        tmp_path, meetings=[meeting(D(2013, 1, 1)), meeting("R2", child_id=True)]
    )
    _, report = validate(path, REVIEW)
    assert report.flatten("code", "location", "severity") == [
        ["invalid-id", "Review Meetings!A2", "error"],
        ["invalid-id", "Review Meetings!B3", "error"],
    ]
    assert [str(p) for p in report.problems] == [
        "Review Meetings!A2: Review ID 01/01/2013 is a date, not an ID; "
        "expected an ID typed as text or a number",
        "Review Meetings!B3: Child ID TRUE is a true/false value, not an ID; "
        "expected an ID typed as text or a number",
    ]


# --------------------------------------------------------------------------- rules beside bad cells


def test_a_rule_broken_by_a_rows_right_cells_is_reported_beside_its_wrong_cell(
    tmp_path: Path,
) -> None:
    """One run lists both: an ID Excel turned into TRUE, and a looked-after date before
    the child was born (the rule used to wait until the ID was put right)."""
    row = meeting("R1")
    row[1] = True  # Child ID
    row[5] = "01/01/2009"  # Date Became Looked After, before the birth on 01/01/2010
    _, report = validate(reviews_workbook(tmp_path, meetings=[row]), REVIEW)
    assert [(p.code, p.location) for p in report.errors] == [
        ("invalid-id", "Review Meetings!B2"),
        ("inconsistent-row", "Review Meetings!F2"),
    ]
    assert "is before the child's date of birth" in report.errors[1].message


def test_a_rule_needing_a_wrong_cell_waits_for_it_and_reports_nothing_false(
    tmp_path: Path,
) -> None:
    """A wrong date is neither before nor after another, nor blank: no rule fires on it."""
    row = meeting("R1")
    row[3] = "31/02/2010"  # Date of Birth, not a date
    row[5] = "01/01/2009"  # would be before the birth, were the birth a date
    _, report = validate(reviews_workbook(tmp_path, meetings=[row]), REVIEW)
    assert [(p.code, p.location) for p in report.errors] == [("invalid-date", "Review Meetings!D2")]


def test_a_rule_across_cells_names_every_cell_it_compared_with_its_value(tmp_path: Path) -> None:
    """A date of birth typed in the future: the looked-after date is blamed, and the
    date of birth, the cell that is wrong, is named with its value too."""
    row = meeting("R1")
    row[3] = "05/03/2031"  # Date of Birth, in the future
    row[5] = "01/02/2013"  # Date Became Looked After
    _, report = validate(reviews_workbook(tmp_path, meetings=[row]), REVIEW)
    (problem,) = [p for p in report.errors if p.code == "inconsistent-row"]
    assert problem.location == "Review Meetings!F2"
    assert problem.message == (
        "Date Became Looked After 01/02/2013 is before the child's date of birth "
        "(Date of Birth 05/03/2031 at D2, a date in the future)"
    )
    data = json.loads(report.to_json())
    assert data["problems"][0]["cells"] == ["F2", "D2"]


# --------------------------------------------------------------------------- did you mean


def test_a_code_typo_gets_the_nearest_code_not_the_whole_list(tmp_path: Path) -> None:
    def edit(wb) -> None:
        wb["Children"]["E2"] = "Care Ordr"

    path = edit_workbook(SAMPLES / "annual_2014.xlsx", tmp_path / "annual_2014.xlsx", edit)
    _, report = validate(path, ANNUAL)
    (problem,) = report.errors
    assert problem.message == (
        "Legal Status 'Care Ordr' is not a legal status; did you mean 'Care Order' (C2)?"
    )
    assert problem.expected == "a legal status code or label (13 in all: docs/workbooks.md)"


def test_a_misspelt_sheet_is_named_as_the_one_meant(tmp_path: Path) -> None:
    path = build_workbook(
        tmp_path / "reviews.xlsx",
        {"Review Meetings": [MEETING], "Atendees": [ATTENDEE], "Decisions": [DECISION]},
    )
    _, report = validate(path, REVIEW)
    (problem,) = report.errors
    assert problem.message == (
        "the workbook has no sheet named 'Attendees'; did you mean 'Atendees'?"
    )
    assert problem.sheet == "Atendees"
    assert len(str(problem)) < 200


def test_a_header_with_the_words_in_another_order_is_named_as_the_one_meant(
    tmp_path: Path,
) -> None:
    """'Birth Date' (as many exports write it) got no "did you mean 'Date of Birth'"."""
    headers = ["Birth Date" if h == "Date of Birth" else h for h in MEETING]
    path = reviews_workbook(tmp_path, **{"Review Meetings": [headers, meeting("R1")]})
    _, report = validate(path, REVIEW)
    assert [
        p.message for p in report.problems if p.code in ("missing-column", "unknown-column")
    ] == [
        "column 'Birth Date' is not part of the contract and is ignored; did you mean "
        "'Date of Birth'?",
        "required column 'Date of Birth' (or DOB) is missing; did you mean 'Birth Date' at D1?",
    ]


def test_an_exports_own_name_for_a_column_is_named_as_the_one_meant(tmp_path: Path) -> None:
    """'Gender' (optional Sex) was ignored with no word of Sex: its data silently lost."""

    def rename(wb: openpyxl.Workbook) -> None:
        wb["Children"]["C1"], wb["Children"]["D1"] = "Gender", "Ethnic Origin"

    path = edit_workbook(SAMPLES / "annual_2014.xlsx", tmp_path / "annual_2014.xlsx", rename)
    report = pipeline.check_workbook(path, "annual")
    said = [p.message for p in report.problems if p.code in ("missing-column", "unknown-column")]
    assert "column 'Gender' is not part of the contract and is ignored; did you mean 'Sex'?" in said
    assert (
        "required column 'Ethnicity' (or ETHNIC) is missing; did you mean 'Ethnic Origin' at D1?"
        in said
    )


def test_a_misspelt_required_column_is_named_as_the_one_meant(tmp_path: Path) -> None:
    headers = ["Date of Brith" if h == "Date of Birth" else h for h in MEETING]
    path = reviews_workbook(tmp_path, **{"Review Meetings": [headers, meeting("R1")]})
    _, report = validate(path, REVIEW)
    missing = [p for p in report.errors if p.code == "missing-column"]
    assert [p.message for p in missing] == [
        "required column 'Date of Birth' (or DOB) is missing; did you mean 'Date of Brith' at D1?"
    ]
