"""annual.py: the report's counting rules, each pinned on a few hand-made rows."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pytest
from docx import Document

from docgen.annual import AnnualFigures, FiguresError, age_on, citable_names, compute
from docgen.context import annual_context, show
from docgen.models import ANNUAL
from docgen.render import Renderer
from docgen.settings import Settings
from docgen.timescales import ReviewPolicy
from docgen.validate import validate_workbook
from docgen.workbook import read_workbook
from tests.conftest import build_workbook

CHILD = [
    "Child ID",
    "Date of Birth",
    "Ethnicity",
    "Legal Status",
    "Date Became Looked After",
    "Date Ceased",
    "Short Breaks",
]
REVIEW = ["Child ID", "Review Date", "Due Date"]
PLAN = ["Child ID", "Family ID", "Plan Start Date", "Plan End Date", "Category of Abuse"]
CONF = [
    "Conference ID",
    "Conference Type",
    "Conference Date",
    "Strategy Discussion Date",
    "Previous Conference Date",
    "Due Date",
    "Out Of Time Approved By",
]


def said(f: AnnualFigures) -> str:
    """The rendered report's text, as a reader sees it: the sentences are the template's."""
    document = Renderer().render("annual_report.docx", annual_context(f), charts=True)
    doc = Document(io.BytesIO(document))
    return "\n".join(p.text for p in doc.paragraphs)


def figures(
    tmp_path: Path,
    *,
    children=(),
    reviews=(),
    plans=(),
    conferences=(),
    adoptions=(),
    history=(),
    disputes=(),
    staff=(("Ann", "IRO", 1),),
    settings=(("Council", "Testshire"),),
    policy: ReviewPolicy = "seed",
    narrative=(),
    priorities=(),
) -> AnnualFigures:
    sheets = {
        "Report": [["Setting", "Value"], *settings],
        "Children": [CHILD, *children],
        "Reviews": [REVIEW, *reviews],
        "CP Plans": [PLAN, *plans],
        "CP Conferences": [CONF, *conferences],
        "Adoptions": [["Child ID", "Date of Birth", "Date Placed For Adoption"], *adoptions],
        "Disputes": [
            [
                "Alert ID",
                "Child ID",
                "Date Raised",
                "Highest Stage",
                "Date Resolved",
                "Escalated To CAFCASS",
            ],
            *disputes,
        ],
        "Staff": [["Name", "Role", "FTE"], *staff],
        "History": [["Table", "Row", "Year", "Value"], *history],
        "Narrative": [["Section", "Text"], *narrative],
        "Priorities": [["Text", "Kind"], *priorities],
    }
    path = build_workbook(tmp_path / "annual_2014.xlsx", sheets)
    tables, report = validate_workbook(read_workbook(path), ANNUAL)
    assert report.ok, report.to_text()
    return compute(tables, 2014, policy=policy)


def test_age_on_birthdays() -> None:
    assert age_on(date(2004, 3, 31), date(2014, 3, 31)) == 10
    assert age_on(date(2004, 4, 1), date(2014, 3, 31)) == 9
    assert age_on(date(2004, 2, 29), date(2014, 2, 28)) == 9  # leap-day birthday turns on 1 March


def test_looked_after_on_31_march_and_short_breaks(tmp_path: Path) -> None:
    f = figures(
        tmp_path,
        children=[
            ["A", "01/01/2010", "WBRI", "C2", "01/01/2013", None, None],  # counted, 4
            ["B", "01/06/2013", "MWBC", "C1", "01/07/2013", "31/03/2014", None],  # ceased that day
            ["C", "01/01/2000", "WBRI", "V2", "01/01/2013", "01/04/2014", None],  # ceased after: in
            ["D", "01/01/2005", "WBRI", "V3", "01/01/2013", None, None],  # short breaks
            ["E", "01/01/2005", "WBRI", "C2", "01/01/2013", None, "Y"],  # short breaks flag
            ["F", "01/01/2014", "OOTH", "E1", "01/04/2014", None, None],  # not yet in care
        ],
    )
    assert f.looked_after == 2
    assert f.looked_after_short_breaks == 2
    age = f.tables["looked_after_age"]
    assert age.current("1-4") == 1 and age.current("10-15") == 1
    assert age.value("5-9", 2014).bracket == 2  # both short-breaks children are 9
    total = age.totals[2014]  # printed "2 (4)": counted, then including short breaks
    assert (total.number, total.bracket) == (2, 4)
    assert f.tables["legal_status"].current("S20 Accommodated by agreement of parents") == 1
    assert "2 short-breaks children were also looked after on 31 March 2014; the tables" in said(f)
    assert "short-breaks children were also" not in said(figures(tmp_path))


def test_review_due_dates_chain_from_becoming_looked_after(tmp_path: Path) -> None:
    f = figures(
        tmp_path,
        children=[
            ["A", "01/01/2010", "WBRI", "C2", "01/05/2013", None, None],
        ],
        reviews=[
            ["A", "29/05/2013", None],  # first: due 28 days after 1 May = 29 May, on time
            ["A", "28/08/2013", None],  # second: due 90 days after 29 May = 27 August, 1 day late
            ["A", "20/02/2014", None],  # third: due 180 days after 28 August = 24 February
        ],
    )
    table = f.tables["reviews"]
    assert table.current("Reviews held") == 3
    assert table.current("Out of time") == 1
    assert [(m.due, m.days_late) for m in f.late_reviews] == [(date(2013, 8, 27), 1)]
    assert table.value("% on time", 2014).number == 66.7


def test_an_earlier_years_review_anchors_the_chain_without_a_due_date(tmp_path: Path) -> None:
    f = figures(
        tmp_path,
        children=[["A", "01/01/2005", "WBRI", "C2", "01/01/2012", None, None]],
        reviews=[
            ["A", "15/01/2013", None],  # 2012/13: only there to anchor the chain
            ["A", "10/07/2013", None],  # due 180 days after 15 January = 14 July: on time
            ["A", "20/01/2014", None],  # due 180 days after 10 July = 6 January: 14 days late
        ],
    )
    assert f.tables["reviews"].current("Reviews held") == 2
    assert [(m.due, m.days_late) for m in f.late_reviews] == [(date(2014, 1, 6), 14)]


@pytest.mark.parametrize(
    ("policy", "due"),
    [("seed", date(2013, 6, 8)), ("2010-regulations", date(2013, 6, 10))],
)
def test_a_first_review_held_before_the_year_makes_the_next_the_second(
    tmp_path: Path, policy: ReviewPolicy, due: date
) -> None:
    """Looked after on 15 February 2013: the first review (due 15 March, in 28 days or in
    20 working days) was held on 10 March, before the year, so 20 June is the second
    review, due 90 days (or 3 months) later, not a later one due in 180 days (6 months)."""
    f = figures(
        tmp_path,
        children=[["A", "01/01/2009", "WBRI", "C1", "15/02/2013", None, None]],
        reviews=[["A", "10/03/2013", None], ["A", "20/06/2013", None]],
        policy=policy,
    )
    assert [(m.held, m.due) for m in f.late_reviews] == [(date(2013, 6, 20), due)]


def test_a_child_back_in_care_has_reviews_timed_from_the_new_period(tmp_path: Path) -> None:
    """The Children row holds the latest period of care (from 2 November 2013): its first
    review is due 28 days after it, not 90 days after the earlier period's review."""
    f = figures(
        tmp_path,
        children=[["A", "05/05/2008", "WBRI", "V2", "02/11/2013", None, None]],
        reviews=[
            ["A", "27/05/2013", "29/05/2013"],  # the earlier period: its due date given
            ["A", "25/11/2013", None],  # first of the new period: due 30 November
            ["A", "20/02/2014", None],  # second: due 90 days after 25 November = 23 February
        ],
    )
    assert f.tables["reviews"].current("Reviews held") == 3
    assert f.late_reviews == []


