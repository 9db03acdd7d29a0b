"""The workbook contract for users, generated from the sheet models.

The models in :mod:`docgen.models` are the contract: the validator reads workbooks
with them, so any description written by hand would drift from what is enforced.
This module turns them into what people and programs read instead:

* :func:`reference_markdown`: ``docs/workbooks.md``, sheet by sheet and column by
  column, with the code lists and the categories the annual report counts them under;
* :func:`json_schemas`: one JSON Schema per kind of workbook (``schemas/``), for
  systems that export into the workbooks;
* :func:`column_facts`: the same facts per column, which :mod:`docgen.blank` writes
  into the "How to fill" sheet of a blank workbook.

:func:`write_generated` rewrites the files and :func:`stale_generated` lists the
ones that no longer match, so a test fails whenever a model changes and the
documents were not regenerated (``python scripts/gen_docs.py``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from annotated_types import Ge, Gt, Le, Lt, MaxLen
from pydantic import BaseModel

from docgen import codes, documents
from docgen.codes import CodeList
from docgen.errors import CODES
from docgen.models import YES_NO_EXPECTED, Row, SheetSpec, WorkbookSpec, column_specs
from docgen.report import JSON_FIELDS, PROBLEM_FIELDS
from docgen.settings import Settings
from docgen.timescales import add_months
from docgen.workbook import normalise

__all__ = [
    "GENERAL_RULES",
    "REFERENCE_PATH",
    "SCHEMA_DIR",
    "ColumnFacts",
    "code_lists",
    "column_facts",
    "dropdown_values",
    "generated_files",
    "json_schemas",
    "one_row_per",
    "reference_markdown",
    "schema_path",
    "stale_generated",
    "write_generated",
]

REFERENCE_PATH = "docs/workbooks.md"
SCHEMA_DIR = "schemas"
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
GENERATOR = "scripts/gen_docs.py"

#: The rules every workbook follows, in Markdown (backticks only, so that the
#: "How to fill" sheet can show them as plain text by dropping the backticks).
GENERAL_RULES: tuple[str, ...] = (
    "Workbooks are Excel `.xlsx` files (`.xlsm` too, with macros ignored). Anything else "
    "(`.xls`, `.csv`, `.ods`, a password-protected workbook, a damaged file) is refused "
    "with one sentence saying why.",
    "Sheet names and column headers match whatever their case, and spaces, `_` and `-` are "
    "the same (`Child ID` = `child_id` = `CHILD-ID`); apostrophes may be left out "
    "(`Childs Views`). Where a column lists another accepted header, such as the SSDA903 / "
    "CIN census field name `CHILD`, that header and the form `Child ID (CHILD)` work too.",
    "The header row is the first non-empty row of a sheet. Columns may come in any order. "
    "Blank rows are skipped. A column the contract does not know is ignored with a warning, "
    "so that a misspelt header never passes silently. Sheets the contract does not know "
    '(such as "How to fill") are ignored.',
    "Dates are real Excel dates, or text typed day first: `31/03/2014`, `31-03-2014`, "
    "`2014-03-31` or `31 March 2014`. A date that does not exist, such as `31/02/2014`, is "
    "an error, never a guess.",
    "A number Excel formats as a percentage reads as Excel shows it: 0.995 formatted `0.0%` "
    "is `99.5%` (in a number column, 0.995 again). Number columns also take text such as "
    "`80%`.",
    "Yes/no columns take `Y` or `N`, and also `Yes`/`No`, `TRUE`/`FALSE` and `1`/`0`.",
    "Code columns take the DfE code or its label, in any case: legal status `C2` or "
    "`Care Order`. The [code lists](#code-lists) give every code, label and further accepted "
    "spelling.",
    "IDs are text: `007` stays `007`. Each ID may be used once on its own sheet, and a row of "
    "a linked sheet (Attendees, Decisions, ...) whose ID matches no row of its parent sheet "
    "is an error, not silently dropped.",
    "A required sheet or column must be present, and a required column must be filled on "
    "every row; optional ones may be left out or left blank.",
    "Every problem of a workbook is reported in one go (`docgen validate WORKBOOK`), each "
    "naming the sheet and cell (`Children!D14`), the value found and what was expected. "
    "Nothing is written until the workbook is clean.",
    "Workbooks hold children's names, but output file names and log lines never do: they "
    "use IDs and dates only.",
)

#: Report categories deserve their own column only where they group codes:
#: (column heading, what the annual report prints one line per).
_CATEGORY_HEADINGS: dict[str, tuple[str, str]] = {
    codes.LEGAL_STATUS.name: ("Report row", "Report rows"),
    codes.ETHNICITY.name: ("Report group", "Report groups"),
}

# --------------------------------------------------------------------------- facts per column


@dataclass(frozen=True)
class ColumnFacts:
    """One column as a user needs to know it; the reference and the blank workbook share it."""

    header: str
    aliases: tuple[str, ...]
    required: bool
    #: ``date``, ``yes/no``, ``whole number``, ``number``, ``text`` or ``code``.
    kind: str
    type_format: str
    notes: str
    codes: CodeList | None
    #: Bounds of a number column: (value, inclusive) or None.
    minimum: tuple[float, bool] | None = None
    maximum: tuple[float, bool] | None = None
    max_length: int | None = None

    def range_text(self) -> str:
        """``1 to 4``, ``1 or more``, ``more than 0, up to 1``; empty without bounds."""
        low, high = self.minimum, self.maximum
        if low and high and low[1] and high[1]:
            return f"{_num(low[0])} to {_num(high[0])}"
        parts = []
        if low:
            parts.append(f"{_num(low[0])} or more" if low[1] else f"more than {_num(low[0])}")
        if high:
            parts.append(f"up to {_num(high[0])}" if high[1] else f"less than {_num(high[0])}")
        return ", ".join(parts)

    def accepted_plain(self) -> str:
        """Every accepted value, spelt out, for a spreadsheet cell or a comment."""
        if self.codes is not None:
            return _codes_plain(self.codes)
        if self.kind == "yes/no":
            return YES_NO_EXPECTED
        return self.range_text()


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


_KIND_OF_TYPE = {date: "date", bool: "yes/no", int: "whole number", float: "number", str: "text"}
_TYPE_FORMAT = {
    "date": "date, day first (31/03/2014)",
    "yes/no": "yes/no",
    "whole number": "whole number",
    "number": "number",
    "text": "text",
    "code": "code or label",
}


def column_facts(model: type[Row]) -> list[ColumnFacts]:
    """The columns of a sheet, in contract order, with their rules spelt out.

    Notes add what the validator enforces beyond the cell itself: a key column is
    unique on its sheet, and a link column must match a row of its parent sheet.
    """
    facts = []
    headers = {spec.name: spec.header for spec in column_specs(model)}
    for spec in column_specs(model):
        info = model.model_fields[spec.name]
        kind = "code" if spec.codes is not None else _KIND_OF_TYPE[spec.type]
        minimum = maximum = None
        max_length = None
        for meta in info.metadata:
            if isinstance(meta, Ge):
                minimum = (float(meta.ge), True)  # type: ignore[arg-type]  # annotated-types: any comparable
            elif isinstance(meta, Gt):
                minimum = (float(meta.gt), False)  # type: ignore[arg-type]  # ditto
            elif isinstance(meta, Le):
                maximum = (float(meta.le), True)  # type: ignore[arg-type]  # ditto
            elif isinstance(meta, Lt):
                maximum = (float(meta.lt), False)  # type: ignore[arg-type]  # ditto
            elif isinstance(meta, MaxLen):
                max_length = meta.max_length
        type_format = _TYPE_FORMAT[kind]
        if max_length:
            type_format += f", up to {max_length} characters"
        notes = [spec.description] if spec.description else []
        if model.key == spec.name:
            notes.append("Each value once on this sheet.")
        if model.parent and model.parent[0] == spec.name:
            parent = model.parent[1]
            notes.append(f"Must match the {headers[spec.name]} of a row on sheet {parent}.")
        if model.once_per and model.once_per[0] == spec.name:
            within = " and ".join(headers[name] for name in model.once_per[1:])
            notes.append(f"Each value once per {within}.")
        facts.append(
            ColumnFacts(
                header=spec.header,
                aliases=spec.aliases,
                required=spec.required,
                kind=kind,
                type_format=type_format,
                notes=" ".join(notes),
                codes=spec.codes,
                minimum=minimum,
                maximum=maximum,
                max_length=max_length,
            )
        )
    return facts


def one_row_per(model: type[Row]) -> str:
    """``child looked after at any time in the reporting year``, from the model's docstring."""
    first = (model.__doc__ or model.sheet).strip().splitlines()[0].strip()
    first = re.sub(r"^(A|An)\s+", "", first)
    return first if first.endswith("...") else first.removesuffix(".")


