"""The annual report's figures, computed from case-level rows as pure functions.

Every table is year-on-year: the reporting year's column is computed here, the
earlier columns come from the History sheet exactly as they were published.
Short-breaks children (legal status V3/V4) are left out of every count, as in the
DfE's own tables, and shown only in brackets in the age table. A meeting held
after its due date counts as out of time even when a manager approved the delay;
the approval is reported beside it.

Nothing here formats for display: that is ``context.py``'s job.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from docgen import codes, timescales
from docgen.errors import Problem
from docgen.models import (
    Adoption,
    Child,
    Conference,
    CPConference,
    CPPlan,
    Dispute,
    Figure,
    HistoryEntry,
    NarrativeSection,
    Priority,
    ReportSetting,
    Review,
    StaffMember,
)
from docgen.timescales import ReviewPolicy
from docgen.validate import SheetRows, Tables
from docgen.workbook import normalise

AGE_BANDS: tuple[tuple[str, int, int], ...] = (
    ("0-1", 0, 0),
    ("1-4", 1, 4),
    ("5-9", 5, 9),
    ("10-15", 10, 15),
    ("16-18", 16, 99),
)
ADOPTION_BANDS: tuple[tuple[str, int, int], ...] = (
    ("Under 1", 0, 0),
    ("1-2", 1, 2),
    ("3-5", 3, 4),
    ("5-10", 5, 10),
    ("11 and over", 11, 99),
)
LEGAL_ROWS = tuple(c for c in codes.LEGAL_STATUS.categories if c != codes.SHORT_BREAKS)
ETHNIC_ROWS = ("White", "Mixed", "Asian", "Black", "Other", "N/A")
CATEGORY_ROWS = codes.CATEGORY_OF_ABUSE.categories
REVIEW_ROWS = ("Reviews held", "Out of time", "% on time", "% out of time")
CONFERENCE_ROWS = (
    "Initial conferences",
    "Review conferences",
    "Total held",
    "Held out of time",
    "Held in time",
)
CASELOAD_GUIDELINE = (50, 70)
#: Report settings naming the reporting year, for a workbook whose file name does not.
YEAR_SETTINGS = ("Year", "Reporting Year")
REPORT_SETTINGS = ("Council", "Service", "Author", "Author Role", *YEAR_SETTINGS)

ColumnStyle = Literal["march", "year", "period"]


@dataclass(frozen=True)
class Period:
    """A reporting year: 1 April of ``year - 1`` to 31 March of ``year``.

    Its ends are made once: a national report asks for them 1.5 million times.
    """

    year: int
    start: date = field(init=False)
    end: date = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "start", date(self.year - 1, 4, 1))
        object.__setattr__(self, "end", date(self.year, 3, 31))

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class Value:
    """One figure: a number, the short-breaks count shown in brackets, or published text.

    ``number`` is None where nothing was published. ``published`` holds an earlier
    year's figure verbatim (``265 (267)``) so the report prints what was printed.
    """

    number: float | None
    bracket: int | None = None
    published: str | None = None
    percent: bool = False


@dataclass
class YearTable:
    """A table of rows by year columns, the last column being the reporting year."""

    key: str
    title: str
    row_header: str
    rows: tuple[str, ...]
    years: list[int]
    values: dict[tuple[str, int], Value]
    column_style: ColumnStyle
    total_label: str | None = "Total"
    totals: dict[int, Value] = field(default_factory=dict)

    def value(self, row: str, year: int) -> Value:
        return self.values.get((row, year), Value(None))

    def current(self, row: str) -> float:
        return self.value(row, self.years[-1]).number or 0


@dataclass(frozen=True)
class LateMeeting:
    """A review or conference held after its due date."""

    kind: str
    held: date
    due: date
    days_late: int
    approved_by: str | None


@dataclass
class AnnualFigures:
    """Everything the annual report prints, computed."""

    period: Period
    settings: dict[str, str]
    tables: dict[str, YearTable]
    looked_after: int
    looked_after_short_breaks: int
    cp_children: int
    cp_families: int
    late_reviews: list[LateMeeting]
    late_conferences: list[LateMeeting]
    disputes: dict[str, int]
    staff_fte: dict[str, float]
    caseload_per_iro: float | None
    figures: dict[str, float]
    narrative: list[tuple[str, list[str]]]
    priorities: list[str]
    recommendations: list[str]
    chne_group: str = "Other"
    warnings: list[Problem] = field(default_factory=list)


class FiguresError(Exception):
    """Rows that validate one by one but whose figures cannot be computed."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


