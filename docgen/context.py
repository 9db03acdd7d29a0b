"""Template contexts: the only place values are formatted for display.

Each builder takes computed figures or validated rows and returns a dict of
strings (and charts) shaped for one template. Free text is cleaned of control
characters Word cannot hold; line breaks and tabs are kept (docxtpl turns them
into breaks), and markup characters are left to the renderer's autoescaping.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from docgen import codes, timescales
from docgen.annual import (
    CASELOAD_GUIDELINE,
    CITATION,
    SPECS,
    AnnualFigures,
    LateMeeting,
    Named,
    TableSpec,
    Value,
    YearTable,
    age_on,
    conference_due,
    find_named,
    follows_an_unknown_conference,
)
from docgen.errors import Problem
from docgen.models import (
    Alert,
    AlertStep,
    Conference,
    ConferenceAttendee,
    ConferenceChild,
    PlanAction,
    PreviousDecision,
    ReviewAttendee,
    ReviewDecision,
    ReviewMeeting,
)
from docgen.settings import Settings
from docgen.timescales import ReviewPolicy
from docgen.validate import SheetRows, Tables
from docgen.wordchart import Chart, WordChart
from docgen.workbook import normalise

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def text(value: Any) -> str:
    """Free text as the user typed it, minus characters XML cannot carry."""
    if value is None:
        return ""
    return _CONTROL.sub("", str(value).replace("\r\n", "\n").replace("\r", "\n"))


def long_date(day: date | None) -> str:
    """``31 March 2014``; blank when there is no date."""
    return "" if day is None else f"{day.day} {day:%B %Y}"


def number(x: float | None) -> str:
    if x is None:
        return "-"
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.1f}"


def percent(x: float | None) -> str:
    return "-" if x is None else f"{number(x)}%"


def fte(x: float) -> str:
    """Staff in full-time equivalents, to the quarter post: 0.25, 2.75, 3.5, 4."""
    return f"{x:,.2f}".rstrip("0").rstrip(".")


def plural(n: float, one: str, many: str | None = None, *, shown: str | None = None) -> str:
    """``1 child``, ``3 children``; none is ``no children``, as a report puts it."""
    count = shown or ("no" if n == 0 else number(n))
    return f"{count} {one if n == 1 else (many or one + 's')}"


def sentence(text_: str) -> str:
    """``text_`` with a capital first letter: a count may open it (``No children ...``)."""
    return text_[:1].upper() + text_[1:]


def was(n: float) -> str:
    return "was" if n == 1 else "were"


def show(value: Value, *, total: bool = False) -> str:
    """A table cell: published text verbatim, else the number, with brackets or %.

    A row's bracket is its short-breaks children, printed ``89 (+1)`` as the published
    report did (History may give ``89 (1)``); a total's bracket is the count including
    them, ``265 (267)``.
    """
    if value.percent:
        return percent(value.number)
    if value.bracket and value.number is not None and not total:
        return f"{number(value.number)} (+{number(value.bracket)})"
    if value.published is not None:
        return value.published
    if value.number is None:
        return "-"
    shown = number(value.number)
    return f"{shown} ({number(value.bracket)})" if value.bracket else shown


def period_label(year: int) -> str:
    """``2013/14`` for the year ending 31 March 2014."""
    return f"{year - 1}/{str(year)[-2:]}"


def column_label(table: YearTable, year: int) -> str:
    return {
        "march": f"31 March {year}",
        "year": str(year),
        "period": period_label(year),
    }[table.column_style]


def table_context(table: YearTable, spec: TableSpec | None = None) -> dict[str, Any]:
    """A year table for the template: header row, rows, total, note and source."""
    columns = [table.row_header] + [column_label(table, y) for y in table.years]
    share = table.share
    rows = [
        {
            "label": row,
            "cells": [show(table.value(row, y)) for y in table.years]
            + ([percent(share.get(row))] if share is not None else []),
        }
        for row in table.rows
    ]
    if share is not None:
        columns.append(f"% {column_label(table, table.years[-1])}")
    total = None
    if table.total_label:
        cells = [show(table.totals[y], total=True) for y in table.years]
        if table.share is not None:  # the shares add up to all the coded rows: 100%
            coded = any(v is not None for v in table.share.values())
            cells.append(percent(100) if coded else "")
        total = {"label": table.total_label, "cells": cells}
    return {
        "title": table.title,
        "columns": columns,
        "rows": rows,
        "total": total,
        "note": spec.note if spec else "",
        "source": spec.source if spec else "",
    }


def simple_table(
    title: str,
    columns: list[str],
    rows: list[tuple[str, list[str]]],
    *,
    note: str = "",
    source: str = "",
) -> dict[str, Any]:
    return {
        "title": title,
        "columns": columns,
        "rows": [{"label": label, "cells": cells} for label, cells in rows],
        "total": None,
        "note": note,
        "source": source,
    }


def _change(now: float, before: float | None) -> dict[str, Any] | None:
    """The change from ``before`` to ``now``: how many, which way, and the rate against
    ``before`` (counted as the table counts: short-breaks children left out)."""
    if before is None:
        return None
    diff = now - before
    return {
        "by": abs(diff),
        "word": "more" if diff > 0 else "fewer" if diff < 0 else "",
        "rate": percent(_one_place(abs(diff) / before * 100)) if before else "",
    }


def _one_place(x: float) -> float:
    return int(x * 10 + 0.5) / 10


def _previous_total(table: YearTable) -> float | None:
    """The total of the year before the report's, to compare with; None when History
    skips that year (the column before it is older, and "a year earlier" would be false)."""
    if len(table.years) < 2 or table.years[-2] != table.years[-1] - 1:
        return None
    return table.totals[table.years[-2]].number


def _late(late: list[LateMeeting]) -> dict[str, Any]:
    """Late meetings for the template: the first few told one by one, the rest counted."""
    return {
        "shown": [
            {
                "kind": m.kind,
                "days": m.days_late,
                "held": long_date(m.held),
                "due": long_date(m.due),
                "approved_by": text(m.approved_by or ""),
            }
            for m in late[:LATE_DETAIL]
        ],
        "more": max(0, len(late) - LATE_DETAIL),
    }


#: Late meetings described one by one; beyond this many the rest are counted.
LATE_DETAIL = 5

#: The report's sections, after the National IRO Manager Partnership's template: a
#: Narrative row whose Section is one of these is printed in that section.
NARRATIVE_SECTIONS = (
    "Executive summary",
    "Purpose and legal context",
    "Profile of the service",
    "Profile of the children",
    "Timeliness of reviews",
    "Participation of children",
    "IRO contact and consultation",
    "Dispute resolution",
    "Quality assurance",
    "Areas for development",
)


def slug(name: str) -> str:
    """A figure's name as a template variable: ``alerts open at 31 March`` ->
    ``alerts_open_at_31_march``, ``reviews on time %`` -> ``reviews_on_time_percent``."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower().replace("%", "percent")).strip("_")


