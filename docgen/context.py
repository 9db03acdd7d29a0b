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

from docgen import charts, codes, timescales
from docgen.annual import (
    CASELOAD_GUIDELINE,
    AnnualFigures,
    LateMeeting,
    Value,
    YearTable,
    age_on,
    conference_due,
    follows_an_unknown_conference,
)
from docgen.errors import Problem
from docgen.models import (
    Alert,
    AlertStep,
    Conference,
    ConferenceAttendee,
    ConferenceChild,
    ReviewAttendee,
    ReviewDecision,
    ReviewMeeting,
)
from docgen.render import Chart
from docgen.timescales import ReviewPolicy
from docgen.validate import SheetRows, Tables
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


def show(value: Value) -> str:
    """A table cell: published text verbatim, else the number, with brackets or %."""
    if value.percent:
        return percent(value.number)
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


def table_context(
    table: YearTable, commentary: list[str] | None = None, note: str = ""
) -> dict[str, Any]:
    columns = [table.row_header] + [column_label(table, y) for y in table.years]
    total = None
    if table.total_label:
        total = {"label": table.total_label, "cells": [show(table.totals[y]) for y in table.years]}
    return {
        "title": table.title,
        "columns": columns,
        "rows": [
            {"label": row, "cells": [show(table.value(row, y)) for y in table.years]}
            for row in table.rows
        ],
        "total": total,
        "commentary": commentary or [],
        "note": note,
    }


def simple_table(
    title: str,
    columns: list[str],
    rows: list[tuple[str, list[str]]],
    commentary: list[str] | None = None,
    note: str = "",
) -> dict[str, Any]:
    return {
        "title": title,
        "columns": columns,
        "rows": [{"label": label, "cells": cells} for label, cells in rows],
        "total": None,
        "commentary": commentary or [],
        "note": note,
    }


def _change(now: float, before: float | None, noun: str = "") -> str:
    """``23 more (8.6%) than`` / ``3 fewer (12.0%) than`` / ``the same number as``."""
    if before is None:
        return ""
    diff = now - before
    if diff == 0:
        return "the same number as"
    rate = f" ({abs(diff) / before * 100:.1f}%)" if before else ""
    word = "more" if diff > 0 else "fewer"
    return f"{number(abs(diff))}{noun} {word}{rate} than"


def _previous_total(table: YearTable) -> float | None:
    """The total of the year before the report's, to compare with; None when History
    skips that year (the column before it is older, and "a year earlier" would be false)."""
    if len(table.years) < 2 or table.years[-2] != table.years[-1] - 1:
        return None
    return table.totals[table.years[-2]].number


def _late_phrase(late: LateMeeting) -> str:
    days = plural(late.days_late, "day")
    approval = f", with {late.approved_by} approval" if late.approved_by else ""  # the seed's words
    return f"held {days} after its due date of {long_date(late.due)}{approval}"


#: Late meetings described one by one; beyond this many the rest are counted.
LATE_DETAIL = 5


def _late_lines(noun: str, late: list[LateMeeting]) -> list[str]:
    lines = [f"One {m.kind} was {_late_phrase(m)}." for m in late[:LATE_DETAIL]]
    if len(late) > LATE_DETAIL:
        rest = len(late) - LATE_DETAIL
        lines.append(f"{plural(rest, 'further ' + noun)} {was(rest)} held out of time.")
    return lines


