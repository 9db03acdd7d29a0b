"""How the drop folder makes each type from what was dropped (``DocumentType.drop``).

The service (:mod:`docgen.service.jobs`) knows none of these: it asks the type. A new
type that declares a ``drop`` gets its inbox folder with no edit to the service.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from docgen import pipeline
from docgen.codes import a_or_an
from docgen.documents import _output
from docgen.documents.base import DocumentType, Dropped
from docgen.errors import UserError, ValidationFailed, WrongKind
from docgen.files import write_all
from docgen.report import Report

#: A day in a dropped file's name: ``planning 2014-06-30.xlsx``.
_DAY = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
#: What a folder or zip of workbooks may hold that is read; other files are left.
_WORKBOOKS = (".xlsx", ".xlsm")


def papers(doc: DocumentType, dropped: Dropped) -> pipeline.Result:
    """One document per row (or item) of the workbook dropped, all or none."""
    return pipeline.meeting_papers(
        doc.name,
        dropped.source,
        output=dropped.output,
        settings=dropped.settings,
        workers=dropped.workers,
    )


def annual(_doc: DocumentType, dropped: Dropped) -> pipeline.Result:
    """The annual report from the annual workbook, or from a folder or zip of DfE returns
    with the slim annual workbook beside them."""
    source = dropped.source
    if source.is_dir() or source.suffix.lower() == ".zip":
        from docgen.returns.drop import annual_from_returns  # the returns' readers, if asked

        return annual_from_returns(source, dropped.output, dropped.settings, dropped.year)
    if dropped.year is None:
        raise UserError(f"{source.name}: an annual workbook gives the year it reports on.")
    return pipeline.annual_report(
        dropped.year,
        workbook=source,
        output=dropped.output / f"annual_report_{dropped.year}.docx",
        settings=dropped.settings,
    )


def day_in_name(name: str) -> date | None:
    """The day a file's name gives (``planning 2014-06-30.xlsx``); None if none.

    A name with something like a day that is none (``2014-02-30``) is the user's error:
    silently listing as of today would hide the mistake.
    """
    match = _DAY.search(name)
    if match is None:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise UserError(
            f"{name} names the day {match[0]}, which is not a date; name the list's day as "
            "YYYY-MM-DD (planning 2014-06-30.xlsx), or give no day for the day of the drop."
        ) from None


def planning(_doc: DocumentType, dropped: Dropped) -> pipeline.Result:
    """The planning list of the review and/or conference workbooks dropped (one, or a
    folder or zip of them), as of the day the name gives, else the day of the drop:
    ``planning_<day>.xlsx`` (filters on) and ``planning_<day>.docx``."""
    from docgen.documents import planning as lists  # the type's own module

    settings = dropped.settings
    day = day_in_name(dropped.source.name) or dropped.today or date.today()
    with tempfile.TemporaryDirectory(prefix="docgen-planning-") as tmp:
        paths = _workbooks(dropped.source, Path(tmp), settings.max_workbook_mb * 1024 * 1024)
        loaded = []
        for path in paths:
            spec = pipeline.guess_kind(path, settings)
            if spec.kind not in ("review", "conference"):
                raise WrongKind(
                    f"{path.name} has the sheets of {a_or_an(spec.kind)} workbook; a planning "
                    "list is made from review and conference workbooks.",
                    spec.kind,
                )
            tables, report = pipeline.load(path, spec, settings)
            if not report.ok:
                raise ValidationFailed(report)
            loaded.append((spec, tables))
        dues = lists.planning_of(loaded, day, settings)
    outputs = [dropped.output / f"planning_{day.isoformat()}{s}" for s in (".xlsx", ".docx")]
    data = (
        lists.to_xlsx(dues, day),
        _output.render(lists.TEMPLATE, lists.to_context(dues, day), settings),
    )
    write_all(list(zip(outputs, data, strict=True)), group=settings.group)  # both or neither
    return pipeline.Result(outputs=outputs, report=Report())


def _workbooks(source: Path, tmp: Path, max_bytes: int) -> Sequence[Path]:
    """The workbooks of a drop: the file itself, or those of a folder or zip."""
    if source.is_dir():
        found = sorted(
            p
            for p in source.iterdir()
            if p.suffix.lower() in _WORKBOOKS
            and not p.is_symlink()
            and p.is_file()
            and not p.name.startswith(("~$", "."))
        )
    elif source.suffix.lower() == ".zip":
        from docgen.returns.drop import unpack  # its checks: flat names, sizes before inflating

        unpack(source, tmp, max_bytes)
        found = sorted(p for p in tmp.iterdir() if p.suffix.lower() in _WORKBOOKS)
    else:
        return [source]
    if not found:
        raise UserError(f"{source.name} holds no workbook (.xlsx); nothing to list.")
    return found
