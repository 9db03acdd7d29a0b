"""`docgen review`: one looked-after review record per review, read back as a co-ordinator would.

Every expected due date below is worked out by hand from the policy in WORKBOOKS.md
("Timescales"), never by calling docgen's own timescale functions.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import multiprocessing
import os
import signal
import stat
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result
from docx import Document
from lxml import etree

from docgen import files as files_module
from docgen import pipeline
from docgen.cli import main
from docgen.errors import OutputError, Problem, UserError, ValidationFailed
from docgen.files import folder_lock
from docgen.report import Report
from tests.conftest import (
    SAMPLES,
    V1_SAMPLES,
    all_text,
    edit_workbook,
    find_table,
    no_files,
    paragraphs,
    run_cli,
    section,
    set_cells,
    workbook_rows,
)

WORKBOOK = V1_SAMPLES / "review_meetings.xlsx"  # a v1 workbook: it must keep working
#: Settings a developer's shell might hold; the tests give them explicitly or not at all.

NAMES = {
    "R0001": "review_C20417_2014-02-24.docx",
    "R0002": "review_C31188_2014-03-11.docx",
    "R0003": "review_C18452_2014-04-08.docx",
    "R0004": "review_C27730_2014-06-10.docx",
    "R0005": "review_C40921_2014-07-02.docx",
}
LITERAL = 'Mum said "I\'m happy" & <relieved> that {{ nothing }} changes'
PARENTS_VIEWS = LITERAL + "\nand asked for photos each term."

#: Where a later review's deadline comes from, printed beside it, under each policy.
AFTER_180_DAYS = "(180 days after this review, the service's timescale)"
AFTER_6_MONTHS = "(6 months after this review, Care Planning Regulations 2010)"
NEXT_REVIEW_LINES = ("To be held by: ", "Next review date: ")


run = run_cli


def render(
    out: Path, workbook: Path = WORKBOOK, *extra: str, env: dict[str, str] | None = None
) -> Result:
    result = run("review", str(workbook), "--output", str(out), *extra, env=env)
    assert result.exit_code == 0, result.output
    return result


def details(path: Path) -> dict[str, str]:
    """The record's key-value table: {'Child ID': 'C20417', "Child's name": ..., ...}."""
    return {row[0]: row[1] for row in find_table(path, "Child ID")}


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result]:
    out = tmp_path_factory.mktemp("reviews")
    return out, render(out)


@pytest.fixture(scope="module")
def docs(batch: tuple[Path, Result]) -> Path:
    return batch[0]


def record(docs: Path, review_id: str) -> Path:
    return docs / NAMES[review_id]


# --------------------------------------------------------------------------- the sample


def test_one_record_per_review_named_by_child_id_and_date(batch: tuple[Path, Result]) -> None:
    docs, result = batch
    assert sorted(p.name for p in docs.iterdir()) == sorted(NAMES.values())
    assert "Wrote 5 document(s)" in result.output
    child_names = [str(r["Child Name"]) for r in workbook_rows("Review Meetings", WORKBOOK)]
    words = {w for name in child_names for w in name.replace("-", " ").split()} | set(child_names)
    for path in docs.iterdir():
        assert not any(w.lower() in path.name.lower() for w in words), path.name
    assert not any(name in result.output for name in child_names)  # nor in what it prints


# Due dates worked by hand, seed policy: first review 28 days after Date Became Looked
# After; second 90 days after the first; then 180 days after the one before.
#   R0001 (review 1): 31 Jan 2014 + 28 days = 28 Feb 2014 (31 + 28 = 59; 59 - 31 (Jan) = 28 Feb).
#   R0002 (review 2): 10 Jan 2014 + 90 days: 21 days to 31 Jan, +28 (Feb) = 49, +31 (Mar) = 80,
#       +10 = 10 Apr 2014. Next Review Date blank: after a second review the next is 180 days
#       after 11 Mar 2014: 20 to 31 Mar, +30 = 50, +31 = 81, +30 = 111, +31 = 142, +31 (Aug) = 173,
#       +7 = 7 Sep 2014.
#   Next deadlines of the others: R0001 24 Feb + 90 = 25 May (4 + 31 + 30 + 25); R0003 8 Apr
#   + 180 = 5 Oct (22 + 31 + 30 + 31 + 31 + 30 + 5); R0004 10 Jun + 180 = 7 Dec
#   (20 + 31 + 31 + 30 + 31 + 30 + 7); R0005 2 Jul + 180 = 29 Dec (29 + 31 + 30 + 31 + 30 + 29).
#   R0003 (review 3): 15 Oct 2013 + 180: 16 to 31 Oct, +30 = 46, +31 = 77, +31 = 108, +28 = 136,
#       +31 (Mar) = 167, +13 = 13 Apr 2014.
#   R0004 (review 5): 18 Dec 2013 + 180: 13 to 31 Dec, +31 = 44, +28 = 72, +31 = 103, +30 = 133,
#       +31 (May) = 164, +16 = 16 Jun 2014.
#   R0005 (review 2): 22 Apr 2014 + 90: 8 to 30 Apr, +31 = 39, +30 = 69, +21 = 21 Jul 2014.
RECORDS = {
    "R0001": {
        "Child ID": "C20417",
        "Child's name": "Kayla Brennan",
        "Date of birth": "14 June 2009",
        "Review number": "1",
        "Review date": "24 February 2014",
        "Due date": "28 February 2014",
        "Held within timescale": "Yes",
        "Independent Reviewing Officer": "Helen Marsh",
        "next": (
            "To be held by: 25 May 2014 (90 days after this review, the service's timescale)",
            "Next review date: 19 May 2014",  # given in the workbook
        ),
    },
    "R0002": {
        "Child ID": "C31188",
        "Child's name": "Jordan Pike",
        "Date of birth": "2 November 2001",
        "Review number": "2",
        "Review date": "11 March 2014",
        "Due date": "10 April 2014",
        "Held within timescale": "Yes",
        "Independent Reviewing Officer": "David Okafor",
        "next": (f"To be held by: 7 September 2014 {AFTER_180_DAYS}",),  # blank: computed only
    },
    "R0003": {
        "Child ID": "C18452",
        "Child's name": "Amelia Rose Carter",
        "Date of birth": "30 March 2012",
        "Review number": "3",
        "Review date": "8 April 2014",
        "Due date": "13 April 2014",
        "Held within timescale": "Yes",
        "Independent Reviewing Officer": "Sarah Whitlock",
        "next": (
            f"To be held by: 5 October 2014 {AFTER_180_DAYS}",
            "Next review date: 3 October 2014",
        ),
    },
    "R0004": {
        "Child ID": "C27730",
        "Child's name": "Tyler Morgan",
        "Date of birth": "21 August 1997",
        "Review number": "5",
        "Review date": "10 June 2014",
        "Due date": "16 June 2014",
        "Held within timescale": "Yes",
        "Independent Reviewing Officer": "Priya Raman",
        "next": (
            f"To be held by: 7 December 2014 {AFTER_180_DAYS}",
            "Next review date: 3 December 2014",
        ),
    },
    "R0005": {
        "Child ID": "C40921",
        "Child's name": "Lily-Mae Osei",
        "Date of birth": "9 January 2006",
        "Review number": "2",
        "Review date": "2 July 2014",
        "Due date": "21 July 2014",
        "Held within timescale": "Yes",
        "Independent Reviewing Officer": "Tom Ellery",
        "next": (
            f"To be held by: 29 December 2014 {AFTER_180_DAYS}",
            "Next review date: 17 December 2014",
        ),
    },
}