def test_a_review_of_an_earlier_period_of_care_needs_its_due_date(tmp_path: Path) -> None:
    with pytest.raises(FiguresError) as caught:
        figures(
            tmp_path,
            children=[["A", "05/05/2008", "WBRI", "V2", "02/11/2013", None, None]],
            reviews=[["A", "27/05/2013", None], ["A", "25/11/2013", None]],
        )
    (problem,) = caught.value.problems
    assert (problem.code, problem.location) == ("due-date-unknown", "Reviews!C2")
    assert "before the child became looked after on 02/11/2013" in problem.message
    assert "the date this period of care began as Date Became Looked After" in problem.expected


def test_reviews_outside_the_childs_care_or_listed_twice_are_warned_and_counted(
    tmp_path: Path,
) -> None:
    """One row per child holds the latest episode of care: a child who left and came
    back has reviews outside it, so these are warnings, not errors."""
    f = figures(
        tmp_path,
        children=[["A", "01/01/2005", "WBRI", "C2", "01/06/2013", "01/10/2013", None]],
        reviews=[
            ["A", "01/05/2013", "01/06/2013"],  # before care began
            ["A", "20/06/2013", None],
            ["A", "20/06/2013", None],  # the same review again
            ["A", "01/01/2014", "01/01/2014"],  # after care ended
        ],
    )
    assert [(w.location, w.severity) for w in f.warnings] == [
        ("Reviews!B2", "warning"),
        ("Reviews!B4", "warning"),
        ("Reviews!B5", "warning"),
    ]
    assert f.warnings[0].message == (
        "Review Date 01/05/2013 of child 'A' is before the child became looked after; it is counted"
    )
    assert "repeats the review in row 3" in f.warnings[1].message
    assert "after the child ceased to be looked after" in f.warnings[2].message
    assert f.tables["reviews"].current("Reviews held") == 4


