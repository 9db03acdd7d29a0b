"""Contract v2 meeting paperwork, read back from the bundled v2 samples as a co-ordinator,
a family or a court would read it: header, footer, properties, the new sections in
reading order, the dates guidance sets, and what docgen assumed."""

from __future__ import annotations

import shutil
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from click.testing import Result
from docx import Document
from pypdf import PdfReader

from tests.conftest import (
    SAMPLES,
    edit_workbook,
    find_table,
    paragraphs,
    refused,
    run_cli,
    section,
    set_cells,
)

COUNCIL = "Westbourne Borough Council"
ENV = {"DOCGEN_COUNCIL": COUNCIL}
WORKBOOKS = {
    "review": SAMPLES / "review_meetings.xlsx",
    "alert": SAMPLES / "alerts.xlsx",
    "conference": SAMPLES / "conferences.xlsx",
}
#: What the three samples make: the loops over "every document" below read each of these.
DOCUMENTS = {
    "review": [
        "review_C18452_2014-04-08.docx",
        "review_C20417_2014-02-24.docx",
        "review_C27730_2014-06-10.docx",
        "review_C31188_2014-03-11.docx",
        "review_C40921_2014-07-02.docx",
    ],
    "alert": [
        "alert_A0101_2014-04-07.docx",
        "alert_A0102_2014-04-28.docx",
        "alert_A0103_2014-05-08.docx",
        "alert_A0104_2014-06-09.docx",
    ],
    "conference": [
        "conference_CP0201_2014-05-14.docx",
        "conference_CP0202_2014-06-03.docx",
        "conference_CP0203_2014-06-25.docx",
    ],
}


def render(kind: str, out: Path, workbook: Path | None = None, *args: str, **env: str) -> Result:
    return run_cli(
        kind, str(workbook or WORKBOOKS[kind]), "--output", str(out), *args, env={**ENV, **env}
    )


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("v2")
    for kind in WORKBOOKS:
        result = render(kind, out)
        assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(
        n for names in DOCUMENTS.values() for n in names
    )
    return out


def header_footer(path: Path) -> tuple[str, str]:
    section_ = Document(str(path)).sections[0]
    return (
        "\n".join(p.text for p in section_.header.paragraphs),
        "\n".join(p.text for p in section_.footer.paragraphs),
    )


def details(path: Path, first: str) -> dict[str, str]:
    return {row[0]: row[1] for row in find_table(path, first)}


def after(lines: list[str], heading: str, count: int) -> list[str]:
    start = lines.index(heading) + 1
    return lines[start : start + count]


# --------------------------------------------------------------------------- every document


@pytest.mark.parametrize(
    ("name", "ident", "issue"),
    [
        ("review_C31188_2014-03-11.docx", "R0002", "Issue by 8 April 2014"),
        ("conference_CP0201_2014-05-14.docx", "CP0201", "Issue by 12 June 2014"),
        ("alert_A0103_2014-05-08.docx", "A0103", "Issue by 2 June 2014"),
    ],
)
def test_header_carries_council_and_marking_footer_id_issue_and_pages(
    docs: Path, name: str, ident: str, issue: str
) -> None:
    header, footer = header_footer(docs / name)
    assert header.startswith(f"{COUNCIL} · ")
    assert header.endswith("OFFICIAL-SENSITIVE")  # the default marking
    assert footer.startswith(f"{ident} · {issue} · Page ")
    assert " of " in footer


def test_marking_and_issue_date_are_settings(tmp_path: Path) -> None:
    result = render(
        "review",
        tmp_path,
        None,
        "--only",
        "R0002",
        DOCGEN_PROTECTIVE_MARKING="OFFICIAL",
        DOCGEN_ISSUE_DATE="2014-03-20",
    )
    assert result.exit_code == 0, result.output
    header, footer = header_footer(tmp_path / "review_C31188_2014-03-11.docx")
    assert header.endswith("OFFICIAL") and "SENSITIVE" not in header
    assert footer.startswith("R0002 · Issued 20 March 2014 · Page ")


@pytest.mark.parametrize(
    ("name", "title", "subject", "author", "held"),
    [
        (
            "review_C31188_2014-03-11.docx",
            "Looked After Child Review Record",
            "R0002",
            "David Okafor",
            date(2014, 3, 11),
        ),
        (
            "conference_CP0203_2014-06-25.docx",
            "Review Child Protection Conference",
            "CP0203",
            "Helen Marsh",
            date(2014, 6, 25),
        ),
        ("alert_A0102_2014-04-28.docx", "Alert of Concern", "A0102", "Tom Ellery", None),
    ],
)
def test_document_properties(
    docs: Path, name: str, title: str, subject: str, author: str, held: date | None
) -> None:
    props = Document(str(docs / name)).core_properties
    assert (props.title, props.subject, props.author, props.language) == (
        title,
        subject,
        author,
        "en-GB",
    )
    if held is not None:
        assert props.created.date() == held


