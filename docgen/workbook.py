"""Safe reading of untrusted .xlsx workbooks into rows tagged with their sheet and row.

Workbooks arrive from admins' desktops and case-management exports, so they are
treated as hostile until proven otherwise:

* the file type is checked before anything parses it (``.xls``, ``.csv``, ``.ods``,
  encrypted and corrupt files are refused with one sentence);
* the zip is checked before parsing: entry count, total uncompressed size and
  compression ratio (no reading mode of openpyxl stops a zip bomb);
* each sheet's real extent is measured from its cells, so one stray cell at
  ``XFD1048576`` cannot make the reader allocate a billion empty cells, and a
  forged ``<dimension>`` is never trusted;
* formula cells are read by their cached value; a formula Excel never calculated
  is reported by cell rather than read as blank;
* Excel error values (``#N/A``, ``#REF!``, ...) are kept by cell: python-calamine
  reads them as empty strings, and a ``#N/A`` Date Ceased read as blank would make
  a child still looked after;
* two sheets whose names fold to the same name (``CP Plans``, ``CP_Plans``) are
  both recorded, so validation can say so rather than read one of them silently.

Cells are read with python-calamine (Rust): on this machine kind 100,000 rows x 10
columns took 0.67 s against 8.7 s with openpyxl read-only. openpyxl (with
defusedxml installed, which makes it refuse entity expansion) is kept for writing.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import io
import itertools
import queue
import re
import threading
import zipfile
import zlib
from collections.abc import Collection, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, BinaryIO
from xml.etree.ElementTree import ParseError

import python_calamine
from defusedxml import ElementTree as SafeET

# ISA-L inflates 910 MB of formatted rows in 0.84 s, against zlib's 1.73 s (measured), and
# its IgzipDecompressor lets go of the interpreter while it inflates (its zlib-like
# decompressobj does not: the pieces could not be searched meanwhile).
from isal import igzip_lib, isal_zlib

from docgen.errors import WorkbookError

ACCEPTED_SUFFIXES = (".xlsx", ".xlsm")
#: The uncompressed size accepted unless the caller says otherwise (Settings.max_workbook_mb).
DEFAULT_MAX_BYTES = 200 * 1024 * 1024
MAX_ENTRIES = 5_000
#: An entry larger than this may compress at most MAX_RATIO:1. Real sheet XML
#: compresses 10-40:1; the zip bombs we test against compress over 1000:1.
RATIO_FLOOR_BYTES = 5 * 1024 * 1024
MAX_RATIO = 250
#: Rows x columns of one sheet's extent; a national-scale sheet is about 2 million.
MAX_CELLS = 30_000_000
#: A sheet's extent may exceed its cell count this many times over (plus an
#: allowance for small sheets with wide gaps) before it is taken for a stray cell.
SPARSE_FACTOR = 20
SPARSE_ALLOWANCE = 2_000_000

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
# Excel's "Strict Open XML" saves the same parts under other namespaces.
_STRICT = {
    _MAIN_NS: "{http://purl.oclc.org/ooxml/spreadsheetml/main}",
    _REL_NS: "{http://purl.oclc.org/ooxml/officeDocument/relationships}",
}
_PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# Sheet XML may prefix its elements (<x:c>, written by the OpenXML SDK), order a
# cell's attributes freely, quote them either way (r='B7'), space the = and leave out
# the optional r= of rows and cells.
_P = rb"(?:[A-Za-z_][\w.-]*:)?"
_EQ = rb"\s*=\s*[\"']"  # the = and opening quote of an attribute
_Q = rb"[\"']"  # its closing quote
_CELL_POSITION = re.compile(rb"<" + _P + rb"c\b[^>]*?\sr" + _EQ + rb"([A-Z]{1,3})([0-9]+)" + _Q)
_FORMULA = re.compile(rb"<" + _P + rb"f[\s>/]")
_CELL_WITH_BODY = re.compile(rb"<(" + _P + rb")c((?:\s[^>]*?)?)(?<!/)>(.*?)</\1c>", re.S)
# A row's start tag (group 1: its attributes), or a cell, self-closing or not
# (group 3: attributes, group 4: body).
_ROW_OR_CELL = re.compile(
    rb"<" + _P + rb"row\b([^>]*)>|<(" + _P + rb")c\b([^>]*?)(?:/>|>(.*?)</\2c>)", re.S
)
_ROW_NUMBER = re.compile(rb"\sr" + _EQ + rb"([0-9]+)" + _Q)
_CELL_REF = re.compile(rb"\sr" + _EQ + rb"([A-Z]{1,3})([0-9]+)" + _Q)
_ERROR_TYPE = re.compile(rb"\st" + _EQ + rb"e" + _Q)
# Literal-led patterns, which the regex engine finds by fast substring search: a sheet's
# tens of megabytes are scanned for them first, and the exact patterns above (which try a
# match at every '<') run only where these hit. Excel writes every cell as <c r="B7" ...>.
_PLAIN_POSITION = re.compile(rb'<c r="([A-Z]{1,3})([0-9]+)"')
_FORMULA_HINTS = (re.compile(rb"<f[\s>/]"), re.compile(rb":f[\s>/]"))
_ERROR_HINTS = (re.compile(rb'"e"'), re.compile(rb"'e'"))
# The rarer ways a cell starts (<c>, <c/>, a tab or newline after <c, a prefix): a
# regex led by a literal is several times faster than ``in`` here, '<' being on every
# other byte, and finds none in most sheets.
_OTHER_CELL_TAGS = (re.compile(rb"<c[>/\t\n\r]"), re.compile(rb":c[\s>/]"))
# A cell's start tag (group 1: its attributes) and its style index.
_CELL_START = re.compile(rb"<" + _P + rb"c(\s[^>]*)>")
# What makes a cell more than formatting: a value, an inline text or a formula.
_CONTENT = re.compile(rb"<" + _P + rb"(?:v|is|f)[\s>/]")
_STYLE = re.compile(rb"\ss" + _EQ + rb"([0-9]+)" + _Q)
# Quoted text, an escaped character or a [colour/condition] in a number format: a % in
# them is shown as it is, not a percentage.
_FORMAT_LITERAL = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')
_PERCENT_FORMATS = {9, 10}  # Excel's built-in 0% and 0.00%
_VALUE_TEXT = re.compile(rb"<" + _P + rb"v(?:\s[^>]*)?>([^<]*)</" + _P + rb"v>")
_CACHED_VALUE = re.compile(rb"<" + _P + rb"v(?:\s[^>]*)?>[^<]+</" + _P + rb"v>|<" + _P + rb"is>")
_EMPTY_VALUE = re.compile(rb"<" + _P + rb"v(?:\s[^>]*)?(?:/>|></" + _P + rb"v>)")
_STRING_RESULT = re.compile(rb"\st" + _EQ + rb"str" + _Q)
# A row's start tag (group 1: its attributes), and its hidden flag: most sheets hide no
# row, and the literal hint tells so with one fast search.
_HIDDEN_HINT = re.compile(rb"hidden\s*=")
_ROW_START = re.compile(rb"<" + _P + rb"row\b([^>]*)>")
_HIDDEN_ROW = re.compile(rb"\shidden" + _EQ + rb"(?:1|true)" + _Q)


@functools.lru_cache(maxsize=8192)
def normalise(name: str) -> str:
    """Fold a sheet name or header so that ``Child ID`` = ``child_id`` = ``CHILD-ID``.

    Case, runs of spaces, ``_`` and ``-`` are equivalent; apostrophes (straight or
    curly) are dropped so ``Child's Views`` matches ``Childs Views``.
    """
    folded = name.replace("\u2019", "").replace("'", "").replace("\u2018", "")
    folded = re.sub(r"[\s_\-]+", " ", folded)
    return folded.strip().casefold()


def column_letter(index: int) -> str:
    """0 -> ``A``, 27 -> ``AB``."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _column_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n - 1


