"""`docgen alert`: one alert of concern per alert, read back as a co-ordinator would.

Response due dates are worked out by hand: 5 working days after Date Raised, the day
raised not counted, weekends and bank holidays of England and Wales skipped.
"""

from __future__ import annotations

import hashlib
import stat
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result

from docgen.cli import main
from tests.conftest import (
    V1_SAMPLES,
    all_text,
    docx_tables,
    edit_workbook,
    find_table,
    no_files,
    paragraphs,
    run_cli,
)

WORKBOOK = V1_SAMPLES / "alerts.xlsx"  # a v1 workbook: it must keep working

NAMES = {  # named by the date each concern was first raised: its earliest step
    "A0101": "alert_A0101_2014-04-07.docx",
    "A0102": "alert_A0102_2014-04-28.docx",
    "A0103": "alert_A0103_2014-05-08.docx",
    "A0104": "alert_A0104_2014-06-09.docx",
}
CHILD_NAMES = ("Jordan Pike", "Lily-Mae Osei", "Kayla Brennan", "Tyler Morgan")


run = run_cli


def render(
    out: Path, workbook: Path = WORKBOOK, *extra: str, env: dict[str, str] | None = None
) -> Result:
    result = run("alert", str(workbook), "--output", str(out), *extra, env=env)
    assert result.exit_code == 0, result.output
    return result


def details(path: Path) -> dict[str, str]:
    return {row[0]: row[1] for row in find_table(path, "Alert ID")}


def history(path: Path) -> list[list[str]] | None:
    """The escalation history table, or None when the document has none."""
    tables = [t for t in docx_tables(path) if t and t[0] == ["Stage", "Date", "Note"]]
    assert len(tables) <= 1
    return tables[0] if tables else None


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result]:
    out = tmp_path_factory.mktemp("alerts")
    return out, render(out)


@pytest.fixture(scope="module")
def docs(batch: tuple[Path, Result]) -> Path:
    return batch[0]


# --------------------------------------------------------------------------- the sample


def test_one_document_per_alert_named_by_id_and_date(batch: tuple[Path, Result]) -> None:
    docs, result = batch
    assert sorted(p.name for p in docs.iterdir()) == sorted(NAMES.values())
    assert "Wrote 4 document(s)" in result.output
    words = {w.lower() for name in CHILD_NAMES for w in name.replace("-", " ").split()}
    for path in docs.iterdir():
        assert not any(w in path.name.lower() for w in words), path.name
    assert not any(name in result.output for name in CHILD_NAMES)


STAGES = {
    "A0101": ("1", "Stage 1: Team Manager", "Team Manager"),
    "A0102": ("2", "Stage 2: Service Manager", "Service Manager"),
    "A0103": ("3", "Stage 3: Service Director", "Service Director"),
    "A0104": ("4", "Stage 4: CAFCASS", "CAFCASS"),
}


@pytest.mark.parametrize("alert_id", sorted(STAGES))
def test_stage_and_who_it_is_addressed_to(docs: Path, alert_id: str) -> None:
    number, label, addressed_to = STAGES[alert_id]
    shown = details(docs / NAMES[alert_id])
    assert shown["Alert ID"] == alert_id
    assert shown["Stage"] == label and label.startswith(f"Stage {number}:")
    assert "Addressed to" not in shown  # said once, in the memo's To: line
    to = [p for p in paragraphs(docs / NAMES[alert_id]) if p.startswith("To: ")]
    assert to == [f"To: {addressed_to}"]


def test_child_and_people_of_an_alert(docs: Path) -> None:
    shown = details(docs / NAMES["A0104"])
    assert shown["Child's name"] == "Tyler Morgan"
    assert shown["Child ID"] == "C27730"
    assert shown["Date of birth"] == "21 August 1997"
    assert shown["Independent Reviewing Officer"] == "Priya Raman"
    assert shown["Social worker"] == "Gemma Hart"
    assert shown["Team manager"] == "Martin Cole"
    # First raised with the Team Manager on 9 June; referred to CAFCASS on 21 July.
    assert shown["Date first raised"] == "9 June 2014"
    assert shown["Date of this stage"] == "21 July 2014"
    assert shown["Category"] == "Education"


def test_response_due_given_or_computed(docs: Path) -> None:
    due = {aid: details(docs / name)["Response due"] for aid, name in NAMES.items()}
    assert due == {
        "A0101": "14 April 2014",  # given
        "A0102": "19 May 2014",  # given
        # Blank: raised Monday 2 June 2014; working days Tue 3 (1), Wed 4 (2), Thu 5 (3),
        # Fri 6 (4), Mon 9 June (5). The spring bank holiday was 26 May, before it.
        "A0103": "9 June 2014",
        "A0104": "28 July 2014",  # given
    }