def code_lists() -> list[CodeList]:
    """Every code list a contract column uses, in the order the contract first uses them."""
    found: dict[str, CodeList] = {}
    for spec in documents.workbook_kinds().values():
        for sheet in spec.sheets:
            for column in column_specs(sheet.model):
                if column.codes is not None:
                    found.setdefault(column.codes.name, column.codes)
    return list(found.values())


def dropdown_values(code_list: CodeList) -> list[str]:
    """What a dropdown offers for a code column: each code with its label, then other spellings.

    Excel's "stop" validation refuses anything typed that is not on the list, so the
    list holds every spelling the contract promises (codes, labels, the further
    synonyms), once each, as the validator folds them.
    """
    seen: set[str] = set()
    values: list[str] = []

    def add(value: str) -> None:
        folded = normalise(value)
        if folded not in seen:
            seen.add(folded)
            values.append(value)

    for code, label, _category in code_list.entries:
        add(code)
        add(label)
    for spelling in code_list.synonyms:
        add(spelling)
    return values


def _codes_plain(code_list: CodeList) -> str:
    pairs = [code if code == label else f"{code} ({label})" for code, label, _ in code_list.entries]
    text = ", ".join(pairs)
    if code_list.synonyms:
        text += "; also " + ", ".join(code_list.synonyms)
    return text


