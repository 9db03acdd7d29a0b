"""Every docgen command the README shows runs as written, in order, on a fresh folder."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from tests.conftest import REPO, run_cli

#: Lines of the README's shell blocks that set docgen up rather than use it.
SETUP = ("python3 -m venv", "pip ", "pytest")


def readme_commands() -> list[list[str]]:
    """The README's ``bash`` blocks, a command a line, comments and set-up left out;
    ``a && b`` gives both."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    commands = []
    for block in re.findall(r"```bash\n(.*?)```", text, re.S):
        for line in block.splitlines():
            for part in line.split("#")[0].split("&&"):
                words = shlex.split(part)
                if words and not part.strip().startswith(SETUP) and words[0] != ".":
                    commands.append(words)
    return commands


def test_the_readme_shows_the_commands_users_need() -> None:
    shown = {" ".join(c[:2]) for c in readme_commands()}
    assert {"docgen samples", "docgen validate", "docgen annual", "docgen review"} <= shown


def test_every_readme_command_runs_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a folder of its own, as a user who has just installed docgen would run them
    (the drop folder's commands run against a folder the test makes in its place)."""
    monkeypatch.chdir(tmp_path)
    for words in readme_commands():
        if words[0] == "mkdir":
            Path(words[-1]).mkdir(parents=True, exist_ok=True)
            continue
        assert words[0] == "docgen", words
        args = words[1:]
        if args[0] in ("watch", "status"):  # a service's folder: a fresh one here
            args = [args[0], str(tmp_path / "drop"), *args[2:]]
            (tmp_path / "drop").mkdir(exist_ok=True)
            if args[0] == "watch":
                args += ["--once", "--settle", "0"]
        result = run_cli(*args)
        assert result.exit_code == 0, (words, result.output)
        if args == ["annual", "--year", "2014"]:
            assert "Using the bundled sample workbook for 2013-14: a fictional council's" in (
                result.output
            )


def test_the_readme_lists_every_setting() -> None:
    """A setting the README's table leaves out is one nobody can find."""
    from docgen.settings import Settings

    text = (REPO / "README.md").read_text(encoding="utf-8")
    names = [f"DOCGEN_{name.upper()}" for name in Settings.model_fields]
    assert [name for name in names if f"`{name}`" not in text] == []
