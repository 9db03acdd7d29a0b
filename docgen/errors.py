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


class ValidationFailed(UserError):
    """The workbook was read, but its rows break the contract; ``report`` lists every problem."""

    def __init__(self, report: Any) -> None:
        self.report = report
        super().__init__(report.to_text())


#: Every problem code docgen reports, with what it means. Codes are stable: programs
#: reading ``docgen validate --format json`` may rely on them. docs/workbooks.md
#: prints this table, and a test fails when the code uses a code not listed here.
PROBLEM_CODES: dict[str, str] = {
    "unreadable-workbook": "The file is not a workbook docgen can read, or not one of its kinds.",
    "missing-sheet": "A required sheet is missing.",
    "duplicate-sheet": "Two sheets have names that match the same contract sheet.",
    "hidden-sheet": "A contract sheet is hidden in Excel; it is read all the same (warning).",
    "hidden-rows": "Rows of a contract sheet are hidden in Excel (a filter?); they are read "
    "all the same (warning).",
    "missing-column": "A required column is missing from a sheet's header row.",
    "headers-not-first": "A sheet's column headers are below its first non-empty row (a title "
    "above the table?).",
    "duplicate-column": "A column appears twice in a header row.",
    "unknown-column": "A column the contract does not know; it is ignored (warning).",
    "blank-cell": "A required cell is blank.",
    "formula-without-value": "A formula Excel never calculated: open and save the workbook.",
    "excel-error": "A cell holds an Excel error value such as #N/A.",
    "invalid-date": "A cell is not a real date in an accepted form.",
    "invalid-yes-no": "A yes/no cell holds something else.",
    "invalid-number": "A number cell holds something else.",
    "invalid-code": "A code cell holds a value off its code list.",
    "invalid-id": "An ID cell holds a date or a true/false value.",
    "invalid-value": "A value outside its allowed range or length.",
    "inconsistent-row": "A row's cells contradict each other or another sheet's row.",
    "duplicate-id": "An ID is used twice on its sheet.",
    "listed-twice": "A row repeats another: a child twice at one conference, a History "
    "figure twice for one table, row and year.",
    "unknown-parent": "A row's ID matches no row of its parent sheet.",
    "no-child-rows": "A row that needs rows on another sheet (a conference's children) has none.",
    "due-date-unknown": "A due date is blank and cannot be computed from the rows given.",
    "unused-history": "A History row that no table prints (warning).",
    "adult-looked-after": "A child of 18 or over still looked after on 31 March (warning).",
    "unknown-setting": "A Report setting the report does not print (warning).",
    "missing-setting": "No Council setting on the Report sheet (warning).",
    "assumed-previous-review": "Review conferences judged on an assumed 6-month interval "
    "(warning).",
    "assumed-timescale": "A meeting's timeliness rests on a guessed review number or type "
    "(warning).",
    "year-mismatch": "The Report sheet's Year is not the year asked for (--year or file name).",
    "year-empty": "No review or conference falls in the reporting year: the wrong year's workbook?",
    "year-unknown": "An annual workbook's year is unknown: its figures were not checked (warning).",
}


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

    def __post_init__(self) -> None:
        # A cell names its row: a program reading ``validate --format json`` finds the
        # row in ``row`` whatever the problem, not only for the kinds that passed it.
        if self.cell and self.row is None:
            digits = self.cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
            if digits.isdigit():
                object.__setattr__(self, "row", int(digits))

    @property
    def location(self) -> str:
        """``Children!D14``, ``Children`` or ``''``: how Excel users name a place."""
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        if self.sheet and self.row:
            return f"{self.sheet} row {self.row}"
        return self.sheet or ""

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        text = f"{where}{self.message}"
        if self.expected:  # after "did you mean ...?", a new sentence
            text += (
                f" Expected {self.expected}"
                if text.endswith("?")
                else f"; expected {self.expected}"
            )
        return text

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
