"""The chair's outcome letter: after a child protection conference, one letter to each
person invited, with the decision for each child, the outline plan (Plan Actions), the
core group and its first meeting, the next conference, and how to disagree. It is to be
sent one working day after the conference, as many local procedures require."""

from __future__ import annotations

from typing import Any

from docgen import context, timescales
from docgen.context import long_date, text
from docgen.documents import _letters as letters
from docgen.documents._drop import papers
from docgen.documents.base import DocumentType, Related
from docgen.errors import Problem
from docgen.models import CONFERENCE as CONFERENCE_WITH_PLAN
from docgen.models import Conference, ConferenceAttendee, ConferenceChild, PlanAction
from docgen.settings import Settings
from docgen.validate import Tables

#: Working days after the letter in which a family may ask the chair to look again at a
#: decision (a common local child protection procedure; a council's template may reword it).
DISAGREE_WITHIN = 15


def _items(conference: Conference, related: Related) -> list[Any]:
    _children, attendees, _actions = related
    return letters.invited(attendees, conference.chair)


#: The Category cell of a child left without a plan: a reader sees it is not a gap.
NO_PLAN_CATEGORY = "Not applicable (no plan)"


def decision(conference_type: str, plan: bool | None) -> str:
    """What the conference decided for one child, as the letter puts it."""
    if plan is None:
        return "Not recorded"
    if conference_type == "Initial":
        return "Child protection plan made" if plan else "No child protection plan"
    return "Child protection plan continues" if plan else "Child protection plan ends"


def build(conf: Conference, related: Related, settings: Settings, person: Any) -> dict:
    children, attendees, actions = related
    # The council's own timescales, as its conference report uses them: the letter is
    # the decisions going out, so it is dated by the decisions' deadline.
    report = context.conference_context(
        conf, list(children), list(attendees), list(actions), settings=settings
    )
    meeting = report["conference"]
    sent = settings.issue_date or timescales.add_working_days(
        conf.conference_date, settings.conference_decisions_days
    )
    core_group_date = long_date(conf.core_group_date) or meeting["first_core_group_date"]
    any_plan = any(c.has_plan for c in children)
    return {
        "letterhead": letters.letterhead(settings),
        "ref": text(conf.conference_id),
        "sent_by": long_date(sent),
        "contact": text(conf.coordinator),
        "disagree_by": long_date(timescales.add_working_days(sent, DISAGREE_WITHIN)),
        "conference": {
            **meeting,
            "kind": conf.conference_type.lower(),
            "core_group_date": core_group_date,
            "lead_social_worker": text(conf.lead_social_worker),
        },
        "about": letters.names_and([text(c.child_name) for c in children]),
        "decisions": [
            {
                "name": shown["name"],
                "dob": shown["dob"],
                "decision": decision(conf.conference_type, child.has_plan),
                "category": shown["category"] if child.has_plan else NO_PLAN_CATEGORY,
            }
            for child, shown in zip(children, report["children"], strict=True)
        ],
        "any_plan": any_plan,
        "decision": report["decision"],
        "plan": [
            {
                "number": str(i),
                "action": text(a.action),
                "responsible": text(a.responsible),
                "by_when": long_date(a.by_when),
                "outcome": text(a.outcome_sought),
            }
            for i, a in enumerate(actions, start=1)
        ],
        "core_group": [
            {"name": text(a.name), "agency": text(a.agency)}
            for a in attendees
            if a.core_group_member
        ],
        "to": letters.addressee(person, person.agency),
        # A parent may ask the chair to look again, then complain; an agency escalates.
        "family": letters.is_family(person.agency),
        "chair": text(conf.chair),
    }


def _parts(conf: Conference, _related: Related, _person: Any, position: int) -> tuple[str, ...]:
    return ("outcome", conf.conference_id, conf.conference_date.isoformat(), f"p{position}")


def _warnings(tables: Tables, _settings: Settings) -> list[Problem]:
    return letters.missing_addresses(tables[ConferenceAttendee], "conference_id", "outcome letter")


DOCUMENT = DocumentType(
    name="outcome-letter",
    title="conference outcome letter",
    help="Write the chair's outcome letter to each person invited to each conference in "
    "WORKBOOK: decisions, outline plan, core group, next conference, how to disagree.",
    workbook=CONFERENCE_WITH_PLAN,
    template="outcome_letter.docx",
    sample="conference_letters.xlsx",
    parent=Conference,
    children=(ConferenceChild, ConferenceAttendee, PlanAction),
    build=build,
    file_parts=_parts,
    per="item",
    items=_items,
    cli_name="outcome-letters",
    warnings=_warnings,
    notes=(
        "`docgen outcome-letters WORKBOOK` writes the chair's letter to each person on the "
        "Conference Attendees sheet whose Attendance is not Not Invited, named "
        "`outcome_<Conference ID>_<Conference Date>_p<N>.docx`, dated DOCGEN_ISSUE_DATE when "
        "it is set, else the day the decisions must go out by "
        "(DOCGEN_CONFERENCE_DECISIONS_DAYS working days after the conference, 1 by default). "
        "The outline plan comes from the optional Plan Actions sheet; the "
        "core group from Core Group Member = Y; the first core group meeting from Core Group "
        "Date (10 working days after an initial conference when blank)."
    ),
    drop=papers,
    order=34,
)
