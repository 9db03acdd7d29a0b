"""read_workbook: what a user's file must be, and what docgen refuses before parsing it.

Every refusal is a WorkbookError whose message is one sentence a co-ordinator can act
on; nothing hostile (a zip bomb, a stray cell at XFD1048576) is allowed to reach the
cell reader.
"""

from __future__ import annotations

import hashlib
import shutil
import zipfile
from pathlib import Path

import pytest
from openpyxl.styles import Border, PatternFill, Side

import docgen.workbook as workbook_module
from docgen.errors import WorkbookError
from docgen.models import ALERT, ANNUAL, REVIEW, Alert, CPPlan, ReviewMeeting
from docgen.pipeline import guess_kind
from docgen.settings import Settings
from docgen.validate import validate_workbook
from docgen.workbook import list_sheets, read_workbook
from tests.conftest import SAMPLES, build_workbook, edit_workbook

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

ALERT_HEADERS = [
    "Alert ID",
    "Child ID",
    "Child Name",
    "IRO",
    "Date Raised",
    "Stage",
    "Category",
    "Concern",
    "Action Required",
]


def alert_row(alert_id: str = "A0001", child_id: str = "C100", raised: str = "03/02/2014"):
    return [alert_id, child_id, "Sam", "Jo Bloggs", raised, 1, "Placement", "No plan", "Plan"]


def refusal(path: Path, **kwargs) -> str:
    """The message read_workbook refuses ``path`` with."""
    with pytest.raises(WorkbookError) as caught:
        read_workbook(path, **kwargs)
    return str(caught.value)


def one_sentence(message: str) -> bool:
    """One sentence, ending with a full stop or question mark, no traceback in it."""
    body = message.rstrip()
    return (
        body.endswith((".", "?"))
        and "\n" not in body
        and "Traceback" not in body
        and body.count(". ") == 0
    )


def with_sheet_xml(
    path: Path, sheet_data: str, *, dimension: str = "", root: str = "", name: str = "Data"
) -> Path:
    """A one-sheet workbook whose sheet XML is written by hand.

    ``sheet_data`` is the inside of <sheetData>; ``root`` replaces the whole sheet
    part when given (for prefixed XML).
    """
    build_workbook(path, {name: [["placeholder"]]})
    with zipfile.ZipFile(path) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    sheet = root or (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{MAIN_NS}">{dimension}<sheetData>{sheet_data}</sheetData></worksheet>'
    )
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


def text_cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


@pytest.fixture
def no_cell_reader(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Stand in for python-calamine's sheet parser, which a stray cell makes allocate
    without limit: a test fails (rather than allocating) if any sheet is parsed.
    Calamine may open the workbook (its sheet list); it parses no sheet on opening."""
    parsed: list[str] = []

    def parse_sheet(_book: object, name: str, _label: str) -> None:
        parsed.append(name)
        raise RuntimeError("the cell reader was reached")

    monkeypatch.setattr(workbook_module, "_parse_sheet", parse_sheet)
    return parsed


# --------------------------------------------------------------------------- wrong file types


def test_old_xls_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "children.xls"
    path.write_bytes(OLE_MAGIC + b"\0" * 4096)
    message = refusal(path)
    assert message.startswith("children.xls is an old-style .xls workbook")
    assert "save it as .xlsx" in message
    assert one_sentence(message)


def test_encrypted_xlsx_is_refused_as_password_protected(tmp_path: Path) -> None:
    """Excel saves a password-protected .xlsx as an OLE container, not a zip."""
    path = tmp_path / "children.xlsx"
    path.write_bytes(OLE_MAGIC + b"\0" * 4096 + "EncryptedPackage".encode("utf-16-le"))
    message = refusal(path)
    assert message.startswith("children.xlsx is password-protected")
    assert "unprotected copy" in message
    assert one_sentence(message)


def test_an_old_xls_renamed_xlsx_is_not_called_password_protected(tmp_path: Path) -> None:
    """Its OLE container holds a Workbook stream, not an encrypted package: a user told
    it has a password would look for one that does not exist."""
    path = tmp_path / "children.xlsx"
    path.write_bytes(OLE_MAGIC + b"\0" * 4096 + "Workbook".encode("utf-16-le"))
    assert refusal(path) == (
        "children.xlsx is an old-style .xls workbook renamed to .xlsx; open it in Excel and "
        "save it as .xlsx."
    )


def test_csv_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "children.csv"
    path.write_text("Child ID,Date of Birth\nC1,01/01/2010\n")
    message = refusal(path)
    assert message == (
        "children.csv is a CSV file; docgen reads Excel workbooks saved as .xlsx, so open it in "
        "Excel or Calc and save it as .xlsx."
    )


def test_ods_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "children.ods"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", "<office:document-content/>")
    message = refusal(path)
    assert message == (
        "children.ods is an OpenDocument spreadsheet (LibreOffice or OpenOffice Calc); docgen "
        "reads Excel workbooks saved as .xlsx, so open it in Excel or Calc and save it as .xlsx."
    )


def test_a_return_file_is_named_with_how_docgen_reads_it(tmp_path: Path) -> None:
    """episodes.csv was told to be saved as .xlsx, which would make no workbook of it."""
    path = tmp_path / "episodes.csv"
    path.write_text(
        "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,"
        "HOME_POST,PL_POST,URN\nC01,01/04/2013,S,C2,N1,U1,PR1,,X1,,,,\n"
    )
    message = refusal(path)
    assert message.startswith(
        "episodes.csv is the SSDA903 episodes file of a DfE return, which docgen reads with "
        "the return's other files: give their folder or zip"
    )
    assert "save it as .xlsx" not in message


def test_excels_lock_file_is_named_as_such(tmp_path: Path) -> None:
    path = tmp_path / "~$reviews.xlsx"
    path.write_bytes(b"\x0bHelen Marsh" + b" " * 43)
    assert refusal(path) == (
        "~$reviews.xlsx is the lock file Excel keeps while reviews.xlsx is open, not a workbook; "
        "give reviews.xlsx itself (close it in Excel first to check what was saved)."
    )


def test_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "children.xlsx"
    path.write_bytes(b"")
    message = refusal(path)
    assert message == (
        "children.xlsx is empty (0 bytes), as a copy or download that did not finish leaves "
        "it; copy or save it again from where it came from."
    )


@pytest.mark.parametrize(
    ("name", "kind"),
    [("minutes.docx", "a Word document"), ("report.pdf", "a PDF document")],
)
def test_a_document_dropped_by_mistake_is_named_with_what_to_do(
    tmp_path: Path, name: str, kind: str
) -> None:
    path = tmp_path / name
    path.write_bytes(b"PK\x03\x04 not a workbook")
    assert refusal(path) == (
        f"{name} is {kind}; docgen reads Excel workbooks saved as .xlsx: open the data in "
        "Excel and save it as an Excel Workbook (.xlsx), then use that file."
    )


def test_text_renamed_to_xlsx_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "children.xlsx"
    path.write_text("Child ID,Date of Birth\n")
    message = refusal(path)
    assert message == (
        "children.xlsx is a text file (CSV or tab-separated text?) renamed to .xlsx, not an "
        "Excel workbook; open the data in Excel and save it as an Excel Workbook (.xlsx), then "
        "use that file."
    )


def test_missing_file_is_refused(tmp_path: Path) -> None:
    assert refusal(tmp_path / "nowhere.xlsx") == "nowhere.xlsx: no such file."


def test_half_copied_workbook_is_refused_as_an_incomplete_copy(tmp_path: Path) -> None:
    data = (SAMPLES / "alerts.xlsx").read_bytes()
    path = tmp_path / "alerts.xlsx"
    path.write_bytes(data[: len(data) // 2])
    message = refusal(path)
    assert message == (
        "alerts.xlsx is an incomplete copy (the file stops before its end, as when a copy or "
        "download is cut off); copy or save it again from where it came from."
    )
    assert one_sentence(message)


def test_workbook_with_corrupt_sheet_data_is_refused_as_damaged(tmp_path: Path) -> None:
    """A damaged download: the sheet's compressed stream starts with an invalid block."""
    source = build_workbook(tmp_path / "source.xlsx", {"Alerts": [ALERT_HEADERS, alert_row()]})
    data = bytearray(source.read_bytes())
    with zipfile.ZipFile(source) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start] = 0xFF  # deflate block type 3 does not exist
    path = tmp_path / "alerts.xlsx"
    path.write_bytes(bytes(data))
    message = refusal(path)
    assert message.startswith("alerts.xlsx is damaged")
    assert one_sentence(message)


