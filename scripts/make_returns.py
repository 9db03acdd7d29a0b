"""Write the sample council's DfE returns for 2013-14 into samples/returns_2014/.

The SSDA903 return (header, episodes, reviews, placed for adoption, and last year's
reviews that anchor this year's review chains) is made from the sample annual
workbook's Children, Reviews and Adoptions, so that ``docgen annual --year 2014
--data samples/returns_2014`` prints the same tables as the workbook. Beside it goes
that workbook without the sheets the return gives (Report, Disputes, Staff, Figures,
History, Narrative, Priorities, and the CP sheets: no CIN census is in the set, so
the CP figures still come from the workbook).

Episodes split a child's period of care the way case-management systems record it:
an interim care order becoming a care order, a care order becoming a placement order,
placement moves; each change ends the episode with X1 on the day the next begins. A
few open episodes carry X1 as their reason ceased, as some systems export them.

samples/returns_2014_cin/ holds the same SSDA903 files with a CIN census
(census_2014.xml) made from the workbook's CP Plans, one Child per plan: the strategy
discussion, the initial conference that began the plan (siblings share both), and
the review conferences the plan had, in time. Its workbook leaves out the CP sheets
too. The census counts conferences per child, where the workbook counts each
conference once, so only the conference table differs from the workbook's.

Run after scripts/make_samples.py: ``python scripts/make_returns.py``.
"""

from __future__ import annotations

import csv
import io
import random
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT))

from make_samples import save_workbook  # noqa: E402

from docgen.models import ANNUAL, Adoption, Child, CPPlan, Review  # noqa: E402
from docgen.pipeline import load  # noqa: E402
from docgen.returns.ssda903 import TABLES  # noqa: E402
from docgen.settings import Settings  # noqa: E402
from docgen.timescales import (  # noqa: E402
    add_months,
    add_working_days,
    first_review_due,
    is_working_day,
    working_days_before,
)

SAMPLES = ROOT / "samples"
OUT = SAMPLES / "returns_2014"
OUT_CIN = SAMPLES / "returns_2014_cin"
SEED = 903_2014
PERIOD_START, PERIOD_END = date(2013, 4, 1), date(2014, 3, 31)
#: The legal status a child's earlier episode held before its last one (RNE L).
EARLIER_STATUS = {"C2": "C1", "E1": "C2", "D1": "C2"}
FOSTER = ["U1", "U3", "U4", "U4", "U5", "U6", "U6"]
ETHNIC = ["WBRI"] * 6 + ["MWBC", "BAFR", "AOTH"]
CIN_CODES = ["N1", "N1", "N1", "N2", "N4", "N5", "N6", "N8"]


def ddmmyyyy(day: date | None) -> str:
    return "" if day is None else day.strftime("%d/%m/%Y")


def placement(rng: random.Random, status: str) -> tuple[str, str, str]:
    """PLACE, PLACE_PROVIDER and URN for an episode of this legal status."""
    if status in ("V3", "V4"):
        return "T4", "PR1", "XXXXXXX"
    if status == "E1" and rng.random() < 0.4:
        return rng.choice(["A5", "A6"]), "PR1", "XXXXXXX"
    if rng.random() < 0.12:
        return "K2", rng.choice(["PR1", "PR4"]), f"SC{rng.randint(380000, 399999)}"
    if rng.random() < 0.06:
        return "P1", "PR0", "XXXXXXX"
    return rng.choice(FOSTER), rng.choice(["PR1", "PR1", "PR4"]), "XXXXXXX"


def split_days(rng: random.Random, start: date, last: date, count: int) -> list[date]:
    """Up to ``count`` days strictly between ``start`` and ``last``, in order."""
    span = (last - start).days
    if span < 2:
        return []
    return sorted({start + timedelta(days=rng.randint(1, span - 1)) for _ in range(count)})


