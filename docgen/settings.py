"""Settings: one validated model, read from ``DOCGEN_*`` environment variables.

pydantic-settings gives the precedence users expect: values passed in code (the
CLI's flags) beat the environment, which beats ``.env``, which beats defaults.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from docgen.timescales import ReviewPolicy


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

    @field_validator("chne_group", mode="before")
    @classmethod
    def _group_in_any_case(cls, value: object) -> object:
        """``asian`` or ``ASIAN`` in an environment file means Asian."""
        return value.strip().title() if isinstance(value, str) else value
