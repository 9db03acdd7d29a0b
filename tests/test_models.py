"""The explicit cell converters: what a user may type in a date, yes/no, text or code column."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from docgen import codes
from docgen.models import (
    DATE_EXPECTED,
    YES_NO_EXPECTED,
    Alert,
    CellError,
    Child,
    Coded,
    Conference,
    Dispute,
    ReviewMeeting,
    column_specs,
    to_bool,
    to_date,
    to_float,
    to_stage,
    to_text,
)

MARCH_31 = date(2014, 3, 31)


def cell_error(convert, value) -> CellError:
    with pytest.raises(CellError) as caught:
        convert(value)
    return caught.value


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2014, 3, 31), MARCH_31),
        (datetime(2014, 3, 31, 0, 0), MARCH_31),
        (datetime(2014, 3, 31, 16, 45), MARCH_31),
        ("31/03/2014", MARCH_31),
        ("31-03-2014", MARCH_31),
        ("2014-03-31", MARCH_31),
        ("31 March 2014", MARCH_31),
        ("31 Mar 2014", MARCH_31),
        ("31 MARCH 2014", MARCH_31),
        ("1st April 2014", date(2014, 4, 1)),
        ("2nd May 2014", date(2014, 5, 2)),
        ("1/4/2014", date(2014, 4, 1)),  # day first: 1 April, never 4 January
        ("  31/03/2014  ", MARCH_31),
        ("29/02/2016", date(2016, 2, 29)),
    ],
)
def test_dates_a_user_may_type(value, expected: date) -> None:
    result = to_date(value)
    assert result == expected
    assert type(result) is date


def test_a_date_that_does_not_exist_is_an_error_not_a_guess() -> None:
    error = cell_error(to_date, "31/02/2014")
    assert error.code == "invalid-date"
    assert str(error) == "is not a real calendar date"
    assert error.expected == DATE_EXPECTED
    assert "31/03/2014" in error.expected and "day first" in error.expected


def test_29_february_outside_a_leap_year_is_an_error() -> None:
    assert str(cell_error(to_date, "29/02/2014")) == "is not a real calendar date"


def test_us_month_first_date_is_an_error_not_a_guess() -> None:
    """03/31/2014 read day first is month 31: refused, never swapped to 31 March."""
    error = cell_error(to_date, "03/31/2014")
    assert error.code == "invalid-date"
    assert "not a real calendar date" in str(error)


@pytest.mark.parametrize("value", ["2014/31/03", "tomorrow", "March 2014", "TBC"])
def test_text_that_is_not_a_date(value: str) -> None:
    error = cell_error(to_date, value)
    assert error.code == "invalid-date"
    assert str(error) == "is not a date"
    assert error.expected == DATE_EXPECTED


@pytest.mark.parametrize(
    ("value", "full"),
    [("31/3/14", "31/3/2014"), ("14/08/17", "14/08/2017"), ("02.05.95", "02/05/1995")],
)
def test_a_two_digit_year_is_named_with_the_date_in_full(value: str, full: str) -> None:
    """'14/08/17' was "not a date", with no word of its year: one cell, no hint to help."""
    error = cell_error(to_date, value)
    assert error.code == "invalid-date"
    assert str(error) == "has a two-digit year"
    assert error.expected == f"the year in full, such as {full}"


@pytest.mark.parametrize("value", [86400, 41729.0, 41729])
def test_a_number_is_not_a_date(value) -> None:
    """41729 is 31/03/2014 as an Excel serial: a number typed in a date column is not read."""
    error = cell_error(to_date, value)
    assert error.code == "invalid-date"
    assert str(error) == "is a number, not a date"


# --------------------------------------------------------------------------- yes / no


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Y", True),
        ("N", False),
        ("y", True),
        ("n", False),
        ("Yes", True),
        ("No", False),
        ("YES", True),
        ("TRUE", True),
        ("FALSE", False),
        ("true", True),
        ("false", False),
        ("1", True),
        ("0", False),
        (1, True),
        (0, False),
        (1.0, True),
        (0.0, False),
        (True, True),
        (False, False),
        (" Y ", True),
    ],
)
def test_yes_no_values(value, expected: bool) -> None:
    assert to_bool(value) is expected


@pytest.mark.parametrize("value", ["maybe", "2", 2, "T", "yes please"])
def test_yes_no_refuses_anything_else(value) -> None:
    error = cell_error(to_bool, value)
    assert error.code == "invalid-yes-no"
    assert str(error) == "is not yes or no"
    assert error.expected == YES_NO_EXPECTED


# --------------------------------------------------------------------------- text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("007", "007"),
        (1234.0, "1234"),
        (1234, "1234"),
        (12.5, "12.5"),
        ("C01029", "C01029"),
        (date(2014, 3, 31), "31/03/2014"),
        (datetime(2014, 3, 31, 9, 30), "31/03/2014"),
    ],
)
def test_text_is_kept_as_the_user_sees_it(value, expected: str) -> None:
    assert to_text(value) == expected


# --------------------------------------------------------------------------- code lists


LEGAL_STATUS = Coded(codes.LEGAL_STATUS)


@pytest.mark.parametrize(
    "value", ["C2", "c2", " C2 ", "Care Order", "care order", "CARE ORDER", "care_order"]
)
def test_code_column_takes_the_code_or_its_label(value: str) -> None:
    assert LEGAL_STATUS.convert(value) == "C2"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("Interim Care Order", "C1"),
        ("Police Powers of Protection", "L1"),
        ("Emergency Protection Order", "L2"),
        ("Placement Order", "E1"),
        ("S20", "V2"),
        ("v3", "V3"),
        # the usual initials of each order, as ICO and EPO already were
        ("CO", "C2"),
        ("PO", "E1"),
        ("PPO", "L1"),
    ],
)
def test_other_legal_status_spellings(value: str, code: str) -> None:
    assert LEGAL_STATUS.convert(value) == code


def test_unknown_code_is_refused_with_the_codes_listed() -> None:
    error = cell_error(LEGAL_STATUS.convert, "X9")
    assert error.code == "invalid-code"
    assert str(error) == "is not a legal status"
    assert error.expected.startswith("a legal status code or label: C1 (Interim Care Order), ")
    assert "C2 (Care Order)" in error.expected
    missing = [code for code in codes.LEGAL_STATUS.codes if code not in error.expected]
    assert missing == [], f"codes a user is not told about: {missing}"


@pytest.mark.parametrize(
    ("word", "group"),
    [
        ("White", "White"),
        ("Mixed", "Mixed"),
        ("Asian", "Asian"),
        ("Black", "Black"),
        ("Other", "Other"),
        ("N/A", "N/A"),
        ("white", "White"),
        ("n/a", "N/A"),
    ],
)
def test_ethnicity_takes_the_group_words(word: str, group: str) -> None:
    code = Coded(codes.ETHNICITY).convert(word)
    assert codes.ETHNICITY.category(code) == group


@pytest.mark.parametrize(("value", "code"), [("WBRI", "WBRI"), ("White British", "WBRI")])
def test_ethnicity_takes_codes_and_labels(value: str, code: str) -> None:
    assert Coded(codes.ETHNICITY).convert(value) == code


def test_category_of_abuse_code_or_label() -> None:
    category = Coded(codes.CATEGORY_OF_ABUSE)
    assert [category.convert(v) for v in ("NEG", "Neglect", "emotional abuse")] == [
        "NEG",
        "NEG",
        "EMO",
    ]
    assert cell_error(category.convert, "Bullying").code == "invalid-code"


# --------------------------------------------------------------------------- column specs


def test_column_specs_follow_the_contract_order() -> None:
    specs = column_specs(Child)
    assert [(s.header, s.aliases, s.required) for s in specs] == [
        ("Child ID", ("CHILD",), True),
        ("Date of Birth", ("DOB",), True),
        ("Sex", ("SEX",), False),
        ("Ethnicity", ("ETHNIC",), True),
        ("Legal Status", ("LS",), True),
        ("Date Became Looked After", ("DECOM",), True),
        ("Date Ceased", ("DEC",), False),
        ("Reason Ceased", ("REC",), False),
        ("Short Breaks", (), False),
        ("IRO", (), False),
    ]
    by_header = {s.header: s for s in specs}
    assert by_header["Date of Birth"].convert is to_date
    assert by_header["Short Breaks"].convert is to_bool
    assert by_header["Legal Status"].codes is codes.LEGAL_STATUS
    assert by_header["Legal Status"].convert("care order") == "C2"


# --------------------------------------------------------------------------- stages, attendance


@pytest.mark.parametrize(
    ("value", "stage"),
    [
        (1, 1),
        (2.0, 2),
        ("3", 3),
        ("Stage 2", 2),
        ("service manager", 2),
        ("Stage 4: CAFCASS", 4),
        ("stage cafcass", 4),
    ],
)
def test_stage_takes_its_number_or_its_label(value, stage: int) -> None:
    assert to_stage(value) == stage


@pytest.mark.parametrize("value", [0, 5, "Stage 5", "Director", True])
def test_a_stage_off_the_list_names_all_four(value) -> None:
    error = cell_error(to_stage, value)
    assert error.expected == (
        "a stage from 1 to 4: 1 (Team Manager), 2 (Service Manager), "
        "3 (Service Director), 4 (CAFCASS)"
    )


def test_did_not_attend_is_refused_not_rewritten_as_apologies() -> None:
    coded = Coded(codes.ATTENDANCE)
    assert coded.convert("sent apologies") == "Apologies"
    error = cell_error(coded.convert, "Did not attend")
    assert str(error) == "is not an attendance"
    assert error.expected.startswith("an attendance code or label: Attended")


# --------------------------------------------------------------------------- rules across a row

D = date


def _fields(row) -> list[str]:
    return [breach[0] for breach in row.problems()]


def _review(**changes) -> ReviewMeeting:
    base = {
        "review_id": "R1",
        "child_id": "C1",
        "child_name": "A Child",
        "dob": D(2010, 1, 1),
        "review_date": D(2014, 3, 1),
        "became_looked_after": D(2013, 1, 1),
        "iro": "An IRO",
    }
    return ReviewMeeting(**{**base, **changes})


def test_a_consistent_review_has_no_problems() -> None:
    assert (
        _fields(_review(previous_review_date=D(2013, 9, 1), next_review_date=D(2014, 9, 1))) == []
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"previous_review_date": D(2014, 6, 1)}, "previous_review_date"),  # after this review
        ({"previous_review_date": D(2012, 6, 1)}, "previous_review_date"),  # before care began
        ({"next_review_date": D(2014, 2, 1)}, "next_review_date"),
        ({"dob": D(2013, 6, 1)}, "became_looked_after"),  # in care before birth
    ],
)
def test_review_dates_that_cannot_be_true(changes: dict, field: str) -> None:
    assert _fields(_review(**changes)) == [field]


def test_a_first_review_with_a_review_before_it_is_an_error() -> None:
    """Review Number 1 is due 28 days after care began; with a Previous Review Date in the
    same episode the record would call a review held years on 'late by 400 days'."""
    first = _review(review_number=1, previous_review_date=D(2013, 9, 1))
    assert [breach[:2] for breach in first.problems()] == [
        ("review_number", "is the first review, but a Previous Review Date is given")
    ]
    assert _fields(_review(review_number=2, previous_review_date=D(2013, 9, 1))) == []
    assert _fields(_review(review_number=1)) == []


def _conference(kind: str, **changes) -> Conference:
    base = {
        "conference_id": "CP1",
        "conference_type": kind,
        "conference_date": D(2014, 5, 14),
        "chair": "A Chair",
    }
    return Conference(**{**base, **changes})


@pytest.mark.parametrize(
    ("conference", "field"),
    [
        (
            _conference("Initial", strategy_discussion_date=D(2014, 5, 20)),
            "strategy_discussion_date",
        ),
        (
            _conference("Review", previous_conference_date=D(2014, 5, 14)),
            "previous_conference_date",
        ),
        (
            _conference(
                "Initial", strategy_discussion_date=D(2014, 5, 1), next_review_date=D(2014, 5, 1)
            ),
            "next_review_date",
        ),
    ],
)
def test_conference_dates_that_cannot_be_true(conference: Conference, field: str) -> None:
    assert _fields(conference) == [field]


def test_an_alert_response_due_before_it_was_raised() -> None:
    alert = Alert(
        alert_id="A1",
        child_id="C1",
        child_name="A Child",
        iro="An IRO",
        date_raised=D(2014, 5, 12),
        stage=1,
        category="Care planning",
        concern="c",
        action_required="a",
        response_due=D(2014, 5, 9),
    )
    assert _fields(alert) == ["response_due"]


@pytest.mark.parametrize(
    ("stage", "escalated", "problem", "reached"),
    [
        (4, None, False, True),
        (4, True, False, True),
        (4, False, True, True),
        (2, True, True, False),  # the stage decides, so the two tables agree; a warning says so
        (2, False, False, False),
    ],
)
def test_stage_4_is_cafcass(stage: int, escalated, problem: bool, reached: bool) -> None:
    dispute = Dispute(
        alert_id="D1",
        child_id="C1",
        date_raised=D(2013, 6, 1),
        highest_stage=stage,
        escalated_to_cafcass=escalated,
    )
    assert dispute.flag_contradicts_stage is problem
    assert dispute.reached_cafcass is reached


@pytest.mark.parametrize(("value", "expected"), [("80%", 0.8), ("12.5 %", 0.125), (" 0.5", 0.5)])
def test_a_number_column_takes_a_percentage(value: str, expected: float) -> None:
    """A percentage cell reads as Excel shows it (80%): in a number column, 0.8."""
    assert to_float(value) == expected


@pytest.mark.parametrize(
    ("code_list", "typed"),
    [(codes.ATTENDANCE, "Not present"), (codes.ATTENDANCE, "Invited")],
)
def test_did_you_mean_never_offers_the_opposite(code_list: codes.CodeList, typed: str) -> None:
    """'Not present' was offered 'Attended', and 'Invited' 'Not Invited': a near spelling
    of the opposite meaning, which an admin may accept without a second look."""
    assert code_list.parse(typed) is None
    assert code_list.suggest(typed) == ""


def test_did_you_mean_still_mends_a_typo_either_way() -> None:
    assert codes.ATTENDANCE.suggest("Not invted") == "did you mean 'Not Invited'?"
    assert codes.ATTENDANCE.suggest("Atended") == "did you mean 'Attended'?"
    assert codes.CHILD_DECISION.suggest("Not plan") == "did you mean 'No plan'?"
