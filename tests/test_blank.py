"""Blank workbooks: the contract's headers, Excel rules that agree with the validator."""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.worksheet.datavalidation import DataValidation

from docgen.blank import HOW_TO_SHEET, LAST_ROW, LISTS_SHEET, YES_NO_VALUES, write_blank_workbook
from docgen.contract import column_facts
from docgen.documents import workbook_kinds
from docgen.errors import UserError
from docgen.models import YES, column_specs
from docgen.pipeline import meeting_papers
from docgen.validate import validate_workbook
from docgen.workbook import read_workbook
from tests.conftest import SAMPLES

#: Each workbook kind with every sheet its document types read (the registry's view).
KINDS = workbook_kinds()


@pytest.fixture(scope="module")
def blanks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One blank workbook per kind, written once for the module (they are read-only here)."""
    folder = tmp_path_factory.mktemp("blank")
    paths = {}
    for kind in KINDS:
        paths[kind] = folder / f"{kind}.xlsx"
        write_blank_workbook(kind, paths[kind])
    return paths


def rules_by_column(ws: Any) -> dict[str, DataValidation]:
    """Each validation keyed by its column letter, checking it covers rows 2 to LAST_ROW."""
    found = {}
    for rule in ws.data_validations.dataValidation:
        ranges = str(rule.sqref).split()
        assert len(ranges) == 1, ranges
        start, end = ranges[0].split(":")
        letter = start.rstrip("0123456789")
        assert (start, end) == (f"{letter}2", f"{letter}{LAST_ROW}")
        found[letter] = rule
    return found


def list_items(wb: openpyxl.Workbook, rule: DataValidation) -> list[str]:
    """What a list validation offers: its typed-in values, or the named range's cells."""
    formula = rule.formula1
    if formula.startswith('"'):
        return formula.strip('"').split(",")
    ref = wb.defined_names[formula].attr_text
    sheet, cells = ref.split("!")
    assert sheet.strip("'") == LISTS_SHEET
    return [str(c.value) for row in wb[LISTS_SHEET][cells.replace("$", "")] for c in row]


# --------------------------------------------------------------------------- layout


@pytest.mark.parametrize("kind", list(KINDS))
def test_blank_workbook_validates_clean(blanks: dict[str, Path], kind: str) -> None:
    _tables, report = validate_workbook(read_workbook(blanks[kind]), KINDS[kind])
    assert report.flatten() == []


@pytest.mark.parametrize("kind", list(KINDS))
def test_sheets_and_headers_follow_the_contract(blanks: dict[str, Path], kind: str) -> None:
    wb = openpyxl.load_workbook(blanks[kind])
    sheets = [s.model.sheet for s in KINDS[kind].sheets]
    extra = [LISTS_SHEET] if LISTS_SHEET in wb.sheetnames else []
    assert wb.sheetnames == [HOW_TO_SHEET, *sheets, *extra]
    if extra:
        assert wb[LISTS_SHEET].sheet_state == "hidden"
    for sheet in KINDS[kind].sheets:
        ws = wb[sheet.model.sheet]
        assert ws.freeze_panes == "A2"
        facts = column_facts(sheet.model)
        assert [c.value for c in ws[1]] == [f.header for f in facts]
        for cell, column in zip(ws[1], facts, strict=True):
            assert bool(cell.font.b) is column.required
            assert cell.comment.text.startswith("Required" if column.required else "Optional")
            letter = cell.column_letter
            assert ws.column_dimensions[letter].width >= len(column.header)
            if column.kind == "date":
                assert ws.column_dimensions[letter].number_format == "DD/MM/YYYY"
        fills = {c.fill.fgColor.rgb for c, f in zip(ws[1], facts, strict=True) if f.required}
        others = {c.fill.fgColor.rgb for c, f in zip(ws[1], facts, strict=True) if not f.required}
        assert len(fills) == 1 and not fills & others