def shown(value: Named) -> str:
    """A cited figure, formatted as its table shows it."""
    if value.kind == "percent":
        return percent(value.number)
    if value.kind == "fte":
        return fte(value.number or 0)
    return number(value.number)


def cite(value: str, named: dict[str, Named]) -> str:
    """Free text with each ``[[name]]`` replaced by the figure (compute has refused
    unknown names, at their cells); nothing else in the text is interpreted."""

    def figure(match: re.Match[str]) -> str:
        found = find_named(named, match[1])
        return shown(found) if found is not None else match[0]

    return CITATION.sub(figure, text(value))


def annual_context(figures: AnnualFigures) -> dict[str, Any]:
    """The annual report template's context (see templates/docx/annual_report.docx).

    Numbers come as ``n`` (each named figure, for the template's sentences and their
    filters) and ``f`` (the same, formatted as the tables print them); the sentences
    themselves are the template's, so a council can reword them in Word.
    """
    p = figures.period
    year = p.year
    named = figures.named
    return {
        **_cover(figures),
        "end": long_date(p.end),
        "start": long_date(p.start),
        "this_year": period_label(year),
        "last_year": period_label(year - 1),
        "next_year": period_label(year + 1),
        "n": {slug(k): v.number if v.number is not None else 0 for k, v in named.items()},
        "f": {slug(k): shown(v) for k, v in named.items()},
        "changes": _changes(figures),
        "largest": _largest(figures),
        "late_reviews": _late(figures.late_reviews),
        "late_conferences": _late(figures.late_conferences),
        "guideline": {"low": CASELOAD_GUIDELINE[0], "high": CASELOAD_GUIDELINE[1]},
        "counted_per_child": figures.counted_per_child,
        "sections": _sections(figures),
        "charts": _charts(figures),
        "figure_titles": {
            "looked_after": "Children looked after on 31 March, year by year",
            "legal_status": "Children looked after by legal status, year by year",
            "cp_category": "New child protection plans by category of abuse, year by year",
        },
        "narrative": _narrative(figures),
        "priorities": [cite(x, named) for x in figures.priorities],
        "recommendations": [cite(x, named) for x in figures.recommendations],
    }


def _cover(figures: AnnualFigures) -> dict[str, str]:
    settings, p = figures.settings, figures.period
    label = f"{p.year - 1}-{str(p.year)[-2:]}"
    return {
        "council": text(settings.get("council", "")),
        "service": text(settings.get("service", "Independent Reviewing Officer Service")),
        "author": text(settings.get("author", "")),
        "author_role": text(settings.get("author role", "")),
        "period": f"{long_date(p.start)} to {long_date(p.end)}",
        "period_label": label,
        "year": str(p.year),
        "report_title": f"Independent Reviewing Officer Service Annual Report {label}",
        "signed": long_date(p.end),
    }


def _changes(figures: AnnualFigures) -> dict[str, Any]:
    """Each comparison the sentences make with the year before (None without one)."""
    t, year = figures.tables, figures.period.year
    age = t["looked_after_age"]
    return {
        # The age table's total leaves short-breaks children out ("265 (267)" is 265), as
        # this year's count does; a workbook with no Age history compares legal status's.
        "looked_after": _change(
            figures.looked_after,
            _first_given(_previous_total(age), _previous_total(t["legal_status"])),
        ),
        "adoptions": _change(
            t["adoptions"].totals[year].number or 0, _previous_total(t["adoptions"])
        ),
        "cp_category": _change(
            t["cp_category"].totals[year].number or 0, _previous_total(t["cp_category"])
        ),
        "legal_status": _largest_changes(t["legal_status"]),
    }


