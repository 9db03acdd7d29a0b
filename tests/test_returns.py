"""The annual tables derived from DfE returns, each rule on small hand-written returns."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import pytest

from docgen import annual, pipeline
from docgen.annual import AnnualFigures
from docgen.errors import Problem
from docgen.models import ANNUAL, Adoption, Child, CPConference, CPPlan, Review
from docgen.returns import annual_tables, read_returns
from docgen.returns.derive import Derived, derive
from docgen.returns.merge import check_returns
from docgen.settings import Settings
from docgen.workbook import read_workbook
from tests.conftest import SAMPLES

HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB"
EPISODES = (
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN"
)
REVIEWS = "CHILD,DOB,REVIEW,REVIEW_CODE"


def header(*children: str) -> str:
    return "\n".join([HEADER, *(f"{c},1,01/02/2008,WBRI,,," for c in children)])


def episode(child: str, decom: str, rne: str, ls: str, dec: str = "", rec: str = "") -> str:
    return f"{child},{decom},{rne},{ls},N1,U1,PR1,{dec},{rec},,,,"


def returns(folder: Path, **files: str) -> Path:
    """Write each ``name=text`` as ``name.csv`` (the names are not what makes a table)."""
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / f"{name}.csv").write_text(text + "\n", encoding="utf-8")
    return folder


def derived(folder: Path, year: int = 2014) -> Derived:
    found = read_returns(folder, 10**8)
    result = derive(found.ssda903, found.census, year)
    result.problems[:0] = found.problems
    return result


def one_child(result: Derived) -> Child:
    (child,) = result.tables[Child]
    return child


# --------------------------------------------------------------------------- periods of care


def test_episodes_chained_by_x1_make_one_period_legal_status_of_the_last(tmp_path: Path) -> None:
    folder = returns(
        tmp_path / "r",
        a=header("C1"),
        b="\n".join(
            [
                EPISODES,
                episode("C1", "03/05/2012", "S", "C1", "20/09/2012", "X1"),
                episode("C1", "20/09/2012", "L", "C2", "02/01/2014", "X1"),
                episode("C1", "02/01/2014", "P", "C2"),
            ]
        ),
    )
    result = derived(folder)
    assert result.problems == []
    child = one_child(result)
    assert (child.became_looked_after, child.legal_status, child.date_ceased) == (
        date(2012, 5, 3),
        "C2",
        None,
    )


def test_an_open_episode_may_carry_x1_as_some_systems_export_it(tmp_path: Path) -> None:
    folder = returns(
        tmp_path / "r",
        h=header("C1"),
        e=f"{EPISODES}\n" + episode("C1", "03/05/2013", "S", "V2", "", "X1"),
    )
    result = derived(folder)
    assert result.problems == []
    assert one_child(result).date_ceased is None


def test_ceased_and_reason_come_from_the_periods_last_episode(tmp_path: Path) -> None:
    folder = returns(
        tmp_path / "r",
        h=header("C1"),
        e="\n".join(
            [
                EPISODES,
                episode("C1", "03/05/2013", "S", "C1", "01/08/2013", "X1"),
                episode("C1", "01/08/2013", "L", "C2", "14/02/2014", "E41"),
            ]
        ),
    )
    child = one_child(derived(folder))
    assert (child.legal_status, child.date_ceased, child.reason_ceased) == (
        "C2",
        date(2014, 2, 14),
        "E41",
    )


def test_two_periods_in_a_year_the_latest_is_the_childs_row_and_each_review_timed_by_its_own(
    tmp_path: Path,
) -> None:
    folder = returns(
        tmp_path / "r",
        h=header("C1"),
        e="\n".join(
            [
                EPISODES,
                episode("C1", "10/04/2013", "S", "V2", "20/06/2013", "E4A"),
                episode("C1", "01/10/2013", "S", "C1"),
            ]
        ),
        r="\n".join([REVIEWS, "C1,01/02/2008,10/05/2013,PN1", "C1,01/02/2008,25/10/2013,PN6"]),
    )
    result = derived(folder)
    assert result.problems == []
    child = one_child(result)
    assert (child.became_looked_after, child.legal_status) == (date(2013, 10, 1), "C1")
    reviews = {r.review_date: r for r in result.tables[Review]}
    # The first period's review is due 28 days after its own DECOM; the second period's
    # is left for the report, which times it from the Children row's DECOM.
    assert reviews[date(2013, 5, 10)].due_date == date(2013, 5, 8)
    assert reviews[date(2013, 10, 25)].due_date is None
    assert reviews[date(2013, 10, 25)].participation == "PN6"


def test_short_breaks_are_a_row_left_out_of_the_counts_and_never_hide_a_full_period(
    tmp_path: Path,
) -> None:
    folder = returns(
        tmp_path / "r",
        h=header("SB", "C2"),
        e="\n".join(
            [
                EPISODES,
                episode("SB", "01/01/2013", "S", "V3"),
                episode("C2", "01/06/2012", "S", "C2"),
                episode("C2", "01/07/2013", "S", "V4", "04/07/2013", "E8"),
            ]
        ),
    )
    # C2's short break has its own period, with a DECOM before the open full one's
    # end: that is a contradiction (overlap), so give the full period an end first.
    result = derived(folder)
    assert [p.code for p in result.problems] == ["episode-after-open-episode"]
    folder = returns(
        tmp_path / "s",
        h=header("SB", "C2"),
        e="\n".join(
            [
                EPISODES,
                episode("SB", "01/01/2013", "S", "V3"),
                episode("C2", "01/06/2012", "S", "C2", "01/09/2013", "E4A"),
                episode("C2", "01/12/2013", "S", "V4"),
            ]
        ),
    )
    result = derived(folder)
    rows = {c.child_id: c for c in result.tables[Child]}
    assert rows["SB"].is_short_breaks and rows["SB"].legal_status == "V3"
    assert rows["C2"].legal_status == "C2" and rows["C2"].reason_ceased == "E4A"
    tables = _tables(result)
    figures = annual.compute(tables, 2014)
    assert (figures.looked_after, figures.looked_after_short_breaks) == (0, 1)


def _tables(result: Derived) -> pipeline.Tables:
    from docgen.validate import SheetRows

    sheets = {s.model: SheetRows(model=s.model, sheet_name=s.model.sheet) for s in ANNUAL.sheets}
    sheets |= result.tables
    return pipeline.Tables(spec=ANNUAL, sheets=sheets)


def test_a_child_no_longer_looked_after_in_the_year_is_not_a_row(tmp_path: Path) -> None:
    folder = returns(
        tmp_path / "r",
        h=header("OLD"),
        e=f"{EPISODES}\n" + episode("OLD", "01/01/2011", "S", "C2", "01/03/2013", "E4A"),
    )
    result = derived(folder)
    assert result.problems == [] and len(result.tables[Child]) == 0


def test_placed_for_adoption_gives_the_adoptions_table(tmp_path: Path) -> None:
    folder = returns(
        tmp_path / "r",
        h=header("C1"),
        e=f"{EPISODES}\n" + episode("C1", "01/01/2012", "S", "E1"),
        p="CHILD,DOB,DATE_PLACED,DATE_PLACED_CEASED,REASON_PLACED_CEASED\n"
        "C1,01/02/2011,14/11/2013,,",
    )
    (placed,) = derived(folder).tables[Adoption]
    assert (placed.child_id, placed.dob, placed.date_placed) == (
        "C1",
        date(2011, 2, 1),
        date(2013, 11, 14),
    )


# --------------------------------------------------------------------------- contradictions


CONTRADICTIONS = {
    "overlapping-episodes": (
        [
            episode("C1", "01/05/2013", "S", "C1", "01/09/2013", "X1"),
            episode("C1", "01/08/2013", "L", "C2"),
        ],
        [],
        ("episodes.csv", 3, "DECOM"),
    ),
    "episode-after-open-episode": (
        [episode("C1", "01/05/2013", "S", "C1"), episode("C1", "01/08/2013", "L", "C2")],
        [],
        ("episodes.csv", 3, "DECOM"),
    ),
    "ceased-without-date": (
        [episode("C1", "01/05/2013", "S", "C1", "", "E4A")],
        [],
        ("episodes.csv", 2, "REC"),
    ),
    "review-outside-care": (
        [episode("C1", "01/05/2013", "S", "C1", "01/09/2013", "E4A")],
        ["C1,01/02/2008,20/10/2013,PN1"],
        ("reviews.csv", 2, "REVIEW"),
    ),
    "broken-chain": (
        [
            episode("C1", "01/05/2013", "S", "C1", "01/09/2013", "X1"),
            episode("C1", "05/09/2013", "S", "C2"),
        ],
        [],
        ("episodes.csv", 2, "REC"),
    ),
}


@pytest.mark.parametrize("code", list(CONTRADICTIONS))
def test_a_return_that_contradicts_itself_is_refused_at_its_file_line_and_field(
    tmp_path: Path, code: str
) -> None:
    episodes, reviews, (file, line, field) = CONTRADICTIONS[code]
    folder = returns(
        tmp_path / "r",
        header=header("C1"),
        episodes="\n".join([EPISODES, *episodes]),
        reviews="\n".join([REVIEWS, *reviews]),
    )
    report = check_returns(folder, 2014, Settings())
    assert not report.ok
    assert [(p.code, p.file, p.line, p.column) for p in report.errors] == [
        (code, file, line, field)
    ]
    assert report.errors[0].location == f"{file} line {line}, {field}"


def test_a_child_listed_twice_in_the_header_is_refused(tmp_path: Path) -> None:
    folder = returns(
        tmp_path / "r",
        header=header("C1", "C2", "C1"),
        episodes=f"{EPISODES}\n" + episode("C1", "01/05/2013", "S", "C1"),
    )
    report = check_returns(folder, 2014, Settings())
    assert [(p.code, str(p)) for p in report.errors] == [
        (
            "duplicate-child",
            "header.csv line 4, CHILD: child 'C1' is listed twice (header.csv "
            "line 2); expected one header row per child",
        ),
    ]


def test_every_error_is_listed_with_a_count_of_each_kind(tmp_path: Path) -> None:
    rows = [episode(f"C{i}", "01/05/2013", "S", "C1", "", "E4A") for i in range(700)]
    folder = returns(
        tmp_path / "r",
        header=header(*(f"C{i}" for i in range(700))),
        episodes="\n".join([EPISODES, *rows, "C9999,31/02/2013,S,C1,N1,U1,PR1,,,,,,"]),
    )
    report = check_returns(folder, 2014, Settings())
    assert report.error_total == 701 and len(report.errors) == 701 and not report.truncated
    counted = [(g.code, g.sheet, g.column, g.count) for g in report.groups()]
    assert counted == [
        ("ceased-without-date", "episodes.csv", "REC", 700),
        ("invalid-date", "episodes.csv", "DECOM", 1),
    ]


def test_a_cell_that_cannot_be_read_names_its_line_field_and_value(tmp_path: Path) -> None:
    folder = returns(
        tmp_path / "r",
        header=header("C1"),
        episodes=f"{EPISODES}\n" + episode("C1", "01/05/2013", "S", "Z9"),
    )
    (error,) = check_returns(folder, 2014, Settings()).errors
    assert (error.code, error.location, error.value) == (
        "invalid-code",
        "episodes.csv line 2, LS",
        "Z9",
    )


# --------------------------------------------------------------------------- XML


CLA_XML = """<?xml version="1.0" encoding="UTF-8"?>
<EXPSSDA903>
  <CHILD>
    <HEADER><CHILDID>C1</CHILDID><SEX>2</SEX><DOB>01/02/2008</DOB><ETHNIC>MWBC</ETHNIC>
      <AREVIEW><REVIEW>20/06/2013</REVIEW><REVIEW_CODE>PN1</REVIEW_CODE></AREVIEW>
    </HEADER>
    <EPISODE><DECOM>01/05/2013</DECOM><RNE>S</RNE><LS>C1</LS><PL>U1</PL>
      <DEC>01/09/2013</DEC><REC>X1</REC></EPISODE>
    <EPISODE><DECOM>01/09/2013</DECOM><RNE>L</RNE><LS>C2</LS><PL>U1</PL></EPISODE>
  </CHILD>
