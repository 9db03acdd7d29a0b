"""The child protection conference report: one per row of Conferences (Working Together)."""

from __future__ import annotations

from typing import Any

from docgen import context
from docgen.documents.base import DocumentType, Related
from docgen.models import CONFERENCE, Conference, ConferenceAttendee, ConferenceChild
from docgen.settings import Settings


def build(conference: Conference, related: Related, _settings: Settings, _item: Any) -> dict:
    children, attendees = related
    return context.conference_context(conference, list(children), list(attendees))


def file_parts(conference: Conference, _item: Any, _position: int) -> tuple[str, ...]:
    return ("conference", conference.conference_id, conference.conference_date.isoformat())


DOCUMENT = DocumentType(
    name="conference",
    title="child protection conference report",
    help="Write one child protection conference report per conference in WORKBOOK.",
    workbook=CONFERENCE,
    template="conference_report.docx",
    sample="conferences.xlsx",
    parent=Conference,
    children=(ConferenceChild, ConferenceAttendee),
    build=build,
    file_parts=file_parts,
    notes=(
        "`docgen conference WORKBOOK` writes one conference report per row of Conferences, "
        "named `conference_<Conference ID>_<Conference Date>.docx`. Conference Children and "
        "Conference Attendees rows belong to the conference whose Conference ID they carry."
    ),
    order=30,
)