@pytest.mark.parametrize("review_id", sorted(RECORDS))
def test_record_shows_child_dates_timeliness_and_iro(docs: Path, review_id: str) -> None:
    path = record(docs, review_id)
    expected = dict(RECORDS[review_id])
    next_review = expected.pop("next")
    shown = details(path)
    assert {k: shown.get(k) for k in expected} == expected
    assert shown["Review ID"] == review_id
    lines = paragraphs(path)
    # The deadline is always printed, with where it comes from; a date the workbook gives
    # is printed as set beside it, and no "Next review date" is made up when it is blank.
    assert tuple(line for line in lines if line.startswith(NEXT_REVIEW_LINES)) == next_review
    assert f"Independent Reviewing Officer: {expected['Independent Reviewing Officer']}" in lines


def test_legal_status_and_participation_are_spelled_out(docs: Path) -> None:
    shown = details(record(docs, "R0002"))
    assert shown["Legal status"] == "Care Order (C2)"  # typed as the label in the workbook
    assert shown["Date became looked after"] == "13 December 2013"
    assert shown["Previous review"] == "10 January 2014"
    assert (
        "Child does not attend but conveys their feelings by a facilitative medium (PN6)."
        in paragraphs(record(docs, "R0002"))
    )


@pytest.mark.parametrize("review_id", sorted(NAMES))
def test_attendance_table_lists_everyone_in_workbook_order(docs: Path, review_id: str) -> None:
    table = find_table(record(docs, review_id), "Name")
    assert table[0] == ["Name", "Role", "Attendance"]
    expected = [
        [r["Name"], r["Role"], str(r["Attendance"]).capitalize()]
        for r in workbook_rows("Attendees", WORKBOOK)
        if r["Review ID"] == review_id
    ]
    assert expected  # every sample review has attendees
    assert table[1:] == expected


def test_attendance_table_of_jordans_review(docs: Path) -> None:
    assert find_table(record(docs, "R0002"), "Name")[1:] == [
        ["David Okafor", "Independent Reviewing Officer", "Attended"],
        ["Paul Ramsey", "Social Worker", "Attended"],
        ["Mrs Pike", "Mother", "Contributed"],
        ["Mr Pike", "Father", "Apologies"],
        ["Sue Collins", "Designated Teacher", "Attended"],
    ]


def test_decisions_are_numbered_with_who_and_by_when(docs: Path) -> None:
    table = find_table(record(docs, "R0001"), "No.")
    assert table == [
        ["No.", "Decision", "Responsible", "Timescale"],
        [
            "1",
            "Complete the kinship assessment of the maternal aunt.",
            "Social Worker",
            "28 March 2014",
        ],
        ["2", "Register Kayla with a local dentist.", "Foster Carer", "14 March 2014"],
        ["3", "Review the level of contact with mother.", "Team Manager", "21 March 2014"],
    ]
    four = find_table(record(docs, "R0004"), "No.")
    assert [row[0] for row in four[1:]] == ["1", "2", "3", "4"]
    assert four[4] == [
        "4",
        "Refer to the housing panel for semi-independent accommodation.",
        "Social Worker",
        "5 September 2014",
    ]


@pytest.mark.parametrize("review_id", sorted(NAMES))
def test_every_decision_of_the_workbook_is_listed(docs: Path, review_id: str) -> None:
    table = find_table(record(docs, review_id), "No.")
    expected = [r for r in workbook_rows("Decisions", WORKBOOK) if r["Review ID"] == review_id]
    assert [row[1:3] for row in table[1:]] == [[r["Decision"], r["Responsible"]] for r in expected]
    assert [row[0] for row in table[1:]] == [str(i) for i in range(1, len(expected) + 1)]
    for row, r in zip(table[1:], expected, strict=True):
        day = r["Timescale"]
        assert isinstance(day, datetime)
        assert row[3] == f"{day.day} {day:%B} {day.year}"


def test_free_text_appears_literally_with_its_line_break(docs: Path) -> None:
    doc = Document(str(record(docs, "R0002")))
    found = [p for p in doc.paragraphs if p.text.startswith("Mum said")]
    assert len(found) == 1
    paragraph = found[0]
    assert paragraph.text == PARENTS_VIEWS  # python-docx reads a w:br back as "\n"
    assert len(paragraph._p.xpath(".//w:br")) == 1
    texts = [t.text for t in paragraph._p.xpath(".//w:t")]
    assert texts == [LITERAL, "and asked for photos each term."]


