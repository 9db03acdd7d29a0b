"""The letters and lists read as the people who receive them would: a parent, a child, a
professional invited to a meeting, a manager reading the planning list or the quarterly
alerts report. Each must say which council it is from, carry the council's protective
marking, and have headings a screen reader can walk in order."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from docx.oxml.ns import qn

from docgen.documents import _letters as letters
from tests.conftest import SAMPLES, edit_workbook, paragraphs, run_cli

COUNCIL = "Westbourne Council"
MARKING = "OFFICIAL"
ENV = {"DOCGEN_COUNCIL": COUNCIL, "DOCGEN_PROTECTIVE_MARKING": MARKING}


def header(path: Path) -> str:
    return "\n".join(p.text for p in Document(str(path)).sections[0].header.paragraphs)


def run(*args: str, env: dict[str, str] | None = None) -> None:
    result = run_cli(*args, env=ENV if env is None else env)
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every letter and list of the samples, written as Westbourne Council would."""
    root = tmp_path_factory.mktemp("received")
    run(
        "invitations",
        str(SAMPLES / "review_invitations.xlsx"),
        "--only",
        "R0001",
        "--output",
        str(root / "inv"),
    )
    run(
        "outcome-letters",
        str(SAMPLES / "conference_letters.xlsx"),
        "--only",
        "CP0201",
        "--output",
        str(root / "out"),
    )
    run(
        "planning",
        str(SAMPLES / "review_meetings.xlsx"),
        str(SAMPLES / "conferences.xlsx"),
        "--as-of",
        "2014-09-01",
        "--output",
        str(root / "due.docx"),
    )
    run(
        "alerts-report",
        str(SAMPLES / "alerts.xlsx"),
        "--quarter",
        "2014-15:Q1",
        "--output",
        str(root / "alerts.docx"),
    )
    return root


LETTERS = (
    "inv/invitation_R0001_2014-02-24_p1.docx",  # the social worker
    "inv/invitation_R0001_2014-02-24_p2.docx",  # the child, in plain words
    "out/outcome_CP0201_2014-05-14_p1.docx",  # a parent
)
LISTS = ("due.docx", "alerts.docx")


@pytest.mark.parametrize("name", LETTERS + LISTS)
def test_the_header_names_the_council_and_its_marking(out: Path, name: str) -> None:
    text = header(out / name)
    assert COUNCIL in text
    assert text.startswith(MARKING)
    assert "OFFICIAL-SENSITIVE" not in text  # the council's setting, not a fixed marking


@pytest.mark.parametrize("name", LETTERS)
def test_the_letter_is_signed_for_the_council(out: Path, name: str) -> None:
    lines = [line for line in paragraphs(out / name) if line.strip()]
    # the sender's name and role, then the council they write for
    signer = next(
        i
        for i, line in enumerate(lines)
        if line in ("Independent Reviewing Officer", "Conference Chair", "From Helen Marsh")
    )
    assert lines[signer + 1] == COUNCIL


def test_a_letter_gives_the_councils_address_for_replies(tmp_path: Path) -> None:
    """DOCGEN_COUNCIL_ADDRESS: under the council's name where the letter is signed, a line
    each, and the invitation sends written views there."""
    address = "Children's Services, Civic Centre, Market Street, Westbourne WB1 1AA"
    env = {**ENV, "DOCGEN_COUNCIL_ADDRESS": address}
    workbook = str(SAMPLES / "review_invitations.xlsx")
    run("invitations", workbook, "--only", "R0001", "--output", str(tmp_path), env=env)
    for n in (1, 2, 3):  # the social worker, the child, the mother
        lines = paragraphs(tmp_path / f"invitation_R0001_2014-02-24_p{n}.docx")
        signed = lines.index(COUNCIL)
        assert lines[signed + 1 : signed + 5] == [
            "Children's Services",
            "Civic Centre",
            "Market Street",
            "Westbourne WB1 1AA",
        ]
    mother = paragraphs(tmp_path / "invitation_R0001_2014-02-24_p3.docx")
    assert any("in writing before the meeting, to the address at the end" in p for p in mother)


def test_without_an_address_set_no_reply_address_is_promised(out: Path) -> None:
    letter = paragraphs(out / LETTERS[0])  # the social worker's: it ends where it is signed
    assert any(p.endswith("you can send them in writing before the meeting.") for p in letter)
    assert [p for p in letter[letter.index(COUNCIL) + 1 :] if p.strip()] == []


def test_without_a_council_set_no_stray_separator(tmp_path: Path) -> None:
    run(
        "outcome-letters",
        str(SAMPLES / "conference_letters.xlsx"),
        "--only",
        "CP0202",
        "--output",
        str(tmp_path),
        env={},
    )
    letter = tmp_path / "outcome_CP0202_2014-06-03_p1.docx"
    assert header(letter).startswith("OFFICIAL-SENSITIVE")
    assert "· Ref" not in header(letter)
    assert paragraphs(letter)[-1] == "Conference Chair"


