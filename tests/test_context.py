"""The small rules of the meeting-paper contexts: review numbers, timeliness, dates, free text.

Expected dates are worked out by hand from WORKBOOKS.md ("Timescales").
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from docgen.context import (
    alert_context,
    conference_context,
    long_date,
    review_context,
    review_ordinal,
    text,
    timeliness,
)
from docgen.models import (
    Alert,
    AlertStep,
    Conference,
    ConferenceChild,
    ReviewDecision,
    ReviewMeeting,
)
from docgen.timescales import ReviewPolicy


def meeting(**changes: Any) -> ReviewMeeting:
    """A review of a child looked after from Friday 31 January 2014."""
    fields: dict[str, Any] = {
        "review_id": "R1",
        "child_id": "C1",
        "child_name": "Test Child",
        "dob": date(2010, 1, 1),
        "review_date": date(2014, 6, 1),
        "became_looked_after": date(2014, 1, 31),
        "iro": "An IRO",
    }
    return ReviewMeeting(**{**fields, **changes})


# --------------------------------------------------------------------------- review_ordinal


@pytest.mark.parametrize("policy", ["seed", "2010-regulations"])
def test_a_given_review_number_is_used(policy: ReviewPolicy) -> None:
    assert review_ordinal(meeting(review_number=4), policy) == 4
    given_first = meeting(review_number=1, previous_review_date=date(2014, 5, 1))
    assert review_ordinal(given_first, policy) == 1


@pytest.mark.parametrize("policy", ["seed", "2010-regulations"])
def test_no_previous_review_means_the_first(policy: ReviewPolicy) -> None:
    assert review_ordinal(meeting(), policy) == 1


# Looked after from 31 January 2014: the first review is due 28 February 2014 under both
# policies (seed: 31 Jan + 28 days; 2010: 20 working days, 3-28 February, no bank holidays).
@pytest.mark.parametrize("previous", [date(2014, 2, 10), date(2014, 2, 28)])
def test_a_previous_review_within_the_first_window_makes_this_the_second(previous: date) -> None:
    assert review_ordinal(meeting(previous_review_date=previous), "seed") == 2


@pytest.mark.parametrize("previous", [date(2014, 3, 1), date(2014, 5, 1)])
def test_a_previous_review_after_the_first_window_makes_this_a_later_one(previous: date) -> None:
    assert review_ordinal(meeting(previous_review_date=previous), "seed") == 3


def test_the_first_window_follows_the_review_policy() -> None:
    # Looked after Thursday 10 April 2014. Seed: + 28 days = 8 May 2014. 2010 regulations:
    # 20 working days skipping Good Friday, Easter Monday and 5 May = 13 May 2014.
    # A previous review on 12 May falls outside the first window, then inside it.
    m = meeting(became_looked_after=date(2014, 4, 10), previous_review_date=date(2014, 5, 12))
    assert review_ordinal(m, "seed") == 3
    assert review_ordinal(m, "2010-regulations") == 2


# --------------------------------------------------------------------------- timeliness


def test_held_on_the_due_date_is_on_time() -> None:
    assert timeliness(date(2014, 2, 28), date(2014, 2, 28)) == "Yes"


def test_held_before_the_due_date_is_on_time() -> None:
    assert timeliness(date(2014, 2, 1), date(2014, 2, 28)) == "Yes"


def test_held_one_day_late() -> None:
    assert timeliness(date(2014, 3, 1), date(2014, 2, 28)) == "No (held 1 day after the due date)"


def test_held_days_late_across_a_month_end() -> None:
    # Due 27 February 2014, held 2 March 2014: 28 Feb, 1 Mar, 2 Mar = 3 days.
    assert timeliness(date(2014, 3, 2), date(2014, 2, 27)) == "No (held 3 days after the due date)"


# --------------------------------------------------------------------------- long_date


@pytest.mark.parametrize(
    ("day", "shown"),
    [
        (date(2005, 3, 12), "12 March 2005"),
        (date(2014, 1, 1), "1 January 2014"),  # no leading zero
        (date(2016, 2, 29), "29 February 2016"),
        (date(2014, 12, 31), "31 December 2014"),
        (None, ""),
    ],
)
def test_long_date(day: date | None, shown: str) -> None:
    assert long_date(day) == shown


# --------------------------------------------------------------------------- text


def test_control_characters_are_stripped() -> None:
    assert text("a\x00b\x01c\x08d\x0be\x0ef\x1fg\x7fh") == "abcdefgh"


def test_bell_and_form_feed_are_stripped_not_turned_into_breaks() -> None:
    # docxtpl would turn \a into a new paragraph and \f into a page break.
    assert text("one\atwo\fthree") == "onetwothree"


def test_line_breaks_and_tabs_are_kept() -> None:
    assert text("line one\nline two\tcolumn") == "line one\nline two\tcolumn"


@pytest.mark.parametrize("typed", ["one\r\ntwo", "one\rtwo"])
def test_windows_and_old_mac_line_breaks_become_one_line_break(typed: str) -> None:
    assert text(typed) == "one\ntwo"


def test_markup_characters_are_left_for_the_renderer_to_escape() -> None:
    typed = 'Mum said "I\'m happy" & <relieved> that {{ nothing }} {% changes %}'
    assert text(typed) == typed


def test_blank_and_non_text_values() -> None:
    assert text(None) == ""
    assert text("") == ""
    assert text(12) == "12"


# --------------------------------------------------------------------------- review_context


def test_review_context_computes_due_and_next_dates() -> None:
    # Review 1 of a child looked after 31 January 2014: due 28 February 2014. Held
    # 24 February, so the next (second) review is due 90 days later: 4 days to 28 Feb,
    # +31 (Mar) = 35, +30 (Apr) = 65, +25 = 25 May 2014.
    ctx = review_context(meeting(review_date=date(2014, 2, 24)), [], [])
    # Nothing says which review this is: the record says the number is assumed.
    assert ctx["review"]["number"] == "1 (assumed from the dates: no earlier review is given)"
    assert ctx["review"]["due_date"] == "28 February 2014"
    assert ctx["review"]["within_timescale"] == "Yes"
    assert ctx["review"]["next_review_date"] == "25 May 2014"
    assert ctx["review"]["previous_review_date"] == "None (this is the first review)"


def test_review_context_uses_given_dates_as_they_are() -> None:
    m = meeting(
        review_date=date(2014, 3, 3),
        due_date=date(2014, 3, 1),
        next_review_date=date(2014, 6, 1),
    )
    ctx = review_context(m, [], [])
    assert ctx["review"]["due_date"] == "1 March 2014"
    assert ctx["review"]["within_timescale"] == "No (held 2 days after the due date)"
    assert ctx["review"]["next_review_date"] == "1 June 2014"


def test_review_context_numbers_decisions_from_one() -> None:
    decisions = [
        ReviewDecision(review_id="R1", decision=f"Do {n}.", responsible="SW", timescale=day)
        for n, day in ((1, date(2014, 7, 1)), (2, date(2014, 6, 1)))
    ]
    ctx = review_context(meeting(), [], decisions)
    assert [(d["number"], d["decision"], d["timescale"]) for d in ctx["decisions"]] == [
        ("1", "Do 1.", "1 July 2014"),
        ("2", "Do 2.", "1 June 2014"),  # workbook order, not date order
    ]


# --------------------------------------------------------------------------- alert_context


def _alert(**changes: Any) -> Alert:
    fields: dict[str, Any] = {
        "alert_id": "A1",
        "child_id": "C1",
        "child_name": "Test Child",
        "iro": "An IRO",
        "date_raised": date(2014, 4, 17),
        "stage": 3,
        "category": "Placement",
        "concern": "A concern.",
        "action_required": "An action.",
    }
    return Alert(**{**fields, **changes})


def test_alert_context_due_status_and_history_order() -> None:
    steps = [
        AlertStep(alert_id="A1", stage=2, step_date=date(2014, 4, 10), note="second"),
        AlertStep(alert_id="A1", stage=1, step_date=date(2014, 4, 1), note="first"),
    ]
    ctx = alert_context(_alert(), steps)
    # Thursday 17 April 2014 + 5 working days past Easter (18 and 21 April) = 28 April 2014.
    assert ctx["alert"]["response_due"] == "28 April 2014"
    assert ctx["alert"]["addressed_to"] == "Service Director"
    assert ctx["alert"]["status"] == "Open"
    assert [s["note"] for s in ctx["history"]] == ["first", "second"]
    resolved = alert_context(_alert(date_resolved=date(2014, 4, 30)), [])
    assert resolved["alert"]["status"] == "Resolved on 30 April 2014"
    assert resolved["history"] == []


# --------------------------------------------------------------------------- conference_context


def _conference(kind: str = "Initial") -> Conference:
    return Conference(
        conference_id="CP1",
        conference_type=kind,
        conference_date=date(2014, 5, 14),
        strategy_discussion_date=date(2014, 4, 24),
        previous_conference_date=date(2014, 2, 14),
        chair="A Chair",
    )


def _child(plan: bool | None) -> ConferenceChild:
    return ConferenceChild(
        conference_id="CP1",
        child_id="P1",
        child_name="Test Child",
        dob=date(2010, 5, 15),
        category="NEG" if plan else None,
        plan=plan,
    )


def test_first_core_group_only_after_an_initial_conference_with_a_plan() -> None:
    # Wednesday 14 May 2014 + 10 working days, skipping 26 May: 29 May 2014.
    with_plan = conference_context(_conference(), [_child(False), _child(True)], [])
    assert with_plan["conference"]["first_core_group_date"] == "29 May 2014"
    no_plan = conference_context(_conference(), [_child(False), _child(None)], [])
    assert no_plan["conference"]["first_core_group_date"] == ""
    review = conference_context(_conference("Review"), [_child(True)], [])
    assert review["conference"]["first_core_group_date"] == ""


def test_conference_context_next_review_and_ages() -> None:
    ctx = conference_context(_conference(), [_child(True)], [])
    assert ctx["conference"]["next_review_date"] == "14 August 2014"  # initial + 3 months
    assert ctx["children"][0]["age"] == "3 years"  # the day before the 4th birthday
    assert ctx["children"][0]["category"] == "Neglect"
    review = conference_context(_conference("Review"), [_child(True)], [])
    assert review["conference"]["next_review_date"] == "14 November 2014"  # + 6 months


def test_no_next_review_conference_when_every_child_is_without_a_plan() -> None:
    for kind in ("Initial", "Review"):  # none made, or every plan ended
        none = conference_context(_conference(kind), [_child(False), _child(False)], [])
        assert none["conference"]["next_review_date"] == "", kind
    # A blank Plan is not a no: the review is still dated (initial + 3 months).
    unknown = conference_context(_conference(), [_child(False), _child(None)], [])
    assert unknown["conference"]["next_review_date"] == "14 August 2014"
    # A date the user typed is theirs to give.
    given = _conference().model_copy(update={"next_review_date": date(2014, 7, 1)})
    assert conference_context(given, [_child(False)], [])["conference"]["next_review_date"] == (
        "1 July 2014"
    )


def test_an_unborn_child_at_a_pre_birth_conference_has_no_age() -> None:
    unborn = _child(True).model_copy(update={"dob": date(2014, 8, 1)})  # due after the conference
    ctx = conference_context(_conference(), [unborn], [])
    assert ctx["children"][0]["age"] == "Unborn"
