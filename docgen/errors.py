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
        if self.expected:
            text += f"; expected {self.expected}"
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
        }


def show_value(value: Any) -> str:
    """Render a cell value for a message the way the user sees it in Excel."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    return str(value)
