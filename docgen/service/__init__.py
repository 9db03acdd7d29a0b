"""The drop-folder service: workbooks saved into ``ROOT/inbox`` become documents in ``ROOT/outbox``.

Admins do not use a command line. They save a workbook into a shared folder and
collect the documents from another, so this loop runs all day and must behave like
an integration engine's file endpoint (Apache Camel's file component is the model),
not like a script:

* **Read lock.** A file is taken only once it is complete: its size and modification
  time unchanged for ``settle`` seconds (observed by polling, which works on network
  shares where inotify does not) and, for an ``.xlsx``, its zip directory whole.
  Office lock files, hidden and temporary files are never touched.
* **Claim by rename.** The file is renamed into ``work/<token>.<folder>/`` (atomic
  within ROOT), and only then recorded in the journal. Whatever sits in ``work/``
  is unfinished business, so a restart after a crash finds it and finishes it.
* **Intent first, then action.** Each state change is committed before the files
  it describes are moved, and moving them again is harmless; so every workbook
  ends exactly once in ``archive/`` or ``failed/``.
* **All or nothing.** Documents are written into a hidden folder beside their
  destination and renamed into place as a whole.
* **Idempotent.** Content already rendered is recorded as a duplicate and archived,
  not rendered again (unless ``force``).
* **Never stops.** A catch-all around each job records the failure and moves on;
  one exclusive lock keeps a second watcher off the same ROOT. A move the file
  system refuses is retried every sweep, and logged once, not every sweep.
* **Private.** Workbooks and documents hold children's data, so everything the
  service creates or files is owner-only, whatever the umask it was started with.

Logs carry job ids, kinds, file names, outcomes, counts and durations; never the
contents of a workbook (sheet names included: they may be children's names).
"""

from docgen.service.intake import ignored, whole_zip
from docgen.service.jobs import MAX_ATTEMPTS, Outcome, annual_year
from docgen.service.layout import ANY, KIND_FOLDERS, TEMP_PREFIX, Layout
from docgen.service.lock import ServiceBusy
from docgen.service.status import recent_jobs
from docgen.service.watcher import Service, stop_on_signals

__all__ = [
    "ANY",
    "KIND_FOLDERS",
    "MAX_ATTEMPTS",
    "TEMP_PREFIX",
    "Layout",
    "Outcome",
    "Service",
    "ServiceBusy",
    "annual_year",
    "ignored",
    "recent_jobs",
    "stop_on_signals",
    "whole_zip",
]
