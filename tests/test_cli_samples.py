"""The sample workbooks copied out, the year written as people write it, and a workbook
given to the wrong command named for what it is."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl

from tests.conftest import SAMPLES, edit_workbook, paragraphs, run_cli, workbook_rows


def test_samples_export_copies_the_fictional_workbooks(tmp_path: Path) -> None:
    result = run_cli("samples", "export", str(tmp_path / "examples"))
    assert result.exit_code == 0, result.output
    assert "a fictional council's" in result.output
    for sample in SAMPLES.glob("*.xlsx"):
        assert (tmp_path / "examples" / sample.name).read_bytes() == sample.read_bytes()
    again = run_cli("samples", "export", str(tmp_path / "examples"))
    assert again.exit_code == 0  # the same files: nothing lost


def test_samples_export_lists_each_file_where_it_went(tmp_path: Path) -> None:
    """The returns' CSV files sit in their own folders: listed flat, two 'episodes.csv'
    lines (and an 'annual_2014.xlsx' three times) said nothing of where each went."""
    result = run_cli("samples", "export", str(tmp_path / "examples"))
    listed = [line.strip() for line in result.output.splitlines()[1:]]
    assert "returns_2014/episodes.csv" in listed and "returns_2014_cin/census_2014.xml" in listed
    assert len(listed) == len(set(listed))
    assert all((tmp_path / "examples" / name).is_file() for name in listed)
    assert result.output.startswith(f"Copied {len(listed)} sample files (a fictional council's")


def test_samples_export_keeps_a_changed_workbook_unless_forced(tmp_path: Path) -> None:
    (tmp_path / "alerts.xlsx").write_bytes(b"someone's edits")
    result = run_cli("samples", "export", str(tmp_path))
    assert result.exit_code == 1
    assert "already holds alerts.xlsx, different from the samples" in result.output
    assert (tmp_path / "alerts.xlsx").read_bytes() == b"someone's edits"
    assert run_cli("samples", "export", str(tmp_path), "--force").exit_code == 0
    assert (tmp_path / "alerts.xlsx").read_bytes() == (SAMPLES / "alerts.xlsx").read_bytes()


def test_year_is_taken_as_2014_or_2013_14(tmp_path: Path) -> None:
    for year in ("2014", "2013-14", "2013/2014"):
        out = tmp_path / year.replace("/", "_")
        result = run_cli("annual", "--year", year, "--data", str(SAMPLES), "-o", str(out))
        assert result.exit_code == 0, result.output
        lines = paragraphs(out / "annual_report_2014.docx")
        assert "Independent Reviewing Officer Service Annual Report 2013-14" in lines
        assert "1 April 2013 to 31 March 2014" in lines
        assert "bundled sample" not in result.output  # --data given: the user's own
    refused = run_cli("annual", "--year", "2014-03")
    assert refused.exit_code == 2
    assert "'2014-03' is not a reporting year; give the year it ends" in refused.output


def test_history_takes_the_year_as_annual_does_and_says_when_it_used_the_samples(
    tmp_path: Path,
) -> None:
    """`--year 2013-14` works for `docgen annual`; the History sheet of the same year
    was refused ("'2013-14' is not a valid integer"), and made from the samples unsaid."""
    out = tmp_path / "history.xlsx"
    result = run_cli("history", "--year", "2013-14", "-o", str(out))
    assert result.exit_code == 0, result.output
    years = {row["Year"] for row in workbook_rows("History", out)}
    assert years == {2011, 2012, 2013, 2014}  # 2013-14 with the years before it
    assert "Using the bundled sample workbook for 2013-14: a fictional council's" in result.output


def test_history_writes_every_problem_with_errors_file(tmp_path: Path) -> None:
    """A refusal of more than 50 problems points to --errors FILE: history takes it too."""
    workbook = tmp_path / "annual_2014.xlsx"

    def spoil(wb: openpyxl.Workbook) -> None:
        ws = wb["Children"]
        for row in range(2, 62):
            ws.cell(row, 2, "not a date")

    edit_workbook(SAMPLES / "annual_2014.xlsx", workbook, spoil)
    listed = tmp_path / "problems.csv"
    out = tmp_path / "history_2015.xlsx"
    result = run_cli(
        "history",
        "--year",
        "2014",
        "--workbook",
        str(workbook),
        "-o",
        str(out),
        "--errors",
        str(listed),
    )
    assert result.exit_code == 1
    assert len(listed.read_text(encoding="utf-8-sig").splitlines()) == 61  # header + 60
    assert not out.exists()


def test_a_workbook_given_to_the_wrong_command_names_the_right_one(tmp_path: Path) -> None:
    alerts = str(SAMPLES / "alerts.xlsx")
    result = run_cli("review", alerts, "--output", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert result.output.startswith(
        f"alerts.xlsx looks like an alert workbook, not a review one: run `docgen alert {alerts}`."
    )
    assert not (tmp_path / "out").exists()


def test_history_is_never_written_over_the_annual_workbook(tmp_path: Path) -> None:
    annual = tmp_path / "annual_2014.xlsx"
    shutil.copyfile(SAMPLES / "annual_2014.xlsx", annual)
    result = run_cli("history", "--year", "2014", "--workbook", str(annual), "-o", str(annual))
    assert result.exit_code == 1
    assert "--output annual_2014.xlsx is the workbook being read" in result.output
    assert annual.read_bytes() == (SAMPLES / "annual_2014.xlsx").read_bytes()


def test_the_command_suggested_for_another_kind_of_workbook_runs_as_written(
    tmp_path: Path,
) -> None:
    """An annual workbook given to `docgen review` was told to run `docgen annual
    annual_2014.xlsx`, which click refuses; alerts given to invitations or a review
    workbook to alerts-report got "a alert" and no command at all."""
    annual, alerts, reviews = (
        str(SAMPLES / name) for name in ("annual_2014.xlsx", "alerts.xlsx", "review_meetings.xlsx")
    )
    told = run_cli("review", annual, "-o", str(tmp_path / "out")).output
    assert f"run `docgen annual --year 2014 --workbook {annual}`." in told
    ran = run_cli("annual", "--year", "2014", "--workbook", annual, "-o", str(tmp_path / "a.docx"))
    assert ran.exit_code == 0, ran.output
    told = run_cli("invitations", alerts, "-o", str(tmp_path / "out")).output
    assert (
        f"alerts.xlsx is an alert workbook: run `docgen alert {alerts}` for its documents." in told
    )
    told = run_cli("alerts-report", reviews, "--quarter", "2014-15:Q1").output
    assert "has the sheets of a review workbook; expected an alert workbook" in told
    assert f"run `docgen review {reviews}`" in told


def test_a_refusal_on_the_bundled_samples_says_they_were_read(tmp_path: Path) -> None:
    """docs/returns.md: `docgen annual --year 2014 --returns returns.zip` with no --data
    reads the bundled (full) sample workbook, whose sheets the returns also give; the
    refusal said "delete the sheet 'Adoptions'" of a workbook the user never named."""
    returns = tmp_path / "returns"
    shutil.copytree(SAMPLES / "returns_2014", returns)
    (returns / "annual_2014.xlsx").unlink()  # the returns alone, as in a zip of their own
    result = run_cli("annual", "--year", "2014", "--returns", str(returns), "-o", str(tmp_path))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith("Using the bundled sample workbook for 2013-14")
    assert "sheet 'Adoptions' gives Adoptions, and so do the returns" in result.output


def test_history_is_never_written_over_the_workbook_in_the_data_folder(tmp_path: Path) -> None:
    """With --data, the annual workbook is found in the folder: `-o data/annual_2014.xlsx`
    replaced it with the History rows. An earlier History list is still replaced."""
    data = tmp_path / "data"
    data.mkdir()
    shutil.copyfile(SAMPLES / "annual_2014.xlsx", data / "annual_2014.xlsx")
    target = data / "annual_2014.xlsx"
    result = run_cli("history", "--year", "2014", "--data", str(data), "-o", str(target))
    assert result.exit_code == 1
    assert "is a workbook with other sheets than History" in result.output
    assert target.read_bytes() == (SAMPLES / "annual_2014.xlsx").read_bytes()
    listed = tmp_path / "history_2015.xlsx"
    for _ in range(2):  # written, then written again over its own earlier list
        ran = run_cli("history", "--year", "2014", "--data", str(data), "-o", str(listed))
        assert ran.exit_code == 0, ran.output