def _first_given(*values: float | None) -> float | None:
    return next((v for v in values if v is not None), None)


def _largest(figures: AnnualFigures) -> dict[str, Any]:
    """The largest row of a table (all rows that share it), for "the largest group"."""
    out = {}
    for key in ("looked_after_age", "cp_category"):
        rows, most = _largest_rows(figures.tables[key])
        out[key] = {"rows": _and(rows), "count": most, "tied": len(rows) > 1}
    return out


def _sections(figures: AnnualFigures) -> dict[str, Any]:
    t, d = figures.tables, figures.disputes
    sections = {key: table_context(t[key], SPECS[key]) for key in t}
    end, one_year = long_date(figures.period.end), [period_label(figures.period.year)]
    sections["cp_snapshot"] = simple_table(
        f"Children subject of a child protection plan on {end}",
        ["Child protection plans", end],
        [
            ("Children", [number(figures.cp_children)]),
            # The CIN census records children, not families: none are counted from it.
            ("Families", ["-" if figures.counted_per_child else number(figures.cp_families)]),
        ],
        source="Source: CP Plans sheet, on 31 March.",
    )
    dispute_rows = [("Alerts of concern raised", [number(d["raised"])])]
    dispute_rows += [
        (f"Highest stage {n}: {label}", [number(d[f"stage_{n}"])])
        for n, label in codes.STAGES.items()
    ]
    dispute_rows += [
        ("Resolved within the local authority", [number(d["resolved_internally"])]),
        ("Escalated to CAFCASS", [number(d["escalated_to_cafcass"])]),
        (f"Open on {end}", [number(d["open"])]),
    ]
    sections["disputes"] = simple_table(
        "Alerts of concern by highest stage reached",
        ["Alerts of concern", *one_year],
        dispute_rows,
        note="An alert resolved after 31 March is counted as open on that day.",
        source="Source: Disputes sheet (alerts of concern).",
    )
    sections["staffing"] = _staffing(figures, one_year)
    sections["iro_caseloads"] = _iro_caseloads(figures, end)
    sections["other_work"] = simple_table(
        "Figures reported by the service",
        ["Measure", *one_year],
        [(text(measure), [number(value)]) for measure, value in figures.figures.items()],
        source="Source: Figures sheet (the service's own counts).",
    )
    return sections


def _staffing(figures: AnnualFigures, one_year: list[str]) -> dict[str, Any]:
    ftes = figures.staff_fte
    rows = [
        (label, [fte(ftes[role])])
        for role, label in (
            ("IRO", "Independent Reviewing Officers (FTE)"),
            ("Manager", "Managers (FTE)"),
            ("Co-ordinator", "Co-ordinators (FTE)"),
            ("LADO", "LADO (FTE)"),
        )
    ]
    return simple_table(
        "IRO service staff (full-time equivalent)",
        ["Staff", *one_year],
        rows,
        source="Source: Staff sheet.",
    )


def _iro_caseloads(figures: AnnualFigures, end: str) -> dict[str, Any]:
    rows = []
    for c in figures.caseloads:
        per = number(_one_place(c.looked_after / c.fte)) if c.fte else "-"
        rows.append((text(c.name), [fte(c.fte), number(c.looked_after), number(c.on_plans), per]))
    return simple_table(
        f"Children of each IRO on {end}",
        ["IRO", "FTE", "Looked after", "On CP plans", "Looked after per full-time post"],
        rows,
        note="The guideline of 50 to 70 (IRO Handbook) compares with the last column: "
        "looked after children only.",
        source="Source: IRO columns of Children and CP Plans.",
    )


def _charts(figures: AnnualFigures) -> dict[str, Chart]:
    """The report's charts, drawn by Word from their numbers, each with its alt text."""
    t, end, year = figures.tables, long_date(figures.period.end), figures.period.year
    legal, cp, age = t["legal_status"], t["cp_category"], t["looked_after_age"]
    top, most = _largest_rows(cp)
    legal_top, legal_most = _largest_rows(legal)
    totals = [(column_label(age, y), age.totals[y].number) for y in age.years]
    shown = [(label, number) for label, number in totals if number is not None]
    return {
        "looked_after": WordChart(
            title="Children looked after on 31 March",
            categories=[label for label, _ in shown],
            series=[("Children looked after", [n for _, n in shown])],
            height_mm=60,
            alt=f"Column chart of children looked after on 31 March of each year: "
            f"{', '.join(_total_words(age))}. {number(figures.looked_after)} on {end}.",
            name="Chart: children looked after by year",
        ),
        "legal_status": _rows_chart(
            legal,
            "Children looked after by legal status",
            alt=f"Bar chart of children looked after by legal status in "
            f"{', '.join(column_label(legal, y) for y in legal.years)}. In {year} the largest "
            f"group was {_and(legal_top)} ({number(legal_most)}).",
            name="Chart: legal status by year",
        ),
        "cp_category": _rows_chart(
            cp,
            "New child protection plans by category of abuse",
            alt=f"Bar chart of children who became subject of a plan, by category of abuse, "
            f"in {', '.join(column_label(cp, y) for y in cp.years)}. In {period_label(year)} "
            f"the most common was {_and(top).lower()} ({number(most)} children).",
            name="Chart: new child protection plans by category",
        ),
    }