def test_a_section_left_blank_says_so_rather_than_leaving_a_gap(tmp_path: Path) -> None:
    """A heading over blank space reads as if the text was lost on the way."""
    book = edit_workbook(
        WORKBOOK,
        tmp_path / "reviews.xlsx",
        lambda wb: set_cells(wb, "Review Meetings", 2, {"Health": None, "Parents' Views": None}),
    )
    render(tmp_path / "out", book, "--only", "R0001")
    path = tmp_path / "out" / NAMES["R0001"]
    assert section(path, "Health") == ["Not recorded."]
    assert section(path, "Parents' views") == ["Not recorded."]
    kayla = workbook_rows("Review Meetings", WORKBOOK)[0]
    assert section(path, "Child's views") == [kayla["Child's Views"]]
    assert section(path, "Education (PEP)") == [kayla["Education"]]


def test_no_template_tags_left_in_any_record(docs: Path) -> None:
    for path in docs.iterdir():
        text = all_text(path).replace(LITERAL, "")  # the one literal "{{" typed by a user
        assert "{{" not in text and "{%" not in text, path.name
        assert "}}" not in text and "%}" not in text, path.name


def test_records_are_owner_only(docs: Path) -> None:
    for path in docs.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name


def test_rendering_twice_gives_identical_bytes(tmp_path: Path, docs: Path) -> None:
    render(tmp_path)
    for name in NAMES.values():
        assert (tmp_path / name).read_bytes() == (docs / name).read_bytes(), name


@pytest.fixture
def helpers_for_any_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sample's six meetings are too few to start a helper process for; these tests
    want one started all the same."""
    monkeypatch.setattr(pipeline, "MIN_SHARE", 1)


@pytest.mark.usefixtures("helpers_for_any_batch")
@pytest.mark.parametrize("workers", ["2", "3"])
def test_parallel_workers_write_the_same_bytes(tmp_path: Path, docs: Path, workers: str) -> None:
    render(tmp_path, WORKBOOK, "--workers", workers)
    for name in NAMES.values():
        assert (tmp_path / name).read_bytes() == (docs / name).read_bytes(), name
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(NAMES.values())


@pytest.mark.usefixtures("helpers_for_any_batch")
def test_workers_without_fork_write_the_same_bytes(
    tmp_path: Path, docs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where processes cannot fork (Windows), helpers are spawned and handed the batch."""
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    render(tmp_path, WORKBOOK, "--workers", "2")
    for name in NAMES.values():
        assert (tmp_path / name).read_bytes() == (docs / name).read_bytes(), name


