"""File transactions: documents published all or none, hidden left-overs cleared, one run
per folder, signals held while files move, and who may open what docgen writes.

Kept apart from render.py (the template engine): the pipeline, the drop-folder service
and the CLI use these for every file they write. Portable: the locks go through
``filelock`` (Windows and Linux), and the one Linux-only call (syncfs) has a fallback.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import os
import signal
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docgen.errors import OutputError, UserError

try:  # POSIX only: Windows has no groups of this kind (share with NTFS permissions there)
    import grp
except ImportError:  # pragma: no cover - Windows
    grp = None  # type: ignore[assignment]  # the module is absent, not just its names


@dataclass(frozen=True)
class Access:
    """Who may open what docgen writes: the owner only (files 0600, folders 0700), or,
    with ``group`` (DOCGEN_GROUP), the owner and that group (files 0660, folders 2770:
    the set-group-id bit makes what is created inside belong to the group too)."""

    group: str | None = None

    @property
    def file_mode(self) -> int:
        return 0o660 if self.group else 0o600

    @property
    def folder_mode(self) -> int:
        return 0o2770 if self.group else 0o700

    @property
    def umask(self) -> int:
        """The process umask that gives these modes to what libraries create (SQLite)."""
        return 0o007 if self.group else 0o077

    @functools.cached_property
    def gid(self) -> int:
        """The group's id; -1 (leave the group as it is) without one."""
        if not self.group:
            return -1
        if grp is None:
            raise UserError(
                "DOCGEN_GROUP works on Linux and other Unix servers; on Windows, share the "
                "folders with the group through the folder's Security settings instead."
            )
        try:
            return grp.getgrnam(self.group).gr_gid
        except KeyError:
            raise UserError(
                f"DOCGEN_GROUP names the group {self.group!r}, which this server does not "
                "have; ask IT for the group that may read the documents (`getent group`)."
            ) from None

    def apply(self, path: Path, *, folder: bool = False) -> None:
        """Give ``path`` this access (never through a link): its mode, and its group."""
        if self.group:
            os.chown(path, -1, self.gid, follow_symlinks=False)
        os.chmod(path, self.folder_mode if folder else self.file_mode)


def make_folder(folder: Path, access: Access | None = None) -> bool:
    """Create ``folder`` (not its parents) with ``access``; False if it was there already."""
    try:
        folder.mkdir(mode=0o700)
    except FileExistsError:
        if not folder.is_dir():
            raise
        return False
    (access or Access()).apply(folder, folder=True)  # mkdir's mode is cut by the umask
    return True


def write_atomic(path: Path, data: bytes, *, group: str | None = None) -> None:
    """Write one file owner-only and atomically (see :func:`write_all`)."""
    write_all([(path, data)], group=group)


def write_all(files: list[tuple[Path, bytes]], *, group: str | None = None) -> None:
    """Write every file owner-only (or, with ``group``, for that group too), all or none.

    Each file goes to a temporary name beside its target (:func:`stage`); once all
    are written they are flushed to disk with one ``sync`` for the batch, not one
    ``fsync`` per file, and renamed into place (:func:`publish`). A failure removes
    every temporary file, so a reader never sees half a document, nor half a batch.
    """
    try:
        access = Access(group)
        for path, data in files:
            stage(path, data, access)
    except BaseException:
        discard([path for path, _data in files])
        raise
    publish([path for path, _data in files], group=group)


#: The hidden names a document has before it is published (staged) and while the file
#: it replaces is set aside: ``.review_C1_2014-03-12.docx.docgen.tmp``.
_STAGED, _SET_ASIDE = ".docgen.tmp", ".docgen.old"


def _temporary(path: Path) -> Path:
    return path.with_name(f".{path.name}{_STAGED}")


#: Never through a link (O_NOFOLLOW, not on Windows); bytes as they are (O_BINARY, Windows).
_CREATE = (
    os.O_WRONLY
    | os.O_CREAT
    | os.O_TRUNC
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_BINARY", 0)
)


def stage(path: Path, data: bytes, access: Access | None = None) -> Path:
    """Write ``data`` owner-only under a temporary name beside ``path``; any process may.
    Missing folders are made as ``access`` says (owner-only by default), like documents'."""
    tmp = _temporary(path)
    _make_folders(path.parent, access or Access())
    try:
        fd = os.open(tmp, _CREATE, 0o600)
        with os.fdopen(fd, "wb") as fh:
            if hasattr(os, "fchmod"):  # not on Windows, where modes do not apply
                os.fchmod(fh.fileno(), 0o600)  # the file may have existed with looser bits
            fh.write(data)
    except OSError as exc:
        _remove(tmp)
        raise OutputError(f"cannot write to {path.parent}: {exc.strerror}.") from exc
    return tmp