def _rows_chart(table: YearTable, title: str, *, alt: str, name: str) -> WordChart:
    """Horizontal bars: one group per row of ``table``, one bar per year, newest first."""
    series = [
        (column_label(table, y), [table.value(r, y).number for r in table.rows])
        for y in reversed(table.years)
    ]
    return WordChart(
        title=title,
        categories=list(table.rows),
        series=series,
        horizontal=True,
        height_mm=min(190, 24 + len(table.rows) * (3 + 3 * len(table.years))),
        alt=alt,
        name=name,
    )


def _total_words(table: YearTable) -> list[str]:
    return [
        f"{column_label(table, y)} {number(table.totals[y].number)}"
        for y in table.years
        if table.totals.get(y) is not None and table.totals[y].number is not None
    ]


def _narrative(figures: AnnualFigures) -> dict[str, Any]:
    """Narrative paragraphs by the template's section (``by_section``), with sections
    the template does not name kept, in order, as ``other``."""
    known = {normalise(s): s for s in NARRATIVE_SECTIONS}
    by_section: dict[str, list[str]] = {slug(s): [] for s in NARRATIVE_SECTIONS}
    other = []
    for title, paragraphs in figures.narrative:
        cited = [cite(p, figures.named) for p in paragraphs]
        if normalise(title) in known:
            by_section[slug(known[normalise(title)])] += cited
        else:
            other.append({"title": text(title), "paragraphs": cited})
    return {**by_section, "other": other}


def _largest_rows(table: YearTable) -> tuple[list[str], float]:
    """The rows holding the year's largest figure (all of them, when tied) and that figure:
    naming one of two equal rows "the largest" would contradict the table."""
    most = max(table.current(row) for row in table.rows)
    return [row for row in table.rows if table.current(row) == most], most