def age_on(born: date, day: date) -> int:
    """Age in whole years on ``day`` (a 29 February birthday turns over on 1 March)."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def band_of(age: int, bands: Sequence[tuple[str, int, int]]) -> str:
    return next(label for label, low, high in bands if low <= age <= high)


def looked_after_on(child: Child, day: date) -> bool:
    """Looked after on ``day``: started on or before it and not ceased by it."""
    return child.became_looked_after <= day and (
        child.date_ceased is None or child.date_ceased > day
    )


def compute(
    tables: Tables,
    year: int,
    *,
    policy: ReviewPolicy = "seed",
    chne_group: str = "Other",
) -> AnnualFigures:
    """Compute every figure of the annual report for the year ending 31 March ``year``.

    Raises :class:`FiguresError` when rows that are each valid cannot give a figure
    (a review whose due date cannot be worked out).
    """
    period = Period(year)
    children = list(tables[Child])
    counted = [c for c in children if not c.is_short_breaks]
    at_end = [c for c in counted if looked_after_on(c, period.end)]
    short_breaks_at_end = [
        c for c in children if c.is_short_breaks and looked_after_on(c, period.end)
    ]
    history = _history(tables[HistoryEntry], year)

    out: dict[str, YearTable] = {}
    out["looked_after_age"] = _age_table(at_end, short_breaks_at_end, period, history)
    out["legal_status"] = _year_table(
        "legal_status",
        "Children looked after by legal status",
        "Legal status",
        LEGAL_ROWS,
        Counter(codes.LEGAL_STATUS.category(c.legal_status) for c in at_end),
        year,
        history.get("legal status", {}),
        "year",
    )
    out["ethnicity"] = _year_table(
        "ethnicity",
        "Children looked after by ethnicity",
        "Ethnicity",
        ETHNIC_ROWS,
        Counter(codes.ethnic_group(c.ethnicity, chne_group) for c in at_end),
        year,
        history.get("ethnicity", {}),
        "year",
    )
    placed = [a for a in tables[Adoption] if a.date_placed in period]
    adoption_rows = _used_bands(ADOPTION_BANDS, placed, history.get("adoptions", {}))
    out["adoptions"] = _year_table(
        "adoptions",
        "Children placed for adoption by age at placement",
        "Age",
        adoption_rows,
        Counter(band_of(age_on(a.dob, a.date_placed), ADOPTION_BANDS) for a in placed),
        year,
        history.get("adoptions", {}),
        "period",
    )
    new_plans = _new_plans(tables[CPPlan], period)
    out["cp_category"] = _year_table(
        "cp_category",
        "Children who became subject of a child protection plan, by category",
        "Category of abuse",
        CATEGORY_ROWS,
        Counter(codes.CATEGORY_OF_ABUSE.category(p.category) for p in new_plans),
        year,
        history.get("category of abuse", {}),
        "period",
        total_label="Total number of children",
    )
    on_plan = [
        p
        for p in tables[CPPlan]
        if p.plan_start <= period.end and (p.plan_end is None or p.plan_end > period.end)
    ]
    cp_children = len({p.child_id.casefold() for p in on_plan})
    cp_families = len({p.family_id.casefold() for p in on_plan})

    review_dues, problems = review_due_dates(tables[Review], tables[Child], period, policy)
    if problems:
        raise FiguresError(problems)
    held = [(r, due) for r, due in review_dues if r.review_date in period]
    late_reviews = [
        LateMeeting("review", r.review_date, due, timescales.days_late(r.review_date, due), None)
        for r, due in held
        if not timescales.on_time(r.review_date, due)
    ]
    out["reviews"] = _rate_table(
        "reviews",
        "Looked after reviews held within timescale",
        REVIEW_ROWS,
        len(held),
        len(late_reviews),
        year,
        history.get("reviews", {}),
    )

    conferences = [c for c in tables[CPConference] if c.conference_date in period]
    late_conferences = []
    for conf in conferences:
        due = conference_due(conf)
        if not timescales.on_time(conf.conference_date, due):
            late_conferences.append(
                LateMeeting(
                    f"{conf.conference_type.lower()} conference",
                    conf.conference_date,
                    due,
                    timescales.days_late(conf.conference_date, due),
                    conf.out_of_time_approved_by,
                )
            )
    late_conferences.sort(key=lambda m: (m.held, m.due))  # told in the order held, as reviews
    by_type = Counter(c.conference_type for c in conferences)
    out["conferences"] = _year_table(
        "conferences",
        "Child protection conferences held",
        "Conferences",
        CONFERENCE_ROWS,
        {
            "Initial conferences": by_type["Initial"],
            "Review conferences": by_type["Review"],
            "Total held": len(conferences),
            "Held out of time": len(late_conferences),
            "Held in time": len(conferences) - len(late_conferences),
        },
        year,
        history.get("conferences", {}),
        "period",
        total_label=None,
    )

    disputes = [d for d in tables[Dispute] if d.date_raised in period]
    # A report is written after the year ends: an alert resolved since 31 March was
    # still open on it.
    escalated = sum(d.reached_cafcass for d in disputes)
    resolved_internally = sum(
        not d.reached_cafcass and d.date_resolved is not None and d.date_resolved <= period.end
        for d in disputes
    )
    dispute_counts = {
        "raised": len(disputes),
        **{f"stage_{n}": sum(d.highest_stage == n for d in disputes) for n in codes.STAGES},
        "resolved_internally": resolved_internally,
        "escalated_to_cafcass": escalated,
        "open": len(disputes) - escalated - resolved_internally,
    }
    fte: dict[str, float] = defaultdict(float)
    for member in tables[StaffMember]:
        fte[member.role] += member.fte
    iro_fte = fte.get("IRO", 0.0)

    return AnnualFigures(
        period=period,
        settings={normalise(s.setting): s.value for s in tables[ReportSetting]},
        tables=out,
        looked_after=len(at_end),
        looked_after_short_breaks=len(short_breaks_at_end),
        cp_children=cp_children,
        cp_families=cp_families,
        late_reviews=late_reviews,
        late_conferences=late_conferences,
        disputes=dispute_counts,
        staff_fte={role: round(fte.get(role, 0.0), 2) for role in codes.STAFF_ROLE.codes},
        caseload_per_iro=round(len(at_end) / iro_fte, 1) if iro_fte else None,
        figures={f.measure: f.value for f in tables[Figure]},
        narrative=[(n.section, _paragraphs(n.text)) for n in tables[NarrativeSection]],
        priorities=[p.text for p in tables[Priority] if (p.kind or "Priority") == "Priority"],
        recommendations=[p.text for p in tables[Priority] if p.kind == "Recommendation"],
        chne_group=chne_group,
        warnings=_unused_history(tables[HistoryEntry], out, year)
        + _adults_in_care(tables[Child], period)
        + _setting_warnings(tables[ReportSetting])
        + _assumed_previous_reviews(tables[CPConference], period)
        + _escalation_warnings(tables[Dispute], period)
        + _reviews_outside_care(tables[Review], tables[Child], period),
    )


def review_due_dates(
    reviews: SheetRows[Review], children: SheetRows[Child], period: Period, policy: ReviewPolicy
) -> tuple[list[tuple[Review, date]], list[Problem]]:
    """Each review with its due date: the one given, or one computed from the chain.

    A child's reviews on the sheet are taken in date order (earlier years' reviews
    may be listed to anchor the chain; only the year's are counted). A review with
    no earlier one on the sheet is the child's first review when its window (28
    days, or 20 working days, from becoming looked after) closes inside or after
    the year, or when it was held within that window; the review after it is then
    the second. Otherwise the first review fell before the year and the previous
    review is unknown, so the row needs a Due Date.

    Short-breaks children's reviews are left out, as the children are from every count.

    The Children row holds the child's latest period of care, so the chain starts
    at its Date Became Looked After. A year's review before that date belongs to an
    earlier period whose start the workbook does not give: it needs a Due Date.
    """
    by_id = {c.child_id.casefold(): c for c in children}
    chains: dict[str, list[tuple[int, Review]]] = defaultdict(list)
    for number, review in reviews.located():
        chains[review.child_id.casefold()].append((number, review))
    result: list[tuple[Review, date]] = []
    problems: list[Problem] = []
    for child_key, rows in chains.items():
        child = by_id.get(child_key)
        if child is None or child.is_short_breaks:
            continue  # an unknown parent is reported by validation; short breaks are not counted
        rows.sort(key=lambda item: item[1].review_date)
        began = child.became_looked_after
        for number, review in rows:
            if review.review_date >= began:
                continue
            if review.due_date is not None:
                result.append((review, review.due_date))
            elif review.review_date in period:
                why = (
                    f"the review is before the child became looked after on {began:%d/%m/%Y} "
                    "(Children), in an earlier period of care whose start is not on the workbook"
                )
                expected = (
                    "the review's due date; or, if the child has been looked after since "
                    "before it, the date this period of care began as Date Became Looked After "
                    "on Children (not the start of a later placement or legal status)"
                )
                problems.append(_unknown_due(reviews, number, why, expected))
        chain = [(number, review) for number, review in rows if review.review_date >= began]
        if not chain:
            continue
        first_due = timescales.first_review_due(began, policy)
        # The earliest row is the first review when its window closes in or after the
        # year, or when it was held within that window (only the first review can be).
        first_in_chain = first_due >= period.start or chain[0][1].review_date <= first_due
        previous: date | None = None
        for position, (number, review) in enumerate(chain):
            is_first = position == 0 and first_in_chain
            if review.due_date is not None:
                due = review.due_date
            elif is_first:
                due = first_due
            elif previous is not None:
                ordinal = 2 if (position == 1 and first_in_chain) else 3
                due = timescales.review_due(
                    ordinal, became_looked_after=began, previous_review=previous, policy=policy
                )
            elif review.review_date not in period:
                # An earlier year's review listed only to anchor the chain, or one after the
                # year: not counted, so its own due date is not needed.
                previous = review.review_date
                continue
            else:
                why = (
                    f"the child became looked after on {began:%d/%m/%Y}, so their first "
                    "review was due before the year, and their previous review is not on the "
                    "sheet"
                )
                expected = "the review's due date, or a row for the previous review"
                problems.append(_unknown_due(reviews, number, why, expected))
                previous = review.review_date
                continue
            result.append((review, due))
            previous = review.review_date
    result.sort(key=lambda item: (item[0].review_date, item[0].child_id))
    return result, problems


def _unknown_due(reviews: SheetRows[Review], number: int, why: str, expected: str) -> Problem:
    return reviews.problem(
        "due-date-unknown",
        f"Due Date is blank and cannot be computed: {why}",
        "due_date",
        number,
        column="Due Date",
        expected=expected,
    )


def _reviews_outside_care(
    reviews: SheetRows[Review], children: SheetRows[Child], period: Period
) -> list[Problem]:
    """Warn on a year's review before the child became looked after, after care ended,
    or listed twice. Not errors: a child who left care and came back has one row on
    Children (the latest period of care) but reviews from both; each is still counted
    (one from the earlier period with its Due Date, see :func:`review_due_dates`)."""
    by_id = {c.child_id.casefold(): c for c in children}
    problems = []
    first_row: dict[tuple[str, date], int] = {}
    for number, review in reviews.located():
        child = by_id.get(review.child_id.casefold())
        held = review.review_date
        if child is None or held not in period:
            continue
        if held < child.became_looked_after:
            why = "is before the child became looked after"
            expected = f"a date on or after {child.became_looked_after:%d/%m/%Y} (Children)"
        elif child.date_ceased and held > child.date_ceased:
            why = "is after the child ceased to be looked after"
            expected = f"a date on or before {child.date_ceased:%d/%m/%Y} (Children)"
        elif (earlier := first_row.setdefault((child.child_id, held), number)) != number:
            why, expected = f"repeats the review in row {earlier}", "each review listed once"
        else:
            continue
        problems.append(
            reviews.problem(
                "doubtful-row",
                f"Review Date {held:%d/%m/%Y} of child {review.child_id!r} {why}; it is counted",
                "review_date",
                number,
                column="Review Date",
                value=held,
                expected=expected,
            )
        )
    return problems


def follows_an_unknown_conference(conf: CPConference | Conference) -> bool:
    """A review conference whose due date rests on an assumption that matters.

    With no Due Date and no Previous Conference Type, the previous conference is
    taken to be a review (6 months). Had it been the initial (3 months), a
    conference held more than 3 months after it would be out of time.
    """
    return (
        conf.conference_type == "Review"
        and conf.due_date is None
        and conf.previous_conference_type is None
        and conf.previous_conference_date is not None
        and conf.conference_date
        > timescales.review_conference_due(conf.previous_conference_date, True)
    )


def _assumed_previous_reviews(
    conferences: SheetRows[CPConference], period: Period
) -> list[Problem]:
    """One warning for the year's conferences judged on the 6-month assumption."""
    assumed = [
        number
        for number, conf in conferences.located()
        if conf.conference_date in period and follows_an_unknown_conference(conf)
    ]
    if not assumed:
        return []
    return [
        conferences.problem(
            "assumed-previous-review",
            f"{len(assumed)} review conference(s) held more than 3 months after the previous "
            "conference have no Previous Conference Type or Due Date; each was taken to follow "
            "a review (due within 6 months). If one followed the initial conference it was due "
            "within 3 months and is out of time",
            "previous_conference_date",
            assumed[0],
            expected="Previous Conference Type (Initial or Review), or the Due Date",
        )
    ]


