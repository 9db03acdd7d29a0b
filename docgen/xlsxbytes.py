"""An openpyxl workbook as .xlsx bytes that depend on its content alone.

openpyxl's ``save`` stamps the modified property with the clock and each zip entry with
the time of writing, so one workbook saved twice gives two files. Here the workbook is
written through ``ExcelWriter`` (which keeps the properties it is given) and the zip is
copied entry by entry, in the same order, each dated 1 January 1980 and owner-only.
Blank workbooks, the planning list, history workbooks, the list of problems and the
bundled samples are all written this way: the same input, the same bytes out.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from openpyxl import Workbook

#: The date of every zip entry: the earliest a zip can hold.
ZIP_DATE_TIME = (1980, 1, 1, 0, 0, 0)
#: The created and modified properties of a workbook with no date of its own.
NO_DATE = datetime(2000, 1, 1)


def xlsx_bytes(book: Workbook, stamp: datetime | None = None) -> bytes:
    """``book`` as .xlsx bytes; ``stamp``, when given, is its created and modified time."""
    from openpyxl.writer.excel import ExcelWriter  # a fifth of a second to import

    if stamp is not None:
        book.properties.created = book.properties.modified = stamp
    written = io.BytesIO()
    with zipfile.ZipFile(written, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(book, archive).save()
    with zipfile.ZipFile(written) as src:
        return fixed_zip((info.filename, src.read(info)) for info in src.infolist())


def fixed_zip(members: Iterable[tuple[str, bytes]]) -> bytes:
    """A zip of ``members`` (name, bytes), in their order, each deflated, dated 1980 and
    owner-only: bytes that depend on the members alone."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            entry = zipfile.ZipInfo(name, date_time=ZIP_DATE_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            archive.writestr(entry, data)
    return out.getvalue()
