"""The annual report as members read it: v2 tables, structure, accessibility, citations."""

from __future__ import annotations

import io
import itertools
import re
import zipfile
from collections import Counter
from datetime import datetime
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from tests.conftest import (
    SAMPLES,
    all_text,
    build_workbook,
    council_template,
    docx_tables,
    edit_workbook,
    find_table,
    row_of,
    run_cli,
)

PN1 = "PN1 Child physically attends and speaks for him or herself"


@pytest.fixture
def report(annual_report: Path) -> Path:
    return annual_report


def test_the_sample_years_new_tables(report: Path) -> None:
    participation = find_table(report, "Participation")
    assert participation[0] == ["Participation", "2013/14", "% 2013/14"]
    assert row_of(participation, PN1) == {"2013/14": "69", "% 2013/14": "34.5%"}
    assert row_of(participation, "Not recorded") == {"2013/14": "0", "% 2013/14": "-"}
    assert row_of(participation, "Total") == {"2013/14": "200", "% 2013/14": "100%"}
    ceased = find_table(report, "Reason")
    assert {row[0]: row[1] for row in ceased[1:]} == {
        "Returned home": "53",
        "Adopted": "8",
        "Special guardianship order": "0",
        "Child arrangements order": "12",
        "Independent living": "0",
        "Transferred to adult social care": "0",
        "Other": "17",
        "Not recorded": "0",
        "Total": "90",
    }
    caseloads = find_table(report, "Caseload")
    assert row_of(caseloads, "IRO posts (full-time equivalent)") == {"31 March 2014": "6"}
    per_iro = find_table(report, "IRO")
    assert per_iro[0] == [
        "IRO",
        "FTE",
        "Looked after",
        "On CP plans",
        "Looked after per full-time post",
    ]
    assert sum(int(row[2]) for row in per_iro[1:]) == 290  # every child has a named IRO
    assert sum(int(row[3]) for row in per_iro[1:]) == 231
    assert row_of(per_iro, "Joanne Price")["Looked after per full-time post"] == "42"  # 21 / 0.5


def test_conferences_out_of_time_by_type(report: Path) -> None:
    conferences = find_table(report, "Conferences")
    assert [row[0] for row in conferences[1:5]] == [
        "Initial conferences",
        "Initial out of time",
        "Review conferences",
        "Review out of time",
    ]
    assert [row[1] for row in conferences[1:5]] == ["285", "1", "175", "0"]
    assert (
        "Of 285 initial conferences, 1 was held out of time; of 175 review conferences, none."
        in (all_text(report))
    )


def test_the_guideline_is_stated_for_what_it_covers(report: Path) -> None:
    text = all_text(report)
    assert "guideline of 50 to 70, which counts looked after children only" in text
    assert "a full-time IRO had 86.8 children" in text  # (290 + 231) / 6
    assert "keep caseloads within the guideline" not in text


