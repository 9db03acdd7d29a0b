"""Invitations: one letter per person invited to a looked-after review or a child
protection conference (everyone on the attendance list but those Not Invited), with a
consultation form for a review's child, parents and carers. A child's letter and form
are in plain words."""

from __future__ import annotations

from datetime import date
from typing import Any

from docgen import codes, timescales
from docgen.annual import age_on
from docgen.context import long_date, text
from docgen.documents import _letters as letters
from docgen.documents._drop import papers
from docgen.documents.base import DocumentType, Related
from docgen.errors import Problem
from docgen.models import (
    CONFERENCE,
    REVIEW,
    Conference,
    ConferenceAttendee,
    ConferenceChild,
    ReviewAttendee,
    ReviewMeeting,
)
from docgen.settings import Settings
from docgen.validate import Tables

ADULT = "invitation.docx"
CHILD = "invitation_child.docx"
#: From this age the child's form drops "write or draw" and "All about me".
TEENAGE = 13


def _review_items(meeting: ReviewMeeting, related: Related) -> list[Any]:
    (attendees,) = related
    return letters.invited(attendees, meeting.iro)


def _conference_items(conference: Conference, related: Related) -> list[Any]:
    _children, attendees = related
    return letters.invited(attendees, conference.chair)


def _meeting(
    kind: str, title: str, day: Any, clock: str | None, venue: str | None, contact: str
) -> dict[str, Any]:
    return {
        "kind": kind,
        "title": title,
        **letters.when(day, clock),
        "venue": text(venue),
        "contact": contact,
        "contact_name": contact.split(",")[0].strip(),
        "reply_by": letters.reply_by(day),
    }


def dated(meeting_day: date, settings: Settings) -> str:
    """The letter's date: the council's issue date (``DOCGEN_ISSUE_DATE``), or else the
    day it must go out by, ``DOCGEN_INVITATION_DAYS`` working days before the meeting, so
    the same workbook always gives the same letter."""
    day = settings.issue_date or timescales.working_days_before(
        meeting_day, settings.invitation_days
    )
    return long_date(day)


def build_review(
    meeting: ReviewMeeting, _related: Related, settings: Settings, person: Any
) -> dict:
    iro = text(meeting.iro)
    return {
        "letterhead": letters.letterhead(settings),
        "ref": f"{text(meeting.review_id)}/{text(meeting.child_id)}",
        "dated": dated(meeting.review_date, settings),
        "meeting": {
            **_meeting(
                "review",
                # The IRO Handbook's words: the review of the child's care plan.
                f"Review of {text(meeting.child_name)}'s Care Plan",
                meeting.review_date,
                meeting.review_time,
                meeting.venue,
                text(meeting.coordinator) or f"{iro}, Independent Reviewing Officer",
            ),
            "chair": iro,
            "chair_role": "Independent Reviewing Officer",
            "type": "",
        },
        "about": text(meeting.child_name),
        "about_first": letters.first_name(meeting.child_name),
        "child_age": str(age_on(meeting.dob, meeting.review_date)),
        # A teenager's form is asked in their words, not a young child's ("write or draw").
        "teenager": age_on(meeting.dob, meeting.review_date) >= TEENAGE,
        "to": {
            **letters.addressee(person, person.role),
            "first_name": letters.first_name(person.name),
        },
        "form": letters.form_for(person.role),
        "family": letters.is_family(person.role),
        "social_worker": text(meeting.social_worker),
        "ways": _ways(True, meeting.social_worker, iro),
    }


def build_conference(conf: Conference, related: Related, settings: Settings, person: Any) -> dict:
    children, _attendees = related
    chair = text(conf.chair)
    names = [text(c.child_name) for c in children]
    return {
        "letterhead": letters.letterhead(settings),
        "ref": text(conf.conference_id),
        "dated": dated(conf.conference_date, settings),
        "meeting": {
            **_meeting(
                "conference",
                f"{conf.conference_type} Child Protection Conference",
                conf.conference_date,
                conf.conference_time,
                conf.venue,
                text(conf.coordinator) or f"{chair}, Conference Chair",
            ),
            "chair": chair,
            "chair_role": "Conference Chair",
            "type": codes.CONFERENCE_TYPE.label(conf.conference_type),
        },
        "about": letters.names_and(names),
        "about_first": letters.names_and([letters.first_name(n) for n in names]),
        "child_age": "",
        "teenager": False,
        "to": {
            **letters.addressee(person, person.agency),
            "first_name": letters.first_name(person.name),
        },
        "form": "",  # agencies send reports; a conference has no consultation form here
        "family": letters.is_family(person.agency),
        "social_worker": text(conf.lead_social_worker),
        "ways": _ways(False, conf.lead_social_worker, chair),
    }


