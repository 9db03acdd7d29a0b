"""Report: every problem of a workbook, as a summary for people and as JSON for programs."""

from __future__ import annotations

import json
from datetime import date

from docgen.errors import Problem
from docgen.report import SHOWN, Report

BAD_DATE = Problem(
    code="invalid-date",
    message="Date of Birth '31/02/2014' is not a real calendar date",
    sheet="Children",
    cell="B14",
    column="Date of Birth",
    value="31/02/2014",
    expected="a date such as 31/03/2014 (day first)",
    file="annual_2014.xlsx",
)
MISSING_COLUMN = Problem(
    code="missing-column",
    message="required column 'FTE' is missing",
    sheet="Staff",
    row=1,
    expected="a header 'FTE' in the header row",
)
UNKNOWN_COLUMN = Problem(
    code="unknown-column",
    message="column 'Notes' is not part of the contract and is ignored",
    sheet="Children",
    cell="K1",
    value="Notes",
    severity="warning",
)
MISSING_SHEET = Problem(code="missing-sheet", message="the workbook has no sheet named 'Staff'")


def report_of(*problems: Problem, file: str | None = "/data/annual_2014.xlsx") -> Report:
    report = Report(file=file)
    report.extend(problems)
    return report


def error(n: int) -> Problem:
    return Problem(code="blank-cell", message="Child ID is blank", sheet="Children", cell=f"A{n}")


def test_location_is_how_an_excel_user_names_a_place() -> None:
    assert BAD_DATE.location == "Children!B14"
    assert MISSING_COLUMN.location == "Staff row 1"
    assert Problem(code="x", message="m", sheet="Staff").location == "Staff"
    assert MISSING_SHEET.location == ""


def test_problem_reads_as_one_line() -> None:
    assert str(BAD_DATE) == (
        "Children!B14: Date of Birth '31/02/2014' is not a real calendar date; "
        "expected a date such as 31/03/2014 (day first)"
    )
    assert str(MISSING_SHEET) == "the workbook has no sheet named 'Staff'"


def test_summary_line_counts_errors_and_warnings() -> None:
    report = report_of(BAD_DATE, UNKNOWN_COLUMN, MISSING_COLUMN)
    lines = report.to_text().splitlines()
    assert lines[0] == report.headline() == "annual_2014.xlsx: 2 errors, 1 warning."
    assert lines[1] == f"  error   {BAD_DATE}"
    assert lines[2] == f"  error   {MISSING_COLUMN}"
    assert lines[3] == f"  warning {UNKNOWN_COLUMN}"
    assert len(lines) == 4


def test_summary_uses_singular_and_plural() -> None:
    assert report_of(BAD_DATE).to_text().splitlines()[0] == "annual_2014.xlsx: 1 error, 0 warnings."
    two_warnings = report_of(UNKNOWN_COLUMN, UNKNOWN_COLUMN).to_text().splitlines()[0]
    assert two_warnings == "annual_2014.xlsx: 0 errors, 2 warnings."


def test_errors_are_listed_before_warnings() -> None:
    lines = report_of(UNKNOWN_COLUMN, BAD_DATE).to_text().splitlines()
    assert [line.split()[0] for line in lines[1:]] == ["error", "warning"]


def test_clean_report() -> None:
    report = report_of()
    assert report.ok
    assert report.to_text() == "annual_2014.xlsx: no problems found."
    assert Report().to_text() == "the workbook: no problems found."


def test_warnings_alone_leave_the_report_ok() -> None:
    report = report_of(UNKNOWN_COLUMN)
    assert report.ok
    assert report.errors == []
    assert report.warnings == [UNKNOWN_COLUMN]


