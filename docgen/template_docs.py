"""docs/templates.md: the contract between docgen and a council's template designer.

Generated from the registry and from the contexts the bundled samples give each
template (the same ones ``docgen templates check`` uses), so every name listed is one
a template really receives, with its type and an example.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from docgen import documents
from docgen.checks import sample_contexts
from docgen.settings import Settings

HEADER = "<!-- Generated from docgen/documents/ by scripts/gen_docs.py; do not edit by hand. -->"

CONVENTIONS = """\
## How a template is written

A template is an ordinary Word document holding Jinja tags, as
[docxtpl](https://docxtpl.readthedocs.io/) reads them. Start from the bundled ones:
`docgen templates export my-letterhead/` copies them out; change the letterhead, fonts and
wording in Word; keep the tags; then `docgen templates check my-letterhead/` before using the
folder with `--templates my-letterhead/` (or `DOCGEN_TEMPLATES`). A file of the folder
replaces the bundled template of the same name; the others stay bundled.

| tag | what it does |
|---|---|
| `{{ review.child_name }}` | prints a value; a cell's text comes out literally (`<`, `&`, `{{`) |
| `{%p if review.care_plan %} ... {%p endif %}` | keeps or drops whole paragraphs |
| `{%tr for a in attendees %} ... {%tr endfor %}` | repeats a table row per item |
| `{%p for d in decisions %} ... {%p endfor %}` | repeats paragraphs per item |
| `{{ value or "Not recorded" }}` | a fallback for an optional value |

Rules docgen enforces (`templates check` reports each, with the paragraph where it is):
- only the names listed below exist for a template; a misspelt name is an error, not a blank;
- `{% include %}`, `{% import %}` and `{% extends %}` are refused: a template is one document;
- templates run in Jinja's sandbox: no Python attributes beyond the data given;
- dates arrive already written out (`12 March 2014`), numbers as numbers, yes/no as `Yes`/`No`;
- tracked changes left in a template are reported (they would print in every document).
"""


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "yes/no"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, Mapping):
        return "group"
    if isinstance(value, list | tuple):
        return "list"
    if value is None:
        return "empty when not recorded"
    return type(value).__name__.lower()


def _example(value: Any) -> str:
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:37] + "..."
        return "`" + text.replace("|", "\\|").replace("\n", " ") + "`" if text else "(blank)"
    if isinstance(value, bool | int | float):
        return f"`{value}`"
    return ""


def _names(value: Any, path: str) -> Iterator[tuple[str, str, str]]:
    """(name, type, example) of every name under ``value``, lists by their first item."""
    if isinstance(value, Mapping):
        for key in sorted(value):
            yield from _names(value[key], f"{path}.{key}" if path else str(key))
        return
    if isinstance(value, list | tuple):
        items = [v for v in value if v is not None]
        first = items[0] if items else None
        inner = _kind(first) if first is not None else "item"
        yield path, f"list of {inner}", f"{len(value)} in the sample"
        if isinstance(first, Mapping):
            yield from _names(first, f"{path}[]")
        return
    yield path, _kind(value), _example(value)


def _merged(contexts: list[dict[str, Any]]) -> dict[str, tuple[str, str]]:
    """Every name any sample context gives, with the first non-empty example."""
    found: dict[str, tuple[str, str]] = {}
    for ctx in contexts:
        for name, kind, example in _names(ctx, ""):
            if name not in found or (not found[name][1] and example):
                found[name] = (kind, example)
    return found


def templates_reference(settings: Settings | None = None) -> str:
    """The whole of docs/templates.md."""
    contexts = sample_contexts(settings or Settings())
    lines = [HEADER, "", "# Templates: what each one is given", "", CONVENTIONS]
    for doc in documents.all_types():
        lines += [f"## {doc.title.capitalize()} (`docgen {doc.command_name}`)", ""]
        for name in doc.templates:
            names = _merged(contexts.get(name, []))
            lines += [f"### `{name}`", "", "| name | type | example (bundled sample) |"]
            lines += ["|---|---|---|"]
            lines += [f"| `{n}` | {kind} | {example} |" for n, (kind, example) in names.items()]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"
