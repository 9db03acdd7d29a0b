"""Every problem available: a summary by kind on the terminal, likely causes, and the whole
list written as a workbook and a CSV, however many problems there are."""

from __future__ import annotations

import csv
import json
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from docgen.cli import main
from docgen.errors import Problem
from docgen.report import SHOWN, Report
from tests.conftest import SAMPLES, edit_workbook, run_cli

EXTRA = 1_700  # episode rows pasted below the children: three problems each


@pytest.fixture(scope="module")
def episodes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SSDA903 episode extract pasted into Children: one row per episode, the dates
    with two-digit years, as the extract writes them."""

    def edit(wb: openpyxl.Workbook) -> None:
        ws = wb["Children"]
        children = [list(row) for row in ws.iter_rows(min_row=2, values_only=True)]
        for n in range(EXTRA):
            row = list(children[n % len(children)])
            row[1] = row[1].strftime("%d/%m/%y")  # Date of Birth
            row[5] = f"{1 + n % 28:02d}/{1 + n % 12:02d}/13"  # Date Became Looked After
            ws.append(row)

    folder = tmp_path_factory.mktemp("episodes")
    return edit_workbook(SAMPLES / "annual_2014.xlsx", folder / "annual_2014.xlsx", edit)


def _last_row(path: Path) -> int:
    return openpyxl.load_workbook(path, read_only=True)["Children"].max_row


def test_json_lists_every_problem(episodes: Path) -> None:
    data = json.loads(run_cli("validate", str(episodes), "--format", "json").output)
    assert data["error_count"] == 3 * EXTRA
    assert len(data["problems"]) == 3 * EXTRA
    assert data["truncated"] is False


def test_terminal_counts_problems_by_kind_then_lists_the_first(episodes: Path) -> None:
    result = run_cli("validate", str(episodes))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == f"annual_2014.xlsx: {3 * EXTRA:,} errors, 0 warnings."  # 5,100: as below
    assert lines[1] == "By kind:"
    kinds = [line.split() for line in lines[2:5]]
    assert sorted((k[1], k[2], k[5]) for k in kinds) == [
        ("1,700", "duplicate-id", "'Child"),
        ("1,700", "invalid-date", "'Date"),
        ("1,700", "invalid-date", "'Date"),
    ]
    assert any("Children 'Date of Birth': B386, B387, B388" in line for line in lines[2:5])
    hints = [line for line in lines if line.startswith("  hint")]
    assert "one row per episode" in hints[0] and "keep each one's latest row" in hints[0]
    assert "two-digit year" in hints[1] and "Children 'Date of Birth'" in hints[1]
    assert "The first 50:" in lines
    assert lines[-1] == f"... and {3 * EXTRA - SHOWN:,} more (--errors FILE writes them all)."


def test_errors_file_holds_every_far_down_cell(episodes: Path, tmp_path: Path) -> None:
    target = tmp_path / "problems.xlsx"
    result = run_cli("validate", str(episodes), "--errors", str(target))
    assert result.exit_code == 1
    assert f"to {target} and {tmp_path / 'problems.csv'}" in result.output
    last = _last_row(episodes)
    book = openpyxl.load_workbook(target, read_only=True)
    rows = list(book["Problems"].iter_rows(values_only=True))
    assert rows[0][:4] == ("severity", "code", "sheet", "cell")
    cells = {(r[1], r[3]) for r in rows[1:]}
    assert len(rows) - 1 == 3 * EXTRA
    for code, column in (("duplicate-id", "A"), ("invalid-date", "B"), ("invalid-date", "F")):
        assert {(code, f"{column}{n}") for n in range(386, last + 1)} <= cells
    summary = [r for r in book["Summary"].iter_rows(values_only=True) if r and r[0]]
    assert ("error", "duplicate-id", "Children", "Child ID", EXTRA) in [r[:5] for r in summary]
    with (tmp_path / "problems.csv").open(encoding="utf-8-sig", newline="") as fh:
        listed = list(csv.DictReader(fh))
    assert len(listed) == 3 * EXTRA
    assert listed[-1]["cell"] == f"F{last}" and listed[-1]["sheet"] == "Children"
    assert (target.stat().st_mode & 0o777) == 0o600


def test_rendering_command_writes_the_list_when_it_refuses(episodes: Path, tmp_path: Path) -> None:
    target = tmp_path / "errors.csv"
    result = run_cli(
        "annual", "--year", "2014", "--workbook", str(episodes), "-o", str(tmp_path / "out")
    )
    assert result.exit_code == 1
    assert "By kind:" in result.output and "--errors FILE writes every one" in result.output
    assert f"Error: {3 * EXTRA:,} problem(s) in the workbook" in result.output  # as "By kind"
    result = run_cli(
        "annual",
        "--year",
        "2014",
        "--workbook",
        str(episodes),
        "-o",
        str(tmp_path / "out"),
        "--errors",
        str(target),
    )
    assert result.exit_code == 1
    assert not (tmp_path / "out").exists()
    with target.open(encoding="utf-8-sig", newline="") as fh:
        assert sum(1 for _ in csv.DictReader(fh)) == 3 * EXTRA
    # ... and beside it the same list as a workbook, each problem a row
    book = openpyxl.load_workbook(tmp_path / "errors.xlsx", read_only=True)
    assert sum(1 for _ in book["Problems"].iter_rows(min_row=2)) == 3 * EXTRA


def test_a_value_like_a_formula_is_written_as_text(tmp_path: Path) -> None:
    report = Report(file="r.xlsx")
    report.add(
        Problem(
            "invalid-id",
            "Child ID is odd",
            sheet="Children",
            cell="A2",
            value='=HYPERLINK("http://x","y")',
        )
    )
    report.write_errors(tmp_path / "e.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "e.xlsx")["Problems"]
    assert ws["G2"].value == '=HYPERLINK("http://x","y")' and ws["G2"].data_type == "s"
    assert "'=HYPERLINK" in (tmp_path / "e.csv").read_text(encoding="utf-8-sig")


def test_the_same_problems_give_the_same_file(tmp_path: Path) -> None:
    """No clock in the written list: its zip entries and its properties carry fixed dates,
    so a list written again from the same workbook is the same file."""
    report = Report(file="r.xlsx")
    report.add(Problem("invalid-id", "Child ID is odd", sheet="Children", cell="A2", value="x"))
    report.write_errors(tmp_path / "e.xlsx")
    with zipfile.ZipFile(tmp_path / "e.xlsx") as zf:
        assert {info.date_time for info in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    props = openpyxl.load_workbook(tmp_path / "e.xlsx").properties
    assert props.created is not None and props.created.year == 2000
    assert props.modified is not None and props.modified.year == 2000


def test_a_list_named_otherwise_is_refused(tmp_path: Path) -> None:
    result = run_cli("validate", str(SAMPLES / "alerts.xlsx"), "--errors", str(tmp_path / "e.txt"))
    assert result.exit_code == 1
    assert "written as .xlsx or .csv" in result.output


def _dates(*values: str) -> list[Problem]:
    return [
        Problem(
            "invalid-date",
            f"Review Date {v!r} is not a real calendar date",
            sheet="Reviews",
            cell=f"B{n}",
            column="Review Date",
            value=v,
        )
        for n, v in enumerate(values, start=2)
    ]


def test_month_first_dates_are_named_as_us_dates() -> None:
    report = Report()
    report.extend(_dates("08/14/2013", "12/25/2013", "01/30/2014"))
    (hint,) = report.hints
    assert hint.startswith(
        "3 dates are real only read month first (such as '08/14/2013' at "
        "Reviews!B2; in Reviews 'Review Date')"
    )
    assert "(14/08/2013)" in hint


def test_two_few_of_a_kind_give_no_hint() -> None:
    report = Report()
    report.extend(_dates("08/14/2013", "12/25/2013"))
    assert report.hints == []


def test_values_one_column_off_are_named_as_a_shifted_column(tmp_path: Path) -> None:
    """Ethnicity left out of a paste: each value sits one column left of its header."""

    def edit(wb: openpyxl.Workbook) -> None:
        ws = wb["Children"]
        headers = [c.value for c in ws[1]]
        ws.delete_cols(4)
        for index, header in enumerate(headers, start=1):
            ws.cell(1, index).value = header

    path = edit_workbook(SAMPLES / "annual_2014.xlsx", tmp_path / "annual_2014.xlsx", edit)
    result = run_cli("validate", str(path))
    hints = [line for line in result.output.splitlines() if line.startswith("  hint")]
    assert any(
        "refused values in column 'Ethnicity' (D, such as 'C1' at Children!D2) are right for "
        "'Legal Status', the column to its right" in hint
        for hint in hints
    ), result.output
    assert any("column 'Legal Status' (E" in hint for hint in hints)


def test_the_marked_copy_marks_every_cell_a_rule_compared(tmp_path: Path) -> None:
    """A date of birth typed in the future: the looked-after date and the date of birth
    both turn red, each with the problem in its comment."""
    from docgen.marked import write_marked_copy
    from docgen.pipeline import check_workbook

    def edit(wb: openpyxl.Workbook) -> None:
        wb["Children"]["B2"] = "05/03/2031"

    path = edit_workbook(SAMPLES / "annual_2014.xlsx", tmp_path / "annual_2014.xlsx", edit)
    report = check_workbook(path)
    (rule,) = [p for p in report.errors if p.code == "inconsistent-row"]
    assert (rule.cell, rule.others) == ("F2", ("B2",))
    write_marked_copy(path, report, tmp_path / "marked.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "marked.xlsx")["Children"]
    for cell in ("B2", "F2"):
        assert "is before the child's date of birth" in ws[cell].comment.text
        assert ws[cell].fill.fgColor.rgb == "FFFFC7CE", cell  # Excel's light red
    assert ws["A2"].fill.fill_type is None and ws["A2"].comment is None  # not compared


def test_a_refused_file_is_in_the_written_list_too(tmp_path: Path) -> None:
    word = tmp_path / "reviews.xlsx"
    with zipfile.ZipFile(word, "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>")
    target = tmp_path / "errors.csv"
    result = run_cli("review", str(word), "-o", str(tmp_path / "out"), "--errors", str(target))
    assert result.exit_code == 1
    with target.open(encoding="utf-8-sig", newline="") as fh:
        (row,) = list(csv.DictReader(fh))
    assert row["code"] == "unreadable-workbook"
    assert row["message"].startswith("reviews.xlsx is a Word document, not an Excel workbook")


def test_a_title_above_the_headers_is_named_as_the_cause() -> None:
    report = Report()
    report.add(Problem("headers-not-first", "the header row is row 1", sheet="Children", row=1))
    assert report.hints == [
        "sheet 'Children' has rows above its column headers (a title?): delete them, so the "
        "headers are in the first row."
    ]


def test_an_ssda903_file_pasted_into_a_sheet_is_named_with_the_return_to_give_instead(
    tmp_path: Path,
) -> None:
    """The DfE episodes file pasted, header and all, into Children: its CHILD, DECOM,
    LS, ... are read as the sheet's own columns, the rest ignored; the hint names the file."""
    episodes = SAMPLES / "returns_2014" / "episodes.csv"

    def paste(wb: openpyxl.Workbook) -> None:
        ws = wb["Children"]
        ws.delete_rows(1, ws.max_row)
        with episodes.open(newline="") as fh:
            for row in csv.reader(fh):
                ws.append(row)

    workbook = edit_workbook(SAMPLES / "annual_2014.xlsx", tmp_path / "annual_2014.xlsx", paste)
    result = run_cli("validate", str(workbook))
    assert result.exit_code == 1
    [hint] = [line for line in result.output.splitlines() if line.startswith("  hint")]
    assert hint.startswith(
        "  hint    sheet 'Children' has the columns of the SSDA903 episodes file (RNE, CIN, "
        "PLACE, PLACE_PROVIDER, ...), one row per episode of care: give docgen the return's "
        "CSV files as they are"
    )


