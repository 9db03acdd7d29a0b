"""Row models for every sheet of the input contract, and the explicit cell converters.

Each sheet is a Pydantic model whose field aliases are the contract's column
headers. Cells are never given to Pydantic's lax coercion (which reads the
integer 86400 in a date field as 1970-01-02 and "007" as 7): each column's type
picks one explicit converter below, which turns a raw cell into a Python value or
a message saying what was expected. The models are then validated in strict
mode, so nothing is guessed twice.

The same models generate the JSON Schemas in ``schemas/``, the workbook reference
in ``docs/workbooks.md`` and the blank workbooks of ``docgen new-workbook``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from types import NoneType, UnionType
from typing import Annotated, Any, ClassVar, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field

from docgen import codes
from docgen.codes import CodeList

# --------------------------------------------------------------------------- converters


class CellError(ValueError):
    """A cell's value cannot be converted; ``expected`` says what would be accepted."""

    def __init__(self, message: str, expected: str, code: str) -> None:
        super().__init__(message)
        self.expected = expected
        self.code = code


_MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_NUMERIC_DATE = re.compile(r"^(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]00:00(?::00)?)?$")
_SHORT_YEAR = re.compile(r"^(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{2})$")
_WORDY_DATE = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]+)\.?,?\s+(\d{4})$")
DATE_EXPECTED = "a date such as 31/03/2014 (day first)"
YES = frozenset({"y", "yes", "true", "1"})
NO = frozenset({"n", "no", "false", "0"})
YES_NO_EXPECTED = "Y or N (also Yes/No, TRUE/FALSE, 1/0)"