def test_how_to_fill_describes_every_sheet_and_column(blanks: dict[str, Path]) -> None:
    ws = openpyxl.load_workbook(blanks["conference"])[HOW_TO_SHEET]
    text = "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)
    for sheet in KINDS["conference"].sheets:
        need = "required" if sheet.required else "optional"  # v2 sheets are optional
        assert f"Sheet {sheet.model.sheet!r} ({need})" in text
    rows: dict[Any, tuple[Any, ...]] = {}
    for row in ws.iter_rows(values_only=True):  # a column's row, before any code list's
        if row[0]:
            rows.setdefault(row[0], row)
    assert rows["Child Name"][2] == "yes"
    assert rows["Plan"][2:5] == ("no", "yes/no", "Y or N (also Yes/No, TRUE/FALSE, 1/0)")
    assert "NEG (Neglect)" in rows["Category of Abuse"][4]


def test_output_is_deterministic(tmp_path: Path) -> None:
    write_blank_workbook("annual", tmp_path / "a.xlsx")
    write_blank_workbook("annual", tmp_path / "b.xlsx")
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    with zipfile.ZipFile(tmp_path / "a.xlsx") as zf:
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_unknown_kind_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="unknown workbook kind 'minutes'"):
        write_blank_workbook("minutes", tmp_path / "x.xlsx")
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- Excel rules


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_column_gets_the_rule_its_type_needs(blanks: dict[str, Path], kind: str) -> None:
    wb = openpyxl.load_workbook(blanks[kind])
    for sheet in KINDS[kind].sheets:
        ws = wb[sheet.model.sheet]
        rules = rules_by_column(ws)
        for cell, column in zip(ws[1], column_facts(sheet.model), strict=True):
            rule = rules.get(cell.column_letter)
            where = f"{sheet.model.sheet}!{cell.column_letter} {column.header}"
            if column.kind == "text":
                assert rule is None, where
                continue
            if column.kind == "whole number" and column.minimum is None:
                assert rule is None, where
                continue
            assert rule is not None, where
            assert (rule.errorStyle, rule.showErrorMessage, rule.allow_blank) == (
                "stop",
                True,
                True,
            ), where
            assert rule.errorTitle and len(rule.errorTitle) <= 32, where
            assert rule.error and len(rule.error) <= 255, where
            if column.kind in ("code", "yes/no"):
                assert rule.type == "list", where
            elif column.kind == "date":
                assert (rule.type, rule.operator) == ("date", "between"), where
                assert (rule.formula1, rule.formula2) == ("DATE(1900,1,1)", "DATE(2100,12,31)")
            else:
                assert rule.type in ("whole", "decimal", "custom"), where


@pytest.mark.parametrize("kind", list(KINDS))
def test_number_rules_leave_out_the_bounds_the_validator_leaves_out(
    blanks: dict[str, Path], kind: str
) -> None:
    """Excel's 'between' takes both ends: an FTE of 0 must not pass Excel and fail docgen."""
    wb = openpyxl.load_workbook(blanks[kind])
    for sheet in KINDS[kind].sheets:
        rules = rules_by_column(wb[sheet.model.sheet])
        for cell, column in zip(wb[sheet.model.sheet][1], column_facts(sheet.model), strict=True):
            rule = rules.get(cell.column_letter)
            if rule is None or rule.type not in ("whole", "decimal"):
                continue
            if rule.operator == "between":
                assert column.minimum and column.minimum[1], column.header
                assert column.maximum and column.maximum[1], column.header


def test_fte_takes_more_than_0_and_up_to_1(blanks: dict[str, Path]) -> None:
    ws = openpyxl.load_workbook(blanks["annual"])["Staff"]
    assert ws["C1"].value == "FTE"
    rule = rules_by_column(ws)["C"]
    assert (rule.type, rule.formula1) == ("custom", "AND(ISNUMBER(C2),C2>0,C2<=1)")
    assert rule.error == (
        "FTE takes a number: more than 0, up to 1 (Full-time equivalent, e.g. 0.5)."
    )