def test_a_short_breaks_childs_review_is_not_counted_so_needs_no_due_date(
    tmp_path: Path,
) -> None:
    """In care since 2010 for short breaks: the review cannot be timed, but it is left out
    of the count like the child, so it cannot hold the report up."""
    f = figures(
        tmp_path,
        children=[
            ["S", "01/01/2005", "WBRI", "V3", "01/01/2010", None, None],
            ["A", "01/01/2005", "WBRI", "C2", "01/01/2010", None, None],
        ],
        reviews=[["S", "10/06/2013", None], ["A", "10/06/2013", "01/07/2013"]],
    )
    assert f.tables["reviews"].current("Reviews held") == 1


def test_a_review_after_the_year_is_not_counted_so_needs_no_due_date(tmp_path: Path) -> None:
    """An export taken in May lists April's reviews: they are next year's."""
    f = figures(
        tmp_path,
        children=[["A", "01/01/2005", "WBRI", "C2", "01/01/2010", None, None]],
        reviews=[["A", "10/04/2014", None]],
    )
    assert f.tables["reviews"].current("Reviews held") == 0


def test_review_whose_previous_review_is_unknown_needs_a_due_date(tmp_path: Path) -> None:
    with pytest.raises(FiguresError) as caught:
        figures(
            tmp_path,
            children=[
                ["A", "01/01/2010", "WBRI", "C2", "01/05/2011", None, None],
            ],
            reviews=[["A", "10/06/2013", None]],
        )
    (problem,) = caught.value.problems
    assert problem.code == "due-date-unknown"
    assert problem.location == "Reviews!C2"


def test_late_conference_counts_even_with_approval(tmp_path: Path) -> None:
    f = figures(
        tmp_path,
        conferences=[
            ["K1", "Initial", "12/05/2014", "10/04/2014", None, None, "Service Manager"],
            # 15 working days after Wed 10 April 2013 (Easter was 29 March-1 April): 1 May,
            # held on its due date, so on time.
            ["K2", "Initial", "01/05/2013", "10/04/2013", None, None, None],
            ["K3", "Review", "01/10/2013", None, "01/04/2013", None, None],  # 6 months: on time
        ],
    )
    conf = f.tables["conferences"]
    assert conf.current("Initial conferences") == 1  # K1 falls after the year
    assert conf.current("Held out of time") == 0
    f2 = figures(
        tmp_path,
        conferences=[
            ["K1", "Initial", "15/05/2013", "10/04/2013", None, None, "Service Manager"],
        ],
    )
    (late,) = f2.late_conferences
    assert late.approved_by == "Service Manager" and late.days_late > 0
    assert f2.tables["conferences"].current("Held out of time") == 1