def to_date(value: Any) -> date:
    """A real Excel date, or UK text (31/03/2014, 31-03-2014, 2014-03-31, 31 March 2014)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise CellError("is TRUE/FALSE, not a date", DATE_EXPECTED, "invalid-date")
    if isinstance(value, int | float):
        raise CellError("is a number, not a date", DATE_EXPECTED, "invalid-date")
    text = str(value).strip()
    for pattern, order in ((_NUMERIC_DATE, "dmy"), (_ISO_DATE, "ymd"), (_WORDY_DATE, "dMy")):
        match = pattern.match(text)
        if not match:
            continue
        parts = dict(zip(order, match.groups(), strict=True))
        month = _MONTHS.get(parts["M"].lower()) if "M" in parts else int(parts["m"])
        if month is None:
            break
        try:
            return date(int(parts["y"]), month, int(parts["d"]))
        except ValueError:
            raise CellError("is not a real calendar date", DATE_EXPECTED, "invalid-date") from None
    short = _SHORT_YEAR.match(text)
    if short:  # 14/08/17: which century is a guess docgen does not make
        day, month_text, year = short.groups()
        full = f"{'20' if int(year) <= 50 else '19'}{year}"
        raise CellError(
            "has a two-digit year",
            f"the year in full, such as {day}/{month_text}/{full}",
            "invalid-date",
        )
    raise CellError("is not a date", DATE_EXPECTED, "invalid-date")


def to_bool(value: Any) -> bool:
    """Y/N, Yes/No, TRUE/FALSE, 1/0."""
    if isinstance(value, bool):
        return value
    text = str(int(value) if isinstance(value, float) and value.is_integer() else value)
    folded = text.strip().casefold()
    if folded in YES:
        return True
    if folded in NO:
        return False
    raise CellError("is not yes or no", YES_NO_EXPECTED, "invalid-yes-no")


def to_text(value: Any) -> str:
    """Text as typed; a whole number Excel stored as 1234.0 reads back as ``1234``.

    IDs are text: ``007`` stays ``007`` (it can only arrive as text), and a date
    typed into a text column is shown as the user sees it.
    """
    if value.__class__ is str:  # most cells: answered before the four checks below
        return value
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def to_int(value: Any) -> int:
    if isinstance(value, bool):
        raise CellError("is not a whole number", "a whole number", "invalid-number")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = str(value).strip()
    if re.fullmatch(r"[+-]?\d+", text):
        return int(text)
    raise CellError("is not a whole number", "a whole number", "invalid-number")


def to_float(value: Any) -> float:
    if isinstance(value, bool):
        raise CellError("is not a number", "a number such as 0.5", "invalid-number")
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip()
    divisor = 1
    if text.endswith("%"):  # typed as 80%, or a number Excel formats as a percentage
        text, divisor = text[:-1].strip(), 100
    if re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
        return float(text) / divisor
    raise CellError("is not a number", "a number such as 0.5", "invalid-number")


@dataclass(frozen=True)
class Coded:
    """Field metadata: the column takes a code or label from ``codes``."""

    codes: CodeList

    def convert(self, value: Any) -> str:
        found = self.codes.parse(to_text(value))
        if found is None:
            hint = self.codes.suggest(to_text(value))
            if hint:  # a near miss: the nearest one or two, not the whole list
                n = len(self.codes.entries)
                expected = f"{self.codes.a_name} code or label ({n} in all: docs/workbooks.md)"
                raise CellError(f"is not {self.codes.a_name}; {hint}", expected, "invalid-code")
            raise CellError(f"is not {self.codes.a_name}", self.codes.describe(), "invalid-code")
        return found


ID_EXPECTED = "an ID typed as text or a number"


def to_id(value: Any) -> str:
    """An ID as typed: text, or a whole number Excel stored as 1234.0.

    TRUE/FALSE or a date in an ID column is a slip (an autofilled or reformatted
    cell), never an ID: it is refused rather than read as 'Yes' or '01/01/2013'.
    """
    if value.__class__ is str:
        return value
    if isinstance(value, bool):
        raise CellError("is a true/false value, not an ID", ID_EXPECTED, "invalid-id")
    if isinstance(value, datetime | date):
        raise CellError("is a date, not an ID", ID_EXPECTED, "invalid-id")
    if isinstance(value, time | timedelta):
        raise CellError("is a time, not an ID", ID_EXPECTED, "invalid-id")
    return to_text(value)


def to_stage(value: Any) -> int:
    """A dispute-resolution stage: 1-4, 'Stage 2', or its label ('Service Manager')."""
    stage = None if isinstance(value, bool) else codes.parse_stage(to_text(value))
    if stage is None:
        raise CellError("is not a stage", codes.STAGES_EXPECTED, "invalid-code")
    return stage


PERIOD_YEAR_EXPECTED = "the year the period ends, as a whole number: 2014 for 2013/14"


def to_period_year(value: Any) -> int:
    """A year a reporting period ends. Published tables head their columns ``2013/14``,
    so a refusal says which year that is rather than only "a whole number"."""
    try:
        return to_int(value)
    except CellError as exc:
        raise CellError(str(exc), PERIOD_YEAR_EXPECTED, exc.code) from None


STAGE_DESCRIPTION = (
    "1 Team Manager, 2 Service Manager, 3 Service Director, 4 CAFCASS: the number, "
    "'Stage 2' or the label."
)


TIME_EXPECTED = "a time of day such as 10:30 (or 10.30am)"
_CLOCK = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$", re.IGNORECASE)


def to_clock(value: Any) -> str:
    """A time of day as a letter prints it, ``10:30``: an Excel time, or text typed as
    10:30, 10.30, 2pm or 2.15pm. The letter says the time; a date is not a time."""
    if isinstance(value, time):
        return f"{value:%H:%M}"
    if isinstance(value, timedelta):
        minutes = round(value.total_seconds() / 60)
        if 0 <= minutes < 24 * 60:
            return f"{minutes // 60:02d}:{minutes % 60:02d}"
    elif isinstance(value, float) and 0 <= value < 1:  # Excel's fraction of a day
        minutes = round(value * 24 * 60)
        return f"{minutes // 60:02d}:{minutes % 60:02d}"
    elif isinstance(value, str) and (match := _CLOCK.match(value.strip())):
        hour, minute, half = int(match[1]), int(match[2] or 0), (match[3] or "").lower()
        hour += 12 if half == "pm" and hour < 12 else 0
        hour -= 12 if half == "am" and hour == 12 else 0
        if hour < 24 and minute < 60 and (match[2] or half):
            return f"{hour:02d}:{minute:02d}"
    raise CellError("is not a time of day", TIME_EXPECTED, "invalid-time")


@dataclass(frozen=True)
class Converted:
    """Field metadata: the column's cells go through ``convert`` instead of the type's."""

    convert: Callable[[Any], Any]


_CONVERTERS: dict[type, Callable[[Any], Any]] = {
    date: to_date,
    bool: to_bool,
    int: to_int,
    float: to_float,
    str: to_text,
}


@dataclass(frozen=True)
class ColumnSpec:
    """What validation needs to know about one column, derived from a model field."""

    name: str
    header: str
    aliases: tuple[str, ...]
    required: bool
    type: type
    convert: Callable[[Any], Any]
    description: str
    codes: CodeList | None


def column_specs(model: type[BaseModel]) -> list[ColumnSpec]:
    """The columns of a sheet model, in contract order."""
    specs = []
    for name, info in model.model_fields.items():
        annotation = info.annotation
        if get_origin(annotation) in (Union, UnionType):
            annotation = next(a for a in get_args(annotation) if a is not NoneType)
        coded = next((m for m in info.metadata if isinstance(m, Coded)), None)
        converter = next((m for m in info.metadata if isinstance(m, Converted | Coded)), None)
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        specs.append(
            ColumnSpec(
                name=name,
                header=info.alias or name,
                aliases=tuple(extra.get("x-aliases", ())),  # type: ignore[arg-type]  # JSON value
                required=info.is_required(),
                type=annotation,  # type: ignore[arg-type]  # a column's plain type
                convert=converter.convert if converter else _CONVERTERS[annotation],  # type: ignore[index]  # ditto
                description=info.description or "",
                codes=coded.codes if coded else None,
            )
        )
    return specs


def column(
    header: str,
    *aliases: str,
    description: str = "",
    schema_pattern: str | None = None,
    **kwargs: Any,
) -> Any:
    """A contract column: ``header`` as the contract spells it, plus accepted aliases.

    ``schema_pattern`` is the form a row's own rule (:meth:`Row.problems`) checks, given
    to the JSON Schema so that a program meets it before docgen does.
    """
    extra: dict[str, Any] = {"x-aliases": list(aliases)} if aliases else {}
    if schema_pattern is not None:
        extra["pattern"] = schema_pattern
    return Field(alias=header, description=description, json_schema_extra=extra or None, **kwargs)


def coded(code_list: CodeList) -> Coded:
    return Coded(code_list)


# --------------------------------------------------------------------------- base


#: A rule a row breaks: the field it blames, the message, what is expected, and the
#: other fields the rule compared it with (a date before the date of birth names both).
Breach = tuple[str, str, str] | tuple[str, str, str, tuple[str, ...]]


class Row(BaseModel):
    """One row of a sheet. Subclasses name their sheet and their key column."""

    model_config = ConfigDict(
        populate_by_name=True,
        strict=True,
        frozen=True,
        extra="forbid",
        json_schema_extra={"additionalProperties": True},
        # Each sheet's validator is built when first used, not at import: a command
        # builds only its workbook's (docgen --help builds none), 50 ms sooner to start.
        defer_build=True,
    )
    sheet: ClassVar[str]
    key: ClassVar[str | None] = None
    #: (field, parent sheet): rows whose field matches no parent key are errors.
    parent: ClassVar[tuple[str, str] | None] = None
    #: Child sheets on which each row of this sheet must have at least one row.
    requires: ClassVar[tuple[str, ...]] = ()
    #: (field, *within): a value of ``field`` at most once per values of ``within``.
    once_per: ClassVar[tuple[str, ...] | None] = None

    def problems(self) -> Iterator[Breach]:
        """Rules across the row's own cells: (field, message, expected), then the other
        fields the rule compares it with, so that a message names every cell involved."""
        return iter(())


# --------------------------------------------------------------------------- annual report workbook

ID = Annotated[str, Field(min_length=1, max_length=50), Converted(to_id)]


class ReportSetting(Row):
    """A key-value setting of the report: Council, Service, Author, Author Role."""

    sheet: ClassVar[str] = "Report"
    key: ClassVar[str | None] = "setting"
    setting: str = column(
        "Setting",
        description="Council, Service, Author, Author Role; Year (e.g. 2013-14) names the "
        "reporting year when the file name does not.",
    )
    value: str = column("Value")


class Child(Row):
    """A child looked after at any time in the reporting year."""

    sheet: ClassVar[str] = "Children"
    key: ClassVar[str | None] = "child_id"
    child_id: ID = column("Child ID", "CHILD", description="The child's ID; never a name.")
    dob: date = column("Date of Birth", "DOB")
    sex: Annotated[str | None, coded(codes.SEX)] = column("Sex", "SEX", default=None)
    ethnicity: Annotated[str, coded(codes.ETHNICITY)] = column("Ethnicity", "ETHNIC")
    legal_status: Annotated[str, coded(codes.LEGAL_STATUS)] = column(
        "Legal Status", "LS", description="Status at 31 March, or when care ended."
    )
    became_looked_after: date = column(
        "Date Became Looked After",
        "DECOM",
        description="The start of the child's latest period of care (the DECOM of its first "
        "episode), not of a later placement or legal status: reviews are timed from it.",
    )
    date_ceased: date | None = column("Date Ceased", "DEC", default=None)
    reason_ceased: str | None = column("Reason Ceased", "REC", default=None)
    short_breaks: bool | None = column(
        "Short Breaks", default=None, description="Y for a child looked after for short breaks."
    )
    iro: str | None = column("IRO", default=None)

    @property
    def is_short_breaks(self) -> bool:
        """Short-breaks children are left out of every count, as in the DfE's tables."""
        return bool(self.short_breaks) or self.legal_status in codes.SHORT_BREAK_CODES

    def problems(self) -> Iterator[Breach]:
        if self.became_looked_after < self.dob:
            yield (
                "became_looked_after",
                "is before the child's date of birth",
                "a date on or after the date of birth",
                ("dob",),
            )
        if self.date_ceased and self.date_ceased < self.became_looked_after:
            yield (
                "date_ceased",
                "is before the date the child became looked after",
                "a date on or after Date Became Looked After",
                ("became_looked_after",),
            )


