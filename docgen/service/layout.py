"""The drop folder's folders under ROOT, the names the service gives files there, and who
may open them."""

from __future__ import annotations

import logging
import os
import shutil
import stat
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

from docgen import documents
from docgen.files import Access, make_folder

log = logging.getLogger("docgen.service")

#: The inbox sub-folders, one per command of the document types the registry says the
#: drop folder makes (each declares its ``drop``), with the types each makes.
DROP_TYPES = documents.drop_folders()
KIND_FOLDERS = tuple(DROP_TYPES)
#: The inbox sub-folders that also take a zip or a folder (DfE returns) as one job.
FOLDER_TAKERS = frozenset(
    name for name, types in DROP_TYPES.items() if any(t.takes_folders for t in types)
)
#: The folder label of a workbook dropped straight into ``inbox/``: routed by its sheets.
ANY = "any"
#: ``inbox/rerender/``: a workbook made into documents again, even if it was already
#: (after a change of letterhead); its kind is recognised by its sheets.
RERENDER = "rerender"
#: The inbox sub-folders that are not kinds.
SPECIAL_FOLDERS = (RERENDER,)
TEMP_PREFIX = ".docgen-tmp-"
REPORT_DIR = "report"
#: The longest file name, in bytes, that Linux file systems (and SMB) accept. Every
#: name the service makes is cut to fit, or its move would fail on every sweep.
NAME_MAX = 255
#: A name's suffix is kept whole up to this many bytes (``.xlsx``); a longer "suffix"
#: (``x.final version of the year``) is not a file type, and is cut like the stem.
SUFFIX_MAX = 16
#: What a failed workbook's reasons beside it are called: ``<stem>.errors.txt``.
#: The reasons, the marked copy (or a returns' list), and every problem as a CSV to sort.
SIDECARS = ("errors.txt", "errors.xlsx", "errors.csv")
#: Files are created owner-only (0600) and folders 0700 while the service runs
#: (without DOCGEN_GROUP; with it, see :class:`docgen.files.Access`).
PRIVATE_UMASK = 0o077


@dataclass(frozen=True)
class Layout:
    """The folders under ROOT, and what each is for (see docs/service.md)."""

    root: Path
    access: Access = field(default_factory=Access)

    @property
    def inbox(self) -> Path:
        return self.root / "inbox"

    @property
    def outbox(self) -> Path:
        return self.root / "outbox"

    @property
    def failed(self) -> Path:
        return self.root / "failed"

    @property
    def archive(self) -> Path:
        return self.root / "archive"

    @property
    def work(self) -> Path:
        return self.root / "work"

    @property
    def journal(self) -> Path:
        return self.root / "journal.sqlite"

    @property
    def lock(self) -> Path:
        return self.root / ".docgen.lock"

    def ensure(self) -> None:
        """Create what is missing; cheap, so it runs every sweep (admins delete folders).

        Each folder made is owner-only (0700), or with DOCGEN_GROUP the group's (2770).
        """
        if not self.root.is_dir():
            self.root.mkdir(parents=True, exist_ok=True)
            self.access.apply(self.root, folder=True)
        for folder in (self.inbox, self.outbox, self.failed, self.archive, self.work):
            make_folder(folder, self.access)
        subfolders = [self.inbox / RERENDER]
        for kind in KIND_FOLDERS:
            subfolders += [self.inbox / kind, self.outbox / kind]
        for folder in subfolders:
            try:
                make_folder(folder, self.access)
            except OSError as exc:  # a file in the way: the jobs of that kind will fail
                log.debug("cannot create %s: %s", folder, exc.strerror)

    def share(self) -> None:
        """With DOCGEN_GROUP, give the drop folder's folders to the group (2770), those made
        before the setting too; without it, folders already there are left as they are."""
        if not self.access.group:
            return
        folders = [self.root, self.inbox, self.outbox, self.failed, self.archive, self.work]
        folders += [self.inbox / RERENDER]
        for kind in KIND_FOLDERS:
            folders += [self.inbox / kind, self.outbox / kind]
        for folder in folders:
            try:
                if folder.is_dir() and not folder.is_symlink():
                    self.access.apply(folder, folder=True)
            except OSError as exc:
                log.warning("cannot give %s to the group: %s", self.rel(folder), exc.strerror)

    def rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def free(
        self,
        folder: Path,
        name: str,
        tag: str = "",
        *,
        sidecars: bool = False,
        directory: bool = False,
    ) -> str:
        """A name in ``folder`` that nothing uses yet (``x.xlsx``, ``x (2).xlsx``, ...).

        Nothing in archive/, failed/ or outbox/ is ever overwritten. With ``sidecars``
        the ``.errors.txt``/``.errors.xlsx`` beside it must be free too. Every one of
        these names fits in NAME_MAX bytes: the stem is cut (on a character boundary)
        to make room for the number, the tag and the suffixes, which are kept whole.
        """
        path = Path(name)
        stem, suffix = (name, "") if directory else (path.stem, cut(path.suffix, SUFFIX_MAX))
        number = 1
        while True:
            ending = tag + (f" ({number})" if number > 1 else "")
            longest = max([size(suffix), *(size(f".{s}") for s in SIDECARS if sidecars)])
            first = cut(stem, NAME_MAX - size(ending) - longest) + ending + suffix
            names = [first, *(sidecars_of(first) if sidecars else [])]
            if not any(os.path.lexists(folder / n) for n in names):
                return self.rel(folder / first)
            number += 1


