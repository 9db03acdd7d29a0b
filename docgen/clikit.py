"""What every docgen command shares: its options, progress bar, and the way docgen's
exceptions end as ``Error: ...`` with exit status 1. A document type's own command
(see :mod:`docgen.documents`) is built from these, so it behaves like the others.
"""

from __future__ import annotations

import contextlib
import functools
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import click
import pydantic

from docgen.codes import a_or_an
from docgen.errors import Problem, UserError, ValidationFailed, WorkbookError
from docgen.files import ENDING_SIGNALS, signals_handled
from docgen.pdf import convert_to_pdf, find_soffice
from docgen.report import SHOWN, Report
from docgen.settings import MIN_SHARE, Settings

F = TypeVar("F", bound=Callable[..., Any])


def reports_errors(func: F) -> F:
    """Turn docgen's exceptions into click's: message shown, exit status 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            if kwargs.get("errors_file"):  # a bad --errors is refused before any work
                from docgen.diagnosis import check_list_target

                check_list_target(kwargs["errors_file"], kwargs.get("workbook"))
            _never_over_an_input(kwargs)
            return func(*args, **kwargs)
        except ValidationFailed as exc:
            hint = _kind_hint(kwargs.get("workbook"), click.get_current_context().info_name, exc)
            if hint:
                click.echo(hint, err=True)
            click.echo(exc.report.to_text(limit=SHOWN), err=True)
            listed = _write_errors(kwargs.get("errors_file"), exc.report)
            if not listed and len(exc.report.problems) > SHOWN:
                click.echo("  (--errors FILE writes every one, as .xlsx and .csv)", err=True)
            raise click.ClickException(
                f"{exc.report.error_total:,} problem(s) in the workbook; nothing was written."
            ) from None
        except UserError as exc:
            if isinstance(exc, WorkbookError) and kwargs.get("errors_file"):
                refused = Report(file=str(kwargs.get("workbook") or ""))  # the list says why too
                refused.add(Problem("unreadable-workbook", str(exc)))
                _write_errors(kwargs["errors_file"], refused)
            raise click.ClickException(str(exc)) from None

    return wrapper  # type: ignore[return-value]  # functools.wraps keeps the signature


def _never_over_an_input(kwargs: dict[str, Any]) -> None:
    """Refuse ``--output`` naming a workbook the command reads (`docgen planning
    reviews.xlsx -o reviews.xlsx` wrote the list over the workbook): inputs are never
    modified."""
    output = kwargs.get("output")
    if not isinstance(output, Path) or not output.is_file():
        return
    inputs = [kwargs.get("workbook"), *(kwargs.get("workbooks") or ())]
    for source in inputs:
        if isinstance(source, Path) and source.is_file() and source.samefile(output):
            raise click.ClickException(
                f"--output {output.name} is the workbook being read, and docgen never writes "
                f"over its input; give another name, such as '{output.stem} "
                f"{click.get_current_context().info_name}{output.suffix}'. Nothing was written."
            )


def _warnings(report: Report) -> None:
    for problem in report.warnings:
        click.echo(f"warning: {problem}", err=True)


def _kind_hint(workbook: Path | None, command: str | None, exc: ValidationFailed) -> str:
    """``alerts.xlsx looks like an alert workbook: docgen alert alerts.xlsx`` when a
    workbook given to the wrong command lacks that command's sheets."""
    from docgen import documents, pipeline  # here: the registry imports this module's users

    wanted = {doc.kind for doc in documents.all_types() if doc.command_name == command}
    if workbook is None or not wanted:
        return ""
    if not any(p.code == "missing-sheet" for p in exc.report.errors):
        return ""
    try:
        found = pipeline.guess_kind(workbook, _settings()).kind
    except UserError:  # only a hint
        return ""
    if found in wanted:
        return ""
    kind = sorted(wanted)[0]
    return (
        f"{workbook.name} looks like {a_or_an(found)} workbook, not {a_or_an(kind)} one: "
        f"run `{command_for(found, workbook)}`."
    )


def command_for(kind: str, workbook: Path) -> str:
    """The command that makes documents of ``kind``'s workbook, as the user would type it
    (``docgen alert alerts.xlsx``; the annual report takes the workbook as an option)."""
    if kind != "annual":
        return f"docgen {kind} {workbook}"
    from docgen import pipeline  # here: the registry imports this module's users

    year = pipeline.year_from_name(workbook)
    return f"docgen annual --year {year or 'YEAR'} --workbook {workbook}"


