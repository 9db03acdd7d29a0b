"""`docgen templates check` and `--pdf`, as a council's admin would use them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from docgen import pdf
from docgen.checks import TEMPLATES
from docgen.cli import main
from tests.conftest import SAMPLES, council_template, no_files, run_cli


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_bundled_templates_pass() -> None:
    result = run("templates", "check")
    assert result.exit_code == 0, result.output
    assert result.output.count(" OK ") == len(TEMPLATES)


def test_a_council_template_with_a_misspelt_name_fails(tmp_path: Path) -> None:
    council_template(
        tmp_path,
        "review_record.docx",
        lambda xml: xml.replace(b"{{ child.name }}", b"{{ child.nmae }}", 1),
    )
    result = run("templates", "check", str(tmp_path))
    assert result.exit_code == 1
    assert "child.nmae" in result.output and "review_record.docx" in result.output
    assert "alert.docx" in result.output and "bundled" in result.output


def test_a_templates_setting_naming_no_folder_stops_the_batch(tmp_path: Path) -> None:
    missing = tmp_path / "letterhead"
    out = tmp_path / "out"
    result = run_cli(
        "review",
        str(SAMPLES / "review_meetings.xlsx"),
        "-o",
        str(out),
        env={"DOCGEN_TEMPLATES": str(missing)},
    )
    assert result.exit_code == 1
    assert f"Error: the templates folder {missing} is not there" in result.output
    assert no_files(out)


def test_pdf_without_libreoffice_fails_before_writing(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(pdf.shutil, "which", lambda _name: None)
    result = run("review", str(SAMPLES / "review_meetings.xlsx"), "-o", str(tmp_path), "--pdf")
    assert result.exit_code == 1
    assert "PDF output needs LibreOffice" in result.output
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed")
def test_pdf_beside_each_document(tmp_path: Path) -> None:
    result = run(
        "alert", str(SAMPLES / "alerts.xlsx"), "-o", str(tmp_path), "--pdf", "--only", "A0102"
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".docx", ".pdf"]