class Review(Row):
    """A looked-after review (earlier ones may be listed to chain due dates)."""

    sheet: ClassVar[str] = "Reviews"
    parent: ClassVar[tuple[str, str] | None] = ("child_id", "Children")
    child_id: ID = column("Child ID", "CHILD")
    review_date: date = column("Review Date")
    due_date: date | None = column(
        "Due Date",
        default=None,
        description="Computed when blank, from the review policy: a child's first review "
        "(no earlier row for the child, and the first-review window closing on or after 1 "
        "April) from Date Became Looked After; a later review from the child's previous row "
        "on this sheet (the second when that row was held within the first-review window). "
        "A child whose first review fell before the year needs a Due Date or a row for the "
        "previous review; so does a review before Date Became Looked After (an earlier "
        "period of care).",
    )
    participation: Annotated[str | None, coded(codes.PARTICIPATION)] = column(
        "Participation", default=None
    )
    iro: str | None = column("IRO", default=None)


class CPPlan(Row):
    """A child protection plan."""

    sheet: ClassVar[str] = "CP Plans"
    child_id: ID = column("Child ID", "CHILD")
    family_id: ID = column("Family ID")
    plan_start: date = column("Plan Start Date")
    plan_end: date | None = column("Plan End Date", default=None)
    category: Annotated[str, coded(codes.CATEGORY_OF_ABUSE)] = column("Category of Abuse")
    iro: str | None = column(
        "IRO", default=None, description="The IRO chairing the child's conferences (v2)."
    )

    def problems(self) -> Iterator[Breach]:
        if self.plan_end and self.plan_end < self.plan_start:
            yield (
                "plan_end",
                "is before the plan's start date",
                "a date on or after the start",
                ("plan_start",),
            )