# --------------------------------------------------------------------------- markdown


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def _cell(text: str) -> str:
    """Text made safe for one Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def _code(text: str) -> str:
    return f"`{text}`"


def _table(header: Iterable[str], rows: Iterable[Iterable[str]]) -> list[str]:
    head = list(header)
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines


def _code_list_heading(code_list: CodeList) -> str:
    return code_list.name[0].upper() + code_list.name[1:]


def _accepted_markdown(facts: ColumnFacts) -> str:
    code_list = facts.codes
    if code_list is None:
        if facts.kind == "yes/no":
            return "`Y` or `N`"
        return facts.range_text()
    link = f"[{_code_list_heading(code_list)}](#{_slug(_code_list_heading(code_list))})"
    entries = code_list.entries
    if all(code == label for code, label, _ in entries):
        listed = ", ".join(_code(code) for code, _, _ in entries)
        more = f"; more spellings: {link}" if code_list.synonyms else ""
        return listed + more
    pairs = ", ".join(f"{_code(code)} {label}" for code, label, _ in entries)
    if len(pairs) <= 110:
        return f"{pairs}; see {link}"
    codes_only = ", ".join(_code(code) for code, _, _ in entries)
    return f"{codes_only}, or their labels: see {link}"


def _sheet_markdown(sheet: SheetSpec) -> list[str]:
    model = sheet.model
    need = "Required sheet" if sheet.required else "Optional sheet"
    lines = [
        f"### Sheet: {model.sheet}",
        "",
        f"{need}. One row per {one_row_per(model)}.",
        "",
    ]
    rows = []
    for facts in column_facts(model):
        rows.append(
            [
                f"**{facts.header}**" if facts.required else facts.header,
                ", ".join(_code(a) for a in facts.aliases),
                "yes" if facts.required else "no",
                facts.type_format,
                _accepted_markdown(facts),
                facts.notes,
            ]
        )
    header = ("Column", "Also accepted", "Required", "Type / format", "Accepted values", "Notes")
    return [*lines, *_table(header, rows), ""]


def _kind_markdown(spec: WorkbookSpec) -> list[str]:
    lines = [f"## {spec.title}", "", _kind_notes(spec.kind), ""]
    lines += _table(
        ("Sheet", "Required", "One row per"),
        (
            [
                f"[{s.model.sheet}](#{_slug('Sheet: ' + s.model.sheet)})",
                "yes" if s.required else "no",
                one_row_per(s.model),
            ]
            for s in spec.sheets
        ),
    )
    lines.append("")
    for sheet in spec.sheets:
        lines += _sheet_markdown(sheet)
    return lines


def _setting(name: str) -> tuple[str, Any]:
    """A setting's environment variable and default, read from the settings model itself."""
    prefix = str(Settings.model_config.get("env_prefix", ""))
    return prefix + name.upper(), Settings.model_fields[name].default