def test_stage_columns_take_whole_numbers_1_to_4(blanks: dict[str, Path]) -> None:
    for kind, sheet, letter in (("annual", "Disputes", "D"), ("alert", "Alerts", "I")):
        ws = openpyxl.load_workbook(blanks[kind])[sheet]
        assert ws[f"{letter}1"].value in ("Stage", "Highest Stage")
        rule = rules_by_column(ws)[letter]
        assert (rule.type, rule.operator, rule.formula1, rule.formula2) == (
            "whole",
            "between",
            "1",
            "4",
        )


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_dropdown_value_is_accepted_by_the_validator(
    blanks: dict[str, Path], kind: str
) -> None:
    wb = openpyxl.load_workbook(blanks[kind])
    for sheet in KINDS[kind].sheets:
        ws = wb[sheet.model.sheet]
        rules = rules_by_column(ws)
        for cell, spec in zip(ws[1], column_specs(sheet.model), strict=True):
            rule = rules.get(cell.column_letter)
            if rule is None or rule.type != "list":
                continue
            items = list_items(wb, rule)
            if spec.codes is None:
                assert tuple(items) == YES_NO_VALUES
            else:
                assert set(spec.codes.codes) <= set(items), spec.header
            for item in items:
                spec.convert(item)  # raises CellError for a value the validator refuses


def test_lists_too_long_to_type_go_through_the_hidden_sheet(blanks: dict[str, Path]) -> None:
    wb = openpyxl.load_workbook(blanks["annual"])
    rules = rules_by_column(wb["Children"])
    ethnicity, sex = rules["D"], rules["C"]
    assert ethnicity.formula1 == "list_ethnicity"
    items = list_items(wb, ethnicity)
    assert len(",".join(items)) > 255
    assert items[:4] == ["WBRI", "White British", "WIRI", "White Irish"]
    assert "White" in items  # the group words of the contract
    assert sex.formula1 == '"1,Male,2,Female,M,F,Boy,Girl"'


def test_a_bad_code_is_refused_by_excel_and_by_the_validator(
    blanks: dict[str, Path], tmp_path: Path
) -> None:
    wb = openpyxl.load_workbook(blanks["annual"])
    ws = wb["Children"]
    rule = rules_by_column(ws)["E"]
    assert ws["E1"].value == "Legal Status"
    assert (rule.type, rule.errorStyle) == ("list", "stop")
    assert "X9" not in list_items(wb, rule)  # so Excel refuses X9 typed into E2

    dob, decom = datetime(2005, 5, 1), datetime(2013, 6, 1)
    for letter, value in zip("ABCDEF", ("C1", dob, None, "WBRI", "X9", decom), strict=True):
        ws[f"{letter}2"] = value
    path = tmp_path / "annual_2014.xlsx"
    wb.save(path)
    _tables, report = validate_workbook(read_workbook(path), KINDS["annual"])
    assert report.flatten() == [["invalid-code", "Children!E2"]]

    ws["E2"] = "Care Order"  # a label from the same dropdown passes both
    wb.save(path)
    _tables, report = validate_workbook(read_workbook(path), KINDS["annual"])
    assert report.flatten() == []


def test_yes_no_dropdown_values_read_as_booleans() -> None:
    assert {v.casefold() for v in YES_NO_VALUES} <= YES | {"n", "no"}


# --------------------------------------------------------------------------- filled in


def test_sample_rows_in_a_blank_workbook_give_the_samples_documents(
    blanks: dict[str, Path], tmp_path: Path
) -> None:
    sample = SAMPLES / "review_meetings.xlsx"
    wb = openpyxl.load_workbook(blanks["review"])
    for src in openpyxl.load_workbook(sample):
        dst = wb[src.title]
        columns = {cell.value: cell.column for cell in dst[1]}
        rows = list(src.iter_rows(values_only=True))
        targets = [columns[header] for header in rows[0]]
        for number, row in enumerate(rows[1:], start=2):
            for column, value in zip(targets, row, strict=True):
                dst.cell(number, column, value)
    filled = tmp_path / "filled.xlsx"
    wb.save(filled)

    (tmp_path / "from_sample").mkdir()
    (tmp_path / "from_blank").mkdir()
    expected = meeting_papers("review", sample, output=tmp_path / "from_sample").outputs
    result = meeting_papers("review", filled, output=tmp_path / "from_blank")
    assert result.report.flatten() == []
    assert [p.name for p in result.outputs] == [p.name for p in expected]
    assert len(expected) == 5
    for ours, theirs in zip(result.outputs, expected, strict=True):
        with zipfile.ZipFile(ours) as a, zipfile.ZipFile(theirs) as b:
            assert a.read("word/document.xml") == b.read("word/document.xml"), ours.name