def test_a_review_conference_judged_on_an_assumption_is_a_warning(tmp_path: Path) -> None:
    f = figures(
        tmp_path,
        conferences=[
            ["K1", "Review", "01/06/2013", None, "01/04/2013", None, None],  # in 3 months: sure
            ["K2", "Review", "01/10/2013", None, "01/04/2013", None, None],  # 6 only if a review
            ["K3", "Review", "01/11/2013", None, "01/05/2013", None, None],
        ],
    )
    (warning,) = f.warnings
    assert (warning.code, warning.location) == ("assumed-previous-review", "CP Conferences!E3")
    assert warning.message.startswith("2 review conference(s) held more than 3 months")
    assert f.tables["conferences"].current("Held out of time") == 0


def test_new_plans_count_children_and_snapshot_counts_families(tmp_path: Path) -> None:
    f = figures(
        tmp_path,
        plans=[
            ["P1", "F1", "01/05/2013", None, "NEG"],
            ["P2", "F1", "01/05/2013", None, "Neglect"],
            ["P3", "F2", "01/01/2013", "01/06/2013", "EMO"],  # started before the year
            ["P3", "F2", "01/07/2013", "01/03/2014", "PHY"],  # again in the year, ended
        ],
    )
    cp = f.tables["cp_category"]
    assert (cp.current("Neglect"), cp.current("Physical Abuse"), cp.current("Emotional Abuse")) == (
        2,
        1,
        0,
    )
    assert (f.cp_children, f.cp_families) == (2, 1)


def test_adoption_bands_by_age_at_placement(tmp_path: Path) -> None:
    f = figures(
        tmp_path,
        adoptions=[
            ["X1", "01/06/2012", "31/05/2013"],  # 0 -> Under 1
            ["X2", "01/06/2012", "01/06/2013"],  # 1 -> 1-2
            ["X3", "01/06/2008", "01/06/2013"],  # 5 -> 5-10
            ["X4", "01/06/2001", "01/06/2013"],  # 12 -> an extra band appears
            ["X5", "01/06/2001", "01/06/2012"],  # before the year: not counted
        ],
    )
    table = f.tables["adoptions"]
    assert table.rows[-1] == "11 and over"
    assert [table.current(r) for r in table.rows] == [1, 1, 0, 1, 1]


def test_history_totals_print_as_published_else_summed(tmp_path: Path) -> None:
    f = figures(
        tmp_path,
        history=[
            ["Age", "10-15", 2013, "89 (1)"],
            ["Age", "Total", 2013, "265 (267)"],
            ["Ethnicity", "White", 2013, 5],
            ["Ethnicity", "Mixed", 2013, "-"],
            ["Ethnicity", "Whte", 2013, 2],
        ],
    )
    assert f.tables["looked_after_age"].totals[2013].published == "265 (267)"
    assert f.tables["ethnicity"].totals[2013].number == 5
    (warning,) = [w for w in f.warnings if w.code != "missing-history"]
    assert warning.code == "unused-history" and warning.location == "History!B6"


def test_an_unpublished_age_total_is_summed_as_the_report_prints_one(tmp_path: Path) -> None:
    """Bands "89 (1)" and "50 (1)" with no Total row give "139 (141)", not "139 (2)"."""
    f = figures(
        tmp_path, history=[["Age", "10-15", 2013, "89 (1)"], ["Age", "16-18", 2013, "50 (1)"]]
    )
    total = f.tables["looked_after_age"].totals[2013]
    assert (total.number, total.bracket) == (139, 141)
    assert show(total, total=True) == "139 (141)"  # not "139 (141.0)": History numbers are floats


def test_adult_still_in_care_is_a_warning(tmp_path: Path) -> None:
    """Care ends on the 18th birthday: 18 on 31 March (B) is an adult too; 17 (C) is not."""
    f = figures(
        tmp_path,
        children=[
            ["A", "01/01/1994", "WBRI", "C2", "01/01/2010", None, None],
            ["B", "31/03/1996", "WBRI", "C2", "01/01/2010", None, None],
            ["C", "01/04/1996", "WBRI", "C2", "01/01/2010", None, None],
        ],
    )
    assert [(w.code, w.location) for w in f.warnings] == [
        ("adult-looked-after", "Children!F2"),
        ("adult-looked-after", "Children!F3"),
    ]
    assert f.tables["looked_after_age"].current("16-18") == 3