def _second_year(folder: Path) -> Path:
    """2015/16 of a small council, every v2 figure counted by hand."""
    build_workbook(
        folder / "annual_2016.xlsx",
        {
            "Report": [["Setting", "Value"], ["Council", "Smalltown"], ["Author", "R. Ahmed"]],
            "Children": [
                ["Child ID", "DOB", "Ethnicity", "Legal Status", "DECOM", "DEC", "REC", "IRO"],
                ["A1", "01/01/2010", "WBRI", "C2", "01/06/2014", None, None, "Ann Lee"],
                ["A2", "01/01/2012", "WBRI", "C1", "01/06/2015", None, None, "Ann Lee"],
                ["A3", "01/01/2005", "MWBC", "V2", "01/01/2015", "10/10/2015", "E4A", "Bo Ray"],
                ["A4", "01/01/2009", "WBRI", "C2", "01/01/2014", "01/02/2016", "E45", "Bo Ray"],
                ["A5", "01/01/1998", "WBRI", "C2", "01/01/2012", "01/01/2016", "E7", None],
                ["A6", "01/01/2013", "WBRI", "E1", "01/01/2014", "05/05/2015", "E12", "Ann Lee"],
                ["A7", "01/01/2008", "WBRI", "V2", "01/09/2015", "01/03/2016", "X9", "Bo Ray"],
                ["A8", "01/01/2008", "WBRI", "V2", "01/09/2015", "02/03/2016", None, "Bo Ray"],
            ],
            "Reviews": [
                ["Child ID", "Review Date", "Due Date", "Participation"],
                ["A1", "01/05/2015", "01/05/2015", "PN1"],
                ["A1", "01/11/2015", "01/11/2015", "PN1"],
                ["A2", "20/06/2015", None, "PN0"],
                ["A4", "01/06/2015", "01/06/2015", None],
            ],
            "CP Plans": [
                ["Child ID", "Family ID", "Plan Start Date", "Category of Abuse", "IRO"],
                ["P1", "F1", "01/05/2015", "NEG", "Bo Ray"],
                ["P2", "F1", "01/05/2015", "NEG", "Bo Ray"],
            ],
            "CP Conferences": [
                [
                    "Conference ID",
                    "Conference Type",
                    "Conference Date",
                    "Strategy Discussion Date",
                    "Previous Conference Date",
                    "Due Date",
                ],
                ["K1", "Initial", "01/05/2015", None, None, "20/04/2015"],
                ["K2", "Review", "01/08/2015", None, None, "01/08/2015"],
                ["K3", "Review", "01/02/2016", None, None, "15/01/2016"],
                ["K4", "Review", "01/03/2016", None, None, "10/01/2016"],
            ],
            "Adoptions": [["Child ID", "Date of Birth", "Date Placed For Adoption"]],
            "Disputes": [["Alert ID", "Child ID", "Date Raised", "Highest Stage"]],
            "Staff": [["Name", "Role", "FTE"], ["Ann Lee", "IRO", 1], ["Bo Ray", "IRO", 0.5]],
            "History": [
                ["Table", "Row", "Year", "Value"],
                ["Participation", PN1, 2015, 4],
                ["Ceased", "Returned home", 2015, 3],
                ["Caseloads", "Looked after children per full-time IRO", 2015, 51],
            ],
        },
    )
    out = folder / "report_2016.docx"
    result = run_cli("annual", "--year", "2016", "--data", str(folder), "--output", str(out))
    assert result.exit_code == 0, result.output
    return out


def test_a_second_year_counts_the_new_tables_and_reads_history(tmp_path: Path) -> None:
    out = _second_year(tmp_path)
    participation = find_table(out, "Participation")
    assert participation[0] == ["Participation", "2014/15", "2015/16", "% 2015/16"]
    assert row_of(participation, PN1) == {"2014/15": "4", "2015/16": "2", "% 2015/16": "66.7%"}
    assert row_of(participation, "Not recorded")["2015/16"] == "1"
    ceased = find_table(out, "Reason")
    assert {row[0]: row[-1] for row in ceased[1:]} == {
        "Returned home": "1",  # A3 E4A
        "Adopted": "1",  # A6 E12
        "Special guardianship order": "1",  # A4 E45
        "Child arrangements order": "0",
        "Independent living": "0",
        "Transferred to adult social care": "1",  # A5 E7
        "Other": "1",  # A7 X9
        "Not recorded": "1",  # A8
        "Total": "6",
    }
    assert row_of(ceased, "Returned home")["2014/15"] == "3"
    caseloads = find_table(out, "Caseload")
    assert row_of(caseloads, "Looked after children per full-time IRO") == {
        "31 March 2015": "51",
        "31 March 2016": "1.3",  # 2 children, 1.5 FTE
    }
    assert row_of(caseloads, "All children per full-time IRO")["31 March 2016"] == "2.7"
    per_iro = find_table(out, "IRO")
    assert row_of(per_iro, "Ann Lee")["Looked after"] == "2"
    assert row_of(per_iro, "Bo Ray")["On CP plans"] == "2"
    conferences = find_table(out, "Conferences")
    assert row_of(conferences, "Initial out of time") == {"2015/16": "1"}
    assert row_of(conferences, "Review out of time") == {"2015/16": "2"}
    assert row_of(conferences, "Held out of time") == {"2015/16": "3"}


