"""The ``docgen`` command line: parses, calls :mod:`docgen.pipeline`, reports.

Every failure a user can cause ends as ``Error: ...`` and a non-zero exit, never a
traceback: a :class:`~docgen.errors.UserError` is shown verbatim, a failed
validation prints its whole report.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from docgen import documents, pipeline
from docgen.clikit import (
    F,
    _Bar,
    _settings,
    _stopped_cleanly_by_sigterm,
    _warnings,
    _write_errors,
    _write_pdfs,
    command_for,
    errors_option,
    pdf_option,
    pdf_ready,
    reports_errors,
    templates_option,
    workers_option,
)
from docgen.codes import a_or_an
from docgen.errors import UserError
from docgen.report import SHOWN
from docgen.settings import Settings


class ReportingYear(click.ParamType):
    """A reporting year as people write it: 2014, 2013-14 or 2013/2014 (all end March 2014)."""

    name = "YEAR"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        year = pipeline.reporting_year(str(value), whole=True)
        if year is None:
            self.fail(
                f"{value!r} is not a reporting year; give the year it ends, such as 2014 or "
                "2013-14",
                param,
                ctx,
            )
        return year


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="docgen")
def main() -> None:
    """docgen turns IRO service workbooks into finished Word documents."""


def returns_option(func: F) -> F:
    return click.option(
        "--returns",
        type=click.Path(exists=True, path_type=Path),
        help="A folder or zip of the year's DfE returns (SSDA903 CSV files or XML, CIN census "
        "XML), which give Children, Reviews, Adoptions (and CP Plans, CP Conferences) in place "
        "of the workbook's sheets [default: the returns among the data folder's files].",
    )(func)


@main.command()
@click.option(
    "--year",
    type=ReportingYear(),
    required=True,
    help="The year the reporting period ends: 2014 or 2013-14 (April 2013 to March 2014).",
)
@click.option(
    "--data",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder holding the year's workbook: annual_<year>.xlsx, or the one workbook whose "
    "name or Report sheet gives the year [default: DOCGEN_DATA, else the samples].",
)
@click.option(
    "--workbook",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The annual workbook itself, whatever its name (instead of --data).",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path),
    help="The .docx to write, or a folder for it [default: ./annual_report_<year>.docx].",
)
@returns_option
@templates_option
@pdf_option
@errors_option
@reports_errors
def annual(
    year: int,
    data: Path | None,
    workbook: Path | None,
    output: Path | None,
    templates: Path | None,
    pdf: bool,
    errors_file: Path | None,
    returns: Path | None = None,
) -> None:
    """Write the IRO annual report for one reporting year."""
    pdf_ready(pdf)
    _say_if_samples(year, data, workbook)  # first: a refusal then reads as the samples'
    bar = _Bar(f"Annual report {year - 1}-{str(year)[-2:]}")
    with _stopped_cleanly_by_sigterm(), bar:
        result = pipeline.annual_report(
            year,
            data=data,
            workbook=workbook,
            output=output,
            settings=_settings(templates=templates),
            progress=bar,
            returns=returns,
        )
    _warnings(result.report)
    _write_errors(errors_file, result.report)
    for path in result.outputs:
        click.echo(f"Wrote {path}")
    _write_pdfs(result.outputs, pdf)


@main.command()
@click.argument("workbook", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--kind",
    type=click.Choice(list(documents.workbook_kinds())),
    help="The kind of workbook [default: recognised from its sheets].",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="A table for people, or JSON for programs.",
)
@click.option(
    "--year",
    type=ReportingYear(),
    help="For an annual workbook, the year it reports on, 2014 or 2013-14 "
    "[default: from its name].",
)
@click.option(
    "--show",
    type=click.IntRange(0),
    default=SHOWN,
    show_default=True,
    help="Problems listed on the terminal; past that many, a summary by kind comes first.",
)
@errors_option
@reports_errors
def validate(
    workbook: Path,
    kind: str | None,
    fmt: str,
    year: int | None,
    show: int,
    errors_file: Path | None,
) -> None:
    """Check WORKBOOK against the contract: every error and warning at once.

    WORKBOOK may also be a folder or zip of DfE returns (SSDA903, CIN census): every
    problem is listed, by file, line and field, after a count of each kind.

    Exits 0 when there are no errors (warnings allowed), 1 otherwise.
    """
    report = pipeline.check_workbook(workbook, kind, _settings(), year=year)
    if fmt == "json":
        click.echo(report.to_json())
    else:
        click.echo(report.headline())
        rows = report.to_table()
        where = ("file", "line") if report.from_returns else ("sheet", "cell")
        if len(rows) > show or (report.from_returns and rows):  # returns: kinds first
            click.echo("\n".join(report.summary_lines()))
            click.echo(f"The first {show}:" if len(rows) > show else "Every one:")
        else:
            for hint in report.hints:
                click.echo(f"  hint    {hint}")
        if rows:
            click.echo(_format_table(("level", *where, "value", "problem"), rows[:show]))
        if len(rows) > show:
            more = (
                "written to the --errors file" if errors_file else "--errors FILE writes them all"
            )
            click.echo(f"... and {len(rows) - show:,} more ({more}).")
    _write_errors(errors_file, report)
    sys.exit(0 if report.ok else 1)


@main.command()
@click.option(
    "--year",
    type=ReportingYear(),
    required=True,
    help="The year whose figures are added, as for `docgen annual`: 2014 or 2013-14.",
)
@click.option(
    "--data",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder holding the year's workbook (and returns), as for `docgen annual`.",
)
@click.option(
    "--workbook",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The annual workbook itself, whatever its name (instead of --data).",
)
@returns_option
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The .xlsx to write [default: ./history_<next year>.xlsx].",
)
@errors_option
@reports_errors
def history(
    year: int,
    data: Path | None,
    workbook: Path | None,
    returns: Path | None,
    output: Path | None,
    errors_file: Path | None = None,
) -> None:
    """Write next year's History sheet: the earlier years' rows of this year's workbook
    and this year's figures as the report prints them, to copy into next year's
    workbook instead of retyping them."""
    _say_if_samples(year, data, workbook)
    result = pipeline.next_history(
        year,
        output or Path.cwd() / f"history_{year + 1}.xlsx",
        data=data,
        workbook=workbook,
        returns=returns,
        settings=_settings(),
    )
    _warnings(result.report)
    _write_errors(errors_file, result.report)
    for path in result.outputs:
        click.echo(f"Wrote {path}")


@main.command(name="new-workbook")
@click.argument("kind", type=click.Choice(list(documents.workbook_kinds())))
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The .xlsx file to write.",
)
@click.option("--force", is_flag=True, help="Replace the file if it exists.")
@reports_errors
def new_workbook(kind: str, output: Path, force: bool) -> None:
    """Write a blank KIND workbook to fill in: the contract's sheets and headers,
    dropdowns for every code column, date checks and a "How to fill" sheet."""
    if output.exists() and not force:
        raise UserError(f"{output} exists; choose another name or add --force to replace it.")
    from docgen.blank import write_blank_workbook  # openpyxl: a fifth of a second to import

    write_blank_workbook(kind, output)
    click.echo(f"Wrote {output}")


@main.group(name="templates")
def templates_group() -> None:
    """Work with the Word templates (a council's own may replace the bundled ones)."""


@templates_group.command(name="check")
@click.argument(
    "directory", required=False, type=click.Path(file_okay=False, exists=True, path_type=Path)
)
@reports_errors
def templates_check(directory: Path | None) -> None:
    """Check DIRECTORY's templates (default: DOCGEN_TEMPLATES, else the bundled ones):
    tag errors, and every name a template uses that docgen does not give it.

    Exits 1 when any template has a problem.
    """
    settings = _settings()
    folder = directory or settings.templates
    from docgen.checks import check_templates, report_lines  # only for this command

    problems = check_templates(folder, settings=settings)
    for line in report_lines(folder, problems):
        click.echo(line)
    sys.exit(1 if problems else 0)


@templates_group.command(name="export")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace templates of the same name in DIRECTORY.")
@reports_errors
def templates_export(directory: Path, force: bool) -> None:
    """Copy the bundled templates into DIRECTORY, as the start of a council's own
    (see docs/templates.md for what each template is given)."""
    from docgen.checks import export_templates

    written = export_templates(directory, force=force)
    click.echo(f"Wrote {len(written)} template(s) to {directory}:")
    for path in written:
        click.echo(f"  {path.name}")
    click.echo(f"Edit them in Word, then: docgen templates check {directory}")


@main.group(name="samples")
def samples_group() -> None:
    """The bundled sample workbooks: a fictional council's, to try docgen on."""


@samples_group.command(name="export")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace files of the same name that differ.")
@reports_errors
def samples_export(directory: Path, force: bool) -> None:
    """Copy the sample workbooks (a fictional council's) into DIRECTORY."""
    from docgen.samples import export_samples

    copied = export_samples(directory, force=force)
    click.echo(
        f"Copied {len(copied)} sample files (a fictional council's workbooks and DfE "
        f"returns) to {directory}:"
    )
    for path in copied:
        click.echo(f"  {path.relative_to(directory).as_posix()}")


def _say_if_samples(year: int, data: Path | None, workbook: Path | None) -> None:
    """Say, before the work, that the bundled samples are read, when neither --data,
    --workbook nor DOCGEN_DATA names the council's own workbook: a refusal that follows
    then reads as the samples'."""
    if workbook is None and data is None and _settings().data is None:
        click.echo(
            f"Using the bundled sample workbook for {pipeline.period_name(year)}: a fictional "
            "council's. Give --data or --workbook (or set DOCGEN_DATA) for your own.",
            err=True,
        )


def _format_table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> str:
    """Plain aligned columns; the last column is left to wrap in the terminal."""
    shown = [header, *[(*(_clip(c) for c in row[:-1]), row[-1]) for row in rows]]
    widths = [max(len(r[i]) for r in shown) for i in range(len(header) - 1)]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(r[:-1], widths, strict=True)) + "  " + r[-1]
        for r in shown
    )


