"""Settings: one validated model, read from ``DOCGEN_*`` environment variables.

pydantic-settings gives the precedence users expect: values passed in code (the
CLI's flags) beat the environment, which beats ``.env``, which beats defaults.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from docgen.timescales import ReviewPolicy

#: Documents a process must have to render before another is worth starting: forking,
#: validating the workbook again and compiling the template cost about 30 of them.
MIN_SHARE = 100


class Settings(BaseSettings):
    """Everything a council may set without touching code."""

    model_config = SettingsConfigDict(env_prefix="DOCGEN_", env_file=".env", extra="ignore")

    data: Path | None = Field(
        default=None, description="Folder holding annual_<year>.xlsx (default: bundled samples)."
    )
    templates: Path | None = Field(
        default=None,
        description="Folder of the council's own .docx templates; each overrides the bundled one.",
    )
    review_policy: ReviewPolicy = Field(
        default="seed", description="Looked-after review timescales: 'seed' or '2010-regulations'."
    )
    alert_response_days: int = Field(
        default=5, ge=1, le=60, description="Working days allowed for a response to an alert."
    )
    # Meeting paperwork: who sends it, how it is marked, and the guidance dates it prints.
    council: str = Field(
        default="", description="The council's name, printed in every meeting document's header."
    )
    council_address: str = Field(
        default="",
        description="The council's address for replies, its lines separated by commas (e.g. "
        "'Children's Services, Civic Centre, Westbourne WB1 1AA'), printed under the "
        "council's name where a letter is signed: where written views and disagreements go.",
    )
    protective_marking: str = Field(
        default="OFFICIAL-SENSITIVE",
        min_length=1,
        description="Protective marking in every meeting document's header (Government "
        "Security Classifications).",
    )
    issue_date: date | None = Field(
        default=None,
        description="The date meeting documents are issued (e.g. 2014-03-20); when unset each "
        "document gives the date it must be issued by.",
    )
    invitation_days: int = Field(
        default=10,
        ge=4,
        le=60,
        description="Working days before a meeting by which its invitations go out: the date "
        "an invitation carries when DOCGEN_ISSUE_DATE is unset (local practice; at least 4, "
        "so a reply asked 3 working days before the meeting can be sent).",
    )
    review_decisions_days: int = Field(
        default=5,
        ge=1,
        le=60,
        description="Working days after a review by which its decisions go out (IRO Handbook).",
    )
    review_record_days: int = Field(
        default=20,
        ge=1,
        le=60,
        description="Working days after a review by which the full record goes out (IRO Handbook).",
    )
    core_group_days: int = Field(
        default=10,
        ge=1,
        le=60,
        description="Working days after an initial conference by which the first core group "
        "meets (Working Together).",
    )
    conference_decisions_days: int = Field(
        default=1,
        ge=1,
        le=60,
        description="Working days after a conference by which its decisions go out (local "
        "child protection procedures).",
    )
    conference_report_days: int = Field(
        default=20,
        ge=1,
        le=60,
        description="Working days after a conference by which the full report goes out (local "
        "child protection procedures).",
    )
    chne_group: Literal["Other", "Asian"] = Field(
        default="Other", description="Ethnicity group that code CHNE (Chinese) rolls up to."
    )
    workers: int = Field(
        default=1, ge=1, le=64, description="Processes rendering a batch of documents in parallel."
    )
    max_workbook_mb: int = Field(
        default=200,
        ge=1,
        description="Largest uncompressed workbook accepted, in MB (guards against zip bombs); "
        "rows of a large sheet that hold only formatting do not count.",
    )

    group: str | None = Field(
        default=None,
        description=(
            "Group that shares the folders docgen writes: folders 2770 and files 0660 owned "
            "by it (default: owner only, folders 0700 and files 0600)."
        ),
    )

    archive_days: int | None = Field(
        default=None,
        ge=0,
        description="Days the drop folder keeps a workbook in archive/ (default: keep).",
    )
    failed_days: int | None = Field(
        default=None,
        ge=0,
        description="Days the drop folder keeps a workbook and its reasons in failed/ "
        "(default: keep).",
    )
    outbox_days: int | None = Field(
        default=None,
        ge=0,
        description="Days the drop folder keeps documents and notices in outbox/ (default: keep).",
    )

    @field_validator("chne_group", mode="before")
    @classmethod
    def _group_in_any_case(cls, value: object) -> object:
        """``asian`` or ``ASIAN`` in an environment file means Asian."""
        return value.strip().title() if isinstance(value, str) else value
