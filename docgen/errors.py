"""Error types and the one shape every problem with an input takes.

Bad data is reported, never raised: validation collects :class:`Problem` objects
into a :class:`~docgen.report.Report` so that a user sees every mistake in a
workbook at once. Exceptions are kept for what stops the whole job (a file that is
not a workbook, a template that does not compile) and all of them derive from
:class:`UserError`, whose message the CLI prints verbatim.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning"]


class DocgenError(Exception):
    """Root of every exception docgen raises on purpose."""


class UserError(DocgenError):
    """A failure whose message is written for the user and shown as it is."""


class WorkbookError(UserError):
    """The file cannot be read as a workbook at all (wrong type, encrypted, corrupt, too large)."""


class TemplateError(UserError):
    """A Word template is missing, does not compile, or uses data it is not given."""


class OutputError(UserError):
    """The document could not be written where it was asked for."""


class WrongKind(UserError):
    """A whole, readable workbook of another kind than the one asked for (an alert
    workbook in inbox/invitations/); ``found`` is the kind its sheets say it is."""

    def __init__(self, message: str, found: str) -> None:
        super().__init__(message)
        self.found = found


class ValidationFailed(UserError):
    """The workbook was read, but its rows break the contract; ``report`` lists every problem."""

    def __init__(self, report: Any) -> None:
        self.report = report
        super().__init__(report.to_text())


@dataclass(frozen=True)
class ProblemCode:
    """One kind of problem, declared once: its stable code, its severity, what it means,
    and the words of its message and of what is expected, as templates a call site fills
    with values (``{header}``, ``{shown}``); a code with several situations has a
    template per situation, by name ("" the usual one)."""

    code: str
    severity: Severity
    meaning: str
    templates: dict[str, tuple[str, str]] = field(default_factory=dict)


def _codes(*codes: ProblemCode) -> dict[str, ProblemCode]:
    return {c.code: c for c in codes}


_W: Severity = "warning"
_E: Severity = "error"
#: Every problem code docgen reports. Codes are stable: programs reading
#: ``docgen validate --format json`` may rely on them. docs/workbooks.md prints this
#: table, and a test fails when the code uses a code not listed here.
CODES: dict[str, ProblemCode] = _codes(
    ProblemCode(
        "unreadable-workbook",
        _E,
        "The file is not a workbook docgen can read, or not one of its kinds.",
    ),
    ProblemCode(
        "missing-sheet",
        _E,
        "A required sheet is missing.",
        {
            "": (
                "the workbook has no sheet named {name!r}",
                "a sheet {name!r} (sheets found: {found})",
            ),
            "near": (
                "the workbook has no sheet named {name!r}; did you mean {near}?",
                "a sheet named {name!r}: rename the sheet (double-click its tab)",
            ),
            "chart": (
                "sheet {chart!r} is a chart sheet, which holds no rows",
                "a worksheet {name!r} holding the table (a chart may sit on a sheet of its own "
                "under another name)",
            ),
        },
    ),
    ProblemCode(
        "duplicate-sheet",
        _E,
        "Two sheets have names that match the same contract sheet.",
        {
            "": (
                "sheets {name!r} and {other!r} both match {wanted!r}; only {name!r} was read",
                "one sheet named {wanted!r}: rename or delete the other",
            )
        },
    ),
    ProblemCode(
        "hidden-sheet",
        _W,
        "A contract sheet is hidden in Excel; it is read all the same (warning).",
        {
            "": (
                "sheet {name!r} is {how_hidden} in Excel; its rows were read all the same",
                "a visible sheet: unhide it ({how}) to check what it holds",
            )
        },
    ),
    ProblemCode(
        "hidden-rows",
        _W,
        "Rows of a contract sheet are hidden in Excel (a filter?); they are read all the same "
        "(warning).",
        {
            "": (
                "{count} of sheet {name!r} {verb} hidden in Excel ({runs}); they were read all "
                "the same",
                "rows you can see: clear the filter or unhide them to check what they hold, and "
                "delete those that should not be read",
            )
        },
    ),
    ProblemCode(
        "missing-column",
        _E,
        "A required column is missing from a sheet's header row.",
        {
            "": (
                "required column {header!r}{aka} is missing",
                "a header {header!r} in the header row",
            ),
            "near": (
                "required column {header!r}{aka} is missing; did you mean {near}?",
                "a header {header!r} in the header row",
            ),
        },
    ),
    ProblemCode(
        "headers-not-first",
        _E,
        "A sheet's column headers are below its first non-empty row (a title above the table?).",
        {
            "": (
                "the header row is the first non-empty row, row {first}, but the column "
                "headers ({shown}) are in row {number}",
                "the headers in the first row: delete the rows above row {number}",
            )
        },
    ),
    ProblemCode(
        "duplicate-column",
        _E,
        "A column appears twice in a header row.",
        {"": ("column {header!r} appears twice (also at {first})", "each column once")},
    ),
    ProblemCode(
        "unknown-column",
        _W,
        "A column the contract does not know; it is ignored (warning).",
        {
            "": ("column {header!r} is not part of the contract and is ignored", ""),
            "near": (
                "column {header!r} is not part of the contract and is ignored; did you mean "
                "{near!r}?",
                "",
            ),
        },
    ),
    ProblemCode(
        "blank-cell",
        _E,
        "A required cell is blank.",
        {"": ("{header} is blank", "{expected}")},
    ),
    ProblemCode(
        "formula-without-value",
        _E,
        "A formula Excel never calculated: open and save the workbook.",
        {
            "": (
                "holds a formula Excel has not calculated",
                "a value: open the workbook in Excel and save it",
            )
        },
    ),
    ProblemCode(
        "excel-error",
        _E,
        "A cell holds an Excel error value such as #N/A.",
        {"": ("{header}{shown} is an Excel error value", "{expected}")},
    ),
    # A cell its column's converter refused: the converter says why and what it takes.
    *(
        ProblemCode(code, _E, meaning, {"": ("{header} {shown} {reason}", "{expected}")})
        for code, meaning in (
            ("invalid-date", "A cell is not a real date in an accepted form."),
            ("invalid-yes-no", "A yes/no cell holds something else."),
            ("invalid-number", "A number cell holds something else."),
            ("invalid-code", "A code cell holds a value off its code list."),
            ("invalid-id", "An ID cell holds a date or a true/false value."),
            ("invalid-time", "A time cell holds something other than a time of day."),
        )
    ),
    ProblemCode(
        "invalid-value",
        _E,
        "A value outside its allowed range or length.",
        {"": ("{message}", "{expected}")},  # worded from Pydantic's constraint: _constraint_text
    ),
    ProblemCode(
        "inconsistent-row",
        _E,
        "A row's cells contradict each other or another sheet's row.",
        {
            "": ("{header} {shown} {rule}{compared}", "{expected}"),
            "blank": ("{header} {rule}{compared}", "{expected}"),
        },
    ),
    ProblemCode(
        "doubtful-row",
        _W,
        "A row is counted but looks wrong beside another cell or sheet: a review after the "
        "child left care, a flag contradicting the stage (warning).",
    ),
    ProblemCode(
        "duplicate-id",
        _E,
        "An ID is used twice on its sheet.",
        {
            "": (
                "{header} {shown!r} is used again (first in row {first})",
                "each ID once on this sheet",
            )
        },
    ),
    ProblemCode(
        "listed-twice",
        _E,
        "A row repeats another: a child twice at one conference, a History figure twice for "
        "one table, row and year.",
        {
            "": (
                "{header} {shown!r} is listed more than once for {where} (first in row {first})",
                "each {header} once per {within}: delete one of the rows",
            )
        },
    ),
    ProblemCode(
        "unknown-parent",
        _E,
        "A row's ID matches no row of its parent sheet.",
        {
            "": (
                "{header} {shown!r} matches no row of sheet {parent!r}",
                "an ID listed on {parent!r}",
            )
        },
    ),
    ProblemCode(
        "no-child-rows",
        _E,
        "A row that needs rows on another sheet (a conference's children) has none.",
        {
            "": (
                "{header} {shown!r} has no rows on sheet {child!r}",
                "at least one row for it on {child!r}",
            )
        },
    ),
    ProblemCode(
        "due-date-unknown", _E, "A due date is blank and cannot be computed from the rows given."
    ),
    ProblemCode("unused-history", _W, "A History row that no table prints (warning)."),
    ProblemCode(
        "adult-looked-after", _W, "A child of 18 or over still looked after on 31 March (warning)."
    ),
    ProblemCode("unknown-setting", _W, "A Report setting the report does not print (warning)."),
    ProblemCode("missing-setting", _W, "No Council setting on the Report sheet (warning)."),
    ProblemCode(
        "assumed-previous-review",
        _W,
        "Review conferences judged on an assumed 6-month interval (warning).",
    ),
    ProblemCode(
        "assumed-timescale",
        _W,
        "A meeting's timeliness rests on a guessed review number or type (warning).",
    ),
    ProblemCode(
        "year-mismatch",
        _E,
        "The Report sheet's Year is not the year asked for (--year or file name).",
    ),
    ProblemCode(
        "year-empty",
        _E,
        "No review or conference falls in the reporting year: the wrong year's workbook?",
    ),
    ProblemCode(
        "year-unknown",
        _W,
        "An annual workbook's year is unknown: its figures were not checked (warning).",
        {
            "": (
                "{name} names no year, so the year's figures were not checked",
                "--year, a name such as annual_2014.xlsx, or a Year row on the Report sheet",
            )
        },
    ),
    # Codes whose call sites still word their own messages (annual report, meeting papers,
    # letters, DfE returns): declared here for their severity and meaning.
    ProblemCode(
        "no-address",
        _W,
        "An invitee has no address: the letter's address block is left blank "
        "to fill in by hand (warning).",
    ),
    ProblemCode(
        "missing-history",
        _W,
        "History gives earlier years but none for a table the report "
        "compares year on year (warning).",
    ),
    ProblemCode(
        "unknown-figure",
        _E,
        "Narrative or Priorities text cites [[a name]] that is no figure of "
        "the report; the message gives the nearest names.",
    ),
    ProblemCode(
        "empty-distribution",
        _W,
        "A meeting's distribution list is empty: nobody has Copy Of Record "
        "or Copy Of Report = Y (warning).",
    ),
    ProblemCode(
        "unrecognised-return",
        _W,
        "A file in a returns folder is no SSDA903 or CIN census table docgen "
        "reads; it is ignored (warning).",
    ),
    ProblemCode(
        "unreadable-return", _E, "A return file cannot be read: not well-formed XML, or not text."
    ),
    ProblemCode(
        "no-returns",
        _E,
        "A folder or zip given to `docgen validate` holds no return at all: nothing was checked.",
    ),
    ProblemCode(
        "return-and-sheet",
        _E,
        "A table is given twice, by a DfE return and by a sheet of the workbook.",
    ),
    ProblemCode(
        "overlapping-episodes",
        _E,
        "An SSDA903 episode starts before the child's previous episode ended.",
    ),
    ProblemCode(
        "episode-after-open-episode",
        _E,
        "An SSDA903 episode follows an episode that has no date ceased.",
    ),
    ProblemCode(
        "ceased-without-date",
        _E,
        "An SSDA903 episode has a reason ceased other than X1 but no date ceased.",
    ),
    ProblemCode(
        "broken-chain",
        _E,
        "An SSDA903 episode ended with X1 (care continues) but no episode of the "
        "child starts on that day.",
    ),
    ProblemCode(
        "review-outside-care",
        _E,
        "A looked-after review in the SSDA903 return falls outside every "
        "period of care of the child.",
    ),
    ProblemCode("duplicate-child", _E, "A child is listed twice in a return's header (or census)."),
    ProblemCode(
        "unknown-child", _E, "A row of an SSDA903 table names a child the header does not list."
    ),
    ProblemCode(
        "per-child-conferences",
        _W,
        "CP plans and conferences come from the CIN census, which holds no "
        "family: they are counted per child (warning).",
    ),
    ProblemCode(
        "period-start-unknown",
        _W,
        "A period of care begins before the earliest episode given; last year's episodes "
        "would give its start (warning).",
    ),
)
#: Code -> what it means, as docs/workbooks.md lists them.
PROBLEM_CODES: dict[str, str] = {code: c.meaning for code, c in CODES.items()}


def problem(
    code: str,
    situation: str = "",
    /,
    *,
    sheet: str | None = None,
    cell: str | None = None,
    row: int | None = None,
    column: str | None = None,
    value: Any = None,
    file: str | None = None,
    others: tuple[str, ...] = (),
    **values: Any,
) -> Problem:
    """A problem of a declared code, its words filled from ``values``: a call site says
    where and with what, never how to word it, nor how serious it is."""
    message, expected = CODES[code].templates[situation]
    return Problem(
        code,
        message.format(**values),
        sheet=sheet,
        cell=cell,
        row=row,
        column=column,
        value=value,
        expected=expected.format(**values),
        file=file,
        others=others,
    )


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with (or worth knowing about) an input.

    ``code`` is stable and machine-readable (``invalid-date``); the position grows
    with what is known: a sheet, then a row, then a cell such as ``D14``.
    """

    code: str
    message: str
    sheet: str | None = None
    cell: str | None = None
    row: int | None = None
    column: str | None = None
    value: Any = None
    expected: str = ""
    severity: Severity = "error"
    file: str | None = field(default=None, compare=False)
    #: The other cells a rule across cells compared this one with (``D6`` beside ``F6``).
    others: tuple[str, ...] = ()
    #: The line of a text file (a DfE return) the problem is on, with ``file`` and
    #: ``column`` (the return's field), and for XML the element's ``path``.
    line: int | None = None
    path: str | None = None

    def __post_init__(self) -> None:
        declared = CODES.get(self.code)
        if declared is not None:  # a declared code's severity is its own, wherever made
            object.__setattr__(self, "severity", declared.severity)
        # A cell names its row: a program reading ``validate --format json`` finds the
        # row in ``row`` whatever the problem, not only for the kinds that passed it.
        if self.cell and self.row is None:
            digits = self.cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
            if digits.isdigit():
                object.__setattr__(self, "row", int(digits))

    @property
    def location(self) -> str:
        """``Children!D14``, ``Children`` or ``''``: how Excel users name a place;
        ``episodes.csv line 1,204, DEC`` in a DfE return."""
        if self.line is not None:
            text = f"{self.file} line {self.line:,}"
            return text + (f", {self.path or self.column}" if self.path or self.column else "")
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        if self.sheet and self.row:
            return f"{self.sheet} row {self.row}"
        return self.sheet or ""

    @property
    def described(self) -> str:
        """The message and what was expected, without the place (a comment on the cell
        sits on the place)."""
        if not self.expected:
            return self.message
        if self.message.endswith("?"):  # after "did you mean ...?", a new sentence
            return f"{self.message} Expected {self.expected}"
        return f"{self.message}; expected {self.expected}"

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        return f"{where}{self.described}"

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the value shown as text, as a user would type it)."""
        return {
            "code": self.code,
            "severity": self.severity,
            "file": self.file,
            "sheet": self.sheet,
            "cell": self.cell,
            "row": self.row,
            "column": self.column,
            "value": None if self.value is None else show_value(self.value),
            "expected": self.expected,
            "line": self.line,
            "path": self.path,
            "message": str(self),
            "cells": [c for c in (self.cell, *self.others) if c],
        }


def show_value(value: Any) -> str:
    """Render a cell value for a message the way the user sees it in Excel."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    return str(value)
