"""`docgen annual`: the published 2013-14 report reproduced from case-level rows."""

from __future__ import annotations

import shutil
import stat
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import (
    SAMPLES,
    all_text,
    build_workbook,
    docx_tables,
    edit_workbook,
    find_table,
    row_of,
    run_cli,
)


@pytest.fixture
def report(annual_report: Path) -> Path:
    return annual_report


def test_age_table_matches_the_seed(report: Path) -> None:
    table = find_table(report, "Age")
    assert table[0] == ["Age", "31 March 2013", "31 March 2014"]
    expected = {
        "0-1": ("26", "20"),
        "1-4": ("54", "59"),
        "5-9": ("46", "45"),
        "10-15": ("89 (+1)", "107"),  # the seed's 2013 brackets are short-breaks (respite)
        "16-18": ("50 (+1)", "59"),  # children, printed "+(1)"; its 2014 column has none
        "Total": ("265 (267)", "290"),
    }
    for label, (before, now) in expected.items():
        assert row_of(table, label) == {"31 March 2013": before, "31 March 2014": now}


def test_legal_status_table_matches_the_seed(report: Path) -> None:
    table = find_table(report, "Legal status")
    assert table[0] == ["Legal status", "2011", "2012", "2013", "2014"]
    expected = {
        "Interim Care Order": ["21", "49", "42", "47"],
        "Care Order": ["52", "61", "63", "78"],
        "Police Powers of Protection": ["-", "-", "0", "1"],
        "Placement Order": ["16", "27", "31", "42"],
        "Youth Justice Remand to the Local Authority": ["1", "1", "0", "1"],
        "Emergency Protection Order": ["-", "1", "0", "0"],
        "S20 Accommodated by agreement of parents": ["113", "112", "131", "121"],
        "Total": ["203", "251", "267", "290"],
    }
    for label, cells in expected.items():
        assert list(row_of(table, label).values()) == cells, label


def test_ethnicity_table_matches_the_seed(report: Path) -> None:
    table = find_table(report, "Ethnicity")
    expected = {
        "White": ["170", "205", "224", "227"],
        "Mixed": ["18", "25", "19", "26"],
        "Asian": ["3", "5", "3", "1"],
        "Black": ["4", "4", "4", "3"],
        "Other": ["3", "4", "2", "22"],
        "N/A": ["5", "11", "15", "11"],
        "Total": ["203", "254", "267", "290"],
    }
    for label, cells in expected.items():
        assert list(row_of(table, label).values()) == cells, label


def test_adoption_table_matches_the_seed(report: Path) -> None:
    table = find_table(report, "Age", containing="Under 1")
    assert table[0] == ["Age", "2011/12", "2012/13", "2013/14"]
    expected = {
        "Under 1": ["5", "3", "1"],
        "1-2": ["12", "16", "15"],
        "3-5": ["7", "6", "5"],
        "5-10": ["2", "0", "1"],
        "Total": ["26", "25", "22"],
    }
    for label, cells in expected.items():
        assert list(row_of(table, label).values()) == cells, label


def test_category_of_abuse_table_matches_the_seed(report: Path) -> None:
    table = find_table(report, "Category of abuse")
    expected = {
        "Neglect": ["108", "112", "99"],
        "Physical Abuse": ["38", "34", "56"],
        "Sexual Abuse": ["8", "17", "10"],
        "Emotional Abuse": ["76", "69", "102"],
        "Multiple": ["0", "2", "2"],
        "Total number of children": ["230", "234", "269"],
    }
    for label, cells in expected.items():
        assert list(row_of(table, label).values()) == cells, label


