"""SSDA903 (children looked after) return: the CSV tables and the XML, read as records.

A CSV file is recognised by the exact set of its header row's columns, as the open
validator does, whatever its name; a name ending ``_last`` (the validator's name for
the previous year's upload) marks last year's table. Cells are read as text,
stripped and upper-cased, blank as missing; dates are ``dd/mm/yyyy``. A row with a
cell that cannot be read is reported at its line and field and left out.
"""

from __future__ import annotations

import contextlib
import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from docgen import codes
from docgen.errors import Problem
from docgen.models import CellError, to_date
from docgen.returns.source import ReturnFile, Src, problem
from docgen.returns.xmlread import XmlRecord, iter_records

TABLES: dict[str, tuple[str, ...]] = {
    "header": ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"),
    "episodes": (
        "CHILD",
        "DECOM",
        "RNE",
        "LS",
        "CIN",
        "PLACE",
        "PLACE_PROVIDER",
        "DEC",
        "REC",
        "REASON_PLACE_CHANGE",
        "HOME_POST",
        "PL_POST",
        "URN",
    ),
    "reviews": ("CHILD", "DOB", "REVIEW", "REVIEW_CODE"),
    "placed_adoption": (
        "CHILD",
        "DOB",
        "DATE_PLACED",
        "DATE_PLACED_CEASED",
        "REASON_PLACED_CEASED",
    ),
}
#: The fields the annual report reads from each table.
NEEDED: dict[str, frozenset[str]] = {
    "header": frozenset({"CHILD", "SEX", "DOB", "ETHNIC"}),
    "episodes": frozenset({"CHILD", "DECOM", "RNE", "LS", "DEC", "REC"}),
    "reviews": frozenset({"CHILD", "REVIEW", "REVIEW_CODE"}),
    "placed_adoption": frozenset({"CHILD", "DOB", "DATE_PLACED"}),
}
_BY_COLUMNS = {frozenset(columns): name for name, columns in TABLES.items()}
#: Tables of the return the annual report does not need (UASC, OC2, OC3, AD1,
#: PrevPerm, Missing, SWEpisodes): recognised by a column of theirs, and ignored quietly.
OTHER_TABLE_COLUMNS = frozenset(
    {"DUC", "IN_TOUCH", "DATE_INT", "PREV_PERM", "MISSING", "SW_ID", "CONVICTED", "ACTIV"}
)
X1 = "X1"
DATE_EXPECTED = "a date as dd/mm/yyyy"


class HeaderRow(NamedTuple):
    child: str
    sex: str | None
    dob: date
    ethnic: str
    src: Src


class Episode(NamedTuple):
    child: str
    decom: date
    rne: str
    ls: str
    dec: date | None
    rec: str
    src: Src


class ReviewRow(NamedTuple):
    child: str
    review: date
    code: str | None
    src: Src


class PlacedRow(NamedTuple):
    child: str
    dob: date
    placed: date
    src: Src


@dataclass
class Return903:
    """The tables of one SSDA903 return (this year's, and last year's where given)."""

    header: list[HeaderRow] = field(default_factory=list)
    episodes: list[Episode] = field(default_factory=list)
    reviews: list[ReviewRow] = field(default_factory=list)
    placed: list[PlacedRow] = field(default_factory=list)
    #: Last year's episodes and reviews: they anchor periods of care and review chains.
    episodes_last: list[Episode] = field(default_factory=list)
    reviews_last: list[ReviewRow] = field(default_factory=list)
    files: dict[str, list[str]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.files)


def csv_table(columns: list[str]) -> str | None:
    """The SSDA903 table a header row names, or None: the table whose columns it has
    exactly, as the DfE's validator asks, else the largest table whose columns it holds
    all of (a column a later year adds is then read past, not a reason to refuse)."""
    given = frozenset(c.strip().upper() for c in columns if c.strip())
    exact = _BY_COLUMNS.get(given)
    if exact is not None:
        return exact
    held = [(len(cols), name) for cols, name in _BY_COLUMNS.items() if cols <= given]
    return max(held)[1] if held else None