def test_samples_render_the_same_bytes_twice(tmp_path: Path) -> None:
    for run in ("one", "two"):
        assert render("conference", tmp_path / run).exit_code == 0
    for name in DOCUMENTS["conference"]:
        one, two = (tmp_path / run / name for run in ("one", "two"))
        assert one.read_bytes() == two.read_bytes(), name


def test_no_tag_is_left_in_any_document(docs: Path) -> None:
    for path in docs.glob("*.docx"):
        with zipfile.ZipFile(path) as zf:
            for part in zf.namelist():
                if part.endswith(".xml"):
                    xml = zf.read(part).decode()
                    assert "{{" not in xml and "{%" not in xml, (path.name, part)


# --------------------------------------------------------------------------- review record


def test_review_record_holds_placement_permanence_and_health_dates(docs: Path) -> None:
    shown = details(docs / "review_C20417_2014-02-24.docx", "Placement")
    assert shown["Placement start date"] == "31 January 2014"
    assert shown["Placement moves in the last 12 months"] == "No moves"
    assert shown["Final hearing"] == "21 July 2014"  # interim care order: proceedings live
    assert shown["Dental check"] == "Not recorded"  # blank prints as not recorded
    assert shown["Advocacy offered"] == "Yes"
    assert shown["Independent visitor offered"] == "No"
    later = details(docs / "review_C31188_2014-03-11.docx", "Placement")
    assert "Final hearing" not in later  # a care order: no proceedings
    assert later["Personal education plan"] == "27 February 2014"


def test_first_review_says_so_instead_of_a_blank_previous_review(docs: Path) -> None:
    path = docs / "review_C20417_2014-02-24.docx"
    assert details(path, "Child ID")["Previous review"] == "None (this is the first review)"
    assert details(path, "Child ID")["Age"] == "4 years"
    assert section(path, "Progress on the previous review's decisions") == [
        "None: this is the child's first review."
    ]


def test_previous_decisions_with_their_progress(docs: Path) -> None:
    table = find_table(docs / "review_C27730_2014-06-10.docx", "Decision", "Progress")
    assert table[0] == ["Decision", "Progress", "Comment"]
    assert table[1:] == [
        ["Open a bank account with Tyler.", "Achieved", "Not recorded"],
        [
            "Complete the housing application for semi-independent accommodation.",
            "Not achieved",
            "Delayed until the pathway plan is updated.",
        ],
    ]


def test_views_child_first_then_parents_carers_and_each_person(docs: Path) -> None:
    lines = paragraphs(docs / "review_C31188_2014-03-11.docx")
    order = ["Child's views", "Participation", "Parents' views", "Carers' views"]
    assert [lines.index(h) for h in order] == sorted(lines.index(h) for h in order)
    assert lines.index("Views of those consulted") > lines.index("Carers' views")
    assert (
        "Child does not attend but conveys their feelings by a facilitative medium (PN6)." in lines
    )
    others = section(docs / "review_C31188_2014-03-11.docx", "Views of those consulted")
    assert others[:2] == [
        "Paul Ramsey, Social Worker",
        "Jordan's placement is stable and the match has gone well.",
    ]


def test_iro_judgement_and_dates_the_record_goes_out(docs: Path) -> None:
    lines = paragraphs(docs / "review_C40921_2014-07-02.docx")
    assert "Does the care plan meet the child's needs? No (see the IRO's comments)." in lines
    # Wednesday 2 July 2014 + 5 working days = 9 July; + 20 working days = 30 July.
    assert "Decisions to be sent by: 9 July 2014 (5 working days, IRO Handbook)" in lines
    assert "Full record to be sent by: 30 July 2014 (20 working days, IRO Handbook)" in lines


def test_next_review_deadline_on_a_sunday_and_the_working_day_to_book(docs: Path) -> None:
    # R0002: a second review on 11 March 2014, so the next is due 180 days later: Sunday
    # 7 September 2014. The deadline is not moved; the proposed date is Friday 5 September.
    lines = section(docs / "review_C31188_2014-03-11.docx", "Next review")
    assert lines == [
        "To be held by: 7 September 2014 (180 days after this review, the service's timescale)",
        "Proposed date (a working day on or before it): 5 September 2014",
    ]


