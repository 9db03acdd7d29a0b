"""pdf.py: one LibreOffice run per batch, owner-only PDFs, all or nothing.

The real conversion runs once for the module (LibreOffice takes seconds to start);
the batching, failure and timeout rules are tested against a stand-in ``soffice``.
"""

from __future__ import annotations

import ast
import re
import shutil
import stat
import sys
from datetime import datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from docgen import pdf, pipeline
from docgen.errors import UserError
from docgen.pdf import MISSING_LIBREOFFICE, convert_to_pdf
from tests.conftest import SAMPLES, edit_workbook, set_cells

needs_libreoffice = pytest.mark.skipif(
    shutil.which("soffice") is None and shutil.which("libreoffice") is None,
    reason="LibreOffice (soffice) is not installed, so no PDF can be made",
)

SAMPLE_WORKBOOKS = {
    "review": "review_meetings.xlsx",
    "alert": "alerts.xlsx",
    "conference": "conferences.xlsx",
}


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    """{kind: (docx, pdf)} for the annual report and the first of each meeting paper,
    all converted by one call (one LibreOffice process)."""
    folder = tmp_path_factory.mktemp("documents")
    documents = {"annual": pipeline.annual_report(2014, output=folder).outputs[0]}
    for kind, workbook in SAMPLE_WORKBOOKS.items():
        result = pipeline.meeting_papers(kind, SAMPLES / workbook, output=folder / kind)
        documents[kind] = result.outputs[0]
    # one folder, so one process: move the chosen papers beside the annual report
    for kind in SAMPLE_WORKBOOKS:
        documents[kind] = documents[kind].rename(folder / documents[kind].name)
    pdfs = convert_to_pdf(list(documents.values()))
    return {kind: (docx, out) for (kind, docx), out in zip(documents.items(), pdfs, strict=True)}


def _text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def _ident(docx: Path) -> str:
    """The ID in a meeting paper's name: ``review_C01234_2014-03-12`` gives ``C01234``."""
    return docx.stem.split("_")[1]


@needs_libreoffice
@pytest.mark.parametrize("kind", ["annual", "review", "alert", "conference"])
def test_pdf_of_each_sample_holds_its_text(
    converted: dict[str, tuple[Path, Path]], kind: str
) -> None:
    docx, out = converted[kind]
    assert out == docx.with_suffix(".pdf")
    reader = PdfReader(out)
    text = _text(out)
    pages = len(reader.pages)
    first = 2 if kind == "annual" else 1  # the annual report's title page has no footer
    assert f"Page {first} of {pages}" in text  # page fields laid out, not left as codes
    assert f"Page {pages} of {pages}" in text
    if kind == "annual":
        assert "Westbourne Borough Council" in text
        assert "Annual Report 2013-14" in text
    else:
        assert _ident(docx) in text


@needs_libreoffice
def test_review_pdf_names_the_child(converted: dict[str, tuple[Path, Path]]) -> None:
    docx, out = converted["review"]
    assert re.search(rf"Child ID\s*{re.escape(_ident(docx))}", _text(out))


@needs_libreoffice
def test_dates_and_ages_in_list_tables_stay_on_one_line(tmp_path: Path) -> None:
    """Columns of 2.7-3.3 cm broke "30 September 2004" after the month, and the 1.2 cm
    Age column broke a pre-birth child's "Unborn" into "Unbo" / "rn"."""
    late_in_month = datetime(2014, 9, 30)
    papers = [  # kind, workbook, meeting, (sheet, row, cells) edits
        ("conference", "conferences.xlsx", "CP0201", [
            ("Conference Children", 2, {"Date of Birth": datetime(2004, 9, 30)}),
            ("Conference Children", 4, {"Date of Birth": datetime(2014, 8, 1)}),  # unborn
        ]),
        ("review", "review_meetings.xlsx", "R0001", [
            ("Decisions", 2, {"Timescale": late_in_month}),
        ]),
        ("alert", "alerts.xlsx", "A0102", [("Alert History", 2, {"Date": late_in_month})]),
    ]  # fmt: skip
    documents = []
    for kind, workbook, only, edits in papers:
        book = edit_workbook(
            SAMPLES / workbook,
            tmp_path / workbook,
            lambda wb, edits=edits: [set_cells(wb, *edit) for edit in edits],
        )
        documents += pipeline.meeting_papers(kind, book, output=tmp_path, only=only).outputs
    conference, review, alert = (_text(out) for out in convert_to_pdf(documents))
    assert "P30011 Ellie Dawson 30 September 2004 9 " in conference
    assert "P30013 Rosie Dawson 1 August 2014 Unborn " in conference
    assert "Social Worker 30 September 2014\n" in review
    assert "Stage 1: Team Manager 30 September 2014 " in alert