</EXPSSDA903>
"""


def test_the_ssda903_xml_gives_the_same_rows_as_the_csv_files(tmp_path: Path) -> None:
    folder = tmp_path / "x"
    folder.mkdir()
    (folder / "cla.xml").write_text(CLA_XML, encoding="utf-8")
    result = derived(folder)
    assert result.problems == []
    child = one_child(result)
    assert (child.ethnicity, child.legal_status, child.became_looked_after) == (
        "MWBC",
        "C2",
        date(2013, 5, 1),
    )
    (review,) = result.tables[Review]
    assert (review.review_date, review.participation) == (date(2013, 6, 20), "PN1")


CENSUS = """<?xml version="1.0" encoding="UTF-8"?>
<Message>
  <Header><CollectionDetails><Collection>CIN</Collection><Year>2014</Year>
    <ReferenceDate>2014-03-31</ReferenceDate></CollectionDetails></Header>
  <Children>
    <Child>
      <ChildIdentifiers><LAchildID>K1</LAchildID><PersonBirthDate>2009-06-01</PersonBirthDate>
      </ChildIdentifiers>
      <CINdetails>
        <CINreferralDate>2013-05-01</CINreferralDate>
        <Section47><S47ActualStartDate>2013-05-06</S47ActualStartDate>
          <DateOfInitialCPC>2013-05-29</DateOfInitialCPC></Section47>
        <ChildProtectionPlans>
          <CPPstartDate>2013-05-29</CPPstartDate>
          <InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse>
          <Reviews><CPPreviewDate>2013-08-20</CPPreviewDate>
            <CPPreviewDate>2014-02-25</CPPreviewDate></Reviews>
        </ChildProtectionPlans>
      </CINdetails>
    </Child>
    <Child>
      <ChildIdentifiers><LAchildID>K1</LAchildID></ChildIdentifiers>
    </Child>
  </Children>