def conference_due(conf: CPConference | Conference) -> date:
    """A conference's due date: the one given, or Working Together 2013's rule."""
    if conf.due_date is not None:
        return conf.due_date
    if conf.conference_type == "Initial":
        assert conf.strategy_discussion_date is not None  # guaranteed by CPConference.problems
        return timescales.initial_conference_due(conf.strategy_discussion_date)
    assert conf.previous_conference_date is not None
    return timescales.review_conference_due(
        conf.previous_conference_date, conf.previous_conference_type == "Initial"
    )


# --------------------------------------------------------------------------- helpers

_PUBLISHED = re.compile(r"^([\d,]+(?:\.\d+)?)%?(?: ?\(([\d,]+)\))?$")
_HISTORY_KEYS = {normalise(t): t.lower() for t in codes.HISTORY_TABLES}


def _history(
    entries: SheetRows[HistoryEntry], year: int
) -> dict[str, dict[tuple[str, int], Value]]:
    """History rows of earlier years, by table then (normalised row, year)."""
    found: dict[str, dict[tuple[str, int], Value]] = defaultdict(dict)
    for entry in entries:
        if entry.year >= year:
            continue
        match = _PUBLISHED.match(entry.value)
        number = float(match.group(1).replace(",", "")) if match else None
        bracket = int(match.group(2).replace(",", "")) if match and match.group(2) else None
        found[entry.table.lower()][(normalise(entry.row), entry.year)] = Value(
            number, bracket, entry.value, percent=entry.value.endswith("%")
        )
    return found