def test_performance_tables_match_the_seed(report: Path) -> None:
    reviews = next(t for t in docx_tables(report) if any(r[0] == "Out of time" for r in t))
    assert row_of(reviews, "Out of time") == {"2011/12": "0", "2012/13": "1", "2013/14": "1"}
    assert row_of(reviews, "% on time") == {
        "2011/12": "100%",
        "2012/13": "99.5%",
        "2013/14": "99.5%",
    }
    conferences = find_table(report, "Conferences")
    assert row_of(conferences, "Initial conferences") == {"2013/14": "285"}
    assert row_of(conferences, "Review conferences") == {"2013/14": "175"}
    assert row_of(conferences, "Held out of time") == {"2013/14": "1"}
    assert row_of(conferences, "Initial out of time") == {"2013/14": "1"}  # the seed's "one
    assert row_of(conferences, "Review out of time") == {"2013/14": "0"}  # Initial held out"
    text = all_text(report)
    assert "6 days after its due date" in text
    assert "with Service Manager approval" in text


def edited_report(tmp_path: Path, edit: Callable[[openpyxl.Workbook], None]) -> Path:
    """The annual report of the sample, with ``edit`` made to a copy of its workbook."""
    data = tmp_path / "data"
    data.mkdir()
    edit_workbook(SAMPLES / "annual_2014.xlsx", data / "annual_2014.xlsx", edit)
    out = tmp_path / "report.docx"
    result = run_cli("annual", "--year", "2014", "--data", str(data), "--output", str(out))
    assert result.exit_code == 0, result.output
    return out


def test_history_typed_as_excel_percentages_reads_as_shown(tmp_path: Path) -> None:
    """A council types 99.5% into a cell Excel formats as a percentage: it stores 0.995,
    and the report must print 99.5%, not 1.0%."""

    def as_percentages(wb) -> None:
        for row in wb["History"].iter_rows(min_row=2):
            if row[1].value == "% On time":
                row[3].value = row[3].value / 100
                row[3].number_format = "0.0%"

    out = edited_report(tmp_path, as_percentages)
    reviews = next(t for t in docx_tables(out) if any(r[0] == "Out of time" for r in t))
    assert row_of(reviews, "% on time") == {
        "2011/12": "100%",
        "2012/13": "99.5%",
        "2013/14": "99.5%",
    }


def test_snapshot_staffing_and_other_figures(report: Path) -> None:
    tables = docx_tables(report)
    snapshot = next(t for t in tables if any(r[0] == "Families" for r in t))
    assert row_of(snapshot, "Children") == {"31 March 2014": "231"}
    assert row_of(snapshot, "Families") == {"31 March 2014": "121"}
    staffing = next(t for t in tables if any(r[0] == "Managers (FTE)" for r in t))
    assert row_of(staffing, "Independent Reviewing Officers (FTE)") == {"2013/14": "6"}
    caseloads = find_table(report, "Caseload")
    assert row_of(caseloads, "Looked after children per full-time IRO") == {"31 March 2014": "48.3"}
    assert row_of(caseloads, "Children on child protection plans") == {"31 March 2014": "231"}
    assert row_of(caseloads, "All children per full-time IRO") == {"31 March 2014": "86.8"}
    other = next(t for t in tables if any(r[0] == "LADO Allegations" for r in t))
    assert row_of(other, "Foster Carer Annual Reviews") == {"2013/14": "60"}
    assert row_of(other, "LADO Allegations") == {"2013/14": "108"}
    assert row_of(other, "ADM Adoption Decisions") == {"2013/14": "30"}
    disputes = next(t for t in tables if any(r[0] == "Escalated to CAFCASS" for r in t))
    assert row_of(disputes, "Alerts of concern raised") == {"2013/14": "14"}
    assert row_of(disputes, "Escalated to CAFCASS") == {"2013/14": "0"}


def test_commentary_title_and_no_leftover_tags(report: Path) -> None:
    text = all_text(report)
    headline = (  # against 265: the 267 of 2013 counted 2 short-breaks children
        "290 children were looked after on 31 March 2014, 25 more than on 31 March a year before."
    )
    assert headline in text
    assert "Westbourne Borough Council" in text
    assert "1 April 2013 to 31 March 2014" in text
    assert "{{" not in text and "{%" not in text


def test_output_is_owner_only(report: Path) -> None:
    assert stat.S_IMODE(report.stat().st_mode) == 0o600