def is_last_year(name: str) -> bool:
    return name.rsplit(".", 1)[0].lower().endswith("_last")


# --------------------------------------------------------------------------- cells


_DATES: dict[str, date] = {}


def parse_date(text: str) -> date:
    """A return's date; ``dd/mm/yyyy`` is read directly and every text remembered (a
    national return repeats a few thousand dates across a million cells)."""
    found = _DATES.get(text)
    if found is None:
        if len(text) == 10 and text[2] == "/" and text[5] == "/" and text.isascii():
            try:
                found = date(int(text[6:]), int(text[3:5]), int(text[:2]))
            except ValueError:
                found = to_date(text)  # raises, saying what is wrong
        else:
            found = to_date(text)
        if len(_DATES) < 200_000:
            _DATES[text] = found
    return found


def _date(cells: dict[str, str], name: str, src: Src, out: list[Problem]) -> date | None:
    text = cells.get(name, "")
    if not text:
        return None
    try:
        return parse_date(text)
    except CellError as exc:
        out.append(
            problem(
                src,
                name,
                "invalid-date",
                f"{name} {text!r} {exc}",
                value=text,
                expected=DATE_EXPECTED,
            )
        )
        raise


def _required(cells: dict[str, str], name: str, src: Src, out: list[Problem]) -> str:
    text = cells.get(name, "")
    if not text:
        out.append(problem(src, name, "blank-cell", f"{name} is blank", expected=f"a {name}"))
        raise CellError("blank", "", "blank-cell")
    return text


#: Each code list's texts already parsed (None for a text that is no code).
_CODES: dict[str, dict[str, str | None]] = {}


def _code(
    cells: dict[str, str], name: str, code_list: codes.CodeList, src: Src, out: list[Problem]
) -> str | None:
    text = cells.get(name, "")
    if not text:
        return None
    known = _CODES.setdefault(code_list.name, {})
    found = known[text] if text in known else known.setdefault(text, code_list.parse(text))
    if found is None:
        out.append(
            problem(
                src,
                name,
                "invalid-code",
                f"{name} {text!r} is not {code_list.a_name}",
                value=text,
                expected=code_list.describe(),
            )
        )
        raise CellError("code", "", "invalid-code")
    return found


def _needed_date(cells: dict[str, str], name: str, src: Src, out: list[Problem]) -> date:
    _required(cells, name, src, out)
    found = _date(cells, name, src, out)
    assert found is not None
    return found


def header_row(cells: dict[str, str], src: Src, out: list[Problem]) -> HeaderRow:
    return HeaderRow(
        child=_required(cells, "CHILD", src, out),
        sex=_code(cells, "SEX", codes.SEX, src, out),
        dob=_needed_date(cells, "DOB", src, out),
        ethnic=_code(cells, "ETHNIC", codes.ETHNICITY, src, out)
        or _required(cells, "ETHNIC", src, out),
        src=src,
    )


def episode_row(cells: dict[str, str], src: Src, out: list[Problem]) -> Episode:
    return Episode(
        child=_required(cells, "CHILD", src, out),
        decom=_needed_date(cells, "DECOM", src, out),
        rne=cells.get("RNE", ""),
        ls=_code(cells, "LS", codes.LEGAL_STATUS, src, out) or _required(cells, "LS", src, out),
        dec=_date(cells, "DEC", src, out),
        rec=cells.get("REC", ""),
        src=src,
    )


def review_row(cells: dict[str, str], src: Src, out: list[Problem]) -> ReviewRow:
    return ReviewRow(
        child=_required(cells, "CHILD", src, out),
        review=_needed_date(cells, "REVIEW", src, out),
        code=_code(cells, "REVIEW_CODE", codes.PARTICIPATION, src, out),
        src=src,
    )


def placed_row(cells: dict[str, str], src: Src, out: list[Problem]) -> PlacedRow:
    return PlacedRow(
        child=_required(cells, "CHILD", src, out),
        dob=_needed_date(cells, "DOB", src, out),
        placed=_needed_date(cells, "DATE_PLACED", src, out),
        src=src,
    )