def test_escalation_history_in_date_order(docs: Path) -> None:
    table = history(docs / NAMES["A0104"])
    assert table is not None
    assert [row[1:] for row in table[1:]] == [
        ["9 June 2014", "Raised with the Team Manager."],
        ["23 June 2014", "Escalated to the Service Manager; funding panel declined."],
        ["7 July 2014", "Escalated to the Service Director; decision upheld."],
    ]
    labels = ("Stage 1: Team Manager", "Stage 2: Service Manager", "Stage 3: Service Director")
    for row, label in zip(table[1:], labels, strict=True):
        assert label in row[0]
    two = history(docs / NAMES["A0103"])
    assert two is not None
    assert [row[1] for row in two[1:]] == ["8 May 2014", "22 May 2014"]


def test_an_alert_with_no_history_says_so(docs: Path) -> None:
    path = docs / NAMES["A0101"]
    assert history(path) is None
    assert "No earlier stages." in paragraphs(path)
    for alert_id in ("A0102", "A0103", "A0104"):
        assert "No earlier stages." not in paragraphs(docs / NAMES[alert_id])


def test_status_open_or_resolved(docs: Path) -> None:
    status = {aid: details(docs / name)["Status"] for aid, name in NAMES.items()}
    assert status == {
        "A0101": "Open",
        "A0102": "Resolved on 16 May 2014",
        "A0103": "Open",
        "A0104": "Open",
    }
    lines = paragraphs(docs / NAMES["A0102"])
    assert "Date resolved: 16 May 2014" in lines
    assert "Outcome: Resolved: assessment timetable agreed and shared." in lines
    assert (
        "The Service Manager has commissioned an independent assessor with a report due in "
        "four weeks." in lines
    )


def test_concern_and_action_required_are_shown(docs: Path) -> None:
    lines = paragraphs(docs / NAMES["A0103"])
    assert (
        "A proposed placement move has been made without consulting the IRO or considering "
        "school stability." in lines
    )
    assert "Pause the move until a planning meeting has considered the impact on Kayla." in lines


def test_no_template_tags_left_and_owner_only(docs: Path) -> None:
    for path in docs.iterdir():
        text = all_text(path)
        assert "{{" not in text and "{%" not in text, path.name
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name


def test_rendering_twice_gives_identical_bytes(tmp_path: Path, docs: Path) -> None:
    render(tmp_path)
    for name in NAMES.values():
        assert (tmp_path / name).read_bytes() == (docs / name).read_bytes(), name


def test_only_writes_exactly_one_document(tmp_path: Path) -> None:
    render(tmp_path, WORKBOOK, "--only", "A0103")
    assert [p.name for p in tmp_path.iterdir()] == [NAMES["A0103"]]


def test_only_an_unknown_id_fails_listing_the_ids(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("alert", str(WORKBOOK), "--output", str(out), "--only", "A9999")
    assert result.exit_code != 0
    assert "A0101, A0102, A0103, A0104" in result.output
    assert no_files(out)


def test_response_days_setting(tmp_path: Path) -> None:
    # 10 working days after Monday 2 June 2014: 3-6 June (4), 9-13 June (9), Mon 16 June (10).
    render(tmp_path, WORKBOOK, env={"DOCGEN_ALERT_RESPONSE_DAYS": "10"})
    assert details(tmp_path / NAMES["A0103"])["Response due"] == "16 June 2014"
    assert details(tmp_path / NAMES["A0101"])["Response due"] == "14 April 2014"  # given


def test_an_impossible_response_days_setting_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["alert", str(WORKBOOK), "--output", str(tmp_path / "out")],
        env={"DOCGEN_ALERT_RESPONSE_DAYS": "0"},
    )
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    assert "Error:" in result.output
    assert no_files(tmp_path / "out")


# --------------------------------------------------------------------------- edited workbooks


def _column(ws, header: str) -> str:
    return next(c.column_letter for c in ws[1] if c.value == header)


def _edits(wb: openpyxl.Workbook) -> None:
    ws = wb["Alerts"]
    raised, due = _column(ws, "Date Raised"), _column(ws, "Response Due")
    # A0101 (row 2): raised Thursday 17 April 2014, just before Easter; response due blank.
    ws[f"{raised}2"] = datetime(2014, 4, 17)
    ws[f"{due}2"] = None
    # A0102 (row 3): a response due date the computed rule would not give.
    ws[f"{due}3"] = datetime(2014, 5, 30)
    # A0104's history (rows 5-7) written newest first.
    history_sheet = wb["Alert History"]
    rows = [[c.value for c in history_sheet[r]] for r in (5, 6, 7)]
    for r, values in zip((5, 6, 7), reversed(rows), strict=True):
        for col, value in enumerate(values, start=1):
            history_sheet.cell(row=r, column=col, value=value)


