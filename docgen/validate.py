"""Rows -> models, with every problem of the workbook collected into one Report.

Nothing here raises for bad data: a user fixing a workbook wants the whole list
in one go, each problem naming its sheet, cell, the value found and what was
expected. A sheet whose required columns are missing is not read row by row
(every row would repeat the same complaint), and a sheet missing its ID column
is not used to call the rows of another sheet orphans (for the same reason).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Generic, NamedTuple, TypeVar

from pydantic import ValidationError

from docgen.errors import Problem, problem, show_value
from docgen.models import (
    Breach,
    CellError,
    ColumnSpec,
    Row,
    WorkbookSpec,
    column_specs,
    to_text,
)
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
    #: (row number, values) of the model's ``once_per`` fields on every row whose cells
    #: for them are valid, whatever else is wrong with it.
    pairs: list[tuple[int, tuple[Any, ...]]] = field(default_factory=list)
    #: (row number, parent ID) of every row of a child sheet whose parent-ID cell is
    #: valid, whatever else is wrong with it: an orphan is reported in the same run.
    parent_ids: list[tuple[int, str]] = field(default_factory=list)

    def __iter__(self) -> Iterator[R]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def located(self) -> Iterator[tuple[int, R]]:
        return zip(self.row_numbers, self.rows, strict=True)

    def drop(self, problems: dict[int, Problem], report: Report) -> None:
        """Report ``problems`` (row number -> problem) and leave their rows out."""
        report.extend(problems.values())
        kept = [(number, row) for number, row in self.located() if number not in problems]
        self.row_numbers = [number for number, _ in kept]
        self.rows = [row for _, row in kept]

    def cell(self, field_name: str, row_number: int) -> str | None:
        """``D14`` for a field of a row, or None when the column is absent."""
        column = self.columns.get(field_name)
        return None if column is None else f"{column_letter(column)}{row_number}"

    def problem(
        self, code: str, message: str, field_name: str, row_number: int, **kwargs: Any
    ) -> Problem:
        """A problem found at a field of a valid row, placed at its sheet, cell and row."""
        return Problem(
            code,
            message,
            sheet=self.sheet_name,
            cell=self.cell(field_name, row_number),
            row=row_number,
            **kwargs,
        )


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
            chart = workbook.chart_sheet(model.sheet)
            if sheet_spec.required and chart is not None:
                report.add(
                    problem(
                        "missing-sheet",
                        "chart",
                        sheet=chart,
                        file=workbook.path.name,
                        chart=chart,
                        name=model.sheet,
                    )
                )
            elif sheet_spec.required:
                report.add(_missing_sheet(workbook, model.sheet, spec))
            continue
        rows.sheet_name = sheet.name
        rows.present = True
        if sheet.hidden:
            how = (
                "right-click a sheet tab, Unhide"
                if sheet.hidden == "hidden"
                else "only Excel's VBA editor can: Alt+F11, the sheet's Visible property"
            )
            report.add(
                problem(
                    "hidden-sheet",
                    sheet=sheet.name,
                    file=workbook.path.name,
                    name=sheet.name,
                    how_hidden=sheet.hidden,
                    how=how,
                )
            )
        hidden_rows = sorted(sheet.hidden_rows & {number for number, _ in sheet.rows})
        if hidden_rows:
            report.add(
                problem(
                    "hidden-rows",
                    sheet=sheet.name,
                    row=hidden_rows[0],
                    file=workbook.path.name,
                    count=_count(len(hidden_rows), "row"),
                    name=sheet.name,
                    verb="is" if len(hidden_rows) == 1 else "are",
                    runs=_runs(hidden_rows),
                )
            )
        for other in workbook.duplicates_of(model.sheet):
            report.add(
                problem(
                    "duplicate-sheet",
                    sheet=other,
                    file=workbook.path.name,
                    name=sheet.name,
                    other=other,
                    wanted=model.sheet,
                )
            )
        _validate_sheet(sheet, model, rows, report, workbook.path.name)
    tables = Tables(spec=spec, sheets=sheets)
    _check_parents(tables, report, workbook.path.name)
    return tables, report


def _missing_sheet(workbook: Workbook, name: str, spec: WorkbookSpec) -> Problem:
    """A required sheet not found: the nearest one or two sheets of the workbook that no
    other contract sheet takes, when one is close (``Atendees``), else the sheets there."""
    taken = {normalise(s.model.sheet) for s in spec.sheets}
    spare = {normalise(n): n for n in workbook.sheet_names if normalise(n) not in taken}
    close = difflib.get_close_matches(normalise(name), list(spare), n=2, cutoff=0.6)
    if close:
        near = " or ".join(repr(spare[c]) for c in close)
        return problem(
            "missing-sheet",
            "near",
            sheet=spare[close[0]],
            file=workbook.path.name,
            name=name,
            near=near,
        )
    found = ", ".join(workbook.sheet_names) or "none"
    return problem("missing-sheet", file=workbook.path.name, name=name, found=found)


def _match_headers(
    sheet: Sheet, specs: list[ColumnSpec], report: Report, file: str
) -> dict[str, int]:
    """Map field names to column indexes; warn on unknown headers, fail on duplicates."""
    wanted: dict[str, ColumnSpec] = {}
    for each in specs:
        for name in (each.header, *each.aliases):
            wanted[normalise(name)] = each
        for alias in each.aliases:
            wanted[normalise(f"{each.header} ({alias})")] = each
    found: dict[str, int] = {}
    notes: list[Problem] = []  # reported unless the real headers turn out to be lower down
    for index, header in sheet.headers:
        cell = f"{column_letter(index)}{sheet.header_row}"
        spec = wanted.get(normalise(header))
        if spec is None:
            close = _near_headers(normalise(header), list(wanted), 1)
            notes.append(
                problem(
                    "unknown-column",
                    "near" if close else "",
                    sheet=sheet.name,
                    cell=cell,
                    value=header,
                    file=file,
                    header=header,
                    near=wanted[close[0]].header if close else "",
                )
            )
            continue
        if spec.name in found:
            first = f"{column_letter(found[spec.name])}{sheet.header_row}"
            notes.append(
                problem(
                    "duplicate-column",
                    sheet=sheet.name,
                    cell=cell,
                    column=spec.header,
                    value=header,
                    file=file,
                    header=spec.header,
                    first=first,
                )
            )
            continue
        found[spec.name] = index
    missing = [spec for spec in specs if spec.required and spec.name not in found]
    # A title names at most one column by chance; a header row with a misspelt
    # header names many, and a copy of it lower down must not be taken for the real one.
    lower = _headers_lower_down(sheet, wanted, len(found)) if missing and len(found) <= 1 else None
    if lower is not None:
        number, headers = lower
        shown = ", ".join(repr(h) for h in headers[:3]) + (", ..." if len(headers) > 3 else "")
        report.add(
            problem(
                "headers-not-first",
                sheet=sheet.name,
                row=sheet.header_row,
                file=file,
                first=sheet.header_row,
                shown=shown,
                number=number,
            )
        )
        return {}
    report.extend(notes)
    report.extend(_missing_columns(sheet, missing, wanted, file))
    return found


def _near_headers(name: str, headers: list[str], n: int) -> list[str]:
    """The headers nearest ``name`` (normalised): a misspelling (``Date of Brith``), else
    the same words in another order (``Birth Date`` for ``Date of Birth``)."""
    close = difflib.get_close_matches(name, headers, n=n, cutoff=0.75)
    if close:
        return close
    words = _words(name)
    return [
        h
        for h in headers
        if (words and _words(h) == words)
        or _SAID_OTHERWISE.get(name) == h
        or _SAID_OTHERWISE.get(h) == name
    ][:n]


#: Headers case-management exports use for a contract column: suggested, never read as it.
_SAID_OTHERWISE = {
    "gender": "sex",
    "ethnic origin": "ethnicity",
    "ethnic group": "ethnicity",
    "ethnic background": "ethnicity",
}


def _words(header: str) -> list[str]:
    return sorted(w for w in re.split(r"[^a-z0-9]+", header.lower()) if w and w not in _FILLER)


#: Words a header may add or drop without naming another column.
_FILLER = frozenset({"of", "the", "for", "a", "to"})


def _missing_columns(
    sheet: Sheet, missing: list[ColumnSpec], wanted: dict[str, ColumnSpec], file: str
) -> list[Problem]:
    """A problem per required column missing, naming the header nearest to it that the
    contract does not know (``Date of Brith``), when one is close."""
    unknown = {
        normalise(header): (header, f"{column_letter(index)}{sheet.header_row}")
        for index, header in sheet.headers
        if normalise(header) not in wanted
    }
    found = []
    for spec in missing:
        aka = f" (or {', '.join(spec.aliases)})" if spec.aliases else ""
        close = _near_headers(normalise(spec.header), list(unknown), 2)
        near = " or ".join(f"{unknown[c][0]!r} at {unknown[c][1]}" for c in close)
        found.append(
            problem(
                "missing-column",
                "near" if near else "",
                sheet=sheet.name,
                row=sheet.header_row or 1,
                column=spec.header,
                file=file,
                header=spec.header,
                aka=aka,
                near=near,
            )
        )
    return found


def _headers_lower_down(
    sheet: Sheet, wanted: dict[str, ColumnSpec], matched: int, look: int = 10
) -> tuple[int, list[str]] | None:
    """A row near the top that holds more of the contract's headers than the header row
    does (a title typed above the table, the commonest cause of missing columns)."""
    best: tuple[int, list[str]] | None = None
    for number, values in sheet.rows[:look]:
        headers = [v for v in values if isinstance(v, str) and normalise(v) in wanted]
        if len(headers) >= max(2, matched + 1) and (best is None or len(headers) > len(best[1])):
            best = (number, headers)
    return best


def _validate_sheet(
    sheet: Sheet, model: type[Row], out: SheetRows[Any], report: Report, file: str
) -> None:
    """Every problem of every row: each cell's, then the rules across the row's cells.

    A cell's problem never hides another cell's: a row with a bad code still has its
    other cells checked against the model's constraints, its ID checked for a
    duplicate and its right cells against the row's rules, so one run lists what a
    user must fix.
    """
    specs = column_specs(model)
    columns = _match_headers(sheet, specs, report, file)
    out.columns = columns
    out.keys_seen = _written(sheet, columns.get(model.key) if model.key else None)
    out.parents_seen = _written(sheet, columns.get(model.parent[0]) if model.parent else None)
    if any(s.required and s.name not in columns for s in specs):
        return
    by_name = {s.name: s for s in specs}
    first_problem = len(report.problems)
    seen_keys: dict[str, int] = {}
    letters = {name: column_letter(index) for name, index in columns.items()}
    cells = [(by_name[name], index) for name, index in columns.items()]
    flags = bool(sheet.errors or sheet.uncached)
    for number, values in sheet.rows:
        place = _Place(sheet.name, number, letters, file)
        if values.count(None) == len(values) and not (
            flags and any(_flagged(sheet, place.cell(name)) for name in columns)
        ):
            continue  # only an error or a formula in a column the contract ignores
        data, problems = _convert_row(sheet, cells, values, place, flags)
        if model.once_per and all(name in data for name in model.once_per):
            out.pairs.append((number, tuple(data[name] for name in model.once_per)))
        row = _validate_model(model, data, by_name, place, problems)
        if model.parent and model.parent[0] in data and model.parent[0] not in problems:
            out.parent_ids.append((number, data[model.parent[0]]))
        if model.key:
            _check_duplicate(model.key, data, seen_keys, by_name, place, problems)
        for name in sorted(problems, key=lambda n: columns.get(n, len(columns))):
            report.add(problems[name])
        if problems or row is None:
            # The rules across its cells still run on the cells that are right, so that
            # one run lists what a user must fix.
            report.extend(_rules_of_the_rest(model, data, problems, by_name, place))
            continue
        broken = _broken_rules(row, {}, by_name, place)
        report.extend(broken)
        if not broken:
            out.rows.append(row)
            out.row_numbers.append(number)
    report.causes += _shifted_columns(report.problems[first_problem:], by_name, columns)


#: The codes of a cell its column's converter refused: what a shifted column gives.
_CONVERSION = frozenset(
    {"invalid-date", "invalid-code", "invalid-number", "invalid-yes-no", "invalid-id"}
)
#: A column's refused values must be this many, and this share of them read as the
#: column beside it, before the column is said to be shifted.
_SHIFT_AT_LEAST, _SHIFT_SHARE = 3, 0.8


def _shifted_columns(
    problems: list[Problem], by_name: dict[str, ColumnSpec], columns: dict[str, int]
) -> list[str]:
    """Columns whose refused values are, nearly all, right for the column beside them:
    a column inserted or deleted, or rows pasted one column off."""
    refused: dict[str, list[Problem]] = {}
    headers = {spec.header: name for name, spec in by_name.items()}
    for p in problems:
        if p.code in _CONVERSION and p.column in headers:
            refused.setdefault(headers[p.column], []).append(p)
    at = {index: name for name, index in columns.items()}
    causes = []
    for name, wrong in refused.items():
        if len(wrong) < _SHIFT_AT_LEAST:
            continue
        for step, side in ((-1, "left"), (1, "right")):
            beside = by_name.get(at.get(columns[name] + step, ""))
            if beside is None or (beside.type is str and beside.codes is None):
                continue  # a text column takes anything: no evidence
            fits = sum(1 for p in wrong if _converts(beside, p.value))
            if fits >= _SHIFT_SHARE * len(wrong):
                first = wrong[0]
                causes.append(
                    f"{fits:,} of the {len(wrong):,} refused values in column "
                    f"{by_name[name].header!r} ({column_letter(columns[name])}, such as "
                    f"{_show(first.value)} at {first.location}) are right for "
                    f"{beside.header!r}, the column to its {side}: is a column missing or "
                    "extra, or were the rows pasted one column off? Check the headers "
                    "against the values below them."
                )
                break
    return causes


def _converts(spec: ColumnSpec, value: Any) -> bool:
    try:
        spec.convert(value)
    except (CellError, ValueError, TypeError):
        return False
    return True


class _Place(NamedTuple):
    """Where a row is, so problems can name its cells. The column letters are the
    sheet's, worked out once; a cell's name is only made when a problem needs it.
    (A tuple: one is made per row, and a frozen dataclass costs three times as much.)"""

    sheet: str
    row: int
    letters: dict[str, str]
    file: str

    def cell(self, field_name: str) -> str:
        return f"{self.letters[field_name]}{self.row}"

    def problem(
        self, code: str, field_name: str | None, situation: str = "", **values: Any
    ) -> Problem:
        """A problem of ``code`` at a field's cell of this row, worded from ``values``."""
        return problem(
            code,
            situation,
            sheet=self.sheet,
            cell=self.cell(field_name) if field_name in self.letters else None,
            file=self.file,
            **values,
        )