@pytest.mark.parametrize("name", (LETTERS[2], *LISTS))  # an invitation has its title only
def test_headings_go_down_one_level_at_a_time(out: Path, name: str) -> None:
    """A screen reader's list of headings: none skips a level (Heading 1 before 2)."""
    levels = [
        int(p.style.name.split()[-1])
        for p in Document(str(out / name)).paragraphs
        if p.style.name.startswith("Heading ")
    ]
    assert levels, "no headings to navigate by"
    assert levels[0] == 1
    assert all(b - a <= 1 for a, b in pairwise(levels))


def test_a_review_invitation_uses_the_handbooks_words(out: Path) -> None:
    """The IRO Handbook's review of the child's care plan, not a 'Looked After Review'."""
    text = "\n".join(paragraphs(out / LETTERS[0]))
    assert "Invitation: Review of Kayla Brennan's Care Plan" in text
    assert "Looked After Review" not in text


def test_the_social_worker_gets_a_professionals_invitation_not_a_childs(tmp_path: Path) -> None:
    """Agency "Children's Social Care" names no child: Nadia Shah is asked for her report,
    not told 'we are having a meeting about keeping you and your family safe'."""
    run(
        "invitations",
        str(SAMPLES / "conference_letters.xlsx"),
        "--only",
        "CP0201",
        "--output",
        str(tmp_path),
    )
    letter = paragraphs(tmp_path / "invitation_CP0201_2014-05-14_p3.docx")
    assert letter[0] == "Nadia Shah"
    assert "Dear Nadia Shah," in letter
    assert "Hello Nadia," not in letter
    assert any(line.startswith("Please send your written report to the chair") for line in letter)
    assert not any("friend, relative or advocate" in line for line in letter)


@pytest.mark.parametrize(
    ("role", "form"),
    [
        ("Children's Social Care", ""),
        ("Children’s Guardian", ""),  # CAFCASS's officer, with a typographic apostrophe
        ("Supervising Social Worker", ""),
        ("Child", "child"),
        ("Young person", "child"),
        ("Stepfather", "parent"),
        ("Special Guardian", "parent"),
        ("Foster Carer", "carer"),
    ],
)
def test_who_gets_which_letter_by_role(role: str, form: str) -> None:
    assert letters.form_for(role) == form


@pytest.mark.parametrize(
    ("agency", "family"),
    [
        ("Parent", True),
        ("Maternal grandmother", True),
        ("Mother's partner", True),
        ("Police", False),
        ("Children's Social Care", False),
        ("Family Support Worker", False),
        ("Family Nurse Partnership", False),
    ],
)
def test_who_is_written_to_as_family(agency: str, family: bool) -> None:
    assert letters.is_family(agency) is family


def test_an_agency_is_told_how_to_escalate_a_parent_how_to_complain(out: Path) -> None:
    """The police officer's letter points to the professional disagreement procedure, not
    the complaints procedure and not 'ask a friend, relative or advocate to help you'."""
    parent = "\n".join(paragraphs(out / "out/outcome_CP0201_2014-05-14_p1.docx"))
    police = "\n".join(paragraphs(out / "out/outcome_CP0201_2014-05-14_p5.docx"))
    assert paragraphs(out / "out/outcome_CP0201_2014-05-14_p5.docx")[0] == "PC Sam Rowe"
    assert "If your agency disagrees with a decision, please tell me in writing by 6 June" in police
    assert "procedure for resolving professional disagreements" in police
    assert "complaints procedure" not in police
    assert "friend, relative or advocate" not in police
    assert "please write to me by 6 June 2014" in parent
    assert "complaints procedure" in parent
    assert "You can ask a friend, relative or advocate to help you write." in parent


def test_a_grandmother_is_invited_as_family_not_asked_for_a_report(tmp_path: Path) -> None:
    def add_grandmother(wb: openpyxl.Workbook) -> None:
        ws = wb["Conference Attendees"]
        headers = [c.value for c in ws[1]]
        row = dict.fromkeys(headers)
        row.update(
            {
                "Conference ID": "CP0201",
                "Name": "Mrs Byrne",
                "Agency": "Maternal grandmother",
                "Attendance": "Attended",
                "Address": "2 Elm Row, Westbourne WB2 1EE",
            }
        )
        ws.append([row[h] for h in headers])

    workbook = edit_workbook(
        SAMPLES / "conference_letters.xlsx", tmp_path / "letters.xlsx", add_grandmother
    )
    run("invitations", str(workbook), "--only", "CP0201", "--output", str(tmp_path / "out"))
    letter = paragraphs(tmp_path / "out/invitation_CP0201_2014-05-14_p7.docx")
    assert letter[0] == "Mrs Byrne"
    assert any("friend, relative or advocate" in line for line in letter)
    assert not any("written report" in line for line in letter)