def test_a_small_batch_is_rendered_by_one_process_whatever_the_workers(
    tmp_path: Path, docs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Starting a helper costs about 30 documents' time: six meetings do not need one."""

    def no_pool(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a helper process was started")

    monkeypatch.setattr(pipeline, "ProcessPoolExecutor", no_pool)
    render(tmp_path, WORKBOOK, "--workers", "4")
    for name in NAMES.values():
        assert (tmp_path / name).read_bytes() == (docs / name).read_bytes(), name


@pytest.mark.usefixtures("helpers_for_any_batch")
def test_an_invalid_workbook_gives_the_same_report_with_helpers(tmp_path: Path) -> None:
    """Every process validates the workbook; only this one reports, and nothing is left."""
    book = edit_workbook(
        WORKBOOK,
        tmp_path / "bad.xlsx",
        lambda wb: set_cells(wb, "Review Meetings", 3, {"Review Date": "soon"}),
    )
    results = {}
    for workers in ("1", "2"):
        out = tmp_path / f"out{workers}"
        out.mkdir()
        results[workers] = run("review", str(book), "--output", str(out), "--workers", workers)
        assert results[workers].exit_code == 1
        assert list(out.iterdir()) == []
    assert "Review Date 'soon'" in results["1"].output
    assert results["1"].output == results["2"].output
    result = run("review", str(book), "--output", str(tmp_path / "new"), "--workers", "2")
    assert result.exit_code == 1
    assert not (tmp_path / "new").exists()  # no empty folder made for nothing


# --------------------------------------------------------------------------- --only


def test_only_writes_exactly_one_record(tmp_path: Path, docs: Path) -> None:
    result = render(tmp_path, WORKBOOK, "--only", "R0002")
    assert [p.name for p in tmp_path.iterdir()] == [NAMES["R0002"]]
    assert "Wrote 1 document(s)" in result.output
    assert (tmp_path / NAMES["R0002"]).read_bytes() == record(docs, "R0002").read_bytes()


def test_only_an_id_pasted_with_spaces_matches_as_the_cells_do(tmp_path: Path) -> None:
    """Cells are read without their surrounding spaces; an ID copied from one kept them."""
    render(tmp_path, WORKBOOK, "--only", "\u00a0R0002 ")
    assert [p.name for p in tmp_path.iterdir()] == [NAMES["R0002"]]


def test_only_an_unknown_id_fails_listing_the_ids_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("review", str(WORKBOOK), "--output", str(out), "--only", "NOPE")
    assert result.exit_code != 0
    assert "'NOPE'" in result.output
    assert "R0001, R0002, R0003, R0004, R0005" in result.output
    assert no_files(out)


def test_a_workbook_without_reviews_fails_rather_than_writing_nothing(tmp_path: Path) -> None:
    """Headers only (the data pasted into another sheet): 'Wrote 0 document(s)', exit 0."""

    def empty(wb: openpyxl.Workbook) -> None:
        wb["Review Meetings"].delete_rows(2, wb["Review Meetings"].max_row)
        for sheet in ("Attendees", "Decisions"):
            wb[sheet].delete_rows(2, wb[sheet].max_row)

    book = edit_workbook(WORKBOOK, tmp_path / "week.xlsx", empty)
    out = tmp_path / "out"
    result = run("review", str(book), "--output", str(out))
    assert result.exit_code == 1
    assert (
        "Error: week.xlsx holds no reviews: sheet 'Review Meetings' has no rows below its "
        "headers, so there is nothing to write."
    ) in result.output
    assert no_files(out)


def test_rows_hidden_by_a_filter_are_written_and_warned_about(tmp_path: Path) -> None:
    """A co-ordinator filters the export to next week's reviews: every row is still read
    (nothing is dropped unseen), and the warning says which ones they could not see."""

    def filtered(wb: openpyxl.Workbook) -> None:
        ws = wb["Review Meetings"]
        ws.auto_filter.ref = ws.dimensions
        for row in (3, 5, 6):
            ws.row_dimensions[row].hidden = True
        ws.row_dimensions[9].hidden = True  # blank: nothing to warn about

    book = edit_workbook(WORKBOOK, tmp_path / "week.xlsx", filtered)
    result = render(tmp_path / "out", book)
    assert "Wrote 5 document(s)" in result.output
    assert (
        "warning: Review Meetings row 3: 3 rows of sheet 'Review Meetings' are hidden in Excel "
        "(rows 3, 5-6); they were read all the same"
    ) in result.output


@pytest.mark.parametrize("name", ["record.docx", "Records.PDF"])
def test_output_named_like_a_document_is_refused_not_made_a_folder(
    tmp_path: Path, name: str
) -> None:
    """-o record.docx made a folder record.docx holding review_<child>_<date>.docx."""
    result = run("review", str(WORKBOOK), "--output", str(tmp_path / name), "--only", "R0001")
    assert result.exit_code == 1
    assert f"Error: --output {name}: each review gets a .docx of its own" in result.output
    assert "give the folder to write them in" in result.output
    assert list(tmp_path.iterdir()) == []


def test_an_existing_folder_named_like_a_document_is_written_into(tmp_path: Path) -> None:
    folder = tmp_path / "week.docx"
    folder.mkdir()
    render(folder, WORKBOOK, "--only", "R0001")
    assert [p.name for p in folder.iterdir()] == [NAMES["R0001"]]


# --------------------------------------------------------------------------- edited workbooks


def _column(ws, header: str) -> str:
    return next(c.column_letter for c in ws[1] if c.value == header)


def _edits(wb: openpyxl.Workbook) -> None:
    ws = wb["Review Meetings"]
    number, held, views, contact, became = (
        _column(ws, header)
        for header in (
            "Review Number",
            "Review Date",
            "Child's Views",
            "Contact",
            "Date Became Looked After",
        )
    )
    # R0001 (row 2): looked after from Thursday 10 April 2014, reviewed Monday 12 May 2014.
    ws[f"{became}2"] = datetime(2014, 4, 10)
    ws[f"{held}2"] = datetime(2014, 5, 12)
    # An export's control character (Excel stores BEL as _x0007_) and a Windows line break.
    ws[f"{views}2"] = "Kayla said_x0007_ hello\r\nand waved."
    # R0003 (row 4) and R0005 (row 6): Review Number left blank, so it is inferred.
    ws[f"{number}4"] = None
    ws[f"{number}6"] = None
    # R0002 (row 3): docxtpl's own escape spelling, typed by a user.
    ws[f"{contact}3"] = "Use {_{ braces }_} literally."
    # A Due Date column: given for R0004 (row 5) only.
    due = ws.cell(row=1, column=ws.max_column + 1, value="Due Date").column_letter
    ws[f"{due}5"] = datetime(2014, 6, 5)


@pytest.fixture(scope="module")
def edited_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("edited")
    return edit_workbook(WORKBOOK, folder / "reviews.xlsx", _edits)


@pytest.fixture(scope="module")
def edited(edited_book: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("edited_out")
    render(out, edited_book)
    return out


def test_a_late_review_says_by_how_many_days(edited: Path) -> None:
    # Seed: 10 April 2014 + 28 days = 8 May 2014 (10 + 28 = 38; 38 - 30 (April) = 8 May);
    # held 12 May, 4 days late.
    shown = details(edited / "review_C20417_2014-05-12.docx")
    assert shown["Due date"] == "8 May 2014"
    assert shown["Held within timescale"] == "No (held 4 days after the due date)"


def test_a_given_due_date_is_used_as_it_is(edited: Path) -> None:
    shown = details(edited / NAMES["R0004"])
    assert shown["Due date"] == "5 June 2014"  # not the computed 16 June 2014
    assert shown["Held within timescale"] == "No (held 5 days after the due date)"


def test_a_blank_review_number_is_inferred_from_the_previous_review(edited: Path) -> None:
    # R0005: first review due 27 Mar 2014 + 28 = 24 Apr 2014; the previous review (22 Apr) fell
    # within that window, so this is review 2, due 90 days after it: 21 July 2014.
    second = details(edited / NAMES["R0005"])
    assert (second["Review number"], second["Due date"]) == (
        "2 (assumed from the dates: the previous review fell within the first review's timescale)",
        "21 July 2014",
    )
    # R0003: first review due 17 May 2013 + 28 = 14 June 2013; the previous review (15 Oct 2013)
    # came later, so this is a later review, due 180 days after it: 13 April 2014.
    later = details(edited / NAMES["R0003"])
    assert (later["Review number"], later["Due date"]) == (
        "3 (assumed from the dates: the previous review fell after the first review's timescale)",
        "13 April 2014",
    )


def test_control_characters_are_dropped_and_line_breaks_kept(edited: Path) -> None:
    lines = paragraphs(edited / "review_C20417_2014-05-12.docx")
    assert "Kayla said hello\nand waved." in lines


def test_docxtpl_escape_spelling_typed_by_a_user_is_kept(edited: Path) -> None:
    assert "Use {_{ braces }_} literally." in paragraphs(edited / NAMES["R0002"])


# Policy 2010-regulations: first review 20 working days after becoming looked after; second
# 3 months after the first; then 6 months after the one before.
#   R0001 (sample): Friday 31 Jan 2014 + 20 working days = 3-7, 10-14, 17-21, 24-28 Feb, no bank
#       holidays: 28 Feb 2014, the same as the seed's 28 days.
#   R0002: next review after a second review, 11 Mar 2014 + 6 months = 11 Sep 2014 (seed: 7 Sep).
#   R0003: 15 Oct 2013 + 6 months = 15 Apr 2014 (seed: 13 Apr).
#   R0004: 18 Dec 2013 + 6 months = 18 Jun 2014 (seed: 16 Jun).
#   R0005: 22 Apr 2014 + 3 months = 22 Jul 2014 (seed: 21 Jul).
POLICY_2010 = {"DOCGEN_REVIEW_POLICY": "2010-regulations"}


def test_2010_regulations_policy_changes_computed_dates(tmp_path: Path) -> None:
    render(tmp_path, WORKBOOK, env=POLICY_2010)
    due = {rid: details(tmp_path / name)["Due date"] for rid, name in NAMES.items()}
    assert due == {
        "R0001": "28 February 2014",
        "R0002": "10 April 2014",  # 10 Jan + 3 months = 10 Apr: the same as 90 days here
        "R0003": "15 April 2014",
        "R0004": "18 June 2014",
        "R0005": "22 July 2014",
    }
    assert f"To be held by: 11 September 2014 {AFTER_6_MONTHS}" in paragraphs(
        tmp_path / NAMES["R0002"]
    )
    assert "Next review date: 19 May 2014" in paragraphs(tmp_path / NAMES["R0001"])  # given


def test_2010_regulations_first_review_counts_working_days(
    tmp_path: Path, edited_book: Path
) -> None:
    # Thursday 10 April 2014 + 20 working days, skipping Good Friday 18 Apr, Easter Monday
    # 21 Apr and the early May bank holiday 5 May: 11 (1); 14-17 (5); 22-25 (9); 28 Apr - 2 May
    # (14); 6-9 May (18); 12 (19), 13 May (20) = 13 May 2014. Held 12 May: on time (the seed's
    # 28 days made it 4 days late).
    render(tmp_path, edited_book, "--only", "R0001", env=POLICY_2010)
    shown = details(tmp_path / "review_C20417_2014-05-12.docx")
    assert shown["Due date"] == "13 May 2014"
    assert shown["Held within timescale"] == "Yes"


def test_an_unknown_review_policy_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["review", str(WORKBOOK), "--output", str(tmp_path / "out")],
        env={"DOCGEN_REVIEW_POLICY": "2011-rules"},
    )
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)  # click's error exit, not a crash
    assert "Error:" in result.output and "2011-rules" in result.output
    assert no_files(tmp_path / "out")


# --------------------------------------------------------------------------- bad input


def test_attendee_of_an_unknown_review_fails_naming_the_cell(tmp_path: Path) -> None:
    def orphan(wb: openpyxl.Workbook) -> None:
        wb["Attendees"].append(["R0099", "Ann Other", "Advocate", "Attended"])

    book = edit_workbook(WORKBOOK, tmp_path / "orphan.xlsx", orphan)
    out = tmp_path / "out"
    result = run("review", str(book), "--output", str(out))
    assert result.exit_code != 0
    assert "Attendees!A26" in result.output
    assert "'R0099'" in result.output
    assert "nothing was written" in result.output
    assert no_files(out)


def test_a_workbook_with_more_errors_than_are_listed_says_how_many_it_has(
    tmp_path: Path,
) -> None:
    def orphans(wb: openpyxl.Workbook) -> None:
        for n in range(600):
            wb["Attendees"].append([f"R9{n:03}", "Ann Other", "Advocate", "Attended"])

    book = edit_workbook(WORKBOOK, tmp_path / "orphans.xlsx", orphans)
    result = run("review", str(book), "--output", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "orphans.xlsx: 600 errors, 0 warnings." in result.output
    assert "Error: 600 problem(s) in the workbook; nothing was written." in result.output


def _second_review_without_previous(wb: openpyxl.Workbook) -> None:
    ws = wb["Review Meetings"]
    ws[f"{_column(ws, 'Previous Review Date')}3"] = None  # R0002, review 2


def test_a_later_review_without_its_previous_date_fails(tmp_path: Path) -> None:
    book = edit_workbook(WORKBOOK, tmp_path / "bad.xlsx", _second_review_without_previous)
    out = tmp_path / "out"
    result = run("review", str(book), "--output", str(out))
    assert result.exit_code != 0
    assert "Review Meetings!H3" in result.output
    assert "Previous Review Date" in result.output
    assert no_files(out)


def test_the_blank_previous_date_message_reads_as_english(tmp_path: Path) -> None:
    book = edit_workbook(WORKBOOK, tmp_path / "bad.xlsx", _second_review_without_previous)
    result = run("review", str(book), "--output", str(tmp_path / "out"))
    assert "None" not in result.output


def test_workers_from_the_environment(tmp_path: Path, docs: Path) -> None:
    render(tmp_path, WORKBOOK, env={"DOCGEN_WORKERS": "2"})
    for name in NAMES.values():
        assert (tmp_path / name).read_bytes() == (docs / name).read_bytes(), name
    result = run("review", str(WORKBOOK), "-o", str(tmp_path / "x"), env={"DOCGEN_WORKERS": "0"})
    assert result.exit_code == 1
    assert "DOCGEN_WORKERS='0'" in result.output
    assert no_files(tmp_path / "x")


# --------------------------------------------------------------------------- file names


def _tag(review_id: str) -> str:
    """The hash docgen adds when IDs differ only in characters unsafe in a file name."""
    return hashlib.sha256(review_id.encode()).hexdigest()[:8]


def _with_reviews(path: Path, reviews: list[tuple[str, str]]) -> Path:
    """The sample plus a copy of R0001 for each (Review ID, Child ID), all on 1 March 2014."""

    def add(wb: openpyxl.Workbook) -> None:
        ws = wb["Review Meetings"]
        header = [c.value for c in ws[1]]
        for review_id, child_id in reviews:
            row = dict(zip(header, (c.value for c in ws[2]), strict=True))
            row.update({"Review ID": review_id, "Child ID": child_id})
            row["Review Date"] = datetime(2014, 3, 1)
            ws.append([row[h] for h in header])

    return edit_workbook(WORKBOOK, path, add)


def _whose(path: Path) -> tuple[str, str]:
    shown = details(path)
    return shown["Review ID"], shown["Child ID"]


def _snapshot(folder: Path) -> dict[str, object]:
    """Every entry of a folder, hidden ones too: a file's bytes, else what it is."""
    return {p.name: _entry(p) for p in folder.iterdir()}


def _entry(path: Path) -> object:
    if path.is_symlink():
        return ("link", os.readlink(path))
    return "folder" if path.is_dir() else path.read_bytes()


def test_reviews_of_one_child_on_one_day_get_a_file_each(tmp_path: Path) -> None:
    reviews = [("R5", "C5"), ("R/6", "C5"), ("R:6", "C5")]
    expected = {
        "review_C5_2014-03-01_R5.docx": ("R5", "C5"),
        f"review_C5_2014-03-01_R-6_{_tag('R/6')}.docx": ("R/6", "C5"),
        f"review_C5_2014-03-01_R-6_{_tag('R:6')}.docx": ("R:6", "C5"),
    }
    for order, book in (
        ("sheet", _with_reviews(tmp_path / "reviews.xlsx", reviews)),
        ("reversed", _with_reviews(tmp_path / "reversed.xlsx", reviews[::-1])),
    ):
        out = tmp_path / order
        render(out, book)
        assert sorted(p.name for p in out.iterdir()) == sorted([*NAMES.values(), *expected])
        assert {name: _whose(out / name) for name in expected} == expected


@pytest.mark.parametrize(
    ("children", "stem"),
    [(("C/5", "C:5"), "review_C-5_2014-03-01"), (("C5", "C5"), "review_C5_2014-03-01")],
)
def test_only_writes_a_record_under_its_name_in_the_batch(
    tmp_path: Path, children: tuple[str, str], stem: str
) -> None:
    book = _with_reviews(tmp_path / "reviews.xlsx", list(zip(("R1", "R2"), children, strict=True)))
    out = tmp_path / "out"
    render(out, book)
    first, second = out / f"{stem}_R1.docx", out / f"{stem}_R2.docx"
    assert (_whose(first), _whose(second)) == (("R1", children[0]), ("R2", children[1]))
    before = _snapshot(out)
    render(out, book, "--only", "R2")
    assert _snapshot(out) == before  # R2 rewritten with the same bytes; R1 untouched
    alone = tmp_path / "alone"
    render(alone, book, "--only", "R2")
    assert [p.name for p in alone.iterdir()] == [second.name]


@pytest.fixture
def earlier(tmp_path: Path) -> tuple[Path, Path]:
    """An output folder holding an earlier batch, and a workbook whose batch, run under the
    2010 regulations, would replace the sample's records (R0002's with another next review
    date) and add two for child C5, named apart from the earlier one as there are two now."""
    out = tmp_path / "out"
    render(out, _with_reviews(tmp_path / "before.xlsx", [("R5", "C5")]))
    return out, _with_reviews(tmp_path / "after.xlsx", [("R5", "C5"), ("R6", "C5")])


@pytest.mark.parametrize("obstacle", ["folder", "link"])
def test_a_folder_or_link_in_the_way_stops_the_batch_before_anything_moves(
    tmp_path: Path, earlier: tuple[Path, Path], obstacle: str
) -> None:
    out, book = earlier
    in_the_way = out / "review_C5_2014-03-01_R6.docx"
    if obstacle == "folder":
        in_the_way.mkdir()
    else:
        elsewhere = tmp_path / "elsewhere.docx"
        elsewhere.write_bytes(b"not docgen's")
        in_the_way.symlink_to(elsewhere)
    before = _snapshot(out)
    result = run("review", str(book), "--output", str(out), env=POLICY_2010)
    assert result.exit_code == 1
    assert "Error: cannot write review_C5_2014-03-01_R6.docx: a " in result.output
    assert "nothing was written" in result.output
    assert _snapshot(out) == before
    if obstacle == "link":
        assert (tmp_path / "elsewhere.docx").read_bytes() == b"not docgen's"


def test_a_failure_part_way_puts_the_folder_back_as_it_was(
    earlier: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    out, book = earlier
    before = _snapshot(out)
    real = os.replace

    def disk_full_on_the_last(src: Path, dst: Path) -> None:
        if Path(dst).name == "review_C5_2014-03-01_R6.docx":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(src, dst)

    monkeypatch.setattr(os, "replace", disk_full_on_the_last)
    result = run("review", str(book), "--output", str(out), env=POLICY_2010)
    assert result.exit_code == 1
    assert (
        "Error: cannot write review_C5_2014-03-01_R6.docx: No space left on device; "
        "nothing was written." in result.output
    )
    assert _snapshot(out) == before  # the five records replaced first are the old ones again
    assert f"To be held by: 7 September 2014 {AFTER_180_DAYS}" in paragraphs(out / NAMES["R0002"])
    monkeypatch.undo()
    render(out, book, env=POLICY_2010)
    assert f"To be held by: 11 September 2014 {AFTER_6_MONTHS}" in paragraphs(out / NAMES["R0002"])
    assert _whose(out / "review_C5_2014-03-01_R6.docx") == ("R6", "C5")
    assert not list(out.glob(".*"))


@pytest.mark.usefixtures("helpers_for_any_batch")
@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_disk_full_while_writing_leaves_the_folder_as_it_was(
    earlier: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, workers: str
) -> None:
    """Documents are written on another thread (or process) while the next renders: a
    failure on the third still stops the batch, and every staged file is removed."""
    out, book = earlier
    before = _snapshot(out)
    real = os.open
    opened: list[str] = []

    def disk_full_on_the_third(path: str | Path, flags: int, mode: int = 0o777) -> int:
        if Path(path).name.endswith(".docgen.tmp"):
            opened.append(Path(path).name)
            if len(opened) == 3:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(path, flags, mode)

    monkeypatch.setattr(os, "open", disk_full_on_the_third)
    result = run("review", str(book), "--output", str(out), "--workers", workers, env=POLICY_2010)
    assert result.exit_code == 1
    assert f"Error: cannot write to {out}: No space left on device." in result.output
    assert _snapshot(out) == before


def test_a_guessed_review_number_that_decides_timeliness_is_a_warning(tmp_path: Path) -> None:
    """R0002 follows its first review (10/01/2014): held on 1 May it is late as the second
    review (due 10/04/2014) but on time as a later one (due 09/07/2014)."""

    def edit(wb: openpyxl.Workbook) -> None:
        values = {"Review Date": datetime(2014, 5, 1), "Review Number": None}
        set_cells(wb, "Review Meetings", 3, values)

    workbook = edit_workbook(WORKBOOK, tmp_path / "guess.xlsx", edit)
    result = render(tmp_path / "out", workbook, "--only", "R0002")
    assert "Review Meetings!" in result.output
    assert "taken from the dates as review 2" in result.output
    assert "as the second review it was due 10/04/2014, as a later one 09/07/2014" in result.output
    [doc] = (tmp_path / "out").iterdir()
    assert details(doc)["Held within timescale"].startswith("No (held 21 days")
    validated = run("validate", str(workbook))
    assert validated.exit_code == 0 and "taken from the dates as review 2" in validated.output


# ---------------------------------------------------------------- interrupted, killed, two at once


@pytest.fixture(scope="module")
def big_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample with 1,500 more meetings: long enough to interrupt, and enough for a helper."""

    def more_meetings(wb: openpyxl.Workbook) -> None:
        sheet = wb["Review Meetings"]
        headers = [c.value for c in sheet[1]]
        first = [c.value for c in sheet[2]]
        for n in range(1500):
            row = dict(zip(headers, first, strict=True))
            row["Review ID"], row["Child ID"] = f"B{n:05d}", f"K{n:05d}"
            sheet.append([row[h] for h in headers])

    folder = tmp_path_factory.mktemp("big")
    return edit_workbook(WORKBOOK, folder / "big.xlsx", more_meetings)


def _hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_ctrl_c_while_saving_finishes_the_batch_first(
    tmp_path: Path, docs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C arriving among the renames waits for them: the folder holds the whole new
    batch, never half old and half new, and no hidden files."""
    out = tmp_path / "out"
    render(out, WORKBOOK, env=POLICY_2010)  # an earlier batch, to be replaced
    real = os.replace
    renames: list[str] = []

    def interrupted_on_the_third(src: Path, dst: Path) -> None:
        renames.append(Path(dst).name)
        if len(renames) == 3:
            os.kill(os.getpid(), signal.SIGINT)
        real(src, dst)

    monkeypatch.setattr(os, "replace", interrupted_on_the_third)
    result = run("review", str(WORKBOOK), "--output", str(out))
    assert result.exit_code == 1 and "Aborted!" in result.output
    assert len(renames) > 3  # the renames went on after the signal
    for name in NAMES.values():
        assert (out / name).read_bytes() == (docs / name).read_bytes(), name
    assert _hidden(out) == []


@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP"])
def test_a_signal_while_rendering_removes_what_was_staged(
    tmp_path: Path, big_book: Path, name: str
) -> None:
    """A service manager's SIGTERM, or SIGHUP from a closed terminal or SSH session, ends a
    run as Ctrl-C does: nothing half-written stays."""
    if not hasattr(signal, name):
        pytest.skip(f"no {name} on this platform")
    out = tmp_path / "out"
    out.mkdir()
    docgen = Path(sys.executable).with_name("docgen")
    process = subprocess.Popen(
        [str(docgen), "review", str(big_book), "--output", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while not _hidden(out) and process.poll() is None:
        assert time.monotonic() < deadline, "no document staged within 30 s"
        time.sleep(0.005)
    process.send_signal(getattr(signal, name))
    _, stderr = process.communicate(timeout=30)
    if process.returncode == 0:
        pytest.skip("the batch finished before the signal")
    assert b"Aborted!" in stderr
    assert list(out.iterdir()) == []


@pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="helpers die with their parent on Linux"
)
@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: no helper is started")
def test_a_helper_dies_with_a_killed_main_process(tmp_path: Path, big_book: Path) -> None:
    """kill -9 of docgen must not leave a helper running (holding the terminal, or the
    watch service's lock)."""
    out = tmp_path / "out"
    out.mkdir()
    docgen = Path(sys.executable).with_name("docgen")
    process = subprocess.Popen(
        [str(docgen), "review", str(big_book), "--output", str(out), "--workers", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    deadline = time.monotonic() + 30
    helpers: list[int] = []
    while not helpers and process.poll() is None:
        assert time.monotonic() < deadline, "no helper started within 30 s"
        with contextlib.suppress(OSError):
            helpers = [int(pid) for pid in children.read_text().split()]
        time.sleep(0.005)
    process.kill()
    process.wait(timeout=10)
    if not helpers:
        pytest.skip("the batch finished before a helper was seen")
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() and not _zombie(pid) for pid in helpers):
        assert time.monotonic() < deadline, f"helpers {helpers} outlived the main process"
        time.sleep(0.02)


def _zombie(pid: int) -> bool:
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] == "Z"
    return True


def test_a_second_run_into_the_same_folder_is_refused(tmp_path: Path) -> None:
    """Two runs staging the same documents would mix their batches."""
    out = tmp_path / "out"
    with folder_lock(out):
        result = run("review", str(WORKBOOK), "--output", str(out))
    assert result.exit_code == 1
    assert f"Error: another docgen run is writing to {out}; run again when it has finished." in (
        result.output
    )
    assert list(out.iterdir()) == []
    render(out)  # and once the first is done, it goes ahead


def test_a_folder_named_like_a_staged_document_stops_the_batch_cleanly(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / f".{NAMES['R0003']}.docgen.tmp").mkdir(parents=True)
    result = run("review", str(WORKBOOK), "--output", str(out))
    assert result.exit_code == 1
    assert f"Error: cannot write to {out}: Is a directory." in result.output
    assert _hidden(out) == [f".{NAMES['R0003']}.docgen.tmp"]  # the folder, untouched
    assert [p for p in out.iterdir() if not p.name.startswith(".")] == []


def test_a_helper_error_that_cannot_cross_processes_keeps_its_message() -> None:
    """lxml's errors, or ValidationFailed (built from a report), cannot be rebuilt in the
    main process: they arrive as an error with the same message, not a pickling one."""
    report = Report()
    report.add(Problem("blank-cell", "Review Date is blank", sheet="Review Meetings"))
    failed = pipeline._portable(ValidationFailed(report))
    assert type(failed) is UserError and str(failed) == str(ValidationFailed(report))
    try:
        etree.fromstring(b"<a>")
    except etree.XMLSyntaxError as exc:
        crossed = pipeline._portable(exc)
    assert isinstance(crossed, RuntimeError)
    assert str(crossed).startswith("XMLSyntaxError: ")
    kept = OutputError("cannot write to out: No space left on device.")
    assert pipeline._portable(kept) is kept


def test_a_record_carries_its_title_and_nothing_of_the_template(docs: Path) -> None:
    """Word's File > Info showed 'docgen template' and 'built by scripts/make_templates.py'."""
    props = Document(str(record(docs, "R0002"))).core_properties
    assert props.title == "Looked After Child Review Record"
    assert (props.subject, props.author) == ("R0002", "David Okafor")  # the review and its IRO
    assert (props.comments, props.last_modified_by) == ("",) * 2
    assert props.created.date() == date(2014, 3, 11)  # the review's date, not the template's


def test_a_second_ctrl_c_during_the_clean_up_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C once while rendering, and again as the staged files are being removed."""
    out = tmp_path / "out"
    out.mkdir()
    real_stage, real_remove = pipeline.stage, files_module._remove
    staged: list[Path] = []
    removed: list[Path] = []

    def stage(path: Path, data: bytes) -> Path:
        staged.append(path)
        if len(staged) == 3:
            os.kill(os.getpid(), signal.SIGINT)
        return real_stage(path, data)

    def remove(path: Path) -> None:
        removed.append(path)
        if len(removed) == 1:
            os.kill(os.getpid(), signal.SIGINT)
        real_remove(path)

    monkeypatch.setattr(pipeline, "stage", stage)
    monkeypatch.setattr(files_module, "_remove", remove)
    result = run("review", str(WORKBOOK), "--output", str(out))
    assert result.exit_code == 1 and "Aborted!" in result.output
    assert len(removed) > 1  # the clean-up went on after the second signal
    assert list(out.iterdir()) == []


def test_a_folder_that_cannot_be_locked_is_written_unlocked(
    tmp_path: Path, docs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """NFS without a lock daemon, some FUSE file systems: flock fails, the run goes on."""
    import fcntl

    def no_locks(_fd: int, _operation: int) -> None:
        raise OSError(errno.ENOLCK, os.strerror(errno.ENOLCK))

    monkeypatch.setattr(fcntl, "flock", no_locks)
    render(tmp_path)
    for name in NAMES.values():
        assert (tmp_path / name).read_bytes() == (docs / name).read_bytes(), name


def test_a_failed_run_leaves_none_of_the_folders_it_made(tmp_path: Path) -> None:
    book = edit_workbook(
        WORKBOOK,
        tmp_path / "bad.xlsx",
        lambda wb: set_cells(wb, "Review Meetings", 3, {"Review Date": "soon"}),
    )
    result = run("review", str(book), "--output", str(tmp_path / "a" / "b" / "c"))
    assert result.exit_code == 1
    assert not (tmp_path / "a").exists()


def test_ctrl_c_between_rendering_and_saving_removes_what_was_staged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every document staged, the renames not begun: the earlier batch stays, no hidden files."""
    out = tmp_path / "out"
    render(out, WORKBOOK, env=POLICY_2010)
    before = _snapshot(out)
    real = pipeline.publish

    def interrupted(paths: list[Path], *, group: str | None = None) -> None:
        os.kill(os.getpid(), signal.SIGINT)
        real(paths, group=group)

    monkeypatch.setattr(pipeline, "publish", interrupted)
    result = run("review", str(WORKBOOK), "--output", str(out))
    assert result.exit_code == 1 and "Aborted!" in result.output
    assert _snapshot(out) == before


def test_the_next_run_clears_what_a_killed_run_left_behind(tmp_path: Path) -> None:
    """kill -9 (or a power cut) leaves staged documents, and a document set aside between
    two renames; they hold children's details, so the next run into the folder clears
    them, and puts back the one whose replacement never arrived."""
    out = tmp_path / "out"
    out.mkdir()
    (out / f".{NAMES['R0001']}.docgen.tmp").write_bytes(b"half a batch")
    (out / f".{NAMES['R0002']}.docgen.old").write_bytes(b"replaced before the kill")
    (out / NAMES["R0002"]).write_bytes(b"its replacement")
    (out / ".notes.docx.docgen.old").write_bytes(b"set aside, never replaced")
    (out / ".keep.txt").write_bytes(b"not docgen's")
    result = run("review", str(WORKBOOK), "--output", str(out))
    assert result.exit_code == 0, result.output
    assert _hidden(out) == [".keep.txt"]
    assert (out / "notes.docx").read_bytes() == b"set aside, never replaced"
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == sorted(
        [*NAMES.values(), "notes.docx"]
    )


@pytest.mark.parametrize(
    ("name", "value", "said"),
    [
        ("DOCGEN_FAILED_DAYS", "thirty", "expected a whole number, such as 30"),
        ("DOCGEN_ARCHIVE_DAYS", "-1", "expected a whole number, 0 or more"),
        ("DOCGEN_ISSUE_DATE", "20/03/2014", "expected a date written as 2014-03-20"),
        ("DOCGEN_REVIEW_POLICY", "2010", "expected 'seed' or '2010-regulations'"),
    ],
)
def test_a_bad_setting_is_told_in_plain_words(
    tmp_path: Path, name: str, value: str, said: str
) -> None:
    """IT read "Input should be a valid integer, unable to parse string as an integer"."""
    result = run_cli(
        "review",
        str(SAMPLES / "review_meetings.xlsx"),
        "-o",
        str(tmp_path / "o"),
        env={name: value},
    )
    assert result.exit_code == 1
    assert f"Error: invalid setting: {name}={value!r}: {said}" in result.output
    assert "Input should be" not in result.output and "unable to parse" not in result.output
    assert not (tmp_path / "o").exists()