@dataclass
class Sheet:
    """One sheet's header and data rows, positions kept so problems can name cells."""

    name: str
    header_row: int = 0
    headers: list[tuple[int, str]] = field(default_factory=list)
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)
    #: Cells holding a formula Excel never calculated (``E7``).
    uncached: frozenset[str] = frozenset()
    #: Cells holding an Excel error value, and its text: ``{"G4": "#N/A"}``. Their
    #: values in ``rows`` are None; the text is here so that no error passes as blank.
    errors: dict[str, str] = field(default_factory=dict)
    #: "hidden" or "very hidden" in Excel (the latter only VBA can undo), else "": read
    #: all the same, but its user may not know it is there.
    hidden: str = ""
    #: Rows Excel hides (a filter, or Hide): read all the same, as a hidden sheet is.
    hidden_rows: frozenset[int] = frozenset()

    def cell(self, column: int, row: int) -> str:
        return f"{column_letter(column)}{row}"


@dataclass
class Workbook:
    """The sheets of a workbook, looked up by normalised name."""

    path: Path
    sheets: dict[str, Sheet]
    #: Normalised name -> the names of further sheets that fold to it. Only the first
    #: sheet of a name is read; the others are listed so validation can report them.
    duplicates: dict[str, list[str]] = field(default_factory=dict)
    #: Normalised name -> the name of a chart sheet (a tab holding only a chart, no
    #: cells): never read, but named when a contract sheet is looked for under its name.
    charts: dict[str, str] = field(default_factory=dict)

    def sheet(self, name: str) -> Sheet | None:
        return self.sheets.get(normalise(name))

    def chart_sheet(self, name: str) -> str | None:
        """The chart sheet whose name folds to ``name``'s, if there is one."""
        return self.charts.get(normalise(name))

    def duplicates_of(self, name: str) -> list[str]:
        """The sheets left unread because their name folds to the same as ``name``'s."""
        return self.duplicates.get(normalise(name), [])

    @property
    def sheet_names(self) -> list[str]:
        return [s.name for s in self.sheets.values()]


