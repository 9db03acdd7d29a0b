"""DfE code lists (SSDA903, CIN census) and the service's own choice lists.

A column of codes accepts either the code (``C2``) or its label (``Care Order``),
in any case. Each code maps to the category the annual report counts it under;
the report's row labels are the categories, in the order the published report
prints them.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from docgen.workbook import normalise


@dataclass(frozen=True)
class CodeList:
    """A closed list of codes with labels and report categories.

    ``synonyms`` are further accepted spellings (a category word, a common
    abbreviation) mapped to a code.
    """

    name: str
    entries: tuple[tuple[str, str, str], ...]  # (code, label, category)
    synonyms: dict[str, str] = field(default_factory=dict)
    categories: tuple[str, ...] = ()
    #: Spellings already understood, as typed: a few hundred at most.
    _seen: dict[str, str] = field(default_factory=dict, init=False, repr=False, compare=False)
    #: Every accepted spelling, normalised -> its code.
    _lookup: dict[str, str] = field(default_factory=dict, init=False, repr=False, compare=False)
    #: Code -> (label, category): asked once per row of a national workbook.
    _by_code: dict[str, tuple[str, str]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        lookup = self._lookup
        for code, label, _category in self.entries:
            lookup.setdefault(normalise(label), code)
        for spelling, code in self.synonyms.items():
            lookup.setdefault(normalise(spelling), code)
        for code, label, category in self.entries:
            lookup[normalise(code)] = code
            self._by_code.setdefault(code, (label, category))
        if not self.categories:
            cats = tuple(dict.fromkeys(c for _, _, c in self.entries))
            object.__setattr__(self, "categories", cats)

    def parse(self, value: str) -> str | None:
        """The code for a code or label as typed, or None when it is not on the list.

        Spellings already understood are remembered as typed (a few hundred at most),
        so a column of 200,000 codes is normalised a handful of times, not per cell.
        """
        found = self._seen.get(value)
        if found is None:
            found = self._lookup.get(normalise(value))
            if found is not None and len(self._seen) < 512:
                self._seen[value] = found
        return found

    def nearest(self, value: str, n: int = 2) -> list[str]:
        """The codes whose code, label or accepted spelling is closest to ``value`` as
        typed (``Care Ordr`` -> ``C2``), at most ``n`` of them, closest first."""
        typed = normalise(value)
        close = difflib.get_close_matches(typed, list(self._lookup), n=n * 3, cutoff=0.75)
        # never the opposite: "Not present" is not near "Present" (Attended), nor
        # "Invited" near "Not Invited", however alike the letters
        close = [s for s in close if _negated(s) == _negated(typed)]
        return list(dict.fromkeys(self._lookup[spelling] for spelling in close))[:n]

    def suggest(self, value: str) -> str:
        """``did you mean 'Care Order' (C2)?`` for a near miss, else ``''``."""
        found = self.nearest(value)
        shown = [f"{self.label(c)!r} ({c})" if self.label(c) != c else repr(c) for c in found]
        return f"did you mean {' or '.join(shown)}?" if shown else ""

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(code for code, _, _ in self.entries)

    def label(self, code: str) -> str:
        return self._by_code[code][0]

    def category(self, code: str) -> str:
        return self._by_code[code][1]

    @property
    def a_name(self) -> str:
        """The list's name with its article: 'a legal status', 'an ethnicity'."""
        return a_or_an(self.name)

    def describe(self, limit: int = 20) -> str:
        """How an error message lists the accepted values."""
        shown = [f"{code} ({label})" if code != label else code for code, label, _ in self.entries]
        more = "" if len(shown) <= limit else f", ... ({len(shown)} in all)"
        return f"{self.a_name} code or label: " + ", ".join(shown[:limit]) + more


_NEGATIONS = frozenset({"not", "no", "non", "never", "without"})


def _negated(spelling: str) -> bool:
    """Whether a normalised spelling says "not": ``not invited``, ``no plan``."""
    return not _NEGATIONS.isdisjoint(re.split(r"[^a-z]+", spelling.lower()))


ICO, CO, PPP, EPO, PO = (
    "Interim Care Order",
    "Care Order",
    "Police Powers of Protection",
    "Emergency Protection Order",
    "Placement Order",
)
YJ = "Youth Justice Remand to the Local Authority"
S20 = "S20 Accommodated by agreement of parents"
SHORT_BREAKS = "Short breaks"