def _flagged(sheet: Sheet, cell: str) -> bool:
    """The cell reads as blank but holds an error value or an uncalculated formula."""
    return cell in sheet.errors or cell in sheet.uncached


def _convert_row(
    sheet: Sheet,
    cells: list[tuple[ColumnSpec, int]],
    values: list[Any],
    place: _Place,
    flags: bool,
) -> tuple[dict[str, Any], dict[str, Problem]]:
    """Each cell through its column's converter: the values, and a problem per bad cell.

    ``flags`` says whether the sheet has any error value or uncalculated formula; when
    not, a blank cell in an optional column needs no further look.
    """
    data: dict[str, Any] = {}
    problems: dict[str, Problem] = {}
    width = len(values)
    for spec, index in cells:
        name = spec.name
        raw = values[index] if index < width else None
        if raw is None:
            if spec.required or flags:
                found = _empty_cell_problem(sheet, spec, place.cell(name), place)
                if found is not None:
                    problems[name] = found
            continue
        try:
            data[name] = spec.convert(raw)
        except CellError as exc:
            problems[name] = place.problem(
                exc.code,
                name,
                column=spec.header,
                value=raw,
                header=spec.header,
                shown=_show(raw),
                reason=str(exc),
                expected=exc.expected,
            )
    return data, problems


