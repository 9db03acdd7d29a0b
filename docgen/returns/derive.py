"""The annual workbook's tables derived from the DfE returns.

SSDA903 gives Children, Reviews and Adoptions; the CIN census gives CP Plans and CP
Conferences. The rows are the same models the workbook gives (docgen.models), so the
annual report's figures are computed by the same code whichever the source. Each row
keeps the return lines it came from: a problem found later (a review whose due date
cannot be worked out) names the file, line and field, not a sheet and cell.

A return that contradicts itself (overlapping episodes, an episode after an open one,
a reason ceased with no date ceased, a review outside any period of care, a child
listed twice) is refused with an error at its line: the DfE would reject it too.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from pydantic import ValidationError

from docgen import annual, codes
from docgen.errors import Problem
from docgen.models import Adoption, Child, CPConference, CPPlan, Review, Row
from docgen.returns.cin import Census, CinChild
from docgen.returns.source import Src, problem
from docgen.returns.ssda903 import X1, Episode, Return903, ReviewRow
from docgen.timescales import ReviewPolicy
from docgen.validate import SheetRows

R = TypeVar("R", bound=Row)


@dataclass
class ReturnRows(SheetRows[R]):
    """Derived rows, each with the return records it came from.

    ``fields`` maps a model field to (which of the row's sources, the return's field),
    so a problem at ``date_ceased`` is placed at the DEC of the period's last episode.
    """

    sources: list[tuple[Src, ...]] = field(default_factory=list)
    fields: dict[str, tuple[int, str]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)

    def append(self, row: R, *sources: Src) -> None:
        self.rows.append(row)
        self.sources.append(sources)
        self.row_numbers.append(len(self.rows))

    def cell(self, field_name: str, row_number: int) -> str | None:
        return None

    def where(self, field_name: str, sources: tuple[Src, ...]) -> tuple[Src, str]:
        """The record among a row's ``sources`` that gave ``field_name``, and the
        return's name for the field."""
        index, name = self.fields.get(field_name, (0, field_name))
        return sources[min(index, len(sources) - 1)], name

    def problem(
        self, code: str, message: str, field_name: str, row_number: int, **kwargs: Any
    ) -> Problem:
        src, name = self.where(field_name, self.sources[row_number - 1])
        return problem(
            src,
            name,
            code,
            message,
            value=kwargs.get("value"),
            expected=kwargs.get("expected", ""),
            severity=kwargs.get("severity", "error"),
        )


def _rows(model: type[R], name: str, fields: dict[str, tuple[int, str]]) -> ReturnRows[R]:
    return ReturnRows(model=model, sheet_name=name, present=True, fields=fields)


CHILD_FIELDS = {
    "child_id": (0, "CHILD"),
    "dob": (0, "DOB"),
    "sex": (0, "SEX"),
    "ethnicity": (0, "ETHNIC"),
    "became_looked_after": (1, "DECOM"),
    "legal_status": (2, "LS"),
    "date_ceased": (2, "DEC"),
    "reason_ceased": (2, "REC"),
}
REVIEW_FIELDS = {
    "child_id": (0, "CHILD"),
    "review_date": (0, "REVIEW"),
    "due_date": (0, "REVIEW"),
    "participation": (0, "REVIEW_CODE"),
}
ADOPTION_FIELDS = {"child_id": (0, "CHILD"), "dob": (0, "DOB"), "date_placed": (0, "DATE_PLACED")}
PLAN_FIELDS = {
    "child_id": (0, "LAchildID"),
    "family_id": (0, "LAchildID"),
    "plan_start": (1, "CPPstartDate"),
    "plan_end": (1, "CPPendDate"),
    "category": (1, "InitialCategoryOfAbuse"),
}
CONFERENCE_FIELDS = {
    "conference_date": (0, "DateOfInitialCPC"),
    "strategy_discussion_date": (0, "S47ActualStartDate"),
    "previous_conference_date": (0, "CPPreviewDate"),
    "due_date": (0, "DateOfInitialCPC"),
}


def build(
    rows: ReturnRows[R], values: dict[str, Any], sources: tuple[Src, ...], out: list[Problem]
) -> R | None:
    """A model row from derived values, its own rules checked; None (and the problems
    reported at the return's fields) when it breaks them."""
    try:
        row = rows.model.__pydantic_validator__.validate_python(values)
    except ValidationError as exc:
        error = exc.errors()[0]
        src, name = rows.where(str(error["loc"][0]), sources)
        out.append(
            problem(
                src,
                name,
                "invalid-value",
                f"{name} {error['msg'].lower()}",
                value=error.get("input"),
            )
        )
        return None
    broken = list(row.problems())
    if not broken:
        rows.append(row, *sources)
        return row
    for field_name, message, expected in broken:
        src, name = rows.where(field_name, sources)
        out.append(
            problem(
                src,
                name,
                "inconsistent-row",
                f"{name} {message}",
                value=getattr(row, field_name),
                expected=expected,
            )
        )
    return None