class CPConference(Row):
    """A child protection conference (one row per conference, not per child)."""

    sheet: ClassVar[str] = "CP Conferences"
    key: ClassVar[str | None] = "conference_id"
    conference_id: ID = column("Conference ID")
    conference_type: Annotated[str, coded(codes.CONFERENCE_TYPE)] = column(
        "Conference Type", description="Initial or Review."
    )
    conference_date: date = column("Conference Date")
    strategy_discussion_date: date | None = column(
        "Strategy Discussion Date",
        default=None,
        description="The (last) strategy discussion; initial conferences.",
    )
    previous_conference_date: date | None = column(
        "Previous Conference Date", default=None, description="Review conferences."
    )
    previous_conference_type: Annotated[str | None, coded(codes.CONFERENCE_TYPE)] = column(
        "Previous Conference Type",
        default=None,
        description="Initial or Review (default Review): a first review is due 3 months "
        "after the initial conference, later ones 6 months after the previous review.",
    )
    due_date: date | None = column(
        "Due Date", default=None, description="Computed from Working Together 2013 when blank."
    )
    out_of_time_approved_by: str | None = column("Out Of Time Approved By", default=None)
    chair: str | None = column("Chair", default=None)

    def problems(self) -> Iterator[Breach]:
        if (
            self.conference_type == "Initial"
            and self.strategy_discussion_date is not None
            and self.strategy_discussion_date > self.conference_date
        ):
            yield (
                "strategy_discussion_date",
                "is after the conference",
                "the date of the strategy discussion before the conference",
                ("conference_date",),
            )
        if (
            self.conference_type == "Review"
            and self.previous_conference_date is not None
            and self.previous_conference_date >= self.conference_date
        ):
            yield (
                "previous_conference_date",
                "is not before this conference",
                "the date of the conference before this one",
                ("conference_date",),
            )
        if self.due_date is None:
            if self.conference_type == "Initial" and self.strategy_discussion_date is None:
                yield (
                    "strategy_discussion_date",
                    "is blank, so the initial conference's due date cannot be computed",
                    "the strategy discussion date, or a Due Date",
                )
            if self.conference_type == "Review" and self.previous_conference_date is None:
                yield (
                    "previous_conference_date",
                    "is blank, so the review conference's due date cannot be computed",
                    "the previous conference date, or a Due Date",
                )


class Adoption(Row):
    """A child placed for adoption."""

    sheet: ClassVar[str] = "Adoptions"
    child_id: ID = column("Child ID", "CHILD")
    dob: date = column("Date of Birth", "DOB")
    date_placed: date = column("Date Placed For Adoption")

    def problems(self) -> Iterator[Breach]:
        if self.date_placed < self.dob:
            yield (
                "date_placed",
                "is before the child's date of birth",
                "a date on or after the date of birth",
                ("dob",),
            )


class Dispute(Row):
    """A dispute-resolution alert raised in the year."""

    sheet: ClassVar[str] = "Disputes"
    key: ClassVar[str | None] = "alert_id"
    parent: ClassVar[tuple[str, str] | None] = ("child_id", "Children")
    alert_id: ID = column("Alert ID")
    child_id: ID = column("Child ID", "CHILD")
    date_raised: date = column("Date Raised")
    highest_stage: Annotated[int, Converted(to_stage)] = column(
        "Highest Stage",
        ge=1,
        le=4,
        description=STAGE_DESCRIPTION,
    )
    date_resolved: date | None = column("Date Resolved", default=None)
    escalated_to_cafcass: bool | None = column(
        "Escalated To CAFCASS",
        default=None,
        description="Y with Highest Stage 4 (CAFCASS), N with stages 1-3; blank follows the stage.",
    )
    category: str | None = column("Category", default=None)

    @property
    def reached_cafcass(self) -> bool:
        """Stage 4 is CAFCASS: the stage decides, so the escalation count always agrees
        with the stage table beside it. A flag that disagrees is a warning."""
        return self.highest_stage == 4

    @property
    def flag_contradicts_stage(self) -> bool:
        """Escalated To CAFCASS says N at stage 4, or Y at stages 1-3."""
        return self.escalated_to_cafcass is not None and self.escalated_to_cafcass != (
            self.highest_stage == 4
        )

    def problems(self) -> Iterator[Breach]:
        if self.date_resolved and self.date_resolved < self.date_raised:
            yield (
                "date_resolved",
                "is before the date the alert was raised",
                "a date on or after Date Raised",
                ("date_raised",),
            )


