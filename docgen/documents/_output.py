"""What the per-workbook documents (a planning list, a quarterly report) share: read
and validate their workbooks with every problem of every workbook reported at once,
and write one file all or nothing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from docgen import pipeline
from docgen.clikit import command_for
from docgen.codes import a_or_an
from docgen.documents._letters import letterhead
from docgen.errors import UserError
from docgen.files import folder_lock, write_atomic
from docgen.models import WorkbookSpec
from docgen.report import SHOWN, Report
from docgen.settings import Settings
from docgen.validate import Tables

#: A day given on the command line (--as-of, --from, --to): 2014-09-01 or 01/09/2014.
DAY = click.DateTime(formats=["%Y-%m-%d", "%d/%m/%Y"])


def load_all(
    paths: Sequence[Path], kinds: Sequence[str], settings: Settings
) -> list[tuple[Path, WorkbookSpec, Tables, Report]]:
    """Each workbook read and validated, its kind judged by its sheets; any workbook not
    of ``kinds``, or with errors, stops the run after every problem of every workbook
    has been printed."""
    loaded, failed = [], 0
    for path in paths:
        spec = pipeline.guess_kind(path, settings)
        if spec.kind not in kinds:
            raise UserError(
                f"{path.name} has the sheets of {a_or_an(spec.kind)} workbook; expected "
                f"{a_or_an(' or '.join(kinds))} workbook (run `{command_for(spec.kind, path)}` "
                "for its own documents)."
            )
        tables, report = pipeline.load(path, spec, settings)
        if not report.ok:
            click.echo(report.to_text(limit=SHOWN), err=True)  # by kind, past SHOWN
            if len(report.problems) > SHOWN:
                click.echo(f"  (docgen validate {path} --errors FILE writes every one)", err=True)
            failed += report.error_total
        loaded.append((path, spec, tables, report))
    if failed:
        raise UserError(f"{failed:,} problem(s) in the workbooks; nothing was written.")
    return loaded


def output_kind(output: Path, suffixes: Sequence[str]) -> str:
    """``output``'s suffix, when it is one of ``suffixes``; else the user's error."""
    suffix = output.suffix.lower()
    if suffix not in suffixes or output.is_dir():
        raise UserError(f"--output {output.name}: give a file name ending {' or '.join(suffixes)}.")
    return suffix


def render(template: str, context: dict[str, Any], settings: Settings, **kw: Any) -> bytes:
    """The list or report rendered, with the council's name and protective marking
    (``letterhead``) for its header, as every meeting document has them."""
    from docgen.render import Renderer  # docx and docxtpl: only a command that renders loads them

    context = {"letterhead": letterhead(settings), **context}
    return Renderer(settings.templates).render(template, context, **kw)


def write(output: Path, data: bytes, group: str | None = None) -> None:
    """``output`` written whole or not at all, one run at a time in its folder; shared
    with ``group`` (DOCGEN_GROUP) as the meeting documents are."""
    folder = output.parent if str(output.parent) else Path(".")
    with folder_lock(folder, group=group):
        write_atomic(output, data, group=group)


def stamp(day: Any) -> datetime:
    """A document property's time: the day the document is about, at midnight."""
    return datetime(day.year, day.month, day.day)