def _sentences(path: Path) -> list[str]:
    """Every sentence of more than eight words in the body, cover and sign-off apart."""
    doc = Document(str(path))
    texts = [p.text for p in doc.paragraphs if p.style.name not in ("Signature", "Cover Subtitle")]
    texts += [c.text for t in doc.tables for r in t.rows for c in r.cells]
    found = []
    for text in texts:
        found += [s for s in re.split(r"(?<=[.;:!?])\s+", text) if len(s.split()) > 8]
    return found


def test_no_sentence_is_printed_twice(report: Path) -> None:
    repeated = [s for s, n in Counter(_sentences(report)).items() if n > 1]
    assert repeated == []


def test_every_chart_has_alt_text_with_its_key_figure_and_a_name_of_its_own(report: Path) -> None:
    doc = Document(str(report))
    pictures = doc.element.body.findall(".//" + qn("wp:docPr"))
    assert len(pictures) == 3
    names = [p.get("name") for p in pictures]
    assert len(set(names)) == 3 and not any(n.startswith("Picture") for n in names)
    alts = [p.get("descr") or "" for p in pictures]
    assert all(len(alt.split()) > 8 for alt in alts)
    assert "290 on 31 March 2014" in alts[0]
    assert "emotional abuse (102 children)" in alts[2]


def test_properties_title_author_language_and_date(report: Path) -> None:
    props = Document(str(report)).core_properties
    assert props.title == "Independent Reviewing Officer Service Annual Report 2013-14"
    assert props.author == "Claire Hollis"
    assert props.language == "en-GB"
    assert props.created.replace(tzinfo=None) == datetime(2014, 3, 31, 12, 0)
    assert props.modified == props.created


def test_headings_in_order_and_tables_with_repeating_header_rows(report: Path) -> None:
    doc = Document(str(report))
    levels = [
        int(p.style.name.split()[-1]) for p in doc.paragraphs if p.style.name.startswith("Heading")
    ]
    assert levels[0] == 1
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels))
    sections = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert sections[:3] == [
        "Executive summary",
        "Purpose and legal context",
        "Profile of the service",
    ]
    assert sections[-1] == "Areas for development"
    for table in doc.tables:
        first = table.rows[0]._tr
        assert first.trPr is not None and first.trPr.find(qn("w:tblHeader")) is not None


def test_contents_captions_and_one_sign_off(report: Path) -> None:
    doc = Document(str(report))
    body = doc.element.body.xml
    assert "TOC \\o" in body  # Word's field, updated when the document is opened
    listed = [p.text for p in doc.paragraphs if p.style.name == "TOC 1"]
    assert listed[0] == "1. Executive summary" and listed[-1] == "10. Areas for development"
    captions = [p.text for p in doc.paragraphs if p.style.name == "Caption"]
    tables = [c for c in captions if c.startswith("Table ")]
    assert len(tables) == len(doc.tables)
    assert [int(c.split(":")[0].split()[1]) for c in tables] == list(range(1, len(tables) + 1))
    assert [c.split(":")[0] for c in captions if c.startswith("Figure ")] == [
        "Figure 1",
        "Figure 2",
        "Figure 3",
    ]
    signature = [p.text for p in doc.paragraphs if p.style.name == "Signature"]
    assert signature[0] == "Claire Hollis" and signature[-1] == "31 March 2014"
    assert sum(p.text == "Claire Hollis" for p in doc.paragraphs) == 2  # cover and sign-off


def test_the_last_priority_stays_with_the_sign_off(report: Path) -> None:
    """The signature never stands alone on a page: the last priority is kept with it,
    and the list's numbering runs on unbroken (1 to 9)."""
    doc = Document(str(report))
    items = [p for p in doc.paragraphs if p.style.name == "List Number"]
    priorities = items[-9:]
    assert priorities[-1].text.startswith("Make sure every young person knows")
    assert priorities[-1].paragraph_format.keep_with_next is True
    assert not any(p.paragraph_format.keep_with_next for p in priorities[:-1])
    num_ids = {p._p.pPr.numPr.numId.val for p in priorities}
    assert len(num_ids) == 1
    elements = [p._p for p in doc.paragraphs]
    following = doc.paragraphs[elements.index(priorities[-1]._p) + 1]
    assert following.style.name == "Signature" and following.text == "Claire Hollis"


