"""The quarterly alerts report (the seed's section 9.4): alerts of concern raised in a
period, by stage and category, resolved in it, open at its end, the median working days
to resolution and the escalations to CAFCASS, beside the same for the financial year to
date, with a chart and commentary. An alert counts in the period it was first raised
(its earliest Alert History step when that is earlier than Date Raised)."""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import click

from docgen import codes, timescales
from docgen.clikit import (
    _settings,
    _write_pdfs,
    pdf_option,
    pdf_ready,
    reports_errors,
    templates_option,
)
from docgen.context import long_date, number, plural, sentence, stage_label, text
from docgen.documents import _output
from docgen.documents._letters import letterhead
from docgen.documents.base import DocumentType
from docgen.errors import UserError
from docgen.models import ALERT, Alert, AlertStep
from docgen.settings import Settings
from docgen.validate import Tables
from docgen.wordchart import WordChart

TEMPLATE = "alerts_report.docx"
QUARTER_EXPECTED = "a financial year and quarter such as 2014-15:Q1 (Q1 is April to June)"
_QUARTER = re.compile(r"^(\d{4})\s*[-/]\s*(\d{2}|\d{4})\s*[: ]\s*Q([1-4])$", re.IGNORECASE)


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    name: str  # "Q1 2014-15", or "1 May 2014 to 31 May 2014"

    @property
    def label(self) -> str:
        return f"{long_date(self.start)} to {long_date(self.end)}"


def quarter(value: str) -> Period:
    """``2014-15:Q1`` -> 1 April to 30 June 2014; Q4 is January to March of the second year."""
    match = _QUARTER.match(value.strip())
    if not match or int(match[2][-2:]) != (int(match[1]) + 1) % 100:
        raise UserError(f"--quarter {value!r} is not a quarter; expected {QUARTER_EXPECTED}.")
    first, q = int(match[1]), int(match[3])
    start = date(first + (q == 4), (3 * q + 1) % 12 or 12, 1)
    end = timescales.add_months(start, 3) - timedelta(days=1)
    return Period(start, end, f"Q{q} {first}-{str(first + 1)[-2:]}")


def year_to_date(period: Period) -> Period:
    """From 1 April of the financial year the period ends in, to the period's end."""
    end = period.end
    first = end.year if end.month >= 4 else end.year - 1
    return Period(date(first, 4, 1), end, f"{first}-{str(first + 1)[-2:]} to date")


@dataclass(frozen=True)
class Case:
    """An alert with the dates the report counts it by."""

    alert: Alert
    first_raised: date
    steps: tuple[tuple[date, int], ...]  # (date, stage), the alert's own row included
    category: str  # as first spelt in the workbook: "placement" and "Placement" are one

    def stage_by(self, day: date) -> int:
        return max(stage for when, stage in self.steps if when <= day)

    @property
    def cafcass(self) -> date | None:
        return min((when for when, stage in self.steps if stage == 4), default=None)


def cases(tables: Tables) -> list[Case]:
    history: dict[str, list[AlertStep]] = {}
    for step in tables[AlertStep].rows:
        history.setdefault(step.alert_id.casefold(), []).append(step)
    found: list[Case] = []
    labels: dict[str, str] = {}
    for alert in tables[Alert].rows:
        steps = [(s.step_date, s.stage) for s in history.get(alert.alert_id.casefold(), [])]
        steps.append((alert.date_raised, alert.stage))
        category = text(alert.category).strip()
        category = labels.setdefault(category.casefold(), sentence(category))
        found.append(Case(alert, min(d for d, _ in steps), tuple(sorted(steps)), category))
    return found