</Message>
"""


def test_the_cin_census_gives_plans_and_conferences_per_child(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "census.xml").write_text(CENSUS, encoding="utf-8")
    result = derived(folder)
    (duplicate,) = result.problems
    assert (duplicate.code, duplicate.file, duplicate.path) == (
        "duplicate-child",
        "census.xml",
        "Message/Children[1]/Child[2]/ChildIdentifiers[1]/LAchildID",
    )
    (plan,) = result.tables[CPPlan]
    assert (plan.child_id, plan.family_id, plan.plan_start, plan.category) == (
        "K1",
        "K1",
        date(2013, 5, 29),
        "NEG",
    )
    conferences = [
        (
            c.conference_type,
            c.conference_date,
            c.strategy_discussion_date,
            c.previous_conference_date,
            c.previous_conference_type,
        )
        for c in result.tables[CPConference]
    ]
    assert conferences == [
        ("Initial", date(2013, 5, 29), date(2013, 5, 6), None, None),
        ("Review", date(2013, 8, 20), None, date(2013, 5, 29), "Initial"),
        ("Review", date(2014, 2, 25), None, date(2013, 8, 20), "Review"),
    ]
    # Held 16 working days after the strategy discussion (a bank holiday on 27 May):
    # the initial conference is out of time by the contract's count.
    assert annual.conference_due(result.tables[CPConference].rows[0]) == date(2013, 5, 28)


def test_a_census_date_that_cannot_be_read_or_is_missing_is_named_at_its_xml_path(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "c"
    folder.mkdir()
    bad_review = CENSUS.replace("2014-02-25</CPPreviewDate>", "2014-02-30</CPPreviewDate>")
    (folder / "census.xml").write_text(bad_review, encoding="utf-8")
    result = derived(folder)
    plan = "Message/Children[1]/Child[1]/CINdetails[1]/ChildProtectionPlans[1]"
    invalid = result.problems[0]
    assert (invalid.code, invalid.column, invalid.path, invalid.value) == (
        "invalid-date",
        None,
        f"{plan}/Reviews[1]/CPPreviewDate[2]",
        "2014-02-30",
    )
    assert "CPPreviewDate '2014-02-30'" in str(invalid)
    assert len(result.tables[CPPlan]) == 1  # the plan stands; only that review is left out
    assert [c.conference_type for c in result.tables[CPConference]] == ["Initial", "Review"]

    no_start = CENSUS.replace("<CPPstartDate>2013-05-29</CPPstartDate>", "<CPPstartDate/>")
    (folder / "census.xml").write_text(no_start, encoding="utf-8")
    result = derived(folder)
    blank = result.problems[0]
    assert (blank.code, blank.column, blank.path) == (
        "blank-cell",
        "CPPstartDate",
        f"{plan}/CPPstartDate",
    )
    assert len(result.tables[CPPlan]) == 0


def test_xml_entities_are_never_expanded(tmp_path: Path) -> None:
    folder = tmp_path / "x"
    folder.mkdir()
    bomb = CLA_XML.replace(
        "<EXPSSDA903>",
        '<!DOCTYPE EXPSSDA903 [<!ENTITY a "AAAAAAAAAA"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
        "<EXPSSDA903>",
    ).replace("<ETHNIC>MWBC</ETHNIC>", "<ETHNIC>&b;</ETHNIC>")
    (folder / "cla.xml").write_text(bomb, encoding="utf-8")
    result = derived(folder)
    assert "AAAA" not in str([str(p) for p in result.problems])
    assert len(result.tables[Child]) == 0


# --------------------------------------------------------------------------- with the workbook


def sample_figures(returns_folder: str) -> tuple[AnnualFigures, AnnualFigures, list[Problem]]:
    """The sample workbook's figures, the figures of the sample returns folder merged with
    its own workbook, and the problems the merge met (before the figures add theirs)."""
    settings = Settings()
    tables, report = pipeline.load(SAMPLES / "annual_2014.xlsx", ANNUAL, settings)
    expected = pipeline.annual_figures(tables, 2014, settings, report)
    folder = SAMPLES / returns_folder
    found = pipeline.annual_returns(folder, None, settings)
    assert found is not None
    merged, merged_report = annual_tables(
        read_workbook(folder / "annual_2014.xlsx"), found, 2014, settings
    )
    problems = list(merged_report.problems)
    figures = pipeline.annual_figures(merged, 2014, settings, merged_report)
    assert expected is not None and figures is not None, merged_report.to_text()
    return expected, figures, problems


def test_the_sample_returns_give_the_same_tables_as_the_sample_workbook() -> None:
    expected, figures, problems = sample_figures("returns_2014")
    assert problems == []
    assert list(figures.tables) == list(expected.tables)
    for key, table in expected.tables.items():
        assert figures.tables[key] == table, key
    assert figures.late_reviews == expected.late_reviews
    assert figures.looked_after == expected.looked_after == 290


def test_a_sheet_the_returns_also_give_is_an_error_naming_both(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    for name in (
        "header.csv",
        "episodes.csv",
        "reviews.csv",
        "reviews_last.csv",
        "placed_adoption.csv",
    ):
        (folder / name).write_bytes((SAMPLES / "returns_2014" / name).read_bytes())
    (folder / "annual_2014.xlsx").write_bytes((SAMPLES / "annual_2014.xlsx").read_bytes())
    with pytest.raises(pipeline.ValidationFailed) as failed:
        pipeline.annual_report(2014, data=folder, output=tmp_path / "out.docx")
    found = [str(p) for p in failed.value.report.errors]
    assert found == [
        "Children: sheet 'Children' gives Children, and so do the returns (episodes.csv, "
        "header.csv, placed_adoption.csv, reviews.csv, reviews_last.csv); expected one source: "
        "delete the sheet 'Children', or take the returns out of the folder",
        *found[1:],
    ]
    assert [p.sheet for p in failed.value.report.errors] == ["Children", "Reviews", "Adoptions"]
    assert not (tmp_path / "out.docx").exists()


def test_a_zip_of_returns_is_read_like_the_folder(tmp_path: Path) -> None:
    archive = tmp_path / "returns.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted((SAMPLES / "returns_2014").glob("*.csv")):
            zf.write(path, f"2013-14/{path.name}")
    result = derived(archive)
    assert result.problems == [] and len(result.tables[Child]) == 384


def test_a_zip_dropped_for_the_service_gives_the_report(tmp_path: Path) -> None:
    from docx import Document

    from docgen.returns.drop import annual_from_returns

    archive = tmp_path / "returns_2014.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted((SAMPLES / "returns_2014").iterdir()):
            zf.write(path, f"Returns 2013-14/{path.name}")
    out = tmp_path / "out"
    out.mkdir()
    result = annual_from_returns(archive, out)
    assert result.outputs == [out / "annual_report_2014.docx"]
    text = "\n".join(p.text for p in Document(str(result.outputs[0])).paragraphs)
    assert "290 children were looked after on 31 March 2014" in text


def test_a_zip_named_with_no_year_is_read_once_for_its_year_and_its_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from docx import Document

    from docgen.returns import merge
    from docgen.returns.drop import annual_from_returns
    from docgen.returns.source import ReturnFile

    archive = tmp_path / "returns.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted((SAMPLES / "returns_2014").iterdir()):
            zf.write(path, path.name)
    reads: list[str] = []
    read = merge._read_file

    def counted(file: ReturnFile, found: merge.ReturnSet) -> None:
        reads.append(file.name)
        read(file, found)

    monkeypatch.setattr(merge, "_read_file", counted)
    out = tmp_path / "out"
    out.mkdir()
    result = annual_from_returns(archive, out)
    assert result.outputs == [out / "annual_report_2014.docx"]
    assert reads == sorted(p.name for p in (SAMPLES / "returns_2014").glob("*.csv"))
    text = "\n".join(p.text for p in Document(str(result.outputs[0])).paragraphs)
    assert "290 children were looked after on 31 March 2014" in text


def test_an_initial_conference_with_no_section_47_is_counted_and_its_strategy_asked_for(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "c"
    folder.mkdir()
    census = CENSUS.replace(
        "<CINreferralDate>2013-05-01</CINreferralDate>",
        "<CINreferralDate>2013-05-01</CINreferralDate><DateOfInitialCPC>2013-06-03"
        "</DateOfInitialCPC>",
    )
    (folder / "census.xml").write_text(census, encoding="utf-8")
    result = derived(folder)
    assert [(p.code, p.column, p.path) for p in result.problems] == [
        (
            "inconsistent-row",
            "S47ActualStartDate",
            "Message/Children[1]/Child[1]/CINdetails[1]/S47ActualStartDate",
        ),
        (
            "duplicate-child",
            "LAchildID",
            "Message/Children[1]/Child[2]/ChildIdentifiers[1]/LAchildID",
        ),
    ]
    assert "the initial conference's due date cannot be computed" in str(result.problems[0])


def test_the_sample_census_gives_the_workbooks_plans_and_counts_conferences_per_child() -> None:
    import xml.etree.ElementTree as ET

    expected, figures, problems = sample_figures("returns_2014_cin")
    assert [p.code for p in problems] == ["per-child-conferences"]
    for key, table in expected.tables.items():
        if key != "conferences":
            assert figures.tables[key] == table, key
    assert figures.cp_children == expected.cp_children
    assert figures.cp_families == figures.cp_children  # no family in the census
    census = ET.parse(SAMPLES / "returns_2014_cin" / "census_2014.xml").getroot()
    period = annual.Period(2014)
    initial = [e.text for e in census.iter("DateOfInitialCPC")]
    reviews = [e.text for e in census.iter("CPPreviewDate")]
    in_year = (
        [date.fromisoformat(d) in period for d in initial],
        [date.fromisoformat(d) in period for d in reviews],
    )
    conferences = figures.tables["conferences"]
    assert conferences.current("Initial conferences") == sum(in_year[0])
    assert conferences.current("Review conferences") == sum(in_year[1])
    assert conferences.current("Held out of time") == 0


def test_a_table_is_known_by_its_header_row_with_a_later_years_extra_column(
    tmp_path: Path,
) -> None:
    folder = returns(
        tmp_path / "r",
        **{
            "export 1": header("C1").replace("MC_DOB", "MC_DOB,SEN_FLAG").replace(",,\n", ",,,\n")
            + ",",
            "export 2": f"{EPISODES}\n" + episode("C1", "03/05/2013", "S", "C2"),
            "notes": "TEAM,MANAGER\nNorth,A Person",
        },
    )
    found = read_returns(folder, 10**8)
    assert found.ssda903.files == {"header": ["export 1.csv"], "episodes": ["export 2.csv"]}
    assert [(p.code, p.file) for p in found.problems] == [("unrecognised-return", "notes.csv")]
    assert one_child(derive(found.ssda903, found.census, 2014)).legal_status == "C2"


def test_a_period_begun_before_the_earliest_episode_is_a_warning_last_years_episodes_settle_it(
    tmp_path: Path,
) -> None:
    this_year = f"{EPISODES}\n" + episode("C1", "02/01/2013", "P", "C2")
    folder = returns(tmp_path / "r", header=header("C1"), episodes=this_year)
    result = derived(folder)
    assert [(p.code, p.severity, p.location) for p in result.problems] == [
        ("period-start-unknown", "warning", "episodes.csv line 2, RNE")
    ]
    assert one_child(result).became_looked_after == date(2013, 1, 2)
    last_year = "\n".join([EPISODES, episode("C1", "11/06/2012", "S", "C2", "02/01/2013", "X1")])
    folder = returns(tmp_path / "r", episodes_last=last_year)
    result = derived(folder)
    assert result.problems == []
    assert one_child(result).became_looked_after == date(2012, 6, 11)


def test_episodes_of_a_child_the_header_does_not_list_are_refused(tmp_path: Path) -> None:
    folder = returns(
        tmp_path / "r",
        header=header("C1"),
        episodes="\n".join(
            [
                EPISODES,
                episode("C1", "01/05/2013", "S", "C1"),
                episode("C2", "01/06/2013", "S", "V2"),
            ]
        ),
    )
    (error,) = check_returns(folder, 2014, Settings()).errors
    assert (error.code, error.location, error.value) == (
        "unknown-child",
        "episodes.csv line 3, CHILD",
        "C2",
    )
