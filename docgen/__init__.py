"""docgen: Excel workbooks of an IRO service in, finished Word documents out.

The public API is the pipeline's front door plus the types its callers handle.
They load on first use (PEP 562): ``import docgen.cli`` for ``docgen validate`` or
``docgen --help`` need not pay for the pipeline's renderer (python-docx, docxtpl,
jinja2, lxml), a third of a second before any command starts.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from docgen.errors import DocgenError, Problem, UserError, ValidationFailed, WorkbookError
    from docgen.pipeline import Result, annual_report, check_workbook, meeting_papers
    from docgen.report import Report
    from docgen.settings import Settings

#: Each public name and the module that defines it.
_HOMES = {
    "DocgenError": "docgen.errors",
    "Problem": "docgen.errors",
    "UserError": "docgen.errors",
    "ValidationFailed": "docgen.errors",
    "WorkbookError": "docgen.errors",
    "Result": "docgen.pipeline",
    "annual_report": "docgen.pipeline",
    "check_workbook": "docgen.pipeline",
    "meeting_papers": "docgen.pipeline",
    "Report": "docgen.report",
    "Settings": "docgen.settings",
}

__all__ = [
    "DocgenError",
    "Problem",
    "Report",
    "Result",
    "Settings",
    "UserError",
    "ValidationFailed",
    "WorkbookError",
    "annual_report",
    "check_workbook",
    "meeting_papers",
]


def __getattr__(name: str) -> Any:
    """A public name, imported from its module when first asked for."""
    home = _HOMES.get(name)
    if home is None:  # a submodule (``from docgen import pipeline``) is imported by Python
        raise AttributeError(f"module 'docgen' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
