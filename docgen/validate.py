"""Rows -> models, with every problem of the workbook collected into one Report.

Nothing here raises for bad data: a user fixing a workbook wants the whole list
in one go, each problem naming its sheet, cell, the value found and what was
expected. A sheet whose required columns are missing is not read row by row
(every row would repeat the same complaint).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import ValidationError

from docgen.errors import Problem, show_value
from docgen.models import CellError, ColumnSpec, Row, WorkbookSpec, column_specs, to_text
from docgen.report import Report
from docgen.workbook import Sheet, Workbook, column_letter, normalise

R = TypeVar("R", bound=Row)


@dataclass
class SheetRows(Generic[R]):
    """A sheet's valid rows, each with the row number it came from."""

    model: type[R]
    sheet_name: str
    rows: list[R] = field(default_factory=list)
    row_numbers: list[int] = field(default_factory=list)
    columns: dict[str, int] = field(default_factory=dict)
    present: bool = False
    #: Every key written on the sheet, valid row or not (casefolded), so that child
    #: rows of a parent with some other mistake are not reported a second time.
    keys_seen: set[str] = field(default_factory=set)
    #: Every parent ID written on this (child) sheet, valid row or not.
    parents_seen: set[str] = field(default_factory=set)

    def __iter__(self) -> Iterator[R]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def located(self) -> Iterator[tuple[int, R]]:
        return zip(self.row_numbers, self.rows, strict=True)

    def cell(self, field_name: str, row_number: int) -> str | None:
        """``D14`` for a field of a row, or None when the column is absent."""
        column = self.columns.get(field_name)
        return None if column is None else f"{column_letter(column)}{row_number}"


@dataclass
class Tables:
    """The validated sheets of one workbook, keyed by model."""

    spec: WorkbookSpec
    sheets: dict[type[Row], SheetRows[Any]]

    def __getitem__(self, model: type[R]) -> SheetRows[R]:
        return self.sheets[model]


def validate_workbook(workbook: Workbook, spec: WorkbookSpec) -> tuple[Tables, Report]:
    """Validate every sheet of ``spec`` in ``workbook``; bad rows are left out and reported."""
    report = Report(file=str(workbook.path))
    sheets: dict[type[Row], SheetRows[Any]] = {}
    for sheet_spec in spec.sheets:
        model = sheet_spec.model
        sheet = workbook.sheet(model.sheet)
        rows: SheetRows[Any] = SheetRows(model=model, sheet_name=model.sheet)
        sheets[model] = rows
        if sheet is None:
            if sheet_spec.required:
                report.add(
                    _problem(
                        "missing-sheet",
                        f"the workbook has no sheet named {model.sheet!r}",
                        expected=f"a sheet {model.sheet!r} (sheets found: "
                        f"{', '.join(workbook.sheet_names) or 'none'})",
                        file=workbook.path.name,
                    )
                )
            continue
        rows.sheet_name = sheet.name
        rows.present = True
        _validate_sheet(sheet, model, rows, report, workbook.path.name)
    tables = Tables(spec=spec, sheets=sheets)
    _check_parents(tables, report, workbook.path.name)
    return tables, report


def _problem(code: str, message: str, **kwargs: Any) -> Problem:
    return Problem(code=code, message=message, **kwargs)