def test_the_ethnicity_sentence_names_the_groups_it_counts(report: Path) -> None:
    text = all_text(report)
    ethnicity = find_table(report, "Ethnicity")
    rest = sum(
        int(row_of(ethnicity, g)["2014"]) for g in ("Mixed", "Asian", "Black", "Other", "N/A")
    )
    assert rest == 63
    assert (
        "were White (227); the other 63 were of Mixed, Asian, Black or Other ethnicity, or had "
        "none recorded (N/A)." in text
    )


def test_the_alerts_sentence_agrees_with_the_stage_table(report: Path) -> None:
    text = all_text(report)
    stages = find_table(report, "Alerts of concern")
    first = row_of(stages, "Highest stage 1: Team Manager")["2013/14"]
    raised = row_of(stages, "Alerts of concern raised")["2013/14"]
    assert f"Of the {raised} alerts, {first} went no further than the first stage" in text
    assert "Most alerts were settled" not in text


def test_the_samples_prose_cites_its_figures(report: Path) -> None:
    text = all_text(report)
    assert "[[" not in text and "{{" not in text and "{%" not in text
    assert "the 2 still open at the year end concern plans for permanence" in text
    assert "Every alert raised so far has been resolved" not in text
    assert "CHNE" not in text  # a configuration note is not for the public


