"""The notices the service leaves in outbox/ for the admins who share inbox/ and outbox/.

A failed or duplicate workbook leaves the inbox like any other; without a word in the
outbox it would simply vanish for whoever dropped it. Each notice is a short text file
saying what happened, what to do and where the workbook went. It holds file names, the
journal's summary (places and problem codes, never a cell's value) and times: no
child's name, whatever the workbook holds.
"""

from __future__ import annotations

import difflib
from datetime import datetime
from pathlib import Path

from docgen.journal import Job
from docgen.service.layout import (
    ANY,
    KIND_FOLDERS,
    RERENDER,
    SPECIAL_FOLDERS,
    printable,
    sidecars_of,
)

#: What a notice's name adds to the workbook's: ``reviews - NOT DONE.txt``.
FAILED_ENDING = " - NOT DONE.txt"
DUPLICATE_ENDING = " - ALREADY DONE.txt"
#: ``inbox reviews - NOT READ.txt``: a folder in the inbox docgen does not read.
STRAY_ENDING = " - NOT READ.txt"


def when(stamp: str) -> str:
    """A journal time as an admin reads it: ``5 December 2026 at 14:02``, the service's time."""
    moment = datetime.fromisoformat(stamp).astimezone()
    return f"{moment.day} {moment:%B %Y at %H:%M}"


def failure_notice(
    job: Job,
    summary: str,
    advice: str,
    filed_as: str,
    marked: bool,
    *,
    listed: bool = False,
    tabled: bool = False,
) -> str:
    """What an admin reads in outbox/ about a workbook that made no documents.

    ``filed_as`` is where the workbook goes under ROOT (``failed/x.xlsx``); ``marked``
    says whether a copy with each wrong cell marked goes beside it, ``tabled`` whether
    every problem is in a CSV too.
    """
    name = printable(job.name)
    reasons, copy, table = (
        (Path(filed_as).parent / side).as_posix() for side in sidecars_of(Path(filed_as).name)
    )
    where = (
        f"Every problem is listed, with its file and line, in {copy}; the reasons in "
        f"{reasons}. What was dropped is {filed_as}."
        if listed
        else f"A copy of the workbook with each cell that needs correcting in red is {copy}; "
        f"every reason is listed in {reasons}."
        if marked
        else f"The workbook, as dropped, is {filed_as}; every reason is listed in {reasons}."
    )
    if tabled:
        where += f" Every problem is also in {table}, one a row, to sort and filter in Excel."
    return (
        f"{name} was NOT turned into documents.\n\n"
        f"What happened: {summary}\n\n"
        f"What to do: {advice}\n\n"
        f"Where it is: {where}\n\n"
        "This notice is removed once a corrected copy has been turned into documents.\n"
        f"(docgen job {job.id}, dropped into {_inbox(job.folder)} on {when(job.claimed_at)})\n"
    )


def duplicate_notice(job: Job, earlier: Job) -> str:
    """What an admin reads about a workbook whose very bytes were already made into documents."""
    name, first = printable(job.name), printable(earlier.name)
    if earlier.outbox and not earlier.outbox_expired_at:
        documents = f"its documents are in {earlier.outbox}/"
    else:
        documents = "its documents have since been removed from the outbox"
    return (
        f"{name} was not turned into documents again: this workbook is the same as the one "
        f"you dropped on {when(earlier.claimed_at)} ({first}); {documents}.\n\n"
        "Nothing needs doing. To have its documents made again (after a change of "
        f"letterhead, say), drop it into inbox/{RERENDER}/.\n"
        f"(docgen job {job.id}, dropped into {_inbox(job.folder)} on {when(job.claimed_at)})\n"
    )


def stray_notice(rel: str, label: str) -> str:
    """What an admin reads about a folder of the inbox docgen does not read: ``rel`` is
    where it is (``inbox/reviews``), ``label`` the folder it is in (``any``: inbox/)."""
    name = rel.rsplit("/", 1)[-1]
    if label == ANY:
        folders = [*KIND_FOLDERS, *SPECIAL_FOLDERS]
        near = difflib.get_close_matches(name.lower(), folders, n=1, cutoff=0.6)
        into = (
            f"inbox/{near[0]}/ (the folder you meant?)" if near else "the inbox folder of its kind"
        )
        known = ", ".join(f"inbox/{f}/" for f in folders)
        listing = f" docgen reads inbox/ itself and {known}."
    else:
        into, listing = f"{_inbox(label)} itself", ""
    return (
        f"{rel}/ is not a folder docgen reads, so nothing saved in it is turned into "
        "documents.\n\n"
        f"What to do: move the workbooks in it into {into}, then delete the folder {rel}/."
        f"{listing}\n\n"
        "This notice is removed once the folder is gone.\n"
    )


def _inbox(folder: str) -> str:
    return "inbox/" if folder == ANY else f"inbox/{folder}/"
