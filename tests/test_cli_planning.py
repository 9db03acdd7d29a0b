"""`docgen planning`: the list a co-ordinator works from each week, read back from the
.xlsx and the .docx it writes.

Deadlines counted by hand under the 2010 regulations (reviews: 3 months after the first,
then every 6 months; conferences: 3 months after the initial), months clamped to the
month's end; "book by" is the latest working day on or before the deadline. 2014's
summer bank holiday is Monday 25 August.
"""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from click.testing import Result
from docx import Document

from tests.conftest import SAMPLES, build_workbook, find_table, no_files, paragraphs, run_cli

POLICY = {"DOCGEN_REVIEW_POLICY": "2010-regulations"}
REVIEW_HEADERS = (
    "Review ID",
    "Child ID",
    "Child Name",
    "Date of Birth",
    "Review Date",
    "Date Became Looked After",
    "Review Number",
    "Previous Review Date",
    "IRO",
)


def d(text: str) -> datetime:
    return datetime.fromisoformat(text)


def reviews(path: Path, rows: list[tuple[object, ...]]) -> Path:
    return build_workbook(
        path,
        {
            "Review Meetings": [REVIEW_HEADERS, *rows],
            "Attendees": [("Review ID", "Name", "Role", "Attendance")],
            "Decisions": [("Review ID", "Decision", "Responsible", "Timescale")],
        },
    )


@pytest.fixture
def books(tmp_path: Path) -> list[Path]:
    born = d("2008-03-01")
    review_book = reviews(
        tmp_path / "reviews.xlsx",
        [
            # 25 Feb + 6 months = Monday 25 August, a bank holiday: book by Friday 22nd.
            (
                "R1",
                "C101",
                "Amy North",
                born,
                d("2014-02-25"),
                d("2012-01-01"),
                3,
                d("2013-08-20"),
                "Helen Marsh",
            ),
            # After the day of the list: not counted.
            (
                "R4",
                "C101",
                "Amy North",
                born,
                d("2014-09-01"),
                d("2012-01-01"),
                4,
                d("2014-02-25"),
                "Helen Marsh",
            ),
            # 31 August + 6 months = 28 February (clamped to the month's end).
            (
                "R2",
                "C102",
                "Ben East",
                born,
                d("2013-08-31"),
                d("2012-01-01"),
                3,
                d("2013-02-28"),
                "David Okafor",
            ),
            # First review 20 August; the second within 3 months: 20 November.
            (
                "R5",
                "C104",
                "Dan South",
                born,
                d("2014-08-20"),
                d("2014-08-01"),
                1,
                None,
                "David Okafor",
            ),
        ],
    )
    conference_book = build_workbook(
        tmp_path / "conferences.xlsx",
        {
            "Conferences": [
                (
                    "Conference ID",
                    "Conference Type",
                    "Conference Date",
                    "Strategy Discussion Date",
                    "Chair",
                ),
                ("CP1", "Initial", d("2014-05-21"), d("2014-05-01"), "Sarah Whitlock"),
            ],
            "Conference Children": [
                ("Conference ID", "Child ID", "Child Name", "Date of Birth", "Plan"),
                ("CP1", "K1", "Kim Hart", d("2010-01-05"), "Y"),
                ("CP1", "K2", "Lee Hart", d("2012-06-07"), "N"),  # no plan: nothing due
            ],
            "Conference Attendees": [("Conference ID", "Name", "Agency", "Attendance")],
        },
    )
    return [review_book, conference_book]


def plan(books: list[Path], out: Path, as_of: str = "2014-08-22", *extra: str) -> Result:
    result = run_cli(
        "planning", *map(str, books), "--as-of", as_of, "--output", str(out), *extra, env=POLICY
    )
    assert result.exit_code == 0, result.output
    return result


