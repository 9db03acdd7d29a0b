"""`docgen invitations`: one letter per invited person of a review or conference workbook,
read back as the co-ordinator posting them would read them.

The reply-by date is the third working day before the meeting, counted back by hand over
weekends and the bank holidays of England and Wales (2014: 18 and 21 April, 5 May).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from click.testing import Result

from tests.conftest import (
    SAMPLES,
    all_text,
    docx_tables,
    edit_workbook,
    paragraphs,
    refused,
    run_cli,
    set_cells,
)

REVIEWS = SAMPLES / "review_invitations.xlsx"
CONFERENCES = SAMPLES / "conference_letters.xlsx"


def render(out: Path, workbook: Path, *extra: str) -> Result:
    result = run_cli("invitations", str(workbook), "--output", str(out), *extra)
    assert result.exit_code == 0, result.output
    return result


def details(path: Path) -> dict[str, str]:
    """The letter's meeting details: Date, Time, Venue, ..."""
    table = docx_tables(path)[0]
    return {row[0]: row[1] for row in table}


@pytest.fixture(scope="module")
def reviews(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("invitations")
    render(out, REVIEWS)
    return out


@pytest.fixture(scope="module")
def conferences(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("conference-invitations")
    render(out, CONFERENCES)
    return out


def test_one_letter_per_invited_person_and_none_for_not_invited(reviews: Path) -> None:
    names = sorted(p.name for p in reviews.glob("*.docx"))
    # 24 people on the Attendees sheet; R0003's birth mother is Not Invited, and each
    # review's IRO chairs it: no one is invited to their own meeting.
    assert len(names) == 18
    assert [n for n in names if "R0003" in n] == [
        f"invitation_R0003_2014-04-08_p{n}.docx" for n in (1, 2)
    ]
    assert not any("Birth mother" in all_text(reviews / n) for n in names)


def test_each_letter_is_addressed_to_its_person_with_the_meeting_details(reviews: Path) -> None:
    letter = reviews / "invitation_R0001_2014-02-24_p3.docx"
    text = paragraphs(letter)
    assert text[:4] == ["Mrs Brennan", "Flat 3, 41 Station Road", "Kingsmead", "KM2 7QT"]
    assert "Dear Mrs Brennan," in text
    assert details(letter) == {
        "Date": "Monday 24 February 2014",
        "Time": "10:00",
        "Venue": "Foster home, Westbourne",
        "Chaired by": "Helen Marsh, Independent Reviewing Officer",
        "Contact": "Angela Price, Review Co-ordinator, 01632 960 411",
    }
    # Monday 24 February: three working days back is Wednesday 19 February.
    assert any("by 19 February 2014" in p for p in text)
    assert "{{" not in all_text(letter) and "{%" not in all_text(letter)


def test_the_chair_is_not_invited_to_their_own_meeting(reviews: Path) -> None:
    """Helen Marsh chairs R0001 and is on its Attendees sheet: no letter invites her to it,
    signed by herself."""
    addressed = [paragraphs(p)[0] for p in sorted(reviews.glob("invitation_R0001_*.docx"))]
    assert addressed == ["Nadia Shah", "Kayla Brennan", "Mrs Brennan", "Jean Fairley"]


def test_a_one_line_address_is_split_at_its_commas(reviews: Path) -> None:
    text = paragraphs(reviews / "invitation_R0004_2014-06-10_p1.docx")  # the social worker
    assert text[:5] == [
        "Gemma Hart",
        "Children's Services",
        "Civic Centre",
        "Market Street",
        "Westbourne WB1 1AA",
    ]


def test_parents_and_carers_get_their_consultation_form_professionals_none(reviews: Path) -> None:
    mother = all_text(reviews / "invitation_R0001_2014-02-24_p3.docx")
    carer = all_text(reviews / "invitation_R0001_2014-02-24_p4.docx")
    worker = all_text(reviews / "invitation_R0001_2014-02-24_p1.docx")
    assert "Consultation form for parents" in mother and "What is going well for Kayla?" in mother
    assert "Consultation form for carers" in carer
    assert "Consultation form" not in worker and "consultation form" not in worker


def test_the_child_gets_a_letter_in_plain_words_with_their_own_form(reviews: Path) -> None:
    for name, first in (("R0001_2014-02-24_p2", "Kayla"), ("R0004_2014-06-10_p2", "Tyler")):
        text = all_text(reviews / f"invitation_{name}.docx")
        assert f"Hello {first}," in text
        assert "We are having a meeting about you. It is called a review." in text
        assert "Is anything worrying you?" in text  # Kayla's "All about me", Tyler's views
        assert "Dear" not in text and "care plan" not in text
    kayla = reviews / "invitation_R0001_2014-02-24_p2.docx"
    assert details(kayla)["Who to tell if you are coming"] == (
        "Angela Price, Review Co-ordinator, 01632 960 411"
    )
    assert "Please tell Angela Price by 19 February 2014 if you want to come." in paragraphs(kayla)


def test_conference_invitations_name_every_child_and_skip_the_not_invited(
    conferences: Path,
) -> None:
    names = sorted(p.name for p in conferences.glob("*.docx"))
    assert len(names) == 16  # 17 on the sheet; CP0202's GP is Not Invited
    assert [n for n in names if "CP0202" in n] == [
        f"invitation_CP0202_2014-06-03_p{n}.docx" for n in (1, 2, 3)
    ]
    letter = conferences / "invitation_CP0201_2014-05-14_p4.docx"  # the health visitor
    text = all_text(letter)
    assert "Invitation: Initial Child Protection Conference" in text
    assert "initial child protection conference about Ellie Dawson, Callum Dawson and " in text
    assert "Dear Claire Booth," in text
    assert details(letter)["Venue"] == "Civic Centre, Room 3"
    assert details(letter)["Date"] == "Wednesday 14 May 2014"
    assert "Email: claire.booth@nhs.example.net" in text


def test_reply_by_skips_a_bank_holiday(tmp_path: Path) -> None:
    def move(wb: object) -> None:  # Tuesday 6 May 2014, the day after the May bank holiday
        set_cells(wb, "Review Meetings", 2, {"Review Date": datetime(2014, 5, 6)})  # type: ignore[arg-type]
        set_cells(wb, "Review Meetings", 2, {"Next Review Date": datetime(2014, 11, 2)})  # type: ignore[arg-type]

    book = edit_workbook(REVIEWS, tmp_path / "moved.xlsx", move)
    render(tmp_path / "out", book, "--only", "R0001")
    text = paragraphs(tmp_path / "out" / "invitation_R0001_2014-05-06_p1.docx")
    # Back from 6 May: 2 May (Fri), 1 May (Thu), 30 April (Wed); 5 May is a holiday.
    assert any("by 30 April 2014" in p for p in text)
    assert date(2014, 5, 6).weekday() == 1


def test_a_letter_is_dated_the_day_it_must_go_out_by(reviews: Path) -> None:
    """Ten working days before Monday 24 February 2014, counted back by hand: 21, 20, 19,
    18, 17, 14, 13, 12, 11 and 10 February. The child's letter carries the date too."""
    adult = paragraphs(reviews / "invitation_R0001_2014-02-24_p3.docx")
    assert "Date: 10 February 2014" in adult
    assert adult.index("Date: 10 February 2014") < adult.index("Dear Mrs Brennan,")
    child = paragraphs(reviews / "invitation_R0001_2014-02-24_p2.docx")
    assert child.index("10 February 2014") < child.index("Hello Kayla,")


@pytest.mark.parametrize(
    ("workbook", "meeting", "setting", "dated"),
    [
        (REVIEWS, "R0001_2014-02-24_p3", ("DOCGEN_ISSUE_DATE", "2014-02-03"), "3 February 2014"),
        # 15 working days before Wednesday 14 May 2014, over the 5 May bank holiday
        (CONFERENCES, "CP0201_2014-05-14_p4", ("DOCGEN_INVITATION_DAYS", "15"), "22 April 2014"),
    ],
)
def test_the_councils_issue_date_and_lead_time_date_the_letters(
    tmp_path: Path, workbook: Path, meeting: str, setting: tuple[str, str], dated: str
) -> None:
    only = ("--only", meeting.split("_")[0])
    run = run_cli("invitations", str(workbook), "-o", str(tmp_path), *only, env=dict([setting]))
    assert run.exit_code == 0, run.output
    assert f"Date: {dated}" in paragraphs(tmp_path / f"invitation_{meeting}.docx")


def test_only_writes_one_meeting_under_its_batch_names(tmp_path: Path) -> None:
    render(tmp_path, REVIEWS, "--only", "r0002")
    assert sorted(p.name for p in tmp_path.glob("*.docx")) == [
        f"invitation_R0002_2014-03-11_p{n}.docx" for n in range(1, 5)
    ]


def test_an_invitee_without_an_address_gets_a_blank_block_and_a_warning(tmp_path: Path) -> None:
    def clear(wb: object) -> None:
        set_cells(wb, "Attendees", 5, {"Address": None})  # type: ignore[arg-type]  # Mrs Brennan

    book = edit_workbook(REVIEWS, tmp_path / "no-address.xlsx", clear)
    result = render(tmp_path / "out", book, "--only", "R0001")
    assert "warning: Attendees!G5" in result.output
    assert "has no address" in result.output and "Brennan" not in result.output
    text = paragraphs(tmp_path / "out" / "invitation_R0001_2014-02-24_p3.docx")
    assert text[0] == "Mrs Brennan"
    assert text[1:5] == ["_" * 36] * 4


def test_a_time_that_is_not_a_time_is_refused_at_its_cell(tmp_path: Path) -> None:
    def spoil(wb: object) -> None:
        set_cells(wb, "Review Meetings", 3, {"Review Time": "after lunch"})  # type: ignore[arg-type]

    refused(
        "invitations",
        REVIEWS,
        tmp_path,
        spoil,
        "Review Meetings!AJ3",
        "'after lunch'",
        "a time of day such as 10:30",
    )


def test_a_workbook_of_another_kind_is_refused(tmp_path: Path) -> None:
    result = run_cli("invitations", str(SAMPLES / "alerts.xlsx"), "-o", str(tmp_path))
    assert result.exit_code == 1
    assert "made from a review or conference workbook" in result.output


def test_a_parent_is_told_about_support_an_agency_about_its_report(conferences: Path) -> None:
    parent = all_text(conferences / "invitation_CP0203_2014-06-25_p1.docx")  # Ms Grant
    school = all_text(conferences / "invitation_CP0203_2014-06-25_p3.docx")  # Sue Collins
    assert "You may bring a friend, relative or advocate" in parent
    assert "written report" not in parent
    assert "Please send your written report to the chair" in school
    assert "You may bring a friend" not in school


def test_every_sample_letter_greets_a_person_not_a_role(reviews: Path) -> None:
    greetings = [
        next(p for p in paragraphs(letter) if p.startswith(("Dear ", "Hello ")))
        for letter in sorted(reviews.glob("*.docx"))
    ]
    assert "Dear Mr and Mrs Kaur," in greetings and "Dear Mrs Doyle," in greetings
    assert not any(g.startswith(("Dear Foster", "Dear Prospective")) for g in greetings)


def test_the_letter_samples_repeat_no_column() -> None:
    for book in (REVIEWS, CONFERENCES):
        wb = openpyxl.load_workbook(book, read_only=True)
        for ws in wb.worksheets:
            headers = [h for h in next(ws.iter_rows(max_row=1, values_only=True)) if h]
            assert len(headers) == len(set(headers)), (book.name, ws.title)
