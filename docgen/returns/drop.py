"""The annual report from a folder or zip of returns dropped into ``inbox/annual/``.

One call for the drop-folder service: the folder or zip holds the year's DfE returns
and the workbook with the rest (Report, Disputes, Staff, ...). A zip is unpacked into
a private temporary folder, member names reduced to their last part (so no member
writes outside it) and their sizes checked before anything is inflated.
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from pathlib import Path

from docgen import pipeline
from docgen.errors import UserError
from docgen.returns.merge import ReturnSet, find_returns, infer_year
from docgen.settings import Settings

#: What a dropped return set may hold; anything else in a zip is left packed.
TAKEN = (".csv", ".xml", ".xlsx", ".xlsm")


def unpack(archive: Path, into: Path, max_bytes: int) -> None:
    """The return files and workbooks of ``archive``, written flat into ``into``."""
    try:
        with zipfile.ZipFile(archive) as zf:
            members = [
                m
                for m in zf.infolist()
                if not m.is_dir()
                and Path(m.filename).suffix.lower() in TAKEN
                and not Path(m.filename).name.startswith(("~$", "."))
            ]
            if sum(m.file_size for m in members) > max_bytes:
                raise UserError(
                    f"{archive.name} unpacks to more than {max_bytes:,} bytes "
                    "(DOCGEN_MAX_WORKBOOK_MB); send the returns in smaller parts."
                )
            names = [Path(m.filename).name for m in members]
            twice = sorted({n for n in names if names.count(n) > 1})
            if twice:
                raise UserError(
                    f"{archive.name} holds {twice[0]} twice (in different folders); keep one."
                )
            for member, name in zip(members, names, strict=True):
                with zf.open(member) as src, (into / name).open("wb") as dst:
                    shutil.copyfileobj(src, dst)
    except zipfile.BadZipFile as exc:
        raise UserError(f"{archive.name} is not a zip docgen can read ({exc}).") from None


def annual_from_returns(
    source: Path,
    output: Path,
    settings: Settings | None = None,
    year: int | None = None,
) -> pipeline.Result:
    """Write the annual report from ``source`` (a folder or zip of returns and the
    workbook holding the rest) into the folder ``output``. The year is ``year``, else
    the one ``source``'s name gives (``returns_2014.zip``), else the year of the
    returns' latest review or episode."""
    settings = settings or Settings()
    with tempfile.TemporaryDirectory(prefix="docgen-returns-") as tmp:
        folder = source
        if source.is_file():
            folder = Path(tmp)
            unpack(source, folder, settings.max_workbook_mb * 1024 * 1024)
        year = year or pipeline.year_from_name(source)
        found: ReturnSet | None = None
        if year is None:
            # read here for their year, and handed on so that they are read once
            found = find_returns(folder, settings.max_workbook_mb * 1024 * 1024)
            if found is None:
                raise UserError(
                    f"{source.name} holds no SSDA903 or CIN census file docgen recognises, "
                    "and its name gives no reporting year: add the returns (SSDA903 CSV files "
                    "are known by their header rows, XML by its root element), or name it "
                    "with the year (annual_2014.zip for April 2013 to March 2014)."
                )
            year = infer_year(found)
        if year is None:
            raise UserError(
                f"{source.name} gives no reporting year: name it with the year "
                "(returns_2014.zip for April 2013 to March 2014)."
            )
        return pipeline.annual_report(
            year,
            data=folder,
            output=output / f"annual_report_{year}.docx",
            settings=settings,
            returns=found,
        )