def _timescales_markdown() -> list[str]:
    policy_var, policy = _setting("review_policy")
    alert_var, alert_days = _setting("alert_response_days")
    leap = add_months(date(2015, 8, 31), 6).strftime("%d %B %Y").lstrip("0")
    plain = add_months(date(2014, 8, 31), 6).strftime("%d %B %Y").lstrip("0")
    return [
        "## Timescales",
        "",
        "Due dates left blank are computed; a due date typed in is used as it is.",
        "",
        f"- **Looked-after reviews** follow the policy named by the setting `{policy_var}` "
        f"(default `{policy}`). Policy `seed`, as the IRO annual report states it: first "
        "review within 28 days of becoming looked after, the second within 90 days of the "
        "first, then every 180 days. Policy `2010-regulations` (Care Planning, Placement and "
        "Case Review (England) Regulations 2010, reg. 33): first review within 20 working "
        "days, the second within 3 months of the first, then every 6 months. Reviews after "
        "the first are timed from the previous review actually held: its Previous Review "
        "Date on Review Meetings, the child's earlier row on the annual workbook's Reviews "
        "sheet, or else a Due Date typed in.",
        "- **Child protection conferences** (Working Together to Safeguard Children 2013): an "
        "initial conference within 15 working days of the (last) strategy discussion; the "
        "first review conference within 3 months of the initial conference; later reviews "
        "within 6 months of the previous one.",
        f"- **Alerts of concern**: each stage's response is due {alert_days} working days after "
        f"it is raised (setting `{alert_var}`).",
        "- **Working days** exclude Saturdays, Sundays and the bank holidays of England and "
        "Wales (known offline).",
        '- **Counting**: "N working days after D" is the Nth working day after D (D itself is '
        'not counted); "N days after D" is D + N calendar days; "N months after D" is the same '
        "day number N months later, or the month's last day when it is shorter "
        f"(31 August 2014 + 6 months = {plain}; 31 August 2015 + 6 months = {leap}). Due dates "
        "are not moved off weekends or holidays.",
        "- **On time** means held on or before the due date.",
        "",
    ]


_CODE_LIST_NOTES: dict[str, str] = {
    codes.LEGAL_STATUS.name: (
        "Children with legal status `V3` or `V4` (short breaks) are left out of every count "
        "of the annual report and shown only in brackets in the age table."
    ),
    codes.ETHNICITY.name: (
        'A group word stands for the group\'s "any other" code. Code `CHNE` counts under '
        "Other by default; the setting `{chne}=Asian` moves it to Asian (sources differ)."
    ),
}