def episodes_of(rng: random.Random, child: Child) -> list[dict[str, str]]:
    """The child's period of care as episodes joined by X1."""
    last_day = min(child.date_ceased or PERIOD_END, PERIOD_END)
    changes: list[tuple[date, str, str]] = []  # (start, RNE, LS)
    earlier = EARLIER_STATUS.get(child.legal_status)
    if earlier and (last_day - child.became_looked_after).days > 120:
        day = split_days(rng, child.became_looked_after + timedelta(days=40), last_day, 1)
        changes += [(d, "L", child.legal_status) for d in day]
    moves = rng.choices([0, 0, 1, 1, 2], k=1)[0]
    first_status = earlier if changes else child.legal_status
    for day in split_days(rng, child.became_looked_after, last_day, moves):
        if all(day != d for d, _, _ in changes):
            changes.append((day, "P", ""))
    changes.sort()
    starts = [(child.became_looked_after, "S", first_status or child.legal_status), *changes]
    rows = []
    status = starts[0][2]
    for i, (start, rne, new_status) in enumerate(starts):
        status = new_status or status
        ends = starts[i + 1][0] if i + 1 < len(starts) else child.date_ceased
        reason = "X1" if i + 1 < len(starts) else (child.reason_ceased or "")
        if ends is None and rng.random() < 0.08:
            reason = "X1"  # an open episode exported with X1, as some systems do
        place, provider, urn = placement(rng, status)
        rows.append(
            {
                "CHILD": child.child_id,
                "DECOM": ddmmyyyy(start),
                "RNE": rne,
                "LS": status,
                "CIN": rng.choice(CIN_CODES),
                "PLACE": place,
                "PLACE_PROVIDER": provider,
                "DEC": ddmmyyyy(ends),
                "REC": reason,
                "REASON_PLACE_CHANGE": "CARPL" if rne == "P" else "",
                "HOME_POST": f"WB{rng.randint(1, 9)} {rng.randint(1, 9)}",
                "PL_POST": f"WB{rng.randint(1, 9)} {rng.randint(1, 9)}",
                "URN": urn,
            }
        )
    return rows


def review_anchor(child: Child, first: Review) -> date | None:
    """The review before a child's first review of the year, as the workbook's Due Date
    implies it (first review 28 days after DECOM, second 90 days after the first, then
    every 180 days); None when the year's first review is the child's first."""
    first_due = first_review_due(child.became_looked_after)
    if first.due_date is None or first.due_date == first_due:
        return None
    second = first.due_date - timedelta(days=90)
    if child.became_looked_after <= second <= first_due:
        return second
    return first.due_date - timedelta(days=180)


def write_csv(path: Path, table: str, rows: list[dict[str, str]]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=TABLES[table], lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode("utf-8"))


def header_rows(rng: random.Random, children: list[Child]) -> list[dict[str, str]]:
    rows = []
    for child in children:
        girl = child.sex == "2"
        old_enough = (PERIOD_END - child.dob).days > 12 * 365
        rows.append(
            {
                "CHILD": child.child_id,
                "SEX": child.sex or "",
                "DOB": ddmmyyyy(child.dob),
                "ETHNIC": child.ethnicity,
                "UPN": f"Z{rng.randint(10**11, 10**12 - 1)}",
                "MOTHER": "0" if girl and old_enough else "",
                "MC_DOB": "",
            }
        )
    return rows


def review_rows(children: list[Child], reviews: list[Review]) -> tuple[list[Any], list[Any]]:
    """This year's reviews, and last year's that anchor each child's chain."""
    by_id = {c.child_id: c for c in children}
    this_year, last_year, anchored = [], [], set()
    for review in sorted(reviews, key=lambda r: (r.review_date, r.child_id)):
        child = by_id[review.child_id]
        row = {
            "CHILD": child.child_id,
            "DOB": ddmmyyyy(child.dob),
            "REVIEW": ddmmyyyy(review.review_date),
            "REVIEW_CODE": review.participation or "",
        }
        this_year.append(row)
        if child.child_id in anchored:
            continue
        anchored.add(child.child_id)
        anchor = review_anchor(child, review)
        if anchor is not None:
            last_year.append(
                {
                    **row,
                    "REVIEW": ddmmyyyy(anchor),
                    "REVIEW_CODE": "PN1" if (anchor - child.dob).days > 4 * 365 else "PN0",
                }
            )
    last_year.sort(key=lambda r: r["REVIEW"][6:] + r["REVIEW"][3:5] + r["REVIEW"][:2])
    return this_year, last_year


def before_working(day: date) -> date:
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def family_meetings(rng: random.Random, plan: CPPlan) -> tuple[date, list[date]]:
    """A family's strategy discussion before its initial conference, and the review
    conferences of its plan held by 31 March (or the plan's end), each in time."""
    # 6-14 working days before: within the 15
    strategy = working_days_before(plan.plan_start, rng.randint(6, 14))
    assert add_working_days(strategy, 15) >= plan.plan_start
    reviews, previous, months = [], plan.plan_start, 3
    last = min(plan.plan_end or PERIOD_END, PERIOD_END)
    while True:
        held = before_working(add_months(previous, months) - timedelta(days=rng.randint(0, 20)))
        if held >= last:
            return strategy, reviews
        reviews.append(held)
        previous, months = held, 6


