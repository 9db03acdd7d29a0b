"""Problem codes as data: each declared once, with its severity and its words."""

from __future__ import annotations

import re

import pytest

from docgen.errors import CODES, PROBLEM_CODES, Problem, problem


def test_a_declared_codes_severity_is_its_own_wherever_the_problem_is_made() -> None:
    assert Problem("unknown-column", "column 'Notes' is ignored").severity == "warning"
    assert Problem("blank-cell", "Child ID is blank", severity="warning").severity == "error"
    assert Problem("not-declared", "a test's own").severity == "error"


def test_call_sites_pass_values_and_the_declaration_words_them() -> None:
    made = problem(
        "duplicate-id",
        sheet="Children",
        cell="A9",
        column="Child ID",
        value="C1",
        header="Child ID",
        shown="C1",
        first=2,
    )
    assert str(made) == (
        "Children!A9: Child ID 'C1' is used again (first in row 2); expected each ID once on "
        "this sheet"
    )
    near = problem("missing-sheet", "near", name="Attendees", near="'Atendees'")
    assert near.message == "the workbook has no sheet named 'Attendees'; did you mean 'Atendees'?"


@pytest.mark.parametrize("code", sorted(CODES))
def test_every_code_has_a_meaning_a_severity_and_well_formed_templates(code: str) -> None:
    declared = CODES[code]
    assert declared.severity in ("error", "warning")
    assert PROBLEM_CODES[code] == declared.meaning
    assert declared.meaning.endswith("(warning).") == (declared.severity == "warning")
    for message, expected in declared.templates.values():
        for template in (message, expected):
            names = re.findall(r"\{(\w+)(?:![rs])?\}", template)
            assert template.format(**{n: n.upper() for n in names}).count("{") == 0