def publish(paths: list[Path], *, group: str | None = None) -> None:
    """Flush the staged files of ``paths`` to disk, then rename each into place: all or none.

    With ``group`` (DOCGEN_GROUP) each file is given to that group, 0660, before it appears.

    Every target is checked first, so a folder or link in the way stops the batch before
    anything moves. A file being replaced is renamed aside until the end: if a rename
    fails part-way, the documents already placed are removed and the old files put back,
    so the folder is as it was. Errors name the file only (names hold IDs and dates).
    """
    for path in paths:
        problem = _unfit_target(path)
        if problem:
            discard(paths)
            raise OutputError(f"cannot write {path.name}: {problem}; nothing was written.")
    try:
        if group:
            access = Access(group)
            for path in paths:
                access.apply(_temporary(path))
        _flush(paths)
    except OSError as exc:
        discard(paths)
        raise OutputError(f"cannot write to {paths[0].parent}: {exc.strerror}.") from exc
    except BaseException:  # Ctrl-C during a long sync: nothing has moved yet
        discard(paths)
        raise
    placed: list[Path] = []
    set_aside: list[Path] = []
    with signals_held():
        try:
            for path in paths:
                if os.path.lexists(path):
                    set_aside.append(path)
                    os.replace(path, _aside(path))
                os.replace(_temporary(path), path)
                placed.append(path)
        except BaseException as exc:  # an OSError; or, where signals cannot be held, Ctrl-C
            _undo(placed, set_aside)
            discard(paths)
            if not isinstance(exc, OSError):
                raise
            raise OutputError(
                f"cannot write {path.name}: {exc.strerror}; nothing was written."
            ) from exc
        for path in set_aside:
            _remove(_aside(path))


def _flush(paths: list[Path]) -> None:
    """Write the staged files of ``paths`` to disk, so that no document is renamed into
    place before its bytes are safe.

    One sync for a batch, not an fsync per file (0.25 ms a document). Where Linux's
    syncfs(2) is there, only the file systems written to are flushed: sync(2) flushes
    every one on the machine, and on a shared server waits for other programs' writes.
    Windows has neither: there each file is flushed on its own.
    """
    if not hasattr(os, "sync"):
        for path in paths:
            with _temporary(path).open("rb+") as fh:
                os.fsync(fh.fileno())
        return
    syncfs = getattr(_libc(), "syncfs", None)
    if syncfs is None:
        os.sync()
        return
    flushed: set[int] = set()
    for folder in {path.parent for path in paths}:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            device = os.fstat(fd).st_dev
            if device not in flushed and syncfs(fd) != 0:
                os.sync()  # a file system that refuses syncfs: flush them all
                return
            flushed.add(device)
        finally:
            os.close(fd)


@functools.cache
def _libc() -> ctypes.CDLL | None:
    """The C library, for calls Python's os module does not offer; None off Linux.

    syncfs(2) is Linux's alone, so it is looked up here and not imported: elsewhere
    :func:`_flush` falls back to sync(2), or on Windows an fsync per file."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


#: Signals that end a run besides Ctrl-C: a service manager's, a closed terminal's.
ENDING_SIGNALS = tuple(getattr(signal, n) for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n))


@contextlib.contextmanager
def signals_handled(signums: Iterable[int], handler: Callable[[int, Any], None]) -> Iterator[None]:
    """``handler`` for ``signums`` for the block, the earlier handlers after it. Python
    runs handlers in the main thread only: from another thread this changes nothing."""
    try:
        previous = {signum: signal.signal(signum, handler) for signum in signums}
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        for signum, earlier in previous.items():
            signal.signal(signum, earlier)


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM while the renames run, so a batch is never left half old,
    half new: a signal that arrives is noted, and raised again once they are done (a
    fraction of a second). Python runs signal handlers in the main thread only; from
    another thread there is nothing to hold. (A signal mask would not do: libraries
    start threads of their own, and the kernel hands the signal to one of those.)"""
    noted: list[int] = []
    try:
        with signals_handled((signal.SIGINT, *ENDING_SIGNALS), lambda n, _f: noted.append(n)):
            yield
    finally:
        for signum in dict.fromkeys(noted):
            signal.raise_signal(signum)


class _Busy(OutputError):
    """Another docgen run holds the folder: its folder, never to be removed by this one."""


#: Where a folder cannot itself be locked (Windows), the hidden file in it that is.
LOCK_NAME = ".docgen.lock"


@contextlib.contextmanager
def folder_lock(folder: Path, *, group: str | None = None) -> Iterator[None]:
    """One docgen run at a time writes into ``folder``; a second is refused, not mixed in.

    Two runs staging the same documents would overwrite each other's temporary files
    and publish a mixture. The lock is on the folder itself (no file is left behind)
    and goes with the process, however it ends. Holding it, a run clears what a run
    killed outright (kill -9, a power cut) left there: see :func:`_clear_leftovers`.
    The folders it makes are owner-only, or with ``group`` the group's (:class:`Access`).
    """
    access = Access(group)
    access.gid  # noqa: B018  an unknown group is refused before any folder is made
    created = _make_folders(folder, access)
    try:
        with _locked(folder) as held:
            if held:
                _clear_leftovers(folder)
            yield
    except BaseException as exc:
        if not isinstance(exc, _Busy):  # the folder is the other run's now: never remove it
            for made in created:  # a run that wrote nothing leaves no empty folders behind
                with contextlib.suppress(OSError):
                    made.rmdir()
        raise


