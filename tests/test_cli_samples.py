"""The sample workbooks copied out, the year written as people write it, and a workbook
given to the wrong command named for what it is."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import SAMPLES, run_cli


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
        assert (out / "annual_report_2014.docx").is_file()
        assert "bundled sample" not in result.output  # --data given: the user's own
    refused = run_cli("annual", "--year", "2014-03")
    assert refused.exit_code == 2
    assert "'2014-03' is not a reporting year; give the year it ends" in refused.output


def test_a_workbook_given_to_the_wrong_command_names_the_right_one(tmp_path: Path) -> None:
    alerts = str(SAMPLES / "alerts.xlsx")
    result = run_cli("review", alerts, "--output", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert result.output.startswith(
        f"alerts.xlsx looks like an alert workbook, not a review one: run `docgen alert {alerts}`."
    )
    assert not (tmp_path / "out").exists()
