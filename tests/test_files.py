"""files.py: documents published all or none, one run per folder, on any platform."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import types
from pathlib import Path

import pytest

from docgen import files
from docgen.errors import OutputError, UserError
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


def test_where_a_folder_cannot_be_locked_a_hidden_file_in_it_is(tmp_path: Path) -> None:
    """Windows' way (a folder cannot be opened there): a second run is refused, and the
    lock file goes with the first."""
    lock = tmp_path / files.LOCK_NAME
    with files._file_locked(lock) as held:
        assert held and lock.exists()
        with pytest.raises(OutputError, match="another docgen run is writing to"):  # noqa: SIM117
            with files._file_locked(lock):
                pass
    assert not lock.exists()
    with files._file_locked(lock) as held:  # and once the first is done, the next goes ahead
        assert held


def test_without_sync_each_staged_file_is_flushed_on_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Windows has neither sync(2) nor syncfs(2): an fsync per document, before the renames."""
    monkeypatch.delattr(files.os, "sync")
    flushed: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(files.os, "fsync", lambda fd: (flushed.append(fd), real_fsync(fd))[1])
    files.write_all([(tmp_path / "a.docx", b"a"), (tmp_path / "b.docx", b"b")])
    assert len(flushed) == 2
    assert (tmp_path / "a.docx").read_bytes() == b"a" and (tmp_path / "b.docx").read_bytes() == b"b"


def test_documents_and_folders_are_owner_only_without_a_group(tmp_path: Path) -> None:
    out = tmp_path / "a" / "b"
    with files.folder_lock(out):
        files.write_atomic(out / "x.docx", b"x")
    assert stat.S_IMODE(out.stat().st_mode) == stat.S_IMODE(out.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE((out / "x.docx").stat().st_mode) == 0o600


def test_an_unknown_group_is_refused_in_plain_words_before_anything_is_written(
    tmp_path: Path,
) -> None:
    with pytest.raises(UserError, match="DOCGEN_GROUP names the group 'no-such-team', which"):
        files.write_atomic(tmp_path / "x.docx", b"x", group="no-such-team")
    assert list(tmp_path.iterdir()) == []