def _ways(form: bool, social_worker: str | None, chair: str) -> list[str]:
    """How a child can have a say without coming, in plain words."""
    ways = ["fill in the form that comes with this letter"] if form else []
    if social_worker:
        ways.append(f"tell your social worker, {text(social_worker)}")
    return [
        *ways,
        f"talk to {chair} before the meeting",
        "ask an advocate (someone on your side) to speak for you",
    ]


def _template(_meeting: Any, person: Any) -> str:
    role = str(getattr(person, "role", None) or getattr(person, "agency", ""))
    return CHILD if letters.form_for(role) == "child" else ADULT


def _review_parts(
    meeting: ReviewMeeting, _related: Related, _person: Any, position: int
) -> tuple[str, ...]:
    return ("invitation", meeting.review_id, meeting.review_date.isoformat(), f"p{position}")


def _conference_parts(
    conf: Conference, _related: Related, _person: Any, position: int
) -> tuple[str, ...]:
    return ("invitation", conf.conference_id, conf.conference_date.isoformat(), f"p{position}")


def _review_warnings(tables: Tables, _settings: Settings) -> list[Problem]:
    return letters.missing_addresses(tables[ReviewAttendee], "review_id", "invitation")


def _conference_warnings(tables: Tables, _settings: Settings) -> list[Problem]:
    return letters.missing_addresses(tables[ConferenceAttendee], "conference_id", "invitation")


_NOTES = (
    "`docgen invitations WORKBOOK` writes one invitation per person on the {sheet} sheet "
    "whose Attendance is not Not Invited, the meeting's own chair apart, named "
    "`invitation_<{key}>_<{day}>_p<N>.docx`, N being the person's place among the "
    "meeting's invitees. {extra}Optional columns: {cols}. "
    "An invitee with no Address gets a letter whose address block is left to fill in by "
    "hand, and a warning naming the row. A letter is dated DOCGEN_ISSUE_DATE when it is "
    "set, else DOCGEN_INVITATION_DAYS working days (10) before the meeting, the day it must "
    "go out by; replies are asked 3 working days before the meeting."
)


def _invitation(**declared: Any) -> DocumentType:
    """An invitation type: the review's and the conference's differ only in their workbook."""
    return DocumentType(
        help="Write one invitation per person invited to each meeting in WORKBOOK (a review or "
        "conference workbook), with a consultation form for a review's child, parents and carers.",
        template=ADULT,
        other_templates=(CHILD,),
        per="item",
        template_for=_template,
        cli_name="invitations",
        drop=papers,
        **declared,
    )


DOCUMENTS = (
    _invitation(
        name="review-invitation",
        title="invitation to a looked-after review",
        workbook=REVIEW,
        sample="review_invitations.xlsx",
        parent=ReviewMeeting,
        children=(ReviewAttendee,),
        build=build_review,
        file_parts=_review_parts,
        items=_review_items,
        warnings=_review_warnings,
        notes=_NOTES.format(
            sheet="Attendees",
            key="Review ID",
            day="Review Date",
            extra="A child or young person (Role) gets a letter and form in plain words; "
            "parents and carers a consultation form. ",
            cols="Review Time and Co-ordinator (Review Meetings), Address and Email (Attendees)",
        ),
        order=12,
    ),
    _invitation(
        name="conference-invitation",
        title="invitation to a child protection conference",
        workbook=CONFERENCE,
        sample="conference_letters.xlsx",
        parent=Conference,
        children=(ConferenceChild, ConferenceAttendee),
        build=build_conference,
        file_parts=_conference_parts,
        items=_conference_items,
        warnings=_conference_warnings,
        notes=_NOTES.format(
            sheet="Conference Attendees",
            key="Conference ID",
            day="Conference Date",
            extra="",
            cols="Conference Time and Co-ordinator (Conferences), Address and Email "
            "(Conference Attendees)",
        ),
        order=32,
    ),
)