class StaffMember(Row):
    """A member of the IRO service."""

    sheet: ClassVar[str] = "Staff"
    name: str = column("Name")
    role: Annotated[str, coded(codes.STAFF_ROLE)] = column(
        "Role", description="IRO, Manager, Co-ordinator or LADO."
    )
    fte: float = column("FTE", gt=0, le=1, description="Full-time equivalent, e.g. 0.5.")


class Figure(Row):
    """A figure the service keeps no case-level rows for."""

    sheet: ClassVar[str] = "Figures"
    key: ClassVar[str | None] = "measure"
    measure: str = column(
        "Measure",
        description="e.g. Foster Carer Annual Reviews, LADO Allegations, ADM Adoption Decisions.",
    )
    value: float = column("Value", ge=0)


_COUNT = r"(?:\d{1,3}(?:,\d{3})+|\d+)"  # 1,850 as the report prints it, or 1850
HISTORY_VALUE = re.compile(rf"^(-|{_COUNT}(\.\d+)?%?|{_COUNT} ?\({_COUNT}\))$")


class HistoryEntry(Row):
    """A figure published for an earlier year, printed as it was published."""

    sheet: ClassVar[str] = "History"
    #: Two figures for one cell of a published table: which is right is the user's call.
    once_per: ClassVar[tuple[str, ...] | None] = ("row", "table", "year")
    table: Annotated[str, coded(codes.HISTORY_TABLE)] = column(
        "Table", description="One of: " + ", ".join(codes.HISTORY_TABLES) + "."
    )
    row: str = column("Row", description="The row label the report prints, e.g. Care Order.")
    year: Annotated[int, Converted(to_period_year)] = column(
        "Year", ge=1990, le=2100, description="The year the period ends: 2014 for 2013/14."
    )
    value: str = column(
        "Value",
        description="A number; - where none was published; 89 (1) for an age band "
        "with 1 short-breaks child.",
        schema_pattern=HISTORY_VALUE.pattern,
    )

    def problems(self) -> Iterator[Breach]:
        if not HISTORY_VALUE.match(self.value):
            yield ("value", "is not a published figure", "a number, -, or a form like 89 (1)")
        elif (self.value.endswith("%") or "%" in self.row) and self.value != "-":
            share = float(self.value.rstrip("%").replace(",", ""))
            if share > 100:  # 99.5 typed into a cell formatted as a percentage: 9,950%
                yield ("value", "is more than 100%", "a percentage from 0% to 100%, such as 99.5%")


class NarrativeSection(Row):
    """A section of prose: executive summary, good practice, challenges, ..."""

    sheet: ClassVar[str] = "Narrative"
    section: str = column("Section")
    text: str = column("Text", description="Blank lines separate paragraphs.")


class Priority(Row):
    """A priority or recommendation for the coming year."""

    sheet: ClassVar[str] = "Priorities"
    text: str = column("Text")
    kind: Annotated[str | None, coded(codes.PRIORITY_KIND)] = column(
        "Kind", default=None, description="Priority (default) or Recommendation."
    )


# --------------------------------------------------------------------------- meeting paperwork


