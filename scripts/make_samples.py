"""Write the sample input workbooks that ship in ``samples/``.

Four workbooks are made, all filled with fictional people and a fictional council:

- ``annual_2014.xlsx``: the annual-report workbook for 1 April 2013 - 31 March 2014. Its
  case-level rows are built so that, under the rules of the workbook contract, the figures docgen
  derives from them reproduce the 2013-14 figures of a real council's published IRO annual report
  exactly (290 children looked after at 31 March, 200 reviews with one out of time, 231 children in
  121 families on child protection plans, 285 initial and 175 review conferences, ...). Earlier
  years' published figures go in the History sheet.
- ``review_meetings.xlsx``, ``alerts.xlsx`` and ``conferences.xlsx``: meeting paperwork workbooks, a
  handful of looked-after reviews, alerts of concern and child protection conferences.

They serve as worked examples for users, as the input of the README's main command
(``docgen annual --year 2014``) and as fixtures for end-to-end tests.

The output is deterministic: all randomness comes from ``random.Random`` with a fixed seed,
nothing reads the clock, the workbook properties are pinned to 1 April 2014 and every zip entry
gets the same timestamp, so running the script twice gives byte-identical files.

Run it with ``python scripts/make_samples.py``.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from docgen.xlsxbytes import xlsx_bytes

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"

SEED = 20140331
PERIOD_START = date(2013, 4, 1)
PERIOD_END = date(2014, 3, 31)
FIXED_TIMESTAMP = datetime(2014, 4, 1, 0, 0, 0)
DATE_FORMAT = "DD/MM/YYYY"

# Bank holidays of England and Wales, enough of them for the dates used here.
BANK_HOLIDAYS = frozenset(
    date.fromisoformat(d)
    for d in (
        "2012-01-02",
        "2012-04-06",
        "2012-04-09",
        "2012-05-07",
        "2012-06-04",
        "2012-06-05",
        "2012-08-27",
        "2012-12-25",
        "2012-12-26",
        "2013-01-01",
        "2013-03-29",
        "2013-04-01",
        "2013-05-06",
        "2013-05-27",
        "2013-08-26",
        "2013-12-25",
        "2013-12-26",
        "2014-01-01",
        "2014-04-18",
        "2014-04-21",
        "2014-05-05",
        "2014-05-26",
        "2014-08-25",
        "2014-12-25",
        "2014-12-26",
    )
)

COUNCIL = "Westbourne Borough Council"
SERVICE = "Independent Reviewing Officer Service, Safeguarding and Quality Assurance Unit"
MANAGER = "Claire Hollis"

# (name, role, FTE). IROs sum to exactly 6.0 FTE.
STAFF: list[tuple[str, str, float]] = [
    ("Helen Marsh", "IRO", 1.0),
    ("David Okafor", "IRO", 1.0),
    ("Sarah Whitlock", "IRO", 1.0),
    ("Priya Raman", "IRO", 1.0),
    ("Tom Ellery", "IRO", 1.0),
    ("Joanne Price", "IRO", 0.5),
    ("Mark Fenwick", "IRO", 0.5),
    (MANAGER, "Manager", 1.0),
    ("Amy Lund", "Co-ordinator", 1.0),
    ("Karen Doyle", "Co-ordinator", 1.0),
    ("Ben Ashworth", "Co-ordinator", 1.0),
    ("Lisa Mercer", "Co-ordinator", 0.5),
    ("Robert Quayle", "LADO", 0.5),
]
IROS = [name for name, role, _ in STAFF if role == "IRO"]
IRO_WEIGHTS = [fte for _, role, fte in STAFF if role == "IRO"]

LEGAL_STATUS_LABELS = {"C1": "Interim Care Order", "C2": "Care Order", "E1": "Placement Order"}
CATEGORY_LABELS = {
    "NEG": "Neglect",
    "PHY": "Physical Abuse",
    "SAB": "Sexual Abuse",
    "EMO": "Emotional Abuse",
    "MUL": "Multiple",
}

# Targets for 31 March 2014 (non-short-breaks children), from the seed report.
AGE_BAND_TARGETS = {"0-1": 20, "1-4": 59, "5-9": 45, "10-15": 107, "16-18": 59}
AGE_BAND_AGES = {"0-1": (0, 0), "1-4": (1, 4), "5-9": (5, 9), "10-15": (10, 15), "16-18": (16, 17)}
LEGAL_STATUS_TARGETS = {"C1": 47, "C2": 78, "L1": 1, "E1": 42, "J1": 1, "V2": 121}
ETHNICITY_CODES = {
    "WBRI": 196,
    "WIRI": 3,
    "WIRT": 2,
    "WOTH": 22,
    "WROM": 4,  # White 227
    "MWBC": 11,
    "MWBA": 4,
    "MWAS": 5,
    "MOTH": 6,  # Mixed 26
    "APKN": 1,  # Asian 1
    "BAFR": 2,
    "BCRB": 1,  # Black 3
    "OOTH": 22,  # Other 22
    "NOBT": 7,
    "REFU": 4,  # N/A 11
}
CP_CATEGORY_TARGETS = {"NEG": 99, "PHY": 56, "SAB": 10, "EMO": 102, "MUL": 2}
# Age in whole years at placement, for the 22 children placed for adoption in the year
# (Under 1: 1, 1-2: 15, 3-5: 5, 5-10: 1).
ADOPTION_AGES = [0] + [1] * 8 + [2] * 7 + [3] * 3 + [4] * 2 + [7]


# -------------------- date helpers


def add_years(d: date, years: int) -> date:
    """Same day ``years`` later; 29 February becomes 28 February."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)