_MAKERS: dict[str, Callable[[dict[str, str], Src, list[Problem]], Any]] = {
    "header": header_row,
    "episodes": episode_row,
    "reviews": review_row,
    "placed_adoption": placed_row,
}


#: Last year's children and placements are not this year's figures: their rows are skipped.
NOT_FROM_LAST_YEAR = ("header", "placed_adoption")


def _target(ret: Return903, table: str, last: bool) -> list[Any]:
    if table == "placed_adoption":
        return ret.placed
    if last and table in ("episodes", "reviews"):
        return getattr(ret, f"{table}_last")
    return getattr(ret, table)


def add_record(
    ret: Return903, table: str, cells: dict[str, str], src: Src, last: bool, out: list[Problem]
) -> None:
    """Read one record into ``ret``; a record with an unreadable cell is reported, left out."""
    if last and table in NOT_FROM_LAST_YEAR:
        return
    with contextlib.suppress(CellError):
        _target(ret, table, last).append(_MAKERS[table](cells, src, out))


# --------------------------------------------------------------------------- CSV


def read_csv(
    file: ReturnFile,
    table: str,
    rows: Iterator[list[str]],
    header: list[str],
    ret: Return903,
    out: list[Problem],
) -> None:
    """The records of a recognised CSV table (``rows`` follows its header row)."""
    names = [h.strip().upper() for h in header]
    wanted = [(i, n) for i, n in enumerate(names) if n in NEEDED[table]]
    last = is_last_year(file.name)
    ret.files.setdefault(table + ("_last" if last else ""), []).append(file.name)
    if last and table in NOT_FROM_LAST_YEAR:
        return
    target = _target(ret, table, last)
    fast = _FAST[table]
    index = tuple(names.index(n) for n in FAST_ORDER[table])
    name = file.name
    for line, row in enumerate(rows, start=2):
        try:  # the common case: every cell already met, nothing to report
            target.append(fast(row, index, _new(Src, (name, line, None))))
            continue
        except (KeyError, IndexError, ValueError):
            pass
        if not any(cell.strip() for cell in row):
            continue
        cells = {n: row[i].strip().upper() if i < len(row) else "" for i, n in wanted}
        add_record(ret, table, cells, Src(name, line), last, out)


# A row's fields read with no check but dictionary look-ups: a date or code not met
# before, or a blank required cell, raises, and the row is read again the slow way,
# which reports what is wrong (and remembers the date or code for the next row).
FAST_ORDER: dict[str, tuple[str, ...]] = {
    "header": ("CHILD", "SEX", "DOB", "ETHNIC"),
    "episodes": ("CHILD", "DECOM", "RNE", "LS", "DEC", "REC"),
    "reviews": ("CHILD", "REVIEW", "REVIEW_CODE"),
    "placed_adoption": ("CHILD", "DOB", "DATE_PLACED"),
}


def _id(text: str) -> str:
    found = text.strip().upper()
    if not found:
        raise ValueError("blank")
    return found


def _known(code_list: codes.CodeList, text: str, blank_ok: bool) -> str | None:
    text = text.strip().upper()
    if not text and blank_ok:
        return None
    found = _CODES[code_list.name][text]
    if found is None:
        raise ValueError(text)
    return found


#: Makes a record from a tuple of its fields in C, a fifth of a NamedTuple's own call.
_new = tuple.__new__
_STATUSES = _CODES.setdefault(codes.LEGAL_STATUS.name, {})
_PARTICIPATION = _CODES.setdefault(codes.PARTICIPATION.name, {})


def _fast_header(
    row: list[str], ix: tuple[int, ...], src: Src, _dates: dict[str, date] = _DATES
) -> HeaderRow:
    child, sex, dob, ethnic = ix
    values = (
        _id(row[child]),
        _known(codes.SEX, row[sex], True),
        _dates[row[dob].strip()],
        _known(codes.ETHNICITY, row[ethnic], False),
        src,
    )
    return _new(HeaderRow, values)