def _uses(code_list: CodeList) -> list[str]:
    """``Children (Legal Status)``: the columns that take a code list, once each."""
    found: dict[str, None] = {}
    for spec in documents.workbook_kinds().values():
        for sheet in spec.sheets:
            for column in column_specs(sheet.model):
                if column.codes is code_list:
                    found[f"{sheet.model.sheet} ({column.header})"] = None
    return list(found)


def _code_lists_markdown() -> list[str]:
    chne_var, _ = _setting("chne_group")
    lines = [
        "## Code lists",
        "",
        "A code column takes the code or its label, whatever the case; the further spellings "
        "listed are accepted too and stand for the code shown.",
        "",
    ]
    for code_list in code_lists():
        heading = _code_list_heading(code_list)
        lines += [f"### {heading}", ""]
        used = _uses(code_list)
        lines += ["Used in: " + ", ".join(used) + ".", ""]
        category, categories = _CATEGORY_HEADINGS.get(code_list.name, (None, None))
        if all(code == label for code, label, _ in code_list.entries):
            lines.append("Values: " + ", ".join(_code(c) for c in code_list.codes) + ".")
        else:
            header = ["Code", "Label"] + ([category] if category else [])
            rows = [
                [_code(code), label] + ([cat] if category else [])
                for code, label, cat in code_list.entries
            ]
            lines += _table(header, rows)
        lines.append("")
        if categories:
            lines += [
                f"{categories}, in the order the annual report prints them: "
                + "; ".join(code_list.categories)
                + ".",
                "",
            ]
        if code_list.synonyms:
            lines += [
                "Also accepted: "
                + ", ".join(f"{_code(s)} ({code})" for s, code in code_list.synonyms.items())
                + ".",
                "",
            ]
        note = _CODE_LIST_NOTES.get(code_list.name)
        if note:
            lines += [note.format(chne=chne_var), ""]
    return lines


def _problem_codes_markdown() -> list[str]:
    return [
        "## Problem codes",
        "",
        "`docgen validate WORKBOOK --format json` prints one object, and exits 0 when the "
        "workbook has no error, 1 otherwise. A position or value a problem does not have "
        "is `null`.",
        "",
        *_table(["Field", "Meaning"], ([_code(k), m] for k, m in JSON_FIELDS.items())),
        "",
        "Each item of `problems`:",
        "",
        *_table(["Field", "Meaning"], ([_code(k), m] for k, m in PROBLEM_FIELDS.items())),
        "",
        "Each problem carries one of these codes. They stay the same from release to "
        "release, so programs may rely on them.",
        "",
        *_table(
            ["Code", "Severity", "Meaning"],
            ([_code(c.code), c.severity, c.meaning] for c in CODES.values()),
        ),
        "",
    ]


def reference_markdown() -> str:
    """The full text of ``docs/workbooks.md``: the contract as users read it."""
    lines = [
        f"<!-- Generated from docgen/models.py by {GENERATOR}; do not edit by hand. -->",
        "",
        "# Input workbooks",
        "",
        "docgen reads four kinds of Excel workbook, filled by hand or pasted from a "
        "case-management system's exports. This page lists every sheet and column docgen "
        "reads, which are required, and what each accepts. It is generated from the same "
        "models that check the workbooks, so it cannot drift from what `docgen validate` "
        "enforces. JSON Schemas of the same contract are in `schemas/`.",
        "",
        "Contents:",
        "",
        f"- [General rules](#{_slug('General rules')})",
    ]
    kinds = documents.workbook_kinds().values()
    lines += [f"- [{spec.title}](#{_slug(spec.title)})" for spec in kinds]
    lines += [
        f"- [Timescales](#{_slug('Timescales')})",
        f"- [Code lists](#{_slug('Code lists')})",
        f"- [Problem codes](#{_slug('Problem codes')})",
        "",
        "## General rules",
        "",
    ]
    lines += [f"- {rule}" for rule in GENERAL_RULES]
    lines.append("")
    for spec in documents.workbook_kinds().values():
        lines += _kind_markdown(spec)
    lines += _timescales_markdown()
    lines += _code_lists_markdown()
    lines += _problem_codes_markdown()
    while lines and lines[-1] == "":
        lines.pop()
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- JSON Schema


