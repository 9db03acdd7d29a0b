"""The command line as a whole: what every command pays before it starts."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import SAMPLES


def test_commands_start_without_the_chart_and_workbook_writing_libraries() -> None:
    # matplotlib and openpyxl were most of a second of every command's start-up, for
    # charts (the annual report) and blank workbooks only. A review record, validate
    # and --help must not import them.
    code = (
        "import sys, docgen.cli; "
        "print(sorted(m for m in ('matplotlib', 'openpyxl') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


#: What only a command that writes a document (or a workbook, or checks templates) needs:
#: python-docx, docxtpl, jinja2 and lxml were a third of a second of every command's
#: start-up, and the holidays package another twentieth.
RENDERING = ("docx", "docxtpl", "jinja2", "lxml", "openpyxl", "docgen.render", "docgen.checks")
STARTING = (*RENDERING, "holidays", "docgen.returns", "docgen.service", "docgen.blank")


def _loaded(argv: list[str], watched: tuple[str, ...]) -> list[str]:
    """Those of ``watched`` that ``docgen ARGV`` has imported by its end, in a fresh
    process as a user's command runs."""
    code = (
        "import json, sys\n"
        "from docgen.cli import main\n"
        "try:\n"
        "    main(sys.argv[2:], prog_name='docgen')\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        "print(json.dumps(sorted(m for m in sys.argv[1].split(',') if m in sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, ",".join(watched), *argv],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_importing_the_command_line_loads_no_renderer() -> None:
    code = f"import sys, docgen.cli; print(sorted(m for m in {STARTING!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_help_loads_no_renderer() -> None:
    assert _loaded(["--help"], STARTING) == []
    assert _loaded(["review", "--help"], STARTING) == []
    assert _loaded(["annual", "--help"], STARTING) == []


def test_validate_loads_no_renderer() -> None:
    assert _loaded(["validate", str(SAMPLES / "review_meetings.xlsx")], STARTING) == []
    assert _loaded(["validate", str(SAMPLES / "conferences.xlsx")], STARTING) == []
    # The annual workbook's figures count working days, so the bank holidays load.
    assert _loaded(["validate", str(SAMPLES / "annual_2014.xlsx")], RENDERING) == []


def test_import_docgen_loads_the_public_names_when_asked() -> None:
    code = (
        "import sys, docgen; "
        "loaded = 'docgen.pipeline' in sys.modules; "
        "from docgen import Settings, annual_report, check_workbook; "
        "print(loaded, callable(annual_report), Settings.__name__, 'annual_report' in dir(docgen))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True", "Settings", "True"]