def test_the_conference_report_asks_no_report_of_a_parent_and_lists_each_recommendation_once(
    tmp_path: Path,
) -> None:
    """A parent reading the report sees no 'No' beside their name for an agency report,
    and each agency's recommendation is printed once."""
    run(
        "conference",
        str(SAMPLES / "conferences.xlsx"),
        "--only",
        "CP0201",
        "--output",
        str(tmp_path),
    )
    doc = Document(str(tmp_path / "conference_CP0201_2014-05-14.docx"))
    (table,) = [t for t in doc.tables if t.rows[0].cells[0].text == "Name"]
    rows = {r.cells[0].text: [c.text for c in r.cells[1:]] for r in table.rows[1:]}
    assert rows["Mrs Dawson"] == ["Parent", "Attended", "Not applicable"]
    assert rows["Mr Dawson"] == ["Parent", "Apologies", "Not applicable"]
    assert rows["PC Sam Rowe"] == ["Police", "Apologies", "Yes"]
    # each agency's recommendation once: in its section, not again in this table
    text = [p.text for p in doc.paragraphs]
    assert [t for t in text if t.startswith("Police (PC Sam Rowe)")] == [
        "Police (PC Sam Rowe): Plan"
    ]
    assert "Recommendation" not in [c.text for c in table.rows[0].cells]


def test_the_planning_list_says_when_each_meeting_was_last_held(out: Path) -> None:
    """'Latest' beside 'Deadline' reads as the latest day to hold it; the column is the
    meeting last held."""
    doc = Document(str(out / "due.docx"))
    heads = [c.text for c in doc.tables[0].rows[0].cells]
    assert heads == ["Meeting", "Child", "Last held", "Deadline", "Book by", "Status"]
    intro = doc.paragraphs[1].text
    assert "statutory" not in intro  # the seed policy's days are not the statute's
    assert "Each deadline is the last day the meeting may be held" in intro
    assert [c.text for c in doc.tables[0].rows[1].cells][2:4] == [
        "11 March 2014",
        "7 September 2014",
    ]


def test_a_teenagers_form_is_not_written_for_a_young_child(tmp_path: Path) -> None:
    """Tyler is 16: his form asks for his views, without 'write or draw'; Kayla, 4, keeps
    'All about me'."""
    run("invitations", str(SAMPLES / "review_invitations.xlsx"), "--output", str(tmp_path))
    tyler = paragraphs(tmp_path / "invitation_R0004_2014-06-10_p2.docx")
    assert tyler[0] == "Tyler Morgan"
    assert "Your views for your review" in tyler
    assert not any("draw" in line for line in tyler)
    assert "All about me" not in tyler
    kayla = paragraphs(tmp_path / "invitation_R0001_2014-02-24_p2.docx")
    assert kayla[0] == "Kayla Brennan"
    assert "All about me" in kayla
    assert "You can write or draw in the boxes. You do not have to fill them all in." in kayla


def test_each_consultation_box_is_named_by_its_question_as_a_header_row(out: Path) -> None:
    """A screen reader announces the box by its question: the first row is a header row."""
    doc = Document(str(out / LETTERS[1]))  # Kayla's letter and form
    boxes = [t for t in doc.tables if len(t.columns) == 1]
    assert [t.rows[0].cells[0].text for t in boxes] == [
        "What is going well for you?",
        "Is anything worrying you?",
        "What do you want the people at your meeting to know?",
        "Who would you like to be at your meeting?",
    ]
    for table in boxes:
        tr_pr = table.rows[0]._tr.trPr
        assert tr_pr is not None and tr_pr.find(qn("w:tblHeader")) is not None


@pytest.mark.parametrize(
    ("policy", "deadline"),
    [
        # 24 February + 90 days: the service's (seed) timescale, a day after the statute's
        ("seed", "To be held by: 25 May 2014 (90 days after this review, the service's timescale)"),
        (
            "2010-regulations",
            "To be held by: 24 May 2014 (3 months after this review, "
            "Care Planning Regulations 2010)",
        ),
    ],
)
def test_the_next_reviews_deadline_says_where_it_comes_from(
    tmp_path: Path, policy: str, deadline: str
) -> None:
    """Kayla's first review, 24 February 2014: the seed policy's 90 days are not the
    regulations' 3 months, so the record must not call 25 May the statutory deadline."""
    run(
        "review",
        str(SAMPLES / "review_meetings.xlsx"),
        "--only",
        "R0001",
        "--output",
        str(tmp_path),
        env={"DOCGEN_REVIEW_POLICY": policy},
    )
    lines = paragraphs(tmp_path / "review_C20417_2014-02-24.docx")
    assert deadline in lines
    assert not any("statutory" in line for line in lines)
