"""Regenerate the workbook reference and the JSON Schemas from the sheet models.

``python scripts/gen_docs.py`` rewrites ``docs/workbooks.md`` and ``schemas/*.schema.json``
(only those that changed). ``python scripts/gen_docs.py --check`` writes nothing, lists
the files that are out of date and exits 1 if there are any, for CI.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from docgen.contract import stale_generated, write_generated

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="list out-of-date files and exit 1; write nothing"
    )
    parser.add_argument(
        "--root", type=Path, default=ROOT, help="repository root (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    root: Path = args.root
    if args.check:
        stale = stale_generated(root)
        for path in stale:
            print(f"out of date: {path.relative_to(root)}")
        if stale:
            print("run: python scripts/gen_docs.py", file=sys.stderr)
            return 1
        print("generated files are up to date")
        return 0
    changed = write_generated(root)
    for path in changed:
        print(f"{'wrote' if path.exists() else 'removed'} {path.relative_to(root)}")
    if not changed:
        print("generated files are up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