@needs_libreoffice
def test_pdfs_are_owner_only_and_leave_nothing_else(
    converted: dict[str, tuple[Path, Path]],
) -> None:
    folder = converted["annual"][1].parent
    for _docx, out in converted.values():
        assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert not list(folder.glob(".docgen-pdf-*"))


def test_missing_libreoffice_says_what_to_do(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    document = tmp_path / "a.docx"
    document.write_bytes(b"x")
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(UserError) as caught:
        convert_to_pdf([document])
    assert str(caught.value) == (
        "PDF output needs LibreOffice: install it (Debian: apt-get install "
        "libreoffice-writer-nogui) or leave out --pdf."
    )
    assert str(caught.value) == MISSING_LIBREOFFICE


def test_missing_libreoffice_on_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(UserError, match="PDF output needs LibreOffice"):
        pdf.find_soffice()


# --------------------------------------------------------------------------- a stand-in soffice

FAKE_SOFFICE = """#!{python}
import os, sys, time
with open(os.environ["FAKE_SOFFICE_LOG"], "a") as log:
    log.write(repr(sys.argv[1:]) + "\\n")
if os.environ.get("FAKE_SOFFICE_SLEEP"):
    time.sleep(float(os.environ["FAKE_SOFFICE_SLEEP"]))
outdir = sys.argv[sys.argv.index("--outdir") + 1]
for arg in sys.argv[1:]:
    name = os.path.basename(arg)
    if arg.endswith(".docx") and "broken" not in name:
        with open(os.path.join(outdir, name[:-5] + ".pdf"), "wb") as out:
            out.write(b"%PDF-1.4 stand-in")
"""


@pytest.fixture
def fake_soffice(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A ``soffice`` on PATH that logs its arguments and "converts" all but *broken* files."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    program = bin_dir / "soffice"
    program.write_text(FAKE_SOFFICE.format(python=sys.executable))
    program.chmod(0o755)
    log = tmp_path / "soffice.log"
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setenv("FAKE_SOFFICE_LOG", str(log))
    return log


def _documents(folder: Path, *names: str) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_bytes(b"docx")
    return [folder / name for name in names]


def test_one_process_per_folder_with_a_private_profile(fake_soffice: Path, tmp_path: Path) -> None:
    documents = _documents(tmp_path / "out", "a.docx", "b.docx", "c.docx")
    assert convert_to_pdf(documents) == [d.with_suffix(".pdf") for d in documents]
    [call] = [ast.literal_eval(line) for line in fake_soffice.read_text().splitlines()]
    assert [Path(a).name for a in call if a.endswith(".docx")] == ["a.docx", "b.docx", "c.docx"]
    assert {"--headless", "--norestore", "--convert-to"} <= set(call)
    # tagged, so screen readers find headings, tables and alt text
    assert call[call.index("--convert-to") + 1].startswith("pdf:writer_pdf_Export:")
    assert (
        '"UseTaggedPDF":{"type":"boolean","value":"true"}' in call[call.index("--convert-to") + 1]
    )
    profile = next(a for a in call if a.startswith("-env:UserInstallation=file:///"))
    assert not Path(profile.removeprefix("-env:UserInstallation=file://")).exists()  # removed
    for document in documents:
        assert stat.S_IMODE(document.with_suffix(".pdf").stat().st_mode) == 0o600


def test_a_failed_document_leaves_no_pdf_of_the_batch(fake_soffice: Path, tmp_path: Path) -> None:
    first = _documents(tmp_path / "one", "a.docx")
    second = _documents(tmp_path / "two", "b.docx", "broken_C01.docx", "d.docx")
    with pytest.raises(UserError) as caught:
        convert_to_pdf(first + second)
    message = str(caught.value)
    assert "broken_C01.docx" in message
    assert str(tmp_path) not in message  # the file name only
    assert not list(tmp_path.rglob("*.pdf"))
    assert not list(tmp_path.rglob(".docgen-pdf-*"))


def test_a_stuck_libreoffice_is_stopped(
    fake_soffice: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_SOFFICE_SLEEP", "30")
    documents = _documents(tmp_path / "out", "a.docx")
    with pytest.raises(UserError, match=r"did not finish converting a\.docx to PDF within 1 "):
        convert_to_pdf(documents, timeout=1)
    assert not list(tmp_path.rglob("*.pdf"))


def test_a_missing_document_is_named(fake_soffice: Path, tmp_path: Path) -> None:
    with pytest.raises(UserError, match=r"cannot make a PDF of gone\.docx"):
        convert_to_pdf([tmp_path / "gone.docx"])
    assert not fake_soffice.exists()  # LibreOffice was never started
