"""The documents generated from code are current, and agree with the written contract."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from docgen.contract import REFERENCE_PATH, stale_generated
from docgen.errors import Problem
from docgen.models import ANNUAL, KINDS, WorkbookSpec, column_specs
from docgen.report import JSON_FIELDS, PROBLEM_FIELDS, Report
from docgen.workbook import normalise
from tests.conftest import REPO

#: The written contract, in ../shared beside the checkout (as CI has it).
SPEC = REPO.parent / "shared" / "spec" / "WORKBOOKS.md"


def test_generated_docs_and_schemas_are_current() -> None:
    stale = [str(p.relative_to(REPO)) for p in stale_generated(REPO)]
    assert stale == [], (
        f"out of date: {', '.join(stale)}; the models changed, so run "
        "`python scripts/gen_docs.py` and commit the result."
    )


def test_every_contract_column_is_in_the_reference() -> None:
    text = (REPO / REFERENCE_PATH).read_text(encoding="utf-8")
    for spec in KINDS.values():
        for sheet in spec.sheets:
            assert f"### Sheet: {sheet.model.sheet}" in text
            for column in column_specs(sheet.model):
                assert re.search(rf"^\| (\*\*)?{re.escape(column.header)}(\*\*)? \|", text, re.M), (
                    f"{sheet.model.sheet}: {column.header} is not in {REFERENCE_PATH}"
                )


# --------------------------------------------------------------------------- the written contract


def _split_top_level(text: str) -> list[str]:
    """Split at commas outside brackets, dropping bracketed remarks: ``A (x, y), B`` -> A, B."""
    items, depth, current = [], 0, ""
    for ch in text:
        if ch == "(":
            depth += 1
        if depth == 0 and ch == ",":
            items.append(current)
            current = ""
            continue
        current += ch
        if ch == ")":
            depth -= 1
    return [*items, current]


def _spec_columns() -> list[tuple[WorkbookSpec, str, str, bool, tuple[str, ...]]]:
    """(kind, sheet, column, required, aliases) for each column the written contract lists.

    Required columns are in bold; ``Child ID (CHILD)`` names an alias; a colon ends
    the columns of a cell (``**Value**: Council, Service, ...`` lists examples).
    """
    found = []
    header: list[str] = []
    for line in SPEC.read_text(encoding="utf-8").splitlines():
        if not line.startswith("|"):
            header = []
            continue
        cells = [c.strip() for c in line.strip("|").split(" | ")]
        if not header:
            header = [c.lower() for c in cells]
            continue
        if set(line) <= set("|-"):
            continue
        row = dict(zip(header, cells, strict=True))
        spec = KINDS[row["workbook"]] if "workbook" in row else ANNUAL
        # The v2 table names its columns so, and a new sheet as ``**Plan Actions** (new sheet)``.
        listed = row.get("columns (required in bold)") or row["v2 columns / sheet"]
        row["sheet"] = re.sub(r"\(.*\)", "", row["sheet"]).replace("*", "").strip()
        for item in _split_top_level(listed):
            bold = "**" in item
            aliases = tuple(re.findall(r"\(([A-Z]+)\)", item))
            name = re.sub(r"\([^()]*(\([^()]*\)[^()]*)*\)", "", item).replace("*", "")
            if ":" in name:
                found.append((spec, row["sheet"], name.split(":")[0].strip(), bold, aliases))
                break
            found.append((spec, row["sheet"], name.strip(), bold, aliases))
    return found


@pytest.mark.skipif(not SPEC.is_file(), reason="the written contract is not on this machine")
def test_every_column_of_the_written_contract_is_in_the_models() -> None:
    columns = _spec_columns()
    assert len(columns) > 100
    problems = []
    for spec, sheet_name, name, required, aliases in columns:
        sheet = next((s for s in spec.sheets if s.model.sheet == sheet_name), None)
        if sheet is None:
            problems.append(f"{spec.kind}: no sheet {sheet_name!r}")
            continue
        by_header = {normalise(c.header): c for c in column_specs(sheet.model)}
        column = by_header.get(normalise(name))
        if column is None:
            problems.append(f"{sheet_name}: no column {name!r}")
        elif column.required is not required:
            problems.append(f"{sheet_name}: {name!r} required={column.required}, spec {required}")
        elif not set(aliases) <= set(column.aliases):
            problems.append(f"{sheet_name}: {name!r} lacks alias {aliases}")
    assert problems == []


def test_cli_reference_is_current_and_documents_every_command() -> None:
    """docs/cli.md is every command's --help; a new or changed command must regenerate it."""
    import subprocess
    import sys

    from docgen.cli import main

    root = Path(__file__).parents[1]
    check = subprocess.run(
        [sys.executable, "scripts/gen_docs.py", "--check"], cwd=root, capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout + check.stderr
    reference = (root / "docs" / "cli.md").read_text(encoding="utf-8")
    for name, command in main.commands.items():
        assert f"## docgen {name}\n" in reference
        for sub in getattr(command, "commands", {}):
            assert f"## docgen {name} {sub}\n" in reference


def test_every_problem_code_in_the_code_is_documented() -> None:
    """A code written in docgen/ but missing from PROBLEM_CODES would reach users
    undocumented; one listed but never used would document nothing."""
    from docgen.errors import PROBLEM_CODES

    source = "\n".join(p.read_text(encoding="utf-8") for p in (REPO / "docgen").rglob("*.py"))
    used = set(re.findall(r'Problem\(\s*"([a-z-]+)"', source))
    used |= set(re.findall(r'(?:_problem|\.problem|\bproblem)\(\s*"([a-z-]+)"', source))
    used |= set(re.findall(r'CellError\([^)]*?"([a-z]+-[a-z-]+)"\)', source, re.S))
    # docgen.returns: problem(src, field, "code", ...) at a return's line and field
    used |= set(re.findall(r'\bproblem\(\s*[\w.()]+,\s*(?:"\w+"|None|\w+),\s*"([a-z-]+)"', source))
    assert used - set(PROBLEM_CODES) == set()
    assert set(PROBLEM_CODES) - used == set()


def test_every_field_of_the_json_report_is_documented() -> None:
    report = Report(file="w.xlsx")
    report.add(Problem("blank-cell", "Child ID is blank", sheet="Children", cell="A2"))
    data = json.loads(report.to_json())
    assert list(data) == list(JSON_FIELDS)
    assert list(data["problems"][0]) == list(PROBLEM_FIELDS)
    reference = (REPO / "docs" / "workbooks.md").read_text(encoding="utf-8")
    for field in (*JSON_FIELDS, *PROBLEM_FIELDS):
        assert f"| `{field}` |" in reference, field