def read_workbook(
    path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES, sheets: Collection[str] | None = None
) -> Workbook:
    """Check ``path`` is a safe, readable .xlsx and return its sheets (or only those
    named in ``sheets``, which spares reading a whole workbook for one setting).

    Raises :class:`WorkbookError` with a sentence for the user when it is not.
    The file is opened read-only and never modified.
    """
    path = Path(path)
    label = path.name
    wanted = None if sheets is None else {normalise(name) for name in sheets}
    with _checked_zip(path, max_bytes) as (zf, parts):
        if wanted is not None:
            parts = {name: part for name, part in parts.items() if normalise(name) in wanted}
        percent = _percent_styles(zf)
        compacted = _compact_sheets(zf, parts, label, max_bytes)

        def scan(name: str) -> _Flagged:
            """The sheet measured (and refused when its extent is unsafe) before any parse."""
            part = parts.get(name)
            if part is None:
                return _Flagged()
            return _scan_sheet(compacted.get(part) or zf.read(part), name, label, percent)

        # lists the sheets; parses none of them
        book = _open_book(path, _rebuilt(zf, compacted) if compacted else None)
        first: dict[str, str] = {}  # normalised name -> the sheet read under it
        duplicates: dict[str, list[str]] = {}
        hidden: dict[str, str] = {}
        charts: dict[str, str] = {}
        for meta in book.sheets_metadata:
            if wanted is not None and normalise(meta.name) not in wanted:
                continue
            if str(meta.typ) not in ("SheetTypeEnum.WorkSheet", "WorkSheet"):
                if str(meta.typ) in ("SheetTypeEnum.ChartSheet", "ChartSheet"):
                    charts.setdefault(normalise(meta.name), meta.name)
                continue
            if normalise(meta.name) in first:
                duplicates.setdefault(normalise(meta.name), []).append(meta.name)
            else:
                first[normalise(meta.name)] = meta.name
                if meta.visible == python_calamine.SheetVisibleEnum.Hidden:
                    hidden[meta.name] = "hidden"
                elif meta.visible == python_calamine.SheetVisibleEnum.VeryHidden:
                    hidden[meta.name] = "very hidden"
        order = list(first.items())
        # Sheets left unread are measured too: any with stray cells refuses the workbook.
        read_names = set(first.values())
        for name in parts:
            if name not in read_names:
                scan(name)
        # Calamine parses a sheet without holding the GIL, and only after its scan (stray
        # cells would have it allocate without limit). So while one sheet is parsed on a
        # second thread, this one scans the next, then turns the parsed one into Python
        # values. One sheet ahead only: at most two sheets' parsed cells are held at once.
        read: dict[str, Sheet] = {}
        facts: dict[str, _Flagged] = {}
        with ThreadPoolExecutor(max_workers=1) as parser:

            def parse(name: str) -> Future[python_calamine.CalamineSheet]:
                facts[name] = scan(name)
                return parser.submit(_parse_sheet, book, name, label)

            ahead = parse(order[0][1]) if order else None
            for position, (key, name) in enumerate(order):
                assert ahead is not None
                following = order[position + 1][1] if position + 1 < len(order) else None
                upcoming = parse(following) if following else None  # scanned meanwhile
                parsed = ahead.result()
                ahead = upcoming
                read[key] = _read_sheet(parsed, name, facts[name], hidden.get(name, ""))
    return Workbook(path=path, sheets=read, duplicates=duplicates, charts=charts)


def _open_book(path: Path, rebuilt: io.BytesIO | None = None) -> python_calamine.CalamineWorkbook:
    try:
        if rebuilt is not None:
            return python_calamine.CalamineWorkbook.from_filelike(rebuilt)
        return python_calamine.CalamineWorkbook.from_path(str(path))
    except python_calamine.PasswordError as exc:
        raise WorkbookError(
            f"{path.name} is password-protected; save an unprotected copy."
        ) from exc
    except Exception as exc:  # calamine raises its own error types for every parse failure
        raise WorkbookError(_DAMAGED.format(label=path.name)) from exc


#: A sheet part larger than this is read in pieces, and its rows that hold nothing
#: (only formatting: ``<c r="J9" s="1"/>`` down to row 1,048,576) are dropped as it is
#: read, so empty formatted rows cost what their data costs.
STREAM_BYTES = 16 * 2**20
#: Uncompressed bytes read at a time, and the most a declared sheet part may hold.
_PIECE = 2**20
#: Compressed bytes read at a time. Pieces of 1-2 MB inflate and search a fifth faster than
#: pieces of 4 MB (910 MB of formatting: 0.72 s against 0.84), the piece staying in cache
#: from the inflater to the checksum and the search.
_READ = 2 * 2**20
MAX_STREAMED = 4 * 2**30
#: Compacting pays when it leaves at most this share of a sheet part.
_WORTH = 0.5


def _compact_sheets(
    zf: zipfile.ZipFile, parts: dict[str, str], label: str, max_bytes: int
) -> dict[str, bytes]:
    """Part path -> its XML without the rows holding nothing, for each large sheet part
    to be read that is mostly made of them; and the workbook refused when what it holds
    exceeds ``max_bytes`` (a large part is left out of :func:`_check_zip`'s total, and
    one not read, when only some sheets are, is not counted)."""
    total = sum(i.file_size for i in zf.infolist() if not _streamed(i))
    compacted: dict[str, bytes] = {}
    read = set(parts.values())
    for info in zf.infolist():
        if not _streamed(info) or info.filename not in read:
            continue
        kept = _compact(zf, info)
        if kept is not None:
            compacted[info.filename] = kept
        total += info.file_size if kept is None else len(kept)
    if total > max_bytes:
        raise WorkbookError(_too_big(label, total, max_bytes))
    return compacted


def _streamed(info: zipfile.ZipInfo) -> bool:
    return info.filename.startswith("xl/worksheets/") and info.file_size > STREAM_BYTES


