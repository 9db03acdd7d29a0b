"""A validation report: every problem of a workbook, for people and for machines.

Modelled on frictionless-py's ``Report``: problems are data, gathered rather than
raised; ``to_text`` is for people, ``to_json`` for programs and ``flatten`` for
tests that compare a whole report in one assert.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docgen.errors import Problem, show_value

#: Past this many errors a report stops listing them (and past as many warnings,
#: those): a workbook pasted into the wrong template would otherwise print thousands
#: of identical lines.
ERROR_LIMIT = 500


#: The fields of ``docgen validate --format json``, as docs/workbooks.md describes them
#: to programs: the report's own, then each problem's.
JSON_FIELDS: dict[str, str] = {
    "file": "the workbook as it was given",
    "valid": "true when there is no error (warnings allowed)",
    "error_count": "every error found, listed or not",
    "warning_count": "every warning found, listed or not",
    "truncated": f"true when more than {ERROR_LIMIT} errors or warnings were found and the "
    "rest left out of the list",
    "problems": "the problems, in the order they were found",
}
PROBLEM_FIELDS: dict[str, str] = {
    "code": "one of the codes below",
    "severity": "`error` or `warning`",
    "file": "the workbook's file name",
    "sheet": "the sheet, as the workbook names it",
    "cell": "the cell, such as `D14`",
    "row": "the sheet's row number: always given with a cell, and for a problem with a whole row",
    "column": "the contract's header of the column",
    "value": "the value found, as text as Excel shows it",
    "expected": "what would be accepted",
    "line": "in a DfE return, the file's line number (XML: the element's line)",
    "path": "in an XML return, the element's path, such as `Message/Children/Child[3]/...`",
    "message": "the line the text report prints",
}


@dataclass
class Report:
    """Problems found in one input file, in the order they were found."""

    file: str | None = None
    problems: list[Problem] = field(default_factory=list)
    truncated: bool = False
    #: Every error and warning found, listed or not: a truncated report still says how many.
    error_total: int = 0
    warning_total: int = 0
    #: How many errors (and as many warnings) are listed; None lists every one.
    limit: int | None = ERROR_LIMIT
    #: Every problem found, listed or not, by (is a warning, code).
    kinds: Counter[tuple[bool, str]] = field(default_factory=Counter)

    def add(self, problem: Problem) -> None:
        self.kinds[(problem.severity != "error", problem.code)] += 1
        if problem.severity == "error":
            self.error_total += 1
            if self.limit is not None and self.error_total > self.limit:
                self.truncated = True
                return
        else:
            self.warning_total += 1
            if self.limit is not None and self.warning_total > self.limit:
                self.truncated = True
                return
        self.problems.append(problem)

    def extend(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            self.add(problem)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self) -> dict[str, int]:
        """How many problems of each code were found, listed or not: errors first, then
        the most frequent."""
        ordered = sorted(self.kinds.items(), key=lambda item: (item[0][0], -item[1], item[0][1]))
        return {code: n for (_, code), n in ordered}

    def flatten(self, *keys: str) -> list[list[Any]]:
        """Plain lists of the given problem fields (default: code and location), for tests."""
        keys = keys or ("code", "location")
        return [[getattr(p, k) for k in keys] for p in self.problems]

    def to_text(self) -> str:
        """A summary line, then one line per problem, errors first."""
        name = Path(self.file).name if self.file else "the workbook"
        errors, warnings = self.errors, self.warnings
        if not self.problems:
            return f"{name}: no problems found."
        head = (
            f"{name}: {_count(self.error_total, 'error')}, {_count(self.warning_total, 'warning')}."
        )
        lines = [head]
        lines += [f"  error   {p}" for p in errors]
        if self.limit is not None and self.error_total > self.limit:
            lines.append(f"  ... stopped listing errors after {ERROR_LIMIT}.")
        lines += [f"  warning {p}" for p in warnings]
        if self.limit is not None and self.warning_total > self.limit:
            lines.append(f"  ... stopped listing warnings after {ERROR_LIMIT}.")
        return "\n".join(lines)

    def to_table(self) -> list[tuple[str, str, str, str, str]]:
        """Rows of (severity, sheet, cell, value, problem) for a tabular display; for a
        DfE return, (severity, file, line and field, value, problem)."""
        return [
            (
                p.severity,
                p.sheet or (p.file or "" if p.line is not None else ""),
                p.cell
                or (f"{p.line:,} {p.column or ''}".strip() if p.line is not None else "")
                or (str(p.row) if p.row else ""),
                "" if p.value is None else show_value(p.value),
                p.message + (f"; expected {p.expected}" if p.expected else ""),
            )
            for p in self.problems
        ]

    def to_json(self) -> str:
        data = {
            "file": self.file,
            "valid": self.ok,
            "error_count": self.error_total,
            "warning_count": self.warning_total,
            "truncated": self.truncated,
            "problems": [p.as_dict() for p in self.problems],
        }
        return json.dumps(data, indent=2, ensure_ascii=False)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")