def _empty_cell_problem(sheet: Sheet, spec: ColumnSpec, cell: str, place: _Place) -> Problem | None:
    """What is wrong with a cell that reads as blank: an error value, a formula, or blankness."""
    error = sheet.errors.get(cell)
    if error is not None:
        shown = f" {error!r}" if error else ""
        return place.problem(
            "excel-error",
            spec.name,
            column=spec.header,
            value=error or None,
            header=spec.header,
            shown=shown,
            expected=_expected(spec) + ("" if spec.required else ", or a blank cell"),
        )
    if cell in sheet.uncached:
        return place.problem("formula-without-value", spec.name, column=spec.header)
    if spec.required:
        return place.problem(
            "blank-cell",
            spec.name,
            column=spec.header,
            header=spec.header,
            expected=_expected(spec),
        )
    return None


def _validate_model(
    model: type[R],
    data: dict[str, Any],
    by_name: dict[str, ColumnSpec],
    place: _Place,
    problems: dict[str, Problem],
) -> R | None:
    """The row as a model, or None; constraint breaches of converted cells join ``problems``.

    Cells that failed conversion (or were blank) are missing from ``data``: Pydantic's
    "field required" for them is not reported again.
    """
    try:
        # model_validate's own call, without the Python frame and keyword arguments around
        # it: about 0.5 us a row, 2-4% of validating a workbook (measured).
        return model.__pydantic_validator__.validate_python(data)
    except ValidationError as exc:
        aliases = {spec.header: name for name, spec in by_name.items()}
        for error in exc.errors(include_url=False):
            if error["type"] == "missing":
                continue
            loc = str(error["loc"][0]) if error["loc"] else ""
            name = aliases.get(loc, loc)
            if name in problems:
                continue
            spec = by_name.get(name)
            header = spec.header if spec else name
            message, expected = _constraint_text(
                header, error, model.model_fields.get(name), spec.type if spec else None
            )
            problems[name] = place.problem(
                "invalid-value",
                name if spec else None,
                row=place.row,
                column=spec.header if spec else None,
                value=data.get(name),
                message=message,
                expected=expected,
            )
        return None