def _and(words: list[str]) -> str:
    """``A``, ``A and B``, ``A, B and C``."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _largest_changes(table: YearTable) -> dict[str, Any]:
    """The two rows that changed most against the year before, for one sentence."""
    if len(table.years) < 2:
        return {"since": "", "rows": []}
    then = table.years[-2]
    changes = []
    for row in table.rows:
        before = table.value(row, then).number
        if before is None:
            continue
        diff = table.current(row) - before
        if diff:
            changes.append((abs(diff), row, diff))
    changes.sort(key=lambda c: (-c[0], c[1]))
    return {
        "since": column_label(table, then),
        "rows": [
            {
                "row": row,
                "word": "up" if diff > 0 else "down",
                "by": abs(diff),
                "to": table.current(row),
            }
            for _, row, diff in changes[:2]
        ],
    }


# --------------------------------------------------------------------------- meeting paperwork


def yes_no(value: bool | None) -> str:
    return "" if value is None else ("Yes" if value else "No")


def timeliness(held: date, due: date) -> str:
    """``Yes`` or ``No (held 3 days after the due date)``."""
    late = timescales.days_late(held, due)
    return "Yes" if not late else f"No (held {plural(late, 'day')} after the due date)"


def review_ordinal(meeting: ReviewMeeting, policy: ReviewPolicy) -> int:
    """The review's number: as given, else inferred from the previous review's date.

    No previous review: the first. A previous review held within the first
    review's window: this is the second. Otherwise a later one.
    """
    if meeting.review_number is not None:
        return meeting.review_number
    if meeting.previous_review_date is None:
        return 1
    first_due = timescales.first_review_due(meeting.became_looked_after, policy)
    return 2 if meeting.previous_review_date <= first_due else 3


def _review_guess(meeting: ReviewMeeting, policy: ReviewPolicy) -> str | None:
    """Why a review's 'held within timescale' rests on a guessed review number, or None.

    Only a guess that decides the answer is worth a warning: a first review held
    after its window may really be a later one, and a review after a previous one
    may be the second (90 days / 3 months) or a later one (180 days / 6 months).
    """
    if meeting.review_number is not None or meeting.due_date is not None:
        return None
    held = meeting.review_date
    if meeting.previous_review_date is None:
        first_due = timescales.first_review_due(meeting.became_looked_after, policy)
        if timescales.on_time(held, first_due):
            return None
        return (
            f"Review Number and Previous Review Date are blank, so this is taken as the "
            f"child's first review, due {first_due:%d/%m/%Y} and held late"
        )
    dues = {
        n: timescales.review_due(
            n,
            became_looked_after=meeting.became_looked_after,
            previous_review=meeting.previous_review_date,
            policy=policy,
        )
        for n in (2, 3)
    }
    if timescales.on_time(held, dues[2]) == timescales.on_time(held, dues[3]):
        return None
    return (
        f"Review Number is blank, so this is taken from the dates as review "
        f"{review_ordinal(meeting, policy)}; as the second review it was due "
        f"{dues[2]:%d/%m/%Y}, as a later one {dues[3]:%d/%m/%Y}"
    )


_CONFERENCE_GUESS = (
    "Previous Conference Type is blank, so the previous conference is taken to be a review "
    "(6 months); after the initial conference (3 months) this one would be out of time"
)


def timescale_guesses(tables: Tables, policy: ReviewPolicy) -> list[Problem]:
    """Warnings for meetings whose 'held within timescale' rests on an assumption, and
    for those nobody would receive (:func:`distribution_warnings`)."""
    found: list[Problem] = []
    if ReviewMeeting in tables.sheets:
        reviews = tables[ReviewMeeting]
        found += [
            _guess(reviews, number, why, "review_number", "the Review Number, or the Due Date")
            for number, meeting in reviews.located()
            if (why := _review_guess(meeting, policy))
        ]
    if Conference in tables.sheets:
        conferences = tables[Conference]
        found += [
            _guess(
                conferences,
                number,
                _CONFERENCE_GUESS,
                "previous_conference_type",
                "Previous Conference Type (Initial or Review), or the Due Date",
            )
            for number, conference in conferences.located()
            if follows_an_unknown_conference(conference)
        ]
    return found + distribution_warnings(tables)


def distribution_warnings(tables: Tables) -> list[Problem]:
    """A warning for each meeting whose distribution list is empty: someone must receive
    the record. Only where the workbook has the Copy Of ... column (contract v2)."""
    found: list[Problem] = []
    for parent, child, flag in (
        (ReviewMeeting, ReviewAttendee, "copy_of_record"),
        (Conference, ConferenceAttendee, "copy_of_report"),
    ):
        if parent not in tables.sheets or flag not in tables[child].columns:
            continue
        key = parent.key
        assert key is not None
        receiving = {getattr(r, key).casefold() for r in tables[child] if getattr(r, flag)}
        meetings = tables[parent]
        column = tables[child].model.model_fields[flag].alias
        found += [
            meetings.problem(
                "empty-distribution",
                f"has nobody on its distribution list: no {tables[child].sheet_name} row of "
                f"this meeting has {column} = Y, and someone must receive the document",
                key,
                number,
                expected=f"Y in {column} for each person who receives a copy",
                severity="warning",
            )
            for number, meeting in meetings.located()
            if getattr(meeting, key).casefold() not in receiving
        ]
    return found


def _guess(rows: SheetRows[Any], number: int, why: str, field_name: str, expected: str) -> Problem:
    return rows.problem("assumed-timescale", why, field_name, number, expected=expected)


#: What a document prints for an optional value left blank: an empty box reads as if
#: the value was lost on the way (contract v2).
NOT_RECORDED = "Not recorded"
#: Where the dates a meeting document prints come from.
IRO_HANDBOOK = "IRO Handbook 2010"
WORKING_TOGETHER = "Working Together to Safeguard Children"
LOCAL_PROCEDURES = "local child protection procedures"


def recorded(value: str) -> str:
    """``value``, or "Not recorded" when it is blank."""
    return value if value.strip() else NOT_RECORDED


def age_text(born: date, on: date) -> str:
    """``4 years``, ``1 year``, ``7 months`` (under one): an age with its unit."""
    years = age_on(born, on)
    if years >= 1:
        return plural(years, "year")
    months = (on.year - born.year) * 12 + on.month - born.month - (on.day < born.day)
    return plural(max(months, 0), "month") if months else "Under 1 month"


def _settings(settings: Settings | None) -> Settings:
    return settings if settings is not None else Settings()


def document_block(
    settings: Settings, title: str, ident: str, author: str, held: date, issue_by: date
) -> dict[str, Any]:
    """What every meeting document carries in its header, footer and properties.

    The issue date is the one the council sets (``DOCGEN_ISSUE_DATE``); without it the
    footer gives the date the document must be issued by, so the same workbook always
    gives the same document.
    """
    issued = settings.issue_date
    return {
        "council": text(settings.council),
        "marking": text(settings.protective_marking),
        "title": title,
        "id": text(ident),
        "author": text(author),
        "created": held,
        "issue": f"Issued {long_date(issued)}" if issued else f"Issue by {long_date(issue_by)}",
    }


def _distribution(people: list[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"name": text(name), "role": text(role)} for name, role in people]


def _yes_no_recorded(value: bool | None, yes: str = "Yes", no: str = "No") -> str:
    return NOT_RECORDED if value is None else (yes if value else no)


def _review_number(meeting: ReviewMeeting, policy: ReviewPolicy) -> str:
    number_ = review_ordinal(meeting, policy)
    if meeting.review_number is not None:
        return str(number_)
    why = {
        1: "no earlier review is given",
        2: "the previous review fell within the first review's timescale",
    }.get(number_, "the previous review fell after the first review's timescale")
    return f"{number_} (assumed from the dates: {why})"


def _previous_review(meeting: ReviewMeeting, number_: int) -> str:
    if meeting.previous_review_date is not None:
        return long_date(meeting.previous_review_date)
    return "None (this is the first review)" if number_ == 1 else NOT_RECORDED


def _participation(code: str | None) -> str:
    """The DfE's words as a reader would write them, with the code after them."""
    if not code:
        return ""
    label = codes.PARTICIPATION.label(code)
    label = label.replace("him or herself", "themselves").replace("him or her", "them")
    label = label.replace("his or her", "their")
    return f"{label} ({code})."


