"""Taking files from the inbox: which are ignored, when one has settled, and its claim."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import stat
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from docgen.errors import UserError
from docgen.files import write_atomic
from docgen.journal import Job, Journal
from docgen.service.layout import (
    ANY,
    FOLDER_TAKERS,
    KIND_FOLDERS,
    SPECIAL_FOLDERS,
    Layout,
    OnceLog,
    fits,
    log,
    storable,
)
from docgen.service.notices import STRAY_ENDING, stray_notice

ZIP_SUFFIXES = (".xlsx", ".xlsm", ".zip")
IGNORED_SUFFIXES = (".tmp", ".part", ".crdownload")
IGNORED_NAMES = frozenset({"thumbs.db", "desktop.ini"})
#: Excel saves through a temporary file named with eight hex digits and no suffix.
_EXCEL_SAVE_TEMP = re.compile(r"[0-9A-F]{8}")


def ignored(name: str) -> bool:
    """Files that are never taken, nor moved: they belong to someone still working.

    Office lock files (``~$Book.xlsx``), hidden files (``.x``, LibreOffice's
    ``.~lock.x#``), downloads and copies in progress (``.tmp``, ``.part``,
    ``.crdownload``), Excel's save-in-progress files and Windows' folder clutter.
    """
    lowered = name.lower()
    return (
        name.startswith(("~$", "."))
        or lowered.endswith(IGNORED_SUFFIXES)
        or lowered in IGNORED_NAMES
        or bool(_EXCEL_SAVE_TEMP.fullmatch(name))
    )


def whole_zip(path: Path) -> bool:
    """True when ``path``'s zip directory is present and every member lies inside the file.

    This proves the writer has finished (the directory is written last) without
    decompressing anything, so a zip bomb costs nothing here; ``testzip`` would
    inflate every member. Corruption inside a member is left to the reader.
    """
    try:
        size = path.stat().st_size
        with zipfile.ZipFile(path) as zf:
            return all(info.header_offset + info.compress_size <= size for info in zf.infolist())
    except (OSError, zipfile.BadZipFile, ValueError):
        return False


@dataclass(frozen=True)
class Drop:
    """A file seen in the inbox, and the sub-folder (kind, or ``any``) it was dropped in."""

    path: Path
    folder: str


class Intake:
    """The inbox's read lock: which files have settled, and their claim into work/.

    A file is taken once its size, modification time and inode are unchanged for
    ``settle`` seconds and, for an ``.xlsx``, its zip directory is whole (or ``grace``
    times ``settle`` has passed, so that a corrupt file fails instead of waiting).
    """

    def __init__(self, layout: Layout, settle: float, warnings: OnceLog) -> None:
        self.layout = layout
        self.settle = settle
        self.grace = 5
        self._warnings = warnings
        self._seen: dict[Path, tuple[tuple[int, ...], float]] = {}
        #: Folders in the inbox that docgen does not read, found by the sweep in hand.
        self._strays: list[tuple[str, str]] = []

    def _drops(self) -> Iterator[Drop]:
        yield from self._files_in(self.layout.inbox, ANY)
        for kind in (*KIND_FOLDERS, *SPECIAL_FOLDERS):
            folder = self.layout.inbox / kind
            if folder.is_symlink():
                self._warnings.warn(f"inbox/{kind} is a link; docgen does not follow links")
                continue
            yield from self._files_in(folder, kind)

    def _files_in(self, folder: Path, label: str) -> Iterator[Drop]:
        try:
            entries = list(os.scandir(folder))
        except OSError as exc:
            log.warning("cannot list %s: %s", self.layout.rel(folder), exc.strerror)
            return
        for entry in entries:
            if ignored(entry.name):
                continue
            if entry.is_dir(follow_symlinks=False):
                if label in FOLDER_TAKERS:  # a folder of returns: one job once it settles
                    yield Drop(Path(entry.path), label)
                    continue
                if not (label == ANY and entry.name in (*KIND_FOLDERS, *SPECIAL_FOLDERS)):
                    self._warnings.warn(
                        f"{self.layout.rel(Path(entry.path))} is a folder; docgen takes only "
                        "files, so it is left where it is"
                    )
                    self._strays.append((self.layout.rel(Path(entry.path)), label))
                continue
            yield Drop(Path(entry.path), label)

    def observe(self) -> tuple[list[Drop], int]:
        """The files unchanged for ``settle`` s (oldest first), and how many are not yet."""
        moment = time.monotonic()
        ready: list[tuple[int, str, Drop]] = []
        pending = 0
        present: set[Path] = set()
        self._strays = []
        for drop in self._drops():
            try:
                st = os.lstat(drop.path)
            except FileNotFoundError:
                continue
            present.add(drop.path)
            signature: tuple[int, ...] = (st.st_mode, st.st_size, st.st_mtime_ns, st.st_ino)
            if stat.S_ISDIR(st.st_mode):
                signature += tree_signature(drop.path)
            seen = self._seen.get(drop.path)
            if seen is None or seen[0] != signature:
                self._seen[drop.path] = (signature, moment)
                pending += 1
                continue
            age = moment - seen[1]
            if age < self.settle or (
                stat.S_ISREG(st.st_mode)
                and drop.path.suffix.lower() in ZIP_SUFFIXES
                and age < self.settle * self.grace
                and not whole_zip(drop.path)
            ):
                pending += 1
                continue
            ready.append((st.st_mtime_ns, drop.path.name, drop))
        for gone in set(self._seen) - present:
            del self._seen[gone]
        try:
            stray_notices(self.layout, self._strays)
        except OSError as exc:  # only a notice: taking files goes on
            log.warning("cannot leave a notice for a folder in the inbox: %s", exc.strerror)
        return [drop for *_key, drop in sorted(ready, key=lambda r: (r[0], r[1]))], pending

    def claim(self, drop: Drop, journal: Journal) -> Job | None:
        """Claim ``drop`` by renaming it into work/ and record the claim; None if its owner
        took it back in the meantime."""
        token = secrets.token_hex(6)
        job_dir = self.layout.work / f"{token}.{drop.folder}"
        name = storable(drop.path.name)
        job_dir.mkdir()
        try:
            os.rename(drop.path, job_dir / name)
        except FileNotFoundError:  # taken back by its owner between the look and the claim
            job_dir.rmdir()
            self._seen.pop(drop.path, None)
            return None
        except OSError:
            job_dir.rmdir()
            raise
        self._seen.pop(drop.path, None)
        job = journal.claim(token, name, drop.folder, sha256_of(job_dir / name))
        log.debug("job=%d claimed file=%r folder=%s", job.id, job.name, job.folder)
        return job


def stray_notices(layout: Layout, strays: list[tuple[str, str]]) -> None:
    """A notice in outbox/ for each folder in the inbox that docgen does not read
    (``inbox/reviews/``), so that what was saved there does not wait unseen for ever;
    removed once the folder is gone."""
    wanted = {f"{rel.replace('/', ' ')}{STRAY_ENDING}": (rel, label) for rel, label in strays}
    with contextlib.suppress(FileNotFoundError):
        for entry in os.scandir(layout.outbox):
            ours = entry.name.startswith("inbox ") and entry.name.endswith(STRAY_ENDING)
            if ours and entry.name not in wanted and entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)
    for name, (rel, label) in wanted.items():
        target = layout.outbox / name
        if not os.path.lexists(target) and fits([name]):
            text = stray_notice(rel, label).replace("\n", "\r\n").encode()
            write_atomic(target, text, group=layout.access.group)


def tree_signature(folder: Path) -> tuple[int, int, int]:
    """A dropped folder's entries: how many, their total size and latest change.

    Unchanged for ``settle`` seconds, the copy into it has finished. Links are not
    followed (os.walk's default), nor counted as anything but themselves.
    """
    count = total = latest = 0
    for top, folders, files in os.walk(folder):
        for name in (*folders, *files):
            try:
                st = os.lstat(os.path.join(top, name))
            except OSError:  # removed while listed: the next look sees the change
                continue
            count, total, latest = count + 1, total + st.st_size, max(latest, st.st_mtime_ns)
    return count, total, latest


def sha256_of(path: Path) -> str | None:
    """The content hash of a regular file; None for a link or anything else."""
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return None
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
        return digest.hexdigest()
    except OSError:
        return None


def refuse_special(path: Path, name: str, *, folders: bool = False) -> None:
    """Links are never followed (one could point at any file the service can read);
    with ``folders``, a folder is taken if nothing in it is a link."""
    mode = os.lstat(path).st_mode
    if folders and stat.S_ISDIR(mode):
        for top, subfolders, files in os.walk(path):
            for entry in (*subfolders, *files):
                if os.path.islink(os.path.join(top, entry)):
                    raise UserError(
                        f"{name} holds a link (shortcut), and links are not accepted: docgen "
                        "never follows them. Copy the files themselves into the folder."
                    )
        return
    if stat.S_ISLNK(mode):
        raise UserError(
            f"{name} is a link (shortcut) to another file, and links are not accepted: "
            "docgen never follows them. Copy the workbook itself into the inbox."
        )
    if not stat.S_ISREG(mode):
        raise UserError(f"{name} is not an ordinary file; copy the workbook itself into the inbox.")