def _match_headers(
    sheet: Sheet, specs: list[ColumnSpec], report: Report, file: str
) -> dict[str, int]:
    """Map field names to column indexes; warn on unknown headers, fail on duplicates."""
    wanted: dict[str, ColumnSpec] = {}
    for spec in specs:
        for name in (spec.header, *spec.aliases):
            wanted[normalise(name)] = spec
        for alias in spec.aliases:
            wanted[normalise(f"{spec.header} ({alias})")] = spec
    found: dict[str, int] = {}
    for index, header in sheet.headers:
        cell = f"{column_letter(index)}{sheet.header_row}"
        spec = wanted.get(normalise(header))
        if spec is None:
            close = difflib.get_close_matches(normalise(header), list(wanted), n=1, cutoff=0.75)
            hint = f"; did you mean {wanted[close[0]].header!r}?" if close else ""
            report.add(
                _problem(
                    "unknown-column",
                    f"column {header!r} is not part of the contract and is ignored{hint}",
                    sheet=sheet.name,
                    cell=cell,
                    value=header,
                    severity="warning",
                    file=file,
                )
            )
            continue
        if spec.name in found:
            first = f"{column_letter(found[spec.name])}{sheet.header_row}"
            report.add(
                _problem(
                    "duplicate-column",
                    f"column {spec.header!r} appears twice (also at {first})",
                    sheet=sheet.name,
                    cell=cell,
                    value=header,
                    expected="each column once",
                    file=file,
                )
            )
            continue
        found[spec.name] = index
    for spec in specs:
        if spec.required and spec.name not in found:
            aka = f" (or {', '.join(spec.aliases)})" if spec.aliases else ""
            report.add(
                _problem(
                    "missing-column",
                    f"required column {spec.header!r}{aka} is missing",
                    sheet=sheet.name,
                    row=sheet.header_row or 1,
                    expected=f"a header {spec.header!r} in the header row",
                    file=file,
                )
            )
    return found


def _validate_sheet(
    sheet: Sheet, model: type[Row], out: SheetRows[Any], report: Report, file: str
) -> None:
    specs = column_specs(model)
    columns = _match_headers(sheet, specs, report, file)
    out.columns = columns
    out.keys_seen = _written(sheet, columns.get(model.key) if model.key else None)
    out.parents_seen = _written(sheet, columns.get(model.parent[0]) if model.parent else None)
    if any(s.required and s.name not in columns for s in specs):
        return
    by_name = {s.name: s for s in specs}
    letters = {name: column_letter(index) for name, index in columns.items()}
    seen_keys: dict[str, int] = {}
    for number, values in sheet.rows:
        data: dict[str, Any] = {}
        ok = True
        for name, index in columns.items():
            spec = by_name[name]
            raw = values[index] if index < len(values) else None
            cell = f"{letters[name]}{number}"
            if raw is None:
                if cell in sheet.uncached:
                    report.add(
                        _problem(
                            "formula-without-value",
                            "holds a formula Excel has not calculated",
                            sheet=sheet.name,
                            cell=cell,
                            column=spec.header,
                            expected="a value: open the workbook in Excel and save it",
                            file=file,
                        )
                    )
                    ok = False
                elif spec.required:
                    report.add(
                        _problem(
                            "blank-cell",
                            f"{spec.header} is blank",
                            sheet=sheet.name,
                            cell=cell,
                            column=spec.header,
                            expected=_expected(spec),
                            file=file,
                        )
                    )
                    ok = False
                continue
            try:
                data[name] = spec.convert(raw)
            except CellError as exc:
                report.add(
                    _problem(
                        exc.code,
                        f"{spec.header} {raw!r} {exc}"
                        if isinstance(raw, str)
                        else f"{spec.header} {_show(raw)} {exc}",
                        sheet=sheet.name,
                        cell=cell,
                        column=spec.header,
                        value=raw,
                        expected=exc.expected,
                        file=file,
                    )
                )
                ok = False
        if not ok:
            continue
        try:
            row = model.model_validate(data)
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                name = str(error["loc"][0]) if error["loc"] else ""
                spec = by_name.get(name)
                report.add(
                    _problem(
                        "invalid-value",
                        f"{spec.header if spec else name} {_show(data.get(name))} is not allowed: "
                        f"{error['msg'].lower()}",
                        sheet=sheet.name,
                        row=number,
                        file=file,
                        cell=out.cell(name, number) if spec else None,
                        column=spec.header if spec else None,
                        value=data.get(name),
                        expected=error["msg"].lower().removeprefix("input should be "),
                    )
                )
            continue
        rule_broken = False
        for name, message, expected in row.problems():
            spec = by_name[name]
            report.add(
                _problem(
                    "inconsistent-row",
                    f"{spec.header} {message}"
                    if getattr(row, name) is None
                    else f"{spec.header} {_show(getattr(row, name))} {message}",
                    sheet=sheet.name,
                    cell=out.cell(name, number),
                    row=number,
                    column=spec.header,
                    value=getattr(row, name),
                    expected=expected,
                    file=file,
                )
            )
            rule_broken = True
        if rule_broken:
            continue
        if model.key:
            key = getattr(row, model.key)
            folded = key.casefold()
            if folded in seen_keys:
                report.add(
                    _problem(
                        "duplicate-id",
                        f"{by_name[model.key].header} {key!r} is used again "
                        f"(first in row {seen_keys[folded]})",
                        sheet=sheet.name,
                        cell=out.cell(model.key, number),
                        row=number,
                        column=by_name[model.key].header,
                        value=key,
                        expected="each ID once on this sheet",
                        file=file,
                    )
                )
                continue
            seen_keys[folded] = number
        out.rows.append(row)
        out.row_numbers.append(number)


