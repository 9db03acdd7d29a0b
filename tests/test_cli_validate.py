"""`docgen validate`: every problem of a workbook at once, for people and for programs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from docgen.cli import main
from tests.conftest import SAMPLES, edit_workbook, run_cli


def run(*args: str):
    return CliRunner().invoke(main, ["validate", *args], catch_exceptions=False)


def test_clean_samples_exit_zero() -> None:
    for name in ("annual_2014", "review_meetings", "alerts", "conferences"):
        result = run(str(SAMPLES / f"{name}.xlsx"))
        assert result.exit_code == 0, result.output
        assert "no problems found" in result.output


def _broken_reviews(tmp_path: Path) -> Path:
    def edit(wb):
        wb["Review Meetings"]["D3"] = "31/02/2014"
        wb["Review Meetings"]["E4"] = "soon"
        wb["Attendees"]["A5"] = "R9999"

    return edit_workbook(SAMPLES / "review_meetings.xlsx", tmp_path / "bad.xlsx", edit)


def test_table_lists_each_error_once_with_its_cell(tmp_path: Path) -> None:
    result = run(str(_broken_reviews(tmp_path)))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == "bad.xlsx: 3 errors, 0 warnings."
    assert [line.split()[:2] for line in lines[2:]] == [["error", "Review"]] * 2 + [
        ["error", "Attendees"]
    ]
    assert "D3" in lines[2] and "31/02/2014" in lines[2] and "not a real calendar date" in lines[2]
    assert "A5" in lines[4] and "R9999" in lines[4]


def test_rows_of_an_invalid_parent_are_not_reported_again(tmp_path: Path) -> None:
    """R0002's own date is wrong; its attendees must not be called orphans as well."""
    result = run(str(_broken_reviews(tmp_path)), "--format", "json")
    data = json.loads(result.output)
    assert data["error_count"] == 3
    assert {(p["sheet"], p["cell"], p["code"]) for p in data["problems"]} == {
        ("Review Meetings", "D3", "invalid-date"),
        ("Review Meetings", "E4", "invalid-date"),
        ("Attendees", "A5", "unknown-parent"),
    }


def test_json_gives_the_row_of_every_problem_placed_at_a_cell(tmp_path: Path) -> None:
    """A program reads positions from one field, whatever kind of problem it is."""

    def edit(wb):
        wb["Review Meetings"]["D3"] = "31/02/2014"  # a conversion error
        wb["Review Meetings"]["G4"] = 0  # a constraint
        wb["Attendees"]["A5"] = "R9999"  # an orphan
        wb["Attendees"]["E1"] = "Notes"  # an unknown column in the header row

    path = edit_workbook(SAMPLES / "review_meetings.xlsx", tmp_path / "bad.xlsx", edit)
    problems = json.loads(run(str(path), "--format", "json").output)["problems"]
    assert [(p["code"], p["cell"], p["row"]) for p in problems] == [
        ("invalid-date", "D3", 3),
        ("invalid-value", "G4", 4),
        ("unknown-column", "E1", 1),
        ("unknown-parent", "A5", 5),
    ]


def test_json_names_the_contract_column_of_a_header_problem(tmp_path: Path) -> None:
    """A program must not parse the message to learn which column is missing."""

    def edit(wb):
        wb["Attendees"]["D1"] = "Attendence"
        wb["Decisions"]["E1"] = "decision"

    path = edit_workbook(SAMPLES / "review_meetings.xlsx", tmp_path / "bad.xlsx", edit)
    problems = json.loads(run(str(path), "--format", "json").output)["problems"]
    assert [(p["code"], p["sheet"], p["cell"], p["column"], p["value"]) for p in problems] == [
        ("unknown-column", "Attendees", "D1", None, "Attendence"),
        ("missing-column", "Attendees", None, "Attendance", None),
        ("duplicate-column", "Decisions", "E1", "Decision", "decision"),
    ]


def test_kind_is_recognised_or_given(tmp_path: Path) -> None:
    copy = Path(shutil.copy(SAMPLES / "alerts.xlsx", tmp_path / "anything.xlsx"))
    assert run(str(copy)).exit_code == 0
    result = run(str(copy), "--kind", "review", "--format", "json")
    assert result.exit_code == 1
    codes = {p["code"] for p in json.loads(result.output)["problems"]}
    assert codes == {"missing-sheet"}


