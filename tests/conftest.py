"""Shared test helpers: workbooks built inline, and .docx files read back as a user would."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from docx import Document

REPO = Path(__file__).parents[1]
SAMPLES = REPO / "samples"


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


def edit_workbook(src: Path, dest: Path, edit: Callable[[openpyxl.Workbook], None]) -> Path:
    """A copy of ``src`` changed by ``edit`` (the source is never touched)."""
    wb = openpyxl.load_workbook(src)
    edit(wb)
    wb.save(dest)
    return dest


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