def _care_plan_judgement(value: bool | None) -> str:
    return _yes_no_recorded(
        value,
        "Yes.",
        "No (see the IRO's comments).",
    )


def _placement(meeting: ReviewMeeting) -> dict[str, str]:
    moves = meeting.placement_moves
    return {
        "start": recorded(long_date(meeting.placement_start)),
        "moves": NOT_RECORDED if moves is None else sentence(plural(moves, "move")),
        "permanence_plan": recorded(text(meeting.permanence_plan)),
        "permanence_date": recorded(long_date(meeting.permanence_plan_date)),
        "health_assessment": recorded(long_date(meeting.health_assessment_date)),
        "dental_check": recorded(long_date(meeting.dental_check_date)),
        "pep": recorded(long_date(meeting.pep_date)),
        "school": recorded(text(meeting.school)),
        "advocacy": _yes_no_recorded(meeting.advocacy_offered),
        "independent_visitor": _yes_no_recorded(meeting.independent_visitor_offered),
        # Care proceedings are live only while the order is interim.
        "final_hearing": (
            recorded(long_date(meeting.final_hearing_date))
            if meeting.legal_status == "C1" or meeting.final_hearing_date
            else ""
        ),
    }


def _next_meeting(deadline: date | None, given: date | None, what: str) -> dict[str, str]:
    """The statutory deadline and the date to book: the one given, else the last working
    day on or before the deadline (a deadline on a Sunday is not moved)."""
    if deadline is None and given is None:
        return {"deadline": "", "proposed": "", "proposed_label": ""}
    proposed = given if given is not None else timescales.book_by(deadline)  # type: ignore[arg-type]  # one of the two is set
    return {
        "deadline": long_date(deadline),
        "proposed": long_date(proposed),
        "proposed_label": what if given else "Proposed date (a working day on or before it)",
    }


def next_review_basis(number: int, policy: str) -> str:
    """Where the next review's deadline comes from, printed beside it: the regulations'
    months, or the service's own days (the ``seed`` policy), which are not the statute's."""
    if policy == "seed":
        return f"{90 if number == 1 else 180} days after this review, the service's timescale"
    months = 3 if number == 1 else 6
    return f"{months} months after this review, Care Planning Regulations 2010"


def review_context(
    meeting: ReviewMeeting,
    attendees: list[ReviewAttendee],
    decisions: list[ReviewDecision],
    previous: list[PreviousDecision] | tuple[()] = (),
    *,
    settings: Settings | None = None,
) -> dict[str, Any]:
    """The review record template's context."""
    settings = _settings(settings)
    policy = settings.review_policy
    number_ = review_ordinal(meeting, policy)
    due = meeting.due_date or timescales.review_due(
        number_,
        became_looked_after=meeting.became_looked_after,
        previous_review=meeting.previous_review_date,
        policy=policy,
    )
    deadline = timescales.next_review_due(number_, meeting.review_date, policy)
    guess = _review_guess(meeting, policy)
    within = timeliness(meeting.review_date, due)
    held = meeting.review_date
    record_by = timescales.add_working_days(held, settings.review_record_days)
    return {
        "document": document_block(
            settings,
            "Looked After Child Review Record",
            meeting.review_id,
            meeting.iro,
            held,
            record_by,
        ),
        "review": {
            "id": text(meeting.review_id),
            "number": _review_number(meeting, policy),
            "date": long_date(held),
            "due_date": long_date(due),
            "within_timescale": f"{within} (assumed from the dates: {guess})" if guess else within,
            "venue": recorded(text(meeting.venue)),
            "previous_review_date": _previous_review(meeting, number_),
            "first": number_ == 1 and meeting.previous_review_date is None,
            "next_review_date": long_date(meeting.next_review_date or deadline),
            "next": {
                **_next_meeting(deadline, meeting.next_review_date, "Next review date"),
                "basis": next_review_basis(number_, policy),
            },
            "decisions_by": long_date(
                timescales.add_working_days(held, settings.review_decisions_days)
            ),
            "record_by": long_date(record_by),
            "decisions_days": plural(settings.review_decisions_days, "working day"),
            "record_days": plural(settings.review_record_days, "working day"),
            "source": IRO_HANDBOOK,
        },
        "child": _review_child(meeting),
        "placement": _placement(meeting),
        "iro": text(meeting.iro),
        "social_worker": recorded(text(meeting.social_worker)),
        "care_plan": text(meeting.care_plan),
        "care_plan_meets_needs": _care_plan_judgement(meeting.care_plan_meets_needs),
        "childs_views": text(meeting.childs_views),
        "parents_views": text(meeting.parents_views),
        "carers_views": text(meeting.carers_views),
        "health": text(meeting.health),
        "education": text(meeting.education),
        "contact": text(meeting.contact),
        "participation": _participation(meeting.participation),
        "iro_comments": text(meeting.iro_comments),
        **_review_lists(attendees, decisions, previous),
    }


