"""docgen: Excel workbooks of an IRO service in, finished Word documents out.

The public API is the pipeline's front door plus the types its callers handle.
"""

from docgen.errors import DocgenError, Problem, UserError, ValidationFailed, WorkbookError
from docgen.pipeline import Result, annual_report, check_workbook, meeting_papers
from docgen.report import Report
from docgen.settings import Settings

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