class ReviewMeeting(Row):
    """A looked-after review; each becomes one review record."""

    sheet: ClassVar[str] = "Review Meetings"
    key: ClassVar[str | None] = "review_id"
    review_id: ID = column("Review ID")
    child_id: ID = column("Child ID", "CHILD")
    child_name: str = column("Child Name")
    dob: date = column("Date of Birth", "DOB")
    review_date: date = column("Review Date")
    became_looked_after: date = column("Date Became Looked After", "DECOM")
    review_number: int | None = column(
        "Review Number",
        default=None,
        ge=1,
        description="1 for the first review. When blank: 1 with no Previous Review Date; 2 "
        "when the previous review fell within the first review's window; otherwise 3 or later.",
    )
    previous_review_date: date | None = column("Previous Review Date", default=None)
    due_date: date | None = column(
        "Due Date", default=None, description="Computed from the review policy when blank."
    )
    venue: str | None = column("Venue", default=None)
    iro: str = column("IRO")
    social_worker: str | None = column("Social Worker", default=None)
    legal_status: Annotated[str | None, coded(codes.LEGAL_STATUS)] = column(
        "Legal Status", "LS", default=None
    )
    placement: str | None = column("Placement", default=None)
    care_plan: str | None = column("Care Plan", default=None)
    childs_views: str | None = column("Child's Views", default=None)
    parents_views: str | None = column("Parents' Views", default=None)
    health: str | None = column("Health", default=None)
    education: str | None = column("Education", default=None)
    contact: str | None = column("Contact", default=None)
    participation: Annotated[str | None, coded(codes.PARTICIPATION)] = column(
        "Participation", default=None
    )
    iro_comments: str | None = column("IRO Comments", default=None)
    next_review_date: date | None = column(
        "Next Review Date", default=None, description="Computed from the review policy when blank."
    )
    # v2: what the IRO Handbook expects a review record to hold before it is sent.
    placement_start: date | None = column("Placement Start Date", default=None)
    placement_moves: int | None = column(
        "Placement Moves In Last 12 Months",
        default=None,
        ge=0,
        description="v2. Moves of placement in the 12 months before the review (a number).",
    )
    permanence_plan: str | None = column("Permanence Plan", default=None)
    permanence_plan_date: date | None = column(
        "Permanence Plan Date", default=None, description="v2. When permanence is to be achieved."
    )
    care_plan_meets_needs: bool | None = column(
        "Care Plan Meets Needs",
        default=None,
        description="v2. The IRO's judgement: Y when the care plan meets the child's needs.",
    )
    carers_views: str | None = column("Carers' Views", default=None)
    health_assessment_date: date | None = column("Health Assessment Date", default=None)
    dental_check_date: date | None = column("Dental Check Date", default=None)
    pep_date: date | None = column(
        "PEP Date", default=None, description="v2. The latest personal education plan."
    )
    school: str | None = column("School", default=None)
    advocacy_offered: bool | None = column("Advocacy Offered", default=None)
    independent_visitor_offered: bool | None = column("Independent Visitor Offered", default=None)
    final_hearing_date: date | None = column(
        "Final Hearing Date",
        default=None,
        description="v2. Care proceedings: the final hearing of a child on an interim care order.",
    )
    review_time: Annotated[str | None, Converted(to_clock)] = column(
        "Review Time", default=None, description="When the review starts, e.g. 10:30 (invitations)."
    )
    coordinator: str | None = column(
        "Co-ordinator",
        default=None,
        description="Who to contact about the review, with a telephone number (invitations).",
    )

    def problems(self) -> Iterator[Breach]:
        if self.became_looked_after < self.dob:
            yield (
                "became_looked_after",
                "is before the child's date of birth",
                "a date on or after the date of birth",
                ("dob",),
            )
        if self.review_date < self.became_looked_after:
            yield (
                "review_date",
                "is before the child became looked after",
                "a date on or after Date Became Looked After",
                ("became_looked_after",),
            )
        if self.review_number == 1 and self.previous_review_date is not None:
            yield (
                "review_number",
                "is the first review, but a Previous Review Date is given",
                "the number of this review (2 or more), or no Previous Review Date",
                ("previous_review_date",),
            )
        if self.previous_review_date is not None:
            if self.previous_review_date >= self.review_date:
                yield (
                    "previous_review_date",
                    "is not before this review",
                    "the date of the review before this one",
                    ("review_date",),
                )
            elif self.previous_review_date < self.became_looked_after:
                yield (
                    "previous_review_date",
                    "is before the child became looked after",
                    "a date on or after Date Became Looked After",
                    ("became_looked_after",),
                )
        if self.next_review_date is not None and self.next_review_date <= self.review_date:
            yield (
                "next_review_date",
                "is not after this review",
                "a date after the Review Date, or blank to compute it",
                ("review_date",),
            )
        if (
            self.due_date is None
            and (self.review_number or 1) > 1
            and self.previous_review_date is None
        ):
            yield (
                "previous_review_date",
                "is blank, so the due date of a second or later review cannot be computed",
                "the previous review's date, or a Due Date",
            )


class ReviewAttendee(Row):
    """A person invited to a review."""

    sheet: ClassVar[str] = "Attendees"
    parent: ClassVar[tuple[str, str] | None] = ("review_id", "Review Meetings")
    review_id: ID = column("Review ID")
    name: str = column("Name")
    role: str = column("Role")
    attendance: Annotated[str, coded(codes.ATTENDANCE)] = column(
        "Attendance", description="Attended, Contributed, Apologies or Not Invited."
    )
    views: str | None = column(
        "Views", default=None, description="v2. This person's views, printed under their name."
    )
    copy_of_record: bool | None = column(
        "Copy Of Record",
        default=None,
        description="v2. Y puts this person on the record's distribution list.",
    )
    address: str | None = column(
        "Address", default=None, description="Postal address, one line per line (invitations)."
    )
    email: str | None = column("Email", default=None, description="Email address (invitations).")


class ReviewDecision(Row):
    """A decision or recommendation of a review."""

    sheet: ClassVar[str] = "Decisions"
    parent: ClassVar[tuple[str, str] | None] = ("review_id", "Review Meetings")
    review_id: ID = column("Review ID")
    decision: str = column("Decision")
    responsible: str = column("Responsible")
    timescale: date = column("Timescale")


class PreviousDecision(Row):
    """v2: a decision of the previous review and how far it was carried out."""

    sheet: ClassVar[str] = "Previous Decisions"
    parent: ClassVar[tuple[str, str] | None] = ("review_id", "Review Meetings")
    review_id: ID = column("Review ID", description="The review at which progress was checked.")
    decision: str = column("Decision")
    progress: Annotated[str, coded(codes.PROGRESS)] = column(
        "Progress", description="Achieved, Partly achieved or Not achieved."
    )
    comment: str | None = column("Comment", default=None)