def test_zip_that_is_not_a_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "children.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("notes.txt", "hello")
    assert refusal(path) == (
        "children.xlsx is a zip archive of other files, not an Excel workbook; open the data "
        "in Excel and save it as an Excel Workbook (.xlsx), then use that file."
    )


@pytest.mark.parametrize(
    ("parts", "kind"),
    [
        ({"word/document.xml": "<w:document/>"}, "a Word document"),
        ({"ppt/presentation.xml": "<p:presentation/>"}, "a PowerPoint presentation"),
        (
            {"mimetype": "application/vnd.oasis.opendocument.spreadsheet"},
            "an OpenDocument spreadsheet (LibreOffice or OpenOffice Calc)",
        ),
    ],
)
def test_a_document_renamed_xlsx_is_named_for_what_it_is(
    tmp_path: Path, parts: dict[str, str], kind: str
) -> None:
    path = tmp_path / "children.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in {"[Content_Types].xml": "<Types/>", **parts}.items():
            zf.writestr(name, text)
    message = refusal(path)
    assert message.startswith(f"children.xlsx is {kind}, not an Excel workbook; open the data")
    assert one_sentence(message)


def test_a_pdf_renamed_xlsx_is_named_a_pdf(tmp_path: Path) -> None:
    path = tmp_path / "children.xlsx"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    assert refusal(path).startswith("children.xlsx is a PDF document, not an Excel workbook;")


def test_xml_entities_are_refused_as_what_excel_never_writes(
    tmp_path: Path, no_cell_reader: list[str]
) -> None:
    """The billion laughs in the shared strings: refused in words, before any parser."""
    source = build_workbook(tmp_path / "source.xlsx", {"Alerts": [ALERT_HEADERS, alert_row()]})
    path = tmp_path / "alerts.xlsx"
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;">]>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        "<si><t>&lol2;</t></si></sst>"
    )
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(path, "w") as zout:
        for info in zin.infolist():
            if info.filename != "xl/sharedStrings.xml":
                zout.writestr(info, zin.read(info))
        zout.writestr("xl/sharedStrings.xml", laughs)
    message = refusal(path)
    assert message == (
        "alerts.xlsx contains XML constructs Excel never writes (in its part "
        "xl/sharedStrings.xml), so it was made or changed by another program; open it in "
        "Excel and save it again, or ask for a fresh export."
    )
    assert "entity" not in message and no_cell_reader == []


def test_xlsm_is_read(tmp_path: Path) -> None:
    path = Path(shutil.copy(SAMPLES / "alerts.xlsx", tmp_path / "alerts.xlsm"))
    book = read_workbook(path)
    assert book.sheet("Alerts") is not None


# --------------------------------------------------------------------------- hostile workbooks


