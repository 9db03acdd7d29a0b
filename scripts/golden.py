"""Golden text of the bundled samples' documents: record before a refactoring, compare after.

    python scripts/golden.py record DIR    # every paragraph, table cell and image digest
    python scripts/golden.py compare DIR   # the same now, or the differences and exit 1

A move that should change nothing a reader sees (issue 12's registry) is proved by this;
a change meant to alter the documents records afresh.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import docx

ROOT = Path(__file__).resolve().parents[1]
#: The docgen of this interpreter, not whichever ``docgen`` is first on PATH (another
#: checkout's would make the comparison prove nothing).
DOCGEN = [sys.executable, "-c", "from docgen.cli import main; main()"]
COMMANDS = {
    "review": ["review", "samples/review_meetings.xlsx"],
    "alert": ["alert", "samples/alerts.xlsx"],
    "conference": ["conference", "samples/conferences.xlsx"],
    "annual": ["annual", "--year", "2014", "--data", "samples"],
}


def read_back(path: Path) -> dict[str, list[str]]:
    document = docx.Document(str(path))
    cells = [
        " | ".join(cell.text for cell in row.cells)
        for table in document.tables
        for row in table.rows
    ]
    images = [
        hashlib.sha256(part.blob).hexdigest()[:16]
        for part in document.part.package.parts
        if part.partname.startswith("/word/media/")
    ]
    return {"paragraphs": [p.text for p in document.paragraphs], "cells": cells, "images": images}


def snapshot() -> dict[str, dict[str, list[str]]]:
    found: dict[str, dict[str, list[str]]] = {}
    with tempfile.TemporaryDirectory() as out:
        for name, args in COMMANDS.items():
            folder = Path(out) / name
            folder.mkdir()
            subprocess.run([*DOCGEN, *args, "--output", str(folder)], cwd=ROOT, check=True,
                           capture_output=True)
            for path in sorted(folder.glob("*.docx")):
                found[f"{name}/{path.name}"] = read_back(path)
    return found


def main(action: str, where: str) -> int:
    target = Path(where) / "golden.json"
    now = snapshot()
    if action == "record":
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(now, indent=1, sort_keys=True))
        print(f"recorded {len(now)} documents in {target}")
        return 0
    before = json.loads(target.read_text())
    differ = sorted(k for k in before.keys() | now.keys() if before.get(k) != now.get(k))
    for key in differ:
        print(f"differs: {key}")
    print(f"{len(before)} documents before, {len(now)} now, {len(differ)} differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
