"""Regenerate the docs that are made from code: the workbook reference and the JSON
Schemas (from the sheet models), the CLI reference (from the commands' --help) and the
template reference (from the document-type registry and the samples' contexts).

``python scripts/gen_docs.py`` rewrites ``docs/workbooks.md``, ``schemas/*.schema.json``,
``docs/cli.md`` and ``docs/templates.md`` (only those that changed).
``python scripts/gen_docs.py --check`` writes nothing, lists the files that are out of
date and exits 1 if any are, for CI.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import click

from docgen.cli import main as cli
from docgen.contract import stale_generated, write_generated
from docgen.template_docs import templates_reference

ROOT = Path(__file__).resolve().parent.parent
CLI_REFERENCE = Path("docs/cli.md")
TEMPLATES_REFERENCE = Path("docs/templates.md")
FIGURE_NAMES = Path("docs/figures.md")


def figure_names() -> str:
    """The names Narrative and Priorities text may cite as [[name]]."""
    from docgen.annual import citable_names
    from docgen.context import slug

    lines = [
        "<!-- Generated from docgen/annual.py by scripts/gen_docs.py; do not edit by hand. -->",
        "",
        "# Figures cited in prose",
        "",
        "Narrative and Priorities text may cite a figure of the annual report as `[[name]]`:",
        "`[[alerts open at 31 March]] alerts were still open at the year end.` prints the",
        "figure as its table does. Names match in any case and with any spacing. A name the",
        "report does not have is an error at its cell (e.g. `Narrative!B4`) naming the",
        "nearest ones. Each Measure of the Figures sheet may be cited by its name too.",
        "Nothing else in a cell is interpreted: `{{ }}` prints as typed.",
        "",
        "The report's own sentences are in its Word template, where a council may reword",
        "them: each figure is `n.<variable>` there (the number, for the filters `plural`,",
        "`number`, `percent`, `fte`, `was` and `sentence`) and `f.<variable>` (formatted",
        "as its table prints it), e.g. `{{ n.reviews_held|plural('review')|sentence }}`.",
        "`docgen templates check` names a misspelt variable and the nearest one.",
        "",
        "| name | template variable | the figure |",
        "|---|---|---|",
        *(f"| `{name}` | `{slug(name)}` | {what} |" for name, what in citable_names()),
        "",
    ]
    return "\n".join(lines)


def cli_reference() -> str:
    """Every command's --help, in the order a user meets them, at a fixed width."""
    parts = [
        "<!-- Generated from docgen/cli.py by scripts/gen_docs.py; do not edit by hand. -->",
        "",
        "# Command reference",
        "",
    ]

    def walk(command: click.Command, path: list[str]) -> None:
        ctx = click.Context(
            command,
            info_name=" ".join(path),
            parent=None,
            terminal_width=100,
            max_content_width=100,
        )
        parts.extend([f"## {' '.join(path)}", "", "```", ctx.get_help(), "```", ""])
        if isinstance(command, click.Group):
            for name in command.list_commands(ctx):
                walk(command.commands[name], [*path, name])

    walk(cli, ["docgen"])
    return "\n".join(parts)


def _made_here() -> dict[Path, str]:
    """The docs this script makes itself (the contract's are made in docgen.contract)."""
    return {
        CLI_REFERENCE: cli_reference(),
        TEMPLATES_REFERENCE: templates_reference(),
        FIGURE_NAMES: figure_names(),
    }


def stale(root: Path) -> list[Path]:
    found = stale_generated(root)
    for path, text in _made_here().items():
        target = root / path
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            found.append(target)
    return found


def write(root: Path) -> list[Path]:
    changed = write_generated(root)
    for path, text in _made_here().items():
        target = root / path
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
            changed.append(target)
    return changed


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
        stale_files = stale(root)
        for path in stale_files:
            print(f"out of date: {path.relative_to(root)}")
        if stale_files:
            print("run: python scripts/gen_docs.py", file=sys.stderr)
            return 1
        print("generated files are up to date")
        return 0
    changed = write(root)
    for path in changed:
        print(f"{'wrote' if path.exists() else 'removed'} {path.relative_to(root)}")
    if not changed:
        print("generated files are up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