def errors_option(func: F) -> F:
    return click.option(
        "--errors",
        "errors_file",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Write every problem found (errors and warnings, however many) to this .xlsx "
        "or .csv, and the other form beside it.",
    )(func)


def _write_errors(path: Path | None, report: Report) -> bool:
    """Every problem of ``report`` to ``path`` and its twin, when asked; said on stderr."""
    if path is None:
        return False
    try:
        written = report.write_errors(path, group=_settings().group)  # shared as documents are
    except UserError as exc:  # raised from a handler too: said as every refusal is
        raise click.ClickException(str(exc)) from None
    shown = " and ".join(str(p) for p in written)
    click.echo(f"Wrote the {len(report.problems):,} problem(s) to {shown}", err=True)
    return True


def _settings(**overrides: Any) -> Settings:
    """Settings from the environment and flags; a bad value is one line per problem."""
    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})
    except pydantic.ValidationError as exc:
        lines = [
            f"DOCGEN_{str(e['loc'][0]).upper()}={e.get('input')!r}: {_setting_expected(e)}"
            for e in exc.errors(include_url=False)
        ]
        raise click.ClickException("invalid setting: " + "; ".join(lines)) from None


def _setting_expected(error: Any) -> str:
    """What a setting takes, in plain words: pydantic says "Input should be a valid
    integer, unable to parse string as an integer"; IT reads "expected a whole number"."""
    ctx = error.get("ctx") or {}
    if error["type"] in ("int_parsing", "int_type", "int_from_float"):
        return "expected a whole number, such as 30"
    if error["type"] == "greater_than_equal":
        return f"expected a whole number, {ctx.get('ge')} or more"
    if error["type"].startswith(("date_", "datetime_")):
        return "expected a date written as 2014-03-20 (year, month, day)"
    if error["type"] in ("bool_parsing", "bool_type"):
        return "expected true or false (also yes/no, 1/0)"
    text = str(error["msg"]).removeprefix("Value error, ")
    return "expected " + text.removeprefix("Input should be ") if text.startswith("Input") else text


def templates_option(func: F) -> F:
    return click.option(
        "--templates",
        type=click.Path(file_okay=False, exists=True, path_type=Path),
        help="Folder of the council's own templates; each overrides the bundled one of its name.",
    )(func)


def pdf_option(func: F) -> F:
    return click.option(
        "--pdf",
        is_flag=True,
        help="Also write a PDF beside each document (needs LibreOffice).",
    )(func)


def pdf_ready(wanted: bool) -> None:
    """With --pdf, a missing LibreOffice refused before the work rather than after it.

    A command calls this once its own arguments are checked, so that a wrong argument
    is still the first error shown."""
    if wanted:
        find_soffice()


def _write_pdfs(documents: list[Path], wanted: bool) -> None:
    if wanted and documents:
        click.echo(f"Converting {len(documents)} document(s) to PDF ...", err=True)
        for path in convert_to_pdf(documents, group=_settings().group):
            click.echo(f"Wrote {path}")


def workers_option(func: F) -> F:
    return click.option(
        "--workers",
        type=click.IntRange(1, 64),
        help=f"Processes rendering in parallel: at most one per {MIN_SHARE} documents "
        "and one per core. The documents are the same whatever the number "
        "[default: DOCGEN_WORKERS, else 1].",
    )(func)


class _Bar:
    """A click progress bar fed by the pipeline's (label, done, total) callbacks.

    Used as a context manager: it shows "done" only when the work finished.
    """

    def __init__(self, label: str) -> None:
        self.label = label
        self.bar: Any = None

    def __call__(self, item: str, done: int, total: int) -> None:
        if self.bar is None:
            self.bar = click.progressbar(
                length=total, label=self.label, file=sys.stderr, item_show_func=lambda s: s
            )
            self.bar.__enter__()
        self.bar.update(done - self.bar.pos, item)

    def __enter__(self) -> _Bar:
        return self

    def __exit__(self, kind: object, *_exc: object) -> None:
        if self.bar is not None:
            if kind is None:
                self.bar.update(self.bar.length - self.bar.pos, "done")
            self.bar.__exit__(None, None, None)


@contextlib.contextmanager
def _stopped_cleanly_by_sigterm() -> Iterator[None]:
    """SIGTERM (a service manager, a timeout) and SIGHUP (a closed terminal or SSH
    session) end a run as Ctrl-C does, so that what was staged is removed and the
    folder is left as it was, not killed mid-way."""

    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    with signals_handled(ENDING_SIGNALS, interrupt):
        yield
