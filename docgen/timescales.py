"""Statutory timescales of an IRO service, as small pure functions.

Every function here is pure: no I/O and no state beyond a cached lookup of the bank
holidays of England and Wales, which come offline from the ``holidays`` package.

Counting rules (WORKBOOKS.md, "Timescales"):

* "N working days after D" is the Nth working day after D; D itself is not counted.
  Working days exclude Saturdays, Sundays and bank holidays of England and Wales.
* "N days after D" is D + N calendar days.
* "N months after D" is the same day number N months later, clamped to the end of the
  month (31 August + 6 months = 28 or 29 February).
* A meeting is on time when held on or before its due date.
* Due dates are never moved off weekends or holidays: only working-day counting skips them.

Looked-after reviews have two policies (a setting):

* ``seed`` (default), as the IRO annual report states the rule: first review within
  28 days of becoming looked after, the second within 90 days of the first, then every
  180 days.
* ``2010-regulations``, the Care Planning, Placement and Case Review (England)
  Regulations 2010, regulation 33 (restated in the IRO Handbook 2010): first review
  within 20 working days, the second within 3 months of the first, then every 6 months.

Child protection conferences follow Working Together to Safeguard Children 2013.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Literal

__all__ = [
    "REVIEW_POLICIES",
    "ReviewPolicy",
    "add_days",
    "add_months",
    "add_working_days",
    "alert_response_due",
    "bank_holidays",
    "days_late",
    "first_core_group_due",
    "first_review_due",
    "initial_conference_due",
    "is_working_day",
    "next_conference_due",
    "next_review_due",
    "on_time",
    "review_conference_due",
    "review_due",
]

ReviewPolicy = Literal["seed", "2010-regulations"]
REVIEW_POLICIES: tuple[str, ...] = ("seed", "2010-regulations")

ConferenceType = Literal["Initial", "Review"]
_CONFERENCE_TYPES: tuple[str, ...] = ("Initial", "Review")


# --------------------------------------------------------------------------- calendar


@lru_cache
def bank_holidays(year: int) -> frozenset[date]:
    """Bank holidays of England and Wales in ``year``, known offline.

    Working days exclude bank holidays of England and Wales (WORKBOOKS.md, "Timescales";
    the working-day timescales of the Care Planning Regulations 2010 and Working Together
    2013 are counted in English working days). The dates come from the ``holidays``
    package (GB, subdivision ENG), so substitute days (Monday 28 December 2015 for
    Boxing Day on a Saturday) and moved holidays (the VE-day bank holiday on Friday
    8 May 2020 instead of Monday 4 May) are included. Cached per year.
    """
    import holidays  # a twentieth of a second: only when a working day is counted

    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_working_day(day: date) -> bool:
    """True when ``day`` is not a Saturday, a Sunday or a bank holiday of England and Wales.

    This is the working day of the 20-working-day first review (Care Planning
    Regulations 2010, reg. 33), the 15-working-day initial conference and the
    10-working-day first core group (Working Together 2013).
    """
    if isinstance(day, datetime):  # a datetime never equals a date: compare the day
        day = day.date()
    return day.weekday() < 5 and day not in bank_holidays(day.year)


@lru_cache(maxsize=8192)
def add_working_days(start: date, n: int) -> date:
    """The ``n``-th working day after ``start``; ``start`` itself is not counted.

    "N working days after D" (WORKBOOKS.md, "Timescales") counts only days that are
    neither weekends nor bank holidays of England and Wales, starting the day after D,
    so from a Friday or a Saturday the first working day is the Monday (when it is not
    a bank holiday). ``n == 0`` returns ``start`` unchanged, even on a weekend.
    Remembered: a year's 12,000 conferences start from at most 366 days.
    """
    _check_count(n, "a number of working days")
    day = start
    counted = 0
    while counted < n:
        day += timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def working_days_before(end: date, n: int) -> date:
    """The ``n``-th working day before ``end``; ``end`` itself is not counted (the
    mirror of :func:`add_working_days`: a reply asked 3 working days before a Tuesday
    meeting after a bank holiday Monday is due the Wednesday before)."""
    _check_count(n, "a number of working days")
    day = end
    counted = 0
    while counted < n:
        day -= timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def add_days(start: date, n: int) -> date:
    """``start`` plus ``n`` calendar days, not moved off weekends or holidays.

    "N days after D" is D + N calendar days (WORKBOOKS.md, "Timescales"); the seed
    review policy counts its 28-, 90- and 180-day intervals this way.
    """
    _check_count(n, "a number of days")
    return start + timedelta(days=n)


def add_months(start: date, n: int) -> date:
    """The same day number ``n`` months after ``start``, clamped to the end of the month.

    "N months after D" (WORKBOOKS.md, "Timescales") is read as the same day number
    N months later; when that month is shorter the due date is its last day, so
    31 August 2015 + 6 months = 29 February 2016 and 31 August 2014 + 6 months =
    28 February 2015. The 3- and 6-month intervals of the Care Planning Regulations
    2010 (reg. 33) and Working Together 2013 are counted this way.
    """
    _check_count(n, "a number of months")
    # Not dateutil's relativedelta, which agrees: it took 3.3x as long (36 against 11 us).
    month_index = start.year * 12 + (start.month - 1) + n
    year, month = divmod(month_index, 12)
    month += 1
    last_day = calendar.monthrange(year, month)[1]
    return start.replace(year=year, month=month, day=min(start.day, last_day))


# --------------------------------------------------------------------------- looked-after reviews


def first_review_due(became_looked_after: date, policy: ReviewPolicy = "seed") -> date:
    """Due date of a looked-after child's first review.

    ``seed`` (default): 28 days after the child became looked after, as the IRO annual
    report states it (and as the Review of Children's Cases Regulations 1991 had it,
    "within four weeks"). ``2010-regulations``: 20 working days after, the Care Planning,
    Placement and Case Review (England) Regulations 2010, reg. 33, restated in the
    IRO Handbook 2010.
    """
    _check_policy(policy)
    if policy == "seed":
        return add_days(became_looked_after, 28)
    return add_working_days(became_looked_after, 20)


def review_due(
    number: int,
    *,
    became_looked_after: date,
    previous_review: date | None,
    policy: ReviewPolicy = "seed",
) -> date:
    """Due date of looked-after review number ``number`` (1 = the first review).

    Review 1 is due by :func:`first_review_due` (``previous_review`` is not used).
    Review 2 is due 90 days (``seed``) or 3 months (``2010-regulations``, Care Planning
    Regulations 2010 reg. 33) after the first; every later review 180 days (``seed``)
    or 6 months (reg. 33) after the one before. Reviews after the first are timed
    from the review actually held, so ``previous_review`` is needed for them.
    """
    _check_review_number(number)
    _check_policy(policy)
    if number == 1:
        return first_review_due(became_looked_after, policy)
    if previous_review is None:
        raise ValueError(
            f"the previous review date is needed to work out when review {number} is due."
        )
    return next_review_due(number - 1, previous_review, policy)


def next_review_due(number: int, held: date, policy: ReviewPolicy = "seed") -> date:
    """Due date of the review after review ``number``, which was held on ``held``.

    After the first review (``number == 1``) the second is due within 90 days
    (``seed``) or 3 months (``2010-regulations``, Care Planning Regulations 2010,
    reg. 33); after any later review the next is due within 180 days (``seed``) or
    6 months (reg. 33). This fills the "Next Review Date" of a review's paperwork.
    """
    _check_review_number(number)
    _check_policy(policy)
    if number == 1:
        return add_days(held, 90) if policy == "seed" else add_months(held, 3)
    return add_days(held, 180) if policy == "seed" else add_months(held, 6)


# --------------------------------------------------------------------------- child protection


def initial_conference_due(strategy_discussion: date) -> date:
    """Due date of an initial CP conference: 15 working days after the strategy discussion.

    Working Together to Safeguard Children 2013 (chapter 1): the initial conference
    is held within 15 working days of the strategy discussion, or of the last strategy
    discussion where there was more than one; the caller passes that (last) date.
    """
    return add_working_days(strategy_discussion, 15)


def review_conference_due(previous: date, previous_was_initial: bool) -> date:
    """Due date of a review child protection conference, from the conference before it.

    Working Together 2013: the first review conference is held within 3 months of the
    initial conference, and later reviews at intervals of no more than 6 months.
    """
    return add_months(previous, 3 if previous_was_initial else 6)


def next_conference_due(conference_type: ConferenceType, held: date) -> date:
    """Due date of the review conference after a ``conference_type`` conference held on ``held``.

    Working Together 2013: 3 months after an ``Initial`` conference, 6 months after a
    ``Review`` conference. This fills the "Next Review Date" of a conference's paperwork.
    """
    if conference_type not in _CONFERENCE_TYPES:
        raise ValueError(
            f"unknown conference type {conference_type!r}: expected 'Initial' or 'Review'."
        )
    return review_conference_due(held, previous_was_initial=conference_type == "Initial")


def first_core_group_due(initial_conference: date, working_days: int = 10) -> date:
    """Due date of the first core group: 10 working days after the initial conference.

    Working Together 2013 (chapter 1): the core group first meets within 10 working
    days of the initial child protection conference (a setting passed as ``working_days``).
    """
    return add_working_days(initial_conference, working_days)


def book_by(deadline: date) -> date:
    """The latest working day on or before ``deadline``: the date to book a meeting for.

    A deadline is not moved (a review due on a Sunday is due that Sunday); the meeting
    is proposed for the last working day that still meets it.
    """
    day = deadline
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


# --------------------------------------------------------------------------- dispute resolution


def alert_response_due(raised: date, working_days: int = 5) -> date:
    """Due date of the response to an alert of concern at one stage of dispute resolution.

    The IRO Handbook 2010 (dispute resolution) requires each local authority to have a dispute
    resolution protocol with timescales for each stage; this service's protocol gives
    5 working days per stage (WORKBOOKS.md, "Timescales"), a setting passed as
    ``working_days``.
    """
    _check_count(working_days, "a number of working days for an alert response")
    return add_working_days(raised, working_days)


# --------------------------------------------------------------------------- on time


def on_time(held: date, due: date) -> bool:
    """True when a meeting held on ``held`` met its due date ``due``.

    A meeting is on time when held on or before its due date (WORKBOOKS.md,
    "Timescales"); one held later is out of time even with a manager's approval.
    """
    return held <= due


def days_late(held: date, due: date) -> int:
    """Calendar days by which a meeting held on ``held`` missed ``due``; 0 when on time."""
    return max((held - due).days, 0)


# --------------------------------------------------------------------------- checks


def _check_count(n: int, what: str) -> None:
    if isinstance(n, bool) or not isinstance(n, int):
        raise ValueError(f"{what} must be a whole number, not {n!r}.")
    if n < 0:
        raise ValueError(f"{what} cannot be negative, got {n}.")


def _check_policy(policy: str) -> None:
    if policy not in REVIEW_POLICIES:
        expected = " or ".join(repr(p) for p in REVIEW_POLICIES)
        raise ValueError(f"unknown review policy {policy!r}: expected {expected}.")


def _check_review_number(number: int) -> None:
    if isinstance(number, bool) or not isinstance(number, int):
        raise ValueError(f"a review number must be a whole number, not {number!r}.")
    if number < 1:
        raise ValueError(f"a review number starts at 1 (the first review), got {number}.")
