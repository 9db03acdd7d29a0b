"""A validation report: every problem of a workbook, for people and for machines.

Modelled on frictionless-py's ``Report``: problems are data, gathered rather than
raised; ``to_text`` is for people, ``to_json`` for programs and ``flatten`` for
tests that compare a whole report in one assert.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docgen.errors import Problem, show_value

#: How many problems the terminal lists after the summary by kind; the report itself
#: keeps every one (``--errors FILE`` and JSON give them all).
SHOWN = 50
#: How many cells a kind of problem names in the summary.
FIRST_CELLS = 5


#: The fields of ``docgen validate --format json``, as docs/workbooks.md describes them
#: to programs: the report's own, then each problem's.
JSON_FIELDS: dict[str, str] = {
    "file": "the workbook as it was given",
    "valid": "true when there is no error (warnings allowed)",
    "error_count": "every error found, listed or not",
    "warning_count": "every warning found, listed or not",
    "truncated": "always false: every problem is listed (kept for programs that read it)",
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
    "cells": "every cell the problem involves: its own, then those a rule compared it with",
}


@dataclass
class Report:
    """Problems found in one input file, in the order they were found."""

    file: str | None = None
    problems: list[Problem] = field(default_factory=list)
    #: Likely causes found by looking at the problems together (a shifted column),
    #: beside those :func:`docgen.diagnosis.hints` finds from the problems alone.
    causes: list[str] = field(default_factory=list)

    #: Every problem is kept: never true, and kept for programs reading the JSON.
    truncated = False

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)

    def extend(self, problems: Iterable[Problem]) -> None:
        self.problems.extend(problems)

    @property
    def error_total(self) -> int:
        """Every error found (all are listed: the report keeps every problem)."""
        return sum(p.severity == "error" for p in self.problems)

    @property
    def warning_total(self) -> int:
        return len(self.problems) - self.error_total

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def flatten(self, *keys: str) -> list[list[Any]]:
        """Plain lists of the given problem fields (default: code and location), for tests."""
        keys = keys or ("code", "location")
        return [[getattr(p, k) for k in keys] for p in self.problems]

    def to_text(self, limit: int | None = None) -> str:
        """A summary line, then one line per problem, errors first.

        With ``limit`` and more problems than that, the problems are first counted by
        kind (with the first cells of each) and their likely causes given, then only
        the first ``limit`` are listed: a terminal shows 5,000 lines to nobody.
        """
        if not self.problems:
            return self.headline()
        lines = [self.headline()]
        ordered = self.errors + self.warnings
        if limit is not None and len(ordered) > limit:
            lines += self.summary_lines()
            lines.append(f"The first {limit}:")
        else:
            lines += [f"  hint    {hint}" for hint in self.hints]
        lines += [f"  {p.severity:<7} {p}" for p in ordered[:limit]]
        if limit is not None and len(ordered) > limit:
            lines.append(f"  ... and {len(ordered) - limit:,} more.")
        return "\n".join(lines)

    def headline(self) -> str:
        """The first line of :meth:`to_text`: the file and how many errors and warnings."""
        name = Path(self.file).name if self.file else "the workbook"
        if not self.problems:
            return f"{name}: no problems found."
        return (
            f"{name}: {_count(self.error_total, 'error')}, {_count(self.warning_total, 'warning')}."
        )

    def groups(self) -> list[ProblemGroup]:
        """The problems by kind (severity, code, sheet and column), errors first, then
        the largest kinds: what a user fixes once for many cells."""
        found: dict[tuple[str, str, str, str], ProblemGroup] = {}
        for p in self.problems:
            key = (p.severity, p.code, p.sheet or p.file or "", p.column or "")
            group = found.get(key)
            if group is None:
                group = found[key] = ProblemGroup(*key)
            group.count += 1
            if len(group.first) < FIRST_CELLS:
                group.first.append(p.cell or (f"row {p.row}" if p.row else p.location or "-"))
        return sorted(found.values(), key=lambda g: (g.severity != "error", -g.count))

    @property
    def hints(self) -> list[str]:
        """The likely causes of many problems at once (one row per episode, two-digit
        years, ...), each with what to do."""
        from docgen.diagnosis import hints  # the patterns, kept apart from the report's shape

        return [*self.causes, *hints(self.problems)]

    def summary_lines(self) -> list[str]:
        """The problems counted by kind, each with its first cells, then their likely causes."""
        lines = ["By kind:"]
        for g in self.groups():
            where = f"{g.sheet} {g.column!r}" if g.column else g.sheet or "the workbook"
            more = ", ..." if g.count > len(g.first) else ""
            lines.append(
                f"  {g.severity:<7} {g.count:>6,}  {g.code} in {where}: {', '.join(g.first)}{more}"
            )
        lines += [f"  hint    {hint}" for hint in self.hints]
        return lines

    def write_errors(self, path: str | Path, *, group: str | None = None) -> list[Path]:
        """Write every problem to ``path`` (.xlsx or .csv) and the other form beside it
        (``errors.xlsx`` and ``errors.csv``); return both paths. Each file is written
        owner-only and whole, or not at all."""
        from docgen.diagnosis import write_problems  # openpyxl: imported when asked for

        return write_problems(self, Path(path), group=group)

    @property
    def from_returns(self) -> bool:
        """Whether the problems are placed in DfE returns (file and line), not cells."""
        return any(p.line is not None for p in self.problems)

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
                str(p).removeprefix(f"{p.location}: " if p.location else ""),
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


@dataclass
class ProblemGroup:
    """Problems of one kind: the same code on the same sheet and column."""

    severity: str
    code: str
    sheet: str
    column: str
    count: int = 0
    first: list[str] = field(default_factory=list)


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")
