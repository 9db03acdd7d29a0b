"""Build the sample workbooks of the co-ordinator's letters in ``samples/``:

* ``review_invitations.xlsx`` - ``review_meetings.xlsx`` with the optional columns an
  invitation reads: Review Time, Co-ordinator; each invitee's Address and Email;
* ``conference_letters.xlsx`` - ``conferences.xlsx`` with Conference Time, Co-ordinator
  and a Core Group Date; each invitee's Address and Email. The lead social worker, the
  core group's members and the Plan Actions the outcome letter reads are the meeting
  sample's own.

Built from the bundled samples (run ``make_samples.py`` first), so the same fictional
meetings and people appear throughout; byte-identical across runs.

Usage::

    python scripts/make_letter_samples.py
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import date, time
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_samples import (
    DATE_FORMAT,
    ROOT,
    SAMPLES,
    save_workbook,
)

CIVIC = "Children's Services, Civic Centre, Market Street, Westbourne WB1 1AA"
TIME_FORMAT = "HH:MM"

#: Review ID -> (time, co-ordinator)
REVIEW_TIMES = {
    "R0001": (time(10, 0), "Angela Price, Review Co-ordinator, 01632 960 411"),
    "R0002": (time(15, 30), "Angela Price, Review Co-ordinator, 01632 960 411"),
    "R0003": (time(11, 0), "Marcus Hill, Review Co-ordinator, 01632 960 412"),
    "R0004": (time(14, 0), "Marcus Hill, Review Co-ordinator, 01632 960 412"),
    "R0005": (time(9, 30), "Angela Price, Review Co-ordinator, 01632 960 411"),
}
#: (Review ID, Name) -> (address, email); staff are written to at the Civic Centre.
REVIEW_ADDRESSES: dict[tuple[str, str], tuple[str, str | None]] = {
    ("R0001", "Kayla Brennan"): ("12 Orchard Close\nWestbourne\nWB4 2JP", None),
    ("R0001", "Mrs Brennan"): ("Flat 3, 41 Station Road\nKingsmead\nKM2 7QT", None),
    ("R0001", "Jean Fairley"): ("12 Orchard Close\nWestbourne\nWB4 2JP", "j.fairley@example.org"),
    ("R0002", "Mrs Pike"): ("8 Mill Lane\nWestbourne\nWB3 5LN", None),
    ("R0002", "Mr Pike"): ("27 Canal Street\nLowfield\nLF1 3DS", None),
    ("R0002", "Sue Collins"): (
        "Westbourne Academy, Park Road, Westbourne WB2 8AA",
        "s.collins@westbourne-academy.example.org",
    ),
    ("R0003", "Mr and Mrs Kaur"): ("4 Beech Grove\nKingsmead\nKM5 1RB", None),
    ("R0004", "Tyler Morgan"): ("22 Hollis Street\nWestbourne\nWB1 4HG", "tyler.m@example.org"),
    ("R0004", "Mr Morgan"): ("9 Ash Road\nLowfield\nLF2 6PE", None),
    ("R0004", "Dev Patel"): (CIVIC, "d.patel@westbourne.example.gov.uk"),
    ("R0004", "Ruth Lane"): ("22 Hollis Street\nWestbourne\nWB1 4HG", None),
    ("R0005", "Mr Osei"): ("15 Victoria Terrace\nWestbourne\nWB3 9TU", None),
    ("R0005", "Mrs Doyle"): ("31 Larch Avenue\nWestbourne\nWB4 6QA", None),
}
#: (Review ID, Name) -> the name a letter is addressed to: the meeting sample names some
#: carers by their role, and "Dear Foster carer," is no way to begin a letter.
REVIEW_NAMES = {
    ("R0003", "Prospective adopters"): "Mr and Mrs Kaur",
    ("R0005", "Foster carer"): "Mrs Doyle",
}

CONFERENCE_EXTRA = {  # Conference ID -> (time, co-ordinator, core group date)
    "CP0201": (
        time(10, 0),
        "Beverley Shaw, Conference Co-ordinator, 01632 960 420",
        None,
    ),
    "CP0202": (
        time(13, 30),
        "Beverley Shaw, Conference Co-ordinator, 01632 960 420",
        None,
    ),
    "CP0203": (
        time(10, 30),
        "Beverley Shaw, Conference Co-ordinator, 01632 960 420",
        date(2014, 7, 9),
    ),
}
#: (Conference ID, Name) -> (address, email); who is in the core group is in the meeting
#: sample (Core Group Member)
CONFERENCE_ADDRESSES: dict[tuple[str, str], tuple[str, str | None]] = {
    ("CP0201", "Mrs Dawson"): ("Flat 6, Laurel House\nKingsmead\nKM3 4DD", None),
    ("CP0201", "Mr Dawson"): ("18 Tanners Row\nKingsmead\nKM1 2FX", None),
    ("CP0201", "Nadia Shah"): (CIVIC, "n.shah@westbourne.example.gov.uk"),
    ("CP0201", "Claire Booth"): (
        "Kingsmead Health Centre, High Street, Kingsmead KM1 1HC",
        "claire.booth@nhs.example.net",
    ),
    ("CP0201", "PC Sam Rowe"): (
        "Public Protection Unit, Westbourne Police Station, Queen Street, Westbourne WB1 3PS",
        None,
    ),
    ("CP0201", "Mr Hughes"): (
        "Kingsmead Primary School, School Lane, Kingsmead KM2 5SL",
        "j.hughes@kingsmead-primary.example.org",
    ),
    ("CP0202", "Mrs Whitfield"): ("3 Poplar Way\nWestbourne\nWB5 2AZ", None),
    ("CP0202", "Paul Ramsey"): (CIVIC, "p.ramsey@westbourne.example.gov.uk"),
    ("CP0202", "Joanna Lee"): (
        "Little Acorns Nursery, Poplar Way, Westbourne WB5 2BA",
        None,
    ),
    ("CP0203", "Ms Grant"): ("40 Fernhill Road\nLowfield\nLF3 8GR", None),
    ("CP0203", "Hannah Ford"): (CIVIC, "h.ford@westbourne.example.gov.uk"),
    ("CP0203", "Sue Collins"): (
        "Westbourne Academy, Park Road, Westbourne WB2 8AA",
        "s.collins@westbourne-academy.example.org",
    ),
    ("CP0203", "Claire Booth"): (
        "Kingsmead Health Centre, High Street, Kingsmead KM1 1HC",
        "claire.booth@nhs.example.net",
    ),
    ("CP0203", "Anna Price"): (
        "Lowfield Community Mental Health Team, Bridge Street, Lowfield LF1 2MH",
        None,
    ),
    ("CP0203", "Dr Iqbal"): ("Lowfield Surgery, Bridge Street, Lowfield LF1 2SU", None),
    ("CP0203", "Jo Turner"): ("Westbourne Homes, 2 Quay Street, Westbourne WB1 5WH", None),
}


def add_column(ws: Worksheet, header: str, values: Sequence[Any], number_format: str = "") -> None:
    """Append a column: its bold header, then one value per data row; a column the
    meeting sample already has (v2: Core Group Date) is filled in place, not
    repeated under a second header."""
    headers = [c.value for c in ws[1]]
    column = headers.index(header) + 1 if header in headers else ws.max_column + 1
    ws.cell(row=1, column=column, value=header).font = Font(bold=True)
    for row, value in enumerate(values, start=2):
        cell = ws.cell(row=row, column=column, value=value)
        if number_format and value is not None:
            cell.number_format = number_format


def _rows(ws: Worksheet) -> list[tuple[Any, ...]]:
    return [r for r in ws.iter_rows(min_row=2, values_only=True) if any(v is not None for v in r)]


def make_review_invitations(path: Path) -> None:
    wb = load_workbook(SAMPLES / "review_meetings.xlsx")
    meetings, attendees = wb["Review Meetings"], wb["Attendees"]
    ids = [r[0] for r in _rows(meetings)]
    add_column(meetings, "Review Time", [REVIEW_TIMES[i][0] for i in ids], TIME_FORMAT)
    add_column(meetings, "Co-ordinator", [REVIEW_TIMES[i][1] for i in ids])
    for row in attendees.iter_rows(min_row=2):
        named = REVIEW_NAMES.get((row[0].value, row[1].value))
        if named:
            row[1].value = named
    people = [(r[0], r[1], r[2]) for r in _rows(attendees)]
    found = [REVIEW_ADDRESSES.get((i, n)) for i, n, _ in people]
    staff = [role in {"Independent Reviewing Officer", "Social Worker"} for *_, role in people]
    add_column(
        attendees,
        "Address",
        [f[0] if f else CIVIC if s else None for f, s in zip(found, staff, strict=True)],
    )
    add_column(attendees, "Email", [f[1] if f else None for f in found])
    _save(wb, path)


def make_conference_letters(path: Path) -> None:
    wb = load_workbook(SAMPLES / "conferences.xlsx")
    conferences, attendees = wb["Conferences"], wb["Conference Attendees"]
    ids = [r[0] for r in _rows(conferences)]
    extra = [CONFERENCE_EXTRA[i] for i in ids]
    add_column(conferences, "Conference Time", [e[0] for e in extra], TIME_FORMAT)
    add_column(conferences, "Co-ordinator", [e[1] for e in extra])
    add_column(conferences, "Core Group Date", [e[2] for e in extra], DATE_FORMAT)
    found = [CONFERENCE_ADDRESSES.get((r[0], r[1])) for r in _rows(attendees)]
    add_column(attendees, "Address", [f[0] if f else None for f in found])
    add_column(attendees, "Email", [f[1] if f else None for f in found])
    _save(wb, path)  # the v2 sample's Plan Actions: one plan per conference in both


def _save(wb: Any, path: Path) -> None:
    save_workbook(wb, path)
    print(f"wrote {path.relative_to(ROOT)}")


def main() -> None:
    make_review_invitations(SAMPLES / "review_invitations.xlsx")
    make_conference_letters(SAMPLES / "conference_letters.xlsx")


if __name__ == "__main__":
    main()