LEGAL_STATUS = CodeList(
    "legal status",
    (
        ("C1", ICO, ICO),
        ("C2", CO, CO),
        ("L1", PPP, PPP),
        ("L2", EPO, EPO),
        ("L3", "Child Assessment Order", EPO),
        ("E1", PO, PO),
        ("D1", "Freeing Order", PO),
        ("J1", "Remanded to local authority accommodation", YJ),
        ("J2", "Placed in local authority accommodation under PACE", YJ),
        ("J3", "Sentenced to a Youth Rehabilitation Order", YJ),
        ("V2", "Single period of accommodation under section 20", S20),
        ("V3", "Accommodated under an agreed series of short-term breaks", SHORT_BREAKS),
        ("V4", "Short breaks under section 20 (series of short breaks)", SHORT_BREAKS),
    ),
    synonyms={
        YJ: "J1",
        "Youth Justice Remand": "J1",
        S20: "V2",
        "Section 20": "V2",
        "S20": "V2",
        "Police Protection": "L1",
        "Short breaks": "V3",
        "Respite": "V3",
        "ICO": "C1",
        "EPO": "L2",
        # the other orders' usual initials: "CO" was offered 'Interim Care Order' and
        # "PO" 'Emergency Protection Order' as the nearest spelling
        "CO": "C2",
        "PO": "E1",
        "PPO": "L1",
    },
    categories=(ICO, CO, PPP, PO, YJ, EPO, S20, SHORT_BREAKS),
)
SHORT_BREAK_CODES = frozenset({"V3", "V4"})

_ETHNIC_GROUPS = {
    "White": ("WBRI", "WIRI", "WIRT", "WOTH", "WROM"),
    "Mixed": ("MWBC", "MWBA", "MWAS", "MOTH"),
    "Asian": ("AIND", "APKN", "ABAN", "AOTH"),
    "Black": ("BCRB", "BAFR", "BOTH"),
    "Other": ("CHNE", "OOTH"),
    "N/A": ("REFU", "NOBT"),
}
_ETHNIC_LABELS = {
    "WBRI": "White British",
    "WIRI": "White Irish",
    "WIRT": "Traveller of Irish heritage",
    "WOTH": "Any other White background",
    "WROM": "Gypsy/Roma",
    "MWBC": "White and Black Caribbean",
    "MWBA": "White and Black African",
    "MWAS": "White and Asian",
    "MOTH": "Any other mixed background",
    "AIND": "Indian",
    "APKN": "Pakistani",
    "ABAN": "Bangladeshi",
    "AOTH": "Any other Asian background",
    "BCRB": "Caribbean",
    "BAFR": "African",
    "BOTH": "Any other Black background",
    "CHNE": "Chinese",
    "OOTH": "Any other ethnic group",
    "REFU": "Refused",
    "NOBT": "Information not yet obtained",
}
ETHNICITY = CodeList(
    "ethnicity",
    tuple(
        (code, _ETHNIC_LABELS[code], group)
        for group, codes in _ETHNIC_GROUPS.items()
        for code in codes
    ),
    # The group words themselves are accepted and stand for the group's "any other" code.
    synonyms={
        "White": "WOTH",
        "Mixed": "MOTH",
        "Asian": "AOTH",
        "Black": "BOTH",
        "Other": "OOTH",
        "N/A": "NOBT",
        "NA": "NOBT",
    },
)


def ethnic_group(code: str, chne_group: str = "Other") -> str:
    """The report row for an ethnicity code; CHNE's group is a setting (sources differ)."""
    return chne_group if code == "CHNE" else ETHNICITY.category(code)


CATEGORY_OF_ABUSE = CodeList(
    "category of abuse",
    (
        ("NEG", "Neglect", "Neglect"),
        ("PHY", "Physical Abuse", "Physical Abuse"),
        ("SAB", "Sexual Abuse", "Sexual Abuse"),
        ("EMO", "Emotional Abuse", "Emotional Abuse"),
        ("MUL", "Multiple", "Multiple"),
    ),
    synonyms={"Physical": "PHY", "Sexual": "SAB", "Emotional": "EMO", "Multiple categories": "MUL"},
)

PARTICIPATION = CodeList(
    "review participation",
    (
        ("PN0", "Child aged under 4 at the time of the review", "PN0"),
        ("PN1", "Child physically attends and speaks for him or herself", "PN1"),
        ("PN2", "Child physically attends and an advocate speaks on his or her behalf", "PN2"),
        ("PN3", "Child attends and conveys his or her view symbolically (non-verbally)", "PN3"),
        ("PN4", "Child physically attends but does not speak for him or herself", "PN4"),
        (
            "PN5",
            "Child does not attend physically but briefs an advocate to speak for him or her",
            "PN5",
        ),
        (
            "PN6",
            "Child does not attend but conveys his or her feelings by a facilitative medium",
            "PN6",
        ),
        ("PN7", "Child does not attend nor are his or her views conveyed to the review", "PN7"),
    ),
)