def _make_folders(folder: Path, access: Access) -> list[Path]:
    """Make ``folder`` and its missing parents; those this run made, the deepest first
    (another run may make one at the same time)."""
    missing = []
    for ancestor in (folder, *folder.parents):
        if ancestor.exists():
            break
        missing.append(ancestor)
    created: list[Path] = []
    try:
        for ancestor in reversed(missing):
            if make_folder(ancestor, access):
                created.insert(0, ancestor)
    except OSError as exc:
        raise OutputError(f"cannot write to {folder}: {exc.strerror}.") from exc
    return created


def _busy(folder: Path) -> _Busy:
    return _Busy(f"another docgen run is writing to {folder}; run again when it has finished.")


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[bool]:
    """Hold ``folder``'s lock; True when held, False on a file system without locks
    (NFS without lockd, some FUSE), where the run goes on unlocked."""
    if os.name == "nt":  # Windows cannot open a folder as a file: a hidden file in it is locked
        with _file_locked(folder / LOCK_NAME) as held:
            yield held
        return
    # Imported when a lock is first taken: --help and validate do without its 50 ms.
    from filelock import lock_descriptor

    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError as exc:
        raise OutputError(f"cannot write to {folder}: {exc.strerror}.") from exc
    try:
        locked: bool | None
        try:
            locked = lock_descriptor(fd, blocking=False)
        except OSError:
            locked = None  # no locks on this file system
        if locked is False:
            raise _busy(folder)
        yield bool(locked)
    finally:
        os.close(fd)  # which frees the lock


@contextlib.contextmanager
def _file_locked(path: Path) -> Iterator[bool]:
    from filelock import FileLock, Timeout

    lock = FileLock(path, timeout=0, mode=0o600)
    try:
        lock.acquire()
    except Timeout:
        raise _busy(path.parent) from None
    except OSError:
        yield False
        return
    try:
        yield True
    finally:
        lock.release()
        with contextlib.suppress(OSError):
            path.unlink()  # another run that takes it between the two makes a new one


def _clear_leftovers(folder: Path) -> None:
    """Remove the hidden files of an earlier run that was killed before it could (they
    hold children's details), once this run holds the folder's lock, so none is live.

    A staged document of a batch that never published is removed. A document set aside
    while its replacement was renamed in is removed once the replacement is in place,
    and put back where it is not (the run died between the two renames).
    """
    try:
        entries = [
            entry.name
            for entry in os.scandir(folder)
            if entry.name.startswith(".") and entry.is_file(follow_symlinks=False)
        ]
    except OSError:
        return  # an unreadable folder fails the run later, with its own message
    for name in entries:
        for suffix in (_STAGED, _SET_ASIDE):
            if not name.endswith(suffix) or len(name) <= len(suffix) + 1:
                continue
            leftover, target = folder / name, folder / name[1 : -len(suffix)]
            if suffix == _SET_ASIDE and not os.path.lexists(target):
                with contextlib.suppress(OSError):
                    os.replace(leftover, target)
            else:
                _remove(leftover)


def _aside(path: Path) -> Path:
    return path.with_name(f".{path.name}{_SET_ASIDE}")


def _unfit_target(path: Path) -> str | None:
    """Why ``path`` cannot be replaced by a document, or None when it is absent or a file.

    A folder would stop the renames half-way through a batch; a link would itself be
    replaced, not the file it points to.
    """
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return None
    except OSError as exc:
        return exc.strerror
    if stat.S_ISDIR(mode):
        return "a folder of that name is in the way"
    if not stat.S_ISREG(mode):
        return "a link or other non-file of that name is in the way"
    return None


def _undo(placed: list[Path], set_aside: list[Path]) -> None:
    """Remove the documents ``placed`` and put back the files ``set_aside``, as far as
    the disk allows: the error that stopped the batch is the one reported."""
    for path in placed:
        with contextlib.suppress(OSError):
            path.unlink()
    for path in set_aside:
        with contextlib.suppress(OSError):
            os.replace(_aside(path), path)


def discard(paths: list[Path]) -> None:
    """Remove whatever was staged for ``paths``; a second Ctrl-C waits until it is done,
    so an interrupted run never leaves half of its hidden files behind."""
    with signals_held():
        for path in paths:
            _remove(_temporary(path))


def _remove(path: Path) -> None:
    """Remove a file docgen made; anything else of its name (a folder) is left alone."""
    with contextlib.suppress(FileNotFoundError, NotADirectoryError, IsADirectoryError):
        path.unlink()


__all__ = [
    "ENDING_SIGNALS",
    "LOCK_NAME",
    "Access",
    "discard",
    "folder_lock",
    "make_folder",
    "publish",
    "signals_handled",
    "signals_held",
    "stage",
    "write_all",
    "write_atomic",
]