class OnceLog:
    """Warnings about the folders (a link, a folder in the inbox), each logged once."""

    def __init__(self) -> None:
        self._warned: set[str] = set()

    def warn(self, message: str) -> None:
        if message not in self._warned:
            self._warned.add(message)
            log.warning(message)


def size(name: str) -> int:
    """A name's length as the file system counts it: bytes."""
    return len(os.fsencode(name))


def cut(text: str, size: int) -> str:
    """``text`` cut to at most ``size`` bytes, never in the middle of a character."""
    data = os.fsencode(text)
    if len(data) <= size:
        return text
    end = max(size, 0)
    while end and data[end] & 0xC0 == 0x80:  # a UTF-8 continuation byte: back off
        end -= 1
    return os.fsdecode(data[:end])


def fits(names: list[str]) -> bool:
    return all(size(n) <= NAME_MAX for n in names)


def sidecars_of(name: str) -> list[str]:
    """The names of a failed workbook's reasons: ``x.errors.txt`` beside ``x.xlsx``."""
    return [f"{Path(name).stem}.{side}" for side in SIDECARS]


def storable(name: str) -> str:
    """``name``, or a copy with ``_`` for each byte that is not UTF-8 (``caf_.xlsx``).

    A share may hand over a name in a legacy encoding; the journal (UTF-8) cannot
    hold it, so the claim renames the file rather than fail on every sweep.
    """
    try:
        name.encode()
    except UnicodeEncodeError:
        return os.fsencode(name).decode(errors="replace").replace("\ufffd", "_")
    return name


def printable(text: str) -> str:
    """``text`` with control and other invisible characters escaped (``\\n``, ``\\x1b``).

    File names are chosen by whoever drops a file: shown as they are, a newline
    breaks ``docgen status``'s table and an escape sequence drives the terminal.
    """
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def make_private(path: Path, access: Access | None = None) -> None:
    """Make a regular file owner-only (0600), or with ``access`` of a group its group's
    (0660); a link or a missing file is left alone.

    A moved file keeps the mode its dropper's umask gave it (often 0644: anyone on
    the server could read a child's data in archive/), so each workbook filed is made
    private. One the service does not own cannot be: it is still filed, with a warning.
    """
    try:
        if stat.S_ISREG(os.lstat(path).st_mode):
            (access or Access()).apply(path)
    except FileNotFoundError:
        return
    except OSError as exc:
        log.warning("cannot make %r owner-only: %s", path.name, exc.strerror)


def remove(path: Path) -> None:
    """Remove a file, link or folder tree if it is there."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with suppress(FileNotFoundError, NotADirectoryError):
            path.unlink()