@pytest.fixture(scope="module")
def edited(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("edited")
    book = edit_workbook(WORKBOOK, folder / "alerts.xlsx", _edits)
    out = folder / "out"
    render(out, book)
    return out


def test_response_due_skips_easter_bank_holidays(edited: Path) -> None:
    # Raised Thursday 17 April 2014. Good Friday 18 April, the weekend and Easter Monday
    # 21 April are skipped: Tue 22 (1), Wed 23 (2), Thu 24 (3), Fri 25 (4), Mon 28 April (5).
    assert details(edited / "alert_A0101_2014-04-17.docx")["Response due"] == "28 April 2014"


def test_a_given_response_due_is_used_as_it_is(edited: Path) -> None:
    assert details(edited / NAMES["A0102"])["Response due"] == "30 May 2014"


def test_history_typed_out_of_order_is_shown_in_date_order(edited: Path) -> None:
    table = history(edited / NAMES["A0104"])
    assert table is not None
    assert [row[1] for row in table[1:]] == ["9 June 2014", "23 June 2014", "7 July 2014"]
    assert [row[0].split(":")[0][-7:] for row in table[1:]] == ["Stage 1", "Stage 2", "Stage 3"]


def test_without_a_history_sheet_every_alert_has_no_earlier_stages(tmp_path: Path) -> None:
    book = edit_workbook(
        WORKBOOK, tmp_path / "alerts.xlsx", lambda wb: wb.remove(wb["Alert History"])
    )
    render(tmp_path / "out", book, "--only", "A0104")
    path = tmp_path / "out" / "alert_A0104_2014-07-21.docx"  # no earlier step to date it by
    assert history(path) is None
    assert "No earlier stages." in paragraphs(path)


def test_history_of_an_unknown_alert_fails_naming_the_cell(tmp_path: Path) -> None:
    def orphan(wb: openpyxl.Workbook) -> None:
        wb["Alert History"].append(["A0999", 1, datetime(2014, 5, 1), "Raised."])

    book = edit_workbook(WORKBOOK, tmp_path / "orphan.xlsx", orphan)
    out = tmp_path / "out"
    result = run("alert", str(book), "--output", str(out))
    assert result.exit_code != 0
    assert "Alert History!A8" in result.output
    assert "'A0999'" in result.output
    assert no_files(out)


# --------------------------------------------------------------------------- file names


def _tag(alert_id: str) -> str:
    """The hash docgen adds when IDs differ only in characters unsafe in a file name."""
    return hashlib.sha256(alert_id.encode()).hexdigest()[:8]


def _with_alerts(path: Path, ids: list[str]) -> Path:
    """The sample plus a copy of A0101 under each of ``ids``, all raised on 6 January 2014."""

    def add(wb: openpyxl.Workbook) -> None:
        ws = wb["Alerts"]
        header = [c.value for c in ws[1]]
        for alert_id in ids:
            row = dict(zip(header, (c.value for c in ws[2]), strict=True))
            row.update({"Alert ID": alert_id, "Date Raised": datetime(2014, 1, 6)})
            row["Response Due"] = None
            ws.append([row[h] for h in header])

    return edit_workbook(WORKBOOK, path, add)


def test_ids_differing_only_in_unsafe_characters_get_a_file_each(tmp_path: Path) -> None:
    ids = ["A/1", "A:1", "A 1"]
    expected = {f"alert_A-1_2014-01-06_A-1_{_tag(i)}.docx": i for i in ids}
    for order, book in (
        ("sheet", _with_alerts(tmp_path / "alerts.xlsx", ids)),
        ("reversed", _with_alerts(tmp_path / "reversed.xlsx", ids[::-1])),
    ):
        out = tmp_path / order
        result = render(out, book)
        assert "Wrote 7 document(s)" in result.output
        assert sorted(p.name for p in out.iterdir()) == sorted([*NAMES.values(), *expected])
        for name, alert_id in expected.items():
            assert details(out / name)["Alert ID"] == alert_id, name
    only = tmp_path / "only"
    render(only, tmp_path / "alerts.xlsx", "--only", "A:1")
    [written] = only.iterdir()
    assert written.name == f"alert_A-1_2014-01-06_A-1_{_tag('A:1')}.docx"
    assert written.read_bytes() == (tmp_path / "sheet" / written.name).read_bytes()