def working_days(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end``."""
    day, count = start, 0
    while day < end:
        day = day.fromordinal(day.toordinal() + 1)
        count += timescales.is_working_day(day)
    return count


@dataclass(frozen=True)
class Figures:
    raised: list[Case]
    resolved: list[Case]
    open_at_end: int
    days_to_resolve: list[int]
    cafcass: int

    @property
    def median(self) -> float | None:
        return statistics.median(self.days_to_resolve) if self.days_to_resolve else None


def figures(all_cases: Sequence[Case], period: Period) -> Figures:
    within = lambda day: day is not None and period.start <= day <= period.end  # noqa: E731
    raised = [c for c in all_cases if within(c.first_raised)]
    resolved = [c for c in all_cases if within(c.alert.date_resolved)]
    still_open = [
        c
        for c in all_cases
        if c.first_raised <= period.end
        and (c.alert.date_resolved is None or c.alert.date_resolved > period.end)
    ]
    return Figures(
        raised=raised,
        resolved=resolved,
        open_at_end=len(still_open),
        days_to_resolve=[
            working_days(c.first_raised, c.alert.date_resolved)  # type: ignore[arg-type]  # resolved
            for c in resolved
        ],
        cafcass=sum(within(c.cafcass) for c in all_cases),
    )


def covered(all_cases: Sequence[Case]) -> tuple[date, date]:
    """The first and last day the workbook's alerts speak of."""
    days = [d for c in all_cases for d, _ in c.steps]
    days += [c.alert.date_resolved for c in all_cases if c.alert.date_resolved]
    return min(days), max(days)


def _phrases(f: Figures) -> dict[str, Any]:
    """A period's figures for the commentary: counts in words, with their verbs."""
    categories = Counter(c.category for c in f.raised)
    ranked = categories.most_common(2)
    # The most common only when it is: a tie names none.
    top = ranked[0][0] if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]) else ""
    return {
        "raised_n": len(f.raised),
        "raised": plural(len(f.raised), "alert"),
        "raised_verb": "was" if len(f.raised) == 1 else "were",
        "resolved": plural(len(f.resolved), "alert"),
        "resolved_verb": "was" if len(f.resolved) == 1 else "were",
        "median": number(f.median) if f.median is not None else "",
        # one alert has its own time, not a median of one
        "median_words": (
            ""
            if f.median is None
            else f"in {plural(f.median, 'working day', shown=number(f.median))}"
            if len(f.resolved) == 1
            else f"in a median of {plural(f.median, 'working day', shown=number(f.median))}"
        ),
        "open": plural(f.open_at_end, "alert"),
        "open_verb": "was" if f.open_at_end == 1 else "were",
        "cafcass_n": f.cafcass,
        "cafcass": plural(f.cafcass, "alert"),
        "cafcass_verb": "was" if f.cafcass == 1 else "were",
        "top_category": top,
        "top_count": str(categories[top]) if top else "",
    }


def _rows(q: Counter[Any], y: Counter[Any], keys: Sequence[Any], label: Any) -> list[dict]:
    """One row per key: the period's count beside the year to date's."""
    return [{"label": label(k), "quarter": str(q[k]), "year": str(y[k])} for k in keys]


def _alert_row(case: Case, period: Period) -> dict[str, str]:
    resolved = case.alert.date_resolved
    status = "Open"
    if resolved is not None and resolved <= period.end:
        days = working_days(case.first_raised, resolved)
        status = f"Resolved {long_date(resolved)} ({plural(days, 'working day')})"
    return {
        "id": text(case.alert.alert_id),
        "child_id": text(case.alert.child_id),
        "first_raised": long_date(case.first_raised),
        "stage": stage_label(case.stage_by(period.end)),
        "category": case.category,
        "status": status,
    }


def report_context(all_cases: Sequence[Case], period: Period, noun: str) -> dict[str, Any]:
    ytd = year_to_date(period)
    q, y = figures(all_cases, period), figures(all_cases, ytd)
    by_stage = lambda f: Counter(c.stage_by(period.end) for c in f.raised)  # noqa: E731
    q_categories = Counter(c.category for c in q.raised)
    y_categories = Counter(c.category for c in y.raised)
    # A period from before 1 April has alerts the year to date has not: theirs are rows too.
    categories = sorted(q_categories | y_categories, key=lambda k: (-y_categories[k], k))
    median = lambda f: number(f.median) if f.median is not None else "-"  # noqa: E731
    return {
        "period": {"name": period.name, "label": period.label, "noun": noun},
        "ytd": {"name": ytd.name, "label": ytd.label},
        "summary": [
            {
                "label": "Alerts first raised",
                "quarter": str(len(q.raised)),
                "year": str(len(y.raised)),
            },
            {"label": "Resolved", "quarter": str(len(q.resolved)), "year": str(len(y.resolved))},
            {
                "label": f"Open at the end of the {noun}",
                "quarter": str(q.open_at_end),
                "year": str(y.open_at_end),
            },
            {"label": "Median working days to resolution", "quarter": median(q), "year": median(y)},
            {
                "label": "Escalated to CAFCASS (stage 4)",
                "quarter": str(q.cafcass),
                "year": str(y.cafcass),
            },
        ],
        "stages": _rows(by_stage(q), by_stage(y), sorted(codes.STAGES), stage_label),
        "categories": _rows(q_categories, y_categories, categories, str),
        "q": _phrases(q),
        "y": _phrases(y),
        "alerts": [_alert_row(c, period) for c in sorted(q.raised, key=lambda c: c.first_raised)],
        "chart": _chart(categories, q_categories, y_categories, period, ytd),
    }


def _chart(
    categories: list[str], q: Counter[str], y: Counter[str], period: Period, ytd: Period
) -> WordChart:
    """Alerts first raised by category: the period beside the year to date, drawn by Word
    from its numbers, with alt text giving the key figures."""
    rows = categories or ["(none)"]
    ranked = sorted((q.get(r, 0) for r in rows), reverse=True)
    top = max(rows, key=lambda r: (q.get(r, 0), r)) if categories else None
    if not top or not q.get(top, 0):
        key = f" None were raised in {period.name}."
    elif len(ranked) > 1 and ranked[0] == ranked[1]:  # a tie: no category was "the most"
        key = f" In {period.name} no category had more than {ranked[0]}."
    else:
        key = f" In {period.name} the most were about {top.lower()} ({q.get(top, 0)})."
    return WordChart(
        title="Alerts first raised, by category",
        categories=rows,
        series=[
            (period.name, [q.get(r, 0) for r in rows]),
            (ytd.name, [y.get(r, 0) for r in rows]),
        ],
        horizontal=True,
        axis_title="Alerts",
        height_mm=min(160, 30 + 10 * len(rows)),
        alt=f"Bar chart of alerts of concern first raised, by category, in {period.name} "
        f"and in {ytd.name}: {sum(q.values())} and {sum(y.values())} in all.{key}",
        name="Chart: alerts by category",
    )