def test_an_unknown_citation_stops_the_report_naming_its_cell(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()

    def cite_a_typo(wb) -> None:
        wb["Narrative"]["B4"] = "There were [[alerts opened at 31 March]] open alerts."

    edit_workbook(SAMPLES / "annual_2014.xlsx", data / "annual_2014.xlsx", cite_a_typo)
    out = tmp_path / "r.docx"
    result = run_cli("annual", "--year", "2014", "--data", str(data), "--output", str(out))
    assert result.exit_code == 1
    assert "Narrative!B4" in result.output
    assert "alerts open at 31 March" in result.output
    assert not out.exists()


def test_history_lacking_a_compared_table_is_a_warning(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()

    def drop_ethnicity(wb) -> None:
        sheet = wb["History"]
        for row in range(sheet.max_row, 1, -1):
            if sheet.cell(row, 1).value == "Ethnicity":
                sheet.delete_rows(row)

    edit_workbook(SAMPLES / "annual_2014.xlsx", data / "annual_2014.xlsx", drop_ethnicity)
    result = run_cli("validate", str(data / "annual_2014.xlsx"))
    assert "History has no Ethnicity rows for years before 2014" in result.output
    assert [t[0] for t in docx_tables(_written(tmp_path, data)) if t[0][0] == "Ethnicity"] == [
        ["Ethnicity", "2014"]
    ]


def _written(tmp_path: Path, data: Path) -> Path:
    out = tmp_path / "r.docx"
    result = run_cli("annual", "--year", "2014", "--data", str(data), "--output", str(out))
    assert result.exit_code == 0, result.output
    return out


def test_a_councils_reworded_sentence_is_checked(tmp_path: Path) -> None:
    """A sentence reworded in Word with a misspelt figure: templates check names it."""
    council = tmp_path / "council"
    council.mkdir()
    council_template(
        council,
        "annual_report.docx",
        lambda xml: xml.replace(b"The year in figures:", b"{{ n.alerts_opne_at_31_march }}", 1),
    )
    result = run_cli("templates", "check", str(council))
    assert result.exit_code == 1
    assert "did you mean n.alerts_open_at_31_march?" in result.output


def _chart_series(report: Path, title: str) -> dict[str, dict[str, str]]:
    """Each series of the Word chart titled ``title``: its value for each category
    shown, as the chart part caches them (a blank point has none)."""
    c = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
    a = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
    with zipfile.ZipFile(report) as package:
        for name in package.namelist():
            if name.startswith("word/charts/"):
                root = ElementTree.fromstring(package.read(name))
                if "".join(t.text or "" for t in root.iter(f"{a}t")).startswith(title):
                    break
        else:
            raise AssertionError(f"no chart titled {title!r}")
    series = {}
    for ser in root.iter(f"{c}ser"):
        cats = {p.get("idx"): p.findtext(f"{c}v") for p in ser.find(f"{c}cat").iter(f"{c}pt")}
        vals = {p.get("idx"): p.findtext(f"{c}v") for p in ser.find(f"{c}val").iter(f"{c}pt")}
        series[ser.findtext(f"{c}tx/{c}strRef/{c}strCache/{c}pt/{c}v")] = {
            cats[i]: v for i, v in vals.items()
        }
    return series


def test_every_chart_opens_its_figures_in_a_workbook_word_can_edit(report: Path) -> None:
    """Word's "Edit Data" opens the workbook embedded beside a chart: it holds the
    figures the chart shows, at the cells its series name, and a blank where the chart
    has a gap."""
    c = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
    r = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    with zipfile.ZipFile(report) as package:
        charts = [n for n in package.namelist() if re.fullmatch(r"word/charts/chart\d+\.xml", n)]
        assert len(charts) >= 3
        for name in charts:
            root = ElementTree.fromstring(package.read(name))
            rels = ElementTree.fromstring(
                package.read(name.replace("charts/", "charts/_rels/") + ".rels")
            )
            rel = root.find(f"{c}externalData").get(f"{r}id")
            (target,) = [x.get("Target") for x in rels if x.get("Id") == rel]
            data = package.read("word/" + target.removeprefix("../"))
            sheet = openpyxl.load_workbook(io.BytesIO(data)).active
            for ser in root.iter(f"{c}ser"):
                head = ser.find(f"{c}tx/{c}strRef")
                cell = head.findtext(f"{c}f").removeprefix("Sheet1!").replace("$", "")
                assert sheet[cell].value == head.findtext(f"{c}strCache/{c}pt/{c}v")
                values = ser.find(f"{c}val/{c}numRef")
                cells = sheet[values.findtext(f"{c}f").removeprefix("Sheet1!").replace("$", "")]
                cached = {
                    int(p.get("idx")): float(p.findtext(f"{c}v")) for p in values.iter(f"{c}pt")
                }
                assert {
                    i: row[0].value for i, row in enumerate(cells) if row[0].value is not None
                } == cached


def test_the_legal_status_chart_plots_table_6_and_leaves_unpublished_figures_blank(
    report: Path,
) -> None:
    table = find_table(report, "Legal status")
    series = _chart_series(report, "Children looked after by legal status")
    assert list(series) == ["2014", "2013", "2012", "2011"]  # newest first, as drawn
    for year, points in series.items():
        column = table[0].index(year)
        expected = {row[0]: row[column] for row in table[1:] if row[0] != "Total"}
        # "-" (nothing published) is a gap in the chart, not a bar of 0
        assert points == {k: v for k, v in expected.items() if v != "-"}
    assert "Police Powers of Protection" not in series["2011"]


def test_every_table_is_kept_on_one_page_with_its_note_and_source(report: Path) -> None:
    doc = Document(str(report))
    assert len(doc.tables) == 15
    for table in doc.tables:
        last = table.rows[-1].cells[0].paragraphs[0]  # the total row too, so the note
        assert last.paragraph_format.keep_with_next, last.text  # never starts a page
        notes = []  # the notes under the table, up to and including its source line
        element = table._tbl.getnext()
        while element is not None and element.tag == qn("w:p"):
            note = Paragraph(element, table._parent)
            if note.style.name != "Table Note":
                break
            notes.append(note)
            element = element.getnext()
        assert notes and notes[-1].text.startswith("Source:"), table.rows[0].cells[0].text
        for note in notes[:-1]:
            assert note.paragraph_format.keep_with_next, note.text