def test_a_file_that_is_not_a_workbook(tmp_path: Path) -> None:
    notes = tmp_path / "notes.csv"
    notes.write_text("a,b\n1,2\n")
    result = run(str(notes), "--format", "json")
    assert result.exit_code == 1
    problem = json.loads(result.output)["problems"][0]
    assert problem["code"] == "unreadable-workbook"
    assert "CSV file" in problem["message"]


def _annual_with_a_late_anchorless_review(tmp_path: Path, name: str) -> Path:
    """The sample, plus a review whose due date can only be worked out for a given year."""

    def edit(wb):
        wb["Children"].append(["Z1", "01/01/2005", None, "WBRI", "C2", "01/01/2010"])
        wb["Reviews"].append(["Z1", "10/06/2013"])

    return edit_workbook(SAMPLES / "annual_2014.xlsx", tmp_path / name, edit)


def test_an_annual_workbook_is_checked_for_the_year_in_its_name(tmp_path: Path) -> None:
    result = run(str(_annual_with_a_late_anchorless_review(tmp_path, "IRO annual 2013-14.xlsx")))
    assert result.exit_code == 1
    assert (
        "due-date-unknown"
        in run(str(tmp_path / "IRO annual 2013-14.xlsx"), "--format", "json").output
    )


def test_an_annual_workbook_with_no_year_says_its_figures_were_not_checked(
    tmp_path: Path,
) -> None:
    path = _annual_with_a_late_anchorless_review(tmp_path, "annual.xlsx")
    result = run(str(path), "--format", "json")
    assert result.exit_code == 0
    [warning] = json.loads(result.output)["problems"]
    assert warning["code"] == "year-unknown"
    assert run(str(path), "--year", "2014").exit_code == 1


def test_a_missing_sheet_is_named_without_asking_for_the_kind(tmp_path: Path) -> None:
    def misspell(wb):
        wb["CP Plans"].title = "CP Plan"

    path = edit_workbook(SAMPLES / "annual_2014.xlsx", tmp_path / "annual_2014.xlsx", misspell)
    result = run(str(path))
    assert result.exit_code == 1
    assert "the workbook has no sheet named 'CP Plans'" in result.output


def test_an_annual_workbook_named_without_a_year_takes_it_from_its_report_sheet(
    tmp_path: Path,
) -> None:
    def with_year(value):
        def edit(wb):
            wb["Children"].append(["Z1", "01/01/2005", None, "WBRI", "C2", "01/01/2010"])
            wb["Reviews"].append(["Z1", "10/06/2013"])
            wb["Report"].append(["Reporting Year", value])

        return edit

    checked = edit_workbook(SAMPLES / "annual_2014.xlsx", tmp_path / "a.xlsx", with_year("2013-14"))
    result = run(str(checked), "--format", "json")
    assert [p["code"] for p in json.loads(result.output)["problems"]] == ["due-date-unknown"]
    wrong = edit_workbook(SAMPLES / "annual_2014.xlsx", tmp_path / "b.xlsx", with_year("soon"))
    [problem] = json.loads(run(str(wrong), "--format", "json").output)["problems"]
    assert (problem["code"], problem["sheet"], problem["cell"]) == ("invalid-value", "Report", "B6")


def test_a_folder_of_workbooks_is_not_passed_as_having_no_problems(tmp_path: Path) -> None:
    """`docgen validate examples/` read no returns and so checked nothing, yet said
    "0 errors" and exited 0: it now fails and names the way to check a workbook."""
    folder = tmp_path / "examples"
    folder.mkdir()
    shutil.copyfile(SAMPLES / "alerts.xlsx", folder / "alerts.xlsx")
    result = run_cli("validate", str(folder))
    assert result.exit_code == 1
    assert "examples holds no SSDA903 or CIN census file, so nothing was checked" in result.output
    assert f"docgen validate {folder.as_posix()}/alerts.xlsx" in result.output
