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

import difflib
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

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
    "Initial out of time",
    "Review conferences",
    "Review out of time",
    "Total held",
    "Held out of time",
    "Held in time",
)
NOT_RECORDED = "Not recorded"
PARTICIPATION_ROWS = (
    *(f"{code} {label}" for code, label, _ in codes.PARTICIPATION.entries),
    NOT_RECORDED,
)
#: Reason Ceased (REC) codes by the report's row, as the contract groups them.
CEASED_GROUPS: tuple[tuple[str, frozenset[str]], ...] = (
    ("Returned home", frozenset({"E4A", "E4B"})),
    ("Adopted", frozenset({"E11", "E12"})),
    ("Special guardianship order", frozenset({"E43", "E44", "E45", "E46", "E47", "E48"})),
    ("Child arrangements order", frozenset({"E41"})),
    ("Independent living", frozenset({"E5", "E6"})),
    ("Transferred to adult social care", frozenset({"E7"})),
)
CEASED_ROWS = (*(group for group, _ in CEASED_GROUPS), "Other", NOT_RECORDED)
CASELOAD_ROWS = (
    "IRO posts (full-time equivalent)",
    "Looked after children",
    "Children on child protection plans",
    "Looked after children per full-time IRO",
    "All children per full-time IRO",
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
    #: The reporting year's % of each row, where the table prints one (participation).
    share: dict[str, float | None] | None = None

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


@dataclass(frozen=True)
class IroCaseload:
    """One IRO's children on 31 March: looked after, and on child protection plans."""

    name: str
    fte: float
    looked_after: int
    on_plans: int


@dataclass(frozen=True)
class Named:
    """A figure prose may cite as ``[[name]]``: its number and how its table shows it."""

    number: float | None
    kind: Literal["number", "percent", "fte"] = "number"


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
    caseloads: list[IroCaseload] = field(default_factory=list)
    #: Every figure prose may cite, by its name (see :func:`named_figures`).
    named: dict[str, Named] = field(default_factory=dict)
    #: CP plans and conferences came from the CIN census, which holds no family.
    counted_per_child: bool = False


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


@dataclass
class Cases:
    """The year's rows, sorted once into the groups the tables count."""

    period: Period
    chne_group: str
    at_end: list[Child]
    short_breaks_at_end: list[Child]
    ceased: list[Child]
    placed: list[Adoption]
    new_plans: list[CPPlan]
    on_plan: list[CPPlan]
    held_reviews: list[tuple[Review, date]]
    late_reviews: list[LateMeeting]
    conferences: list[CPConference]
    late_conferences: list[tuple[CPConference, LateMeeting]]
    iro_fte: float
    history: dict[str, dict[tuple[str, int], Value]]


Counts = Mapping[str, float]


@dataclass(frozen=True)
class TableSpec:
    """One year-on-year table of the report, declared once.

    ``count`` gives the reporting year's column from the year's cases; earlier
    columns come from the History rows of ``history`` (the table's name there).
    ``compare`` tables are printed with earlier years in every published report, so
    History lacking one is worth a warning. ``finish`` adjusts the built table
    (short-breaks brackets, percentages). The template block ``sections.<key>``
    prints it; ``note`` is printed under it and ``source`` says where it comes from.
    """

    key: str
    title: str
    row_header: str
    history: str
    style: ColumnStyle
    rows: tuple[str, ...]
    count: Callable[[Cases], Counts]
    total_label: str | None = "Total"
    cite: str = ""
    used: Callable[[Cases, tuple[str, ...]], tuple[str, ...]] | None = None
    note: str = ""
    source: str = ""
    chart: str | None = None
    compare: bool = True
    finish: Callable[[YearTable, Cases], None] | None = None


def _age_counts(cases: Cases) -> Counts:
    return Counter(band_of(age_on(c.dob, cases.period.end), AGE_BANDS) for c in cases.at_end)


def _age_brackets(table: YearTable, cases: Cases) -> None:
    end = cases.period.end
    brackets = Counter(band_of(age_on(c.dob, end), AGE_BANDS) for c in cases.short_breaks_at_end)
    year = cases.period.year
    for row in table.rows:
        if brackets[row]:
            table.values[(row, year)] = Value(table.current(row), brackets[row])
    table.totals[year] = _total(table, year, None)


def _conference_counts(cases: Cases) -> Counts:
    by_type = Counter(c.conference_type for c in cases.conferences)
    late = Counter(c.conference_type for c, _ in cases.late_conferences)
    return {
        "Initial conferences": by_type["Initial"],
        "Initial out of time": late["Initial"],
        "Review conferences": by_type["Review"],
        "Review out of time": late["Review"],
        "Total held": len(cases.conferences),
        "Held out of time": len(cases.late_conferences),
        "Held in time": len(cases.conferences) - len(cases.late_conferences),
    }


def _review_counts(cases: Cases) -> Counts:
    return {REVIEW_ROWS[0]: len(cases.held_reviews), REVIEW_ROWS[1]: len(cases.late_reviews)}


def _participation_counts(cases: Cases) -> Counts:
    rows = PARTICIPATION_ROWS
    by_code = Counter(r.participation for r, _ in cases.held_reviews)
    counts = {row: by_code[row[:3]] for row in rows[:-1]}
    counts[NOT_RECORDED] = by_code[None]
    return counts


def _participation_shares(table: YearTable, cases: Cases) -> None:
    """The % of reviews with a code, for the reporting year (Not recorded has none)."""
    coded = sum(table.current(row) for row in table.rows if row != NOT_RECORDED)
    table.share = {
        row: (_round_percent(100 * table.current(row) / coded) if coded else None)
        for row in table.rows
        if row != NOT_RECORDED
    }


def _ceased_counts(cases: Cases) -> Counts:
    return Counter(ceased_group(c.reason_ceased) for c in cases.ceased)


def _caseload_counts(cases: Cases) -> Counts:
    looked_after, plans = len(cases.at_end), len({p.child_id.casefold() for p in cases.on_plan})
    fte = cases.iro_fte
    return {
        CASELOAD_ROWS[0]: round(fte, 2),
        CASELOAD_ROWS[1]: looked_after,
        CASELOAD_ROWS[2]: plans,
        CASELOAD_ROWS[3]: round(looked_after / fte, 1) if fte else 0,
        CASELOAD_ROWS[4]: round((looked_after + plans) / fte, 1) if fte else 0,
    }


def ceased_group(reason: str | None) -> str:
    """The report's row for a Reason Ceased (REC) code, as the contract groups them."""
    if reason is None or not reason.strip():
        return NOT_RECORDED
    return next((g for g, codes_ in CEASED_GROUPS if reason.strip().upper() in codes_), "Other")


def compute(
    tables: Tables,
    year: int,
    *,
    policy: ReviewPolicy = "seed",
    chne_group: str = "Other",
) -> AnnualFigures:
    """Compute every figure of the annual report for the year ending 31 March ``year``.

    Raises :class:`FiguresError` when rows that are each valid cannot give a figure
    (a review whose due date cannot be worked out) or when prose cites a figure
    the report does not have.
    """
    cases = _cases(tables, Period(year), policy, chne_group)
    out = {spec.key: build_table(spec, cases) for spec in TABLES}
    figures = _assemble(tables, cases, out)
    problems = citation_problems(tables, figures.named)
    if problems:
        raise FiguresError(problems)
    return figures


def build_table(spec: TableSpec, cases: Cases) -> YearTable:
    """A spec's table: this year counted, earlier years from History."""
    history = cases.history.get(spec.history.lower(), {})
    table = _year_table(
        spec.key,
        spec.title,
        spec.row_header,
        spec.used(cases, spec.rows) if spec.used else spec.rows,
        spec.count(cases),
        cases.period.year,
        history,
        spec.style,
        spec.total_label,
    )
    if spec.finish is not None:
        spec.finish(table, cases)
    return table


def _cases(tables: Tables, period: Period, policy: ReviewPolicy, chne_group: str) -> Cases:
    children = list(tables[Child])
    counted = [c for c in children if not c.is_short_breaks]
    review_dues, problems = review_due_dates(tables[Review], tables[Child], period, policy)
    if problems:
        raise FiguresError(problems)
    held = [(r, due) for r, due in review_dues if r.review_date in period]
    conferences = [c for c in tables[CPConference] if c.conference_date in period]
    fte = sum(m.fte for m in tables[StaffMember] if m.role == "IRO")
    return Cases(
        period=period,
        chne_group=chne_group,
        at_end=[c for c in counted if looked_after_on(c, period.end)],
        short_breaks_at_end=[
            c for c in children if c.is_short_breaks and looked_after_on(c, period.end)
        ],
        ceased=[c for c in counted if c.date_ceased is not None and c.date_ceased in period],
        placed=[a for a in tables[Adoption] if a.date_placed in period],
        new_plans=_new_plans(tables[CPPlan], period),
        on_plan=[p for p in tables[CPPlan] if _on_plan(p, period.end)],
        held_reviews=held,
        late_reviews=[
            LateMeeting(
                "review", r.review_date, due, timescales.days_late(r.review_date, due), None
            )
            for r, due in held
            if not timescales.on_time(r.review_date, due)
        ],
        conferences=conferences,
        late_conferences=_late_conferences(conferences),
        iro_fte=fte,
        history=_history(tables[HistoryEntry], period.year),
    )


def _on_plan(plan: CPPlan, day: date) -> bool:
    return plan.plan_start <= day and (plan.plan_end is None or plan.plan_end > day)


def _late_conferences(
    conferences: list[CPConference],
) -> list[tuple[CPConference, LateMeeting]]:
    """The conferences held after their due date, in the order held (as reviews)."""
    late = []
    for conf in conferences:
        due = conference_due(conf)
        if not timescales.on_time(conf.conference_date, due):
            meeting = LateMeeting(
                f"{conf.conference_type.lower()} conference",
                conf.conference_date,
                due,
                timescales.days_late(conf.conference_date, due),
                conf.out_of_time_approved_by,
            )
            late.append((conf, meeting))
    late.sort(key=lambda item: (item[1].held, item[1].due))
    return late


def _disputes(disputes: SheetRows[Dispute], period: Period) -> dict[str, int]:
    """Alerts of the year by highest stage; resolved, escalated and open on 31 March.

    A report is written after the year ends: an alert resolved since 31 March was
    still open on it.
    """
    year = [d for d in disputes if d.date_raised in period]
    escalated = sum(d.reached_cafcass for d in year)
    resolved = sum(
        not d.reached_cafcass and d.date_resolved is not None and d.date_resolved <= period.end
        for d in year
    )
    return {
        "raised": len(year),
        **{f"stage_{n}": sum(d.highest_stage == n for d in year) for n in codes.STAGES},
        "resolved_internally": resolved,
        "escalated_to_cafcass": escalated,
        "open": len(year) - escalated - resolved,
    }


def _assemble(tables: Tables, cases: Cases, out: dict[str, YearTable]) -> AnnualFigures:
    period = cases.period
    fte: dict[str, float] = defaultdict(float)
    for member in tables[StaffMember]:
        fte[member.role] += member.fte
    figures = AnnualFigures(
        period=period,
        settings={normalise(s.setting): s.value for s in tables[ReportSetting]},
        tables=out,
        looked_after=len(cases.at_end),
        looked_after_short_breaks=len(cases.short_breaks_at_end),
        cp_children=len({p.child_id.casefold() for p in cases.on_plan}),
        cp_families=len({p.family_id.casefold() for p in cases.on_plan}),
        late_reviews=cases.late_reviews,
        late_conferences=[meeting for _, meeting in cases.late_conferences],
        disputes=_disputes(tables[Dispute], period),
        staff_fte={role: round(fte.get(role, 0.0), 2) for role in codes.STAFF_ROLE.codes},
        caseload_per_iro=round(len(cases.at_end) / cases.iro_fte, 1) if cases.iro_fte else None,
        figures={f.measure: f.value for f in tables[Figure]},
        narrative=[(n.section, _paragraphs(n.text)) for n in tables[NarrativeSection]],
        priorities=[p.text for p in tables[Priority] if (p.kind or "Priority") == "Priority"],
        recommendations=[p.text for p in tables[Priority] if p.kind == "Recommendation"],
        chne_group=cases.chne_group,
        caseloads=_iro_caseloads(tables, cases),
        warnings=_unused_history(tables[HistoryEntry], out, period.year)
        + _missing_history(tables[HistoryEntry], period.year)
        + _adults_in_care(tables[Child], period)
        + _setting_warnings(tables[ReportSetting])
        + _assumed_previous_reviews(tables[CPConference], period)
        + _escalation_warnings(tables[Dispute], period)
        + _reviews_outside_care(tables[Review], tables[Child], period),
    )
    figures.named = named_figures(figures)
    return figures


def _iro_caseloads(tables: Tables, cases: Cases) -> list[IroCaseload]:
    """Each IRO's looked after children and children on plans on 31 March, against FTE.

    Children whose IRO is blank or names nobody on Staff are counted in a last row.
    """
    looked_after = Counter(normalise(c.iro or "") for c in cases.at_end)
    on_plan = {(normalise(p.iro or ""), p.child_id.casefold()) for p in cases.on_plan}
    plans = Counter(iro for iro, _ in on_plan)
    fte: dict[str, float] = defaultdict(float)
    names: dict[str, str] = {}
    for member in tables[StaffMember]:
        if member.role == "IRO":
            fte[normalise(member.name)] += member.fte
            names.setdefault(normalise(member.name), member.name)
    rows = [
        IroCaseload(names[key], round(fte[key], 2), looked_after[key], plans[key]) for key in names
    ]
    unknown = [k for k in set(looked_after) | set(plans) if k not in names]
    if unknown:
        rows.append(
            IroCaseload(
                "No IRO recorded or not on Staff",
                0.0,
                sum(looked_after[k] for k in unknown),
                sum(plans[k] for k in unknown),
            )
        )
    return rows


# --------------------------------------------------------------------------- citations

#: ``[[name]]`` in Narrative and Priorities text: a figure of the report, by name.
CITATION = re.compile(r"\[\[([^\[\]]*)\]\]")


#: The headline figures prose may cite, with what each counts (for the docs).
HEADLINES: dict[str, str] = {
    "children looked after at 31 March": "looked after on the year's last day, short breaks "
    "left out",
    "short-breaks children at 31 March": "short-breaks (respite) children looked after then",
    "children on CP plans at 31 March": "children subject of a child protection plan then",
    "families on CP plans at 31 March": "their families",
    "children who became subject of a CP plan": "in the year, each child once",
    "children placed for adoption": "in the year",
    "children who ceased to be looked after": "in the year, short breaks left out",
    "reviews held": "looked after reviews held in the year",
    "reviews out of time": "of them, held after the due date",
    "reviews on time %": "the % held on time",
    "conferences held": "child protection conferences held in the year",
    "initial conferences": "initial conferences held",
    "initial conferences out of time": "of them, held after the due date",
    "review conferences": "review conferences held",
    "review conferences out of time": "of them, held after the due date",
    "conferences out of time": "all conferences held after the due date",
    "alerts raised": "alerts of concern raised in the year",
    "alerts resolved within the council": "resolved by 31 March without CAFCASS",
    "alerts escalated to CAFCASS": "referred to CAFCASS (stage 4)",
    "alerts open at 31 March": "neither resolved nor escalated by 31 March",
    **{f"alerts reaching stage {n}": f"alerts whose highest stage was {n}" for n in codes.STAGES},
    "IRO posts": "IRO full-time equivalent posts (Staff)",
    "looked after children per IRO": "looked after children per full-time IRO (the "
    "guideline's measure)",
    "all children per IRO": "looked after children and children on plans per full-time IRO",
    "reviews with a participation code": "reviews of the year with a PN code",
    "children who spoke for themselves": "reviews coded PN1",
    "children who spoke for themselves %": "the % of coded reviews coded PN1",
}


def citable_names() -> list[tuple[str, str]]:
    """Every name prose may cite and what it is, for the docs; with the Figures
    sheet's own measures, which are cited by their Measure."""
    names = list(HEADLINES.items())
    for spec in TABLES:
        if spec.cite:
            for row in spec.rows:
                label = row[:3] if row.startswith("PN") else row
                names.append((f"{spec.cite} {label}", f"{spec.title}: {row}"))
                if spec.finish is _participation_shares and row != NOT_RECORDED:
                    names.append((f"{spec.cite} {label} %", f"the % of coded reviews: {row}"))
    return names


def _headline(f: AnnualFigures) -> dict[str, Named]:
    """The report's headline figures, by the names prose cites them with."""
    t, d = f.tables, f.disputes
    conf, reviews, part = t["conferences"], t["reviews"], t["participation"]
    coded = sum(part.current(r) for r in part.rows if r != NOT_RECORDED)
    spoke = part.current(PARTICIPATION_ROWS[1])
    year = f.period.year
    fte = f.staff_fte.get("IRO", 0.0)
    return {
        "children looked after at 31 March": Named(f.looked_after),
        "short-breaks children at 31 March": Named(f.looked_after_short_breaks),
        "children on CP plans at 31 March": Named(f.cp_children),
        "families on CP plans at 31 March": Named(f.cp_families),
        "children who became subject of a CP plan": Named(t["cp_category"].totals[year].number),
        "children placed for adoption": Named(t["adoptions"].totals[year].number),
        "children who ceased to be looked after": Named(t["ceased"].totals[year].number),
        "reviews held": Named(reviews.current(REVIEW_ROWS[0])),
        "reviews out of time": Named(reviews.current(REVIEW_ROWS[1])),
        "reviews on time %": Named(reviews.value(REVIEW_ROWS[2], year).number, "percent"),
        "conferences held": Named(conf.current("Total held")),
        "initial conferences": Named(conf.current("Initial conferences")),
        "initial conferences out of time": Named(conf.current("Initial out of time")),
        "review conferences": Named(conf.current("Review conferences")),
        "review conferences out of time": Named(conf.current("Review out of time")),
        "conferences out of time": Named(conf.current("Held out of time")),
        "alerts raised": Named(d["raised"]),
        "alerts resolved within the council": Named(d["resolved_internally"]),
        "alerts escalated to CAFCASS": Named(d["escalated_to_cafcass"]),
        "alerts open at 31 March": Named(d["open"]),
        **{f"alerts reaching stage {n}": Named(d[f"stage_{n}"]) for n in codes.STAGES},
        "IRO posts": Named(fte, "fte"),
        "looked after children per IRO": Named(f.caseload_per_iro),
        "all children per IRO": Named(t["caseloads"].current(CASELOAD_ROWS[4]) if fte else None),
        "reviews with a participation code": Named(coded),
        "children who spoke for themselves": Named(spoke),
        "children who spoke for themselves %": Named(
            _round_percent(100 * spoke / coded) if coded else None, "percent"
        ),
    }


def named_figures(figures: AnnualFigures) -> dict[str, Named]:
    """Every figure prose may cite: the headline figures, each table's rows for the
    reporting year (``legal status Care Order``), and the Figures sheet's measures."""
    named = _headline(figures)
    for spec in TABLES:
        if not spec.cite:
            continue
        table = figures.tables[spec.key]
        for row in table.rows:
            label = row[:3] if row.startswith("PN") else row
            named[f"{spec.cite} {label}"] = Named(table.current(row))
            if table.share is not None and row in table.share:
                named[f"{spec.cite} {label} %"] = Named(table.share[row], "percent")
    for measure, value in figures.figures.items():
        named.setdefault(measure, Named(value))
    return named


def find_named(named: dict[str, Named], name: str) -> Named | None:
    """A cited figure, its name matched as headers are (any case, any spacing)."""
    wanted = normalise(name)
    return next((v for k, v in named.items() if normalise(k) == wanted), None)


def citation_problems(tables: Tables, named: dict[str, Named]) -> list[Problem]:
    """An error at each Narrative or Priorities cell citing a name the report lacks,
    with the nearest names it has."""
    known = {normalise(k): k for k in named}
    problems = []
    sheets: tuple[SheetRows[Any], ...] = (tables[NarrativeSection], tables[Priority])
    for rows in sheets:
        for number, row in rows.located():
            for match in CITATION.finditer(row.text):
                if normalise(match[1]) in known:
                    continue
                near = difflib.get_close_matches(normalise(match[1]), list(known), n=3, cutoff=0.5)
                hint = "; nearest: " + ", ".join(known[n] for n in near) if near else ""
                problems.append(
                    rows.problem(
                        "unknown-figure",
                        f"[[{match[1]}]] names no figure of the report{hint}",
                        "text",
                        number,
                        value=match[0],
                        expected="a figure name listed in docs/figures.md (Figures cited in prose)",
                    )
                )
    return problems


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
        _before_period_of_care(reviews, rows, began, period, result, problems)
        chain = [(number, review) for number, review in rows if review.review_date >= began]
        if chain:
            _chain_due_dates(reviews, chain, began, period, policy, result, problems)
    result.sort(key=lambda item: (item[0].review_date, item[0].child_id))
    return result, problems


def _before_period_of_care(
    reviews: SheetRows[Review],
    rows: list[tuple[int, Review]],
    began: date,
    period: Period,
    result: list[tuple[Review, date]],
    problems: list[Problem],
) -> None:
    """A child's reviews before their latest period of care began: counted with the Due
    Date given; a year's review without one is a problem (its period's start is unknown)."""
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


def _chain_due_dates(
    reviews: SheetRows[Review],
    chain: list[tuple[int, Review]],
    began: date,
    period: Period,
    policy: ReviewPolicy,
    result: list[tuple[Review, date]],
    problems: list[Problem],
) -> None:
    """Due dates along one period of care's reviews, each from the one before."""
    first_due = timescales.first_review_due(began, policy)
    # The earliest row is the first review when its window closes in or after the
    # year, or when it was held within that window (only the first review can be).
    first_in_chain = first_due >= period.start or chain[0][1].review_date <= first_due
    previous: date | None = None
    for position, (number, review) in enumerate(chain):
        is_first = position == 0 and first_in_chain
        due: date | None = None
        if review.due_date is not None:
            due = review.due_date
        elif is_first:
            due = first_due
        elif previous is not None:
            ordinal = 2 if (position == 1 and first_in_chain) else 3
            due = timescales.review_due(
                ordinal, became_looked_after=began, previous_review=previous, policy=policy
            )
        elif review.review_date in period:
            why = (
                f"the child became looked after on {began:%d/%m/%Y}, so their first "
                "review was due before the year, and their previous review is not on the "
                "sheet"
            )
            expected = "the review's due date, or a row for the previous review"
            problems.append(_unknown_due(reviews, number, why, expected))
        # else: an earlier year's review listed only to anchor the chain, or one after the
        # year: not counted, so its own due date is not needed.
        if due is not None:
            result.append((review, due))
        previous = review.review_date


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
    known = {spec.history.lower(): spec.key for spec in TABLES}
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


def _missing_history(entries: SheetRows[HistoryEntry], year: int) -> list[Problem]:
    """A table printed with earlier years in every report whose History rows are all
    missing would lose its comparison columns without a word: warn, once per table."""
    given = {entry.table.lower() for entry in entries if entry.year < year}
    if not given:
        return []  # no History at all: every table shows the one year, as it should
    return [
        Problem(
            "missing-history",
            f"History has no {spec.history} rows for years before {year}: the table "
            f"{spec.title!r} shows {year - 1}/{str(year)[-2:]} alone while others compare years",
            sheet=entries.sheet_name,
            expected=f"rows with Table {spec.history!r} for the years published before",
            severity="warning",
        )
        for spec in TABLES
        if spec.compare and spec.history.lower() not in given
    ]


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
    current: Mapping[str, float],
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
    return Value(sum(numbers), int(sum(numbers) + brackets) if brackets else None)


def _review_rates(table: YearTable, cases: Cases) -> None:
    """% on time and % out of time: computed for the year, derived where History
    gives only the % on time, and always shown as percentages."""
    rows, year = table.rows, cases.period.year
    held, late = table.current(rows[0]), table.current(rows[1])
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


# --------------------------------------------------------------------------- the tables

SOURCE_CHILDREN = "Source: Children sheet (children looked after)."
TABLES: tuple[TableSpec, ...] = (
    TableSpec(
        "looked_after_age",
        "Children looked after by age",
        "Age",
        "Age",
        "march",
        tuple(label for label, _, _ in AGE_BANDS),
        _age_counts,
        note="Age in whole years on 31 March. Short-breaks (respite) children are not "
        "counted: 89 (+1) is 89 children and 1 short-breaks child in the band; a total in "
        "brackets, 265 (267), includes short-breaks children.",
        cite="looked after aged",
        source=SOURCE_CHILDREN,
        chart="looked_after",
        finish=_age_brackets,
    ),
    TableSpec(
        "legal_status",
        "Children looked after by legal status",
        "Legal status",
        "Legal Status",
        "year",
        LEGAL_ROWS,
        lambda c: Counter(codes.LEGAL_STATUS.category(x.legal_status) for x in c.at_end),
        cite="legal status",
        note="Legal status on 31 March of each year.",
        source=SOURCE_CHILDREN,
        chart="legal_status",
    ),
    TableSpec(
        "ethnicity",
        "Children looked after by ethnicity",
        "Ethnicity",
        "Ethnicity",
        "year",
        ETHNIC_ROWS,
        lambda c: Counter(codes.ethnic_group(x.ethnicity, c.chne_group) for x in c.at_end),
        cite="ethnicity",
        note="Ethnic group on 31 March of each year, as recorded for the DfE (SSDA903).",
        source=SOURCE_CHILDREN,
    ),
    TableSpec(
        "adoptions",
        "Children placed for adoption by age at placement",
        "Age",
        "Adoptions",
        "period",
        tuple(label for label, _, _ in ADOPTION_BANDS),
        lambda c: Counter(band_of(age_on(a.dob, a.date_placed), ADOPTION_BANDS) for a in c.placed),
        note="Age in whole years on the date of placement.",
        cite="adopted aged",
        used=lambda c, _rows: _used_bands(ADOPTION_BANDS, c.placed, c.history.get("adoptions", {})),
        source="Source: Adoptions sheet.",
    ),
    TableSpec(
        "cp_category",
        "Children who became subject of a child protection plan, by category",
        "Category of abuse",
        "Category of Abuse",
        "period",
        CATEGORY_ROWS,
        lambda c: Counter(codes.CATEGORY_OF_ABUSE.category(p.category) for p in c.new_plans),
        cite="new plans",
        total_label="Total number of children",
        note="A child with more than one new plan in the year is counted once, by the latest.",
        source="Source: CP Plans sheet.",
        chart="cp_category",
    ),
    TableSpec(
        "reviews",
        "Looked after reviews held within timescale",
        "Reviews",
        "Reviews",
        "period",
        REVIEW_ROWS,
        _review_counts,
        total_label=None,
        note="A review held after its due date is out of time, even with a manager's approval.",
        source="Source: Reviews sheet.",
        finish=_review_rates,
    ),
    TableSpec(
        "conferences",
        "Child protection conferences held",
        "Conferences",
        "Conferences",
        "period",
        CONFERENCE_ROWS,
        _conference_counts,
        total_label=None,
        note="Initial conferences are due within 15 working days of the strategy discussion; "
        "the first review within 3 months of it, then every 6 months.",
        source="Source: CP Conferences sheet.",
        compare=False,
    ),
    TableSpec(
        "participation",
        "Participation of children in their reviews",
        "Participation",
        "Participation",
        "period",
        PARTICIPATION_ROWS,
        _participation_counts,
        cite="participation",
        note="SSDA903 participation codes. The % is of the reviews with a code.",
        source="Source: Reviews sheet.",
        compare=False,
        finish=_participation_shares,
    ),
    TableSpec(
        "ceased",
        "Children who ceased to be looked after, by reason",
        "Reason",
        "Ceased",
        "period",
        CEASED_ROWS,
        _ceased_counts,
        cite="ceased",
        note="Reason ceased (REC) as recorded for the DfE; short-breaks children are not counted.",
        source=SOURCE_CHILDREN,
        compare=False,
    ),
    TableSpec(
        "caseloads",
        "IRO caseloads on 31 March",
        "Caseload",
        "Caseloads",
        "march",
        CASELOAD_ROWS,
        _caseload_counts,
        total_label=None,
        note="The IRO Handbook's guideline of 50 to 70 children per full-time IRO is for "
        "looked after children only; it does not count children on child protection plans.",
        source="Source: Staff, Children and CP Plans sheets.",
        compare=False,
    ),
)
SPECS = {spec.key: spec for spec in TABLES}