def _unused_history(
    entries: SheetRows[HistoryEntry], tables: dict[str, YearTable], year: int
) -> list[Problem]:
    """A History row whose label is no row of its table would vanish silently: warn."""
    known = {
        "age": "looked_after_age",
        "legal status": "legal_status",
        "ethnicity": "ethnicity",
        "adoptions": "adoptions",
        "category of abuse": "cp_category",
        "reviews": "reviews",
        "conferences": "conferences",
    }
    problems = []
    for number, entry in entries.located():
        table = tables[known[entry.table.lower()]]
        labels = {normalise(r) for r in table.rows}
        if table.total_label:
            labels |= {normalise(table.total_label), "total"}
        if normalise(entry.row) not in labels or entry.year >= year:
            why = (
                f"is not a row of the {entry.table} table (rows: {', '.join(table.rows)})"
                if entry.year < year
                else f"is for {entry.year}, not an earlier year"
            )
            problems.append(
                entries.problem(
                    "unused-history",
                    f"Row {entry.row!r} {why}; it is not printed",
                    "row",
                    number,
                    value=entry.row,
                )
            )
    return problems


def _adults_in_care(children: SheetRows[Child], period: Period) -> list[Problem]:
    """A child of 18 or over still looked after on 31 March is most likely a missing Date
    Ceased: care ends on the 18th birthday."""
    return [
        children.problem(
            "adult-looked-after",
            f"Child {child.child_id!r} is {age_on(child.dob, period.end)} on "
            f"{period.end:%d/%m/%Y} but has no Date Ceased before it; counted in the 16-18 band",
            "date_ceased",
            number,
        )
        for number, child in children.located()
        if looked_after_on(child, period.end) and age_on(child.dob, period.end) >= 18
    ]


