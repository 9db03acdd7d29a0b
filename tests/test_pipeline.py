"""The front door's own promises, beside what each command's tests check of its output."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from conftest import SAMPLES, edit_workbook, set_cells

from docgen import pipeline
from docgen.errors import ValidationFailed


def test_a_batch_pauses_the_cycle_collector_and_gives_it_back(tmp_path: Path) -> None:
    seen: list[bool] = []
    result = pipeline.meeting_papers(
        "review",
        SAMPLES / "review_meetings.xlsx",
        output=tmp_path / "out",
        progress=lambda *_: seen.append(gc.isenabled()),
    )
    assert result.outputs and seen and not any(seen)  # paused while the job ran
    assert gc.isenabled()


def test_a_failed_job_gives_the_cycle_collector_back(tmp_path: Path) -> None:
    book = edit_workbook(
        SAMPLES / "review_meetings.xlsx",
        tmp_path / "bad.xlsx",
        lambda wb: set_cells(wb, "Review Meetings", 2, {"Review Date": "31/02/2014"}),
    )
    with pytest.raises(ValidationFailed):
        pipeline.meeting_papers("review", book, output=tmp_path / "out")
    assert gc.isenabled()


def test_a_caller_that_paused_the_collector_itself_keeps_it_paused(tmp_path: Path) -> None:
    gc.disable()
    try:
        pipeline.check_workbook(SAMPLES / "alerts.xlsx")
        assert not gc.isenabled()
    finally:
        gc.enable()