def _period(quarter_text: str | None, start: datetime | None, end: datetime | None) -> Period:
    if quarter_text and (start or end):
        raise UserError("give --quarter, or --from and --to, not both.")
    if quarter_text:
        return quarter(quarter_text)
    if not (start and end):
        raise UserError(f"give --quarter ({QUARTER_EXPECTED}), or both --from and --to.")
    if end < start:
        raise UserError(f"--to {end:%d/%m/%Y} is before --from {start:%d/%m/%Y}.")
    first, last = start.date(), end.date()
    return Period(first, last, f"{long_date(first)} to {long_date(last)}")


def alerts_report(workbook: Path, period: Period, settings: Settings) -> dict[str, Any]:
    """The report's context; a period outside the workbook's dates is the user's error."""
    ((_path, _spec, tables, _report),) = _output.load_all([workbook], ("alert",), settings)
    all_cases = cases(tables)
    if not all_cases:
        raise UserError(f"{workbook.name} holds no alerts: sheet Alerts has no rows.")
    first, last = covered(all_cases)
    if period.end < first or period.start > last:
        raise UserError(
            f"{period.name} ({period.label}) is outside the dates {workbook.name} covers: "
            f"{long_date(first)} to {long_date(last)}."
        )
    is_quarter = period.name.startswith("Q")
    return report_context(all_cases, period, "quarter" if is_quarter else "period")


def _target(output: Path | None, period: Period) -> Path:
    name = f"alerts_report_{period.start.isoformat()}_{period.end.isoformat()}.docx"
    if output is None:
        return Path(name)
    if output.is_dir():
        return output / name
    _output.output_kind(output, (".docx",))
    return output


def _samples(samples: Path, settings: Settings) -> list[tuple[str, dict[str, Any]]]:
    context = alerts_report(samples / "alerts.xlsx", quarter("2014-15:Q1"), settings)
    return [(TEMPLATE, {"letterhead": letterhead(settings), **context})]


def _command() -> click.Command:
    @click.command(name="alerts-report", help=DOCUMENT.help)
    @click.argument("workbook", type=click.Path(dir_okay=False, exists=True, path_type=Path))
    @click.option(
        "--quarter",
        "quarter_text",
        metavar="YYYY-YY:QN",
        help="A financial quarter: 2014-15:Q1 is April to June 2014.",
    )
    @click.option(
        "--from",
        "start",
        type=_output.DAY,
        metavar="DATE",
        help="The first day of any other period (with --to), e.g. 2014-08-01 or 01/08/2014.",
    )
    @click.option(
        "--to",
        "end",
        type=_output.DAY,
        metavar="DATE",
        help="The last day of that period.",
    )
    @click.option(
        "--output",
        "-o",
        type=click.Path(path_type=Path),
        help="The .docx to write, or a folder for it [default: ./alerts_report_<from>_<to>.docx].",
    )
    @templates_option
    @pdf_option
    @reports_errors
    def command(
        workbook: Path,
        quarter_text: str | None,
        start: datetime | None,
        end: datetime | None,
        output: Path | None,
        templates: Path | None,
        pdf: bool,
    ) -> None:
        period = _period(quarter_text, start, end)
        target = _target(output, period)
        pdf_ready(pdf)
        settings = _settings(templates=templates)
        context = alerts_report(workbook, period, settings)
        document = _output.render(TEMPLATE, context, settings, charts=True)
        _output.write(target, document, settings.group)
        click.echo(f"Wrote {target}")
        _write_pdfs([target], pdf)

    return command


DOCUMENT = DocumentType(
    name="alerts-report",
    title="quarterly alerts report",
    help="Write the report on alerts of concern for a quarter (--quarter 2014-15:Q1) or any "
    "period (--from, --to) from the alerts WORKBOOK, beside the financial year to date.",
    workbook=ALERT,
    template=TEMPLATE,
    sample="alerts.xlsx",
    per="workbook",
    command=_command,
    sample_contexts=_samples,
    notes=(
        "`docgen alerts-report WORKBOOK --quarter 2014-15:Q1` reports on alerts of concern by "
        "financial quarter (Q1 is April to June) beside the year to date from 1 April; "
        "`--from` and `--to` give any other period. An alert counts in the period it was "
        "first raised: its earliest Alert History step, when earlier than its Date Raised. "
        "Its stage is the highest it had reached by the period's end; a CAFCASS escalation "
        "counts on the date of its stage 4 step; working days to resolution run from first "
        "raised to Date Resolved."
    ),
    inbox=False,
    order=25,
)
