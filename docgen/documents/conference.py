"""The child protection conference report: one per row of Conferences (Working Together)."""

from __future__ import annotations

from typing import Any

from docgen import context
from docgen.documents import _letters as letters
from docgen.documents._drop import papers
from docgen.documents.base import DocumentType, Related
from docgen.models import CONFERENCE, Conference, ConferenceAttendee, ConferenceChild, PlanAction
from docgen.settings import Settings

#: What the report prints for a parent's (or relative's) agency report and recommendation:
#: agencies report and recommend; a family is not asked to, so nothing is "not recorded".
NOT_APPLICABLE = "Not applicable"


def build(conference: Conference, related: Related, settings: Settings, _item: Any) -> dict:
    children, attendees, actions = related
    report = context.conference_context(
        conference, list(children), list(attendees), list(actions), settings=settings
    )
    for person in report["attendees"]:
        if letters.is_family(person["agency"]):
            if person["report_submitted"] in ("", "No"):
                person["report_submitted"] = NOT_APPLICABLE
            if person["recommendation"] == context.NOT_RECORDED:
                person["recommendation"] = NOT_APPLICABLE
    return report


def file_parts(conf: Conference, _related: Related, _item: Any, _n: int) -> tuple[str, ...]:
    return ("conference", conf.conference_id, conf.conference_date.isoformat())


DOCUMENT = DocumentType(
    name="conference",
    title="child protection conference report",
    help="Write one child protection conference report per conference in WORKBOOK.",
    workbook=CONFERENCE,
    template="conference_report.docx",
    sample="conferences.xlsx",
    parent=Conference,
    children=(ConferenceChild, ConferenceAttendee, PlanAction),
    build=build,
    file_parts=file_parts,
    drop=papers,
    notes=(
        "`docgen conference WORKBOOK` writes one conference report per row of Conferences, "
        "named `conference_<Conference ID>_<Conference Date>.docx`. Conference Children, "
        "Conference Attendees and Plan Actions rows belong to the conference whose Conference "
        "ID they carry."
    ),
    order=30,
)
