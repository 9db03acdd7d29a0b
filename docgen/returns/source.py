"""Where a return's values come from, and the files of a returns folder or zip.

Every value read from a return keeps its :class:`Src` (file, line, XML path), so a
problem found while deriving the annual tables names the line and field a data team
opens to fix it: ``episodes.csv line 1,204, DEC``.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, NamedTuple

from docgen.errors import Problem, Severity, UserError


class Src(NamedTuple):
    """A record's place: the file's name, its line, and for XML the element's path."""

    file: str
    line: int
    path: str | None = None


def problem(
    src: Src,
    field: str | None,
    code: str,
    message: str,
    *,
    value: Any = None,
    expected: str = "",
    severity: Severity = "error",
) -> Problem:
    """A problem at ``field`` of the record at ``src``."""
    path = f"{src.path}/{field}" if src.path and field else src.path
    return Problem(
        code,
        message,
        file=src.file,
        line=src.line,
        column=field,
        path=path,
        value=value,
        expected=expected,
        severity=severity,
    )


#: The file types a returns folder may hold; anything else is left alone.
RETURN_SUFFIXES = (".csv", ".xml")


@dataclass(frozen=True)
class ReturnFile:
    """One file of a return set: on disk, or a member of a zip."""

    name: str
    path: Path
    member: str | None = None

    @contextmanager
    def open(self) -> Iterator[IO[bytes]]:
        if self.member is None:
            with self.path.open("rb") as handle:
                yield handle
            return
        with zipfile.ZipFile(self.path) as archive, archive.open(self.member) as handle:
            yield handle

    @contextmanager
    def text(self) -> Iterator[IO[str]]:
        """The file as streamed text: UTF-8 (with or without a byte-order mark) when its
        first 64 KB are, else Windows-1252, which is what Excel writes for a CSV."""
        with self.open() as handle:
            head = handle.read(1 << 16)
            try:
                head.decode("utf-8")
                encoding = "utf-8-sig"
            except UnicodeDecodeError as exc:
                # a character cut at the 64 KB boundary is still UTF-8
                encoding = "utf-8-sig" if exc.start >= len(head) - 3 else "cp1252"
            stream = io.BufferedReader(_Prefixed(head, handle))
            yield io.TextIOWrapper(stream, encoding=encoding, newline="")


class _Prefixed(io.RawIOBase):
    """``head`` (already read) followed by the rest of ``handle``."""

    def __init__(self, head: bytes, handle: IO[bytes]) -> None:
        self._head = memoryview(head)
        self._handle = handle

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._handle.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def return_files(source: Path, max_bytes: int) -> list[ReturnFile]:
    """The CSV and XML files of a folder (not its subfolders) or a zip, sorted by name.

    A zip's members are checked against ``max_bytes`` before any is read, so a zip
    bomb stops with a message rather than filling memory.
    """
    if source.is_dir():
        return [
            ReturnFile(p.name, p)
            for p in sorted(source.iterdir())
            if p.is_file() and p.suffix.lower() in RETURN_SUFFIXES and not p.name.startswith(".")
        ]
    if source.suffix.lower() == ".zip":
        try:
            with zipfile.ZipFile(source) as archive:
                members = [
                    m
                    for m in archive.infolist()
                    if not m.is_dir() and Path(m.filename).suffix.lower() in RETURN_SUFFIXES
                ]
        except (zipfile.BadZipFile, OSError) as exc:
            raise UserError(f"{source.name} is not a zip docgen can read ({exc}).") from None
        big = [m for m in members if m.file_size > max_bytes]
        if big:
            raise UserError(
                f"{source.name}: {big[0].filename} unpacks to {big[0].file_size:,} bytes, more "
                f"than the {max_bytes:,} allowed (DOCGEN_MAX_WORKBOOK_MB)."
            )
        return [
            ReturnFile(Path(m.filename).name, source, m.filename)
            for m in sorted(members, key=lambda m: m.filename)
        ]
    if source.is_file() and source.suffix.lower() in RETURN_SUFFIXES:
        return [ReturnFile(source.name, source)]
    raise UserError(
        f"{source} is not a folder or zip of returns (SSDA903 CSV or XML files, a CIN census XML)."
    )