def test_same_workbook_gives_identical_bytes(tmp_path: Path, report: Path) -> None:
    again = tmp_path / "again.docx"
    assert (
        run_cli("annual", "--year", "2014", "--data", str(SAMPLES), "-o", str(again)).exit_code == 0
    )
    assert again.read_bytes() == report.read_bytes()


def test_data_folder_comes_from_the_environment(tmp_path: Path, annual_sample: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    result = run_cli(
        "annual", "--year", "2014", "-o", str(out), env={"DOCGEN_DATA": str(annual_sample.parent)}
    )
    assert result.exit_code == 0, result.output
    assert (out / "annual_report_2014.docx").is_file()


# --------------------------------------------------------------------------- bad input


def _fails(tmp_path: Path, folder: Path, *expected: str) -> str:
    out = tmp_path / "out.docx"
    result = run_cli("annual", "--year", "2014", "--data", str(folder), "-o", str(out))
    assert result.exit_code != 0
    for text in expected:
        assert text in result.output
    assert not out.exists()
    assert not list(tmp_path.glob("*.tmp"))
    return result.output


def test_missing_sheet(tmp_path: Path, annual_sample: Path) -> None:
    edit_workbook(annual_sample, annual_sample, lambda wb: wb.remove(wb["Staff"]))
    _fails(tmp_path, annual_sample.parent, "no sheet named 'Staff'")


def test_missing_column(tmp_path: Path, annual_sample: Path) -> None:
    def drop(wb):
        ws = wb["Children"]
        col = next(c.column for c in ws[1] if c.value == "Ethnicity")
        ws.delete_cols(col)

    edit_workbook(annual_sample, annual_sample, drop)
    _fails(tmp_path, annual_sample.parent, "Children row 1", "required column 'Ethnicity'")


def _set(sheet: str, header: str, row: int, value):
    def edit(wb):
        ws = wb[sheet]
        col = next(c.column_letter for c in ws[1] if c.value == header)
        ws[f"{col}{row}"] = value

    return edit


def test_impossible_date(tmp_path: Path, annual_sample: Path) -> None:
    edit_workbook(annual_sample, annual_sample, _set("Children", "Date of Birth", 14, "31/02/2014"))
    out = _fails(
        tmp_path, annual_sample.parent, "Children!B14", "'31/02/2014'", "not a real calendar date"
    )
    assert "31/03/2014" in out  # what was expected


def test_unknown_legal_status(tmp_path: Path, annual_sample: Path) -> None:
    edit_workbook(annual_sample, annual_sample, _set("Children", "Legal Status", 9, "X9"))
    _fails(tmp_path, annual_sample.parent, "Children!", "'X9'", "is not a legal status", "C2")


def test_duplicate_child_id(tmp_path: Path, annual_sample: Path) -> None:
    def dup(wb):
        ws = wb["Children"]
        ws["A5"] = ws["A4"].value

    edit_workbook(annual_sample, annual_sample, dup)
    _fails(tmp_path, annual_sample.parent, "Children!A5", "used again (first in row 4)")


def test_all_errors_reported_at_once(tmp_path: Path, annual_sample: Path) -> None:
    def many(wb):
        _set("Children", "Date of Birth", 14, "31/02/2014")(wb)
        _set("Children", "Legal Status", 9, "X9")(wb)
        _set("Reviews", "Review Date", 3, "1st of December")(wb)

    edit_workbook(annual_sample, annual_sample, many)
    out = _fails(tmp_path, annual_sample.parent, "3 errors", "Children!B14", "Reviews!B3")
    assert "X9" in out


def test_not_an_xlsx(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "annual_2014.xlsx").write_text("Child ID,DOB\nC1,01/01/2010\n")
    _fails(tmp_path, folder, "is a text file (CSV or tab-separated text?) renamed to .xlsx")


def test_missing_workbook(tmp_path: Path) -> None:
    _fails(tmp_path, tmp_path, f"no annual workbook for 2013-14 in {tmp_path}: name it")


def test_the_years_workbook_is_found_by_its_name_or_its_report_sheet(tmp_path: Path) -> None:
    """Names fixed by another system: the workbook naming 2013-14, or whose Report sheet
    says Year 2014, is the one; --workbook names it outright."""
    by_name, by_sheet, other = (tmp_path / d for d in ("name", "sheet", "other"))
    for folder in (by_name, by_sheet, other):
        folder.mkdir()
    shutil.copy(SAMPLES / "annual_2014.xlsx", by_name / "IRO annual 2013-14 final.xlsx")
    edit_workbook(
        SAMPLES / "annual_2014.xlsx",
        by_sheet / "Eastmere IRO data.xlsx",
        lambda wb: wb["Report"].append(["Year", "2013-14"]),
    )
    shutil.copy(SAMPLES / "annual_2014.xlsx", other / "Eastmere IRO data.xlsx")
    for folder in (by_name, by_sheet):
        out = tmp_path / f"{folder.name}.docx"
        result = run_cli("annual", "--year", "2014", "--data", str(folder), "--output", str(out))
        assert result.exit_code == 0, result.output
    result = run_cli("annual", "--year", "2014", "--data", str(other), "--output", str(tmp_path))
    assert result.exit_code == 1
    assert f"no annual workbook for 2013-14 in {other} (it holds Eastmere IRO data.xlsx)" in (
        result.output
    )
    out = tmp_path / "given.docx"
    workbook = other / "Eastmere IRO data.xlsx"
    result = run_cli("annual", "--year", "2014", "--workbook", str(workbook), "--output", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == (tmp_path / "name.docx").read_bytes()


def test_input_is_never_modified(tmp_path: Path, annual_sample: Path) -> None:
    before = annual_sample.read_bytes()
    run_cli("annual", "--year", "2014", "--data", str(annual_sample.parent), "-o", str(tmp_path))
    assert annual_sample.read_bytes() == before


def test_a_small_council_with_no_history_or_prose(tmp_path: Path, report: Path) -> None:
    """Only the required sheets, one child: every table prints one year and reads sensibly."""
    folder = tmp_path / "data"
    folder.mkdir()
    build_workbook(
        folder / "annual_2016.xlsx",
        {
            "report": [["setting", "value"], ["Council", "Smalltown"]],
            "CHILDREN": [
                ["CHILD", "DOB", "ETHNIC", "LS", "DECOM"],
                ["A1", "01/01/2010", "White", "Care Order", "01/06/2015"],
            ],
            "Reviews": [["Child ID", "Review Date"], ["A1", "20/06/2015"]],
            "CP Plans": [["Child ID", "Family ID", "Plan Start Date", "Category of Abuse"]],
            "CP Conferences": [["Conference ID", "Conference Type", "Conference Date"]],
            "Adoptions": [["Child ID", "Date of Birth", "Date Placed For Adoption"]],
            "Disputes": [["Alert ID", "Child ID", "Date Raised", "Highest Stage"]],
            "Staff": [["Name", "Role", "FTE"]],
        },
    )
    out = tmp_path / "r.docx"
    result = run_cli("annual", "--year", "2016", "--data", str(folder), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert find_table(out, "Legal status")[0] == ["Legal status", "2016"]
    assert row_of(find_table(out, "Legal status"), "Care Order") == {"2016": "1"}
    text = all_text(out)
    assert "1 child was looked after on 31 March 2016." in text
    assert "No child protection conferences were held in 2015/16." in text
    assert "most common category (0)" not in text
    assert "No IRO posts are recorded, so no caseload can be given." in text
    assert "No alerts of concern were raised in 2015/16." in text
    assert "Other work of the service" not in text  # no Figures rows: no empty table
    assert "Other work of the service" in all_text(report)  # the sample has Figures rows


def test_the_three_charts_are_pictures_in_the_report(report: Path) -> None:
    from docx import Document

    shapes = Document(str(report)).inline_shapes
    assert len(shapes) == 3
    assert all(shape.width.mm > 140 for shape in shapes)  # 15 cm wide, readable on A4
    assert "Chart(" not in all_text(report)


@pytest.mark.parametrize(
    ("name", "year"),
    [
        ("annual_2014.xlsx", 2014),
        ("IRO annual 2013-14.xlsx", 2014),
        ("2013_2014 figures.xlsx", 2014),
        ("annual 2014-03.xlsx", 2014),  # not a span of years: the year as written
        ("IRO annual April2013-March2014.xlsx", 2014),  # the period ends in the later year
        ("report 2013 to 2014.xlsx", 2014),
        ("figures 2012 and 2014.xlsx", None),  # not one period: no guess
        ("annual.xlsx", None),
    ],
)
def test_the_year_a_workbook_name_reports_on(name: str, year: int | None) -> None:
    from docgen.pipeline import year_from_name

    assert year_from_name(Path(name)) == year


def test_a_macro_enabled_annual_workbook_is_found(tmp_path: Path, annual_sample: Path) -> None:
    folder = tmp_path / "macro"
    folder.mkdir()
    shutil.copy(annual_sample, folder / "annual_2014.xlsm")
    out = tmp_path / "r.docx"
    result = run_cli("annual", "--year", "2014", "--data", str(folder), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert row_of(find_table(out, "Legal status"), "Care Order")["2014"] == "78"


def test_the_wrong_years_workbook_is_an_error_not_a_report_of_zeros(tmp_path: Path) -> None:
    """2013-14's rows saved as annual_2015.xlsx would give a believable report of zeros."""
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(SAMPLES / "annual_2014.xlsx", data / "annual_2015.xlsx")
    out = tmp_path / "report.docx"
    result = run_cli("annual", "--year", "2015", "--data", str(data), "--output", str(out))
    assert result.exit_code == 1
    assert "no review or conference was held from 01/04/2014 to 31/03/2015; its reviews and " in (
        result.output
    )
    assert "expected the workbook for 2014-15, or --year for the year it holds" in result.output
    assert not out.exists()


def test_a_report_sheet_year_that_disagrees_with_the_name_is_an_error(tmp_path: Path) -> None:
    """annual_2014.xlsx whose Report sheet says 2014-15: one of them is wrong."""
    data = tmp_path / "data"
    data.mkdir()
    edit_workbook(
        SAMPLES / "annual_2014.xlsx",
        data / "annual_2014.xlsx",
        lambda wb: wb["Report"].append(["Year", "2014-15"]),
    )
    result = run_cli(
        "annual", "--year", "2014", "--data", str(data), "--output", str(tmp_path / "r")
    )
    assert result.exit_code == 1
    assert (
        "Report!B6" in result.output
        and "Year '2014-15' is 2014-15, but the report asked for is 2013-14" in result.output
    )
    validate = run_cli("validate", str(data / "annual_2014.xlsx"))
    assert validate.exit_code == 1
    assert "but the report asked for is 2013-14" in validate.output


def test_an_output_named_like_another_kind_of_file_is_refused_first(tmp_path: Path) -> None:
    """-o report.pdf made a folder report.pdf holding the .docx."""
    result = run_cli("annual", "--year", "2014", "--output", str(tmp_path / "report.pdf"))
    assert result.exit_code == 1
    assert "Error: --output report.pdf: the report is a Word .docx; give a name ending .docx" in (
        result.output
    )
    assert list(tmp_path.iterdir()) == []


def test_a_figures_measure_matches_in_any_case(tmp_path: Path) -> None:
    """'ADM adoption decisions' typed in another case still gives the ADM sentence."""

    def lower_case(wb) -> None:
        for row in wb["Figures"].iter_rows(min_row=2):
            if row[0].value == "ADM Adoption Decisions":
                row[0].value = "adm  adoption decisions"

    out = edited_report(tmp_path, lower_case)
    assert "The agency decision maker decided for 30 children that adoption was in" in all_text(out)