class Alert(Row):
    """An alert of concern raised through the dispute-resolution process."""

    sheet: ClassVar[str] = "Alerts"
    key: ClassVar[str | None] = "alert_id"
    alert_id: ID = column("Alert ID")
    child_id: ID = column("Child ID", "CHILD")
    child_name: str = column("Child Name")
    dob: date | None = column("Date of Birth", "DOB", default=None)
    iro: str = column("IRO")
    social_worker: str | None = column("Social Worker", default=None)
    team_manager: str | None = column("Team Manager", default=None)
    date_raised: date = column("Date Raised")
    stage: Annotated[int, Converted(to_stage)] = column(
        "Stage",
        ge=1,
        le=4,
        description=STAGE_DESCRIPTION,
    )
    category: str = column("Category")
    concern: str = column("Concern")
    action_required: str = column("Action Required")
    response_due: date | None = column(
        "Response Due", default=None, description="Computed (working days) when blank."
    )
    response: str | None = column("Response", default=None)
    date_resolved: date | None = column("Date Resolved", default=None)
    outcome: str | None = column("Outcome", default=None)
    addressed_to: str | None = column(
        "Addressed To", default=None, description="v2. The manager's name the alert is sent to."
    )
    childs_views: str | None = column("Child's Views", default=None)

    def problems(self) -> Iterator[Breach]:
        if self.date_resolved and self.date_resolved < self.date_raised:
            yield (
                "date_resolved",
                "is before the date the alert was raised",
                "a date on or after Date Raised",
                ("date_raised",),
            )
        if self.response_due and self.response_due < self.date_raised:
            yield (
                "response_due",
                "is before the date the alert was raised",
                "a date on or after Date Raised, or blank to compute it",
                ("date_raised",),
            )


class AlertStep(Row):
    """An earlier step of an alert's escalation."""

    sheet: ClassVar[str] = "Alert History"
    parent: ClassVar[tuple[str, str] | None] = ("alert_id", "Alerts")
    alert_id: ID = column("Alert ID")
    stage: Annotated[int, Converted(to_stage)] = column(
        "Stage",
        ge=1,
        le=4,
        description=STAGE_DESCRIPTION,
    )
    step_date: date = column("Date")
    note: str = column("Note")


class Conference(Row):
    """A child protection conference; each becomes one conference report."""

    sheet: ClassVar[str] = "Conferences"
    key: ClassVar[str | None] = "conference_id"
    requires: ClassVar[tuple[str, ...]] = ("Conference Children",)
    conference_id: ID = column("Conference ID")
    conference_type: Annotated[str, coded(codes.CONFERENCE_TYPE)] = column(
        "Conference Type", description="Initial or Review."
    )
    conference_date: date = column("Conference Date")
    strategy_discussion_date: date | None = column("Strategy Discussion Date", default=None)
    previous_conference_date: date | None = column("Previous Conference Date", default=None)
    previous_conference_type: Annotated[str | None, coded(codes.CONFERENCE_TYPE)] = column(
        "Previous Conference Type",
        default=None,
        description="Initial or Review (default Review).",
    )
    due_date: date | None = column("Due Date", default=None)
    chair: str = column("Chair")
    venue: str | None = column("Venue", default=None)
    worried: str | None = column("What Are We Worried About", default=None)
    working_well: str | None = column("What Is Working Well", default=None)
    needs_to_happen: str | None = column("What Needs To Happen", default=None)
    decision: str | None = column("Decision", default=None)
    next_review_date: date | None = column(
        "Next Review Date",
        default=None,
        description="Computed (Working Together 2013) when blank; none when every child's "
        "Plan is N.",
    )
    # v2: what Working Together and local procedures expect a conference record to hold.
    reasons: str | None = column("Reasons For Conference", default=None)
    lead_social_worker: str | None = column("Lead Social Worker", default=None)
    parents_views: str | None = column("Parents' Views", default=None)
    childs_views: str | None = column("Child's Views", default=None)
    dissent: str | None = column(
        "Dissent", default=None, description="v2. Any agency's or parent's dissent, and why."
    )
    contingency_plan: str | None = column("Contingency Plan", default=None)
    core_group_date: date | None = column(
        "Core Group Date",
        default=None,
        description="v2. The first core group; computed when blank for an initial conference "
        "(10 working days after it, Working Together).",
    )
    conference_time: Annotated[str | None, Converted(to_clock)] = column(
        "Conference Time",
        default=None,
        description="When the conference starts, e.g. 10:30 (invitations).",
    )
    coordinator: str | None = column(
        "Co-ordinator",
        default=None,
        description="Who to contact about the conference, with a telephone number (invitations).",
    )

    def problems(self) -> Iterator[Breach]:
        yield from CPConference.problems(self)  # type: ignore[arg-type]  # the same fields
        if self.next_review_date is not None and self.next_review_date <= self.conference_date:
            yield (
                "next_review_date",
                "is not after this conference",
                "a date after the Conference Date, or blank to compute it",
                ("conference_date",),
            )
        if self.core_group_date is not None and self.core_group_date < self.conference_date:
            yield (
                "core_group_date",
                "is before the conference",
                "a date on or after the Conference Date, or blank to compute it",
                ("conference_date",),
            )


