"""The planning list: for the review and conference workbooks given, each child's latest
meeting on or before a day, the deadline of the next one (as its record prints it), the
day to book it by, and the days left or overdue, officer by officer. As an Excel list (filters on,
overdue rows marked) or a Word document."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

from docgen import context, timescales
from docgen.clikit import (
    _settings,
    _write_pdfs,
    pdf_option,
    pdf_ready,
    reports_errors,
    templates_option,
)
from docgen.context import long_date, plural, text
from docgen.documents import _drop, _output
from docgen.documents._letters import letterhead
from docgen.documents.base import DocumentType
from docgen.errors import UserError
from docgen.models import REVIEW, Conference, ConferenceChild, ReviewMeeting, WorkbookSpec
from docgen.settings import Settings
from docgen.validate import Tables
from docgen.xlsxbytes import xlsx_bytes

TEMPLATE = "planning_list.docx"
HEADERS = (
    "Officer",
    "Meeting",
    "Child ID",
    "Child Name",
    "Latest Meeting",
    "Meeting ID",
    "Next Deadline",
    "Book By",
    "Days Left",
    "Status",
)
OVERDUE_COLOUR = "FFC7CE"


@dataclass(frozen=True)
class Due:
    """One child's next meeting: who chairs it, when the last was, when the next is due."""

    officer: str
    meeting: str  # "Review" or "CP conference"
    child_id: str
    child_name: str
    latest: date
    meeting_id: str
    deadline: date
    book_by: date
    days_left: int  # negative when overdue

    @property
    def status(self) -> str:
        if self.days_left < 0:
            return f"Overdue by {plural(-self.days_left, 'day')}"
        return "Due today" if self.days_left == 0 else f"Due in {plural(self.days_left, 'day')}"


def _due(
    officer: str,
    kind: str,
    ids: tuple[str, str, str],
    held: date,
    deadline: date,
    as_of: date,
    planned: date | None = None,
) -> Due:
    """The deadline is always the statutory one, as the meeting's own record prints it; a
    planned Next Review Date earlier than the last working day before it is the day to
    book by instead."""
    child_id, name, meeting_id = ids
    latest_day = timescales.book_by(deadline)
    return Due(
        text(officer),
        kind,
        text(child_id),
        text(name),
        held,
        text(meeting_id),
        deadline,
        planned if planned is not None and planned < latest_day else latest_day,
        (deadline - as_of).days,
    )


def _latest(rows: Iterable[tuple[str, date, Any]], as_of: date) -> dict[str, tuple[date, Any]]:
    """Each child's latest (date, row) on or before ``as_of``."""
    found: dict[str, tuple[date, Any]] = {}
    for child, held, row in rows:
        key = child.casefold()
        if held <= as_of and (key not in found or held >= found[key][0]):
            found[key] = (held, row)
    return found


def review_dues(tables: Tables, as_of: date, settings: Settings) -> list[Due]:
    reviews = tables[ReviewMeeting].rows
    latest = _latest(((r.child_id, r.review_date, r) for r in reviews), as_of)
    dues = []
    for held, meeting in latest.values():
        number = context.review_ordinal(meeting, settings.review_policy)
        deadline = timescales.next_review_due(number, held, settings.review_policy)
        ids = (meeting.child_id, meeting.child_name, meeting.review_id)
        dues.append(
            _due(meeting.iro, "Review", ids, held, deadline, as_of, meeting.next_review_date)
        )
    return dues


def conference_dues(tables: Tables, as_of: date) -> list[Due]:
    """A child's next conference, unless the latest one left them without a plan."""
    conferences = {c.conference_id.casefold(): c for c in tables[Conference].rows}
    children = tables[ConferenceChild].rows
    rows = (
        (c.child_id, conferences[c.conference_id.casefold()].conference_date, c) for c in children
    )
    dues = []
    for held, child in _latest(rows, as_of).values():
        conf = conferences[child.conference_id.casefold()]
        if child.has_plan is False:
            continue
        deadline = timescales.next_conference_due(
            conf.conference_type,  # type: ignore[arg-type]  # Initial or Review: validated
            held,
        )
        ids = (child.child_id, child.child_name, conf.conference_id)
        due = _due(conf.chair, "CP conference", ids, held, deadline, as_of, conf.next_review_date)
        dues.append(due)
    return dues


def planning_list(paths: Sequence[Path], as_of: date, settings: Settings) -> list[Due]:
    """Every child's next meeting from the workbooks, by officer, then deadline."""
    loaded = _output.load_all(paths, ("review", "conference"), settings)
    return planning_of([(spec, tables) for _path, spec, tables, _report in loaded], as_of, settings)


def planning_of(
    loaded: Sequence[tuple[WorkbookSpec, Tables]], as_of: date, settings: Settings
) -> list[Due]:
    """:func:`planning_list` of workbooks already read and validated."""
    dues: list[Due] = []
    earliest: list[date] = []
    for spec, tables in loaded:
        if spec.kind == "review":
            earliest += [r.review_date for r in tables[ReviewMeeting].rows]
            dues += review_dues(tables, as_of, settings)
        else:
            earliest += [c.conference_date for c in tables[Conference].rows]
            dues += conference_dues(tables, as_of)
    if earliest and as_of < min(earliest):
        raise UserError(
            f"--as-of {as_of:%d/%m/%Y} is before every meeting in the workbooks (the "
            f"earliest is {min(earliest):%d/%m/%Y}); give a day on or after it."
        )
    return sorted(dues, key=lambda d: (d.officer.casefold(), d.deadline, d.child_id))


# --------------------------------------------------------------------------- outputs