def test_flatten() -> None:
    report = report_of(BAD_DATE, MISSING_COLUMN, UNKNOWN_COLUMN, MISSING_SHEET)
    assert report.flatten() == [
        ["invalid-date", "Children!B14"],
        ["missing-column", "Staff row 1"],
        ["unknown-column", "Children!K1"],
        ["missing-sheet", ""],
    ]
    assert report.flatten("code", "location") == report.flatten()
    assert report.flatten("severity", "cell", "value") == [
        ["error", "B14", "31/02/2014"],
        ["error", None, None],
        ["warning", "K1", "Notes"],
        ["error", None, None],
    ]


def test_to_table_shows_values_as_typed() -> None:
    found = Problem(
        code="inconsistent-row",
        message="Plan End Date 01/05/2013 is before the plan's start date",
        sheet="CP Plans",
        cell="D7",
        value=date(2013, 5, 1),
        expected="a date on or after the start",
    )
    stage = Problem(code="invalid-value", message="m", sheet="Disputes", row=9, value=5.0)
    assert report_of(found, stage).to_table() == [
        (
            "error",
            "CP Plans",
            "D7",
            "01/05/2013",
            "Plan End Date 01/05/2013 is before the plan's start date; "
            "expected a date on or after the start",
        ),
        ("error", "Disputes", "9", "5", "m"),
    ]


def test_to_json_parses_and_carries_the_counts() -> None:
    data = json.loads(report_of(BAD_DATE, UNKNOWN_COLUMN, MISSING_COLUMN).to_json())
    assert data["file"] == "/data/annual_2014.xlsx"
    assert data["valid"] is False
    assert (data["error_count"], data["warning_count"]) == (2, 1)
    assert data["truncated"] is False
    assert [p["code"] for p in data["problems"]] == [
        "invalid-date",
        "unknown-column",
        "missing-column",
    ]
    assert data["problems"][0] == {
        "code": "invalid-date",
        "severity": "error",
        "file": "annual_2014.xlsx",
        "sheet": "Children",
        "cell": "B14",
        "row": 14,
        "column": "Date of Birth",
        "value": "31/02/2014",
        "expected": "a date such as 31/03/2014 (day first)",
            "line": None,
            "path": None,
        "message": str(BAD_DATE),
        "cells": ["B14"],
    }


def test_to_json_keeps_non_ascii_text() -> None:
    curly = Problem(
        code="unknown-column", message="column 'Child\u2019s Veiws'", severity="warning"
    )
    assert "Child\u2019s Veiws" in report_of(curly).to_json()
    assert json.loads(report_of(curly).to_json())["valid"] is True


def test_every_problem_is_kept_however_many() -> None:
    """An episode extract pasted into Children gives thousands; the last is still listed."""
    report = report_of(*(error(n) for n in range(2, 5_002)))
    assert len(report.errors) == report.error_total == 5_000
    assert report.problems[-1].cell == "A5001"
    data = json.loads(report.to_json())
    assert data["truncated"] is False
    assert len(data["problems"]) == data["error_count"] == 5_000
    assert report.to_text().splitlines()[-1] == f"  error   {error(5001)}"


def test_text_with_a_limit_counts_by_kind_then_lists_the_first() -> None:
    report = report_of(*(error(n) for n in range(2, SHOWN + 12)), UNKNOWN_COLUMN)
    lines = report.to_text(limit=SHOWN).splitlines()
    assert lines[:5] == [
        f"annual_2014.xlsx: {SHOWN + 10} errors, 1 warning.",
        "By kind:",
        f"  error   {SHOWN + 10:>6}  blank-cell in Children: A2, A3, A4, A5, A6, ...",
        "  warning      1  unknown-column in Children: K1",
        f"The first {SHOWN}:",
    ]
    assert lines[5:-1] == [f"  error   {error(n)}" for n in range(2, SHOWN + 2)]
    assert lines[-1] == "  ... and 11 more."


def test_a_limit_above_the_count_lists_all_without_a_summary() -> None:
    report = report_of(BAD_DATE, UNKNOWN_COLUMN)
    assert report.to_text(limit=SHOWN) == report.to_text()