def test_distribution_list_follows_its_heading(docs: Path) -> None:
    lines = paragraphs(docs / "review_C27730_2014-06-10.docx")
    assert after(lines, "Distribution", 6) == [
        "A copy of this record is sent to:",
        "Priya Raman, Independent Reviewing Officer",
        "Gemma Hart, Social Worker",
        "Tyler Morgan, Young person",
        "Mr Morgan, Father",
        "Dev Patel, Personal Adviser",
    ]
    listed = section(docs / "review_C27730_2014-06-10.docx", "Distribution")
    assert "Ruth Lane, Supported Lodgings Host" not in listed  # Copy Of Record = N


def test_an_inferred_review_number_and_timeliness_are_marked_assumed(tmp_path: Path) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        set_cells(wb, "Review Meetings", 3, {"Review Number": None})

    book = edit_workbook(WORKBOOKS["review"], tmp_path / "r.xlsx", edit)
    assert render("review", tmp_path / "out", book, "--only", "R0002").exit_code == 0
    shown = details(tmp_path / "out" / "review_C31188_2014-03-11.docx", "Child ID")
    assert shown["Review number"].startswith("2 (assumed from the dates: ")


# --------------------------------------------------------------------------- conference report


def test_conference_sections_in_the_order_working_together_expects(docs: Path) -> None:
    lines = paragraphs(docs / "conference_CP0201_2014-05-14.docx")
    order = [
        "Reasons for the conference",
        "Children",
        "Views",
        "Signs of Safety",
        "Recommendations and decision",
        "Outline child protection plan",
        "Contingency plan",
        "Core group",
        "Next steps",
        "Distribution",
    ]
    assert [lines.index(h) for h in order] == sorted(lines.index(h) for h in order)
    assert section(docs / "conference_CP0201_2014-05-14.docx", "Dissent") == [
        "Father disagrees with the decision; his view is recorded here and was shared with "
        "the conference."
    ]


def test_each_childs_decision_and_each_agencys_recommendation(docs: Path) -> None:
    review = find_table(docs / "conference_CP0203_2014-06-25.docx", "Child ID")
    assert [row[-1] for row in review[1:]] == ["Plan continues", "Plan continues"]
    lines = section(docs / "conference_CP0201_2014-05-14.docx", "Agency recommendations")
    assert lines[0] == "Children's Social Care (Nadia Shah): Plan"
    assert len(lines) == 4


def test_outline_plan_lists_action_who_when_and_outcome(docs: Path) -> None:
    table = find_table(docs / "conference_CP0201_2014-05-14.docx", "Action")
    assert table[0] == ["Action", "Who", "By when", "Outcome sought"]
    assert table[2] == [
        "Agree a written safety plan with the grandmother.",
        "Nadia Shah (social worker)",
        "23 May 2014",
        "The children have a safe place to go and know how to reach it.",
    ]
    assert len(table) == 5


def test_core_group_members_and_first_meeting(docs: Path) -> None:
    lines = section(docs / "conference_CP0201_2014-05-14.docx", "Core group")
    # Wednesday 14 May 2014 + 10 working days, skipping the 26 May bank holiday: 29 May.
    assert lines[0] == "First core group meeting: 29 May 2014"
    assert lines[1] == "Within 10 working days of the initial conference (Working Together)."
    assert "PC Sam Rowe, Police" not in lines  # not a core group member
    assert "Mrs Dawson, Parent" in lines


def test_conference_dates_and_distribution(docs: Path) -> None:
    lines = paragraphs(docs / "conference_CP0201_2014-05-14.docx")
    assert (
        "Decisions to be sent by: 15 May 2014 (1 working day, local child protection "
        "procedures)" in lines
    )
    assert "Next review conference by (deadline): 14 August 2014" in lines
    assert "Next review conference: 13 August 2014" in lines  # the date the workbook set
    assert after(lines, "Distribution", 2) == [
        "A copy of this report is sent to:",
        "Mrs Dawson, Parent",
    ]


def test_no_plan_means_no_next_conference_or_core_group(docs: Path) -> None:
    path = docs / "conference_CP0202_2014-06-03.docx"
    assert find_table(path, "Child ID")[1][-1] == "No plan"
    lines = paragraphs(path)
    assert "No review conference: no child is subject of a child protection plan." in lines
    assert not any(line.startswith("First core group meeting") for line in lines)
    assert section(path, "Child protection plan") == [
        "No child protection plan was made, so there is no outline plan, contingency plan or "
        "core group."
    ]
    assert "Outline child protection plan" not in paragraphs(path)


# --------------------------------------------------------------------------- alert


