"""The front door's own promises, beside what each command's tests check of its output."""

from __future__ import annotations

import gc
import subprocess
import sys
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


def test_the_annual_reports_rows_are_freed_when_it_returns(tmp_path: Path) -> None:
    # In a fresh interpreter, where matplotlib is first imported by the report: its
    # import's tracebacks once held every frame below it, and so the job's rows and
    # models, in reference cycles that outlived the job (1.8 million objects at
    # national scale) until the cycle collector ran. Counted here with it off.
    code = f"""
import gc, sys
from pathlib import Path
from docgen import models, pipeline
gc.disable()
pipeline.annual_report(2014, output=Path({str(tmp_path)!r}))
print(sum(isinstance(o, models.Row) for o in gc.get_objects()))
"""
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    assert out.stdout.strip() == "0"
    assert (tmp_path / "annual_report_2014.docx").is_file()