def test_zip_bomb_is_refused_before_parsing(tmp_path: Path, no_cell_reader: list[str]) -> None:
    build_workbook(tmp_path / "base.xlsx", {"Alerts": [ALERT_HEADERS, alert_row()]})
    with zipfile.ZipFile(tmp_path / "base.xlsx") as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    parts["xl/worksheets/sheet1.xml"] = b"\0" * (50 * 2**20)  # compresses about 1000:1
    path = tmp_path / "alerts.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    assert path.stat().st_size < 2**20
    message = refusal(path)
    assert message.startswith("alerts.xlsx is refused: its part xl/worksheets/sheet1.xml expands")
    assert "zip bomb" in message
    assert no_cell_reader == []


def _padded(tmp_path: Path, size: int) -> Path:
    """A small alerts workbook with a part of ``size`` zero bytes beside its sheets."""
    build_workbook(tmp_path / "base.xlsx", {"Alerts": [ALERT_HEADERS, alert_row()]})
    with zipfile.ZipFile(tmp_path / "base.xlsx") as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    parts["xl/worksheets/padding.bin"] = b"\0" * (size)
    path = tmp_path / "alerts.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


def test_a_size_just_over_the_limit_is_told_apart_from_it(tmp_path: Path) -> None:
    """1.2 MB over a 1 MB limit read "expands to 1 MB, more than the 1 MB allowed"."""
    path = _padded(tmp_path, 2**20 + 2**18)
    message = refusal(path, max_bytes=2**20)
    assert message.startswith(
        "alerts.xlsx is refused: it expands to 1.3 MB, more than the 1.0 MB allowed"
    )


def test_total_uncompressed_size_is_capped(tmp_path: Path, no_cell_reader: list[str]) -> None:
    """Under the ratio floor but over the total allowed (setting DOCGEN_MAX_WORKBOOK_MB)."""
    path = _padded(tmp_path, 3 * 2**20)
    message = refusal(path, max_bytes=2**20)
    assert message.startswith(
        "alerts.xlsx is refused: it expands to 3 MB, more than the 1 MB allowed "
        "(setting DOCGEN_MAX_WORKBOOK_MB); when it holds few rows, formatting down to the "
        "sheets' last row is the likely cause: in Excel select the empty rows below the data"
    )
    assert "Clear All" in message and one_sentence(message)
    assert no_cell_reader == []


def test_stray_cell_at_xfd1048576_is_refused_before_reading(
    tmp_path: Path, no_cell_reader: list[str]
) -> None:
    path = with_sheet_xml(tmp_path / "alerts.xlsx", STRAY_AT_XFD)
    message = refusal(path)
    assert message == (
        "alerts.xlsx is refused: sheet 'Data' reaches cell XFD1048576 but holds only 2 cells; "
        "delete the stray cells far from the data (Ctrl+End in Excel shows where the sheet ends)."
    )
    assert no_cell_reader == []


HEADER_ROW = '<row r="1">' + text_cell("A1", "Alert ID") + "</row>"
#: A header, then one value typed at the sheet's last cell.
STRAY_AT_XFD = HEADER_ROW + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'


def test_a_stray_cell_on_a_later_sheet_is_refused_before_that_sheet_is_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sheets are parsed while the next is scanned: none may be parsed before its own
    scan has passed, and the workbook is refused with the stray sheet's message."""
    path = build_workbook(tmp_path / "alerts.xlsx", {"First": [["Alert ID"]], "Later": [["x"]]})
    with zipfile.ZipFile(path) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    parts["xl/worksheets/sheet2.xml"] = (
        f'<?xml version="1.0"?><worksheet xmlns="{MAIN_NS}"><sheetData>{STRAY_AT_XFD}'
        "</sheetData></worksheet>"
    ).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    parsed: list[str] = []
    real_parse = workbook_module._parse_sheet
    monkeypatch.setattr(
        workbook_module,
        "_parse_sheet",
        lambda book, name, label: (parsed.append(name), real_parse(book, name, label))[1],
    )
    assert "sheet 'Later' reaches cell XFD1048576" in refusal(path)
    assert "Later" not in parsed


STRAY_CELL_SPELLINGS = {
    # Valid SpreadsheetML that other writers produce: each must be measured as well.
    "cell r not first": HEADER_ROW + '<row r="1048576"><c s="0" r="XFD1048576"><v>1</v></c></row>',
    "row r not first": HEADER_ROW
    + '<row spans="16384:16384" r="1048576"><c r="XFD1048576"><v>1</v></c></row>',
    "row without r (optional)": HEADER_ROW + '<row><c r="XFD1048576"><v>1</v></c></row>',
    "rows out of order": '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>' + HEADER_ROW,
    "newline after <c": HEADER_ROW + '<row r="1048576"><c\nr="XFD1048576"><v>1</v></c></row>',
    "tab after <c": HEADER_ROW + '<row r="1048576"><c\tr="XFD1048576"><v>1</v></c></row>',
    "single quotes": HEADER_ROW + "<row r='1048576'><c r='XFD1048576'><v>1</v></c></row>",
    "spaces round =": HEADER_ROW + '<row r="1048576"><c r = "XFD1048576"><v>1</v></c></row>',
    # A cell without r= goes after the cell before it in its row: 16,384 of them reach XFD.
    "cells placed by their row": HEADER_ROW
    + '<row r="1048576">'
    + "<c><v>1</v></c>" * 16384
    + "</row>",
}


@pytest.mark.parametrize("sheet_data", STRAY_CELL_SPELLINGS.values(), ids=STRAY_CELL_SPELLINGS)
def test_stray_cell_is_refused_however_the_xml_spells_it(
    tmp_path: Path, no_cell_reader: list[str], sheet_data: str
) -> None:
    """Unrefused, python-calamine tries to allocate 512 GB and aborts the whole process."""
    path = with_sheet_xml(tmp_path / "alerts.xlsx", sheet_data)
    message = refusal(path)
    assert "reaches cell XFD1048576" in message
    assert no_cell_reader == []


