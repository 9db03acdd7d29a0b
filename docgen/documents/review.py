"""The looked-after review record: one per row of Review Meetings (IRO Handbook, ch. 3-4)."""

from __future__ import annotations

from typing import Any

from docgen import context
from docgen.documents._drop import papers
from docgen.documents.base import DocumentType, Related
from docgen.models import REVIEW, PreviousDecision, ReviewAttendee, ReviewDecision, ReviewMeeting
from docgen.settings import Settings


def build(meeting: ReviewMeeting, related: Related, settings: Settings, _item: Any) -> dict:
    attendees, decisions, previous = related
    return context.review_context(
        meeting, list(attendees), list(decisions), list(previous), settings=settings
    )


def file_parts(meeting: ReviewMeeting, _related: Related, _item: Any, _n: int) -> tuple[str, ...]:
    return ("review", meeting.child_id, meeting.review_date.isoformat())


DOCUMENT = DocumentType(
    name="review",
    title="looked-after review record",
    help="Write one looked-after review record per meeting in WORKBOOK.",
    workbook=REVIEW,
    template="review_record.docx",
    sample="review_meetings.xlsx",
    parent=ReviewMeeting,
    children=(ReviewAttendee, ReviewDecision, PreviousDecision),
    build=build,
    file_parts=file_parts,
    drop=papers,
    notes=(
        "`docgen review WORKBOOK` writes one review record per row of Review Meetings, named "
        "`review_<Child ID>_<Review Date>.docx` (e.g. `review_C01234_2014-03-12.docx`). "
        "Attendees, Decisions and Previous Decisions rows belong to the review whose Review ID "
        "they carry."
    ),
    order=10,
)