def add_months(d: date, months: int) -> date:
    """Same day number ``months`` later, clamped to the end of the month."""
    index = d.year * 12 + d.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for day in (d.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def age_on(dob: date, on: date) -> int:
    """Age in whole years on a date."""
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def is_working_day(d: date) -> bool:
    return d.weekday() < 5 and d not in BANK_HOLIDAYS


def add_working_days(d: date, n: int) -> date:
    """The nth working day after ``d`` (``d`` itself not counted)."""
    while n > 0:
        d += timedelta(days=1)
        if is_working_day(d):
            n -= 1
    return d


def add_weekdays(d: date, n: int) -> date:
    """The nth Monday-to-Friday day after ``d``, ignoring bank holidays."""
    while n > 0:
        d += timedelta(days=1)
        if d.weekday() < 5:
            n -= 1
    return d


def back_to_working_day(d: date) -> date:
    while not is_working_day(d):
        d -= timedelta(days=1)
    return d


def forward_to_working_day(d: date) -> date:
    while not is_working_day(d):
        d += timedelta(days=1)
    return d


def random_date(rng: random.Random, lo: date, hi: date) -> date:
    if hi < lo:
        raise ValueError(f"empty date range {lo}..{hi}")
    return lo + timedelta(days=rng.randint(0, (hi - lo).days))


# -------------------- workbook writing


def write_sheet(
    wb: Workbook,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    wrap: Sequence[str] = (),
) -> None:
    """Append a sheet: bold frozen header row, dates formatted DD/MM/YYYY, sized columns."""
    ws = wb.create_sheet(title)
    ws.append(list(headers))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    widths = [len(h) + 2 for h in headers]
    for row in rows:
        ws.append(list(row))
        for i, value in enumerate(row):
            if isinstance(value, date):
                ws.cell(row=ws.max_row, column=i + 1).number_format = DATE_FORMAT
                length = 10
            else:
                text = "" if value is None else str(value)
                length = max((len(line) for line in text.split("\n")), default=0)
            widths[i] = max(widths[i], length + 2)
    for i, header in enumerate(headers):
        letter = get_column_letter(i + 1)
        if header in wrap:
            ws.column_dimensions[letter].width = 90
            for cell in ws[letter][1:]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        else:
            ws.column_dimensions[letter].width = min(max(widths[i], 8), 50)


def new_workbook() -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.creator = "docgen sample generator"
    return wb


def save_workbook(wb: Workbook, path: Path) -> None:
    """Save with fixed created/modified times and zip timestamps, so the bytes never change
    between runs (also for a workbook loaded from another sample and changed)."""
    data = xlsx_bytes(wb, FIXED_TIMESTAMP)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


# -------------------- annual workbook: children


@dataclass
class Child:
    child_id: str
    dob: date
    sex: int
    ethnicity: str
    legal_status: str
    decom: date
    ceased: date | None = None
    reason: str | None = None
    short_breaks: bool = False
    iro: str = ""
    placed_for_adoption: date | None = None

    def looked_after_on(self, d: date) -> bool:
        return self.decom <= d and (self.ceased is None or self.ceased > d)

    @property
    def open_at_end(self) -> bool:
        return self.looked_after_on(PERIOD_END)


def dob_for_age(rng: random.Random, age: int, on: date) -> date:
    """A date of birth giving exactly ``age`` whole years on ``on`` (and at least a week old)."""
    while True:
        dob = add_years(on, -age) - timedelta(days=rng.randint(0, 364))
        if age_on(dob, on) == age and dob <= on - timedelta(days=7):
            return dob


def adoption_child(rng: random.Random, age_at_placement: int, placed: date) -> tuple[date, date]:
    """Date of birth and date became looked after for a child placed for adoption on ``placed``."""
    if age_at_placement == 0:
        dob = placed - timedelta(days=rng.randint(150, 320))
    else:
        dob = dob_for_age(rng, age_at_placement, placed)
    assert age_on(dob, placed) == age_at_placement
    decom = random_date(rng, max(dob, placed - timedelta(days=900)), placed - timedelta(days=130))
    return dob, decom


def decom_for_status(rng: random.Random, status: str, dob: date) -> date:
    """A plausible date became looked after for a child still looked after at 31 March 2014."""
    latest = PERIOD_END - timedelta(days=7)
    if status == "C1":  # interim order: proceedings started within the last year or so
        return random_date(rng, max(dob, date(2013, 1, 15)), latest)
    if status == "C2":
        return random_date(rng, max(dob, date(2004, 6, 1)), date(2013, 9, 30))
    if status == "E1":
        return random_date(rng, max(dob, date(2010, 6, 1)), date(2013, 9, 30))
    if status == "V2":
        return random_date(rng, max(dob, date(2009, 1, 1)), latest)
    raise ValueError(status)


def build_children(rng: random.Random) -> list[Child]:
    """Every child looked after at any time in 2013-14."""
    children: list[Child] = []
    quota = dict(AGE_BAND_TARGETS)

    def band_of(age: int) -> str:
        for band, (lo, hi) in AGE_BAND_AGES.items():
            if lo <= age <= hi:
                return band
        raise ValueError(age)

    def take(age: int) -> None:
        band = band_of(age)
        assert quota[band] > 0, f"age band {band} over quota"
        quota[band] -= 1

    def new(dob: date, status: str, decom: date, **kw: Any) -> Child:
        child = Child("", dob, rng.choice([1, 2]), "", status, decom, **kw)
        children.append(child)
        return child

    # Children placed for adoption: 16 still looked after (placed, order not yet made) and 6
    # adopted in the year, plus 2 placed before the year and adopted in it.
    ages = list(ADOPTION_AGES)
    rng.shuffle(ages)
    ceased_ages = [a for a in ages if a != 0][:6]
    for a in ceased_ages:
        ages.remove(a)
    for a in ages:  # 16 open
        placed = random_date(rng, PERIOD_START, date(2014, 3, 20))
        dob, decom = adoption_child(rng, a, placed)
        take(age_on(dob, PERIOD_END))
        new(dob, "E1", decom, placed_for_adoption=placed)
    for a in ceased_ages:  # 6 placed and adopted within the year
        placed = random_date(rng, PERIOD_START, date(2013, 11, 30))
        dob, decom = adoption_child(rng, a, placed)
        adopted = placed + timedelta(days=rng.randint(70, 115))
        new(
            dob,
            "E1",
            decom,
            ceased=adopted,
            reason=rng.choice(["E11", "E12"]),
            placed_for_adoption=placed,
        )
    for a in (1, 2):  # placed before the year, adopted in it
        placed = random_date(rng, date(2012, 11, 1), date(2013, 3, 15))
        dob, decom = adoption_child(rng, a, placed)
        adopted = random_date(rng, date(2013, 5, 1), date(2013, 9, 30))
        new(dob, "E1", decom, ceased=adopted, reason="E11", placed_for_adoption=placed)

    # A freeing order made before they were abolished, and two short, recent episodes.
    dob = date(2004, 8, 17)
    take(age_on(dob, PERIOD_END))
    new(dob, "D1", date(2005, 2, 9))
    dob = dob_for_age(rng, 15, PERIOD_END)
    take(15)
    new(dob, "J1", date(2014, 2, 19))
    dob = dob_for_age(rng, 13, PERIOD_END)
    take(13)
    new(dob, "L1", date(2014, 3, 30))

    # The other children on placement orders, mostly young.
    placement_orders = LEGAL_STATUS_TARGETS["E1"] - 16 - 1
    for _ in range(placement_orders):
        age = rng.choices(range(1, 9), weights=[6, 6, 5, 4, 3, 2, 2, 1])[0]
        take(age)
        dob = dob_for_age(rng, age, PERIOD_END)
        new(dob, "E1", decom_for_status(rng, "E1", dob))

    # Everyone else looked after at 31 March.
    statuses = {
        "C1": LEGAL_STATUS_TARGETS["C1"],
        "C2": LEGAL_STATUS_TARGETS["C2"],
        "V2": LEGAL_STATUS_TARGETS["V2"],
    }
    babies = quota["0-1"]
    baby_statuses = ["C1"] * (babies * 3 // 5) + ["V2"] * (babies - babies * 3 // 5)
    for status in baby_statuses:
        statuses[status] -= 1
        dob = PERIOD_END - timedelta(days=rng.randint(14, 364))
        take(0)
        new(dob, status, decom_for_status(rng, status, dob))
    rest_ages: list[int] = []
    for band, count in quota.items():
        lo, hi = AGE_BAND_AGES[band]
        rest_ages += [rng.randint(lo, hi) for _ in range(count)]
    pool = [s for s, n in statuses.items() for _ in range(n)]
    assert len(pool) == len(rest_ages), (len(pool), len(rest_ages))
    rng.shuffle(pool)
    for age, status in zip(rest_ages, pool, strict=True):
        take(age)
        dob = dob_for_age(rng, age, PERIOD_END)
        new(dob, status, decom_for_status(rng, status, dob))
    assert all(v == 0 for v in quota.values()), quota

    # Ethnicity of the children looked after at 31 March.
    open_children = [c for c in children if c.open_at_end]
    ethnicities = [code for code, n in ETHNICITY_CODES.items() for _ in range(n)]
    assert len(ethnicities) == len(open_children) == 290
    rng.shuffle(ethnicities)
    for child, code in zip(open_children, ethnicities, strict=True):
        child.ethnicity = code

    # Children whose care ended during the year (82 more, making 90 with the adopted ones).
    ceased_statuses = ["V2"] * 53 + ["C2"] * 15 + ["C1"] * 12 + ["L1"] * 2
    for status in ceased_statuses:
        if status in ("V2", "C2") and rng.random() < 0.18:
            ceased = random_date(rng, PERIOD_START, date(2014, 3, 28))
            dob = add_years(ceased, -18)  # care ended on their 18th birthday
            reason = "E13"
        else:
            ceased = random_date(rng, PERIOD_START, date(2014, 3, 28))
            dob = dob_for_age(rng, rng.randint(0, 17), ceased)
            reason = "E4A" if status in ("V2", "L1") or rng.random() < 0.5 else "E41"
        if status == "L1":
            decom = ceased - timedelta(days=rng.randint(1, 3))
        elif status == "C1":
            decom = random_date(
                rng, max(dob, ceased - timedelta(days=400)), ceased - timedelta(days=20)
            )
        else:
            decom = random_date(
                rng, max(dob, ceased - timedelta(days=2500)), ceased - timedelta(days=5)
            )
        new(dob, status, decom, ceased=ceased, reason=reason)

    # Short-breaks children, all four with breaks ended by 31 March 2014: the seed's 2014
    # age column has no respite brackets (its 2013 column's come from the History sheet).
    for status, age, ceased in (
        ("V3", 11, date(2014, 3, 24)),
        ("V4", 16, date(2014, 3, 26)),
        ("V4", 9, date(2013, 10, 18)),
        ("V3", 14, date(2013, 12, 6)),
    ):
        dob = dob_for_age(rng, age, PERIOD_END)
        decom = random_date(rng, date(2012, 5, 1), date(2012, 12, 31))
        new(dob, status, decom, ceased=ceased, reason="E4A" if ceased else None, short_breaks=True)

    all_codes = list(ETHNICITY_CODES)
    for child in children:
        if not child.ethnicity:
            child.ethnicity = rng.choices(all_codes, weights=list(ETHNICITY_CODES.values()))[0]
        child.iro = rng.choices(IROS, weights=IRO_WEIGHTS)[0]
        assert child.dob <= child.decom <= PERIOD_END
        assert child.ceased is None or PERIOD_START <= child.ceased <= PERIOD_END
        assert child.ceased is None or child.decom < child.ceased

    numbers = sorted(rng.sample(range(1000, 99999), len(children)))
    order = list(range(len(children)))
    rng.shuffle(order)
    for child, i in zip(children, order, strict=True):
        child.child_id = f"C{numbers[i]:05d}"
    children.sort(key=lambda c: c.child_id)
    return children


def children_rows(rng: random.Random, children: list[Child]) -> list[list[Any]]:
    """Children sheet rows; a few codes are written as their labels to show both are accepted."""
    coded = [i for i, c in enumerate(children) if c.legal_status in LEGAL_STATUS_LABELS]
    status_labels = set(rng.sample(coded, 8))
    white = [i for i, c in enumerate(children) if c.ethnicity.startswith("W")]
    mixed = [i for i, c in enumerate(children) if c.ethnicity.startswith("M")]
    ethnicity_labels = {i: "White" for i in rng.sample(white, 3)}
    ethnicity_labels.update({i: "Mixed" for i in rng.sample(mixed, 1)})
    rows = []
    for i, c in enumerate(children):
        status = LEGAL_STATUS_LABELS[c.legal_status] if i in status_labels else c.legal_status
        ethnicity = ethnicity_labels.get(i, c.ethnicity)
        rows.append(
            [
                c.child_id,
                c.dob,
                c.sex,
                ethnicity,
                status,
                c.decom,
                c.ceased,
                c.reason,
                "Y" if c.short_breaks else "N",
                c.iro,
            ]
        )
    return rows


# -------------------- annual workbook: reviews


@dataclass
class Review:
    child: Child
    held: date
    due: date
    explicit_due: bool
    participation: str = ""


def review_chain(
    rng: random.Random, child: Child, late_first_in_period: bool = False
) -> list[Review]:
    """The child's reviews held in the year, following the 28 / 90 / 180 day timescales.

    Children who became looked after before the year get explicit due dates (their earlier
    reviews are not on the sheet); children who came into care in the year have blank due dates,
    every review held at least three days before the date the program computes.
    """
    explicit = child.decom < PERIOD_START
    last_day = (
        PERIOD_END if child.ceased is None else min(PERIOD_END, child.ceased - timedelta(days=1))
    )
    reviews: list[Review] = []
    previous: date | None = None
    count = 0
    late_done = False
    while True:
        if previous is None:
            due = child.decom + timedelta(days=28)
            spare = rng.randint(3, 16)
        else:
            due = previous + timedelta(days=90 if count == 1 else 180)
            spare = rng.randint(3, 30)
        held = back_to_working_day(due - timedelta(days=spare))
        if late_first_in_period and not late_done and held >= PERIOD_START:
            held = forward_to_working_day(due + timedelta(days=4))
            late_done = True
        if held > last_day:
            break
        if held >= PERIOD_START:
            reviews.append(Review(child, held, due, explicit))
        previous = held
        count += 1
    return reviews


def participation_code(rng: random.Random, dob: date, on: date) -> str:
    if age_on(dob, on) < 4:
        return "PN0"
    return rng.choices(
        ["PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN7"], weights=[45, 6, 8, 6, 5, 25, 5]
    )[0]


def build_reviews(rng: random.Random, children: list[Child]) -> list[Review]:
    """200 reviews of non-short-breaks children (one out of time) and 3 short-breaks reviews."""
    counted = [c for c in children if not c.short_breaks]
    late_child = next(
        c
        for c in counted
        if c.open_at_end and c.legal_status == "C2" and c.decom < date(2012, 1, 1)
    )
    others = [c for c in counted if c is not late_child]
    rng.shuffle(others)
    reviews = review_chain(rng, late_child, late_first_in_period=True)
    assert sum(r.held > r.due for r in reviews) == 1
    for child in others:
        if len(reviews) >= 200:
            break
        chain = review_chain(rng, child)
        reviews += chain[: 200 - len(reviews)]  # dropping the tail keeps computed due dates right
    assert len(reviews) == 200

    short_breaks = [c for c in children if c.short_breaks]
    sb_reviews = [r for c in short_breaks for r in review_chain(rng, c)]
    sb_reviews.sort(key=lambda r: r.held)
    reviews += sb_reviews[:3]
    assert len(reviews) == 203
    for r in reviews:
        r.participation = participation_code(rng, r.child.dob, r.held)
    reviews.sort(key=lambda r: (r.held, r.child.child_id))
    return reviews


# -------------------- annual workbook: CP plans


@dataclass
class Plan:
    child_id: str
    family_id: str
    start: date
    end: date | None
    category: str


def split_sizes(rng: random.Random, total: int, sizes: Sequence[int]) -> list[int]:
    """Random family sizes summing to ``total``."""
    out: list[int] = []
    while sum(out) < total:
        out.append(min(rng.choice(sizes), total - sum(out)))
    return out


def assign_categories(
    rng: random.Random, families: list[list[int]], targets: dict[str, int]
) -> dict[int, str]:
    """Categories for the children of ``families`` (lists of child indexes), meeting ``targets``.

    Siblings share a category where the quotas allow; a family that fits no single quota is split.
    """
    remaining = dict(targets)
    result: dict[int, str] = {}
    for family in sorted(families, key=len, reverse=True):
        fits = [k for k, n in remaining.items() if n >= len(family)]
        if fits:
            category = rng.choices(fits, weights=[remaining[k] for k in fits])[0]
            for child in family:
                result[child] = category
            remaining[category] -= len(family)
        else:
            for child in family:
                left = [k for k, n in remaining.items() if n > 0]
                category = rng.choices(left, weights=[remaining[k] for k in left])[0]
                result[child] = category
                remaining[category] -= 1
    assert all(n == 0 for n in remaining.values()), remaining
    # A few sibling groups where children were registered under different categories.
    keys = sorted(result)
    for _ in range(6):
        a, b = rng.sample(keys, 2)
        result[a], result[b] = result[b], result[a]
    return result


def build_plans(rng: random.Random) -> list[Plan]:
    """CP plans: 269 started in the year; 231 children in 121 families on a plan at 31 March."""
    # Families on a plan at 31 March: 121 families, 231 children.
    open_sizes = [5] * 2 + [4] * 6 + [3] * 18 + [2] * 48 + [1] * 47
    assert len(open_sizes) == 121 and sum(open_sizes) == 231
    rng.shuffle(open_sizes)
    before_open: list[int] = []  # families whose plan started before the year, still open
    in_year_open: list[int] = []
    for size in open_sizes:
        if sum(before_open) + size <= 41 and sum(before_open) < 41:
            before_open.append(size)
        else:
            in_year_open.append(size)
    assert sum(before_open) == 41 and sum(in_year_open) == 190
    in_year_closed = split_sizes(rng, 79, [1, 1, 1, 2, 2, 3])
    before_closed = split_sizes(rng, 148, [1, 1, 1, 2, 2, 3, 4])

    # (kind, size) for every family, in a shuffled order so IDs do not reveal the kind.
    families = (
        [("before_open", s) for s in before_open]
        + [("year_open", s) for s in in_year_open]
        + [("year_closed", s) for s in in_year_closed]
        + [("before_closed", s) for s in before_closed]
    )
    rng.shuffle(families)

    in_year_groups: list[list[int]] = []
    members: list[tuple[int, str, int]] = []  # (family number, kind, child index)
    index = 0
    for number, (kind, size) in enumerate(families, start=1):
        group = list(range(index, index + size))
        index += size
        members += [(number, kind, i) for i in group]
        if kind.startswith("year"):
            in_year_groups.append(group)
    categories = assign_categories(rng, in_year_groups, CP_CATEGORY_TARGETS)
    all_codes = list(CP_CATEGORY_TARGETS)

    plans: list[Plan] = []
    dates: dict[int, tuple[date, date | None]] = {}
    for number, kind, i in members:
        if number not in dates:
            if kind == "before_open":
                start, end = random_date(rng, date(2012, 5, 1), date(2013, 3, 28)), None
            elif kind == "year_open":
                start, end = random_date(rng, PERIOD_START, date(2014, 3, 28)), None
            elif kind == "year_closed":
                start = random_date(rng, PERIOD_START, date(2013, 11, 30))
                end = random_date(rng, start + timedelta(days=90), date(2014, 3, 28))
            else:
                start = random_date(rng, date(2012, 3, 1), date(2013, 3, 28))
                end = random_date(
                    rng, max(PERIOD_START, start + timedelta(days=90)), date(2014, 3, 28)
                )
            dates[number] = (start, end)
        start, end = dates[number]
        category = categories.get(i) or rng.choices(all_codes, weights=[99, 56, 10, 102, 2])[0]
        plans.append(Plan(f"P{i + 1:05d}", f"F{number:04d}", start, end, category))
    plans.sort(key=lambda p: (p.start, p.family_id, p.child_id))
    return plans


def plan_rows(rng: random.Random, plans: list[Plan]) -> list[list[Any]]:
    label_rows = set(rng.sample(range(len(plans)), 15))
    # One IRO chairs a family's conferences; drawn apart from ``rng`` so the figures the
    # seed published come out as before.
    chairs = random.Random(SEED + 1)
    family_iro: dict[str, str] = {}
    for p in plans:
        if p.family_id not in family_iro:
            family_iro[p.family_id] = chairs.choices(IROS, weights=IRO_WEIGHTS)[0]
    return [
        [
            p.child_id,
            p.family_id,
            p.start,
            p.end,
            CATEGORY_LABELS[p.category] if i in label_rows else p.category,
            family_iro[p.family_id],
        ]
        for i, p in enumerate(plans)
    ]


# -------------------- annual workbook: conferences


def build_conferences(rng: random.Random) -> list[list[Any]]:
    """285 initial and 175 review conferences in the year; one initial held 6 days late."""
    rows: list[tuple[date, list[Any]]] = []
    late_index = rng.randrange(285)
    for i in range(285):
        chair = rng.choices(IROS, weights=IRO_WEIGHTS)[0]
        if i == late_index:
            while True:
                strategy = forward_to_working_day(
                    random_date(rng, date(2013, 6, 1), date(2014, 2, 14))
                )
                due = add_working_days(strategy, 15)
                held = due + timedelta(days=6)
                if is_working_day(held):
                    break
            rows.append((held, ["Initial", held, strategy, None, due, "Service Manager", chair]))
            continue
        blank_due = rng.random() < 0.1
        while True:
            strategy = forward_to_working_day(
                random_date(rng, date(2013, 3, 11), date(2014, 3, 17))
            )
            if blank_due:  # at most 10 weekdays: on time whatever bank holidays fall
                held = back_to_working_day(add_weekdays(strategy, rng.randint(5, 10)))
            else:
                held = back_to_working_day(add_working_days(strategy, rng.randint(6, 15)))
            if PERIOD_START <= held <= PERIOD_END and held > strategy:
                break
        due = None if blank_due else add_working_days(strategy, 15)
        rows.append((held, ["Initial", held, strategy, None, due, None, chair]))
    for _ in range(175):
        chair = rng.choices(IROS, weights=IRO_WEIGHTS)[0]
        blank_due = rng.random() < 0.1
        while True:
            previous = forward_to_working_day(
                random_date(rng, date(2012, 10, 1), date(2014, 1, 10))
            )
            if blank_due:  # well inside three months, so on time whichever review rule applies
                due = None
                held = back_to_working_day(previous + timedelta(days=rng.randint(70, 84)))
            else:
                due = add_months(previous, rng.choice([3, 6, 6]))
                held = back_to_working_day(due - timedelta(days=rng.randint(0, 20)))
            if PERIOD_START <= held <= PERIOD_END:
                break
        rows.append((held, ["Review", held, None, previous, due, None, chair]))
    rows.sort(key=lambda r: (r[0], r[1][0]))
    return [[f"CPC{i:04d}", *row] for i, (_, row) in enumerate(rows, start=1)]


# -------------------- annual workbook: the rest


def build_disputes(rng: random.Random, children: list[Child]) -> list[list[Any]]:
    """14 alerts raised Oct 2013 - Mar 2014; 12 resolved internally, 2 open, none to CAFCASS."""
    stages = [1] * 7 + [2] * 4 + [3] * 3
    rng.shuffle(stages)
    categories = ["Care planning", "Placement", "Contact", "Health", "Education"]
    candidates = [
        c for c in children if not c.short_breaks and c.open_at_end and c.decom < date(2013, 9, 1)
    ]
    chosen = rng.sample(candidates, 14)
    rows = []
    for i, (child, stage) in enumerate(zip(chosen, stages, strict=True)):
        still_open = i >= 12
        if still_open:
            raised = forward_to_working_day(random_date(rng, date(2014, 3, 3), date(2014, 3, 24)))
            resolved = None
        else:
            raised = forward_to_working_day(random_date(rng, date(2013, 10, 1), date(2014, 2, 28)))
            resolved = back_to_working_day(raised + timedelta(days=rng.randint(6, 12) * stage))
        rows.append([child.child_id, raised, stage, resolved, "N", rng.choice(categories)])
    rows.sort(key=lambda r: r[1])
    return [[f"A{i:04d}", *row] for i, row in enumerate(rows, start=1)]


def adoption_rows(children: list[Child]) -> list[list[Any]]:
    placed = [c for c in children if c.placed_for_adoption is not None]
    placed.sort(key=lambda c: (c.placed_for_adoption, c.child_id))
    return [[c.child_id, c.dob, c.placed_for_adoption] for c in placed]


HISTORY: list[tuple[str, str, dict[int, Any]]] = [
    ("Age", "0-1", {2013: 26}),
    ("Age", "1-4", {2013: 54}),
    ("Age", "5-9", {2013: 46}),
    ("Age", "10-15", {2013: "89 (1)"}),
    ("Age", "16-18", {2013: "50 (1)"}),
    ("Age", "Total", {2013: "265 (267)"}),
    ("Legal Status", "Interim Care Order", {2011: 21, 2012: 49, 2013: 42}),
    ("Legal Status", "Care Order", {2011: 52, 2012: 61, 2013: 63}),
    ("Legal Status", "Police Powers of Protection", {2011: "-", 2012: "-", 2013: 0}),
    ("Legal Status", "Placement Order", {2011: 16, 2012: 27, 2013: 31}),
    ("Legal Status", "Youth Justice Remand to the Local Authority", {2011: 1, 2012: 1, 2013: 0}),
    ("Legal Status", "Emergency Protection Order", {2011: "-", 2012: 1, 2013: 0}),
    ("Legal Status", "S20 Accommodated by agreement of parents", {2011: 113, 2012: 112, 2013: 131}),
    ("Ethnicity", "White", {2011: 170, 2012: 205, 2013: 224}),
    ("Ethnicity", "Mixed", {2011: 18, 2012: 25, 2013: 19}),
    ("Ethnicity", "Asian", {2011: 3, 2012: 5, 2013: 3}),
    ("Ethnicity", "Black", {2011: 4, 2012: 4, 2013: 4}),
    ("Ethnicity", "Other", {2011: 3, 2012: 4, 2013: 2}),
    ("Ethnicity", "N/A", {2011: 5, 2012: 11, 2013: 15}),
    ("Adoptions", "Under 1", {2012: 5, 2013: 3}),
    ("Adoptions", "1-2", {2012: 12, 2013: 16}),
    ("Adoptions", "3-5", {2012: 7, 2013: 6}),
    ("Adoptions", "5-10", {2012: 2, 2013: 0}),
    ("Category of Abuse", "Neglect", {2012: 108, 2013: 112}),
    ("Category of Abuse", "Physical Abuse", {2012: 38, 2013: 34}),
    ("Category of Abuse", "Sexual Abuse", {2012: 8, 2013: 17}),
    ("Category of Abuse", "Emotional Abuse", {2012: 76, 2013: 69}),
    ("Category of Abuse", "Multiple", {2012: 0, 2013: 2}),
    ("Reviews", "Out of time", {2012: 0, 2013: 1}),
    ("Reviews", "% On time", {2012: 100, 2013: 99.5}),
]

NARRATIVE: list[tuple[str, str]] = [
    (
        "Executive summary",
        "The year brought more children into our care than any year before it: "
        "[[children looked after at 31 March]] at the year end. Almost all of their reviews "
        "happened when they should, and IROs chaired [[conferences held]] child protection "
        "conferences alongside them.\n\nThe Alert of Concern, introduced in the autumn, gave "
        "IROs a formal way to challenge drift in a child's plan, and managers have responded "
        "to it quickly.",
    ),
    (
        "Purpose and legal context",
        "In Westbourne every child in care has a named IRO from the day they become looked "
        "after. The IRO chairs the child's reviews, makes sure the child's wishes and feelings "
        "are heard, and checks that the care plan meets the child's needs without delay.\n\n"
        "Between reviews the IRO keeps each case under scrutiny. When a plan stalls, the IRO "
        "speaks first to the social worker and team manager and, if that does not settle it, "
        "uses the dispute resolution process described in section 8.",
    ),
    (
        "Profile of the service",
        "The team is made up of permanent, registered social workers, each with management "
        "experience and backgrounds that include adoption, mental health and youth justice. "
        "In November one IRO became interim manager of the team, taking on allocation, "
        "supervision and performance reporting.\n\nCo-ordinators arrange every review and "
        "conference, so IROs can give their time to children and families. The unit also "
        "hosts the Local Authority Designated Officer, who dealt with [[LADO Allegations]] "
        "allegations against adults working with children.",
    ),
    (
        "Profile of the children",
        "Most children in care are White British, in line with the borough's population, and "
        "the largest group is aged 10 to 15. More children were subject of a care order at "
        "the year end ([[legal status care order]]) than in any earlier year.\n\n"
        "[[ceased returned home]] children went home to their families during the year, and "
        "[[children placed for adoption]] were placed for adoption. The agency decision maker "
        "agreed [[ADM Adoption Decisions]] plans for adoption.",
    ),
    (
        "Timeliness of reviews",
        "A reorganisation of social care teams in the summer meant many children changed "
        "social worker. IROs often held a second meeting to finish a review properly, so that "
        "a new social worker did not have to present a plan they had just inherited.\n\n"
        "Co-ordinators book the next review before each meeting ends, which is the main "
        "reason so few reviews slip.",
    ),
    (
        "Participation of children",
        "Every child old enough is encouraged to take part in their review in the way that "
        "suits them. Some chair part of their own meeting; others bring an advocate or send "
        "their views in writing or through a drawing.\n\nWe want more children to speak "
        "for themselves, and will ask them which setting and time of day suit them best.",
    ),
    (
        "IRO contact and consultation",
        "IROs meet each child before the review, on their own if the child wishes. Young "
        "people have their IRO's direct telephone number and email address, and several used "
        "them between reviews this year.\n\nIROs are consulted before any change of placement "
        "or school, and their views are recorded on the child's file.",
    ),
    (
        "Dispute resolution",
        "The Alert of Concern has four stages, from team manager to CAFCASS. Of the "
        "[[alerts raised]] alerts, [[alerts reaching stage 1]] went no further than the first "
        "stage; the [[alerts open at 31 March]] still open at the year end concern plans for "
        "permanence.\n\nThe themes raised most "
        "often were delays in permanence planning and in health assessments; both will be "
        "reported to senior managers each quarter.",
    ),
    (
        "Quality assurance",
        "IROs audit a sample of care plans, personal education plans and health assessments "
        "each quarter and report gaps to the head of service. Foster carers' annual reviews "
        "([[Foster Carer Annual Reviews]] this year) are also read by the unit.\n\nChairs of "
        "child protection conferences now use a strengths-based model, and partner agencies "
        "tell us meetings are more focused on what must change for the child.",
    ),
    (
        "Areas for development",
        "The service will meet its priorities within its existing budget. Care will be "
        "needed so that growth in child protection work does not take IRO time away from "
        "looked-after children.",
    ),
]

PRIORITIES: list[tuple[str, str]] = [
    (
        "Make sure that children who can safely return home do so without delay, and that children "
        "who need another permanent home have this identified early.",
        "Priority",
    ),
    (
        "Give every emergency or short-notice placement an early check of the planning by a "
        "nominated IRO.",
        "Priority",
    ),
    (
        "Pay particular attention to placements outside the borough and whether they meet the "
        "child's needs.",
        "Priority",
    ),
    (
        "Report the themes of the [[alerts raised]] Alerts of Concern, and of those to come, to "
        "senior managers each quarter.",
        "Priority",
    ),
    (
        "Audit care plans, personal education plans and health assessments so that gaps are found "
        "and reported.",
        "Priority",
    ),
    (
        "Introduce modernised review documentation that is shorter and easier for children to "
        "read.",
        "Priority",
    ),
    (
        "Raise the share of reviews where the child speaks for themselves above "
        "[[children who spoke for themselves %]].",
        "Priority",
    ),
    (
        "Continue developing the strengths-based child protection conference model with partner "
        "agencies.",
        "Priority",
    ),
    (
        "Make sure every young person knows how to contact their IRO directly between reviews.",
        "Priority",
    ),
    (
        "Note the work of the IRO service in 2013-14 and the priorities set for 2014-15.",
        "Recommendation",
    ),
    ("Receive a quarterly summary of Alerts of Concern and their outcomes.", "Recommendation"),
    (
        "Note that each full-time IRO also chairs conferences for children on child protection "
        "plans, and review IRO capacity in the light of it.",
        "Recommendation",
    ),
]


def make_annual(path: Path) -> None:
    rng = random.Random(SEED)
    children = build_children(rng)
    reviews = build_reviews(rng, children)
    plans = build_plans(rng)
    conferences = build_conferences(rng)
    disputes = build_disputes(rng, children)

    wb = new_workbook()
    write_sheet(
        wb,
        "Report",
        ["Setting", "Value"],
        [
            ["Council", COUNCIL],
            ["Service", SERVICE],
            ["Author", MANAGER],
            ["Author Role", "IRO Manager"],
        ],
    )
    write_sheet(
        wb,
        "Children",
        [
            "Child ID",
            "Date of Birth",
            "Sex",
            "Ethnicity",
            "Legal Status",
            "Date Became Looked After",
            "Date Ceased",
            "Reason Ceased",
            "Short Breaks",
            "IRO",
        ],
        children_rows(rng, children),
    )
    write_sheet(
        wb,
        "Reviews",
        ["Child ID", "Review Date", "Due Date", "Participation", "IRO"],
        [
            [
                r.child.child_id,
                r.held,
                r.due if r.explicit_due else None,
                r.participation,
                r.child.iro,
            ]
            for r in reviews
        ],
    )
    write_sheet(
        wb,
        "CP Plans",
        ["Child ID", "Family ID", "Plan Start Date", "Plan End Date", "Category of Abuse", "IRO"],
        plan_rows(rng, plans),
    )
    write_sheet(
        wb,
        "CP Conferences",
        [
            "Conference ID",
            "Conference Type",
            "Conference Date",
            "Strategy Discussion Date",
            "Previous Conference Date",
            "Due Date",
            "Out Of Time Approved By",
            "Chair",
        ],
        conferences,
    )
    write_sheet(
        wb,
        "Adoptions",
        ["Child ID", "Date of Birth", "Date Placed For Adoption"],
        adoption_rows(children),
    )
    write_sheet(
        wb,
        "Disputes",
        [
            "Alert ID",
            "Child ID",
            "Date Raised",
            "Highest Stage",
            "Date Resolved",
            "Escalated To CAFCASS",
            "Category",
        ],
        disputes,
    )
    write_sheet(wb, "Staff", ["Name", "Role", "FTE"], [list(s) for s in STAFF])
    write_sheet(
        wb,
        "Figures",
        ["Measure", "Value"],
        [
            ["Foster Carer Annual Reviews", 60],
            ["LADO Allegations", 108],
            ["ADM Adoption Decisions", 30],
        ],
    )
    write_sheet(
        wb,
        "History",
        ["Table", "Row", "Year", "Value"],
        [
            [table, row, year, value]
            for table, row, values in HISTORY
            for year, value in values.items()
        ],
    )
    write_sheet(wb, "Narrative", ["Section", "Text"], [list(n) for n in NARRATIVE], wrap=["Text"])
    write_sheet(wb, "Priorities", ["Text", "Kind"], [list(p) for p in PRIORITIES], wrap=["Text"])
    save_workbook(wb, path)


# -------------------- meeting paperwork workbooks


# -------------------- contract v2: what a record needs before it is signed and sent

REVIEW_V2_COLUMNS = (
    "Placement Start Date",
    "Placement Moves In Last 12 Months",
    "Permanence Plan",
    "Permanence Plan Date",
    "Care Plan Meets Needs",
    "Carers' Views",
    "Health Assessment Date",
    "Dental Check Date",
    "PEP Date",
    "School",
    "Advocacy Offered",
    "Independent Visitor Offered",
    "Final Hearing Date",
)
REVIEW_V2: dict[str, list[Any]] = {
    "R0001": [
        date(2014, 1, 31),
        0,
        "Decided at the final hearing: return to mother, or kinship care with the maternal aunt.",
        date(2014, 7, 21),
        "Y",
        "The carers say Kayla has settled quickly, sleeps well and enjoys helping with the "
        "younger child in the home.",
        date(2014, 2, 14),
        None,
        date(2014, 2, 18),
        "Westbourne Park Primary School",
        "Y",
        "N",
        date(2014, 7, 21),
    ],
    "R0002": [
        date(2013, 12, 13),
        0,
        "Long-term fostering with his current carers, matched at panel.",
        date(2014, 1, 29),
        "Y",
        "The carers are committed to Jordan for the long term and ask for help with his "
        "football kit and travel to matches.",
        date(2013, 12, 20),
        date(2014, 2, 5),
        date(2014, 2, 27),
        "Kingsmead Academy",
        "Y",
        "Y",
        None,
    ],
    "R0003": [
        date(2013, 5, 17),
        0,
        "Adoption by her current carers.",
        date(2014, 9, 30),
        "Y",
        "The prospective adopters describe Amelia as a happy, curious little girl and are "
        "ready to apply for the adoption order.",
        date(2014, 3, 10),
        date(2014, 1, 22),
        None,
        "Little Acorns Nursery",
        "N",
        "N",
        None,
    ],
    "R0004": [
        date(2013, 10, 14),
        1,
        "Supported lodgings until eighteen, then semi-independent living.",
        date(2015, 8, 21),
        "Y",
        "The host family say Tyler is reliable and cooks for the household once a week.",
        date(2014, 4, 2),
        date(2014, 1, 15),
        date(2014, 5, 20),
        "Westbourne College (from September)",
        "Y",
        "Y",
        None,
    ],
    "R0005": [
        date(2014, 4, 11),
        1,
        "Return home to father if the parenting assessment is positive; parallel plan for "
        "kinship care.",
        date(2014, 9, 30),
        "N",
        "The carers say both children are settled and that Lily-Mae worries about where she "
        "will live after the summer.",
        date(2014, 4, 16),
        None,
        date(2014, 6, 10),
        "St Mary's CE Primary School",
        "Y",
        "N",
        date(2014, 9, 15),
    ],
}
#: (review, name) -> (Views, Copy Of Record); anyone not listed gets no copy.
ATTENDEE_V2: dict[tuple[str, str], tuple[str | None, str]] = {
    ("R0001", "Helen Marsh"): (None, "Y"),
    ("R0001", "Nadia Shah"): (
        "The placement is meeting Kayla's needs while the assessments are completed.",
        "Y",
    ),
    ("R0001", "Kayla Brennan"): (None, "Y"),
    ("R0001", "Mrs Brennan"): (
        "Wants contact increased and to be kept informed about the assessment.",
        "Y",
    ),
    ("R0001", "Jean Fairley"): ("Kayla is settled; she needs a dentist near the placement.", "Y"),
    ("R0002", "David Okafor"): (None, "Y"),
    ("R0002", "Paul Ramsey"): ("Jordan's placement is stable and the match has gone well.", "Y"),
    ("R0002", "Mrs Pike"): ("Supports the long-term plan and would like school photos.", "Y"),
    ("R0002", "Mr Pike"): (None, "Y"),
    ("R0002", "Sue Collins"): ("Jordan is making good progress, especially in maths.", "Y"),
    ("R0003", "Sarah Whitlock"): (None, "Y"),
    ("R0003", "Hannah Ford"): ("The adoption application is on track for the summer.", "Y"),
    ("R0003", "Prospective adopters"): ("Ready to apply for the adoption order.", "Y"),
    ("R0004", "Priya Raman"): (None, "Y"),
    ("R0004", "Gemma Hart"): ("Tyler is ready to plan for semi-independent living.", "Y"),
    ("R0004", "Tyler Morgan"): (None, "Y"),
    ("R0004", "Mr Morgan"): ("Supports the plan for supported accommodation.", "Y"),
    ("R0004", "Dev Patel"): ("Will help Tyler with the bursary application.", "Y"),
    ("R0004", "Ruth Lane"): ("Tyler is welcome to stay until he moves on.", "N"),
    ("R0005", "Tom Ellery"): (None, "Y"),
    ("R0005", "Nadia Shah"): ("The parenting assessment needs an independent assessor.", "Y"),
    ("R0005", "Mr Osei"): ("Wants the children home and will attend every session.", "Y"),
    ("R0005", "Foster carer"): (None, "Y"),
}
PREVIOUS_DECISIONS = [
    (
        "R0002",
        "Refer Jordan to CAMHS.",
        "Partly achieved",
        "Referral accepted; no appointment yet.",
    ),
    ("R0002", "Present the long-term match to the fostering panel.", "Achieved", None),
    ("R0003", "Complete the child's permanence report.", "Achieved", None),
    ("R0003", "Arrange the introductions plan with the prospective adopters.", "Achieved", None),
    ("R0004", "Open a bank account with Tyler.", "Achieved", None),
    (
        "R0004",
        "Complete the housing application for semi-independent accommodation.",
        "Not achieved",
        "Delayed until the pathway plan is updated.",
    ),
    ("R0005", "Start the parenting assessment of father.", "Partly achieved", "Started in May."),
    ("R0005", "Keep the siblings placed together.", "Achieved", None),
]

ALERT_V2: dict[str, list[Any]] = {
    "A0101": ["Alison Grey", "Jordan wants to see someone about his worries before his exams."],
    "A0102": ["Richard Hale", "Lily-Mae asked when she will know where she is going to live."],
    "A0103": [
        "Janet Morris",
        "Kayla told her IRO she does not want to change school and would miss her friends.",
    ],
    "A0104": ["Duty Service Manager", None],
}

CONFERENCE_V2_COLUMNS = (
    "Reasons For Conference",
    "Lead Social Worker",
    "Parents' Views",
    "Child's Views",
    "Dissent",
    "Contingency Plan",
    "Core Group Date",
)
CONFERENCE_V2: dict[str, list[Any]] = {
    "CP0201": [
        "A section 47 enquiry after two police call-outs for domestic abuse found the children "
        "at continuing risk of emotional and physical harm.",
        "Nadia Shah",
        "Mother accepts the concerns and wants support. Father did not attend and sent a "
        "message disputing the police account.",
        "Ellie told her teacher she is frightened when her parents argue and likes staying at "
        "her grandmother's.",
        "Father disagrees with the decision; his view is recorded here and was shared with "
        "the conference.",
        "If the children return to the family home before the programme is completed, a "
        "strategy discussion will be held the same day.",
        None,
    ],
    "CP0202": [
        "An unexplained bruise seen at nursery; a section 47 enquiry was completed.",
        "Paul Ramsey",
        "Both parents explained the fall and welcomed support from the family centre.",
        "Noah is too young to give his views; he was observed to be relaxed with his parents.",
        None,
        None,
        None,
    ],
    "CP0203": [
        "The first review of the children's child protection plans.",
        "Hannah Ford",
        "Ms Grant is proud of the changes she has made and wants the plans to end soon.",
        "Ava says home is better and she likes having friends round.",
        None,
        "If home conditions slip or mother disengages from mental health services, the core "
        "group will meet within five working days.",
        None,
    ],
}
CHILD_DECISIONS = {"CP0201": "Plan", "CP0202": "No plan", "CP0203": "Plan continues"}
#: (conference, name) -> (Recommendation, Core Group Member, Copy Of Report).
CONFERENCE_ATTENDEE_V2: dict[tuple[str, str], tuple[str | None, str, str]] = {
    ("CP0201", "Mrs Dawson"): (None, "Y", "Y"),
    ("CP0201", "Mr Dawson"): (None, "Y", "Y"),
    ("CP0201", "Nadia Shah"): ("Plan", "Y", "Y"),
    ("CP0201", "Claire Booth"): ("Plan", "Y", "Y"),
    ("CP0201", "PC Sam Rowe"): ("Plan", "N", "Y"),
    ("CP0201", "Mr Hughes"): ("Plan", "Y", "Y"),
    ("CP0202", "Mrs Whitfield"): (None, "N", "Y"),
    ("CP0202", "Paul Ramsey"): ("No plan", "N", "Y"),
    ("CP0202", "Joanna Lee"): ("No plan", "N", "Y"),
    ("CP0203", "Ms Grant"): (None, "Y", "Y"),
    ("CP0203", "Hannah Ford"): ("Plan", "Y", "Y"),
    ("CP0203", "Sue Collins"): ("Plan", "Y", "Y"),
    ("CP0203", "Claire Booth"): ("Plan", "Y", "Y"),
    ("CP0203", "Anna Price"): ("Plan", "Y", "Y"),
    ("CP0203", "Dr Iqbal"): (None, "N", "Y"),
    ("CP0203", "Jo Turner"): (None, "N", "Y"),
}
#: The outline plans of the conferences; conference_letters.xlsx keeps them as they are.
PLAN_ACTIONS = [
    [
        "CP0201",
        "Mother and father each to start the domestic abuse programme.",
        "Nadia Shah (social worker)",
        date(2014, 6, 13),
        "No more police call-outs; the children say home feels calm.",
    ],
    [
        "CP0201",
        "Agree a written safety plan with the grandmother.",
        "Nadia Shah (social worker)",
        date(2014, 5, 23),
        "The children have a safe place to go and know how to reach it.",
    ],
    [
        "CP0201",
        "Visit fortnightly and book Rosie's missed health checks.",
        "Claire Booth (health visitor)",
        date(2014, 6, 30),
        "Rosie's development checks are up to date.",
    ],
    [
        "CP0201",
        "Monitor attendance and punctuality; report weekly to the social worker.",
        "Mr Hughes (school)",
        date(2014, 8, 13),
        "Ellie and Callum arrive on time every day.",
    ],
    [
        "CP0203",
        "Continue weekly home visits, at least one unannounced each month.",
        "Hannah Ford (social worker)",
        date(2014, 12, 24),
        "Home conditions stay at the standard reached since March.",
    ],
    [
        "CP0203",
        "Support Ms Grant to keep her mental health appointments.",
        "Anna Price (adult mental health)",
        date(2014, 9, 30),
        "Ms Grant attends every appointment and her care plan is reviewed.",
    ],
    [
        "CP0203",
        "Agree a tenancy support plan for the family.",
        "Jo Turner (housing)",
        date(2014, 8, 29),
        "The family's tenancy is secure.",
    ],
]


def make_review_meetings(path: Path) -> None:
    reviews = [
        [
            "R0001",
            "C20417",
            "Kayla Brennan",
            date(2009, 6, 14),
            date(2014, 2, 24),
            date(2014, 1, 31),
            1,
            None,
            "Foster home, Westbourne",
            "Helen Marsh",
            "Nadia Shah",
            "C1",
            "Short-term foster placement with experienced carers, sharing the home with one other "
            "child.",
            "Interim care plan: assessment of mother and of the maternal aunt as a kinship carer.",
            "Kayla said she likes her foster carers and her new bedroom. She misses her mum and "
            "wants to see her more often.",
            "Mother attended and said she accepts that Kayla needs to be somewhere safe for now. "
            "She wants contact increased.",
            "Initial health assessment completed; dental registration still needed.",
            "Attending her usual primary school with taxi transport; settled well.",
            "Supervised contact with mother twice a week at the family centre.",
            "PN1",
            "A good start to the placement. The kinship assessment must be completed on time so "
            "that the court timetable is not put at risk.",
            date(2014, 5, 19),
        ],
        [
            "R0002",
            "C31188",
            "Jordan Pike",
            date(2001, 11, 2),
            date(2014, 3, 11),
            date(2013, 12, 13),
            2,
            date(2014, 1, 10),
            "Jordan's school",
            "David Okafor",
            "Paul Ramsey",
            "Care Order",
            "Long-term foster placement, matched at panel in January.",
            "Permanence through long-term fostering with current carers.",
            "Jordan wants to stay where he is and to play football for the school team.",
            "Mother said she is happy and relieved that Jordan is staying where he is, and asked "
            "for photos each term.",
            "Annual health assessment up to date. Referral to CAMHS accepted.",
            "Personal education plan reviewed; progress in maths noted.",
            "Monthly contact with mother; letterbox contact with father.",
            "PN6",
            "The plan is progressing well. The CAMHS appointment should be chased if not offered "
            "by April.",
            None,
        ],
        [
            "R0003",
            "C18452",
            "Amelia Rose Carter",
            date(2012, 3, 30),
            date(2014, 4, 8),
            date(2013, 5, 17),
            3,
            date(2013, 10, 15),
            "Foster home, Kingsmead",
            "Sarah Whitlock",
            "Hannah Ford",
            "E1",
            "Foster-to-adopt placement with prospective adopters.",
            "Adoption; application for an adoption order expected in the summer.",
            "Amelia is too young to share her views; she is observed to be happy and attached to "
            "her carers.",
            "Birth parents were invited but did not attend and have not been in touch.",
            "Meeting her developmental milestones; immunisations up to date.",
            "Attends a nursery two mornings a week.",
            "Annual letterbox contact with birth mother.",
            "PN0",
            "Amelia is thriving. Life-story work should begin now so that it is ready for the "
            "adoption order.",
            date(2014, 10, 3),
        ],
        [
            "R0004",
            "C27730",
            "Tyler Morgan",
            date(1997, 8, 21),
            date(2014, 6, 10),
            date(2012, 9, 3),
            5,
            date(2013, 12, 18),
            "Supported lodgings",
            "Priya Raman",
            "Gemma Hart",
            "V2",
            "Supported lodgings with a host family, preparing for independence.",
            "Pathway plan towards semi-independent living at eighteen.",
            "Tyler chaired part of his review. He wants help with driving lessons and a college "
            "bursary.",
            "Father contributed by phone and supports the plan for supported accommodation.",
            "Registered with a GP; sexual health advice offered and taken up.",
            "Enrolled on a level two catering course starting in September.",
            "Sees his father and sister at weekends; arranges this himself.",
            "PN1",
            "A mature young man who is clear about his goals. His pathway plan must be updated "
            "before his next review.",
            date(2014, 12, 3),
        ],
        [
            "R0005",
            "C40921",
            "Lily-Mae Osei",
            date(2006, 1, 9),
            date(2014, 7, 2),
            date(2014, 3, 27),
            2,
            date(2014, 4, 22),
            "Foster home, Westbourne",
            "Tom Ellery",
            "Nadia Shah",
            "Interim Care Order",
            "Placed with her brother in a foster home.",
            "Rehabilitation to father under assessment; parallel plan for kinship care.",
            "Lily-Mae sent a drawing and said she wants to stay with her brother whatever happens.",
            "Father attended with his support worker and is keen to engage with the parenting "
            "programme.",
            "Asthma well managed; health plan shared with carers.",
            "Moved to a school nearer the placement; settling but missing friends.",
            "Contact with father three times a week, progressing to unsupervised visits if "
            "assessment goes well.",
            "PN6",
            "Siblings are together, which is right for both children. The assessment of father "
            "needs a clear completion date.",
            date(2014, 12, 17),
        ],
    ]
    attendees = [
        ["R0001", "Helen Marsh", "Independent Reviewing Officer", "Attended"],
        ["R0001", "Nadia Shah", "Social Worker", "Attended"],
        ["R0001", "Kayla Brennan", "Child", "Attended"],
        ["R0001", "Mrs Brennan", "Mother", "Attended"],
        ["R0001", "Jean Fairley", "Foster Carer", "Attended"],
        ["R0002", "David Okafor", "Independent Reviewing Officer", "Attended"],
        ["R0002", "Paul Ramsey", "Social Worker", "Attended"],
        ["R0002", "Mrs Pike", "Mother", "Contributed"],
        ["R0002", "Mr Pike", "Father", "Apologies"],
        ["R0002", "Sue Collins", "Designated Teacher", "Attended"],
        ["R0003", "Sarah Whitlock", "Independent Reviewing Officer", "Attended"],
        ["R0003", "Hannah Ford", "Social Worker", "Attended"],
        ["R0003", "Prospective adopters", "Carers", "Attended"],
        ["R0003", "Birth mother", "Mother", "Not Invited"],
        ["R0004", "Priya Raman", "Independent Reviewing Officer", "Attended"],
        ["R0004", "Gemma Hart", "Social Worker", "Attended"],
        ["R0004", "Tyler Morgan", "Young person", "Attended"],
        ["R0004", "Mr Morgan", "Father", "Contributed"],
        ["R0004", "Dev Patel", "Personal Adviser", "Attended"],
        ["R0004", "Ruth Lane", "Supported Lodgings Host", "Attended"],
        ["R0005", "Tom Ellery", "Independent Reviewing Officer", "Attended"],
        ["R0005", "Nadia Shah", "Social Worker", "Attended"],
        ["R0005", "Mr Osei", "Father", "Attended"],
        ["R0005", "Foster carer", "Foster Carer", "Apologies"],
    ]
    decisions = [
        [
            "R0001",
            "Complete the kinship assessment of the maternal aunt.",
            "Social Worker",
            date(2014, 3, 28),
        ],
        ["R0001", "Register Kayla with a local dentist.", "Foster Carer", date(2014, 3, 14)],
        ["R0001", "Review the level of contact with mother.", "Team Manager", date(2014, 3, 21)],
        ["R0002", "Chase the CAMHS appointment.", "Social Worker", date(2014, 4, 30)],
        ["R0002", "Send photos to mother each school term.", "Foster Carer", date(2014, 4, 11)],
        ["R0003", "Start life-story work with the adopters.", "Social Worker", date(2014, 5, 30)],
        ["R0003", "Prepare the adoption order application.", "Legal Services", date(2014, 7, 31)],
        ["R0003", "Update the later-life letter.", "Social Worker", date(2014, 6, 27)],
        ["R0004", "Update the pathway plan.", "Personal Adviser", date(2014, 7, 18)],
        ["R0004", "Apply for a college bursary.", "Personal Adviser", date(2014, 8, 1)],
        ["R0004", "Agree funding for driving lessons.", "Team Manager", date(2014, 7, 31)],
        [
            "R0004",
            "Refer to the housing panel for semi-independent accommodation.",
            "Social Worker",
            date(2014, 9, 5),
        ],
        [
            "R0005",
            "Set a completion date for the parenting assessment of father.",
            "Team Manager",
            date(2014, 7, 16),
        ],
        [
            "R0005",
            "Arrange a transition plan for the new school.",
            "Designated Teacher",
            date(2014, 7, 18),
        ],
    ]
    for row in reviews:
        row.extend(REVIEW_V2[row[0]])
    attendees = [row + list(ATTENDEE_V2.get((row[0], row[1]), (None, "N"))) for row in attendees]
    wb = new_workbook()
    write_sheet(
        wb,
        "Review Meetings",
        [
            "Review ID",
            "Child ID",
            "Child Name",
            "Date of Birth",
            "Review Date",
            "Date Became Looked After",
            "Review Number",
            "Previous Review Date",
            "Venue",
            "IRO",
            "Social Worker",
            "Legal Status",
            "Placement",
            "Care Plan",
            "Child's Views",
            "Parents' Views",
            "Health",
            "Education",
            "Contact",
            "Participation",
            "IRO Comments",
            "Next Review Date",
            *REVIEW_V2_COLUMNS,
        ],
        reviews,
        wrap=["Carers' Views", "Permanence Plan"],
    )
    write_sheet(
        wb,
        "Attendees",
        ["Review ID", "Name", "Role", "Attendance", "Views", "Copy Of Record"],
        attendees,
        wrap=["Views"],
    )
    write_sheet(wb, "Decisions", ["Review ID", "Decision", "Responsible", "Timescale"], decisions)
    write_sheet(
        wb,
        "Previous Decisions",
        ["Review ID", "Decision", "Progress", "Comment"],
        [list(row) for row in PREVIOUS_DECISIONS],
        wrap=["Decision", "Comment"],
    )
    save_workbook(wb, path)


def make_alerts(path: Path) -> None:
    alerts = [
        [
            "A0101",
            "C31188",
            "Jordan Pike",
            date(2001, 11, 2),
            "David Okafor",
            "Paul Ramsey",
            "Alison Grey",
            date(2014, 4, 7),
            1,
            "Health",
            "The CAMHS referral agreed at the last review has not been made six weeks on.",
            "Make the referral and confirm the date to the IRO.",
            add_working_days(date(2014, 4, 7), 5),
            None,
            None,
            None,
        ],
        [
            "A0102",
            "C40921",
            "Lily-Mae Osei",
            date(2006, 1, 9),
            "Tom Ellery",
            "Nadia Shah",
            "Alison Grey",
            date(2014, 5, 12),
            2,
            "Care planning",
            "The parenting assessment of father has no agreed completion date, risking drift.",
            "Agree a completion date and share the timetable with the IRO.",
            add_working_days(date(2014, 5, 12), 5),
            "The Service Manager has commissioned an independent assessor with a report due in "
            "four weeks.",
            date(2014, 5, 16),
            "Assessment timetable agreed and shared with the IRO.",
        ],
        [
            "A0103",
            "C20417",
            "Kayla Brennan",
            date(2009, 6, 14),
            "Helen Marsh",
            "Nadia Shah",
            "Alison Grey",
            date(2014, 6, 2),
            3,
            "Placement",
            "A proposed placement move has been made without consulting the IRO or considering "
            "school stability.",
            "Pause the move until a planning meeting has considered the impact on Kayla.",
            None,
            None,
            None,
            None,
        ],
        [
            "A0104",
            "C27730",
            "Tyler Morgan",
            date(1997, 8, 21),
            "Priya Raman",
            "Gemma Hart",
            "Martin Cole",
            date(2014, 7, 21),
            4,
            "Education",
            "Funding for Tyler's college place has been refused despite being part of his agreed "
            "pathway plan.",
            "Referral to CAFCASS for independent consideration of the failure to implement the "
            "plan.",
            None,  # a referral to CAFCASS has no response due under the council's protocol
            None,
            None,
            None,
        ],
    ]
    history = [
        [
            "A0102",
            1,
            date(2014, 4, 28),
            "Raised with the Team Manager; no completion date offered.",
        ],
        [
            "A0103",
            1,
            date(2014, 5, 8),
            "Raised with the Team Manager, who agreed to review the move.",
        ],
        [
            "A0103",
            2,
            date(2014, 5, 22),
            "Escalated to the Service Manager after the move went ahead.",
        ],
        ["A0104", 1, date(2014, 6, 9), "Raised with the Team Manager."],
        [
            "A0104",
            2,
            date(2014, 6, 23),
            "Escalated to the Service Manager; funding panel declined.",
        ],
        ["A0104", 3, date(2014, 7, 7), "Escalated to the Service Director; decision upheld."],
    ]
    for row in alerts:
        row.extend(ALERT_V2[row[0]])
    wb = new_workbook()
    write_sheet(
        wb,
        "Alerts",
        [
            "Alert ID",
            "Child ID",
            "Child Name",
            "Date of Birth",
            "IRO",
            "Social Worker",
            "Team Manager",
            "Date Raised",
            "Stage",
            "Category",
            "Concern",
            "Action Required",
            "Response Due",
            "Response",
            "Date Resolved",
            "Outcome",
            "Addressed To",
            "Child's Views",
        ],
        alerts,
        wrap=["Child's Views"],
    )
    write_sheet(wb, "Alert History", ["Alert ID", "Stage", "Date", "Note"], history)
    save_workbook(wb, path)


def make_conferences(path: Path) -> None:
    conferences = [
        [
            "CP0201",
            "Initial",
            date(2014, 5, 14),
            date(2014, 4, 24),
            None,
            None,
            "Sarah Whitlock",
            "Civic Centre, Room 3",
            "Police were called to the home twice in April after arguments between the parents. "
            "The children have been late for school and the youngest has missed health "
            "appointments.",
            "Mother has taken the children to stay with their grandmother, who is a steady "
            "presence. The school reports the eldest child talks openly to staff.",
            "Parents to attend a domestic abuse programme; a safety plan to be agreed with the "
            "grandmother; the health visitor to visit fortnightly.",
            "All three children to be made subject to a child protection plan.",
            date(2014, 8, 13),
        ],
        [
            "CP0202",
            "Initial",
            date(2014, 6, 3),
            date(2014, 5, 19),
            None,
            None,
            "Mark Fenwick",
            "Westbourne Family Centre",
            "A bruise was seen on the child's arm at nursery and the explanation given was "
            "inconsistent.",
            "Medical opinion is that the injury is consistent with a fall. Parents cooperated "
            "fully and there are no previous concerns.",
            "Family support through a child in need plan; nursery to keep monitoring attendance "
            "and wellbeing.",
            "Child protection plan not required; to be supported as a child in need.",
            None,
        ],
        [
            "CP0203",
            "Review",
            date(2014, 6, 25),
            None,
            date(2014, 3, 26),
            "Initial",
            "Helen Marsh",
            "Civic Centre, Room 1",
            "Home conditions had been poor and the children's needs were neglected while mother "
            "was unwell.",
            "Mother is engaging with mental health services and home conditions have improved at "
            "every unannounced visit.",
            "Keep the plan for one more review period while the improvements are tested over time.",
            "Children to remain subject to child protection plans under the category of neglect.",
            date(2014, 12, 24),
        ],
    ]
    children = [
        ["CP0201", "P30011", "Ellie Dawson", date(2004, 9, 3), "EMO", "Y"],
        ["CP0201", "P30012", "Callum Dawson", date(2008, 1, 22), "Physical Abuse", "Y"],
        ["CP0201", "P30013", "Rosie Dawson", date(2012, 11, 30), "NEG", "Y"],
        ["CP0202", "P30020", "Noah Whitfield", date(2011, 2, 17), None, "N"],
        ["CP0203", "P29904", "Ava Grant", date(2007, 5, 6), "Neglect", "Y"],
        ["CP0203", "P29905", "Leo Grant", date(2010, 10, 12), "NEG", "Y"],
    ]
    attendees = [
        ["CP0201", "Mrs Dawson", "Parent", "Attended", "N"],
        ["CP0201", "Mr Dawson", "Parent", "Apologies", "N"],
        ["CP0201", "Nadia Shah", "Children's Social Care", "Attended", "Y"],
        ["CP0201", "Claire Booth", "Health Visitor", "Attended", "Y"],
        ["CP0201", "PC Sam Rowe", "Police", "Apologies", "Y"],
        ["CP0201", "Mr Hughes", "School", "Attended", "Y"],
        ["CP0202", "Mrs Whitfield", "Parent", "Attended", "N"],
        ["CP0202", "Paul Ramsey", "Children's Social Care", "Attended", "Y"],
        ["CP0202", "Joanna Lee", "Nursery", "Attended", "Y"],
        ["CP0202", "Dr Iqbal", "GP", "Not Invited", "N"],
        ["CP0203", "Ms Grant", "Parent", "Attended", "N"],
        ["CP0203", "Hannah Ford", "Children's Social Care", "Attended", "Y"],
        ["CP0203", "Sue Collins", "School", "Attended", "Y"],
        ["CP0203", "Claire Booth", "Health Visitor", "Attended", "Y"],
        ["CP0203", "Anna Price", "Adult Mental Health", "Apologies", "Y"],
        ["CP0203", "Dr Iqbal", "GP", "Apologies", "N"],
        ["CP0203", "Jo Turner", "Housing", "Attended", "N"],
    ]
    for row in conferences:
        row.extend(CONFERENCE_V2[row[0]])
    children = [[*row, CHILD_DECISIONS[row[0]]] for row in children]
    attendees = [
        row + list(CONFERENCE_ATTENDEE_V2.get((row[0], row[1]), (None, "N", "N")))
        for row in attendees
    ]
    wb = new_workbook()
    write_sheet(
        wb,
        "Conferences",
        [
            "Conference ID",
            "Conference Type",
            "Conference Date",
            "Strategy Discussion Date",
            "Previous Conference Date",
            "Previous Conference Type",
            "Chair",
            "Venue",
            "What Are We Worried About",
            "What Is Working Well",
            "What Needs To Happen",
            "Decision",
            "Next Review Date",
            *CONFERENCE_V2_COLUMNS,
        ],
        conferences,
        wrap=["Reasons For Conference", "Parents' Views", "Child's Views", "Contingency Plan"],
    )
    write_sheet(
        wb,
        "Conference Children",
        [
            "Conference ID",
            "Child ID",
            "Child Name",
            "Date of Birth",
            "Category of Abuse",
            "Plan",
            "Decision",
        ],
        children,
    )
    write_sheet(
        wb,
        "Conference Attendees",
        [
            "Conference ID",
            "Name",
            "Agency",
            "Attendance",
            "Report Submitted",
            "Recommendation",
            "Core Group Member",
            "Copy Of Report",
        ],
        attendees,
    )
    write_sheet(
        wb,
        "Plan Actions",
        ["Conference ID", "Action", "Responsible", "By When", "Outcome Sought"],
        [list(row) for row in PLAN_ACTIONS],
        wrap=["Action", "Outcome Sought"],
    )
    save_workbook(wb, path)


def main() -> None:
    SAMPLES.mkdir(exist_ok=True)
    make_annual(SAMPLES / "annual_2014.xlsx")
    make_review_meetings(SAMPLES / "review_meetings.xlsx")
    make_alerts(SAMPLES / "alerts.xlsx")
    make_conferences(SAMPLES / "conferences.xlsx")
    for name in ("annual_2014.xlsx", "review_meetings.xlsx", "alerts.xlsx", "conferences.xlsx"):
        print(f"wrote {(SAMPLES / name).relative_to(ROOT)}")


if __name__ == "__main__":
    main()