def _fast_episode(
    row: list[str],
    ix: tuple[int, ...],
    src: Src,
    _dates: dict[str, date] = _DATES,
    _statuses: dict[str, str | None] = _STATUSES,
) -> Episode:
    child, decom, rne, ls, dec, rec = ix
    child_id = row[child].strip().upper()
    status = _statuses[row[ls].strip().upper()]
    if not child_id or status is None:
        raise ValueError(child_id)
    ended = row[dec].strip()
    values = (
        child_id,
        _dates[row[decom].strip()],
        row[rne].strip().upper(),
        status,
        _dates[ended] if ended else None,
        row[rec].strip().upper(),
        src,
    )
    return _new(Episode, values)


def _fast_review(
    row: list[str],
    ix: tuple[int, ...],
    src: Src,
    _dates: dict[str, date] = _DATES,
    _codes: dict[str, str | None] = _PARTICIPATION,
) -> ReviewRow:
    child, review, code = ix
    child_id = row[child].strip().upper()
    text = row[code].strip().upper()
    found = _codes[text] if text else None
    if not child_id or (text and found is None):
        raise ValueError(child_id)
    return _new(ReviewRow, (child_id, _dates[row[review].strip()], found, src))


def _fast_placed(row: list[str], ix: tuple[int, ...], src: Src) -> PlacedRow:
    return PlacedRow(_id(row[ix[0]]), _DATES[row[ix[1]].strip()], _DATES[row[ix[2]].strip()], src)


_FAST: dict[str, Callable[[list[str], tuple[int, ...], Src], Any]] = {
    "header": _fast_header,
    "episodes": _fast_episode,
    "reviews": _fast_review,
    "placed_adoption": _fast_placed,
}


def sniff_csv(file: ReturnFile, ret: Return903, out: list[Problem]) -> bool:
    """Read ``file`` when its header row names an SSDA903 table; False when it does not."""
    with file.text() as text:
        reader = csv.reader(text)
        header = next(reader, [])
        table = csv_table(header)
        if table is None:
            columns = {c.strip().upper() for c in header}
            if not columns & OTHER_TABLE_COLUMNS:
                out.append(
                    problem(
                        Src(file.name, 1),
                        None,
                        "unrecognised-return",
                        f"the header row ({', '.join(c for c in header[:8] if c) or 'empty'}) "
                        "is no SSDA903 table docgen reads; the file was ignored",
                        expected="header, episodes, reviews or placed-for-adoption columns "
                        "exactly as the DfE specifies them",
                        severity="warning",
                    )
                )
            return False
        read_csv(file, table, reader, header, ret, out)
    return True


# --------------------------------------------------------------------------- XML


_XML_TABLES = {"EPISODE": "episodes", "AREVIEW": "reviews", "AD_PLACED": "placed_adoption"}
_XML_FIELDS = {"CHILDID": "CHILD", "PL": "PLACE"}


def read_xml(file: ReturnFile, ret: Return903, out: list[Problem]) -> None:
    """The SSDA903 XML: ``EXPSSDA903/CHILD`` elements, each with its ``HEADER`` (the
    header fields, ``CHILDID`` for CHILD), ``EPISODE``, ``AREVIEW`` and ``AD_PLACED``
    elements (found at any depth inside the CHILD)."""
    last = is_last_year(file.name)
    ret.files.setdefault("ssda903_xml" + ("_last" if last else ""), []).append(file.name)
    for child in iter_records(file, "CHILD", out):
        header = {_XML_FIELDS.get(k, k): v for k, v in child.fields.items()}
        header_src = child.src
        for sub in child.children:
            if sub.tag == "HEADER":
                header |= {_XML_FIELDS.get(k, k): v for k, v in sub.fields.items()}
                header_src = sub.src
        child_id = header.get("CHILD", "")
        add_record(ret, "header", header, header_src, last, out)
        for sub in _walk(child):
            table = _XML_TABLES.get(sub.tag)
            if table is None:
                continue
            cells = {_XML_FIELDS.get(k, k): v for k, v in sub.fields.items()}
            cells.setdefault("CHILD", child_id)
            cells.setdefault("DOB", header.get("DOB", ""))
            add_record(ret, table, cells, sub.src, last, out)


def _walk(record: XmlRecord) -> Iterator[XmlRecord]:
    for sub in record.children:
        yield sub
        yield from _walk(sub)
