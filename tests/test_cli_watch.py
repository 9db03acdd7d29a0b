"""`docgen watch` and `docgen status` as an operator runs them: real processes, real signals."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from docgen import pipeline
from docgen.cli import main
from docgen.service import TEMP_PREFIX, Service
from tests.conftest import SAMPLES, edit_workbook
from tests.test_service import REVIEW, REVIEW_DOCS, assert_consistent, drop, rows

DOCGEN = str(Path(sys.executable).parent / "docgen")
FAST = ["--poll", "0.05", "--settle", "0.05"]

#: Runs `docgen` with rendering made slow: the documents are written into the hidden
#: folder, a marker file appears, then the process sleeps before returning, which
#: gives a test its moment to send a signal "while rendering".
SLOW_DOCGEN = """
import sys, time
from pathlib import Path
from docgen import pipeline

marker, delay = Path(sys.argv[1]), float(sys.argv[2])
real = pipeline.meeting_papers

def slow(*args, **kwargs):
    result = real(*args, **kwargs)
    marker.write_text("rendering")
    time.sleep(delay)
    return result

pipeline.meeting_papers = slow
from docgen import pipeline
from docgen.cli import main
main(sys.argv[3:], prog_name="docgen")
"""


def child_names() -> list[str]:
    ws = openpyxl.load_workbook(REVIEW)["Review Meetings"]
    return [row[2] for row in ws.iter_rows(min_row=2, values_only=True) if row[2]]


def wait_for(condition: Callable[[], bool], timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def slow_watch(
    tmp_path: Path, root: Path, delay: float, *args: str
) -> tuple[subprocess.Popen, Path]:
    script = tmp_path / "slow_docgen.py"
    script.write_text(SLOW_DOCGEN)
    marker = tmp_path / "marker"
    process = subprocess.Popen(
        [sys.executable, str(script), str(marker), str(delay), "watch", str(root), *FAST, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    return process, marker


def test_watch_once_in_a_subprocess(tmp_path: Path) -> None:
    root = tmp_path / "root"
    drop(root, REVIEW)
    bad = edit_workbook(
        REVIEW, tmp_path / "bad.xlsx", lambda wb: wb["Review Meetings"].cell(3, 5, "soon")
    )
    drop(root, bad)
    (root / "inbox/notes.txt").write_text("not a workbook")
    done = subprocess.run(
        [DOCGEN, "watch", str(root), "--once", *FAST], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "3 file(s) processed: 1 done, 2 failed."
    assert "outcome=done documents=5" in done.stderr
    assert "outcome=failed error='1 error in the workbook: Review Meetings!E3" in done.stderr
    assert not any(name in done.stderr for name in child_names())
    assert_consistent(root)


def test_sigterm_finishes_the_job_in_hand_then_exits_0(tmp_path: Path) -> None:
    root = tmp_path / "root"
    drop(root, REVIEW, name="first.xlsx")
    time.sleep(0.01)
    drop(root, REVIEW, name="second.xlsx")
    process, marker = slow_watch(tmp_path, root, 1.0, "--force")
    try:
        wait_for(marker.exists)
        process.send_signal(signal.SIGTERM)
        _out, err = process.communicate(timeout=20)
    finally:
        process.kill()
    assert process.returncode == 0, err
    assert "SIGTERM received" in err
    [job] = rows(root)
    assert (job["name"], job["state"]) == ("first.xlsx", "done")
    assert len(list((root / "outbox/review/first").glob("*.docx"))) == REVIEW_DOCS
    assert_consistent(root, left=("review/second.xlsx",))  # not started: left for next time


def test_sigkill_mid_render_then_a_restart_completes_the_job_once(tmp_path: Path) -> None:
    root = tmp_path / "root"
    drop(root, REVIEW)
    process, marker = slow_watch(tmp_path, root, 60)
    try:
        wait_for(marker.exists)
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=20)
    finally:
        process.kill()
    assert process.returncode == -signal.SIGKILL
    [job] = rows(root)
    assert job["state"] == "rendering"
    half = list((root / "outbox/review").glob(f"{TEMP_PREFIX}*"))
    assert len(half) == 1 and len(list(half[0].glob("*.docx"))) == REVIEW_DOCS

    [outcome] = Service(root, poll=0.05, settle=0.05).run_once()
    assert (outcome.state, len(outcome.outputs)) == ("done", REVIEW_DOCS)
    [job] = assert_consistent(root)
    assert job["attempts"] == 2
    assert [p.name for p in (root / "outbox/review").iterdir()] == ["review_meetings"]


def test_a_second_watcher_exits_non_zero(tmp_path: Path) -> None:
    root = tmp_path / "root"
    first = subprocess.Popen(
        [DOCGEN, "watch", str(root), *FAST],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lock = root / ".docgen.lock"
        wait_for(lambda: lock.exists() and lock.read_text().startswith(f"{first.pid} "))
        second = subprocess.run(
            [DOCGEN, "watch", str(root), "--once", *FAST],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert second.returncode == 1
        assert f"Error: another docgen watch is already running on {root}" in second.stderr
        drop(root, REVIEW)  # the first is still at work
        wait_for(lambda: (root / "archive/review_meetings.xlsx").exists())
        first.send_signal(signal.SIGINT)
        first.communicate(timeout=20)
    finally:
        first.kill()
    assert first.returncode == 0
    assert_consistent(root)


def test_watch_once_in_process_with_force(tmp_path: Path) -> None:
    root = tmp_path / "root"
    runner = CliRunner()
    for _ in range(2):
        drop(root, SAMPLES / "alerts.xlsx", "alert")
        result = runner.invoke(main, ["watch", str(root), "--once", "--force", *FAST])
        assert result.exit_code == 0, result.output
        assert "1 file(s) processed: 1 done." in result.output
    assert sorted(p.name for p in (root / "outbox/alert").iterdir()) == ["alerts", "alerts (2)"]
    assert_consistent(root)


def test_status_lists_recent_jobs(tmp_path: Path) -> None:
    root = tmp_path / "root"
    drop(root, REVIEW)
    (root / "inbox/notes.txt").write_text("x")
    Service(root, poll=0.05, settle=0.05).run_once()
    drop(root, REVIEW, name="again.xlsx")
    Service(root, poll=0.05, settle=0.05).run_once()
    result = CliRunner().invoke(main, ["status", str(root)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "3 job(s) in the journal: 1 done, 1 duplicate, 1 failed."
    assert lines[1].split() == ["id", "time", "kind", "file", "state", "outputs", "error"]
    by_id = {line.split()[0]: line for line in lines[2:]}
    assert "review_meetings.xlsx" in by_id["1"] and " done " in by_id["1"]
    assert " 5 " in by_id["1"]
    assert "notes.txt" in by_id["2"] and "failed" in by_id["2"] and ".txt file" in by_id["2"]
    assert "duplicate" in by_id["3"] and "same content as job 1" in by_id["3"]
    assert list(by_id) == ["3", "2", "1"]  # newest first

    result = CliRunner().invoke(main, ["status", str(root), "--limit", "1"])
    assert len(result.output.splitlines()) == 3


@contextmanager
def local_zone(zone: str) -> Iterator[None]:
    """Run the block with the process's local time zone set to ``zone`` (a POSIX TZ)."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = zone
    time.tzset()
    try:
        yield
    finally:
        if before is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = before
        time.tzset()