def test_a_cell_formatted_far_below_the_table_but_empty_is_no_reason_to_refuse(
    tmp_path: Path,
) -> None:
    """A fill or border given to a far cell makes Excel's used range reach it (Ctrl+End
    goes there), but the cell holds nothing, and the cell reader allocates nothing for it."""

    def format_far_cells(wb) -> None:
        wb["Alerts"]["XFD1048576"].fill = PatternFill("solid", start_color="FFFFFF00")
        wb["Alerts"]["A1048576"].border = Border(bottom=Side(style="thin"))

    path = edit_workbook(SAMPLES / "alerts.xlsx", tmp_path / "alerts.xlsx", format_far_cells)
    _, report = validate_workbook(read_workbook(path), ALERT)
    assert report.problems == []
    # as Excel itself writes an empty formatted cell: <c r="XFD1048576" s="1"/>
    path = with_sheet_xml(
        tmp_path / "excel.xlsx",
        HEADER_ROW + '<row r="2">' + text_cell("A2", "A0001") + "</row>"
        '<row r="1048576" ht="30" customHeight="1"><c r="XFD1048576" s="1"/></row>',
    )
    sheet = read_workbook(path).sheet("Data")
    assert sheet is not None
    assert [(n, values) for n, values in sheet.rows] == [(2, ["A0001"])]


@pytest.mark.parametrize(
    "far_cell",
    [
        '<c r="XFD1048576" t="inlineStr"><is><t></t></is></c>',  # an empty text is a value
        '<c r="XFD1048576" s="1"><v></v></c>',
        '<c r="XFD1048576" s="1"><f>A1</f></c>',
    ],
)
def test_a_far_cell_holding_anything_at_all_is_still_refused(
    tmp_path: Path, no_cell_reader: list[str], far_cell: str
) -> None:
    path = with_sheet_xml(
        tmp_path / "alerts.xlsx",
        HEADER_ROW + '<row r="2"><c r="B2" s="1"/></row><row r="1048576">' + far_cell + "</row>",
    )
    assert "reaches cell XFD1048576 but holds only 2 cells" in refusal(path)
    assert no_cell_reader == []


def test_stray_cell_in_prefixed_sheet_xml_is_refused(
    tmp_path: Path, no_cell_reader: list[str]
) -> None:
    """Writers built on the OpenXML SDK prefix every element (<x:row>, <x:c>)."""
    root = (
        f'<?xml version="1.0"?><x:worksheet xmlns:x="{MAIN_NS}"><x:sheetData>'
        '<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>Alert ID</x:t></x:is></x:c></x:row>'
        '<x:row r="1048576"><x:c r="XFD1048576"><x:v>1</x:v></x:c></x:row>'
        "</x:sheetData></x:worksheet>"
    )
    path = with_sheet_xml(tmp_path / "alerts.xlsx", "", root=root)
    message = refusal(path)
    assert "reaches cell XFD1048576" in message
    assert no_cell_reader == []


def test_forged_dimension_is_not_trusted(tmp_path: Path) -> None:
    path = with_sheet_xml(
        tmp_path / "alerts.xlsx",
        '<row r="1">' + text_cell("A1", "Alert ID") + text_cell("B1", "Stage") + "</row>"
        '<row r="2">' + text_cell("A2", "A0001") + '<c r="B2"><v>2</v></c></row>',
        dimension='<dimension ref="A1:XFD1048576"/>',
    )
    sheet = read_workbook(path).sheet("Data")
    assert sheet is not None
    assert sheet.headers == [(0, "Alert ID"), (1, "Stage")]
    assert [(n, values[:2]) for n, values in sheet.rows] == [(2, ["A0001", 2])]


# --------------------------------------------------------------------------- formulas


def test_formula_without_cached_value_is_reported_by_cell(tmp_path: Path) -> None:
    """openpyxl (and scripts using it) write formulas Excel never calculated: <v></v>."""
    row = alert_row()
    row[4] = "=DATE(2014,2,3)"
    path = build_workbook(tmp_path / "alerts.xlsx", {"Alerts": [ALERT_HEADERS, row]})
    tables, report = validate_workbook(read_workbook(path), ALERT)
    assert report.flatten("code", "location") == [["formula-without-value", "Alerts!E2"]]
    assert "formula Excel has not calculated" in report.problems[0].message
    assert "open the workbook in Excel and save it" in report.problems[0].expected
    assert len(tables[Alert]) == 0


def test_formula_with_cached_value_is_read_as_its_value(tmp_path: Path) -> None:
    path = with_sheet_xml(
        tmp_path / "book.xlsx",
        '<row r="1">' + text_cell("A1", "Stage") + "</row>"
        '<row r="2"><c r="A2"><f>1+1</f><v>2</v></c></row>',
    )
    sheet = read_workbook(path).sheet("Data")
    assert sheet is not None
    assert sheet.rows == [(2, [2])]
    assert sheet.uncached == frozenset()