# --------------------------------------------------------------------------- periods of care


@dataclass(slots=True)
class PeriodOfCare:
    """Episodes joined by X1: care that continued from one episode into the next."""

    episodes: list[Episode]

    @property
    def start(self) -> date:
        return self.episodes[0].decom

    @property
    def end(self) -> date | None:
        return self.episodes[-1].dec

    @property
    def short_breaks(self) -> bool:
        return all(e.ls in codes.SHORT_BREAK_CODES for e in self.episodes)

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


def _contradictions(episodes: list[Episode]) -> list[Problem]:
    """What makes a child's episodes impossible, each at the line and field that shows it."""
    out = []
    for before, episode in itertools.pairwise(episodes):
        if before.dec is None:
            out.append(
                problem(
                    episode.src,
                    "DECOM",
                    "episode-after-open-episode",
                    f"episode of child {episode.child!r} starting {episode.decom:%d/%m/%Y} follows "
                    f"an episode with no DEC ({before.src.file} line {before.src.line:,})",
                    value=episode.decom,
                    expected="the earlier episode's DEC, the day this one starts",
                )
            )
        elif episode.decom < before.dec:
            out.append(
                problem(
                    episode.src,
                    "DECOM",
                    "overlapping-episodes",
                    f"episode of child {episode.child!r} starts before the previous episode ended "
                    f"on {before.dec:%d/%m/%Y} ({before.src.file} line {before.src.line:,})",
                    value=episode.decom,
                    expected=f"a DECOM on or after {before.dec:%d/%m/%Y}",
                )
            )
        elif before.rec == X1 and episode.decom != before.dec:
            out.append(_broken_chain(before))
    for episode in episodes:
        if episode.dec is None and episode.rec not in ("", X1):
            out.append(
                problem(
                    episode.src,
                    "REC",
                    "ceased-without-date",
                    f"REC {episode.rec!r} says the episode of child {episode.child!r} "
                    "ended, but it has no DEC",
                    value=episode.rec,
                    expected="a DEC with the REC, or REC blank (or X1) for an episode still open",
                )
            )
        elif episode.dec is not None and episode.dec < episode.decom:
            out.append(
                problem(
                    episode.src,
                    "DEC",
                    "inconsistent-row",
                    "DEC is before the episode's DECOM",
                    value=episode.dec,
                    expected=f"a date on or after {episode.decom:%d/%m/%Y}",
                )
            )
    last = episodes[-1]
    if last.rec == X1 and last.dec is not None:
        out.append(_broken_chain(last))
    return out


def _broken_chain(episode: Episode) -> Problem:
    return problem(
        episode.src,
        "REC",
        "broken-chain",
        f"REC X1 says care continued after {episode.dec:%d/%m/%Y}, but no episode of child "
        f"{episode.child!r} starts that day",
        value=episode.rec,
        expected="the next episode, starting on this DEC; or the REC that ended care",
    )


def periods_of_care(episodes: list[Episode]) -> list[PeriodOfCare]:
    """A child's episodes (in order, free of contradictions) as periods of care."""
    periods: list[PeriodOfCare] = []
    current: list[Episode] = []
    for episode in episodes:
        current.append(episode)
        if episode.dec is not None and episode.rec != X1:
            periods.append(PeriodOfCare(current))
            current = []
    if current:
        periods.append(PeriodOfCare(current))
    return periods


def chosen_period(periods: list[PeriodOfCare], year: annual.Period) -> PeriodOfCare | None:
    """The period the Children row describes: the latest in the year that is not short
    breaks only, else the latest short-breaks one (left out of counts, shown in brackets)."""
    in_year = [p for p in periods if p.start <= year.end and (p.end is None or p.end >= year.start)]
    full = [p for p in in_year if not p.short_breaks]
    chosen = full or in_year
    return chosen[-1] if chosen else None


# --------------------------------------------------------------------------- SSDA903


