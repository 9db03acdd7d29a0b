"""The command line as a whole: what every command pays before it starts."""

from __future__ import annotations

import subprocess
import sys


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