def test_status_shows_times_on_the_clock_of_whoever_reads_it(tmp_path: Path) -> None:
    """A server kept on UTC, an admin on British Summer Time: the times docgen status
    shows are the reader's, not the zone the service happened to write them in."""
    root = tmp_path / "root"
    drop(root, REVIEW)
    with local_zone("IST-5:30"):  # the service's clock: UTC+05:30
        Service(root, poll=0.05, settle=0.05).run_once()
    [job] = rows(root)
    finished = datetime.fromisoformat(job["finished_at"])
    assert finished.utcoffset() == timedelta(hours=5, minutes=30)
    with local_zone("UTC0"):
        result = CliRunner().invoke(main, ["status", str(root)])
    assert result.exit_code == 0, result.output
    shown = finished.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    assert result.output.splitlines()[2].split()[:3] == ["1", *shown.split()]


def test_status_of_a_folder_never_watched(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["status", str(tmp_path)])
    assert result.exit_code == 1
    assert "has `docgen watch` run on this folder yet?" in result.output


def test_the_lock_file_names_its_holder(tmp_path: Path) -> None:
    root = tmp_path / "root"
    with Service(root, poll=0.05, settle=0.05):
        assert (root / ".docgen.lock").read_text().split()[0] == str(os.getpid())


def test_watch_with_two_workers_writes_the_same_documents(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--workers renders a workbook's meetings in parallel; the bytes do not change."""
    monkeypatch.setattr(pipeline, "MIN_SHARE", 1)  # a helper even for the sample's six
    outputs = {}
    for workers in ("1", "2"):
        root = tmp_path / f"root{workers}"
        drop(root, REVIEW)
        result = CliRunner().invoke(
            main, ["watch", str(root), "--once", "--workers", workers, *FAST]
        )
        assert result.exit_code == 0, result.output
        folder = next((root / "outbox/review").iterdir())
        outputs[workers] = {p.name: p.read_bytes() for p in folder.glob("*.docx")}
        assert_consistent(root)
    assert len(outputs["1"]) == 5
    assert outputs["1"] == outputs["2"]


def test_once_with_no_settle_time_takes_the_files_already_there(tmp_path: Path) -> None:
    """`--settle 0` is accepted, so `--once` with it must still take a file that sits
    complete in the inbox (a file is taken on its second look: the first only sees it)."""
    root = tmp_path / "root"
    drop(root, REVIEW)
    result = CliRunner().invoke(main, ["watch", str(root), "--once", "--settle", "0"])
    assert result.exit_code == 0, result.output
    assert "1 file(s) processed" in result.output
    assert len(list((root / "outbox/review/review_meetings").glob("*.docx"))) == REVIEW_DOCS
    assert not list((root / "inbox/review").iterdir())
