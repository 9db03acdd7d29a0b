"""The document-type registry: every part of docgen lists the same types, and a new
type (one per item of a meeting) works with no other file changed."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import openpyxl
import pytest

from docgen import checks, documents, pipeline
from docgen.documents import base
from docgen.errors import UserError
from docgen.models import ReviewAttendee, ReviewMeeting
from docgen.service import KIND_FOLDERS
from tests.conftest import REPO, SAMPLES, all_text, run_cli


def _child_names(workbook: Path) -> set[str]:
    book = openpyxl.load_workbook(workbook, read_only=True)
    names: set[str] = set()
    for sheet in book.worksheets:
        rows = sheet.iter_rows(values_only=True)
        header = [str(h or "").casefold() for h in next(rows, ())]
        if "child name" in header:
            at = header.index("child name")
            names |= {str(r[at]) for r in rows if r[at]}
    return names


def _cells_with_tags(workbook: Path) -> list[str]:
    book = openpyxl.load_workbook(workbook, read_only=True)
    return [
        str(v)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for v in row
        if isinstance(v, str) and ("{{" in v or "{%" in v)
    ]


def test_every_type_has_its_template_sample_and_command() -> None:
    help_text = run_cli("--help").output
    for doc in documents.all_types():
        for name in doc.templates:
            assert name in checks.TEMPLATES
        assert (SAMPLES / doc.sample).is_file(), doc.sample
        assert f"  {doc.command_name} " in help_text, doc.command_name


def test_the_drop_folder_has_an_inbox_per_type_it_takes() -> None:
    folders = {d.command_name for d in documents.all_types() if d.inbox and d.drop}
    assert set(KIND_FOLDERS) == folders
    assert {"invitations", "outcome-letters", "planning"} <= folders


def test_the_template_reference_names_every_template() -> None:
    reference = (REPO / "docs" / "templates.md").read_text(encoding="utf-8")
    for doc in documents.all_types():
        for name in doc.templates:
            assert f"### `{name}`" in reference


@pytest.mark.parametrize("doc", documents.per_row_types(), ids=lambda d: d.name)
def test_each_per_row_type_renders_its_sample_with_ids_in_file_names(
    doc: documents.DocumentType, tmp_path: Path
) -> None:
    result = run_cli(doc.command_name, str(SAMPLES / doc.sample), "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    written = sorted(tmp_path.glob("*.docx"))
    assert written
    names = _child_names(SAMPLES / doc.sample)
    for path in written:
        assert not any(n.split()[0].casefold() in path.name.casefold() for n in names)
        text = all_text(path)
        for literal in _cells_with_tags(SAMPLES / doc.sample):  # printed as typed, rightly
            text = text.replace(literal, "")
        assert "{{" not in text and "{%" not in text


def test_an_unknown_type_is_the_users_error() -> None:
    with pytest.raises(UserError, match="unknown document type 'minutes'"):
        documents.get("minutes")


def _per_attendee() -> documents.DocumentType:
    """A new type as a module would declare it: a note per invited attendee of a review."""
    review = documents.get("review")

    def invited(_meeting: ReviewMeeting, related: base.Related) -> list[ReviewAttendee]:
        return [a for a in related[0] if a.attendance != "Not Invited"]

    def build(meeting, related, settings, attendee):  # type: ignore[no-untyped-def]
        ctx = review.context(meeting, related, settings, None)
        ctx["child"] = {**ctx["child"], "name": f"Note for {attendee.name}"}
        return ctx

    return dataclasses.replace(
        review,
        name="attendee-note",
        per="item",
        items=invited,
        build=build,
        file_parts=lambda m, _r, _a, n: ("note", m.review_id, m.review_date.isoformat(), f"p{n}"),
    )


def test_a_new_type_makes_one_document_per_item(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    note = _per_attendee()
    monkeypatch.setattr(base, "registry", lambda: {**base._found_registry(), note.name: note})
    workbook = SAMPLES / "review_meetings.xlsx"
    result = pipeline.meeting_papers("attendee-note", workbook, output=tmp_path)
    book = openpyxl.load_workbook(workbook, read_only=True)
    sheet = book["Attendees"]
    rows = list(sheet.iter_rows(values_only=True))
    header = [str(h) for h in rows[0]]
    invited = [r for r in rows[1:] if r[header.index("Attendance")] != "Not Invited"]
    assert len(result.outputs) == len(invited)
    assert len({p.name for p in result.outputs}) == len(invited)
    first = sorted(result.outputs)[0]
    assert first.name.startswith("note_") and first.name.endswith("_p1.docx")
    # The review record lists every attendee anyway: each note must be for its own one.
    found = sorted(
        line.removeprefix("Note for ")
        for path in result.outputs
        for line in all_text(path).splitlines()
        if line.startswith("Note for ")
    )
    assert found == sorted(str(r[header.index("Name")]) for r in invited)


def test_templates_export_copies_every_template_and_keeps_a_councils_own(tmp_path: Path) -> None:
    folder = tmp_path / "letterhead"
    result = run_cli("templates", "export", str(folder))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in folder.iterdir()) == sorted(checks.TEMPLATES)
    (folder / "alert.docx").write_bytes(b"the council's own")
    again = run_cli("templates", "export", str(folder))
    assert again.exit_code == 1
    assert "already holds" in again.output
    assert (folder / "alert.docx").read_bytes() == b"the council's own"
    forced = run_cli("templates", "export", str(folder), "--force")
    assert forced.exit_code == 0
    assert run_cli("templates", "check", str(folder)).exit_code == 0