def to_xlsx(dues: Sequence[Due], as_of: date) -> bytes:
    """The list as an Excel sheet: filters on, header frozen, overdue rows red."""
    from openpyxl import Workbook  # only here: every command's start-up would pay for it
    from openpyxl.styles import Alignment, Font, PatternFill

    overdue_fill = PatternFill("solid", fgColor=OVERDUE_COLOUR)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Planning"
    ws.append(list(HEADERS))
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row, due in enumerate(dues, start=2):  # ws.max_row, ws[n] scan every cell
        ws.append(
            [
                due.officer,
                due.meeting,
                due.child_id,
                due.child_name,
                due.latest,
                due.meeting_id,
                due.deadline,
                due.book_by,
                due.days_left,
                due.status,
            ]
        )
        for column in (5, 7, 8):
            ws.cell(row, column).number_format = "DD/MM/YYYY"
        if due.days_left < 0:
            for column in range(1, len(HEADERS) + 1):
                ws.cell(row, column).fill = overdue_fill
    for letter, width in zip("ABCDEFGHIJ", (18, 14, 10, 22, 13, 11, 13, 12, 9, 22), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:J{max(ws.max_row, 2)}"
    wb.properties.title = f"Planning list as of {long_date(as_of)}"
    wb.properties.creator = "docgen"
    return xlsx_bytes(wb, _output.stamp(as_of))


def to_context(dues: Sequence[Due], as_of: date) -> dict[str, Any]:
    """The Word list's context: one group per officer."""
    officers: dict[str, list[Due]] = {}
    for due in dues:
        officers.setdefault(due.officer, []).append(due)
    return {
        "as_of": long_date(as_of),
        "total": len(dues),
        "overdue": sum(d.days_left < 0 for d in dues),
        "officers": [
            {
                "name": name,
                "count": len(rows),
                "overdue": sum(d.days_left < 0 for d in rows),
                "rows": [_row(d) for d in rows],
            }
            for name, rows in officers.items()
        ],
    }


def _row(due: Due) -> dict[str, Any]:
    return {
        "meeting": due.meeting,
        "child_id": due.child_id,
        "child_name": due.child_name,
        "latest": long_date(due.latest),
        "meeting_id": due.meeting_id,
        "deadline": long_date(due.deadline),
        "book_by": long_date(due.book_by),
        "days_left": str(due.days_left),
        "status": due.status,
        "overdue": due.days_left < 0,
    }


def _samples(samples: Path, settings: Settings) -> list[tuple[str, dict[str, Any]]]:
    as_of = date(2014, 7, 1)
    paths = [samples / "review_meetings.xlsx", samples / "conferences.xlsx"]
    context = to_context(planning_list(paths, as_of, settings), as_of)
    return [(TEMPLATE, {"letterhead": letterhead(settings), **context})]


def _command() -> click.Command:
    @click.command(name="planning", help=DOCUMENT.help)
    @click.argument(
        "workbooks",
        nargs=-1,
        required=True,
        type=click.Path(dir_okay=False, exists=True, path_type=Path),
    )
    @click.option(
        "--as-of",
        type=_output.DAY,
        metavar="DATE",
        help="The day the list is for (2014-09-01 or 01/09/2014): meetings after it are not "
        "counted [default: today].",
    )
    @click.option(
        "--output",
        "-o",
        type=click.Path(path_type=Path),
        required=True,
        help="The list to write: a .xlsx (filters on) or a .docx.",
    )
    @templates_option
    @pdf_option
    @reports_errors
    def planning(
        workbooks: tuple[Path, ...],
        as_of: datetime | None,
        output: Path,
        templates: Path | None,
        pdf: bool,
    ) -> None:
        suffix = _output.output_kind(output, (".xlsx", ".docx"))
        if pdf and suffix != ".docx":
            raise UserError("--pdf makes a PDF of a .docx list; give --output ending .docx.")
        pdf_ready(pdf)
        settings = _settings(templates=templates)
        day = as_of.date() if as_of else date.today()
        dues = planning_list(workbooks, day, settings)
        if suffix == ".xlsx":
            data = to_xlsx(dues, day)
        else:
            data = _output.render(TEMPLATE, to_context(dues, day), settings)
        _output.write(output, data, settings.group)
        overdue = sum(d.days_left < 0 for d in dues)
        click.echo(f"Wrote {output}: {plural(len(dues), 'child', 'children')}, {overdue} overdue.")
        _write_pdfs([output], pdf)

    return planning


DOCUMENT = DocumentType(
    name="planning",
    title="planning list",
    help="Write the planning list of the review and conference WORKBOOKS: each child's next "
    "meeting, its deadline, days left or overdue, officer by officer.",
    workbook=REVIEW,
    template=TEMPLATE,
    sample="review_meetings.xlsx",
    per="workbook",
    command=_command,
    sample_contexts=_samples,
    notes=(
        "`docgen planning WORKBOOK... --as-of DATE --output list.xlsx` (or `.docx`) reads "
        "review and conference workbooks together: for each child, the latest meeting on or "
        "before the day, the next one's deadline (as its record prints it: the "
        "review policy's, DOCGEN_REVIEW_POLICY, or Working Together's for a conference), the "
        "day to book it by (the latest working day on or before the deadline, or the Next "
        "Review Date when that is earlier), and the days left to the deadline, negative when "
        "overdue; by IRO or chair, then deadline. A child whose latest "
        "conference gave no plan (Plan = N) has no conference due."
    ),
    drop=_drop.planning,
    takes_folders=True,
    repeatable=True,
    order=60,
)
