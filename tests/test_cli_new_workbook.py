"""`docgen new-workbook`: a blank workbook to fill, never over someone's work."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from docgen.cli import main


def run(*args: str):
    return CliRunner().invoke(main, ["new-workbook", *args], catch_exceptions=False)


def test_writes_a_blank_workbook_that_validates(tmp_path: Path) -> None:
    target = tmp_path / "reviews.xlsx"
    result = run("review", "--output", str(target))
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(target)
    assert wb.sheetnames[0] == "How to fill"
    assert {"Review Meetings", "Attendees", "Decisions"} <= set(wb.sheetnames)
    check = CliRunner().invoke(main, ["validate", str(target)])
    assert check.exit_code == 0 and "no problems found" in check.output


def test_an_existing_file_is_kept_unless_forced(tmp_path: Path) -> None:
    target = tmp_path / "mine.xlsx"
    target.write_bytes(b"someone's filled-in workbook")
    result = run("alert", "--output", str(target))
    assert result.exit_code == 1
    assert "exists" in result.output and "--force" in result.output
    assert target.read_bytes() == b"someone's filled-in workbook"
    assert run("alert", "--output", str(target), "--force").exit_code == 0
    assert "Alerts" in openpyxl.load_workbook(target).sheetnames


def test_unknown_kind_is_refused(tmp_path: Path) -> None:
    result = run("minutes", "--output", str(tmp_path / "x.xlsx"))
    assert result.exit_code == 2
    assert "'minutes' is not one of" in result.output


@pytest.mark.parametrize("name", ["reviews.xls", "reviews.csv", "reviews", "reviews.xlsm"])
def test_a_name_excel_and_docgen_would_refuse_is_refused_before_writing(
    tmp_path: Path, name: str
) -> None:
    """An .xlsx saved as reviews.xls is one Excel will not open and docgen calls an .xls."""
    result = run("review", "--output", str(tmp_path / name))
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {tmp_path / name}: a blank workbook is an Excel .xlsx file; "
        f"name it {Path(name).stem}.xlsx.\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_the_suffix_may_be_in_capitals(tmp_path: Path) -> None:
    assert run("alert", "--output", str(tmp_path / "ALERTS.XLSX")).exit_code == 0