def _review_child(meeting: ReviewMeeting) -> dict[str, str]:
    status = codes.LEGAL_STATUS
    held = meeting.review_date
    return {
        "id": text(meeting.child_id),
        "name": text(meeting.child_name),
        "dob": long_date(meeting.dob),
        "age": age_text(meeting.dob, held),
        "legal_status": recorded(
            f"{status.label(meeting.legal_status)} ({meeting.legal_status})"
            if meeting.legal_status
            else ""
        ),
        "placement": recorded(text(meeting.placement)),
        "became_looked_after": long_date(meeting.became_looked_after),
    }


def _review_lists(
    attendees: list[ReviewAttendee],
    decisions: list[ReviewDecision],
    previous: list[PreviousDecision] | tuple[()],
) -> dict[str, Any]:
    """The review record's lists: who came, who said what, who receives the record,
    and the decisions, previous and new."""
    return {
        "attendees": [
            {"name": text(a.name), "role": text(a.role), "attendance": a.attendance.capitalize()}
            for a in attendees
        ],
        "views": [
            {"name": text(a.name), "role": text(a.role), "views": text(a.views)}
            for a in attendees
            if a.views
        ],
        "distribution": _distribution([(a.name, a.role) for a in attendees if a.copy_of_record]),
        "previous_decisions": [
            {
                "decision": text(p.decision),
                "progress": p.progress,
                "comment": recorded(text(p.comment)),
            }
            for p in previous
        ],
        "decisions": [
            {
                "number": str(i),
                "decision": text(d.decision),
                "responsible": text(d.responsible),
                "timescale": long_date(d.timescale),
            }
            for i, d in enumerate(decisions, start=1)
        ],
    }


def stage_label(stage: int) -> str:
    return f"Stage {stage}: {codes.STAGES[stage]}"


#: A stage-4 referral goes to CAFCASS, which the council's protocol does not time.
CAFCASS_NO_RESPONSE = (
    "None set: a referral to CAFCASS is outside the council's dispute resolution timescales"
)


def first_raised(alert: Alert, steps: list[AlertStep]) -> date:
    """When the concern was first raised: its earliest step, when that is earlier."""
    return min([alert.date_raised, *(s.step_date for s in steps)])


def alert_context(
    alert: Alert, steps: list[AlertStep], *, settings: Settings | None = None
) -> dict[str, Any]:
    """The alert of concern template's context."""
    settings = _settings(settings)
    cafcass = alert.stage == 4
    due = alert.response_due or (
        None
        if cafcass
        else timescales.alert_response_due(alert.date_raised, settings.alert_response_days)
    )
    status = f"Resolved on {long_date(alert.date_resolved)}" if alert.date_resolved else "Open"
    role = codes.STAGES[alert.stage]
    recipient = f"{text(alert.addressed_to)}, {role}" if alert.addressed_to else role
    return {
        "document": document_block(
            settings,
            "Alert of Concern",
            alert.alert_id,
            alert.iro,
            alert.date_raised,
            alert.date_raised,
        ),
        "alert": {
            "id": text(alert.alert_id),
            "date_raised": long_date(first_raised(alert, steps)),
            "stage_date": long_date(alert.date_raised),
            "stage": str(alert.stage),
            "stage_label": stage_label(alert.stage),
            "addressed_to": recipient,
            "category": text(alert.category),
            "concern": text(alert.concern),
            "action_required": text(alert.action_required),
            "response_due": long_date(due) if due else CAFCASS_NO_RESPONSE,
            "has_deadline": bool(due),
            "response": text(alert.response),
            "date_resolved": long_date(alert.date_resolved),
            "outcome": text(alert.outcome),
            "status": status,
            "childs_views": text(alert.childs_views),
        },
        "child": {
            "id": text(alert.child_id),
            "name": text(alert.child_name),
            "dob": recorded(long_date(alert.dob)),
        },
        "iro": text(alert.iro),
        "social_worker": recorded(text(alert.social_worker)),
        "team_manager": recorded(text(alert.team_manager)),
        "history": [
            {
                "stage": str(s.stage),
                "stage_label": stage_label(s.stage),
                "date": long_date(s.step_date),
                "note": text(s.note),
            }
            for s in sorted(steps, key=lambda s: (s.step_date, s.stage))
        ],
    }


def _child_decision(child: ConferenceChild) -> str:
    if child.decision is not None:
        return child.decision
    return {True: "Plan", False: "No plan", None: NOT_RECORDED}[child.plan]


