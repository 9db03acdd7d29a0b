"""Blank input workbooks, generated from the sheet models.

A user who starts from a blank workbook cannot misspell a header or forget a
sheet, and Excel itself refuses most bad cells as they are typed: every code
column has a dropdown, yes/no columns a Y/N list, stage columns a 1-4 whole-number
rule and date columns a date rule. Every value a dropdown offers is one the
validator accepts (:func:`docgen.contract.dropdown_values`), so the two never
disagree. The first sheet, "How to fill", repeats the reference of
``docs/workbooks.md`` for the workbook's sheets; it and the hidden "Lists" sheet
are not contract sheets, and the validator ignores sheets it does not know.

The file is deterministic: workbook properties are pinned and every zip entry gets
the same timestamp, so the same docgen version always writes the same bytes.
"""

from __future__ import annotations

import os
import re
import tempfile
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from docgen.codes import CodeList
from docgen.contract import (
    GENERAL_RULES,
    ColumnFacts,
    code_lists,
    column_facts,
    dropdown_values,
    one_row_per,
)
from docgen.errors import UserError
from docgen.models import KINDS, WorkbookSpec
from docgen.xlsxbytes import xlsx_bytes

__all__ = [
    "HOW_TO_SHEET",
    "LAST_ROW",
    "LISTS_SHEET",
    "YES_NO_VALUES",
    "blank_workbook",
    "write_blank_workbook",
]

HOW_TO_SHEET = "How to fill"
LISTS_SHEET = "Lists"
#: Data validations cover rows 2 to LAST_ROW: room for a year of any sheet.
LAST_ROW = 1000
YES_NO_VALUES = ("Y", "N", "Yes", "No")
DATE_FORMAT = "DD/MM/YYYY"
#: Excel refuses a typed-in list source longer than this; longer lists live on a sheet.
INLINE_LIST_LIMIT = 255

FIXED_TIMESTAMP = datetime(2014, 4, 1)

REQUIRED_FILL = PatternFill("solid", start_color="FFF4B183", end_color="FFF4B183")
OPTIONAL_FILL = PatternFill("solid", start_color="FFDDEBF7", end_color="FFDDEBF7")
TITLE_FONT = Font(bold=True, size=14)
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")

_ERROR_TITLE_LIMIT = 32  # Excel's limits for a validation's error box
_ERROR_LIMIT = 255


def write_blank_workbook(kind: str, dest: Path) -> None:
    """Write a blank ``kind`` workbook (annual, review, alert, conference) to ``dest``.

    The file appears whole or not at all: it is written beside ``dest`` and moved
    into place, so a half-written workbook never sits where a user would open it.
    Its name must end in .xlsx: Excel will not open an .xlsx named otherwise (nor an
    .xlsm without macros), and docgen itself would refuse it.
    """
    dest = Path(dest)
    if dest.suffix.lower() != ".xlsx":
        raise UserError(
            f"{dest}: a blank workbook is an Excel .xlsx file; name it {dest.stem}.xlsx."
        )
    data = xlsx_bytes(blank_workbook(kind))
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".blank-", suffix=".xlsx", dir=dest.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def blank_workbook(kind: str) -> Workbook:
    """The blank ``kind`` workbook as an openpyxl ``Workbook`` (not yet saved)."""
    from docgen import documents  # the registry: a kind's sheets as its documents read them

    spec = documents.workbook_kinds().get(kind)
    if spec is None:
        raise UserError(f"unknown workbook kind {kind!r}: expected one of {', '.join(KINDS)}.")
    wb = Workbook()
    wb.properties.creator = "docgen"
    wb.properties.title = spec.title
    wb.properties.created = FIXED_TIMESTAMP
    wb.properties.modified = FIXED_TIMESTAMP
    how_to = wb.active
    assert how_to is not None
    how_to.title = HOW_TO_SHEET
    _write_how_to(how_to, spec)
    lists = _Lists(wb)
    for sheet in spec.sheets:
        ws = wb.create_sheet(sheet.model.sheet)
        _write_data_sheet(ws, column_facts(sheet.model), lists)
    lists.finish()
    wb.active = 0
    return wb


# --------------------------------------------------------------------------- "How to fill"


def _plain(markdown: str) -> str:
    """Markdown of the general rules as plain text: links keep their words, backticks go."""
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", markdown)
    return text.replace("`", "")


