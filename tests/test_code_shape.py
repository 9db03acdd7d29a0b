"""The package's shape, as the style guide asks: every function short enough to read at
once, and no `type: ignore` without the reason beside it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).parents[1] / "docgen"
LONGEST = 80


def test_no_function_is_longer_than_80_lines() -> None:
    long = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > LONGEST:
                    long.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {node.name} ({lines})")
    assert long == []


def test_every_type_ignore_says_why() -> None:
    bare = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            found = re.search(r"# type: ignore(\[[^\]]*\])?(.*)$", line)
            if found and not found.group(2).strip().lstrip("#").strip():
                bare.append(f"{path.relative_to(PACKAGE)}:{number}")
    assert bare == []