class ConferenceChild(Row):
    """A child considered at a conference."""

    sheet: ClassVar[str] = "Conference Children"
    parent: ClassVar[tuple[str, str] | None] = ("conference_id", "Conferences")
    once_per: ClassVar[tuple[str, ...] | None] = ("child_id", "conference_id")
    conference_id: ID = column("Conference ID")
    child_id: ID = column("Child ID", "CHILD")
    child_name: str = column("Child Name")
    dob: date = column("Date of Birth", "DOB")
    category: Annotated[str | None, coded(codes.CATEGORY_OF_ABUSE)] = column(
        "Category of Abuse", default=None
    )
    plan: bool | None = column("Plan", default=None, description="Y when a plan is made.")
    decision: Annotated[str | None, coded(codes.CHILD_DECISION)] = column(
        "Decision",
        default=None,
        description="v2. Plan, No plan, Plan continues or Plan ends (wins over Plan).",
    )

    @property
    def has_plan(self) -> bool | None:
        """Subject of a plan after the conference: the v2 Decision, else the v1 Plan Y/N."""
        if self.decision is not None:
            return self.decision in codes.WITH_PLAN
        return self.plan


class ConferenceAttendee(Row):
    """A person invited to a conference."""

    sheet: ClassVar[str] = "Conference Attendees"
    parent: ClassVar[tuple[str, str] | None] = ("conference_id", "Conferences")
    conference_id: ID = column("Conference ID")
    name: str = column("Name")
    agency: str = column("Agency")
    attendance: Annotated[str, coded(codes.ATTENDANCE)] = column("Attendance")
    report_submitted: bool | None = column("Report Submitted", default=None)
    recommendation: Annotated[str | None, coded(codes.RECOMMENDATION)] = column(
        "Recommendation", default=None, description="v2. Plan or No plan."
    )
    core_group_member: bool | None = column("Core Group Member", default=None)
    copy_of_report: bool | None = column(
        "Copy Of Report",
        default=None,
        description="v2. Y puts this person on the report's distribution list.",
    )

    address: str | None = column(
        "Address", default=None, description="Postal address, one line per line (letters)."
    )
    email: str | None = column("Email", default=None, description="Email address (letters).")


class PlanAction(Row):
    """v2: an action of the outline child protection plan."""

    sheet: ClassVar[str] = "Plan Actions"
    parent: ClassVar[tuple[str, str] | None] = ("conference_id", "Conferences")
    conference_id: ID = column("Conference ID")
    action: str = column("Action")
    responsible: str = column("Responsible")
    by_when: date = column("By When")
    outcome_sought: str | None = column("Outcome Sought", default=None)


# --------------------------------------------------------------------------- workbook kinds


@dataclass(frozen=True)
class SheetSpec:
    model: type[Row]
    required: bool = True


@dataclass(frozen=True)
class WorkbookSpec:
    """A kind of input workbook: its sheets, in the order the contract lists them."""

    kind: str
    title: str
    sheets: tuple[SheetSpec, ...]

    def spec(self, model: type[Row]) -> SheetSpec:
        return next(s for s in self.sheets if s.model is model)


ANNUAL = WorkbookSpec(
    "annual",
    "Annual report workbook (one per reporting year)",
    (
        SheetSpec(ReportSetting),
        SheetSpec(Child),
        SheetSpec(Review),
        SheetSpec(CPPlan),
        SheetSpec(CPConference),
        SheetSpec(Adoption),
        SheetSpec(Dispute),
        SheetSpec(StaffMember),
        SheetSpec(Figure, required=False),
        SheetSpec(HistoryEntry, required=False),
        SheetSpec(NarrativeSection, required=False),
        SheetSpec(Priority, required=False),
    ),
)
REVIEW = WorkbookSpec(
    "review",
    "Review meetings workbook (each review becomes a review record)",
    (
        SheetSpec(ReviewMeeting),
        SheetSpec(ReviewAttendee),
        SheetSpec(ReviewDecision),
        SheetSpec(PreviousDecision, required=False),
    ),
)
ALERT = WorkbookSpec(
    "alert",
    "Alerts workbook (each alert becomes an alert of concern)",
    (SheetSpec(Alert), SheetSpec(AlertStep, required=False)),
)
CONFERENCE = WorkbookSpec(
    "conference",
    "Conferences workbook (each conference becomes a conference report)",
    (
        SheetSpec(Conference),
        SheetSpec(ConferenceChild),
        SheetSpec(ConferenceAttendee),
        SheetSpec(PlanAction, required=False),
    ),
)
KINDS: dict[str, WorkbookSpec] = {s.kind: s for s in (ANNUAL, REVIEW, ALERT, CONFERENCE)}