@dataclass
class Derived:
    """The tables derived from a return set, the problems met, and each child's periods."""

    tables: dict[type[Row], ReturnRows[Any]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    periods: dict[str, list[PeriodOfCare]] = field(default_factory=dict)
    chosen: dict[str, PeriodOfCare] = field(default_factory=dict)
    #: Each child's row on Children.
    rows: dict[str, Child] = field(default_factory=dict)


def _episodes_by_child(ret: Return903) -> dict[str, list[Episode]]:
    """This year's episodes, and last year's that this year's do not repeat, by child."""
    by_child: dict[str, list[Episode]] = defaultdict(list)
    for episode in ret.episodes:
        by_child[episode.child].append(episode)
    for episode in ret.episodes_last:
        mine = by_child.get(episode.child)
        if mine is None or all(e.decom != episode.decom for e in mine):
            by_child[episode.child].append(episode)
    for episodes in by_child.values():
        episodes.sort(key=lambda e: (e.decom, e.dec or date.max))
    return by_child


def _header(ret: Return903, out: list[Problem]) -> dict[str, Any]:
    first: dict[str, Any] = {}
    for row in ret.header:
        seen = first.setdefault(row.child, row)
        if seen is not row:
            out.append(
                problem(
                    row.src,
                    "CHILD",
                    "duplicate-child",
                    f"child {row.child!r} is listed twice ({seen.src.file} line {seen.src.line:,})",
                    value=row.child,
                    expected="one header row per child",
                )
            )
    return first


def derive_children(ret: Return903, year: annual.Period, derived: Derived) -> None:
    out = derived.problems
    header = _header(ret, out)
    rows = _rows(Child, "SSDA903 header and episodes", CHILD_FIELDS)
    derived.tables[Child] = rows
    for child_id, episodes in _episodes_by_child(ret).items():
        wrong = _contradictions(episodes)
        if wrong:
            out.extend(wrong)
            continue
        periods = periods_of_care(episodes)
        derived.periods[child_id] = periods
        period = chosen_period(periods, year)
        if period is None:
            continue
        head = header.get(child_id)
        if head is None:
            first = period.episodes[0]
            out.append(
                problem(
                    first.src,
                    "CHILD",
                    "unknown-child",
                    f"child {child_id!r} has episodes but no row in the SSDA903 header",
                    value=child_id,
                    expected="a header row for every child with an episode",
                )
            )
            continue
        if period.episodes[0].rne not in ("", "S") and period is periods[0]:
            out.append(_start_unknown(period.episodes[0]))
        last = period.episodes[-1]
        values = {
            "child_id": child_id,
            "dob": head.dob,
            "sex": head.sex,
            "ethnicity": head.ethnic,
            "legal_status": last.ls,
            "became_looked_after": period.start,
            "date_ceased": last.dec,
            "reason_ceased": (last.rec or None) if last.dec else None,
            "short_breaks": last.ls in codes.SHORT_BREAK_CODES,
        }
        row = build(rows, values, (head.src, period.episodes[0].src, last.src), out)
        if row is not None:
            derived.chosen[child_id] = period
            derived.rows[child_id] = row


def _start_unknown(episode: Episode) -> Problem:
    return problem(
        episode.src,
        "RNE",
        "period-start-unknown",
        f"child {episode.child!r}'s earliest episode given starts a change within care (RNE "
        f"{episode.rne}), so the period of care began earlier; {episode.decom:%d/%m/%Y} is "
        "taken as its start, which times the child's first review",
        value=episode.rne,
        severity="warning",
        expected="last year's episodes too (a file named episodes_last.csv), or RNE S",
    )


def derive_reviews(
    ret: Return903, year: annual.Period, policy: ReviewPolicy, derived: Derived
) -> None:
    """Reviews of the Children row's period of care go in as they are (the report chains
    their due dates from its DECOM); a year's review from an earlier period of care gets
    its due date here, chained from that period's own DECOM and reviews."""
    out = derived.problems
    rows = _rows(Review, "SSDA903 reviews", REVIEW_FIELDS)
    derived.tables[Review] = rows
    others: dict[tuple[str, date], list[ReviewRow]] = defaultdict(list)
    for review, this_year in [(r, True) for r in ret.reviews] + [
        (r, False) for r in ret.reviews_last
    ]:
        period = next(
            (p for p in derived.periods.get(review.child, ()) if p.covers(review.review)), None
        )
        if period is None:
            if this_year and review.child in derived.periods:
                out.append(_outside_care(review, derived.periods[review.child]))
            elif this_year:
                out.append(_outside_care(review, []))
            continue
        chosen = derived.chosen.get(review.child)
        if chosen is None:
            continue  # the child was not looked after in the year: nothing of theirs counts
        if period is chosen:
            build(rows, _review_values(review, None), (review.src,), out)
        else:
            others[(review.child, period.start)].append(review)
    for (child_id, start), reviews in others.items():
        for review, due in _earlier_period_dues(child_id, start, reviews, year, policy, derived):
            build(rows, _review_values(review, due), (review.src,), out)


def _review_values(review: ReviewRow, due: date | None) -> dict[str, Any]:
    return {
        "child_id": review.child,
        "review_date": review.review,
        "due_date": due,
        "participation": review.code,
    }


def _outside_care(review: ReviewRow, periods: list[PeriodOfCare]) -> Problem:
    held = ", ".join(
        f"{p.start:%d/%m/%Y} to {p.end:%d/%m/%Y}" if p.end else f"from {p.start:%d/%m/%Y}"
        for p in periods
    )
    return problem(
        review.src,
        "REVIEW",
        "review-outside-care",
        f"review of child {review.child!r} on {review.review:%d/%m/%Y} falls outside every "
        f"period of care ({held or 'the child has no episodes'})",
        value=review.review,
        expected="a review date within one of the child's periods of care",
    )


def _earlier_period_dues(
    child_id: str,
    start: date,
    reviews: list[ReviewRow],
    year: annual.Period,
    policy: ReviewPolicy,
    derived: Derived,
) -> list[tuple[ReviewRow, date]]:
    """Due dates of one earlier period's reviews held in the year, by the report's own
    chaining (:func:`docgen.annual.review_due_dates`) run on that period alone."""
    period = next(p for p in derived.periods[child_id] if p.start == start)
    children = _rows(Child, "SSDA903 episodes", CHILD_FIELDS)
    stand_in = derived.rows[child_id].model_copy(
        update={"became_looked_after": start, "date_ceased": period.end, "short_breaks": False}
    )
    children.append(stand_in, period.episodes[0].src)
    chain = _rows(Review, "SSDA903 reviews", REVIEW_FIELDS)
    for review in reviews:
        chain.append(Review.model_validate(_review_values(review, None)), review.src)
    dues, problems = annual.review_due_dates(chain, children, year, policy)
    derived.problems.extend(problems)
    index = {id(row): i for i, row in enumerate(chain.rows)}
    return [(reviews[index[id(row)]], due) for row, due in dues if row.review_date in year]


def derive_adoptions(ret: Return903, derived: Derived) -> None:
    rows = _rows(Adoption, "SSDA903 placed for adoption", ADOPTION_FIELDS)
    derived.tables[Adoption] = rows
    for placed in ret.placed:
        values = {"child_id": placed.child, "dob": placed.dob, "date_placed": placed.placed}
        build(rows, values, (placed.src,), derived.problems)


# --------------------------------------------------------------------------- CIN census


def derive_census(census: Census, derived: Derived) -> None:
    """CP Plans and CP Conferences, one child at a time (the census holds no family)."""
    out = derived.problems
    plans = _rows(CPPlan, "CIN census plans", PLAN_FIELDS)
    conferences = _rows(CPConference, "CIN census conferences", CONFERENCE_FIELDS)
    derived.tables[CPPlan] = plans
    derived.tables[CPConference] = conferences
    first: dict[str, CinChild] = {}
    for child in census.children:
        seen = first.setdefault(child.child, child)
        if seen is not child:
            out.append(
                problem(
                    child.src,
                    "LAchildID",
                    "duplicate-child",
                    f"child {child.child!r} is in the census twice ({seen.src.file} line "
                    f"{seen.src.line:,})",
                    value=child.child,
                    expected="one Child element per child",
                )
            )
            continue
        _child_conferences(child, conferences, out)
        for plan in child.plans:
            values = {
                "child_id": child.child,
                "family_id": child.child,
                "plan_start": plan.start,
                "plan_end": plan.end,
                "category": plan.category,
            }
            build(plans, values, (child.src, plan.src), out)


def _child_conferences(child: CinChild, rows: ReturnRows[CPConference], out: list[Problem]) -> None:
    for initial in child.initials:
        values = {
            "conference_id": f"{child.child}-ICPC-{initial.held:%Y%m%d}",
            "conference_type": "Initial",
            "conference_date": initial.held,
            "strategy_discussion_date": initial.strategy,
        }
        build(rows, values, (initial.src,), out)
    for plan in child.plans:
        previous, kind = plan.start, "Initial"
        for review in sorted(plan.reviews, key=lambda r: r.held):
            values = {
                "conference_id": f"{child.child}-RCPC-{review.held:%Y%m%d}",
                "conference_type": "Review",
                "conference_date": review.held,
                "previous_conference_date": previous,
                "previous_conference_type": kind,
            }
            build(rows, values, (review.src,), out)
            previous, kind = review.held, "Review"


def derive(
    ret: Return903 | None,
    census: Census | None,
    year: int,
    policy: ReviewPolicy = "seed",
) -> Derived:
    """Every table the returns give, and every problem found on the way."""
    derived = Derived()
    period = annual.Period(year)
    if ret:
        derive_children(ret, period, derived)
        derive_reviews(ret, period, policy, derived)
        derive_adoptions(ret, derived)
    if census is not None and census.files:
        derive_census(census, derived)
    return derived