def _clip(text: str, width: int = 30) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _meeting_command(name: str, types: list[documents.DocumentType]) -> None:
    """The command ``name`` for the document types that share it: one document per row
    (or per item of a row) of WORKBOOK."""

    @main.command(name=name, help=types[0].help)
    @click.argument("workbook", type=click.Path(dir_okay=False, exists=True, path_type=Path))
    @click.option(
        "--output",
        "-o",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path("."),
        show_default=True,
        help="Folder for the documents.",
    )
    @click.option("--only", metavar="ID", help="Write only the meeting with this ID.")
    @workers_option
    @templates_option
    @pdf_option
    @errors_option
    @reports_errors
    def command(
        workbook: Path,
        output: Path,
        only: str | None,
        workers: int | None,
        templates: Path | None,
        pdf: bool,
        errors_file: Path | None,
    ) -> None:
        pdf_ready(pdf)
        settings = _settings(templates=templates, workers=workers)
        kind = _type_for(name, types, workbook, settings)
        bar = _Bar(f"{name.capitalize()} documents")
        with _stopped_cleanly_by_sigterm(), bar:
            result = pipeline.meeting_papers(
                kind,
                workbook,
                output=output,
                only=only,
                settings=settings,
                progress=bar,
                workers=settings.workers,
            )
        _warnings(result.report)
        _write_errors(errors_file, result.report)
        click.echo(f"Wrote {len(result.outputs)} document(s) to {output}:")
        for path in result.outputs:
            click.echo(f"  {path.name}")
        _write_pdfs(result.outputs, pdf)