def _compact(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes | None:
    """The sheet's XML with runs of rows that hold no cell content left out, or None when
    too little would go (most of the sheet is data: read it as it is).

    Runs are cut at a ``<row``, so only whole rows go, and only runs in which no cell
    has a body (``</c>``: a value, a text or a formula). A row after a run left out
    must say its number (``r=``, as Excel always writes it), so no row or cell moves;
    a sheet that does otherwise, or prefixes its tags (``<x:c>``), is read as it is.
    """
    runs = _Runs()
    carry = b""  # the rows begun at the end of the last piece
    limit = _WORTH * info.file_size
    for piece in _inflate(zf, info):
        if not runs.kept and not carry and (b":c " in piece[:_RUN] or b":row" in piece[:_RUN]):
            return None  # prefixed tags: not worth a second reader
        cuts = _row_cuts(piece)
        if not cuts:
            carry += piece
            continue
        head = carry + piece[: cuts[0]]  # a run of its own; copying the piece would cost more
        if not runs.take(head, 0, len(head)):
            return None
        if runs.kept and piece.rfind(b"</c>", cuts[0], cuts[-1]) < 0:
            runs.dropped |= len(cuts) > 1  # the common case: the piece is all formatting
        elif not all(runs.take(piece, start, end) for start, end in itertools.pairwise(cuts)):
            return None
        if runs.size > limit:
            return None
        carry = piece[cuts[-1] :]
    if runs.dropped and not carry.startswith(b'<row r="'):
        return None
    runs.kept.append(carry)
    return b"".join(runs.kept)


@dataclass
class _Runs:
    """The runs of rows kept so far, and whether the last was dropped."""

    kept: list[bytes] = field(default_factory=list)
    size: int = 0
    dropped: bool = False

    def take(self, data: bytes, start: int, end: int) -> bool:
        """Keep ``data[start:end]``, or drop it when no cell in it has a body; False when
        the sheet cannot be compacted (a row after a dropped run does not say its number).
        """
        if self.kept and data.rfind(b"</c>", start, end) < 0:  # rfind: twice find's speed here
            self.dropped = True
            return True
        if self.dropped and not data.startswith(b'<row r="', start):
            return False
        self.dropped = False
        self.kept.append(data[start:end])
        self.size += end - start
        return True


#: Rows are dropped in runs of about this many bytes.
_RUN = 1 << 16


def _row_cuts(data: bytes) -> list[int]:
    """Where runs of whole rows start in ``data``: at a ``<row`` every :data:`_RUN` bytes
    or so, the last at the last ``<row`` (what follows it may not be whole)."""
    last = data.rfind(b"<row")
    if last <= 0:
        return []
    cuts = []
    at = _RUN
    while at < last:
        cut = data.find(b"<row", at, last)
        if cut < 0:
            break
        cuts.append(cut)
        at = cut + _RUN
    cuts.append(last)
    return cuts


def _inflate(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """:func:`_inflate_here` on a second thread, a piece or two ahead: zlib lets go of
    the interpreter while it inflates, so on two cores the pieces are searched meanwhile
    (inflating is two thirds of compacting a sheet of 500 MB of formatting)."""
    ahead: queue.Queue[bytes | BaseException | None] = queue.Queue(maxsize=2)
    stop = threading.Event()

    def produce() -> None:
        try:
            for piece in _inflate_here(zf, info):
                while not stop.is_set():
                    with contextlib.suppress(queue.Full):
                        ahead.put(piece, timeout=0.1)
                        break
                if stop.is_set():
                    return
            ahead.put(None)
        except BaseException as exc:  # handed to the reading thread, raised there
            ahead.put(exc)

    worker = threading.Thread(target=produce, name="docgen-inflate", daemon=True)
    worker.start()
    try:
        while (item := ahead.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        worker.join()


def _inflate_here(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """A part's bytes, a piece at a time, never more than :data:`_PIECE` at once.

    A deflated part is inflated straight from the file: half the CPU of zipfile's
    reader, which a sheet of 500 MB of formatting shows. Its checksum and size are
    checked as zipfile checks them.
    """
    if info.compress_type != zipfile.ZIP_DEFLATED or info.flag_bits & 1 or not zf.filename:
        with zf.open(info) as fh:
            while piece := fh.read(_PIECE):
                yield piece
        return
    if info.file_size > MAX_STREAMED:
        raise WorkbookError(f"{info.filename} is larger than any sheet Excel writes.")
    with open(zf.filename, "rb") as fh:
        fh.seek(_data_offset(fh, info))
        inflater = igzip_lib.IgzipDecompressor(flag=igzip_lib.DECOMP_DEFLATE)
        left, crc, size = info.compress_size, 0, 0
        # To the stream's end: the inflater holds output of input already read.
        while not inflater.eof:
            data = b""
            if inflater.needs_input:
                data = fh.read(min(left, _READ))
                left -= len(data)
                if not data:
                    raise EOFError("the part ends early")
            try:
                piece = inflater.decompress(data, _PIECE)
            except Exception as exc:  # IsalError (its stub types it as an instance, not a class)
                raise zipfile.BadZipFile("a part cannot be inflated") from exc
            size += len(piece)
            if size > info.file_size:
                raise zipfile.BadZipFile("a part holds more than it says")
            crc = isal_zlib.crc32(piece, crc)
            yield piece
    if size != info.file_size or crc != info.CRC:
        raise zipfile.BadZipFile("a part's checksum is wrong")


def _data_offset(fh: BinaryIO, info: zipfile.ZipInfo) -> int:
    """Where the part's compressed bytes start: after its local header, whose name and
    extra field may differ in length from the central directory's."""
    fh.seek(info.header_offset)
    header = fh.read(30)
    if header[:4] != _ZIP_MAGIC:
        raise zipfile.BadZipFile("bad local header")
    names = int.from_bytes(header[26:28], "little") + int.from_bytes(header[28:30], "little")
    return info.header_offset + 30 + names


def _rebuilt(zf: zipfile.ZipFile, compacted: dict[str, bytes]) -> io.BytesIO:
    """The workbook again, in memory, its compacted sheets in place of the large ones,
    for the cell reader to parse (stored, not compressed: it is read once)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as rebuilt:
        for info in zf.infolist():
            data = compacted.get(info.filename)
            rebuilt.writestr(info.filename, data if data is not None else zf.read(info))
    out.seek(0)
    return out


def _parse_sheet(
    book: python_calamine.CalamineWorkbook, name: str, label: str
) -> python_calamine.CalamineSheet:
    try:
        return book.get_sheet_by_name(name)
    except Exception as exc:  # calamine's own error types
        raise WorkbookError(
            f"{label} is damaged (its sheet {name!r} cannot be read); open it in Excel, which "
            "may repair it, and save it again."
        ) from exc


def list_sheets(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> list[str]:
    """The sheet names of a safe .xlsx, without reading a cell: enough to tell its kind."""
    with _checked_zip(Path(path), max_bytes) as (_zf, parts):
        return list(parts)


@contextlib.contextmanager
def _checked_zip(path: Path, max_bytes: int) -> Iterator[tuple[zipfile.ZipFile, dict[str, str]]]:
    """The workbook's zip, once its type and sizes have passed; sheet name -> part path."""
    label = path.name
    if not path.is_file():
        raise WorkbookError(f"{label}: no such file.")
    _check_type(path)
    try:
        with zipfile.ZipFile(path) as zf:
            yield zf, _check_zip(zf, label, max_bytes)
    except zipfile.BadZipFile as exc:
        if not _zip_is_whole(path):
            raise WorkbookError(
                f"{label} is an incomplete copy (the file stops before its end, as when a copy "
                "or download is cut off); copy or save it again from where it came from."
            ) from exc
        raise WorkbookError(_DAMAGED.format(label=label)) from exc
    except (zlib.error, EOFError) as exc:
        raise WorkbookError(_DAMAGED.format(label=label)) from exc


_DAMAGED = (
    "{label} is damaged (its contents cannot be unpacked); open it in Excel, which may repair "
    "it, and save it again, or save it again from where it came from."
)


def _too_big(label: str, total: int, max_bytes: int) -> str:
    size, limit = _megabytes(total, max_bytes)
    return (
        f"{label} is refused: it expands to {size} MB, "
        f"more than the {limit} MB allowed (setting DOCGEN_MAX_WORKBOOK_MB); "
        "when it holds few rows, formatting down to the sheets' last row is the likely "
        "cause: in Excel select the empty rows below the data (click the first row number, "
        "then Ctrl+Shift+Down), Home, Clear, Clear All, and save."
    )


def _megabytes(total: int, limit: int) -> tuple[str, str]:
    """Both sizes in MB with the fewest decimals that tell them apart (and show a limit
    above 0 as such): "1 MB, more than the 1 MB allowed" read as no reason at all."""
    shown = (f"{total / 2**20:,.0f}", f"{limit / 2**20:,.0f}")
    for digits in range(4):
        shown = (f"{total / 2**20:,.{digits}f}", f"{limit / 2**20:,.{digits}f}")
        if shown[0] != shown[1] and (limit == 0 or float(shown[1].replace(",", "")) > 0):
            break
    return shown


def _zip_is_whole(path: Path) -> bool:
    """The file ends with a zip's end record: a copy cut short has lost it."""
    with path.open("rb") as fh:
        fh.seek(0, 2)
        size = fh.tell()
        fh.seek(max(0, size - 66_000))
        return b"PK\x05\x06" in fh.read()


def _check_type(path: Path) -> None:
    label = path.name
    suffix = path.suffix.lower()
    with path.open("rb") as fh:
        magic = fh.read(8)
    if label.startswith("~$") and magic[:4] != _ZIP_MAGIC:  # Excel's owner file
        raise WorkbookError(
            f"{label} is the lock file Excel keeps while {label[2:]} is open, not a workbook; "
            f"give {label[2:]} itself (close it in Excel first to check what was saved)."
        )
    if not magic:
        raise WorkbookError(
            f"{label} is empty (0 bytes), as a copy or download that did not finish leaves "
            "it; copy or save it again from where it came from."
        )
    if suffix == ".xls" or (magic == _OLE_MAGIC and suffix not in ACCEPTED_SUFFIXES):
        raise WorkbookError(
            f"{label} is an old-style .xls workbook; open it in Excel and save it as .xlsx."
        )
    if magic == _OLE_MAGIC and _ole_holds(path, "EncryptedPackage"):
        raise WorkbookError(
            f"{label} is password-protected (encrypted); save an unprotected copy as .xlsx."
        )
    if magic == _OLE_MAGIC:  # an .xls renamed .xlsx: its stream is Workbook (or Book)
        raise WorkbookError(
            f"{label} is an old-style .xls workbook renamed to {suffix}; open it in Excel and "
            "save it as .xlsx."
        )
    table = _return_table(path) if suffix == ".csv" else None
    if table:  # saved as .xlsx it would still be no workbook of docgen's
        raise WorkbookError(
            f"{label} is the SSDA903 {table} file of a DfE return, which docgen reads with "
            "the return's other files: give their folder or zip (docgen validate FOLDER, "
            "docgen annual --returns FOLDER), or drop it with them and the annual workbook, "
            "as one zip or folder, into inbox/annual/ (docs/returns.md)."
        )
    if suffix not in ACCEPTED_SUFFIXES:
        kind = _KINDS.get(suffix, f"a {suffix or 'suffix-less'} file")
        raise WorkbookError(
            f"{label} is {kind}; docgen reads Excel workbooks saved as .xlsx"
            + (
                ", so open it in Excel or Calc and save it as .xlsx."
                if suffix in _SAVEABLE
                else f": {_RESAVE}"
            )
        )
    if magic[:4] != _ZIP_MAGIC:
        raise WorkbookError(f"{label} is {_what_file(path)}, not an Excel workbook; {_RESAVE}")


def _return_table(path: Path) -> str | None:
    """The SSDA903 table a CSV file's header row names (``episodes``), or None."""
    from docgen.returns.ssda903 import csv_table  # imports this module: asked for here

    try:
        with path.open(encoding="utf-8-sig", errors="replace") as fh:
            header = fh.readline(4096)
    except OSError:
        return None
    return csv_table(next(csv.reader([header]), []))


#: What a file of a suffix other than .xlsx is, as its user would name it.
_KINDS = {
    ".csv": "a CSV file",
    ".ods": "an OpenDocument spreadsheet (LibreOffice or OpenOffice Calc)",
    ".docx": "a Word document",
    ".doc": "a Word document",
    ".odt": "an OpenDocument text document",
    ".pdf": "a PDF document",
    ".zip": "a zip archive",
}
#: Suffixes of files a spreadsheet program opens and can save as .xlsx.
_SAVEABLE = (".csv", ".ods", ".tsv", ".txt", ".numbers")
_RESAVE = "open the data in Excel and save it as an Excel Workbook (.xlsx), then use that file."


def _what_file(path: Path) -> str:
    """What a file that is not a zip holds, as a user would name it."""
    with path.open("rb") as fh:
        head = fh.read(2048)
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"%pdf"):
        return "a PDF document"
    if text.startswith((b"<!doctype html", b"<html")) or b"<table" in text:
        return "a web page (some systems export these with an Excel name)"
    if text.startswith(b"<?xml") or text.startswith(b"<"):
        return "an XML file (Excel's old XML format, or another program's)"
    if text.startswith(b"{\\rtf"):
        return "a Rich Text document"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return "not a spreadsheet (its contents are of some other kind)"
    return "a text file (CSV or tab-separated text?) renamed to " + path.suffix


#: The parts that tell what a zip holds when it is not a workbook.
_ZIP_KINDS = (
    ("word/document.xml", "a Word document"),
    ("ppt/presentation.xml", "a PowerPoint presentation"),
    ("visio/document.xml", "a Visio drawing"),
)
_ODF_KINDS = {
    "application/vnd.oasis.opendocument.spreadsheet": "an OpenDocument spreadsheet "
    "(LibreOffice or OpenOffice Calc)",
    "application/vnd.oasis.opendocument.text": "an OpenDocument text document",
}


def _what_zip(zf: zipfile.ZipFile, names: set[str]) -> str:
    """What a zip that is not a workbook holds: a Word document renamed .xlsx, ..."""
    for part, kind in _ZIP_KINDS:
        if part in names:
            return kind
    if "mimetype" in names:
        mime = zf.read("mimetype")[:200].decode("ascii", "replace").strip()
        if mime in _ODF_KINDS:
            return _ODF_KINDS[mime]
        return "an OpenDocument file"
    return "a zip archive of other files"


#: What Excel never writes in a workbook's XML: a DOCTYPE and its entities (the
#: "billion laughs" of entity expansion hides there).
_XML_CONSTRUCTS = re.compile(rb"<!DOCTYPE|<!ENTITY")


def _check_xml_constructs(zf: zipfile.ZipFile, label: str) -> None:
    """Refuse a workbook whose XML declares a DOCTYPE or entities, before any parser
    sees them: they come from a tool or a hand, never from Excel."""
    for info in zf.infolist():
        if not info.filename.endswith((".xml", ".rels")):
            continue
        with zf.open(info) as part:
            head = part.read(1 << 16)
        if _XML_CONSTRUCTS.search(head):
            raise WorkbookError(
                f"{label} contains XML constructs Excel never writes (in its part "
                f"{info.filename}), so it was made or changed by another program; open it in "
                "Excel and save it again, or ask for a fresh export."
            )


def _ole_holds(path: Path, stream: str, limit: int = 64 * 2**20) -> bool:
    """An OLE (compound) file names ``stream`` in its directory, which stores names in
    UTF-16: enough to tell Excel's encrypted .xlsx from an old .xls without parsing it."""
    with path.open("rb") as fh:
        return stream.encode("utf-16-le") in fh.read(limit)


def _check_zip(zf: zipfile.ZipFile, label: str, max_bytes: int) -> dict[str, str]:
    """Refuse zip bombs before any XML is parsed; return sheet name -> part path."""
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise WorkbookError(f"{label} holds {len(infos)} parts, more than a workbook has.")
    total = 0
    for info in infos:
        total += 0 if _streamed(info) else info.file_size  # counted as read: _compact_sheets
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR_BYTES and ratio > MAX_RATIO:
            raise WorkbookError(
                f"{label} is refused: its part {info.filename} expands {ratio:.0f} times "
                "(a zip bomb?)."
            )
    if total > max_bytes:
        raise WorkbookError(_too_big(label, total, max_bytes))
    names = set(zf.namelist())
    if "xl/workbook.xml" not in names:
        raise WorkbookError(f"{label} is {_what_zip(zf, names)}, not an Excel workbook; {_RESAVE}")
    _check_xml_constructs(zf, label)
    try:
        book = SafeET.fromstring(zf.read("xl/workbook.xml"))
        rels = SafeET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ParseError, ValueError) as exc:
        raise WorkbookError(
            f"{label} is damaged (its list of sheets cannot be read); open it in Excel, which "
            "may repair it, and save it again."
        ) from exc
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_PKG_REL_NS}Relationship")}
    parts: dict[str, str] = {}
    listed: set[str] = set()
    strict = book.tag == f"{_STRICT[_MAIN_NS]}workbook"
    main, rel = (_STRICT[_MAIN_NS], _STRICT[_REL_NS]) if strict else (_MAIN_NS, _REL_NS)
    for sheet in book.iter(f"{main}sheet"):
        target = targets.get(sheet.get(f"{rel}id"), "")
        part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        name = sheet.get("name", "")
        if name in listed:  # Excel never writes this; a reader could read either sheet
            raise WorkbookError(f"{label} is damaged: it lists two sheets named {name!r}.")
        listed.add(name)
        if part in names:
            parts[name] = part
    return parts


@dataclass(frozen=True)
class _Flagged:
    """Cells of one sheet that the cell reader would show as blank but are not."""

    uncached: frozenset[str] = frozenset()
    errors: dict[str, str] = field(default_factory=dict)
    #: Number cells formatted as a percentage: 0.995 that Excel shows as 99.5%.
    percent: frozenset[str] = frozenset()
    #: Rows hidden in Excel (by a filter, or Hide).
    hidden_rows: frozenset[int] = frozenset()


def _scan_sheet(data: bytes, name: str, label: str, percent: frozenset[int]) -> _Flagged:
    """Measure a sheet's true extent; find formulas without a cached value and errors.

    The extent is what a dense reader allocates: the last row times the widest
    column. It is refused when it is huge, or when it dwarfs the cells actually
    present (one cell typed at J1048576 below 300 rows of data), with a message
    saying how to mend the sheet. Cells that are only formatted hold nothing to
    allocate, so a sheet is refused for them only when the cells holding something
    are out of bounds too.
    """
    cells = data.count(b"<c ") + sum(
        len(tag.findall(data)) for tag in _OTHER_CELL_TAGS if tag.search(data)
    )
    refs = _PLAIN_POSITION.findall(data)
    if len(refs) != cells:  # a cell written otherwise than Excel writes it
        refs = _CELL_POSITION.findall(data)
    placed = len(refs) == cells  # every cell says where it is
    if placed:
        rows = max(map(int, {row for _, row in refs}), default=0)
        width = max((_column_index(c) + 1 for c in {c for c, _ in refs}), default=0)
    else:  # some cell is placed by its row and the cells before it, as calamine does
        rows, width, _ = _extent(data)
    if _too_large(rows * width, cells):
        # A fill or border alone makes an empty cell (Excel's used range then reaches
        # it), which the cell reader skips: measure again from the cells holding something.
        rows, width, cells = _extent(data, holding_only=True)
    if _too_large(rows * width, cells):
        raise WorkbookError(
            f"{label} is refused: sheet {name!r} reaches cell {column_letter(width - 1)}"
            f"{rows} but holds only {cells:,} cells; delete the stray cells far from the "
            "data (Ctrl+End in Excel shows where the sheet ends)."
        )
    flagged = _flagged_cells(data, all_placed=placed) if _may_flag(data) else _Flagged()
    if percent:
        flagged = replace(flagged, percent=_percent_cells(data, percent))
    if _HIDDEN_HINT.search(data):
        flagged = replace(flagged, hidden_rows=_hidden_rows(data))
    return flagged


def _hidden_rows(data: bytes) -> frozenset[int]:
    """The numbers of the rows a sheet's XML marks hidden (``<row r="5" hidden="1">``)."""
    found = set()
    for match in _ROW_START.finditer(data):
        attributes = match.group(1)
        number = _ROW_NUMBER.search(attributes)
        if number and _HIDDEN_ROW.search(attributes):
            found.add(int(number.group(1)))
    return frozenset(found)


def _too_large(extent: int, cells: int) -> bool:
    """Whether a reader would allocate too much for this extent, or mostly for nothing."""
    return extent > MAX_CELLS or extent > SPARSE_FACTOR * cells + SPARSE_ALLOWANCE


def _extent(data: bytes, *, holding_only: bool = False) -> tuple[int, int, int]:
    """The last row, the width and the number of a sheet's cells, each placed as the
    cell reader places it (by r=, else after the cell before it): for a sheet whose
    cells are not all placed by r=, or one the quick measure refuses.

    ``holding_only`` counts only cells holding a value, a text (even empty) or a
    formula: an empty formatted cell, ``<c r="J9" s="1"/>``, allocates nothing.
    """
    rows = width = cells = 0
    for ref, _attributes, body in _cells(data):
        if holding_only and not _CONTENT.search(body):
            continue
        letters, number = _split_ref(ref)
        rows, width = max(rows, number), max(width, _column_index(letters.encode()) + 1)
        cells += 1
    return rows, width, cells


def _percent_styles(zf: zipfile.ZipFile) -> frozenset[int]:
    """The workbook's cell styles whose number format is a percentage (none in most)."""
    try:
        styles = SafeET.fromstring(zf.read("xl/styles.xml"))
    except (KeyError, ParseError, ValueError):
        return frozenset()  # no styles, or unreadable ones: every number reads as stored
    main = _STRICT[_MAIN_NS] if styles.tag.startswith(_STRICT[_MAIN_NS]) else _MAIN_NS
    formats = set(_PERCENT_FORMATS)
    for fmt in styles.iter(f"{main}numFmt"):
        if "%" in _FORMAT_LITERAL.sub("", fmt.get("formatCode", "")):
            formats.add(int(fmt.get("numFmtId", "-1")))
    cell_xfs = styles.find(f"{main}cellXfs")
    xfs = [] if cell_xfs is None else cell_xfs.findall(f"{main}xf")
    return frozenset(i for i, xf in enumerate(xfs) if int(xf.get("numFmtId", "0")) in formats)


def _percent_cells(data: bytes, styles: frozenset[int]) -> frozenset[str]:
    """Cells (``B7``) of a sheet that carry one of the percentage ``styles``."""
    hint = re.compile(rb's="(?:' + b"|".join(str(i).encode() for i in sorted(styles)) + rb')"')
    if not hint.search(data):
        return frozenset()
    found = set()
    for match in _CELL_START.finditer(data):
        attributes = match.group(1)
        style, ref = _STYLE.search(attributes), _CELL_REF.search(attributes)
        if style and ref and int(style.group(1)) in styles:
            found.add((ref.group(1) + ref.group(2)).decode())
    return frozenset(found)


def _may_flag(data: bytes) -> bool:
    """The sheet holds a formula or an error value somewhere (most hold neither)."""
    if any(hint.search(data) for hint in _FORMULA_HINTS) and _FORMULA.search(data):
        return True
    return any(hint.search(data) for hint in _ERROR_HINTS) and bool(_ERROR_TYPE.search(data))


def _flagged_cells(data: bytes, *, all_placed: bool) -> _Flagged:
    """Formulas without a value Excel calculated, and cells holding an error value.

    A formula whose result is the empty string is stored as ``t="str"`` with an
    empty ``<v>``: that is a value (blank), not a missing one. An error is stored
    as ``t="e"`` with its text (``#N/A``) in ``<v>``, whether typed or calculated.
    """
    uncached: set[str] = set()
    errors: dict[str, str] = {}
    for ref, attributes, body in _cells(data) if not all_placed else _placed_cells(data):
        if _ERROR_TYPE.search(attributes):
            text = _VALUE_TEXT.search(body)
            if text:
                errors[ref] = text.group(1).decode("utf-8", "replace").strip()
                continue
        if not _FORMULA.search(body) or _CACHED_VALUE.search(body):
            continue
        if _STRING_RESULT.search(attributes) and _EMPTY_VALUE.search(body):
            continue
        uncached.add(ref)
    return _Flagged(frozenset(uncached), errors)


def _placed_cells(data: bytes) -> Iterator[tuple[str, bytes, bytes]]:
    """(``B7``, attributes, body) of each cell that may hold a formula or an error.

    For sheets whose every cell has its ``r=`` (the usual case): nearly twice as fast
    as :func:`_cells` on a sheet of a million cells.
    """
    for match in _CELL_WITH_BODY.finditer(data):
        attributes, body = match.group(2), match.group(3)
        if b"f" not in body and b'"e"' not in attributes and b"'e'" not in attributes:
            continue  # cheap: no formula (<f>) and no error here
        ref = _CELL_REF.search(attributes)
        if ref:
            yield (ref.group(1) + ref.group(2)).decode(), attributes, body


def _cells(data: bytes) -> Iterator[tuple[str, bytes, bytes]]:
    """(``B7``, attributes, body) of every cell of a sheet's XML.

    A cell or row without its optional ``r=`` is placed after the one before it,
    as Excel and python-calamine place it.
    """
    row, column = 0, -1
    for match in _ROW_OR_CELL.finditer(data):
        row_attributes, attributes, body = match.group(1), match.group(3), match.group(4)
        if row_attributes is not None:
            number = _ROW_NUMBER.search(row_attributes)
            row = int(number.group(1)) if number else row + 1
            column = -1
            continue
        ref = _CELL_REF.search(attributes)
        if ref:
            column, row = _column_index(ref.group(1)), int(ref.group(2))
        else:
            column += 1
        yield f"{column_letter(column)}{row}", attributes, body or b""


def _read_sheet(
    parsed: python_calamine.CalamineSheet, name: str, flagged: _Flagged, hidden: str
) -> Sheet:
    data = parsed.to_python(skip_empty_area=False)
    sheet = Sheet(
        name=name,
        uncached=flagged.uncached,
        errors=flagged.errors,
        hidden=hidden,
        hidden_rows=flagged.hidden_rows,
    )
    errors_by_row: dict[int, dict[int, str]] = {}
    for ref, text in flagged.errors.items():
        letters, digits = _split_ref(ref)
        errors_by_row.setdefault(digits, {})[_column_index(letters.encode())] = text
    percent_by_row: dict[int, list[int]] = {}
    for ref in flagged.percent:
        letters, digits = _split_ref(ref)
        percent_by_row.setdefault(digits, []).append(_column_index(letters.encode()))
    flagged_rows = {_split_ref(ref)[1] for ref in flagged.uncached} | set(errors_by_row)
    # calamine ends the sheet at its last value, so rows holding only uncalculated
    # formulas (or errors) may be missing altogether: pad them back, so each gets its
    # errors.
    data += [[] for _ in range(max(flagged_rows, default=0) - len(data))]
    for index, raw in enumerate(data):
        # Blank and whitespace-only strings are empty cells; text is stripped. Inline,
        # because a function call per cell was a quarter of reading a large workbook.
        values = [(v.strip() or None) if v.__class__ is str else v for v in raw]
        number = index + 1
        row_errors = errors_by_row.get(number, {})
        for column in row_errors:
            if column < len(values):
                values[column] = None  # however the reader shows it ('', '#N/A', ...)
        for column in percent_by_row.get(number, ()):
            value = values[column] if column < len(values) else None
            if isinstance(value, int | float) and not isinstance(value, bool):
                values[column] = f"{value * 100:.10g}%"  # as Excel shows it: 0.995 is 99.5%
        if values.count(None) == len(values) and number not in flagged_rows:
            continue
        if not sheet.header_row:
            sheet.header_row = number
            width = max(len(values), max(row_errors, default=-1) + 1)
            named = (values[i] if i < len(values) else None for i in range(width))
            sheet.headers = [
                (i, str(v if v is not None else row_errors[i]))
                for i, v in enumerate(named)
                if v is not None or i in row_errors
            ]
            continue
        sheet.rows.append((number, values))
    return sheet


def _split_ref(ref: str) -> tuple[str, int]:
    """``AB12`` -> (``AB``, 12)."""
    letters = ref.rstrip("0123456789")
    return letters, int(ref[len(letters) :])