def _row_schema(model: type[BaseModel]) -> dict[str, Any]:
    """A row model's schema, keyed by header, with the contract's facts added.

    Titles become the headers (Pydantic would title ``iro`` "Iro"), empty
    descriptions go, required text must hold more than spaces, and coded columns
    list their codes under ``x-codes`` (not as an ``enum``: a workbook may hold the
    label, which the validator maps to the code).
    """
    schema = model.model_json_schema(by_alias=True)
    schema["title"] = model.sheet  # type: ignore[attr-defined]  # every Row declares sheet
    facts = {f.header: f for f in column_facts(model)}  # type: ignore[arg-type]  # a Row class
    required = set(schema.get("required", ()))
    for header, prop in schema["properties"].items():
        prop["title"] = header
        if header in required and prop.get("type") == "string":
            # docgen reads a cell of spaces as blank: a required text needs a character.
            prop.setdefault("pattern", r"\S")
        if not prop.get("description"):
            prop.pop("description", None)
        column = facts[header]
        if column.codes is not None:
            prop["x-codes"] = {code: label for code, label, _ in column.codes.entries}
    return schema


def json_schemas() -> dict[str, dict[str, Any]]:
    """One JSON Schema per kind of workbook: an object of sheets, each an array of rows.

    Dates are ISO strings and yes/no are booleans, as the models hold them after
    reading, so a program can check an export before writing it into a workbook.
    """
    schemas: dict[str, dict[str, Any]] = {}
    for kind, spec in documents.workbook_kinds().items():
        schemas[kind] = {
            "$schema": JSON_SCHEMA_DIALECT,
            "title": spec.title,
            "description": f"docgen {kind} workbook: each property is a sheet, each item a row.",
            "type": "object",
            "properties": {
                sheet.model.sheet: {"type": "array", "items": _row_schema(sheet.model)}
                for sheet in spec.sheets
            },
            "required": [sheet.model.sheet for sheet in spec.sheets if sheet.required],
            "additionalProperties": True,
        }
    return schemas


def schema_path(kind: str) -> str:
    """``schemas/review.schema.json``: where a kind's schema lives, relative to the repo."""
    return f"{SCHEMA_DIR}/{kind}.schema.json"


# --------------------------------------------------------------------------- files


def generated_files() -> dict[str, str]:
    """Every generated file's text, by path relative to the repository root."""
    files = {REFERENCE_PATH: reference_markdown()}
    for kind, schema in json_schemas().items():
        text = json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        files[schema_path(kind)] = text
    return files


def _orphans(root: Path, files: dict[str, str]) -> list[Path]:
    """Schema files left behind by a kind that no longer exists."""
    folder = root / SCHEMA_DIR
    if not folder.is_dir():
        return []
    wanted = {root / rel for rel in files}
    return sorted(p for p in folder.glob("*.schema.json") if p not in wanted)


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


def stale_generated(root: Path) -> list[Path]:
    """Generated files under ``root`` that are missing, out of date or left over."""
    files = generated_files()
    stale = [root / rel for rel, text in files.items() if _read(root / rel) != text]
    return stale + _orphans(root, files)


def write_generated(root: Path) -> list[Path]:
    """Bring the generated files under ``root`` up to date; return those written or removed.

    Files already current are left untouched, so their timestamps say when the
    contract last changed.
    """
    files = generated_files()
    changed: list[Path] = []
    for rel, text in files.items():
        path = root / rel
        if _read(path) == text:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        changed.append(path)
    for orphan in _orphans(root, files):
        orphan.unlink()
        changed.append(orphan)
    return changed


def _kind_notes(kind: str) -> str:
    """What a kind of workbook is for and what comes out of it: each document type that
    reads it says so in its own module."""
    return " ".join(doc.notes for doc in documents.types_reading(kind) if doc.notes)