def _type_for(
    name: str, types: list[documents.DocumentType], workbook: Path, settings: Settings
) -> str:
    """Which of the types sharing command ``name`` to make from ``workbook``: the one
    reading its kind of workbook, judged by its sheets."""
    if len(types) == 1:
        return types[0].name
    kind = pipeline.guess_kind(workbook, settings).kind
    for doc in types:
        if doc.kind == kind:
            return doc.name
    kinds = " or ".join(f"{doc.kind}" for doc in types)
    raise UserError(
        f"docgen {name} is made from {a_or_an(kinds)} workbook; {workbook.name} is "
        f"{a_or_an(kind)} workbook: run `{command_for(kind, workbook)}` for its documents."
    )


for _name, _types in documents.generic_commands().items():
    _meeting_command(_name, _types)
for _doc in documents.all_types():
    if _doc.command is not None:
        main.add_command(_doc.command())


@main.command()
@click.argument("root", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--once",
    is_flag=True,
    help="Sweep the inbox once (waiting briefly for files still being written), then exit.",
)
@click.option(
    "--poll",
    type=click.FloatRange(min=0.01),
    default=5.0,
    show_default=True,
    help="Seconds between two looks at the inbox.",
)
@click.option(
    "--settle",
    type=click.FloatRange(min=0.0),
    default=2.0,
    show_default=True,
    help="Seconds a file's size and time must stay unchanged before it is taken.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Render a workbook again even when the same content was rendered before.",
)
@workers_option
@templates_option
@reports_errors
def watch(
    root: Path,
    once: bool,
    poll: float,
    settle: float,
    force: bool,
    workers: int | None,
    templates: Path | None,
) -> None:
    """Serve the drop folder ROOT: workbooks saved into ROOT/inbox become documents.

    ROOT/inbox/<kind>/ takes workbooks of one kind (review, alert, conference,
    annual); ROOT/inbox/ itself takes any, recognised by its sheets, and
    ROOT/inbox/rerender/ makes documents again from a workbook done before.
    ROOT/inbox/invitations/, outcome-letters/ and planning/ make those documents,
    and ROOT/inbox/annual/ also takes a zip or folder of DfE returns. Documents
    appear in ROOT/outbox/<kind>/<workbook name>/, the workbook moves to
    ROOT/archive/, or to ROOT/failed/ with the reasons beside it and a notice in
    ROOT/outbox/. Stops cleanly on SIGTERM or Ctrl-C, after the job in hand. See
    docs/service.md.
    """
    import logging
    import threading

    from docgen.service import Service, stop_on_signals

    logger = logging.getLogger("docgen.service")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    settings = _settings(templates=templates, workers=workers)
    service = Service(
        root,
        settings,
        poll=poll,
        settle=settle,
        force=force,
        workers=settings.workers,
    )
    stop = threading.Event()
    try:
        with stop_on_signals(stop):
            if not once:
                service.run_forever(stop)
                return
            outcomes = service.run_once(stop)
    finally:
        logger.removeHandler(handler)
    states = [o.state for o in outcomes]
    counts = ", ".join(f"{states.count(s)} {s}" for s in dict.fromkeys(states))
    click.echo(f"{len(outcomes)} file(s) processed" + (f": {counts}." if counts else "."))


@main.command()
@click.argument("root", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option(
    "--limit",
    type=click.IntRange(1, 100_000),
    default=20,
    show_default=True,
    help="How many of the most recent jobs to show.",
)
@reports_errors
def status(root: Path, limit: int) -> None:
    """Show the recent jobs of the drop folder ROOT and how each ended."""
    from docgen.service import recent_jobs

    jobs, counts = recent_jobs(root, limit)
    total = sum(counts.values())
    summary = ", ".join(f"{n} {state}" for state, n in sorted(counts.items()))
    click.echo(f"{total} job(s) in the journal" + (f": {summary}." if summary else "."))
    if not jobs:
        return
    rows = [
        (
            str(job.id),
            (job.finished_at or job.claimed_at)[:19].replace("T", " "),
            job.kind or "-",
            job.name,
            "corrected" if job.corrected_by is not None else job.state,  # as counted above
            # documents retention took away are not in the outbox to collect
            f"{len(job.outputs)} removed"
            if job.outbox_expired_at and job.outputs
            else str(len(job.outputs)),
            job.error or "",
        )
        for job in jobs
    ]
    click.echo(_format_table(("id", "time", "kind", "file", "state", "outputs", "error"), rows))