def annual_context(figures: AnnualFigures) -> dict[str, Any]:
    """The annual report template's context (see templates/docx/annual_report.docx)."""
    p = figures.period
    t = figures.tables
    year = p.year
    settings = figures.settings
    end = long_date(p.end)

    legal = t["legal_status"]
    before = _previous_total(legal)
    looked_after = sentence(
        f"{plural(figures.looked_after, 'child', 'children')} "
        f"{'was' if figures.looked_after == 1 else 'were'} looked after on {end}"
    )
    if before is not None:
        looked_after += f", {_change(figures.looked_after, before)} a year earlier"
    looked_after += "."
    age = t["looked_after_age"]
    bands, most = _largest_rows(age)
    age_lines = [looked_after]
    if figures.looked_after:
        age_lines.append(
            f"Children aged {bands[0]} were the largest group ({number(most)})."
            if len(bands) == 1
            else f"Children aged {_and(bands)} were the largest groups ({number(most)} each)."
        )
    short_breaks = figures.looked_after_short_breaks
    age_note = (
        "Short-breaks (respite) children are not counted: a band shows its short-breaks "
        "children in brackets, and the total the count including them. "
        + sentence(plural(short_breaks, "short-breaks child", "short-breaks children"))
        + f" {was(short_breaks)} looked after on {end}."
    )

    legal_lines = _largest_changes(legal)
    ethnicity = t["ethnicity"]
    white = ethnicity.current("White")
    eth_lines = []
    if figures.looked_after:
        eth_lines.append(
            f"{number(white / figures.looked_after * 100 if figures.looked_after else 0)}% of "
            f"children looked after on {end} were White ({number(white)} of "
            f"{number(figures.looked_after)})."
        )

    adoptions = t["adoptions"]
    placed = adoptions.totals[year].number or 0
    adoption_lines = [
        sentence(f"{plural(placed, 'child', 'children')} ")
        + f"{'was' if placed == 1 else 'were'} placed for "
        f"adoption in {period_label(year)}"
        + (
            f", {_change(placed, _previous_total(adoptions))} in {period_label(year - 1)}."
            if _previous_total(adoptions) is not None
            else "."
        )
    ]
    adm = next(  # a measure's name matches as headers do: any case, any spacing
        (
            v
            for k, v in figures.figures.items()
            if normalise(k) == normalise("ADM Adoption Decisions")
        ),
        None,
    )
    if adm is not None:
        adoption_lines.append(
            f"The agency decision maker made {plural(adm, 'decision')} that adoption was in "
            "the child's best interests."
        )

    cp = t["cp_category"]
    new_cp = cp.totals[year].number or 0
    top, commonest = _largest_rows(cp)
    most_common = (
        f"; {top[0]} was the most common category ({number(commonest)})."
        if len(top) == 1
        else f"; {_and(top)} were the most common categories ({number(commonest)} each)."
    )
    cp_lines = [
        sentence(f"{plural(new_cp, 'child', 'children')} ")
        + "became subject of a child protection plan in "
        f"{period_label(year)}"
        + (
            f", {_change(new_cp, _previous_total(cp))} in {period_label(year - 1)}"
            if _previous_total(cp) is not None
            else ""
        )
        + (most_common if new_cp else ".")
    ]
    snapshot_line = (
        f"On {end}, {plural(figures.cp_children, 'child', 'children')} in "
        f"{plural(figures.cp_families, 'family', 'families')} "
        f"{'was' if figures.cp_children == 1 else 'were'} subject of a child protection plan."
        if figures.cp_children
        else f"On {end}, no children were subject of a child protection plan."
    )

    reviews = t["reviews"]
    held = reviews.current("Reviews held")
    review_lines = [
        f"{plural(held, 'looked after review')} {was(held)} held in {period_label(year)}; "
        f"{percent(reviews.value('% on time', year).number)} were held within timescale."
        if held
        else f"No looked after reviews were held in {period_label(year)}."
    ]
    review_lines += _late_lines("review", figures.late_reviews)

    conf = t["conferences"]
    conf_lines = [
        f"{plural(conf.current('Total held'), 'child protection conference')} "
        f"{'was' if conf.current('Total held') == 1 else 'were'} held: "
        f"{number(conf.current('Initial conferences'))} initial and "
        f"{number(conf.current('Review conferences'))} review conferences."
    ]
    if not conf.current("Total held"):
        conf_lines = [f"No child protection conferences were held in {period_label(year)}."]
    elif not figures.late_conferences:
        conf_lines.append("Every conference was held within timescale.")
    conf_lines += _late_lines("conference", figures.late_conferences)

    d = figures.disputes
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
    escalated = d["escalated_to_cafcass"]
    dispute_line = (
        f"{plural(d['raised'], 'alert')} of concern {was(d['raised'])} raised; "
        f"{number(d['resolved_internally'])} {was(d['resolved_internally'])} resolved within "
        "the local authority, "
        + ("none was" if not escalated else f"{number(escalated)} {was(escalated)}")
        + f" escalated to CAFCASS and {number(d['open'])} remained open on {end}."
        if d["raised"]
        else f"No alerts of concern were raised in {period_label(year)}."
    )

    ftes = figures.staff_fte
    low, high = CASELOAD_GUIDELINE
    caseload = figures.caseload_per_iro
    staff_rows = [
        (role_label, [fte(ftes[role])])
        for role, role_label in (
            ("IRO", "Independent Reviewing Officers (FTE)"),
            ("Manager", "Managers (FTE)"),
            ("Co-ordinator", "Co-ordinators (FTE)"),
            ("LADO", "LADO (FTE)"),
        )
    ]
    staff_rows += [
        (f"Children looked after on {end}", [number(figures.looked_after)]),
        ("Children per FTE IRO", [number(caseload)]),
        ("National guideline per IRO", [f"{low}-{high}"]),
    ]
    if caseload is None:
        staff_line = "No IRO posts are recorded, so no caseload can be given."
    else:
        where = "below" if caseload < low else "above" if caseload > high else "within"
        iros = plural(ftes["IRO"], "full-time equivalent IRO", shown=fte(ftes["IRO"]))
        children = plural(figures.looked_after, "child", "children")
        staff_line = (
            f"The service had {iros} for {children} looked after: "
            f"{plural(caseload, 'child', 'children')} per IRO, {where} the national guideline "
            f"of {low} to {high}."
        )

    other_rows = [(measure, [number(value)]) for measure, value in figures.figures.items()]
    one_year = [period_label(year)]

    summary = [
        looked_after,
        cp_lines[0],
        snapshot_line,
        review_lines[0],
        conf_lines[0],
        dispute_line,
        staff_line,
    ]
    summary += [f"{measure}: {number(value)}." for measure, value in figures.figures.items()]

    year_labels = lambda tb: [column_label(tb, y) for y in tb.years]  # noqa: E731
    return {
        "council": text(settings.get("council", "")),
        "service": text(settings.get("service", "Independent Reviewing Officer Service")),
        "author": text(settings.get("author", "")),
        "author_role": text(settings.get("author role", "")),
        "period": f"{long_date(p.start)} to {long_date(p.end)}",
        "period_label": f"{year - 1}-{str(year)[-2:]}",
        "year": str(year),
        "report_title": (
            f"Independent Reviewing Officer Service Annual Report {year - 1}-{str(year)[-2:]}"
        ),
        "summary": summary,
        "narrative": [
            {"title": text(title), "paragraphs": [text(p) for p in paragraphs]}
            for title, paragraphs in figures.narrative
        ],
        "sections": {
            "looked_after_age": table_context(age, age_lines, age_note),
            "legal_status": table_context(legal, legal_lines),
            "ethnicity": table_context(
                ethnicity,
                eth_lines,
                f"Children of Chinese heritage (CHNE) are counted as {figures.chne_group}.",
            ),
            "adoptions": table_context(
                adoptions, adoption_lines, "Age in whole years on the date of placement."
            ),
            "cp_category": table_context(cp, cp_lines),
            "cp_snapshot": simple_table(
                f"Children subject of a child protection plan on {end}",
                ["Child protection plans", end],
                [
                    ("Children", [number(figures.cp_children)]),
                    ("Families", [number(figures.cp_families)]),
                ],
                [snapshot_line],
            ),
            "reviews": table_context(reviews, review_lines),
            "conferences": table_context(conf, conf_lines),
            "disputes": simple_table(
                "Alerts of concern by highest stage reached",
                ["Alerts of concern", *one_year],
                dispute_rows,
                [dispute_line],
            ),
            "staffing": simple_table(
                "IRO service staff (full-time equivalent) and caseload",
                ["Staff", *one_year],
                staff_rows,
                [staff_line],
            ),
            "other_work": simple_table(
                "Figures reported by the service",
                ["Measure", *one_year],
                other_rows,
            ),
        },
        "charts": {
            "looked_after": Chart(
                charts.totals_by_year(
                    legal, "Children looked after on 31 March", year_labels(legal)
                )
            ),
            "legal_status": Chart(
                charts.rows_by_year(
                    legal, "Children looked after by legal status", year_labels(legal)
                )
            ),
            "cp_category": Chart(
                charts.rows_by_year(
                    cp, "New child protection plans by category of abuse", year_labels(cp)
                )
            ),
        },
        "priorities": [text(x) for x in figures.priorities],
        "recommendations": [text(x) for x in figures.recommendations],
    }