def test_alert_is_dated_and_named_by_when_the_concern_was_first_raised(docs: Path) -> None:
    # A0103 was raised with the Team Manager on 8 May; its current stage began 2 June.
    shown = details(docs / "alert_A0103_2014-05-08.docx", "Alert ID")
    assert shown["Date first raised"] == "8 May 2014"
    assert shown["Date of this stage"] == "2 June 2014"
    to = [p for p in paragraphs(docs / "alert_A0103_2014-05-08.docx") if p.startswith("To: ")]
    assert to == ["To: Janet Morris, Service Director"]


def test_a_referral_to_cafcass_has_no_response_due(docs: Path) -> None:
    path = docs / "alert_A0104_2014-06-09.docx"
    shown = details(path, "Alert ID")
    assert shown["Response due"].startswith("None set: a referral to CAFCASS")
    assert "Referred to CAFCASS: no response is due under the council's protocol." in (
        paragraphs(path)
    )


def test_alert_names_its_recipient_and_leaves_room_for_the_reply(docs: Path) -> None:
    lines = paragraphs(docs / "alert_A0101_2014-04-07.docx")
    assert "To: Alison Grey, Team Manager" in lines
    assert "From: David Okafor, Independent Reviewing Officer" in lines
    assert "Manager: Alison Grey, Team Manager" in lines  # the manager's signature
    assert "Independent Reviewing Officer: David Okafor" in lines  # the IRO's
    assert section(docs / "alert_A0101_2014-04-07.docx", "The child's views") == [
        "Jordan wants to see someone about his worries before his exams."
    ]
    resolved = paragraphs(docs / "alert_A0102_2014-04-28.docx")
    assert "Outcome: Assessment timetable agreed and shared with the IRO." in resolved
    assert details(docs / "alert_A0102_2014-04-28.docx", "Alert ID")["Status"] == (
        "Resolved on 16 May 2014"
    )


# --------------------------------------------------------------------------- bad input


def test_a_previous_decision_of_no_review_is_an_error(tmp_path: Path) -> None:
    def orphan(wb: openpyxl.Workbook) -> None:
        wb["Previous Decisions"].append(["R0999", "Do something.", "Achieved", None])

    refused("review", WORKBOOKS["review"], tmp_path, orphan, "Previous Decisions!A10", "R0999")


def test_a_plan_action_of_no_conference_is_an_error(tmp_path: Path) -> None:
    def orphan(wb: openpyxl.Workbook) -> None:
        wb["Plan Actions"].append(["CP0999", "Visit.", "Social worker", datetime(2014, 7, 1)])

    added = openpyxl.load_workbook(WORKBOOKS["conference"])["Plan Actions"].max_row + 1
    refused(
        "conference", WORKBOOKS["conference"], tmp_path, orphan, f"Plan Actions!A{added}", "CP0999"
    )


def test_progress_and_recommendation_take_their_listed_values(tmp_path: Path) -> None:
    refused(
        "review",
        WORKBOOKS["review"],
        tmp_path,
        lambda wb: set_cells(wb, "Previous Decisions", 2, {"Progress": "Mostly"}),
        "Previous Decisions!C2",
        "Achieved, Partly achieved, Not achieved",
    )
    refused(
        "conference",
        WORKBOOKS["conference"],
        tmp_path / "second",
        lambda wb: set_cells(wb, "Conference Attendees", 4, {"Recommendation": "Maybe"}),
        "Conference Attendees!F4",
        "Plan, No plan",
    )


def test_an_impossible_by_when_date_is_an_error_at_its_cell(tmp_path: Path) -> None:
    refused(
        "conference",
        WORKBOOKS["conference"],
        tmp_path,
        lambda wb: set_cells(wb, "Plan Actions", 2, {"By When": "31/02/2014"}),
        "Plan Actions!D2",
        "not a real calendar date",
    )


def test_a_core_group_before_the_conference_names_the_conference_date(tmp_path: Path) -> None:
    # CP0201 (row 2) was held on 14 May 2014: the message shows the date it was compared with.
    refused(
        "conference",
        WORKBOOKS["conference"],
        tmp_path,
        lambda wb: set_cells(wb, "Conferences", 2, {"Core Group Date": datetime(2014, 5, 1)}),
        "Core Group Date",
        "is before the conference",
        "Conference Date 14/05/2014 at ",
    )


