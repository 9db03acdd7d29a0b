"""`docgen annual`, `validate` and `history` on a council's DfE returns."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import openpyxl
from docx import Document

from tests.conftest import SAMPLES, run_cli

RETURNS = SAMPLES / "returns_2014"


def _tables(path: Path) -> list[list[str]]:
    return [[c.text for c in row.cells] for t in Document(str(path)).tables for row in t.rows]


def _caseloads(tables: list[list[str]]) -> list[list[str]]:
    start = next(i for i, row in enumerate(tables) if row[:2] == ["IRO", "FTE"])
    width = len(tables[start])
    end = next(i for i in range(start + 1, len(tables)) if len(tables[i]) != width)
    return tables[start:end]


def _without_caseloads(tables: list[list[str]]) -> list[list[str]]:
    caseloads = _caseloads(tables)
    return [row for row in tables if row not in caseloads]


def test_the_report_from_the_returns_prints_what_the_workbook_report_prints(
    tmp_path: Path,
) -> None:
    archive = tmp_path / "returns.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted(RETURNS.glob("*.csv")):
            zf.write(path, path.name)
    from_returns = run_cli(
        "annual",
        "--year",
        "2014",
        "--workbook",
        str(RETURNS / "annual_2014.xlsx"),
        "--returns",
        str(archive),
        "-o",
        str(tmp_path / "returns.docx"),
    )
    assert from_returns.exit_code == 0, from_returns.output
    from_workbook = run_cli("annual", "--year", "2014", "-o", str(tmp_path / "workbook.docx"))
    assert from_workbook.exit_code == 0, from_workbook.output
    tables = _tables(tmp_path / "returns.docx")
    expected = _tables(tmp_path / "workbook.docx")
    # The SSDA903 names no child's IRO: looked-after caseloads per IRO come only from a
    # workbook's IRO column, so from the returns every child is under "No IRO recorded".
    assert _without_caseloads(tables) == _without_caseloads(expected)
    unrecorded = next(row for row in tables if row[0].startswith("No IRO recorded"))
    looked_after = sum(int(r[2]) for r in _caseloads(expected)[1:])
    assert int(unrecorded[2]) == looked_after
    held = next(row for row in tables if row[0] == "Reviews held")
    assert held[-1] == "200"


def test_validate_on_a_folder_counts_each_kind_then_lists_every_problem(tmp_path: Path) -> None:
    folder = tmp_path / "returns_2014"
    shutil.copytree(RETURNS, folder)
    episodes = (folder / "episodes.csv").read_text(encoding="utf-8").splitlines()
    child = episodes[1].split(",")
    child[7], child[8] = "", "E4A"  # a reason ceased on an episode with no date ceased
    episodes[1] = ",".join(child)
    (folder / "episodes.csv").write_text("\n".join(episodes) + "\n", encoding="utf-8")
    result = run_cli("validate", str(folder))
    assert result.exit_code == 1
    assert "1  ceased-without-date" in result.output
    (line,) = [line for line in result.output.splitlines() if line.startswith("error")]
    assert line.split()[:5] == ["error", "episodes.csv", "2", "REC", "E4A"]
    data = json.loads(run_cli("validate", str(folder), "--format", "json").output)
    (problem,) = data["problems"]
    assert (problem["file"], problem["line"], problem["column"]) == ("episodes.csv", 2, "REC")


def test_history_writes_next_years_rows_that_next_years_workbook_accepts(tmp_path: Path) -> None:
    out = tmp_path / "history_2015.xlsx"
    result = run_cli("history", "--year", "2014", "--data", str(RETURNS), "-o", str(out))
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(out)["History"]
    rows = [tuple(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == ("Table", "Row", "Year", "Value")
    assert ("Age", "10-15", 2013, "89 (1)") in rows  # last year's row, carried
    assert ("Reviews", "Reviews held", 2014, "200") in rows
    assert ("Reviews", "% on time", 2014, "99.5%") in rows
    assert ("Conferences", "Initial conferences", 2014, "285") in rows
    again = tmp_path / "again.xlsx"
    run_cli("history", "--year", "2014", "--data", str(RETURNS), "-o", str(again))
    assert again.read_bytes() == out.read_bytes()


def test_a_refused_report_counts_every_kind_even_past_the_listing_limit(tmp_path: Path) -> None:
    folder = tmp_path / "returns_2014"
    shutil.copytree(RETURNS, folder)
    lines = (folder / "episodes.csv").read_text(encoding="utf-8").splitlines()
    lines += [f"X{i},01/05/2013,S,C1,N1,U1,PR1,,E4A,,,," for i in range(600)]
    (folder / "episodes.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_cli("annual", "--year", "2014", "--data", str(folder), "-o", str(tmp_path))
    assert result.exit_code == 1
    assert "      600  ceased-without-date" in result.output
    assert not list(tmp_path.glob("*.docx"))


def test_a_report_from_the_cin_census_says_its_cp_figures_count_children(tmp_path: Path) -> None:
    out = tmp_path / "report.docx"
    result = run_cli(
        "annual", "--year", "2014", "--data", str(SAMPLES / "returns_2014_cin"), "-o", str(out)
    )
    assert result.exit_code == 0, result.output
    assert "counted per child" in result.output  # the warning, on the terminal
    text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    assert "which records children, not families" in text
    assert "counted once for each of them, and families are not counted." in text
    families = next(r for r in _tables(out) if r[0] == "Families")
    assert families[1:] == ["-"]