def _written(sheet: Sheet, column: int | None) -> set[str]:
    """The IDs written in a column, casefolded, whatever else is wrong with their rows."""
    if column is None:
        return set()
    return {
        to_text(values[column]).casefold()
        for _number, values in sheet.rows
        if column < len(values) and values[column] is not None
    }


def _check_parents(tables: Tables, report: Report, file: str) -> None:
    """Rows of a child sheet whose ID matches no parent row are errors, not dropped quietly."""
    by_sheet = {model.sheet: rows for model, rows in tables.sheets.items()}
    for model, rows in tables.sheets.items():
        if model.parent is None or not rows.present:
            continue
        field_name, parent_sheet = model.parent
        parent = by_sheet[parent_sheet]
        if not parent.present or parent.model.key is None:
            continue
        keys = parent.keys_seen
        header = next(s.header for s in column_specs(model) if s.name == field_name)
        kept_rows, kept_numbers = [], []
        for number, row in rows.located():
            value = getattr(row, field_name)
            if value.casefold() in keys:
                kept_rows.append(row)
                kept_numbers.append(number)
                continue
            report.add(
                _problem(
                    "unknown-parent",
                    f"{header} {value!r} matches no row of sheet {parent_sheet!r}",
                    sheet=rows.sheet_name,
                    cell=rows.cell(field_name, number),
                    row=number,
                    column=header,
                    value=value,
                    expected=f"an ID listed on {parent_sheet!r}",
                    file=file,
                )
            )
        rows.rows, rows.row_numbers = kept_rows, kept_numbers
    _check_required_children(tables, by_sheet, report, file)


def _check_required_children(
    tables: Tables, by_sheet: dict[str, SheetRows[Any]], report: Report, file: str
) -> None:
    """A parent row that needs child rows (a conference needs its children) and has none."""
    for model, rows in tables.sheets.items():
        for child_sheet in model.requires:
            child = by_sheet[child_sheet]
            if not rows.present or not child.present or model.key is None:
                continue
            have = child.parents_seen
            header = next(s.header for s in column_specs(model) if s.name == model.key)
            for number, row in rows.located():
                key = getattr(row, model.key)
                if key.casefold() not in have:
                    report.add(
                        _problem(
                            "no-child-rows",
                            f"{header} {key!r} has no rows on sheet {child_sheet!r}",
                            sheet=rows.sheet_name,
                            cell=rows.cell(model.key, number),
                            row=number,
                            column=header,
                            value=key,
                            expected=f"at least one row for it on {child_sheet!r}",
                            file=file,
                        )
                    )


def _expected(spec: ColumnSpec) -> str:
    if spec.codes is not None:
        return spec.codes.describe()
    return {
        "date": "a date such as 31/03/2014",
        "bool": "Y or N",
        "int": "a whole number",
        "float": "a number",
    }.get(spec.type.__name__, "a value")


def _show(value: Any) -> str:
    return repr(value) if isinstance(value, str) else show_value(value)
