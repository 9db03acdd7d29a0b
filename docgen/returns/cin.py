"""CIN census XML: each child's child protection plans, initial and review conferences.

``Message/Children/Child``: ``ChildIdentifiers`` (LAchildID, PersonBirthDate), and
``CINdetails`` holding ``Section47`` (S47ActualStartDate, the strategy discussion
that started the enquiry; DateOfInitialCPC) and ``ChildProtectionPlans``
(CPPstartDate, CPPendDate, InitialCategoryOfAbuse, ``Reviews/CPPreviewDate``).
Dates are ISO (``2014-03-31``), as the census schema has them.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import date

from docgen import codes
from docgen.errors import Problem
from docgen.models import CellError, to_date
from docgen.returns.source import ReturnFile, Src, problem
from docgen.returns.xmlread import XmlRecord, iter_records

DATE_EXPECTED = "a date as yyyy-mm-dd"


@dataclass(slots=True)
class Conference:
    held: date
    src: Src
    strategy: date | None = None


@dataclass(slots=True)
class CinPlan:
    start: date
    end: date | None
    category: str
    src: Src
    reviews: list[Conference] = field(default_factory=list)


@dataclass(slots=True)
class CinChild:
    child: str
    src: Src
    plans: list[CinPlan] = field(default_factory=list)
    initials: list[Conference] = field(default_factory=list)


@dataclass
class Census:
    children: list[CinChild] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


def _parse(text: str, src: Src, field_name: str | None, name: str, out: list[Problem]) -> date:
    """``text`` as a date; an unreadable one is reported at ``src`` and raises."""
    try:
        return to_date(text)
    except CellError as exc:
        out.append(
            problem(
                src,
                field_name,
                "invalid-date",
                f"{name} {text!r} {exc}",
                value=text,
                expected=DATE_EXPECTED,
            )
        )
        raise


def _date(record: XmlRecord, name: str, out: list[Problem]) -> date | None:
    text = record.fields.get(name, "")
    return _parse(text, record.src, name, name, out) if text else None


def _needed_date(record: XmlRecord, name: str, out: list[Problem]) -> date:
    found = _date(record, name, out)
    if found is None:
        out.append(
            problem(record.src, name, "blank-cell", f"{name} is blank", expected=f"the {name}")
        )
        raise CellError("blank", "", "blank-cell")
    return found


def _plan(record: XmlRecord, out: list[Problem]) -> CinPlan:
    text = record.fields.get("InitialCategoryOfAbuse", "") or record.fields.get(
        "LatestCategoryOfAbuse", ""
    )
    category = codes.CATEGORY_OF_ABUSE.parse(text) if text else None
    if category is None:
        out.append(
            problem(
                record.src,
                "InitialCategoryOfAbuse",
                "invalid-code",
                f"InitialCategoryOfAbuse {text!r} is not a category of abuse",
                value=text,
                expected=codes.CATEGORY_OF_ABUSE.describe(),
            )
        )
        raise CellError("code", "", "invalid-code")
    plan = CinPlan(
        start=_needed_date(record, "CPPstartDate", out),
        end=_date(record, "CPPendDate", out),
        category=category,
        src=record.src,
    )
    for reviews in record.all("Reviews"):
        for number, held in enumerate(_review_dates(reviews), start=1):
            src = Src(
                reviews.src.file, reviews.src.line, f"{reviews.src.path}/CPPreviewDate[{number}]"
            )
            with contextlib.suppress(CellError):
                plan.reviews.append(Conference(_parse(held, src, None, "CPPreviewDate", out), src))
    return plan


def _review_dates(reviews: XmlRecord) -> list[str]:
    """The CPPreviewDate values of a Reviews element (repeated leaves: see ``raw``)."""
    return reviews.raw.get("CPPreviewDate", [])


def _child(record: XmlRecord, out: list[Problem]) -> CinChild | None:
    ids = record.first("ChildIdentifiers")
    child_id = ids.fields.get("LAchildID", "") if ids else ""
    if not child_id:
        out.append(
            problem(
                ids.src if ids else record.src,
                "LAchildID",
                "blank-cell",
                "LAchildID is blank",
                expected="the child's ID",
            )
        )
        return None
    child = CinChild(child_id, ids.src if ids else record.src)
    for details in record.all("CINdetails"):
        for s47 in details.all("Section47"):
            try:
                held = _date(s47, "DateOfInitialCPC", out)
                if held is not None:
                    strategy = _date(s47, "S47ActualStartDate", out)
                    child.initials.append(Conference(held, s47.src, strategy))
            except CellError:
                pass
        _unmatched_initial(details, child, out)
        for plans in details.all("ChildProtectionPlans"):
            with contextlib.suppress(CellError):
                child.plans.append(_plan(plans, out))
    return child


def _unmatched_initial(details: XmlRecord, child: CinChild, out: list[Problem]) -> None:
    """A DateOfInitialCPC on the CINdetails that no Section47 gives is still a conference,
    held with no strategy discussion recorded: it is counted, and its due date asked for."""
    try:
        held = _date(details, "DateOfInitialCPC", out)
    except CellError:
        return
    if held is not None and all(c.held != held for c in child.initials):
        child.initials.append(Conference(held, details.src, None))


def read_census(file: ReturnFile, census: Census, out: list[Problem]) -> None:
    census.files.append(file.name)
    for record in iter_records(file, "Child", out, repeated=("CPPreviewDate",)):
        child = _child(record, out)
        if child is not None:
            census.children.append(child)
