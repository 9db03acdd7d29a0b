"""`docgen alerts-report`: the quarterly report on alerts of concern, read back against a
workbook whose figures were counted by hand.

Working days skip weekends and the bank holidays of England and Wales (2014: Good
Friday 18 April, Easter Monday 21 April, 5 and 26 May, 25 August). An alert counts in
the period it was FIRST raised: A3's Date Raised is in July, but its first step was 30 June.
"""

from __future__ import annotations

import re
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import (
    SAMPLES,
    build_workbook,
    edit_workbook,
    find_table,
    no_files,
    paragraphs,
    run_cli,
)

HEADERS = (
    "Alert ID", "Child ID", "Child Name", "IRO", "Date Raised", "Stage", "Category",
    "Concern", "Action Required", "Date Resolved",
)  # fmt: skip


def d(text: str) -> datetime:
    return datetime.fromisoformat(text)


def alert(ident: str, raised: str, stage: int, category: str, resolved: str | None = None):
    when = d(resolved) if resolved else None
    return (ident, f"C{ident}", "Sam Green", "Helen Marsh", d(raised), stage, category,
            "The plan has drifted.", "Agree a date.", when)  # fmt: skip


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("alerts")
    return build_workbook(
        folder / "alerts.xlsx",
        {
            "Alerts": [
                HEADERS,
                alert("A8", "2014-03-20", 2, "Health", "2014-04-03"),  # 10 working days
                alert("A1", "2014-04-10", 1, "Health", "2014-04-17"),  # 5 (Good Friday after)
                alert("A2", "2014-06-20", 1, "Placement", "2014-07-04"),  # 10
                alert("A3", "2014-07-07", 2, "Placement"),  # first raised 30 June
                alert("A4", "2014-07-15", 1, "placement", "2014-08-29"),  # 32 (25 Aug skipped)
                alert("A5", "2014-09-08", 4, "Education"),  # first raised 1 August
                alert("A6", "2014-09-30", 1, "Health", "2014-10-02"),  # open at 30 September
                alert("A7", "2014-10-06", 1, "Contact"),
            ],
            "Alert History": [
                ("Alert ID", "Stage", "Date", "Note"),
                ("A3", 1, d("2014-06-30"), "Raised with the team manager."),
                ("A5", 1, d("2014-08-01"), "Raised with the team manager."),
                ("A5", 2, d("2014-08-11"), "Escalated to the service manager."),
                ("A5", 3, d("2014-08-26"), "Escalated to the service director."),
            ],
        },
    )


def report(workbook: Path, out: Path, *period: str) -> Path:
    result = run_cli("alerts-report", str(workbook), *period, "--output", str(out))
    assert result.exit_code == 0, result.output
    return out


def columns(path: Path, first: str) -> dict[str, list[str]]:
    return {row[0]: row[1:] for row in find_table(path, first)[1:]}


def test_quarter_and_year_to_date_figures_match_the_hand_count(
    workbook: Path, tmp_path: Path
) -> None:
    out = report(workbook, tmp_path / "q2.docx", "--quarter", "2014-15:Q2")
    assert find_table(out, "Figure")[0] == ["Figure", "Q2 2014-15", "2014-15 to date"]
    assert columns(out, "Figure") == {
        "Alerts first raised": ["3", "6"],  # A4 A5 A6 | A1-A6
        "Resolved": ["2", "4"],  # A2 A4 | A8 A1 A2 A4
        "Open at the end of the quarter": ["3", "3"],  # A3 A5 A6
        "Median working days to resolution": ["21", "10"],  # 10, 32 | 5, 10, 10, 32
        "Escalated to CAFCASS (stage 4)": ["1", "1"],  # A5 on 8 September
    }
    assert columns(out, "Stage") == {
        "Stage 1: Team Manager": ["2", "4"],
        "Stage 2: Service Manager": ["0", "1"],
        "Stage 3: Service Director": ["0", "0"],
        "Stage 4: CAFCASS": ["1", "1"],
    }
    assert columns(out, "Category") == {
        "Placement": ["1", "3"],  # "placement" is the same category
        "Health": ["1", "2"],
        "Education": ["1", "1"],
    }


def test_the_commentary_gives_the_figures(workbook: Path, tmp_path: Path) -> None:
    text = paragraphs(report(workbook, tmp_path / "q2.docx", "--quarter", "2014-15:Q2"))
    assert "In Q2 2014-15, 3 alerts were first raised (6 alerts in the year to date)." in text
    assert (
        "During the quarter, 2 alerts were resolved, in a median of 21 working days from "
        "first being raised." in text
    )
    assert "At the end of the quarter, 3 alerts were still open." in text
    assert not any(p.startswith("The most common concern") for p in text)  # a three-way tie


def test_one_resolved_alert_has_its_own_time_and_a_tie_names_no_top_category(
    workbook: Path, tmp_path: Path
) -> None:
    out = report(workbook, tmp_path / "dec.docx", "--from", "2014-10-01", "--to", "2014-10-31")
    text = paragraphs(out)  # A6 alone resolved: 2 working days, not "a median of 2"
    assert (
        "During the period, 1 alert was resolved, in 2 working days from first being raised."
        in text
    )
    q2 = report(workbook, tmp_path / "q2.docx", "--quarter", "2014-15:Q2")
    with zipfile.ZipFile(q2) as docx:
        body = docx.read("word/document.xml").decode()
    (alt,) = re.findall(r'<wp:docPr [^>]*descr="([^"]*)"', body)
    assert "the most were about" not in alt  # Placement, Health and Education: 1 each
    assert "no category had more than 1" in alt