def test_the_list_is_never_written_over_the_workbook_it_checks(tmp_path: Path) -> None:
    """`--errors reviews.csv` wrote its twin reviews.xlsx over the workbook itself, and
    `--errors annual_2014.xlsx` the list over the annual workbook: both are refused."""
    reviews = tmp_path / "reviews.xlsx"
    shutil.copyfile(SAMPLES / "review_meetings.xlsx", reviews)
    original = reviews.read_bytes()
    out = tmp_path / "out"
    result = run_cli(
        "review", str(reviews), "--errors", str(tmp_path / "reviews.csv"), "-o", str(out)
    )
    assert result.exit_code == 1
    assert (
        "Error: --errors reviews.csv would write reviews.xlsx, the workbook being checked, and "
        "docgen never writes over its input; give another name, such as 'reviews problems.csv'."
    ) in result.output
    assert reviews.read_bytes() == original
    assert not out.exists() and not (tmp_path / "reviews.csv").exists()  # refused before the work
    result = run_cli("validate", str(reviews), "--errors", str(reviews))
    assert result.exit_code == 1 and reviews.read_bytes() == original


def test_the_twin_of_the_list_replaces_an_earlier_list_but_no_other_file(tmp_path: Path) -> None:
    bad = edit_workbook(
        SAMPLES / "alerts.xlsx", tmp_path / "alerts.xlsx", lambda wb: wb["Alerts"].cell(2, 4, "x")
    )
    listed = tmp_path / "problems.xlsx"
    (tmp_path / "problems.csv").write_text("my own notes\n")
    result = run_cli("validate", str(bad), "--errors", str(listed))
    assert result.exit_code == 1
    assert "but problems.csv is there already and is no list of problems" in result.output
    assert (tmp_path / "problems.csv").read_text() == "my own notes\n" and not listed.exists()
    (tmp_path / "problems.csv").unlink()
    assert run_cli("validate", str(bad), "--errors", str(listed)).exit_code == 1
    again = run_cli("validate", str(bad), "--errors", str(listed))  # the earlier list: replaced
    assert "Wrote the 1 problem(s) to" in again.output


def test_a_list_name_of_another_kind_is_refused_plainly_by_a_rendering_command(
    tmp_path: Path,
) -> None:
    bad = edit_workbook(
        SAMPLES / "alerts.xlsx", tmp_path / "alerts.xlsx", lambda wb: wb["Alerts"].cell(2, 4, "x")
    )
    result = CliRunner().invoke(main, ["alert", str(bad), "--errors", str(tmp_path / "p.txt")])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)  # no traceback
    assert "p.txt: the list of problems is written as .xlsx or .csv." in result.output
