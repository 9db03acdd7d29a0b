"""Pin the statutory timescales on real calendar cases.

Every expected date was worked out by hand from a calendar; the working is in the
comment beside it. Bank holidays used (England and Wales):
2014: Good Friday 18 Apr, Easter Monday 21 Apr, May Day Mon 5 May, Late Summer Mon 25 Aug.
2015/16: Christmas Fri 25 Dec, Boxing Day Sat 26 Dec -> substitute Mon 28 Dec, New Year Fri 1 Jan.
2020: the early May bank holiday moved to Fri 8 May (VE day 75), Mon 4 May is a working day.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Literal

import pytest

from docgen.timescales import (
    REVIEW_POLICIES,
    ReviewPolicy,
    add_days,
    add_months,
    add_working_days,
    alert_response_due,
    bank_holidays,
    days_late,
    first_core_group_due,
    first_review_due,
    initial_conference_due,
    is_working_day,
    next_conference_due,
    next_review_due,
    on_time,
    review_conference_due,
    review_due,
    working_days_before,
)

D = date


# --------------------------------------------------------------------------- calendar


def test_review_policies() -> None:
    assert REVIEW_POLICIES == ("seed", "2010-regulations")


def test_bank_holidays_2020_has_the_moved_ve_day_holiday() -> None:
    h = bank_holidays(2020)
    assert isinstance(h, frozenset)
    assert D(2020, 5, 8) in h  # Friday 8 May 2020, VE day 75
    assert D(2020, 5, 4) not in h  # the usual first Monday of May was a working day


def test_bank_holidays_are_cached() -> None:
    assert bank_holidays(2014) is bank_holidays(2014)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2014, 4, 17), True),  # Thursday before Easter
        (D(2014, 4, 18), False),  # Good Friday
        (D(2014, 4, 21), False),  # Easter Monday
        (D(2015, 12, 24), True),  # Christmas Eve is not a bank holiday
        (D(2015, 12, 25), False),  # Christmas Day, a Friday
        (D(2015, 12, 26), False),  # Boxing Day, a Saturday
        (D(2015, 12, 28), False),  # Monday: substitute for Boxing Day
        (D(2015, 12, 29), True),  # Tuesday after Christmas
        (D(2020, 5, 4), True),  # Monday 4 May 2020: not a holiday that year
        (D(2020, 5, 8), False),  # Friday 8 May 2020: the moved VE-day holiday
        (D(2014, 11, 8), False),  # plain Saturday
        (D(2014, 11, 9), False),  # plain Sunday
        (D(2014, 11, 10), True),  # plain Monday
    ],
)
def test_is_working_day(day: date, expected: bool) -> None:
    assert is_working_day(day) is expected


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # November 2014 has no bank holidays.
        (D(2014, 11, 7), 0, D(2014, 11, 7)),  # n == 0 returns the start
        (D(2014, 11, 8), 0, D(2014, 11, 8)),  # ... even on a Saturday
        (D(2014, 11, 7), 1, D(2014, 11, 10)),  # Fri -> Sat, Sun skipped -> Mon 10
        (D(2014, 11, 8), 1, D(2014, 11, 10)),  # Sat -> Sun skipped -> Mon 10
        (D(2014, 11, 9), 1, D(2014, 11, 10)),  # Sun -> Mon 10
        (D(2014, 11, 7), 5, D(2014, 11, 14)),  # Fri: Mon 10 .. Fri 14 = 5
        (D(2014, 11, 8), 5, D(2014, 11, 14)),  # Sat: Mon 10 .. Fri 14 = 5
        (D(2014, 11, 7), 6, D(2014, 11, 17)),  # Fri: 5 to Fri 14, weekend, Mon 17 = 6
        (D(2014, 11, 10), 1, D(2014, 11, 11)),  # Mon -> Tue
    ],
)
def test_add_working_days(start: date, n: int, expected: date) -> None:
    assert add_working_days(start, n) == expected


def test_add_working_days_christmas_2015_and_new_year() -> None:
    # Fri 18 Dec 2015 + 20 working days:
    # Mon 21 (1), Tue 22 (2), Wed 23 (3), Thu 24 (4); Fri 25 Christmas, Sat 26, Sun 27,
    # Mon 28 substitute Boxing Day all skipped; Tue 29 (5), Wed 30 (6), Thu 31 (7);
    # Fri 1 Jan New Year skipped; Mon 4 (8) .. Fri 8 (12); Mon 11 (13) .. Fri 15 (17);
    # Mon 18 (18), Tue 19 (19), Wed 20 Jan 2016 (20).
    assert add_working_days(D(2015, 12, 18), 20) == D(2016, 1, 20)


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (D(2014, 1, 1), 0, D(2014, 1, 1)),
        (D(2014, 1, 1), 90, D(2014, 4, 1)),  # Jan 31 = +30, Feb 28 = +58, Mar 31 = +89
        (D(2015, 12, 31), 1, D(2016, 1, 1)),  # across the year end
        (D(2016, 2, 28), 1, D(2016, 2, 29)),  # leap day
    ],
)
def test_add_days(start: date, n: int, expected: date) -> None:
    assert add_days(start, n) == expected


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (D(2015, 8, 31), 6, D(2016, 2, 29)),  # Feb 2016 has 29 days: clamped to 29th
        (D(2014, 8, 31), 6, D(2015, 2, 28)),  # Feb 2015 has 28 days: clamped to 28th
        (D(2014, 5, 31), 3, D(2014, 8, 31)),  # August has a 31st: no clamping
        (D(2014, 1, 31), 1, D(2014, 2, 28)),
        (D(2014, 3, 31), 6, D(2014, 9, 30)),  # September has 30 days
        (D(2014, 11, 15), 3, D(2015, 2, 15)),  # across the year end
        (D(2014, 4, 14), 12, D(2015, 4, 14)),
        (D(2014, 4, 14), 0, D(2014, 4, 14)),
    ],
)
def test_add_months(start: date, n: int, expected: date) -> None:
    assert add_months(start, n) == expected


@pytest.mark.parametrize("func", [add_working_days, add_days, add_months])
def test_negative_counts_are_refused(func: Callable[[date, int], date]) -> None:
    with pytest.raises(ValueError, match="cannot be negative"):
        func(D(2014, 4, 14), -1)


# --------------------------------------------------------------------------- looked-after reviews


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        # Mon 14 Apr 2014 + 28 calendar days: Apr 30 = +16, May 12 = +28 (a Monday).
        ("seed", D(2014, 5, 12)),
        # Mon 14 Apr 2014 + 20 working days: Tue 15 (1), Wed 16 (2), Thu 17 (3);
        # Good Friday 18, weekend, Easter Monday 21 skipped; Tue 22 (4) .. Fri 25 (7);
        # Mon 28 (8) .. Fri 2 May (12); May Day Mon 5 skipped; Tue 6 (13) .. Fri 9 (16);
        # Mon 12 (17), Tue 13 (18), Wed 14 (19), Thu 15 May (20).
        ("2010-regulations", D(2014, 5, 15)),
    ],
)
def test_first_review_due(policy: ReviewPolicy, expected: date) -> None:
    assert first_review_due(D(2014, 4, 14), policy) == expected


def test_first_review_due_defaults_to_seed() -> None:
    assert first_review_due(D(2014, 4, 14)) == D(2014, 5, 12)


def test_first_review_due_2010_regulations_over_christmas_2015() -> None:
    # Same working as test_add_working_days_christmas_2015_and_new_year.
    assert first_review_due(D(2015, 12, 18), "2010-regulations") == D(2016, 1, 20)


@pytest.mark.parametrize(
    ("number", "previous", "policy", "expected"),
    [
        # Review 1: from the date became looked after (Mon 14 Apr 2014), see above.
        (1, None, "seed", D(2014, 5, 12)),
        (1, None, "2010-regulations", D(2014, 5, 15)),
        (1, D(2014, 5, 1), "seed", D(2014, 5, 12)),  # a previous date is ignored
        # Review 2: Mon 12 May 2014 + 90 days: May 31 = +19, Jun 30 = +49, Jul 31 = +80,
        # Aug 10 = +90 (a Sunday, left there).
        (2, D(2014, 5, 12), "seed", D(2014, 8, 10)),
        # Review 2: 12 May 2014 + 3 months = 12 Aug 2014.
        (2, D(2014, 5, 12), "2010-regulations", D(2014, 8, 12)),
        # Review 3: Fri 8 Aug 2014 + 180 days: Aug 31 = +23, Sep 30 = +53, Oct 31 = +84,
        # Nov 30 = +114, Dec 31 = +145, Jan 31 = +176, Feb 4 2015 = +180.
        (3, D(2014, 8, 8), "seed", D(2015, 2, 4)),
        # Review 3: 8 Aug 2014 + 6 months = 8 Feb 2015 (a Sunday, left there).
        (3, D(2014, 8, 8), "2010-regulations", D(2015, 2, 8)),
        # Review 4: 31 Aug 2015 + 6 months = 29 Feb 2016 (leap year, clamped).
        (4, D(2015, 8, 31), "2010-regulations", D(2016, 2, 29)),
    ],
)
def test_review_due(
    number: int, previous: date | None, policy: ReviewPolicy, expected: date
) -> None:
    got = review_due(
        number,
        became_looked_after=D(2014, 4, 14),
        previous_review=previous,
        policy=policy,
    )
    assert got == expected


def test_review_due_on_a_sunday_stays_on_the_sunday() -> None:
    # Tue 4 Mar 2014 + 180 days: Mar 31 = +27, Apr 30 = +57, May 31 = +88, Jun 30 = +118,
    # Jul 31 = +149, Aug 31 = +180. Sunday 31 Aug 2014 is not moved to Monday 1 Sep
    # (nor to Tue 2 Sep, past the Late Summer bank holiday of Mon 25 Aug).
    due = review_due(3, became_looked_after=D(2013, 9, 1), previous_review=D(2014, 3, 4))
    assert due == D(2014, 8, 31)
    assert due.weekday() == 6  # Sunday
    assert on_time(D(2014, 8, 29), due)  # held the Friday before
    assert not on_time(D(2014, 9, 1), due)  # held the Monday after
    assert days_late(D(2014, 9, 1), due) == 1


@pytest.mark.parametrize("number", [2, 3, 7])
def test_review_due_needs_the_previous_review(number: int) -> None:
    with pytest.raises(ValueError, match="the previous review date is needed"):
        review_due(number, became_looked_after=D(2014, 4, 14), previous_review=None)


@pytest.mark.parametrize("number", [0, -1])
def test_review_numbers_start_at_1(number: int) -> None:
    with pytest.raises(ValueError, match="review number"):
        review_due(number, became_looked_after=D(2014, 4, 14), previous_review=D(2014, 5, 12))
    with pytest.raises(ValueError, match="review number"):
        next_review_due(number, D(2014, 5, 12))


def test_unknown_review_policy_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown review policy 'monthly'"):
        first_review_due(D(2014, 4, 14), "monthly")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown review policy"):
        review_due(
            1,
            became_looked_after=D(2014, 4, 14),
            previous_review=None,
            policy="1991",  # type: ignore[arg-type]
        )
    with pytest.raises(ValueError, match="unknown review policy"):
        next_review_due(2, D(2014, 4, 14), "")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("number", "held", "policy", "expected"),
    [
        # After review 1, the second-review interval (see test_review_due's working).
        (1, D(2014, 5, 12), "seed", D(2014, 8, 10)),  # +90 days
        (1, D(2014, 5, 12), "2010-regulations", D(2014, 8, 12)),  # +3 months
        # After review 2 or later, the subsequent interval.
        (2, D(2014, 8, 8), "seed", D(2015, 2, 4)),  # +180 days
        (2, D(2014, 8, 8), "2010-regulations", D(2015, 2, 8)),  # +6 months
        (5, D(2015, 8, 31), "2010-regulations", D(2016, 2, 29)),  # clamped, leap year
        (5, D(2014, 8, 31), "2010-regulations", D(2015, 2, 28)),  # clamped
        # 30 Nov 2015 + 3 months = 30 Feb -> clamped to 29 Feb 2016.
        (1, D(2015, 11, 30), "2010-regulations", D(2016, 2, 29)),
    ],
)
def test_next_review_due(number: int, held: date, policy: ReviewPolicy, expected: date) -> None:
    assert next_review_due(number, held, policy) == expected


def test_next_review_due_defaults_to_seed() -> None:
    assert next_review_due(1, D(2014, 5, 12)) == D(2014, 8, 10)


# --------------------------------------------------------------------------- child protection


@pytest.mark.parametrize(
    ("strategy_discussion", "expected"),
    [
        # Thu 10 Apr 2014 + 15 working days: Fri 11 (1), Mon 14 (2) .. Thu 17 (5);
        # Good Friday 18, weekend, Easter Monday 21 skipped; Tue 22 (6) .. Fri 25 (9);
        # Mon 28 (10) .. Fri 2 May (14); May Day Mon 5 skipped; Tue 6 May (15).
        (D(2014, 4, 10), D(2014, 5, 6)),
        # Mon 14 Dec 2015 + 15 working days: Tue 15 (1) .. Fri 18 (4); Mon 21 (5) ..
        # Thu 24 (8); Christmas Fri 25, weekend, substitute Mon 28 skipped; Tue 29 (9),
        # Wed 30 (10), Thu 31 (11); New Year Fri 1 Jan skipped; Mon 4 (12), Tue 5 (13),
        # Wed 6 (14), Thu 7 Jan 2016 (15).
        (D(2015, 12, 14), D(2016, 1, 7)),
    ],
)
def test_initial_conference_due(strategy_discussion: date, expected: date) -> None:
    assert initial_conference_due(strategy_discussion) == expected


@pytest.mark.parametrize(
    ("previous", "previous_was_initial", "expected"),
    [
        (D(2014, 5, 6), True, D(2014, 8, 6)),  # 3 months after an initial
        (D(2014, 8, 6), False, D(2015, 2, 6)),  # 6 months after a review
        (D(2015, 11, 30), True, D(2016, 2, 29)),  # 30 Feb -> clamped, leap year
        (D(2014, 8, 31), False, D(2015, 2, 28)),  # 31 Feb -> clamped
    ],
)
def test_review_conference_due(previous: date, previous_was_initial: bool, expected: date) -> None:
    assert review_conference_due(previous, previous_was_initial) == expected


@pytest.mark.parametrize(
    ("conference_type", "held", "expected"),
    [
        ("Initial", D(2014, 5, 6), D(2014, 8, 6)),  # +3 months
        ("Review", D(2014, 8, 6), D(2015, 2, 6)),  # +6 months
        ("Review", D(2015, 8, 31), D(2016, 2, 29)),  # +6 months, clamped
    ],
)
def test_next_conference_due(
    conference_type: Literal["Initial", "Review"], held: date, expected: date
) -> None:
    assert next_conference_due(conference_type, held) == expected


@pytest.mark.parametrize("conference_type", ["Transfer", "initial", ""])
def test_unknown_conference_type_is_refused(conference_type: str) -> None:
    with pytest.raises(ValueError, match="unknown conference type"):
        next_conference_due(conference_type, D(2014, 5, 6))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("initial_conference", "expected"),
    [
        # Mon 4 May 2020 + 10 working days: Tue 5 (1), Wed 6 (2), Thu 7 (3);
        # Fri 8 May VE-day bank holiday skipped; Mon 11 (4) .. Fri 15 (8);
        # Mon 18 (9), Tue 19 May (10). (Without the moved holiday: Mon 18.)
        (D(2020, 5, 4), D(2020, 5, 19)),
        # Tue 22 Apr 2014 + 10 working days: Wed 23 (1), Thu 24 (2), Fri 25 (3);
        # Mon 28 (4) .. Fri 2 May (8); May Day Mon 5 skipped; Tue 6 (9), Wed 7 May (10).
        (D(2014, 4, 22), D(2014, 5, 7)),
    ],
)
def test_first_core_group_due(initial_conference: date, expected: date) -> None:
    assert first_core_group_due(initial_conference) == expected


# --------------------------------------------------------------------------- alerts


@pytest.mark.parametrize(
    ("raised", "working_days", "expected"),
    [
        # Thu 17 Apr 2014 + 5 working days: Good Friday 18, weekend, Easter Monday 21
        # skipped; Tue 22 (1), Wed 23 (2), Thu 24 (3), Fri 25 (4), Mon 28 Apr (5).
        (D(2014, 4, 17), 5, D(2014, 4, 28)),
        # Wed 23 Dec 2015 + 5: Thu 24 (1); Christmas Fri 25, weekend, substitute Mon 28
        # skipped; Tue 29 (2), Wed 30 (3), Thu 31 (4); New Year Fri 1 Jan skipped;
        # Mon 4 Jan 2016 (5).
        (D(2015, 12, 23), 5, D(2016, 1, 4)),
        # Wed 6 May 2020 + 3 (a setting): Thu 7 (1); VE day Fri 8, weekend skipped;
        # Mon 11 (2), Tue 12 May (3).
        (D(2020, 5, 6), 3, D(2020, 5, 12)),
    ],
)
def test_alert_response_due(raised: date, working_days: int, expected: date) -> None:
    assert alert_response_due(raised, working_days) == expected


def test_alert_response_due_defaults_to_5_working_days() -> None:
    assert alert_response_due(D(2014, 4, 17)) == D(2014, 4, 28)


def test_alert_response_due_refuses_negative_working_days() -> None:
    with pytest.raises(ValueError, match="cannot be negative"):
        alert_response_due(D(2014, 4, 17), -5)


# --------------------------------------------------------------------------- on time


@pytest.mark.parametrize(
    ("held", "due", "expected_on_time", "expected_days_late"),
    [
        (D(2014, 5, 15), D(2014, 5, 15), True, 0),  # held on the due date itself
        (D(2014, 5, 16), D(2014, 5, 15), False, 1),  # one day after
        (D(2014, 5, 1), D(2014, 5, 15), True, 0),  # early
        (D(2014, 6, 2), D(2014, 5, 15), False, 18),  # May 31 = 16 days, Jun 2 = 18
        (D(2016, 3, 1), D(2016, 2, 28), False, 2),  # over the 2016 leap day
    ],
)
def test_on_time_and_days_late(
    held: date, due: date, expected_on_time: bool, expected_days_late: int
) -> None:
    assert on_time(held, due) is expected_on_time
    assert days_late(held, due) == expected_days_late


@pytest.mark.parametrize(
    ("end", "n", "expected"),
    [
        (D(2014, 5, 6), 3, D(2014, 4, 30)),  # over the May bank holiday Monday
        (D(2014, 4, 22), 1, D(2014, 4, 17)),  # over Easter Monday and Good Friday
        (D(2014, 12, 29), 1, D(2014, 12, 24)),  # over Christmas and Boxing Day
        (D(2014, 3, 1), 1, D(2014, 2, 28)),  # from a Saturday
    ],
)
def test_working_days_before_counts_back_over_weekends_and_holidays(
    end: date, n: int, expected: date
) -> None:
    assert working_days_before(end, n) == expected
    assert add_working_days(expected, n) == end or not is_working_day(end)
