"""files.py: documents published all or none, one run per folder, on any platform."""

from __future__ import annotations

import subprocess
import sys
import types
from pathlib import Path

import pytest

from docgen import files
from docgen.errors import OutputError
from docgen.files import write_atomic


def test_the_drop_folder_imports_where_there_is_no_fcntl() -> None:
    """Windows has no fcntl: docgen watch must still start there (filelock locks)."""
    code = (
        "import sys; sys.modules['fcntl'] = None; "
        "import docgen.service, docgen.files, docgen.cli; print('ok')"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_write_atomic_leaves_nothing_on_failure(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(OutputError):
        write_atomic(blocker / "out.docx", b"data")
    target = tmp_path / "ok.docx"
    write_atomic(target, b"data")
    assert target.read_bytes() == b"data"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["not-a-folder", "ok.docx"]
    assert not list(tmp_path.glob(".*.tmp"))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="syncfs is Linux's")
def test_publishing_flushes_its_own_file_system_not_the_whole_machine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # sync(2) waits for every program's writes on a shared server; syncfs(2) for the
    # output's file system only. Both must come before the renames.
    calls: list[str] = []
    monkeypatch.setattr(files.os, "sync", lambda: calls.append("sync"))
    real_replace = files.os.replace
    monkeypatch.setattr(
        files.os, "replace", lambda a, b: (calls.append("rename"), real_replace(a, b))
    )
    monkeypatch.setattr(
        files,
        "_libc",
        lambda: types.SimpleNamespace(syncfs=lambda fd: (calls.append("syncfs"), 0)[1]),
    )
    target = tmp_path / "a.docx"
    files.stage(target, b"document")
    files.publish([target])
    assert calls == ["syncfs", "rename"] and target.read_bytes() == b"document"


def test_publishing_falls_back_to_sync_where_syncfs_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    monkeypatch.setattr(files.os, "sync", lambda: calls.append("sync"))
    monkeypatch.setattr(files, "_libc", lambda: types.SimpleNamespace(syncfs=lambda fd: -1))
    target = tmp_path / "a.docx"
    files.stage(target, b"document")
    files.publish([target])
    assert calls == ["sync"] and target.read_bytes() == b"document"
