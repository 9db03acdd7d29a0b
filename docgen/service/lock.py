"""One watcher per ROOT."""

from __future__ import annotations

import os
import socket
from contextlib import suppress
from pathlib import Path
from typing import IO

from docgen.errors import UserError


class ServiceBusy(UserError):
    """Another watcher holds ROOT's lock."""


class Lock:
    """An exclusive lock on ROOT itself and on ROOT/.docgen.lock: one watcher per ROOT; the
    system frees both when we die. The folder's lock holds even if someone deletes the file
    (which would let a second watcher lock a new one); the file names the holder.

    Through filelock, so that the same code locks on Windows (where a folder cannot be
    opened, only the file is locked) and on Linux (flock).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fh: IO[str] | None = None
        self._root: int | None = None

    def acquire(self) -> None:
        root = None if os.name == "nt" else os.open(self.path.parent, os.O_RDONLY | _DIRECTORY)
        fh = self.path.open("a+", encoding="utf-8")
        try:
            held = (root is None or _lock(root)) and _lock(fh.fileno())
        except BaseException:
            fh.close()
            _close(root)
            raise
        if not held:
            fh.seek(0)
            holder = ""
            with suppress(OSError):  # Windows refuses to read a locked byte
                holder = fh.read().strip()
            fh.close()
            _close(root)
            raise ServiceBusy(
                f"another docgen watch is already running on {self.path.parent} "
                f"(pid, host: {holder or 'unknown'}); only one may run per folder."
            )
        self._root = root
        if hasattr(os, "fchmod"):
            os.fchmod(fh.fileno(), 0o600)  # an older docgen may have left it world-readable
        fh.seek(0)
        fh.truncate()
        fh.write(f"{os.getpid()} {socket.gethostname()}\n")
        fh.flush()
        self._fh = fh

    def release(self) -> None:
        if self._fh is not None:
            from filelock import unlock_descriptor

            with suppress(OSError):
                unlock_descriptor(self._fh.fileno())
            self._fh.close()
            self._fh = None
        _close(self._root)  # closing the folder's descriptor frees its lock
        self._root = None


_DIRECTORY = getattr(os, "O_DIRECTORY", 0)


def _lock(fd: int) -> bool:
    """Lock ``fd`` without waiting: False if another process holds it. A file system
    without locks (NFS without lockd) cannot keep a second watcher out: it is let run."""
    from filelock import lock_descriptor  # imported when used: `docgen status` does without

    try:
        return lock_descriptor(fd, blocking=False)
    except OSError:
        return True


def _close(fd: int | None) -> None:
    if fd is not None:
        os.close(fd)