def test_uncalculated_formula_after_a_formatted_blank_cell_is_reported_at_its_own_cell(
    tmp_path: Path,
) -> None:
    """Excel writes a formatted empty cell as <c r="E2" s="0"/>; the formula is in F2.

    Today E2 (a blank Team Manager) is blamed for the formula and F2 is called blank.
    """
    headers = [*ALERT_HEADERS[:4], "Team Manager", *ALERT_HEADERS[4:]]
    cells = [text_cell(f"{col}1", h) for col, h in zip("ABCDEFGHIJ", headers, strict=True)]
    row = [
        text_cell(f"{col}2", v) for col, v in zip("ABCD", ["A1", "C100", "Sam", "Jo"], strict=True)
    ]
    row += ['<c r="E2" s="0"/>', '<c r="F2"><f>DATE(2014,2,3)</f><v></v></c>']
    row += ['<c r="G2"><v>1</v></c>']
    row += [text_cell(f"{col}2", v) for col, v in zip("HIJ", ["Placement", "x", "y"], strict=True)]
    path = with_sheet_xml(
        tmp_path / "alerts.xlsx",
        f'<row r="1">{"".join(cells)}</row><row r="2">{"".join(row)}</row>',
        name="Alerts",
    )
    _, report = validate_workbook(read_workbook(path), ALERT)
    assert report.flatten("code", "location") == [["formula-without-value", "Alerts!F2"]]


def test_uncalculated_formula_in_prefixed_sheet_xml_is_reported(tmp_path: Path) -> None:
    root = (
        f'<?xml version="1.0"?><x:worksheet xmlns:x="{MAIN_NS}"><x:sheetData>'
        '<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>Stage</x:t></x:is></x:c>'
        '<x:c r="B1" t="inlineStr"><x:is><x:t>Total</x:t></x:is></x:c></x:row>'
        '<x:row r="2"><x:c r="A2"><x:v>3</x:v></x:c><x:c r="B2"><x:f>A2+1</x:f></x:c></x:row>'
        "</x:sheetData></x:worksheet>"
    )
    sheet = read_workbook(with_sheet_xml(tmp_path / "book.xlsx", "", root=root)).sheet("Data")
    assert sheet is not None
    assert sheet.rows == [(2, [3, None])]
    assert sheet.uncached == frozenset({"B2"})


def test_row_of_only_uncalculated_formulas_is_not_dropped_silently(tmp_path: Path) -> None:
    """A sheet filled by formulas (=Sheet2!A2, ...) saved by a script, never by Excel."""
    row = ['="A"&"0001"', '="C"&"100"', '="Sam"', '="Jo"', "=DATE(2014,2,3)", "=1"]
    row += ['="Placement"', '="x"', '="y"']
    path = build_workbook(tmp_path / "alerts.xlsx", {"Alerts": [ALERT_HEADERS, row]})
    tables, report = validate_workbook(read_workbook(path), ALERT)
    assert len(tables[Alert]) == 0
    assert report.flatten("code", "location") == [
        ["formula-without-value", f"Alerts!{col}2"] for col in "ABCDEFGHI"
    ]


# --------------------------------------------------------------------------- layout and headers


def test_header_row_is_the_first_non_empty_row_and_row_numbers_are_real(tmp_path: Path) -> None:
    path = build_workbook(
        tmp_path / "alerts.xlsx",
        {
            "Alerts": [
                [],
                ["   "],  # whitespace only counts as blank
                [None, None, *ALERT_HEADERS],
                [None, None, *alert_row("A0001")],
                [],
                [],
                [None, None, *alert_row("A0002", raised="soon")],
                [None, None, *alert_row("A0003")],
            ]
        },
    )
    book = read_workbook(path)
    sheet = book.sheet("Alerts")
    assert sheet is not None
    assert sheet.header_row == 3
    assert sheet.headers[0] == (2, "Alert ID")
    assert [number for number, _ in sheet.rows] == [4, 7, 8]
    tables, report = validate_workbook(book, ALERT)
    assert report.flatten("code", "location") == [["invalid-date", "Alerts!G7"]]
    assert tables[Alert].row_numbers == [4, 8]


@pytest.mark.parametrize(
    "header", ["Child ID", "child_id", "CHILD-ID", "CHILD", "Child ID (CHILD)", "  child   id "]
)
def test_headers_match_whatever_the_case_spacing_or_alias(tmp_path: Path, header: str) -> None:
    headers = [header if h == "Child ID" else h for h in ALERT_HEADERS]
    path = build_workbook(tmp_path / "alerts.xlsx", {"Alerts": [headers, alert_row()]})
    tables, report = validate_workbook(read_workbook(path), ALERT)
    assert report.problems == []
    assert [a.child_id for a in tables[Alert]] == ["C100"]


@pytest.mark.parametrize("name", ["cp_plans", "CP Plans", "CP-PLANS", "cp  plans"])
def test_sheet_names_match_whatever_the_case_or_separator(tmp_path: Path, name: str) -> None:
    path = build_workbook(tmp_path / "book.xlsx", {name: [["Child ID"], ["P1"]]})
    book = read_workbook(path)
    sheet = book.sheet("CP Plans")
    assert sheet is not None
    assert sheet.name == name
    assert book.sheet("cp_plans") is sheet


def test_sheet_names_match_in_validation(tmp_path: Path) -> None:
    def edit(wb) -> None:
        wb["CP Plans"].title = "cp_plans"
        wb["Children"].title = "renamed"  # openpyxl would make a same-name rename CHILDREN1
        wb["renamed"].title = "CHILDREN"

    path = edit_workbook(SAMPLES / "annual_2014.xlsx", tmp_path / "annual.xlsx", edit)
    tables, report = validate_workbook(read_workbook(path), ANNUAL)
    assert report.problems == []
    assert tables[CPPlan].sheet_name == "cp_plans"


def test_curly_apostrophe_in_a_header_matches(tmp_path: Path) -> None:
    headers = [
        "Review ID",
        "Child ID",
        "Child Name",
        "Date of Birth",
        "Review Date",
        "Date Became Looked After",
        "IRO",
        "Child\u2019s Views",
        "Parents\u2019 Views",
    ]
    row = ["R1", "C1", "Sam", "01/01/2010", "01/04/2014", "01/01/2014", "Jo", "Happy", "Agree"]
    path = build_workbook(
        tmp_path / "reviews.xlsx",
        {
            "Review Meetings": [headers, row],
            "Attendees": [["Review ID", "Name", "Role", "Attendance"]],
            "Decisions": [["Review ID", "Decision", "Responsible", "Timescale"]],
        },
    )
    tables, report = validate_workbook(read_workbook(path), REVIEW)
    assert report.problems == []
    (meeting,) = tables[ReviewMeeting]
    assert (meeting.childs_views, meeting.parents_views) == ("Happy", "Agree")