def test_first_quarter_counts_an_alert_by_its_first_step(workbook: Path, tmp_path: Path) -> None:
    out = report(workbook, tmp_path / "q1.docx", "--quarter", "2014-15:Q1")
    figures = columns(out, "Figure")
    assert figures["Alerts first raised"] == ["3", "3"]  # A1 A2 A3
    assert figures["Median working days to resolution"] == ["7.5", "7.5"]  # A1 5, A8 10
    assert figures["Open at the end of the quarter"] == ["2", "2"]  # A2 A3
    assert [row[0] for row in find_table(out, "Alert")[1:]] == ["A1", "A2", "A3"]
    text = paragraphs(out)
    assert "The most common concern was Placement (2 of 3)." in text


def test_any_period_with_from_and_to(workbook: Path, tmp_path: Path) -> None:
    out = report(workbook, tmp_path, "--from", "01/08/2014", "--to", "31/08/2014")
    assert out.joinpath("alerts_report_2014-08-01_2014-08-31.docx").exists()
    doc = out / "alerts_report_2014-08-01_2014-08-31.docx"
    assert columns(doc, "Figure")["Alerts first raised"] == ["1", "5"]  # A5 | A1-A5
    assert columns(doc, "Figure")["Open at the end of the period"] == ["2", "2"]  # A3 A5
    assert "No alert was referred to CAFCASS in the period." in paragraphs(doc)


def test_a_quarter_outside_the_workbook_names_the_dates_it_covers(
    workbook: Path, tmp_path: Path
) -> None:
    result = run_cli(
        "alerts-report", str(workbook), "--quarter", "2015-16:Q1", "-o", str(tmp_path / "x.docx")
    )
    assert result.exit_code == 1
    assert "Q1 2015-16 (1 April 2015 to 30 June 2015) is outside the dates" in result.output
    assert "covers: 20 March 2014 to 6 October 2014" in result.output
    assert no_files(tmp_path)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--quarter", "2014:Q1"), "is not a quarter; expected a financial year and quarter"),
        (("--quarter", "2014-16:Q1"), "is not a quarter"),
        (("--quarter", "2014-15:Q1", "--from", "2014-04-01"), "not both"),
        (("--from", "2014-04-01"), "both --from and --to"),
        (("--from", "2014-05-01", "--to", "2014-04-01"), "--to 01/04/2014 is before --from"),
    ],
)
def test_a_period_given_wrongly_is_refused(
    workbook: Path, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    result = run_cli("alerts-report", str(workbook), *args, "-o", str(tmp_path / "x.docx"))
    assert result.exit_code == 1
    assert message in result.output
    assert no_files(tmp_path)


def test_same_workbook_same_bytes(workbook: Path, tmp_path: Path) -> None:
    a = report(workbook, tmp_path / "a.docx", "--quarter", "2014-15:Q2")
    b = report(workbook, tmp_path / "b.docx", "--quarter", "2014-15:Q2")
    assert a.read_bytes() == b.read_bytes()


def test_a_period_before_the_financial_year_lists_its_own_categories(tmp_path: Path) -> None:
    """--from in March: the year to date starts on 1 April, so the period's March alerts
    are not in it, yet their category is a row of the table and the chart."""
    book = build_workbook(
        tmp_path / "alerts.xlsx",
        {
            "Alerts": [
                HEADERS,
                alert("A1", "2014-03-20", 1, "Contact"),
                alert("A2", "2014-04-10", 1, "Health"),
            ],
            "Alert History": [("Alert ID", "Stage", "Date", "Note")],
        },
    )
    out = report(book, tmp_path / "out.docx", "--from", "2014-03-01", "--to", "2014-04-30")
    assert columns(out, "Figure")["Alerts first raised"] == ["2", "1"]
    assert columns(out, "Category") == {"Health": ["1", "1"], "Contact": ["1", "0"]}
    with zipfile.ZipFile(out) as docx:
        chart = next(n for n in docx.namelist() if n.startswith("word/charts/chart"))
        assert "Contact" in docx.read(chart).decode()


def test_many_problems_are_counted_by_kind_not_all_printed(tmp_path: Path) -> None:
    """A workbook with 120 bad dates: the terminal shows them by kind and the first 50,
    as `docgen alert` does, and says how to have every one; not 120 lines."""

    def spoil(wb: openpyxl.Workbook) -> None:
        ws = wb["Alerts"]
        row = [c.value for c in ws[2]]
        for n in range(120):
            ws.append([f"A9{n:03d}", *row[1:7], "not a date", *row[8:]])

    bad = edit_workbook(SAMPLES / "alerts.xlsx", tmp_path / "alerts.xlsx", spoil)
    out = tmp_path / "q1.docx"
    result = run_cli("alerts-report", str(bad), "--quarter", "2014-15:Q1", "-o", str(out))
    assert result.exit_code == 1
    assert "By kind:" in result.output and "The first 50:" in result.output
    assert result.output.count("is not a date") == 50
    assert f"docgen validate {bad} --errors FILE writes every one" in result.output
    assert "Error: 120 problem(s) in the workbooks; nothing was written." in result.output
    assert not out.exists()