def _check_duplicate(
    key: str,
    data: dict[str, Any],
    seen_keys: dict[str, int],
    by_name: dict[str, ColumnSpec],
    place: _Place,
    problems: dict[str, Problem],
) -> None:
    """An ID written twice on a sheet, whatever else is wrong with either row."""
    value = data.get(key)
    if not isinstance(value, str):
        return
    folded = value.casefold()
    if folded not in seen_keys:
        seen_keys[folded] = place.row
        return
    if key in problems:
        return  # the ID cell is wrong already: one problem per cell
    header = by_name[key].header
    problems[key] = place.problem(
        "duplicate-id",
        key,
        row=place.row,
        column=header,
        value=value,
        header=header,
        shown=value,
        first=seen_keys[folded],
    )


class _Wrong:
    """A cell already reported wrong, as a rule across a row's cells sees it: no
    comparison with it holds, it is not None and it is falsy, so no rule fires on it
    (a wrong date is neither before nor after another, nor blank)."""

    __slots__ = ()

    def __bool__(self) -> bool:
        return False

    def __eq__(self, other: object) -> bool:
        return False

    def __ne__(self, other: object) -> bool:
        return False

    def __lt__(self, other: object) -> bool:
        return False

    __le__ = __gt__ = __ge__ = __lt__
    __hash__ = object.__hash__