def test_reading_never_changes_the_file(tmp_path: Path) -> None:
    path = Path(shutil.copy(SAMPLES / "review_meetings.xlsx", tmp_path / "reviews.xlsx"))
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    mtime = path.stat().st_mtime_ns
    validate_workbook(read_workbook(path), REVIEW)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert path.stat().st_mtime_ns == mtime
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reviews.xlsx"]


def test_sheet_names_are_listed_without_reading_a_cell(
    tmp_path: Path, no_cell_reader: list[str]
) -> None:
    path = build_workbook(tmp_path / "x.xlsx", {"Alerts": [ALERT_HEADERS], "Alert History": []})
    assert list_sheets(path) == ["Alerts", "Alert History"]
    assert no_cell_reader == []


def test_telling_a_workbooks_kind_honours_the_size_limit(tmp_path: Path) -> None:
    """Kind-guessing runs before validation: it must refuse what validation would refuse."""
    big = "x" * 32_000
    path = build_workbook(
        tmp_path / "alerts.xlsx", {"Alerts": [ALERT_HEADERS], "Notes": [[big] * 50]}
    )
    assert guess_kind(path).kind == "alert"
    with pytest.raises(WorkbookError, match="more than the 1 MB allowed"):
        guess_kind(path, Settings(max_workbook_mb=1))


# --------------------------------------------------------------------------- excel error values


def test_error_values_are_kept_by_cell_not_read_as_blank(tmp_path: Path) -> None:
    """python-calamine reads an error cell (t="e") as ''; the sheet XML says which error."""
    errors = ["#N/A", "#REF!", "#DIV/0!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!"]
    path = build_workbook(tmp_path / "book.xlsx", {"Data": [list("ABCDEFG"), errors]})
    sheet = read_workbook(path).sheet("Data")
    assert sheet is not None
    assert sheet.errors == {f"{col}2": error for col, error in zip("ABCDEFG", errors, strict=True)}
    assert sheet.rows == [(2, [None] * 7)]


def test_formula_with_a_cached_error_is_kept_by_cell(tmp_path: Path) -> None:
    path = with_sheet_xml(
        tmp_path / "book.xlsx",
        '<row r="1">' + text_cell("A1", "Child ID") + text_cell("G1", "Date Ceased") + "</row>"
        '<row r="4">' + text_cell("A4", "C1") + "</row>"
        '<row r="5"><c r="G5" t="e"><f>VLOOKUP(1,A:A,2,0)</f><v>#N/A</v></c></row>'
        # the OpenXML SDK may leave out r=: this is row 6, its second cell B6
        '<row><c t="inlineStr"><is><t>C3</t></is></c><c t="e"><v>#REF!</v></c></row>',
    )
    sheet = read_workbook(path).sheet("Data")
    assert sheet is not None
    assert sheet.errors == {"G5": "#N/A", "B6": "#REF!"}
    assert sheet.uncached == frozenset()
    assert [number for number, _ in sheet.rows] == [4, 5, 6]
    assert sheet.rows[1][1][6] is None
    assert sheet.rows[2][1][:2] == ["C3", None]


def test_calculated_error_is_reported_at_its_cell(tmp_path: Path) -> None:
    cells = [text_cell(f"{col}1", h) for col, h in zip("ABCDEFGHI", ALERT_HEADERS, strict=True)]
    row = [
        text_cell(f"{col}2", v) for col, v in zip("ABCD", ["A1", "C100", "Sam", "Jo"], strict=True)
    ]
    row += ['<c r="E2" t="e"><f>VLOOKUP(A2,Dates!A:B,2,FALSE)</f><v>#N/A</v></c>']
    row += ['<c r="F2"><v>1</v></c>']
    row += [text_cell(f"{col}2", v) for col, v in zip("GHI", ["Placement", "x", "y"], strict=True)]
    path = with_sheet_xml(
        tmp_path / "alerts.xlsx",
        f'<row r="1">{"".join(cells)}</row><row r="2">{"".join(row)}</row>',
        name="Alerts",
    )
    tables, report = validate_workbook(read_workbook(path), ALERT)
    assert report.flatten("code", "location", "severity") == [["excel-error", "Alerts!E2", "error"]]
    assert report.problems[0].message == "Date Raised '#N/A' is an Excel error value"
    assert len(tables[Alert]) == 0


def test_error_value_in_a_header_is_shown_as_the_header(tmp_path: Path) -> None:
    path = build_workbook(
        tmp_path / "alerts.xlsx", {"Alerts": [[*ALERT_HEADERS, "#REF!"], alert_row()]}
    )
    sheet = read_workbook(path).sheet("Alerts")
    assert sheet is not None
    assert sheet.headers[-1] == (9, "#REF!")
    _, report = validate_workbook(read_workbook(path), ALERT)
    assert report.flatten("code", "location", "severity") == [
        ["unknown-column", "Alerts!J1", "warning"]
    ]


# --------------------------------------------------------------------------- duplicate sheets


def test_sheets_whose_names_match_are_all_recorded(tmp_path: Path) -> None:
    path = build_workbook(
        tmp_path / "book.xlsx",
        {"CP Plans": [["Child ID"], ["P1"]], "CP_Plans": [["Child ID"], ["P2"]], "cp-plans": []},
    )
    book = read_workbook(path)
    sheet = book.sheet("cp plans")
    assert sheet is not None
    assert sheet.name == "CP Plans"
    assert book.duplicates_of("CP Plans") == ["CP_Plans", "cp-plans"]
    assert book.duplicates_of("Children") == []