def _line(ws: Worksheet, text: str, font: Font | None = None) -> None:
    """A line of prose across the table's six columns, tall enough for its wrapped text."""
    ws.append([text])
    row = ws.max_row
    cell = ws.cell(row, 1)
    cell.alignment = WRAP
    if font is not None:
        cell.font = font
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=6)
    # Excel does not grow merged rows to fit; about 170 characters fit on a line.
    ws.row_dimensions[row].height = 15 * (1 + len(text) // 170) + (4 if font else 0)


def _write_how_to(ws: Worksheet, spec: WorkbookSpec) -> None:
    _line(ws, f"{spec.title}: how to fill this workbook", TITLE_FONT)
    _line(
        ws,
        "Fill in the sheets after this one; each row of a sheet is one record. Required columns "
        "have bold headers on an orange background; the others may be left blank or deleted. "
        "Cells with a dropdown take only the values listed. Check the workbook with: "
        "docgen validate FILE",
    )
    ws.append([])
    _line(ws, "General rules", BOLD)
    for rule in GENERAL_RULES:
        _line(ws, "- " + _plain(rule))
    header = ("Column", "Also accepted", "Required", "Type / format", "Accepted values", "Notes")
    for sheet in spec.sheets:
        model = sheet.model
        need = "required" if sheet.required else "optional"
        ws.append([])
        _line(ws, f"Sheet {model.sheet!r} ({need}): one row per {one_row_per(model)}", BOLD)
        ws.append(list(header))
        for cell in ws[ws.max_row]:
            cell.font = BOLD
            cell.fill = OPTIONAL_FILL
        for facts in column_facts(model):
            ws.append(
                [
                    facts.header,
                    ", ".join(facts.aliases) or None,
                    "yes" if facts.required else "no",
                    facts.type_format,
                    facts.accepted_plain() or None,
                    facts.notes or None,
                ]
            )
            for cell in ws[ws.max_row]:
                cell.alignment = WRAP
            if facts.required:
                ws.cell(ws.max_row, 1).font = BOLD
    used = _lists_used(spec)
    if used:
        ws.append([])
        _line(ws, "Code lists: each code, its label and the report category it counts under", BOLD)
        for code_list in used:
            ws.append([])
            _line(ws, code_list.name[0].upper() + code_list.name[1:], BOLD)
            grouped = any(cat not in (code, label) for code, label, cat in code_list.entries)
            _code_row(ws, "Code", "Label", "Report category" if grouped else "", bold=True)
            for code, label, category in code_list.entries:
                _code_row(ws, code, label, category if grouped else "")
            if code_list.synonyms:
                also = ", ".join(f"{s} ({c})" for s, c in code_list.synonyms.items())
                _code_row(ws, "Also accepted", also, "")
    for letter, width in zip("ABCDEF", (28, 22, 10, 26, 60, 60), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"


def _code_row(ws: Worksheet, code: str, label: str, category: str, bold: bool = False) -> None:
    """A code list line: the label spans columns B-D, the report category sits in E."""
    ws.append([code, label, None, None, category or None])
    row = ws.max_row
    ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=4)
    ws.cell(row, 2).alignment = WRAP
    ws.row_dimensions[row].height = 15 * (1 + len(label) // 60)
    if bold:
        for column in (1, 2, 5):
            ws.cell(row, column).font = BOLD


def _lists_used(spec: WorkbookSpec) -> list[CodeList]:
    used = {f.codes.name for s in spec.sheets for f in column_facts(s.model) if f.codes is not None}
    return [c for c in code_lists() if c.name in used]


# --------------------------------------------------------------------------- data sheets


class _Lists:
    """The hidden "Lists" sheet: dropdown sources too long to type into a validation."""

    def __init__(self, wb: Workbook) -> None:
        self.wb = wb
        self.ws: Worksheet | None = None
        self.names: dict[str, str] = {}

    def source(self, values: list[str], title: str) -> str:
        """A validation's ``formula1``: the list typed in when short, else a named range."""
        joined = ",".join(values)
        if len(joined) <= INLINE_LIST_LIMIT and not any(('"' in v or "," in v) for v in values):
            return f'"{joined}"'
        if title not in self.names:
            if self.ws is None:
                self.ws = self.wb.create_sheet(LISTS_SHEET)
                self.ws.sheet_state = "hidden"
            column = len(self.names) + 1
            letter = get_column_letter(column)
            self.ws.cell(1, column, title)
            for row, value in enumerate(values, start=2):
                self.ws.cell(row, column, value)
            name = "list_" + re.sub(r"\W+", "_", title).strip("_").lower()
            ref = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${len(values) + 1}"
            self.wb.defined_names[name] = DefinedName(name, attr_text=ref)
            self.names[title] = name
        return self.names[title]

    def finish(self) -> None:
        """Put the sheet last, behind the sheets a user fills in."""
        if self.ws is not None:
            self.wb.move_sheet(self.ws, len(self.wb.sheetnames) - 1 - self.wb.index(self.ws))
            for column in range(1, len(self.names) + 1):
                self.ws.column_dimensions[get_column_letter(column)].width = 40


def _width(facts: ColumnFacts) -> float:
    base = {"date": 14, "yes/no": 10, "whole number": 10, "number": 10, "code": 18}.get(
        facts.kind, 16 if facts.max_length else 28
    )
    return min(max(base, len(facts.header) + 4), 40)


def _comment(facts: ColumnFacts) -> Comment:
    lines = ["Required" if facts.required else "Optional", facts.type_format]
    if facts.kind == "code":
        lines.append("Choose from the list (code or label).")
    elif facts.accepted_plain():
        lines.append(facts.accepted_plain())
    if facts.aliases:
        lines.append("Also accepted as header: " + ", ".join(facts.aliases))
    if facts.notes:
        lines.append(facts.notes)
    text = "\n".join(lines)
    comment = Comment(text, "docgen")
    comment.width = 260
    comment.height = 40 + 15 * (len(text) // 40 + len(lines))
    return comment


def _validation(facts: ColumnFacts, lists: _Lists, first: str) -> DataValidation | None:
    """The Excel rule for a column whose first cell is ``first``, or None when any text
    will do."""
    name = facts.header
    if facts.codes is not None:
        what = facts.codes.name
        rule = DataValidation(
            type="list",
            formula1=lists.source(dropdown_values(facts.codes), what),
            errorTitle=f"Not {_a(what)}",
            error=f"{name} takes {_a(what)} code or label from the list. The How to fill "
            "sheet lists every code.",
        )
    elif facts.kind == "yes/no":
        rule = DataValidation(
            type="list",
            formula1='"' + ",".join(YES_NO_VALUES) + '"',
            errorTitle="Not yes or no",
            error=f"{name} takes Y or N (or Yes or No).",
        )
    elif facts.kind == "date":
        rule = DataValidation(
            type="date",
            operator="between",
            formula1="DATE(1900,1,1)",
            formula2="DATE(2100,12,31)",
            errorTitle="Not a date",
            error=f"{name} takes a date between 01/01/1900 and 31/12/2100, typed day first, "
            "e.g. 31/03/2014.",
        )
    elif facts.kind in ("whole number", "number") and (facts.minimum or facts.maximum):
        rule = _number_rule(facts, first)
    else:
        return None
    rule.errorStyle = "stop"
    rule.showErrorMessage = True
    rule.allow_blank = True
    rule.errorTitle = (rule.errorTitle or "")[:_ERROR_TITLE_LIMIT]
    rule.error = (rule.error or "")[:_ERROR_LIMIT]
    return rule


def _number_rule(facts: ColumnFacts, first: str) -> DataValidation:
    """A whole-number or decimal rule from the model's bounds.

    Excel's "between" includes both ends, so a range that leaves one out (FTE: more
    than 0, up to 1) is a formula on the column's first cell, which Excel moves down
    the column: otherwise Excel would take an FTE of 0 that docgen refuses.
    """
    kind = "whole" if facts.kind == "whole number" else "decimal"
    low, high = facts.minimum, facts.maximum
    formula2: str | None
    if low and high and not (low[1] and high[1]):
        tests = [f"ISNUMBER({first})"] + ([f"INT({first})={first}"] if kind == "whole" else [])
        tests.append(f"{first}{'>=' if low[1] else '>'}{_num(low[0])}")
        tests.append(f"{first}{'<=' if high[1] else '<'}{_num(high[0])}")
        kind, operator, formula1, formula2 = "custom", None, f"AND({','.join(tests)})", None
    elif low and high:
        operator, formula1, formula2 = "between", _num(low[0]), _num(high[0])
    elif low:
        operator = "greaterThanOrEqual" if low[1] else "greaterThan"
        formula1, formula2 = _num(low[0]), None
    else:
        assert high is not None
        operator = "lessThanOrEqual" if high[1] else "lessThan"
        formula1, formula2 = _num(high[0]), None
    example = f" ({facts.notes.removesuffix('.')})" if facts.notes else ""
    return DataValidation(
        type=kind,
        operator=operator,
        formula1=formula1,
        formula2=formula2,
        errorTitle=f"Not {_a(facts.kind)}",
        error=f"{facts.header} takes {_a(facts.kind)}: {facts.range_text()}{example}.",
    )


def _a(noun: str) -> str:
    """``an ethnicity``, ``a legal status``."""
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _write_data_sheet(ws: Worksheet, facts: list[ColumnFacts], lists: _Lists) -> None:
    for index, column in enumerate(facts, start=1):
        letter = get_column_letter(index)
        cell = ws.cell(1, index, column.header)
        cell.font = Font(bold=column.required)
        cell.fill = REQUIRED_FILL if column.required else OPTIONAL_FILL
        cell.alignment = Alignment(vertical="top")
        cell.comment = _comment(column)
        dimension = ws.column_dimensions[letter]
        dimension.width = _width(column)
        if column.kind == "date":
            dimension.number_format = DATE_FORMAT
        rule = _validation(column, lists, f"{letter}2")
        if rule is not None:
            rule.add(f"{letter}2:{letter}{LAST_ROW}")
            ws.add_data_validation(rule)
    ws.freeze_panes = "A2"


# --------------------------------------------------------------------------- saving