SEX = CodeList(
    "sex",
    (("1", "Male", "Male"), ("2", "Female", "Female")),
    synonyms={"M": "1", "F": "2", "Boy": "1", "Girl": "2"},
)

ATTENDANCE = CodeList(
    "attendance",
    tuple((a, a, a) for a in ("Attended", "Contributed", "Apologies", "Not Invited")),
    # "Did not attend" is not "Apologies" (at a CP conference the difference matters):
    # it is refused with this list rather than rewritten.
    synonyms={"Present": "Attended", "Sent apologies": "Apologies"},
)

CONFERENCE_TYPE = CodeList(
    "conference type",
    (("Initial", "Initial", "Initial"), ("Review", "Review", "Review")),
    synonyms={
        "ICPC": "Initial",
        "RCPC": "Review",
        "Initial conference": "Initial",
        "Review conference": "Review",
    },
)

STAFF_ROLE = CodeList(
    "staff role",
    tuple((r, r, r) for r in ("IRO", "Manager", "Co-ordinator", "LADO")),
    synonyms={
        "Coordinator": "Co-ordinator",
        "IRO Manager": "Manager",
        "Independent Reviewing Officer": "IRO",
    },
)

PRIORITY_KIND = CodeList(
    "priority kind",
    (("Priority", "Priority", "Priority"), ("Recommendation", "Recommendation", "Recommendation")),
)

#: v2: how far a previous review's decision was carried out (IRO Handbook: the review
#: considers progress on the decisions of the last one).
PROGRESS = CodeList(
    "progress",
    tuple((p, p, p) for p in ("Achieved", "Partly achieved", "Not achieved")),
    synonyms={"Done": "Achieved", "Partly": "Partly achieved", "Not done": "Not achieved"},
)

#: v2: an agency's recommendation at a child protection conference.
RECOMMENDATION = CodeList(
    "recommendation",
    (("Plan", "Plan", "Plan"), ("No plan", "No plan", "No plan")),
    synonyms={"CP plan": "Plan", "Child protection plan": "Plan", "No CP plan": "No plan"},
)

#: v2: the conference's decision for one child. Plan and Plan continues mean the child
#: is (still) subject of a child protection plan; No plan and Plan ends mean not.
CHILD_DECISION = CodeList(
    "conference decision",
    tuple((d, d, d) for d in ("Plan", "No plan", "Plan continues", "Plan ends")),
    synonyms={
        "Continue plan": "Plan continues",
        "End plan": "Plan ends",
        "Plan ended": "Plan ends",
        # as an agency's recommendation takes them (RECOMMENDATION)
        "CP plan": "Plan",
        "Child protection plan": "Plan",
        "No CP plan": "No plan",
    },
)
WITH_PLAN = frozenset({"Plan", "Plan continues"})


STAGES = {1: "Team Manager", 2: "Service Manager", 3: "Service Director", 4: "CAFCASS"}
STAGES_EXPECTED = "a stage from 1 to 4: " + ", ".join(
    f"{n} ({label})" for n, label in STAGES.items()
)


#: Every spelling of a stage, normalised: 2, stage 2, service manager, stage 2 service manager.
_STAGE_SPELLINGS = {
    spelling: number
    for number, label in STAGES.items()
    for bare in (str(number), normalise(label))
    for spelling in (bare, f"stage {bare}", f"stage {number} {normalise(label)}")
}


def parse_stage(text: str) -> int | None:
    """A dispute-resolution stage typed as 2, 'Stage 2', 'Stage 2: Service Manager' or
    its label 'Service Manager'."""
    return _STAGE_SPELLINGS.get(normalise(text.replace(":", " ")))


def a_or_an(noun: str) -> str:
    """``an ethnicity``, ``a legal status``: the noun with its article."""
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


HISTORY_TABLES = (
    "Age",
    "Legal Status",
    "Ethnicity",
    "Adoptions",
    "Category of Abuse",
    "Reviews",
    "Conferences",
    "Participation",
    "Ceased",
    "Caseloads",
)
HISTORY_TABLE = CodeList("History table", tuple((t, t, t) for t in HISTORY_TABLES))