def test_numbers_formatted_as_percentages_read_as_excel_shows_them(tmp_path: Path) -> None:
    """0.995 formatted 0.0% is shown, and read, as 99.5%; a % inside quotes in a format is
    a literal sign, not a percentage; text and unformatted numbers are as stored."""
    path = build_workbook(
        tmp_path / "percent.xlsx",
        {"Data": [["Value"], [0.995], [0.005], [1], [99.5], [0.25], ["95%"], [0.5]]},
    )

    def formats(wb) -> None:
        ws = wb["Data"]
        for row, number_format in (
            (2, "0.0%"),
            (3, "0.00%"),
            (4, "0%"),
            (5, '0.0"%"'),
            (7, "0%"),
            (8, "[Red]0.0\\%"),
        ):
            ws.cell(row, 1).number_format = number_format

    edit_workbook(path, path, formats)
    sheet = read_workbook(path).sheet("Data")
    assert sheet is not None
    assert [values[0] for _, values in sheet.rows] == [
        "99.5%",
        "0.5%",
        "100%",
        99.5,
        0.25,
        "95%",
        0.5,
    ]


def as_strict(src: Path, dest: Path) -> Path:
    """``src`` as Excel's "Strict Open XML Spreadsheet" saves it: the same parts under the
    purl.oclc.org namespaces."""
    swaps = {
        b"http://schemas.openxmlformats.org/spreadsheetml/2006/main": (
            b"http://purl.oclc.org/ooxml/spreadsheetml/main"
        ),
        b"http://schemas.openxmlformats.org/officeDocument/2006/relationships": (
            b"http://purl.oclc.org/ooxml/officeDocument/relationships"
        ),
    }
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if not info.filename.startswith("["):
                for transitional, strict in swaps.items():
                    data = data.replace(transitional, strict)
            zout.writestr(info, data)
    return dest


def test_a_strict_open_xml_workbook_is_read_and_its_kind_recognised(tmp_path: Path) -> None:
    path = as_strict(SAMPLES / "review_meetings.xlsx", tmp_path / "strict.xlsx")
    assert list_sheets(path) == ["Review Meetings", "Attendees", "Decisions", "Previous Decisions"]
    assert guess_kind(path).kind == "review"
    strict, transitional = (
        read_workbook(p).sheet("Review Meetings") for p in (path, SAMPLES / "review_meetings.xlsx")
    )
    assert strict is not None and transitional is not None
    assert strict.rows == transitional.rows


def test_a_stray_cell_in_a_strict_workbook_is_refused_before_reading(
    tmp_path: Path, no_cell_reader: list[str]
) -> None:
    """Strict namespaces must not let a sheet past the extent check."""
    path = with_sheet_xml(tmp_path / "alerts.xlsx", STRAY_AT_XFD)
    strict = as_strict(path, tmp_path / "strict.xlsx")
    assert "reaches cell XFD1048576" in refusal(strict)
    assert no_cell_reader == []


@pytest.mark.parametrize(
    "cell",
    [
        "<c r='B2' t='e'><v>#N/A</v></c>",
        '<c\nr="B2"\nt="e"><v>#N/A</v></c>',
        '<c r = "B2" t = "e"><v>#N/A</v></c>',
    ],
    ids=["single quotes", "newlines", "spaces round ="],
)
def test_an_error_value_is_found_however_the_xml_spells_it(tmp_path: Path, cell: str) -> None:
    """Missed, #N/A would read as a blank cell."""
    path = with_sheet_xml(
        tmp_path / "alerts.xlsx",
        '<row r="1">' + text_cell("A1", "Alert ID") + text_cell("B1", "Stage") + "</row>"
        '<row r="2">' + text_cell("A2", "A1") + cell + "</row>",
    )
    sheet = read_workbook(path).sheet("Data")
    assert sheet is not None and sheet.errors == {"B2": "#N/A"}


def test_two_sheets_with_one_name_are_refused_as_damaged(tmp_path: Path) -> None:
    """Excel never writes it; the scan and the cell reader could each read a different one."""
    path = build_workbook(tmp_path / "alerts.xlsx", {"Data": [["x"]], "Other": [["y"]]})
    with zipfile.ZipFile(path) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(b'name="Other"', b'name="Data"')
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    assert refusal(path) == "alerts.xlsx is damaged: it lists two sheets named 'Data'."


def test_reading_one_sheet_reads_no_other(tmp_path: Path) -> None:
    """The watch service looks up an annual workbook's year on its Report sheet without
    reading the 300,000 rows beside it (they are read, and checked, when it renders)."""
    path = with_sheet_xml(tmp_path / "annual.xlsx", STRAY_AT_XFD)
    edit_workbook(path, path, lambda wb: wb.create_sheet("Report").append(["Setting", "Value"]))
    book = read_workbook(path, sheets=["report"])
    assert list(book.sheets) == ["report"]
    assert "reaches cell XFD1048576" in refusal(path)


# --------------------------------------------------------------------------- empty formatted rows