def sheet_rows(path: Path) -> list[dict[str, object]]:
    ws = openpyxl.load_workbook(path)["Planning"]
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_deadlines_book_by_and_days_left_grouped_by_officer(
    books: list[Path], tmp_path: Path
) -> None:
    out = tmp_path / "list.xlsx"
    result = plan(books, out)
    assert "4 children, 2 overdue" in result.output
    got = [
        (
            r["Officer"],
            r["Child ID"],
            r["Meeting ID"],
            r["Next Deadline"],
            r["Book By"],
            r["Days Left"],
            r["Status"],
        )
        for r in sheet_rows(out)
    ]
    assert got == [
        (
            "David Okafor",
            "C102",
            "R2",
            d("2014-02-28"),
            d("2014-02-28"),
            -175,
            "Overdue by 175 days",
        ),
        ("David Okafor", "C104", "R5", d("2014-11-20"), d("2014-11-20"), 90, "Due in 90 days"),
        ("Helen Marsh", "C101", "R1", d("2014-08-25"), d("2014-08-22"), 3, "Due in 3 days"),
        ("Sarah Whitlock", "K1", "CP1", d("2014-08-21"), d("2014-08-21"), -1, "Overdue by 1 day"),
    ]


def test_the_sheet_has_filters_on_and_overdue_rows_marked(
    books: list[Path], tmp_path: Path
) -> None:
    out = tmp_path / "list.xlsx"
    plan(books, out)
    ws = openpyxl.load_workbook(out)["Planning"]
    assert ws.auto_filter.ref == "A1:J5"
    assert ws.freeze_panes == "A2"
    fills = [ws.cell(row, 1).fill.fgColor.rgb for row in range(2, 6)]
    assert [f.endswith("FFC7CE") for f in fills] == [True, False, False, True]


def test_29_february_and_a_later_meeting_on_the_day(tmp_path: Path) -> None:
    book = reviews(
        tmp_path / "leap.xlsx",
        [
            (
                "R7",
                "C107",
                "Eve Stone",
                d("2009-01-01"),
                d("2015-08-31"),
                d("2013-01-01"),
                4,
                d("2015-03-02"),
                "Tom Ellery",
            ),
        ],
    )
    out = tmp_path / "leap.xlsx.out.xlsx"
    plan([book], out, "31/08/2015")  # the day of the review itself counts
    (row,) = sheet_rows(out)
    # 31 August 2015 + 6 months = 29 February 2016, a Monday: book by that day.
    assert row["Next Deadline"] == d("2016-02-29") and row["Book By"] == d("2016-02-29")
    assert row["Days Left"] == (date(2016, 2, 29) - date(2015, 8, 31)).days == 182