def xml_child(rng: random.Random, plan: CPPlan, meetings: tuple[date, list[date]]) -> str:
    strategy, reviews = meetings
    born = plan.plan_start - timedelta(days=rng.randint(120, 16 * 365))
    review_xml = "".join(f"<CPPreviewDate>{d:%Y-%m-%d}</CPPreviewDate>" for d in reviews)
    end = f"<CPPendDate>{plan.plan_end:%Y-%m-%d}</CPPendDate>" if plan.plan_end else ""
    return (
        "    <Child>\n"
        f"      <ChildIdentifiers><LAchildID>{plan.child_id}</LAchildID>"
        f"<UPN>Z{rng.randint(10**11, 10**12 - 1)}</UPN>"
        f"<PersonBirthDate>{born:%Y-%m-%d}</PersonBirthDate>"
        f"<GenderCurrent>{rng.choice('12')}</GenderCurrent></ChildIdentifiers>\n"
        f"      <ChildCharacteristics><Ethnicity>{rng.choice(ETHNIC)}</Ethnicity>"
        "</ChildCharacteristics>\n"
        "      <CINdetails>\n"
        f"        <CINreferralDate>{strategy - timedelta(days=rng.randint(2, 20)):%Y-%m-%d}"
        "</CINreferralDate><ReferralSource>1A</ReferralSource>"
        "<PrimaryNeedCode>N1</PrimaryNeedCode>\n"
        f"        <Section47><S47ActualStartDate>{strategy:%Y-%m-%d}</S47ActualStartDate>"
        f"<InitialCPCtarget>{add_working_days(strategy, 15):%Y-%m-%d}</InitialCPCtarget>"
        f"<DateOfInitialCPC>{plan.plan_start:%Y-%m-%d}</DateOfInitialCPC>"
        "<ICPCnotRequired>false</ICPCnotRequired></Section47>\n"
        f"        <ChildProtectionPlans><CPPstartDate>{plan.plan_start:%Y-%m-%d}</CPPstartDate>"
        f"{end}<InitialCategoryOfAbuse>{plan.category}</InitialCategoryOfAbuse>"
        f"<LatestCategoryOfAbuse>{plan.category}</LatestCategoryOfAbuse>"
        "<NumberOfPreviousCPP>0</NumberOfPreviousCPP>"
        f"<Reviews>{review_xml}</Reviews></ChildProtectionPlans>\n"
        "      </CINdetails>\n"
        "    </Child>\n"
    )


def census_xml(rng: random.Random, plans: list[CPPlan]) -> str:
    """The CIN census: one Child per plan; siblings share their family's meetings."""
    families: dict[str, tuple[date, list[date]]] = {}
    children = []
    for plan in sorted(plans, key=lambda p: p.child_id):
        meetings = families.setdefault(plan.family_id, family_meetings(rng, plan))
        children.append(xml_child(rng, plan, meetings))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<Message>\n'
        "  <Header><CollectionDetails><Collection>CIN</Collection><Year>2014</Year>"
        "<ReferenceDate>2014-03-31</ReferenceDate></CollectionDetails></Header>\n"
        "  <Children>\n" + "".join(children) + "  </Children>\n</Message>\n"
    )


def main() -> None:
    rng = random.Random(SEED)
    tables, report = load(SAMPLES / "annual_2014.xlsx", ANNUAL, Settings())
    assert report.ok, report.to_text()
    children = sorted(tables[Child], key=lambda c: c.child_id)
    OUT.mkdir(exist_ok=True)
    write_csv(OUT / "header.csv", "header", header_rows(rng, children))
    episodes = [row for child in children for row in episodes_of(rng, child)]
    write_csv(OUT / "episodes.csv", "episodes", episodes)
    this_year, last_year = review_rows(children, list(tables[Review]))
    write_csv(OUT / "reviews.csv", "reviews", this_year)
    write_csv(OUT / "reviews_last.csv", "reviews", last_year)
    placed = [
        {
            "CHILD": a.child_id,
            "DOB": ddmmyyyy(a.dob),
            "DATE_PLACED": ddmmyyyy(a.date_placed),
            "DATE_PLACED_CEASED": "",
            "REASON_PLACED_CEASED": "",
        }
        for a in sorted(tables[Adoption], key=lambda a: (a.date_placed, a.child_id))
    ]
    write_csv(OUT / "placed_adoption.csv", "placed_adoption", placed)
    book = load_workbook(SAMPLES / "annual_2014.xlsx")
    for name in ("Children", "Reviews", "Adoptions"):
        del book[name]
    save_workbook(book, OUT / "annual_2014.xlsx")
    OUT_CIN.mkdir(exist_ok=True)
    for path in sorted(OUT.glob("*.csv")):
        (OUT_CIN / path.name).write_bytes(path.read_bytes())
    census = census_xml(random.Random(SEED + 1), list(tables[CPPlan]))
    (OUT_CIN / "census_2014.xml").write_bytes(census.encode("utf-8"))
    for name in ("CP Plans", "CP Conferences"):
        del book[name]
    save_workbook(book, OUT_CIN / "annual_2014.xlsx")
    for path in sorted([*OUT.iterdir(), *OUT_CIN.iterdir()]):
        print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