def _formatted_to(path: Path, last: int, *, numbered: bool = True, far: str | None = None) -> Path:
    """The sample alerts with every column formatted (empty styled cells) down to row
    ``last``, as Excel writes a fill dragged to the bottom; ``far`` types a value in
    the last row's first cell."""
    source = SAMPLES / "alerts.xlsx"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                head, tail = data.split(b"</sheetData>")
                rows = []
                for n in range(head.count(b"<row ") + 1, last + 1):
                    cells = b"".join(b'<c r="%s%d" s="0"/>' % (c, n) for c in _LETTERS)
                    if far and n == last:
                        cells = b'<c r="A%d" t="inlineStr"><is><t>%s</t></is></c>' % (
                            n,
                            far.encode(),
                        )
                    number = b' r="%d"' % n if numbered else b""
                    rows.append(b"<row%s>%s</row>" % (number, cells))
                data = head + b"".join(rows) + b"</sheetData>" + tail
            zout.writestr(info, data)
    return path


_LETTERS = [letter.encode() for letter in "ABCDEFGHIJ"]


@pytest.fixture
def small_streams(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sheet parts over 64 KB are compacted, in pieces of 16 KB and runs of 1 KB: the
    same code as a sheet of 500 MB, at a size a test reads in a blink."""
    monkeypatch.setattr(workbook_module, "STREAM_BYTES", 1 << 16)
    monkeypatch.setattr(workbook_module, "_PIECE", 1 << 14)
    monkeypatch.setattr(workbook_module, "_RUN", 1 << 10)


def test_empty_formatted_rows_are_left_out_as_they_are_read(
    tmp_path: Path, small_streams: None
) -> None:
    plain = read_workbook(SAMPLES / "alerts.xlsx")
    path = _formatted_to(tmp_path / "alerts.xlsx", 20_000)
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
        assert info.file_size > 300_000
        compacted = workbook_module._compact(zf, info)
    assert compacted is not None and len(compacted) < info.file_size / 20
    book = read_workbook(path, max_bytes=200_000)  # more than that only when formatted
    assert [(s.name, s.rows) for s in book.sheets.values()] == [
        (s.name, s.rows) for s in plain.sheets.values()
    ]


def test_a_large_sheet_inflates_to_exactly_what_zipfile_reads(
    tmp_path: Path, small_streams: None
) -> None:
    """Piece by piece, to the last byte the inflater holds after its input is read."""
    path = _formatted_to(tmp_path / "alerts.xlsx", 20_000)
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
        pieces = list(workbook_module._inflate_here(zf, info))
        assert len(pieces) > 100 and max(map(len, pieces)) <= 1 << 14
        assert b"".join(pieces) == zf.read(info)


def test_a_large_sheet_damaged_midway_is_refused_as_damaged(
    tmp_path: Path, small_streams: None
) -> None:
    """Bytes of a formatted sheet's compressed stream overwritten halfway through, as a
    failing disk or a bad download leaves them: refused, never read short."""
    path = _formatted_to(tmp_path / "alerts.xlsx", 20_000)
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    data = bytearray(path.read_bytes())
    middle = info.header_offset + 30 + len(info.filename) + info.compress_size // 2
    data[middle : middle + 64] = bytes(64)
    path.write_bytes(bytes(data))
    message = refusal(path)
    assert message.startswith("alerts.xlsx is damaged") and one_sentence(message)


def test_a_value_far_below_formatted_rows_is_still_read_at_its_cell(
    tmp_path: Path, small_streams: None
) -> None:
    path = _formatted_to(tmp_path / "alerts.xlsx", 20_000, far="A0999")
    sheet = read_workbook(path).sheet("Alerts")
    assert sheet is not None
    number, values = sheet.rows[-1]
    assert (number, values[0]) == (20_000, "A0999")


def test_rows_without_numbers_are_read_as_they_are(tmp_path: Path, small_streams: None) -> None:
    """A row without r= is placed after the one before it: none may be left out before it."""
    path = _formatted_to(tmp_path / "alerts.xlsx", 5_000, numbered=False, far="A0999")
    with zipfile.ZipFile(path) as zf:
        assert workbook_module._compact(zf, zf.getinfo("xl/worksheets/sheet1.xml")) is None
    sheet = read_workbook(path).sheet("Alerts")
    assert sheet is not None and sheet.rows[-1][0] == 5_000


def test_a_sheet_mostly_of_data_is_read_as_it_is(tmp_path: Path, small_streams: None) -> None:
    rows = [ALERT_HEADERS, *(alert_row(f"A{n:05d}") for n in range(3_000))]
    path = build_workbook(tmp_path / "alerts.xlsx", {"Alerts": rows})
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
        assert info.file_size > 1 << 16
        assert workbook_module._compact(zf, info) is None
    sheet = read_workbook(path).sheet("Alerts")
    assert sheet is not None and len(sheet.rows) == 3_000


def test_the_size_limit_counts_a_large_sheet_as_read(tmp_path: Path, small_streams: None) -> None:
    """Data over the limit is refused all the same, with what to do in the workbook."""
    rows = [ALERT_HEADERS, *(alert_row(f"A{n:05d}") for n in range(3_000))]
    path = build_workbook(tmp_path / "alerts.xlsx", {"Alerts": rows})
    message = refusal(path, max_bytes=1 << 16)
    size = message.removeprefix("alerts.xlsx is refused: it expands to ").split(" MB")[0]
    assert float(size) > 0.1 and ", more than the 0.1 MB allowed" in message
    assert "Clear All" in message


def test_a_formatted_sheet_not_asked_for_is_neither_read_nor_counted(
    tmp_path: Path, small_streams: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Finding an annual workbook's year reads only its Report sheet: a large sheet beside
    it, never inflated, cannot push it over the size limit."""
    path = _formatted_to(tmp_path / "alerts.xlsx", 20_000)
    inflated: list[str] = []
    real = workbook_module._compact

    def compact(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes | None:
        inflated.append(info.filename)
        return real(zf, info)

    monkeypatch.setattr(workbook_module, "_compact", compact)
    book = read_workbook(path, max_bytes=200_000, sheets=["Alert History"])
    assert list(book.sheets) == ["alert history"] and inflated == []
