"""PDF copies of finished documents, made by LibreOffice (``--pdf``).

LibreOffice is the one free converter that lays out a .docx as Word does (fonts,
tables, page fields), but it is slow to start (a second or more) and keeps a user
profile that only one process may use at a time. So:

* a whole batch is converted by ONE ``soffice`` process per output folder, not one
  per document;
* each run gets a private, throw-away profile (``-env:UserInstallation``), so two
  conversions at once, or a user's open LibreOffice, cannot block or break it;
* LibreOffice writes into a private (0700) folder beside the documents; each PDF is
  made owner-only there and renamed into place only once every PDF of the batch
  exists, so a failure leaves no PDF of the batch behind (all or nothing), and no
  other user can read a child's details while it is being written;
* LibreOffice reports success even for a file it could not load, so every expected
  PDF is checked for afterwards.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from collections import defaultdict
from pathlib import Path

from docgen.errors import UserError
from docgen.files import Access

#: Seconds allowed for LibreOffice to start, and then for each document.
START_SECONDS = 60
SECONDS_PER_DOCUMENT = 20

MISSING_LIBREOFFICE = (
    "PDF output needs LibreOffice: install it (Debian: apt-get install "
    "libreoffice-writer-nogui) or leave out --pdf."
)


def find_soffice() -> str:
    """The LibreOffice program on PATH; raises the user's next step when there is none.

    The CLI can call this before rendering, so a missing LibreOffice is reported
    before a long batch rather than after it.
    """
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    raise UserError(MISSING_LIBREOFFICE)


def convert_to_pdf(
    docx_paths: list[Path], *, timeout: float | None = None, group: str | None = None
) -> list[Path]:
    """Write ``<name>.pdf`` beside each ``<name>.docx``; all are written, or none; each
    owner-only, or with ``group`` (DOCGEN_GROUP) that group's too, as its document is.

    Returns the PDFs in the order of ``docx_paths``. ``timeout`` (seconds, per
    LibreOffice process) defaults to a start-up allowance plus an allowance per
    document of that process's batch.
    """
    if not docx_paths:
        return []
    soffice = find_soffice()
    for path in docx_paths:
        if not path.is_file():
            raise UserError(f"cannot make a PDF of {path.name}: the document does not exist.")
    batches: dict[Path, list[Path]] = defaultdict(list)
    for path in dict.fromkeys(p.resolve() for p in docx_paths):
        batches[path.parent].append(path)
    staged: list[tuple[Path, Path]] = []  # (PDF in a private folder, where it belongs)
    scratch: list[Path] = []
    placed: list[Path] = []
    try:
        with tempfile.TemporaryDirectory(prefix="docgen-lo-") as profile:
            for folder, documents in batches.items():
                outdir = _private_folder(folder)
                scratch.append(outdir)
                limit = timeout or START_SECONDS + SECONDS_PER_DOCUMENT * len(documents)
                failure = _run(soffice, Path(profile), outdir, documents, limit)
                for document in documents:
                    pdf = outdir / f"{document.stem}.pdf"
                    if not pdf.is_file() or pdf.stat().st_size == 0:
                        raise UserError(
                            f"LibreOffice could not convert {document.name} to PDF{failure}; "
                            "no PDF was written."
                        )
                    Access(group).apply(pdf)
                    staged.append((pdf, document.with_suffix(".pdf")))
                if failure:  # every PDF is there, but LibreOffice says something went wrong
                    raise UserError(
                        f"LibreOffice failed converting {documents[0].name} and the others "
                        f"in its folder to PDF{failure}; no PDF was written."
                    )
        for pdf, target in staged:
            os.replace(pdf, target)
            placed.append(target)
    except OSError as exc:
        for target in placed:
            target.unlink(missing_ok=True)
        raise UserError(f"cannot write the PDFs: {exc.strerror}.") from exc
    except BaseException:
        for target in placed:
            target.unlink(missing_ok=True)
        raise
    finally:
        for outdir in scratch:
            shutil.rmtree(outdir, ignore_errors=True)
    return [path.with_suffix(".pdf") for path in docx_paths]


def _private_folder(folder: Path) -> Path:
    """A 0700 folder inside ``folder``: the same file system, so a rename places a PDF."""
    try:
        return Path(tempfile.mkdtemp(prefix=".docgen-pdf-", dir=folder))
    except OSError as exc:
        raise UserError(f"cannot write PDFs to {folder}: {exc.strerror}.") from exc


#: LibreOffice's PDF export with tags (headings, tables, alt text) that screen readers
#: use: councils must publish accessibly (WCAG 2.2 AA, the 2018 regulations).
TAGGED_PDF = 'pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"}}'


def _run(soffice: str, profile: Path, outdir: Path, documents: list[Path], limit: float) -> str:
    """One LibreOffice process converting ``documents`` into ``outdir``.

    Returns ``""`` when it exits cleanly, else `` (exit status N: its last message)``
    with folders left out, for an error naming the document.

    It runs in a session of its own so that, on a timeout, the launcher and the
    office process it starts are stopped together (killing only the launcher would
    leave ``soffice.bin`` running with the profile locked).
    """
    command = [
        soffice,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--nologo",
        "--nolockcheck",
        "--convert-to",
        TAGGED_PDF,
        "--outdir",
        str(outdir),
        *map(str, documents),
    ]
    names = documents[0].name if len(documents) == 1 else f"{len(documents)} documents"
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
    except OSError as exc:
        raise UserError(f"cannot start LibreOffice ({soffice}): {exc.strerror}.") from exc
    try:
        _out, err = process.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        _stop(process)
        raise UserError(
            f"LibreOffice did not finish converting {names} to PDF within {limit:.0f} "
            "seconds; no PDF was written."
        ) from None
    except BaseException:  # Ctrl-C: do not leave LibreOffice running
        _stop(process)
        raise
    if process.returncode == 0:
        return ""
    message = err.decode(errors="replace")
    for folder in {str(outdir), str(profile), *(str(d.parent) for d in documents)}:
        message = message.replace(folder + os.sep, "").replace(folder, "")
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    return f" (exit status {process.returncode}{': ' + lines[-1] if lines else ''})"


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Kill the LibreOffice process group this module started, and reap it."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


__all__ = ["MISSING_LIBREOFFICE", "convert_to_pdf", "find_soffice"]