def _conference_dates(
    conf: Conference, children: list[ConferenceChild], any_plan: bool, settings: Settings
) -> dict[str, str]:
    """The dates guidance sets from the conference: the next one, the core group and
    when the decisions and the report go out."""
    held = conf.conference_date
    deadline = (
        timescales.next_conference_due(conf.conference_type, held)  # type: ignore[arg-type]  # validated: Initial or Review
        if any_plan
        else None
    )
    initial = conf.conference_type == "Initial"
    core_group = conf.core_group_date or (
        timescales.first_core_group_due(held, settings.core_group_days)
        if initial and any(c.has_plan for c in children)
        else None
    )
    next_ = _next_meeting(deadline, conf.next_review_date, "Next review conference")
    return {
        "next_review_date": long_date(conf.next_review_date or deadline),
        "next_deadline": next_["deadline"],
        "next_proposed": next_["proposed"],
        "next_proposed_label": next_["proposed_label"],
        "first_core_group_date": long_date(core_group),
        "core_group_days": plural(settings.core_group_days, "working day"),
        "decisions_by": long_date(
            timescales.add_working_days(held, settings.conference_decisions_days)
        ),
        "report_by": long_date(timescales.add_working_days(held, settings.conference_report_days)),
        "decisions_days": plural(settings.conference_decisions_days, "working day"),
        "report_days": plural(settings.conference_report_days, "working day"),
    }


def conference_context(
    conf: Conference,
    children: list[ConferenceChild],
    attendees: list[ConferenceAttendee],
    actions: list[PlanAction] | tuple[()] = (),
    *,
    settings: Settings | None = None,
) -> dict[str, Any]:
    """The CP conference report template's context.

    A review conference reviews a child protection plan (Working Together 2013), so
    when every child's decision is no plan (none made, or every plan ended) no next
    review is dated; a blank Plan is not taken for a no.
    """
    settings = _settings(settings)
    due = conference_due(conf)
    # With every child's decision no plan, there is no plan, contingency, core group or
    # next conference; a blank Plan is not taken for a no.
    any_plan = not children or any(c.has_plan is not False for c in children)
    dates = _conference_dates(conf, children, any_plan, settings)
    within = timeliness(conf.conference_date, due)
    if follows_an_unknown_conference(conf):
        within += " (assumed from the dates: the previous conference is taken to be a review)"
    title = f"{conf.conference_type} Child Protection Conference"
    report_by = timescales.add_working_days(conf.conference_date, settings.conference_report_days)
    return {
        "document": document_block(
            settings, title, conf.conference_id, conf.chair, conf.conference_date, report_by
        ),
        "conference": {
            "id": text(conf.conference_id),
            "type": conf.conference_type,
            "title": title,
            "date": long_date(conf.conference_date),
            "due_date": long_date(due),
            "within_timescale": within,
            "chair": text(conf.chair),
            "venue": recorded(text(conf.venue)),
            "lead_social_worker": recorded(text(conf.lead_social_worker)),
            "strategy_discussion_date": long_date(conf.strategy_discussion_date),
            "previous_conference_date": long_date(conf.previous_conference_date),
            **dates,
            "sources": f"{WORKING_TOGETHER}; {LOCAL_PROCEDURES}",
        },
        "children": [
            {
                "id": text(c.child_id),
                "name": text(c.child_name),
                "dob": long_date(c.dob),
                # A pre-birth conference is real; its child has no age yet.
                "age": "Unborn"
                if c.dob > conf.conference_date
                else age_text(c.dob, conf.conference_date),
                "category": codes.CATEGORY_OF_ABUSE.label(c.category)
                if c.category
                else ("Not applicable (no plan)" if c.has_plan is False else NOT_RECORDED),
                "plan": yes_no(c.has_plan),
                "decision": _child_decision(c),
            }
            for c in children
        ],
        **_conference_lists(attendees, actions),
        "any_plan": any_plan,
        "reasons": text(conf.reasons),
        "parents_views": text(conf.parents_views),
        "childs_views": text(conf.childs_views),
        "dissent": text(conf.dissent),
        "contingency_plan": text(conf.contingency_plan),
        "worried": text(conf.worried),
        "working_well": text(conf.working_well),
        "needs_to_happen": text(conf.needs_to_happen),
        "decision": text(conf.decision),
    }


def _conference_lists(
    attendees: list[ConferenceAttendee], actions: list[PlanAction] | tuple[()]
) -> dict[str, Any]:
    """The conference report's lists: attendance, recommendations, core group,
    distribution and the outline plan's actions."""
    return {
        "attendees": [
            {
                "name": text(a.name),
                "agency": text(a.agency),
                "attendance": a.attendance.capitalize(),
                "report_submitted": yes_no(a.report_submitted),
                "recommendation": a.recommendation or NOT_RECORDED,
            }
            for a in attendees
        ],
        "recommendations": [
            {"name": text(a.name), "agency": text(a.agency), "recommendation": a.recommendation}
            for a in attendees
            if a.recommendation
        ],
        "core_group": _distribution([(a.name, a.agency) for a in attendees if a.core_group_member]),
        "distribution": _distribution([(a.name, a.agency) for a in attendees if a.copy_of_report]),
        "actions": [
            {
                "action": text(a.action),
                "responsible": text(a.responsible),
                "by_when": long_date(a.by_when),
                "outcome": recorded(text(a.outcome_sought)),
            }
            for a in actions
        ],
    }
