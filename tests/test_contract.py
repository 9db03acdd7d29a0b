"""The contract generated from the models: reference Markdown, JSON Schemas, drift check."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from docgen import codes
from docgen.contract import (
    REFERENCE_PATH,
    code_lists,
    column_facts,
    dropdown_values,
    generated_files,
    json_schemas,
    one_row_per,
    reference_markdown,
    schema_path,
    stale_generated,
    write_generated,
)
from docgen.models import (
    KINDS,
    REVIEW,
    Child,
    Dispute,
    HistoryEntry,
    NarrativeSection,
    ReviewAttendee,
    StaffMember,
)
from docgen.settings import Settings
from docgen.validate import Tables
from docgen.workbook import normalise
from tests.conftest import SAMPLES

jsonschema = pytest.importorskip("jsonschema")


def facts_of(model: type, header: str):
    return next(f for f in column_facts(model) if f.header == header)


# --------------------------------------------------------------------------- column facts


def test_one_row_per_comes_from_the_docstring_without_its_article() -> None:
    assert one_row_per(Child) == "child looked after at any time in the reporting year"
    assert one_row_per(NarrativeSection).endswith("challenges, ...")


def test_column_facts_spell_out_bounds_keys_and_links() -> None:
    assert facts_of(Dispute, "Highest Stage").range_text() == "1 to 4"
    assert facts_of(StaffMember, "FTE").range_text() == "more than 0, up to 1"
    assert facts_of(HistoryEntry, "Year").range_text() == "1990 to 2100"
    child_id = facts_of(Child, "Child ID")
    assert (child_id.required, child_id.aliases, child_id.max_length) == (True, ("CHILD",), 50)
    assert "Each value once on this sheet." in child_id.notes
    assert "Must match the Review ID of a row on sheet Review Meetings." in (
        facts_of(ReviewAttendee, "Review ID").notes
    )
    assert facts_of(Child, "Sex").kind == "code" and not facts_of(Child, "Sex").required
    assert facts_of(Child, "Short Breaks").accepted_plain().startswith("Y or N")


def test_dropdown_values_are_all_accepted_and_cover_every_code() -> None:
    for code_list in code_lists():
        values = dropdown_values(code_list)
        assert set(code_list.codes) <= set(values)
        assert len({normalise(v) for v in values}) == len(values), code_list.name
        assert all(code_list.parse(v) is not None for v in values), code_list.name


def test_code_lists_cover_every_coded_column_once() -> None:
    names = [c.name for c in code_lists()]
    assert len(names) == len(set(names))
    assert {codes.LEGAL_STATUS.name, codes.ETHNICITY.name, codes.ATTENDANCE.name} <= set(names)


# --------------------------------------------------------------------------- markdown


def test_reference_lists_every_kind_sheet_and_column() -> None:
    text = reference_markdown()
    for spec in KINDS.values():
        assert f"## {spec.title}\n" in text
        for sheet in spec.sheets:
            assert f"### Sheet: {sheet.model.sheet}\n" in text
            need = "Required sheet" if sheet.required else "Optional sheet"
            assert f"{need}. One row per {one_row_per(sheet.model)}" in text
            for facts in column_facts(sheet.model):
                cell = f"**{facts.header}**" if facts.required else facts.header
                assert f"| {cell} |" in text, (sheet.model.sheet, facts.header)


def test_reference_gives_codes_with_labels_and_report_categories() -> None:
    text = reference_markdown()
    assert "`C2`, " in text  # the Children table lists the legal status codes
    assert "| `C2` | Care Order | Care Order |" in text
    assert "| `L3` | Child Assessment Order | Emergency Protection Order |" in text
    assert "| `CHNE` | Chinese | Other |" in text
    assert "`NEG` Neglect, `PHY` Physical Abuse" in text
    assert "`ICPC` (Initial)" in text
    assert "DOCGEN_CHNE_GROUP" in text and "DOCGEN_REVIEW_POLICY" in text
    # The month-end rule's examples are computed, so they are right.
    assert "31 August 2015 + 6 months = 29 February 2016" in text


def test_reference_tables_have_as_many_cells_in_every_row_as_in_their_header() -> None:
    width = None
    for line in reference_markdown().splitlines():
        if not line.startswith("|"):
            width = None
            continue
        cells = len(re.findall(r"(?<!\\)\|", line)) - 1
        width = width or cells
        assert cells == width, line


def test_reference_is_deterministic() -> None:
    assert reference_markdown() == reference_markdown()


# --------------------------------------------------------------------------- JSON Schema


def test_one_schema_per_kind_with_required_sheets() -> None:
    schemas = json_schemas()
    assert list(schemas) == list(KINDS)
    review = schemas["review"]
    assert review["type"] == "object"
    assert review["required"] == ["Review Meetings", "Attendees", "Decisions"]
    assert json_schemas()["alert"]["required"] == ["Alerts"]
    jsonschema.Draft202012Validator.check_schema(review)
    items = review["properties"]["Attendees"]["items"]
    assert items["properties"]["Attendance"]["x-codes"]["Apologies"] == "Apologies"
    assert items["properties"]["Review ID"]["title"] == "Review ID"


def _sample_review_tables() -> Tables:
    from docgen.pipeline import load

    tables, report = load(SAMPLES / "review_meetings.xlsx", REVIEW, Settings())
    assert report.ok
    return tables


def test_schema_validates_the_sample_rows_as_the_models_hold_them() -> None:
    tables = _sample_review_tables()
    document = {
        sheet.model.sheet: [
            row.model_dump(mode="json", by_alias=True) for row in tables[sheet.model]
        ]
        for sheet in REVIEW.sheets
    }
    validator = jsonschema.Draft202012Validator(json_schemas()["review"])
    assert list(validator.iter_errors(document)) == []

    meeting = dict(document["Review Meetings"][0])
    del meeting["Review Date"]
    bad = {**document, "Review Meetings": [meeting]}
    assert [e.message for e in validator.iter_errors(bad)] == [
        "'Review Date' is a required property"
    ]
    assert not validator.is_valid({"Review Meetings": [], "Attendees": []})


def test_schema_refuses_a_blank_required_text_as_the_validator_does() -> None:
    """docgen reads a cell of spaces as blank, so a required column may not hold one."""
    items = json_schemas()["review"]["properties"]["Attendees"]["items"]
    row = {"Review ID": "R1", "Name": "Bo", "Role": "Nurse", "Attendance": "Attended"}
    validator = jsonschema.Draft202012Validator(items)
    assert validator.is_valid(row)
    for header in ("Review ID", "Name", "Role", "Attendance"):
        for blank in ("", "   "):
            assert not validator.is_valid({**row, header: blank}), (header, blank)
    meetings = json_schemas()["review"]["properties"]["Review Meetings"]["items"]
    assert meetings["properties"]["Venue"]["anyOf"][0] == {"type": "string"}  # may be blank


def test_schema_gives_the_form_of_a_published_history_figure() -> None:
    items = json_schemas()["annual"]["properties"]["History"]["items"]
    validator = jsonschema.Draft202012Validator(items)
    row = {"Table": "Age", "Row": "10-15", "Year": 2013}
    for value in ("89 (1)", "-", "1,850", "99.5%", "12"):
        assert validator.is_valid({**row, "Value": value}), value
    for value in ("lots", "89 (one)", ""):
        assert not validator.is_valid({**row, "Value": value}), value


def test_schema_rejects_values_out_of_bounds() -> None:
    items = json_schemas()["annual"]["properties"]["Disputes"]["items"]
    row = {"Alert ID": "A1", "Child ID": "C1", "Date Raised": "2014-01-02", "Highest Stage": 5}
    assert not jsonschema.Draft202012Validator(items).is_valid(row)
    assert jsonschema.Draft202012Validator(items).is_valid({**row, "Highest Stage": 4})


# --------------------------------------------------------------------------- files


def test_generated_files_are_pretty_sorted_json_and_markdown() -> None:
    files = generated_files()
    assert set(files) == {REFERENCE_PATH} | {schema_path(k) for k in KINDS}
    for kind in KINDS:
        text = files[schema_path(kind)]
        assert text == json.dumps(json.loads(text), indent=2, sort_keys=True) + "\n"


def test_write_then_check_then_drift(tmp_path: Path) -> None:
    assert len(stale_generated(tmp_path)) == 1 + len(KINDS)
    written = write_generated(tmp_path)
    assert sorted(written) == sorted(tmp_path / rel for rel in generated_files())
    assert stale_generated(tmp_path) == []
    assert write_generated(tmp_path) == []  # nothing to do the second time

    (tmp_path / REFERENCE_PATH).write_text("edited by hand\n", encoding="utf-8")
    orphan = tmp_path / "schemas" / "retired.schema.json"
    orphan.write_text("{}\n", encoding="utf-8")
    assert stale_generated(tmp_path) == [tmp_path / REFERENCE_PATH, orphan]
    assert write_generated(tmp_path) == [tmp_path / REFERENCE_PATH, orphan]
    assert not orphan.exists()
    assert stale_generated(tmp_path) == []