_WRONG = _Wrong()


def _rules_of_the_rest(
    model: type[Row],
    data: dict[str, Any],
    problems: dict[str, Problem],
    by_name: dict[str, ColumnSpec],
    place: _Place,
) -> list[Problem]:
    """The rules across a row's cells that its right cells break, beside the wrong cells
    already reported (a previous review after this one, and a bad Child ID, in one run).

    A rule that would need a wrong cell's value does not fire; one that cannot run
    without it at all (it fails on it) waits, with those after it, until the cell is
    put right.
    """
    values: dict[str, Any] = {name: v for name, v in data.items() if name not in problems}
    for name, info in model.model_fields.items():
        if name in problems or (name not in values and info.is_required()):
            values[name] = _WRONG
    try:
        return _broken_rules(model.model_construct(**values), problems, by_name, place)
    except (TypeError, AttributeError, ValueError):
        return []


def _broken_rules(
    row: Row, problems: dict[str, Problem], by_name: dict[str, ColumnSpec], place: _Place
) -> list[Problem]:
    """The row's rules it breaks, at the cells they blame: none at a cell that already
    has a problem (one problem a cell)."""
    return [
        _rule_problem(row, breach, by_name, place)
        for breach in row.problems()
        if breach[0] not in problems
    ]


def _rule_problem(
    row: Row, breach: Breach, by_name: dict[str, ColumnSpec], place: _Place
) -> Problem:
    """A rule across a row's cells (an end before its start), at the cell it blames,
    naming each other cell it compared, with its value: the blamed cell may be right
    and the other wrong (a date of birth typed in the future)."""
    name, message, expected = breach[:3]
    others = [o for o in (breach[3] if len(breach) > 3 else ()) if o in by_name]
    spec = by_name[name]
    value = getattr(row, name)
    compared = [_compared(by_name[o], getattr(row, o), place) for o in others]
    return place.problem(
        "inconsistent-row",
        name,
        "blank" if value is None else "",
        row=place.row,
        column=spec.header,
        value=value,
        others=tuple(place.cell(o) for o in others if o in place.letters),
        header=spec.header,
        shown="" if value is None else _show(value),
        rule=message,
        compared=f" ({'; '.join(compared)})" if compared else "",
        expected=expected,
    )