def _largest_rows(table: YearTable) -> tuple[list[str], float]:
    """The rows holding the year's largest figure (all of them, when tied) and that figure:
    naming one of two equal rows "the largest" would contradict the table."""
    most = max(table.current(row) for row in table.rows)
    return [row for row in table.rows if table.current(row) == most], most


def _and(words: list[str]) -> str:
    """``A``, ``A and B``, ``A, B and C``."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _largest_changes(table: YearTable) -> list[str]:
    """The two rows that changed most against the year before, as a sentence."""
    if len(table.years) < 2:
        return []
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
    parts = [
        f"{row} {'up' if diff > 0 else 'down'} {number(abs(diff))} to {number(table.current(row))}"
        for _, row, diff in changes[:2]
    ]
    if not parts:
        return [f"The numbers were unchanged since {column_label(table, then)}."]
    return [f"The largest changes since {column_label(table, then)}: " + "; ".join(parts) + "."]


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
    """Warnings for meetings whose 'held within timescale' rests on an assumption."""
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
    return found


def _guess(rows: SheetRows[Any], number: int, why: str, field_name: str, expected: str) -> Problem:
    return rows.problem("assumed-timescale", why, field_name, number, expected=expected)


def review_context(
    meeting: ReviewMeeting,
    attendees: list[ReviewAttendee],
    decisions: list[ReviewDecision],
    policy: ReviewPolicy,
) -> dict[str, Any]:
    """The review record template's context."""
    number_ = review_ordinal(meeting, policy)
    due = meeting.due_date or timescales.review_due(
        number_,
        became_looked_after=meeting.became_looked_after,
        previous_review=meeting.previous_review_date,
        policy=policy,
    )
    next_due = meeting.next_review_date or timescales.next_review_due(
        number_, meeting.review_date, policy
    )
    status = codes.LEGAL_STATUS
    return {
        "review": {
            "id": text(meeting.review_id),
            "number": str(number_),
            "date": long_date(meeting.review_date),
            "due_date": long_date(due),
            "within_timescale": timeliness(meeting.review_date, due),
            "venue": text(meeting.venue),
            "previous_review_date": long_date(meeting.previous_review_date),
            "next_review_date": long_date(next_due),
        },
        "child": {
            "id": text(meeting.child_id),
            "name": text(meeting.child_name),
            "dob": long_date(meeting.dob),
            "age": str(age_on(meeting.dob, meeting.review_date)),
            "legal_status": (
                f"{status.label(meeting.legal_status)} ({meeting.legal_status})"
                if meeting.legal_status
                else ""
            ),
            "placement": text(meeting.placement),
            "became_looked_after": long_date(meeting.became_looked_after),
        },
        "iro": text(meeting.iro),
        "social_worker": text(meeting.social_worker),
        "care_plan": text(meeting.care_plan),
        "childs_views": text(meeting.childs_views),
        "parents_views": text(meeting.parents_views),
        "health": text(meeting.health),
        "education": text(meeting.education),
        "contact": text(meeting.contact),
        "participation": (
            f"{meeting.participation}: {codes.PARTICIPATION.label(meeting.participation)}"
            if meeting.participation
            else ""
        ),
        "iro_comments": text(meeting.iro_comments),
        "attendees": [
            {"name": text(a.name), "role": text(a.role), "attendance": a.attendance}
            for a in attendees
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


def alert_context(alert: Alert, steps: list[AlertStep], response_days: int) -> dict[str, Any]:
    """The alert of concern template's context."""
    due = alert.response_due or timescales.alert_response_due(alert.date_raised, response_days)
    status = f"Resolved on {long_date(alert.date_resolved)}" if alert.date_resolved else "Open"
    return {
        "alert": {
            "id": text(alert.alert_id),
            "date_raised": long_date(alert.date_raised),
            "stage": str(alert.stage),
            "stage_label": stage_label(alert.stage),
            "addressed_to": codes.STAGES[alert.stage],
            "category": text(alert.category),
            "concern": text(alert.concern),
            "action_required": text(alert.action_required),
            "response_due": long_date(due),
            "response": text(alert.response),
            "date_resolved": long_date(alert.date_resolved),
            "outcome": text(alert.outcome),
            "status": status,
        },
        "child": {
            "id": text(alert.child_id),
            "name": text(alert.child_name),
            "dob": long_date(alert.dob),
        },
        "iro": text(alert.iro),
        "social_worker": text(alert.social_worker),
        "team_manager": text(alert.team_manager),
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


def conference_context(
    conf: Conference, children: list[ConferenceChild], attendees: list[ConferenceAttendee]
) -> dict[str, Any]:
    """The CP conference report template's context.

    A review conference reviews a child protection plan (Working Together 2013), so
    when every child's Plan is N (none made, or every plan ended) no next review is
    dated; a blank Plan is not taken for a no.
    """
    due = conference_due(conf)
    no_plan = bool(children) and all(c.plan is False for c in children)
    next_review = conf.next_review_date or (
        None
        if no_plan
        else timescales.next_conference_due(
            conf.conference_type,  # type: ignore[arg-type]
            conf.conference_date,
        )
    )
    initial = conf.conference_type == "Initial"
    return {
        "conference": {
            "id": text(conf.conference_id),
            "type": conf.conference_type,
            "title": f"{conf.conference_type} Child Protection Conference",
            "date": long_date(conf.conference_date),
            "due_date": long_date(due),
            "within_timescale": timeliness(conf.conference_date, due),
            "chair": text(conf.chair),
            "venue": text(conf.venue),
            "strategy_discussion_date": long_date(conf.strategy_discussion_date),
            "previous_conference_date": long_date(conf.previous_conference_date),
            "next_review_date": long_date(next_review),
            "first_core_group_date": (
                long_date(timescales.first_core_group_due(conf.conference_date))
                if initial and any(c.plan for c in children)
                else ""
            ),
        },
        "children": [
            {
                "id": text(c.child_id),
                "name": text(c.child_name),
                "dob": long_date(c.dob),
                # A pre-birth conference is real; its child has no age yet.
                "age": "Unborn"
                if c.dob > conf.conference_date
                else str(age_on(c.dob, conf.conference_date)),
                "category": codes.CATEGORY_OF_ABUSE.label(c.category) if c.category else "",
                "plan": yes_no(c.plan),
            }
            for c in children
        ],
        "attendees": [
            {
                "name": text(a.name),
                "agency": text(a.agency),
                "attendance": a.attendance,
                "report_submitted": yes_no(a.report_submitted),
            }
            for a in attendees
        ],
        "worried": text(conf.worried),
        "working_well": text(conf.working_well),
        "needs_to_happen": text(conf.needs_to_happen),
        "decision": text(conf.decision),
    }