def test_the_word_list_groups_by_officer(books: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "list.docx"
    plan(books, out)
    text = paragraphs(out)
    assert text[1].startswith(
        "As of 22 August 2014: 4 children with a meeting to hold, 2 of them overdue."
    )
    doc = Document(str(out))  # an officer's name, count and rows are kept on one page
    counts = [p for p in doc.paragraphs if p.text.endswith("overdue.") or p.text.endswith("child.")]
    assert counts and all(p.paragraph_format.keep_with_next for p in counts[1:])
    for table in doc.tables:
        for row in table.rows:
            assert all(c.paragraphs[0].paragraph_format.keep_with_next for c in row.cells)
    table = find_table(out, "Meeting", "Kim Hart (K1)")
    assert table[1] == [
        "CP conference CP1",
        "Kim Hart (K1)",
        "21 May 2014",
        "21 August 2014",
        "21 August 2014",
        "Overdue by 1 day",
    ]
    assert "Lee Hart" not in "\n".join(text)


def test_same_workbooks_same_bytes(books: list[Path], tmp_path: Path) -> None:
    plan(books, tmp_path / "a.xlsx")
    plan(books, tmp_path / "b.xlsx")
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()


def test_as_of_before_every_meeting_is_refused(books: list[Path], tmp_path: Path) -> None:
    result = run_cli(
        "planning", *map(str, books), "--as-of", "2013-01-01", "-o", str(tmp_path / "x.xlsx")
    )
    assert result.exit_code == 1
    assert "--as-of 01/01/2013 is before every meeting" in result.output
    assert "31/08/2013" in result.output
    assert not (tmp_path / "x.xlsx").exists()


def test_an_alerts_workbook_or_a_pdf_name_is_refused(books: list[Path], tmp_path: Path) -> None:
    alerts = run_cli("planning", str(SAMPLES / "alerts.xlsx"), "-o", str(tmp_path / "x.xlsx"))
    assert alerts.exit_code == 1 and "has the sheets of an alert workbook" in alerts.output
    assert "expected a review or conference workbook" in alerts.output
    pdf = run_cli("planning", str(books[0]), "-o", str(tmp_path / "x.pdf"))
    assert pdf.exit_code == 1 and "ending .xlsx or .docx" in pdf.output
    assert no_files(tmp_path / "none")


def test_every_problem_of_every_workbook_is_listed(books: list[Path], tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(books[0])
    wb["Review Meetings"]["E2"] = "31/02/2014"
    wb.save(books[0])
    wb = openpyxl.load_workbook(books[1])
    wb["Conferences"]["C2"] = "soon"
    wb.save(books[1])
    result = run_cli("planning", *map(str, books), "-o", str(tmp_path / "x.xlsx"))
    assert result.exit_code == 1
    assert "Review Meetings!E2" in result.output and "Conferences!C2" in result.output
    assert "nothing was written" in result.output
    assert not (tmp_path / "x.xlsx").exists()


def test_the_deadline_is_the_statutory_one_a_planned_date_is_the_day_to_book_by(
    tmp_path: Path,
) -> None:
    """The list's Deadline agrees with the meeting record's "To be held by (statutory
    deadline)"; an earlier Next Review Date is when to book it, not a new deadline."""
    book = build_workbook(
        tmp_path / "planned.xlsx",
        {
            "Review Meetings": [
                (*REVIEW_HEADERS, "Next Review Date"),
                (
                    "R8",
                    "C108",
                    "Fay Lowe",
                    d("2009-01-01"),
                    d("2014-03-03"),
                    d("2012-01-01"),
                    3,
                    d("2013-09-02"),
                    "Tom Ellery",
                    d("2014-08-20"),
                ),
            ],
            "Attendees": [("Review ID", "Name", "Role", "Attendance")],
            "Decisions": [("Review ID", "Decision", "Responsible", "Timescale")],
        },
    )
    out = tmp_path / "planned.out.xlsx"
    plan([book], out, "2014-08-22")
    (row,) = sheet_rows(out)
    # 3 March + 6 months = Wednesday 3 September 2014, whatever date was pencilled in.
    assert row["Next Deadline"] == d("2014-09-03") and row["Book By"] == d("2014-08-20")
    assert row["Days Left"] == 12 and row["Status"] == "Due in 12 days"


def test_the_list_is_never_written_over_a_workbook_it_reads(tmp_path: Path) -> None:
    """`docgen planning reviews.xlsx -o reviews.xlsx` wrote the list over the workbook."""
    reviews = tmp_path / "reviews.xlsx"
    shutil.copyfile(SAMPLES / "review_meetings.xlsx", reviews)
    original = reviews.read_bytes()
    result = run_cli("planning", str(reviews), "--as-of", "2014-09-01", "-o", str(reviews))
    assert result.exit_code == 1
    assert (
        "--output reviews.xlsx is the workbook being read, and docgen never writes over its "
        "input; give another name, such as 'reviews planning.xlsx'."
    ) in result.output
    assert reviews.read_bytes() == original


def test_pdf_a_wrong_output_first_then_no_libreoffice_before_writing(
    books: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from docgen import pdf

    monkeypatch.setattr(pdf.shutil, "which", lambda _name: None)
    sheet = run_cli("planning", str(books[0]), "-o", str(tmp_path / "x.xlsx"), "--pdf")
    assert sheet.exit_code == 1
    assert "give --output ending .docx" in sheet.output
    assert "LibreOffice" not in sheet.output
    word = run_cli("planning", *map(str, books), "-o", str(tmp_path / "x.docx"), "--pdf")
    assert word.exit_code == 1
    assert "PDF output needs LibreOffice" in word.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["conferences.xlsx", "reviews.xlsx"]