def _compared(spec: ColumnSpec, value: Any, place: _Place) -> str:
    """``Date of Birth 05/03/2031 at D6, a date in the future``: another cell of a rule."""
    where = f" at {place.cell(spec.name)}" if spec.name in place.letters else ""
    shown = "blank" if value is None else "(wrong itself)" if value is _WRONG else _show(value)
    future = isinstance(value, date) and value > date.today()
    return f"{spec.header} {shown}{where}" + (", a date in the future" if future else "")


#: Pydantic's bound constraints, as the field metadata and an error's ``ctx`` name them.
_BOUNDS = ("ge", "gt", "le", "lt")


def _constraint_text(
    header: str, error: Any, field_info: Any, kind: type | None
) -> tuple[str, str]:
    """A Pydantic constraint error as (message, expected) a user can act on.

    Pydantic says "Input should be less than or equal to 4"; a co-ordinator reads
    "Stage 5 is not allowed; expected a whole number from 1 to 4". Both bounds of a
    range are named, from the field's metadata, though only one was broken.
    """
    value = error.get("input")
    ctx = error.get("ctx") or {}
    if error["type"] in ("string_too_long", "string_too_short"):
        length = len(value) if isinstance(value, str) else 0
        if error["type"] == "string_too_long":
            limit, side = ctx.get("max_length", 0), "most"
        else:
            limit, side = ctx.get("min_length", 0), "least"
        return (
            f"{header} is {_count(length, 'character')} long",
            f"at {side} {_count(limit, 'character')}",
        )
    message = f"{header} {_show(value)} is not allowed"
    if error["type"] in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        bounds = {k: v for k, v in ctx.items() if k in _BOUNDS}
        for item in getattr(field_info, "metadata", ()):
            for bound in _BOUNDS:
                if getattr(item, bound, None) is not None:
                    bounds.setdefault(bound, getattr(item, bound))
        return message, _range_text(bounds, "a whole number" if kind is int else "a number")
    msg = str(error.get("msg", "")).removeprefix("Value error, ").removeprefix("Input should be ")
    return message, msg[:1].lower() + msg[1:]