def test_an_empty_distribution_list_is_a_warning(tmp_path: Path) -> None:
    def nobody(wb: openpyxl.Workbook) -> None:
        for row in range(2, 7):  # R0001's attendees
            set_cells(wb, "Attendees", row, {"Copy Of Record": "N"})

    book = edit_workbook(WORKBOOKS["review"], tmp_path / "r.xlsx", nobody)
    result = render("review", tmp_path / "out", book)
    assert result.exit_code == 0
    assert "Review Meetings!A2" in result.output and "distribution list" in result.output
    assert section(tmp_path / "out" / "review_C20417_2014-02-24.docx", "Distribution")[:2] == [
        "A copy of this record is sent to:",
        "Not recorded.",
    ]


def test_text_is_printed_literally(tmp_path: Path) -> None:
    typed = 'Mum said "I\'m happy" & <relieved> that {{ nothing }} changes'
    book = edit_workbook(
        WORKBOOKS["conference"],
        tmp_path / "c.xlsx",
        lambda wb: set_cells(wb, "Conferences", 2, {"Dissent": typed}),
    )
    assert render("conference", tmp_path / "out", book, "--only", "CP0201").exit_code == 0
    assert section(tmp_path / "out" / "conference_CP0201_2014-05-14.docx", "Dissent") == [typed]


# --------------------------------------------------------------------------- pages


def test_no_table_row_can_split_across_pages(docs: Path) -> None:
    for path in docs.glob("*.docx"):
        for table in Document(str(path)).tables:
            for row in table.rows:
                tr_pr = row._tr.trPr
                assert (
                    tr_pr is not None
                    and tr_pr.find(
                        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}cantSplit"
                    )
                    is not None
                ), path.name


needs_libreoffice = pytest.mark.skipif(
    shutil.which("soffice") is None and shutil.which("libreoffice") is None,
    reason="LibreOffice (soffice) is not installed, so no PDF can be made",
)


def _page_lines(pdf: Path) -> list[list[tuple[float, str]]]:
    """Each page's text lines with their height on the page (0 at the foot), header and
    footer left out."""
    pages = []
    for page in PdfReader(pdf).pages:
        height = float(page.mediabox.height)
        found: list[tuple[float, str]] = []

        def visit(text: str, cm, tm, font, size, found=found, height=height) -> None:  # type: ignore[no-untyped-def]
            y = tm[5]
            if text.strip() and height * 0.06 < y < height * 0.94:
                found.append((y, text.strip()))

        page.extract_text(visitor_text=visit)
        pages.append(found)
    return pages


@needs_libreoffice
def test_pages_read_as_a_council_would_send_them(tmp_path: Path) -> None:
    """No heading at the foot of a page, no page (but the last) less than half full."""
    for kind in WORKBOOKS:
        assert render(kind, tmp_path / kind, None, "--pdf").exit_code == 0
    for kind, name in [(kind, name) for kind, names in DOCUMENTS.items() for name in names]:
        pdf = tmp_path / kind / Path(name).with_suffix(".pdf")
        docx = pdf.with_suffix(".docx")
        headings = {
            p.text for p in Document(str(docx)).paragraphs if p.style.name.startswith("Heading")
        }
        pages = _page_lines(pdf)
        for number, lines in enumerate(pages, start=1):
            assert lines, f"{pdf.name} page {number} is empty"
            lowest = min(y for y, _ in lines)
            last_text = min(lines)[1]
            assert last_text not in headings, f"{pdf.name} page {number} ends on a heading"
            height = float(PdfReader(pdf).pages[number - 1].mediabox.height)
            if number < len(pages):
                assert lowest < height * 0.5, f"{pdf.name} page {number} is mostly empty"


def test_a_childs_decision_takes_its_listed_values(tmp_path: Path) -> None:
    refused(
        "conference",
        WORKBOOKS["conference"],
        tmp_path,
        lambda wb: set_cells(wb, "Conference Children", 2, {"Decision": "Probably"}),
        "Conference Children!G2",
        "Plan, No plan, Plan continues, Plan ends",
    )


def test_blank_workbooks_offer_the_v2_lists(tmp_path: Path) -> None:
    for kind in ("review", "conference"):
        result = run_cli("new-workbook", kind, "--output", str(tmp_path / f"{kind}.xlsx"))
        assert result.exit_code == 0, result.output
    lists = {
        (ws.title, str(dv.sqref).split(":")[0][0]): dv.formula1
        for path in tmp_path.glob("*.xlsx")
        for ws in openpyxl.load_workbook(path).worksheets
        for dv in ws.data_validations.dataValidation
        if dv.type == "list"
    }
    assert lists[("Previous Decisions", "C")].startswith('"Achieved,Partly achieved,Not achieved')
    assert lists[("Conference Children", "G")].startswith('"Plan,No plan,Plan continues,Plan ends')
    assert lists[("Conference Attendees", "F")].startswith('"Plan,No plan')