def _escalation_warnings(disputes: SheetRows[Dispute], period: Period) -> list[Problem]:
    """A flag that contradicts the stage is counted by the stage (4 is CAFCASS): warn,
    so the service can put the row right without the report being held up."""
    return [
        disputes.problem(
            "doubtful-row",
            f"Escalated To CAFCASS {'Y' if d.escalated_to_cafcass else 'N'} contradicts "
            f"Highest Stage {d.highest_stage} (stage 4 is CAFCASS); counted as "
            + ("escalated" if d.reached_cafcass else "not escalated"),
            "escalated_to_cafcass",
            number,
            expected="Y with Highest Stage 4, N with stages 1-3",
        )
        for number, d in disputes.located()
        if d.date_raised in period and d.flag_contradicts_stage
    ]


def _setting_warnings(settings: SheetRows[ReportSetting]) -> list[Problem]:
    """A misspelt setting would leave the title page blank without a word: warn."""
    known = {normalise(name) for name in REPORT_SETTINGS}
    problems = [
        settings.problem(
            "unknown-setting",
            f"Setting {s.setting!r} is not one the report prints; it is ignored",
            "setting",
            number,
            value=s.setting,
            expected=f"one of {', '.join(REPORT_SETTINGS)}",
        )
        for number, s in settings.located()
        if normalise(s.setting) not in known
    ]
    if not any(normalise(s.setting) == "council" for s in settings):
        problems.append(
            Problem(
                "missing-setting",
                "No Council setting: the title page names no council",
                sheet=settings.sheet_name,
                expected="a row with Setting 'Council' and the council's name as its Value",
            )
        )
    return problems