def test_caseload_per_fte_iro(tmp_path: Path) -> None:
    children = [[f"C{i}", "01/01/2010", "WBRI", "C2", "01/01/2013", None, None] for i in range(9)]
    f = figures(
        tmp_path, children=children, staff=[("A", "IRO", 1), ("B", "IRO", 0.5), ("C", "Manager", 1)]
    )
    assert f.caseload_per_iro == 6.0
    assert f.staff_fte["IRO"] == 1.5


def test_disputes_resolved_after_31_march_were_open_on_it(tmp_path: Path) -> None:
    f = figures(
        tmp_path,
        children=[["A", "01/01/2010", "WBRI", "C2", "01/01/2013", None, None]],
        disputes=[
            ["D1", "A", "01/05/2013", 1, "10/05/2013", "N"],  # resolved in the year
            ["D2", "A", "01/03/2014", 2, "10/04/2014", "N"],  # resolved after: open on 31 March
            ["D3", "A", "01/06/2013", 3, None, None],  # never resolved: open
            ["D4", "A", "01/07/2013", 4, "01/09/2013", "Y"],  # went to CAFCASS
            ["D5", "A", "01/03/2013", 2, "10/03/2013", "N"],  # raised the year before
        ],
    )
    assert f.disputes == {
        "raised": 4,
        "stage_1": 1,
        "stage_2": 1,
        "stage_3": 1,
        "stage_4": 1,
        "resolved_internally": 1,
        "escalated_to_cafcass": 1,
        "open": 2,
    }


def test_a_misspelt_or_missing_setting_is_a_warning(tmp_path: Path) -> None:
    f = figures(tmp_path, settings=[["Service", "IRO Service"], ["Councill", "Testshire"]])
    assert [(w.code, w.location, w.severity) for w in f.warnings] == [
        ("unknown-setting", "Report!A3", "warning"),
        ("missing-setting", "Report", "warning"),
    ]


