"""What the letters to a meeting's invitees share: who is invited, how each is
addressed, which consultation form each gets, and the warning for a missing address."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from docgen import timescales
from docgen.context import long_date, text
from docgen.errors import Problem
from docgen.settings import Settings
from docgen.validate import SheetRows

#: Words of a Role (or Agency) that make the person the child: their letter is in plain words.
#: Whole words only: "Children's Social Care" is the social worker's agency, not a child.
CHILD_WORDS = ("child", "young person", "young man", "young woman")
#: Roles and agencies of professionals whose names hold a family word: a children's
#: guardian is CAFCASS's officer, not a parent; children's services are the council's.
PROFESSIONAL_WORDS = (
    "children's guardian",
    "children’s guardian",
    "cafcass",
    "social care",
    "social work",
    "children's services",
    "children’s services",
    "family support",
    "family nurse",
    "family intervention",
    "family centre",
    "family worker",
)
PARENT_WORDS = ("mother", "father", "parent", "mum", "dad", "step", "guardian")
CARER_WORDS = ("carer", "foster", "adopter", "lodgings host", "kinship")
#: Family and friends who get no consultation form but are not professionals either.
RELATIVE_WORDS = (
    "grand",
    "aunt",
    "uncle",
    "brother",
    "sister",
    "sibling",
    "cousin",
    "relative",
    "family",
    "friend",
    "partner",
)


def invited(attendees: Sequence[Any], chair: str | None = None) -> list[Any]:
    """Everyone on the list but those marked Not Invited and the meeting's own chair (who
    would otherwise be invited to, and sign, a letter to themselves), in sheet order."""
    chair_key = " ".join(text(chair).split()).casefold()
    return [
        a
        for a in attendees
        if a.attendance != "Not Invited"
        and not (chair_key and " ".join(text(a.name).split()).casefold() == chair_key)
    ]


def _has(role: str, words: Sequence[str], whole: bool = False) -> bool:
    """Any of ``words`` starts a word of ``role`` (``whole``: is a whole word of it)."""
    folded = role.casefold()
    end = r"\b" if whole else ""
    return any(re.search(rf"\b{re.escape(w)}{end}", folded) for w in words)


def form_for(role: str) -> str:
    """Which consultation form a person's role gets: child, parent, carer, or none."""
    if _has(role, PROFESSIONAL_WORDS):
        return ""
    if _has(role, CARER_WORDS):  # "Foster Carer" before "parent" (a "Parent and baby carer")
        return "carer"
    if _has(role, CHILD_WORDS, whole=True):
        return "child"
    if _has(role, PARENT_WORDS):
        return "parent"
    return ""


def is_family(role: str) -> bool:
    """The child, a parent, a carer or a relative (a Role or Agency such as "Parent" or
    "Maternal grandmother"): their letters speak to a family, not to an agency."""
    return form_for(role) != "" or (
        not _has(role, PROFESSIONAL_WORDS) and _has(role, RELATIVE_WORDS)
    )


def address_lines(address: str | None) -> list[str]:
    """An address cell as the lines of an envelope window: one per line of the cell, or
    split at commas when it was typed on one line."""
    cell = text(address).strip()
    if not cell:
        return []
    lines = cell.split("\n") if "\n" in cell else cell.split(",")
    return [line.strip() for line in lines if line.strip()]


def letterhead(settings: Settings) -> dict[str, Any]:
    """Who a letter or list is from, as its header and signature give it: the council's
    name (``DOCGEN_COUNCIL``; blank when unset) and the protective marking
    (``DOCGEN_PROTECTIVE_MARKING``), the same settings as the meeting records use, and the
    address replies go to (``DOCGEN_COUNCIL_ADDRESS``; none when unset)."""
    return {
        "council": text(settings.council),
        "marking": text(settings.protective_marking),
        "address_lines": address_lines(settings.council_address),
    }


def addressee(person: Any, role: str) -> dict[str, Any]:
    lines = address_lines(person.address)
    return {
        "name": text(person.name),
        "role": text(role),
        "address_lines": lines,
        "has_address": bool(lines),
        "email": text(person.email),
    }


def first_name(name: str) -> str:
    return text(name).split()[0] if text(name).split() else text(name)


def names_and(names: Sequence[str]) -> str:
    """``Ellie, Callum and Rosie``."""
    names = [n for n in names if n]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def when(day: date, clock: str | None) -> dict[str, str]:
    """The meeting's day as a letter gives it: ``Monday 24 February 2014`` at ``10:30``."""
    return {"date": long_date(day), "day": f"{day:%A} {long_date(day)}", "time": text(clock)}


def reply_by(meeting_day: date, working_days: int = 3) -> str:
    """The working day ``working_days`` before the meeting (bank holidays skipped)."""
    return long_date(timescales.working_days_before(meeting_day, working_days))


def missing_addresses(rows: SheetRows[Any], meeting_key: str, what: str) -> list[Problem]:
    """A warning for each invited person with no address: their letter's address block
    is left blank, to be filled in by hand."""
    return [
        rows.problem(
            "no-address",
            f"the {what} to the person on this row ({getattr(person, meeting_key)}) has no "
            "address: its address block is left blank to fill in by hand",
            "address",
            number,
            expected="a postal address (lines separated by commas or line breaks)",
            severity="warning",
        )
        for number, person in rows.located()
        if person.attendance != "Not Invited" and not address_lines(person.address)
    ]