def _years(history: dict[tuple[str, int], Value], year: int) -> list[int]:
    return sorted({y for _, y in history} | {year})


def _year_table(
    key: str,
    title: str,
    row_header: str,
    rows: Sequence[str],
    current: dict[str, int],
    year: int,
    history: dict[tuple[str, int], Value],
    style: ColumnStyle,
    total_label: str | None = "Total",
) -> YearTable:
    years = _years(history, year)
    values: dict[tuple[str, int], Value] = {}
    for row in rows:
        for y in years[:-1]:
            if (normalise(row), y) in history:
                values[(row, y)] = history[(normalise(row), y)]
        values[(row, year)] = Value(current.get(row, 0))
    table = YearTable(key, title, row_header, tuple(rows), years, values, style, total_label)
    if total_label:
        table.totals = {
            y: _total(
                table, y, history.get((normalise(total_label), y)) or history.get(("total", y))
            )
            for y in years
        }
    return table


def _total(table: YearTable, year: int, published: Value | None) -> Value:
    """A column's total: as published when History gives one, else the sum of its rows.

    Brackets follow the published report: a row brackets its short-breaks children
    ("89 (1)"), the total brackets the count *including* them ("265 (267)").
    """
    if published is not None:
        return published
    cells = [table.value(r, year) for r in table.rows]
    numbers = [c.number for c in cells if c.number is not None]
    brackets = sum(c.bracket for c in cells if c.bracket)
    if not numbers:
        return Value(None)
    return Value(sum(numbers), sum(numbers) + brackets if brackets else None)


