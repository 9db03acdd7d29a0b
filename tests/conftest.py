"""Shared test helpers: workbooks built inline, and .docx files read back as a user would."""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner, Result
from docx import Document

from docgen.cli import main
from docgen.render import bundled_templates

REPO = Path(__file__).parents[1]
SAMPLES = REPO / "samples"
#: The bundled samples as they were before contract v2: v1 workbooks must keep working.
V1_SAMPLES = REPO / "tests" / "fixtures" / "v1"
#: Settings a developer's shell may hold that would change what a test sees.
CLEAN_ENV: dict[str, str | None] = {
    f"DOCGEN_{name}": None
    for name in (
        "DATA",
        "TEMPLATES",
        "REVIEW_POLICY",
        "ALERT_RESPONSE_DAYS",
        "CHNE_GROUP",
        "WORKERS",
        "COUNCIL",
        "PROTECTIVE_MARKING",
        "ISSUE_DATE",
        "REVIEW_DECISIONS_DAYS",
        "REVIEW_RECORD_DAYS",
        "CORE_GROUP_DAYS",
        "CONFERENCE_DECISIONS_DAYS",
        "CONFERENCE_REPORT_DAYS",
    )
}


def run_cli(*args: str, env: dict[str, str] | None = None) -> Result:
    """``docgen ARGS`` in-process, with a clean environment plus ``env``."""
    return CliRunner().invoke(
        main, list(args), env={**CLEAN_ENV, **(env or {})}, catch_exceptions=False
    )


def paragraphs(path: Path) -> list[str]:
    return [p.text for p in Document(str(path)).paragraphs]


def section(path: Path, heading: str) -> list[str]:
    """The paragraphs under ``heading`` of a document, up to the next heading."""
    found: list[str] | None = None
    for paragraph in Document(str(path)).paragraphs:
        is_heading = paragraph.style.name.startswith("Heading")
        if found is not None and is_heading:
            return found
        if found is not None:
            found.append(paragraph.text)
        elif is_heading and paragraph.text == heading:
            found = []
    if found is None:
        raise AssertionError(f"no heading {heading!r} in {path.name}")
    return found


def workbook_rows(sheet: str, workbook: Path) -> list[dict[str, object]]:
    """A sheet's rows as {header: value}, blank rows left out."""
    ws = openpyxl.load_workbook(workbook)[sheet]
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:] if any(row)]


def no_files(folder: Path) -> bool:
    return not folder.exists() or not any(folder.iterdir())


def build_workbook(path: Path, sheets: dict[str, Iterable[Iterable[Any]]]) -> Path:
    """Write a workbook whose sheets hold the given rows (first row = headers)."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(list(row))
    wb.save(path)
    return path


def council_template(folder: Path, name: str, document_xml: Callable[[bytes], bytes]) -> Path:
    """The bundled template ``name`` with its document XML changed by ``document_xml``, saved
    in ``folder`` as a council's own; ``folder`` is returned."""
    with (
        zipfile.ZipFile(bundled_templates() / name) as source,
        zipfile.ZipFile(folder / name, "w") as target,
    ):
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "word/document.xml":
                data = document_xml(data)
            target.writestr(item, data)
    return folder


def edit_workbook(src: Path, dest: Path, edit: Callable[[openpyxl.Workbook], None]) -> Path:
    """A copy of ``src`` changed by ``edit`` (the source is never touched)."""
    wb = openpyxl.load_workbook(src)
    edit(wb)
    wb.save(dest)
    return dest


def refused(
    command: str, workbook: Path, folder: Path, edit: Callable[[Any], None], *expected: str
) -> Result:
    """``docgen COMMAND`` on a copy of ``workbook`` changed by ``edit`` (saved in
    ``folder``): refused with exit 1, each of ``expected`` in what it prints, nothing
    written to ``folder``/out."""
    folder.mkdir(parents=True, exist_ok=True)
    book = edit_workbook(workbook, folder / "bad.xlsx", edit)
    result = run_cli(command, str(book), "--output", str(folder / "out"))
    assert result.exit_code == 1, result.output
    for text in expected:
        assert text in result.output
    assert no_files(folder / "out")
    return result


def set_cells(wb: openpyxl.Workbook, sheet: str, row: int, values: dict[str, Any]) -> None:
    """Set cells of ``row`` on ``sheet`` by their column header (None clears a cell)."""
    ws = wb[sheet]
    headers = [c.value for c in ws[1]]
    for header, value in values.items():
        ws.cell(row, headers.index(header) + 1).value = value


def docx_tables(path: Path) -> list[list[list[str]]]:
    """Every table of a document as rows of cell texts."""
    return [
        [[cell.text.strip() for cell in row.cells] for row in table.rows]
        for table in Document(str(path)).tables
    ]


def find_table(path: Path, first_header: str, containing: str | None = None) -> list[list[str]]:
    """The table whose top-left cell is ``first_header`` (and which holds ``containing``)."""
    for table in docx_tables(path):
        holds = containing is None or any(containing in c for row in table for c in row)
        if table and table[0][0] == first_header and holds:
            return table
    raise AssertionError(f"no table headed {first_header!r} in {path.name}")


def row_of(table: list[list[str]], label: str) -> dict[str, str]:
    """A table row as {column header: cell}."""
    header = table[0]
    for row in table[1:]:
        if row[0] == label:
            return dict(zip(header[1:], row[1:], strict=True))
    raise AssertionError(f"no row {label!r} in table headed {header!r}")


def all_text(path: Path) -> str:
    """Every paragraph and cell of a document, headers and footers too."""
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    for section in doc.sections:
        for part in (section.header, section.footer):
            parts += [p.text for p in part.paragraphs]
    return "\n".join(parts)


@pytest.fixture
def annual_sample(tmp_path: Path) -> Path:
    """A private copy of the annual sample, in a folder of its own."""
    folder = tmp_path / "data"
    folder.mkdir()
    return Path(shutil.copy(SAMPLES / "annual_2014.xlsx", folder / "annual_2014.xlsx"))


@pytest.fixture(scope="session")
def annual_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 2013-14 sample's annual report, written once for every test that only reads it."""
    out = tmp_path_factory.mktemp("annual") / "report.docx"
    result = run_cli("annual", "--year", "2014", "--data", str(SAMPLES), "--output", str(out))
    assert result.exit_code == 0, result.output
    return out
