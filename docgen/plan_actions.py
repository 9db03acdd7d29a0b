"""The v2 Plan Actions sheet of a conference workbook: the outline child protection plan
the chair's outcome letter sets out (contract v2). Kept apart from :mod:`docgen.models`
until the meeting papers' own v2 sheets land there; the two declare the same columns."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from docgen.models import CONFERENCE, ID, Row, SheetSpec, WorkbookSpec, column


class PlanAction(Row):
    """An action of the outline child protection plan agreed at a conference."""

    sheet: ClassVar[str] = "Plan Actions"
    parent: ClassVar[tuple[str, str] | None] = ("conference_id", "Conferences")
    conference_id: ID = column("Conference ID")
    action: str = column("Action")
    responsible: str = column("Responsible")
    by_when: date = column("By When")
    outcome_sought: str | None = column("Outcome Sought", default=None)


#: A conference workbook with its optional Plan Actions sheet.
CONFERENCE_WITH_PLAN = WorkbookSpec(
    CONFERENCE.kind,
    CONFERENCE.title,
    (*CONFERENCE.sheets, SheetSpec(PlanAction, required=False)),
)