def _age_table(
    at_end: list[Child],
    short_breaks: list[Child],
    period: Period,
    history: dict[str, dict[tuple[str, int], Value]],
) -> YearTable:
    rows = tuple(label for label, _, _ in AGE_BANDS)
    counts = Counter(band_of(age_on(c.dob, period.end), AGE_BANDS) for c in at_end)
    table = _year_table(
        "looked_after_age",
        "Children looked after by age",
        "Age",
        rows,
        counts,
        period.year,
        history.get("age", {}),
        "march",
    )
    brackets = Counter(band_of(age_on(c.dob, period.end), AGE_BANDS) for c in short_breaks)
    for row in rows:
        if brackets[row]:
            table.values[(row, period.year)] = Value(counts[row], brackets[row])
    table.totals[period.year] = _total(table, period.year, None)
    return table


def _rate_table(
    key: str,
    title: str,
    rows: Sequence[str],
    held: int,
    late: int,
    year: int,
    history: dict[tuple[str, int], Value],
) -> YearTable:
    """Held / out of time / % on time / % out of time; earlier % derived where published."""
    current = {rows[0]: held, rows[1]: late}
    table = _year_table(key, title, "Reviews", rows, current, year, history, "period", None)
    on_time = 100 * (held - late) / held if held else None
    table.values[(rows[2], year)] = Value(_round_percent(on_time), percent=True)
    table.values[(rows[3], year)] = Value(
        None if on_time is None else _round_percent(100 - on_time), percent=True
    )
    for y in table.years[:-1]:
        published = table.values.get((rows[2], y))
        if published and published.number is not None and (rows[3], y) not in table.values:
            table.values[(rows[3], y)] = Value(_round_percent(100 - published.number), percent=True)
        for row in rows[2:]:
            if (row, y) in table.values:
                table.values[(row, y)] = Value(table.values[(row, y)].number, percent=True)
    return table


def _round_percent(x: float | None) -> float | None:
    """One decimal place, half away from zero (99.45 -> 99.5), as a reader would round."""
    if x is None:
        return None
    return int(x * 10 + 0.5) / 10


def _used_bands(
    bands: Sequence[tuple[str, int, int]],
    placed: Iterable[Adoption],
    published: Iterable[tuple[str, int]] = (),
) -> tuple[str, ...]:
    """The contract's four bands, plus '11 and over' when a child that old was placed,
    this year or in a year History gives (its published row must not vanish)."""
    oldest = next(label for label, low, _ in bands if low >= 11)
    older = any(age_on(a.dob, a.date_placed) >= 11 for a in placed) or any(
        row == normalise(oldest) for row, _year in published
    )
    return tuple(label for label, low, _ in bands if low < 11 or older)


def _new_plans(plans: SheetRows[CPPlan], period: Period) -> list[CPPlan]:
    """One plan per child who became subject of a plan in the year: the latest started."""
    latest: dict[str, CPPlan] = {}
    for plan in plans:
        if plan.plan_start not in period:
            continue
        key = plan.child_id.casefold()
        if key not in latest or plan.plan_start > latest[key].plan_start:
            latest[key] = plan
    return list(latest.values())


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