def _range_text(bounds: dict[str, Any], noun: str) -> str:
    """``a whole number from 1 to 4``, ``a number that is more than 0 and at most 1``."""
    shown = {k: show_value(v) for k, v in bounds.items()}
    if "ge" in shown and "le" in shown:
        return f"{noun} from {shown['ge']} to {shown['le']}"
    parts = []
    if "ge" in shown:
        parts.append(f"at least {shown['ge']}")
    elif "gt" in shown:
        parts.append(f"more than {shown['gt']}")
    if "le" in shown:
        parts.append(f"at most {shown['le']}")
    elif "lt" in shown:
        parts.append(f"less than {shown['lt']}")
    return f"{noun} that is " + " and ".join(parts) if parts else noun


def _runs(numbers: list[int]) -> str:
    """``rows 3, 5-9`` for sorted row numbers: a filter hides hundreds in a few runs."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    shown = [f"{a}-{b}" if b > a else str(a) for a, b in runs]
    more = f", ... ({len(runs)} runs in all)" if len(shown) > 10 else ""
    return ("row " if len(numbers) == 1 else "rows ") + ", ".join(shown[:10]) + more


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


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
        key = parent.model.key
        if not parent.present or key is None or key not in parent.columns:
            continue  # a parent sheet without its ID column has been reported already
        keys = parent.keys_seen
        header = next(s.header for s in column_specs(model) if s.name == field_name)
        orphans = {
            number: problem(
                "unknown-parent",
                sheet=rows.sheet_name,
                cell=rows.cell(field_name, number),
                row=number,
                column=header,
                value=value,
                file=file,
                header=header,
                shown=value,
                parent=parent_sheet,
            )
            for number, value in rows.parent_ids
            if value.casefold() not in keys
        }
        rows.drop(orphans, report)
    _check_once_per(tables, report, file)
    _check_required_children(tables, by_sheet, report, file)


def _check_once_per(tables: Tables, report: Report, file: str) -> None:
    """A row repeating another's pair (the same child twice at one conference): an error
    at each repeat, naming the first, since the rows may say different things. Rows
    with other mistakes count too, so that one run reports both."""
    for model, rows in tables.sheets.items():
        if model.once_per is None or not rows.present:
            continue
        field_name = model.once_per[0]
        headers = {s.name: s.header for s in column_specs(model)}
        header = headers[field_name]
        within = " and ".join(headers[name] for name in model.once_per[1:])
        seen: dict[tuple[str, ...], int] = {}
        repeats: dict[int, Problem] = {}
        for number, values in rows.pairs:
            first = seen.setdefault(tuple(normalise(str(v)) for v in values), number)
            if first != number:
                value, *group = values
                where = ", ".join(
                    f"{headers[name]} {v!r}"
                    for name, v in zip(model.once_per[1:], group, strict=True)
                )
                repeats[number] = problem(
                    "listed-twice",
                    sheet=rows.sheet_name,
                    cell=rows.cell(field_name, number),
                    row=number,
                    column=header,
                    value=value,
                    file=file,
                    header=header,
                    shown=value,
                    where=where,
                    first=first,
                    within=within,
                )
        rows.drop(repeats, report)


def _check_required_children(
    tables: Tables, by_sheet: dict[str, SheetRows[Any]], report: Report, file: str
) -> None:
    """A parent row that needs child rows (a conference needs its children) and has none."""
    for model, rows in tables.sheets.items():
        for child_sheet in model.requires:
            child = by_sheet[child_sheet]
            if not rows.present or not child.present or model.key is None:
                continue
            if child.model.parent is None or child.model.parent[0] not in child.columns:
                continue  # a child sheet without its parent-ID column has been reported already
            have = child.parents_seen
            header = next(s.header for s in column_specs(model) if s.name == model.key)
            for number, row in rows.located():
                key = getattr(row, model.key)
                if key.casefold() not in have:
                    report.add(
                        problem(
                            "no-child-rows",
                            sheet=rows.sheet_name,
                            cell=rows.cell(model.key, number),
                            row=number,
                            column=header,
                            value=key,
                            file=file,
                            header=header,
                            shown=key,
                            child=child_sheet,
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
    """A value as a message quotes it: text in quotes, TRUE/FALSE as Excel shows them."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return repr(value) if isinstance(value, str) else show_value(value)