def test_the_chne_group_setting_takes_any_case(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCGEN_CHNE_GROUP", "asian")
    assert Settings().chne_group == "Asian"
    monkeypatch.setenv("DOCGEN_CHNE_GROUP", "Chinese")
    with pytest.raises(ValueError, match="chne_group"):
        Settings()


def test_a_cafcass_flag_contradicting_the_stage_is_counted_by_the_stage(tmp_path: Path) -> None:
    """Either way round: the escalation count must agree with the stage table beside it."""
    f = figures(
        tmp_path,
        children=[["A", "01/01/2010", "WBRI", "C2", "01/01/2013", None, None]],
        disputes=[
            ["D1", "A", "01/05/2013", 4, "10/05/2013", "N"],
            ["D2", "A", "01/06/2013", 1, "10/06/2013", "Y"],
        ],
    )
    assert f.disputes["escalated_to_cafcass"] == 1 and f.disputes["resolved_internally"] == 1
    assert [(w.location, w.severity) for w in f.warnings] == [
        ("Disputes!F2", "warning"),
        ("Disputes!F3", "warning"),
    ]
    assert f.warnings[0].message.endswith("counted as escalated")
    assert f.warnings[1].message.endswith("counted as not escalated")


def test_history_takes_thousands_as_the_report_prints_them(tmp_path: Path) -> None:
    """A published table pasted back in says 1,850: it is 1850, printed as published."""
    f = figures(tmp_path, history=[["Legal status", "Care Order", 2013, "1,850"]])
    value = f.tables["legal_status"].value("Care Order", 2013)
    assert (value.number, show(value)) == (1850, "1,850")


def test_a_history_percentage_over_100_is_an_error(tmp_path: Path) -> None:
    """99.5 typed into a cell formatted as a percentage reads 9950%: the report printed it."""
    path = build_workbook(
        tmp_path / "annual_2014.xlsx",
        {
            "Report": [["Setting", "Value"]],
            "Children": [CHILD],
            "Reviews": [REVIEW],
            "CP Plans": [PLAN],
            "CP Conferences": [CONF],
            "Staff": [["Name", "Role", "FTE"], ["Ann", "IRO", 1]],
            "History": [
                ["Table", "Row", "Year", "Value"],
                ["Reviews", "% On time", 2013, "9950%"],
                ["Reviews", "% On time", 2012, "100"],
            ],
        },
    )
    _, report = validate_workbook(read_workbook(path), ANNUAL)
    history = [p for p in report.problems if p.sheet == "History"]
    assert [(p.code, p.location) for p in history] == [("inconsistent-row", "History!D2")]
    assert history[0].message.endswith("is more than 100%")


def test_staffing_is_told_to_the_quarter_post_and_in_the_singular(tmp_path: Path) -> None:
    """0.25 FTE printed 0.2; one child read "1 children"."""
    f = figures(
        tmp_path,
        children=[["A", "01/01/2010", "WBRI", "C2", "01/01/2013", None, None]],
        staff=[("Ann", "IRO", 1), ("Bo", "IRO", 1), ("Cy", "IRO", 0.75), ("Di", "Manager", 0.25)],
    )
    staffing = annual_context(f)["sections"]["staffing"]
    assert (
        "Each full-time IRO had 0.4 looked after children on 31 March 2014, below the IRO "
        "Handbook's guideline of 50 to 70, which counts looked after children only."
    ) in said(f)
    cells = {row["label"]: row["cells"] for row in staffing["rows"]}
    assert cells["Independent Reviewing Officers (FTE)"] == ["2.75"]
    assert cells["Managers (FTE)"] == ["0.25"]


def test_no_comparison_with_a_year_history_skips(tmp_path: Path) -> None:
    """History with 2012 but not 2013: "a year earlier" would compare 2014 with 2012."""
    f = figures(
        tmp_path,
        children=[["A", "01/01/2010", "WBRI", "C2", "01/01/2013", None, None]],
        history=[["Legal status", "Care Order", 2012, 9], ["Legal status", "Total", 2012, 9]],
    )
    assert "a year before" not in said(f)
    f = figures(
        tmp_path,
        children=[["A", "01/01/2010", "WBRI", "C2", "01/01/2013", None, None]],
        history=[["Legal status", "Care Order", 2013, 9], ["Legal status", "Total", 2013, 9]],
    )
    assert "1 child was looked after on 31 March 2014, 8 fewer than on 31 March a year" in said(f)


def test_a_history_figure_given_twice_is_an_error(tmp_path: Path) -> None:
    """Care Order 2013 given as 10 and as 7: the report printed whichever came last."""
    path = build_workbook(
        tmp_path / "annual_2014.xlsx",
        {
            "History": [
                ["Table", "Row", "Year", "Value"],
                ["Legal status", "Care Order", 2013, 10],
                ["Legal status", "Care Order", 2012, 8],
                ["legal status", "care  order", 2013, 7],
            ],
        },
    )
    _, report = validate_workbook(read_workbook(path), ANNUAL)
    (repeat,) = [p for p in report.problems if p.sheet == "History"]
    assert (repeat.code, repeat.location) == ("listed-twice", "History!B4")
    assert repeat.message == (
        "Row 'care  order' is listed more than once for Table 'Legal Status', Year 2013 "
        "(first in row 2)"
    )


def test_a_published_adoption_band_is_kept_when_nobody_that_old_was_placed(
    tmp_path: Path,
) -> None:
    """'11 and over' in History's 2012/13 must print, though no child of 11 was placed in
    2013/14: dropped, that year's rows added up to less than its total."""
    f = figures(
        tmp_path,
        history=[["Adoptions", "5-10", 2013, 3], ["Adoptions", "11 and over", 2013, 1]],
    )
    table = f.tables["adoptions"]
    assert "11 and over" in table.rows
    assert table.value("11 and over", 2013).number == 1
    assert [w.code for w in f.warnings if w.code != "missing-history"] == []


def test_a_year_with_none_says_no_children_not_0_children(tmp_path: Path) -> None:
    """No adoptions and no new plans in the year, some the year before: the sentences
    read as a report would put them."""
    f = figures(
        tmp_path,
        history=[["Adoptions", "1-2", 2013, 3], ["Category of Abuse", "Neglect", 2013, 4]],
    )
    text = said(f)
    assert "No children were looked after on 31 March 2014." in text
    assert (
        "No children were placed for adoption in 2013/14, 3 fewer (100%) than in 2012/13."
    ) in text
    assert (
        "No children became subject of a child protection plan in 2013/14, 4 fewer (100%) "
        "than in 2012/13."
    ) in text
    assert not re.search(r"\b0 children (were|was) (placed|looked|became)", text)


def test_late_conferences_are_told_in_date_order_like_late_reviews(tmp_path: Path) -> None:
    """The sheet lists conferences as they were typed; the report tells the late ones
    in the order they were held, so the five described are the earliest."""
    f = figures(
        tmp_path,
        conferences=[
            ["K1", "Initial", "20/12/2013", "20/11/2013", None, None, None],  # due 11 December
            ["K2", "Initial", "15/05/2013", "10/04/2013", None, None, "Service Manager"],
        ],
    )
    assert [m.held for m in f.late_conferences] == [date(2013, 5, 15), date(2013, 12, 20)]
    text = said(f)
    first = text.index("One initial conference was held on 15 May 2013, 14 days after its due date")
    assert first < text.index("One initial conference was held on 20 December 2013")


def test_a_history_year_typed_as_a_period_says_which_year_it_is(tmp_path: Path) -> None:
    """Published tables head their columns 2012/13: is that 2012 or 2013? The error says."""
    path = build_workbook(
        tmp_path / "annual_2014.xlsx",
        {
            "History": [
                ["Table", "Row", "Year", "Value"],
                ["Age", "Total", "31/03/2013", 265],
                ["Adoptions", "Total", "2012/13", 25],
            ]
        },
    )
    _, report = validate_workbook(read_workbook(path), ANNUAL)
    history = [p for p in report.problems if p.sheet == "History"]
    expected = "the year the period ends, as a whole number: 2014 for 2013/14"
    assert [(p.location, p.expected) for p in history] == [
        ("History!C2", expected),
        ("History!C3", expected),
    ]


def test_a_tie_for_the_largest_group_names_every_row_that_shares_it(tmp_path: Path) -> None:
    f = figures(
        tmp_path,
        children=[
            ["A", "01/01/2011", "WBRI", "C2", "01/01/2013", None, None],  # 3: 1-4
            ["B", "01/01/2007", "WBRI", "C2", "01/01/2013", None, None],  # 7: 5-9
        ],
        plans=[
            ["P1", "F1", "01/05/2013", None, "NEG"],
            ["P2", "F2", "01/06/2013", None, "EMO"],
        ],
    )
    text = said(f)
    assert "Children aged 1-4 and 5-9 were the largest groups (1 each)." in text
    assert "; neglect and emotional abuse were the most common categories (1 each)." in text


# --------------------------------------------------------------------------- citations


def test_citations_print_the_figure_as_its_table_does(tmp_path: Path) -> None:
    f = figures(
        tmp_path,
        children=[["A", "01/01/2010", "WBRI", "C2", "01/01/2013", None, None]],
        disputes=[["AL1", "A", "01/05/2013", 2, None, "N"]],
        narrative=[
            ["Dispute resolution", "[[Alerts open at 31 March]] alert was open; {{ x }} stays."],
            ["Timeliness of reviews", "Reviews on time: [[reviews on time %]]."],
        ],
        priorities=[["Keep [[legal status care order]] care orders under review.", None]],
    )
    text = said(f)
    assert "1 alert was open; {{ x }} stays." in text
    assert "Reviews on time: -." in text  # no reviews: the table's own "-"
    assert "Keep 1 care orders under review." in text


def test_an_unknown_citation_is_an_error_at_its_cell_with_the_nearest_names(
    tmp_path: Path,
) -> None:
    with pytest.raises(FiguresError) as caught:
        figures(
            tmp_path,
            narrative=[
                ["Executive summary", "Fine."],
                ["Dispute resolution", "[[alerts opened at 31 March]] were open."],
            ],
            priorities=[["[[nonsense]]", None]],
        )
    first, second = caught.value.problems
    assert (first.code, first.location) == ("unknown-figure", "Narrative!B3")
    assert "nearest: alerts open at 31 March" in first.message
    assert second.location == "Priorities!A2"


def test_every_name_a_report_computes_is_documented(tmp_path: Path) -> None:
    """And every name documented is computed: prose citing it must not be refused."""
    documented = {name for name, _ in citable_names()}
    f = figures(tmp_path, adoptions=[["X", "01/01/2000", "01/05/2013"]])
    assert f.figures == {}  # no Figures sheet: every name is one docgen computes
    assert set(f.named) == documented
