"""The IRO annual report: one per reporting year, from the annual workbook (and, where
given, the council's DfE returns). Its own command, ``docgen annual --year``, makes it;
its tables are declared in :mod:`docgen.annual`."""

from __future__ import annotations

from docgen.documents import _drop
from docgen.documents.base import DocumentType
from docgen.models import ANNUAL

DOCUMENT = DocumentType(
    name="annual",
    title="IRO annual report",
    help="Write the IRO annual report for the year ending 31 March YEAR.",
    workbook=ANNUAL,
    template="annual_report.docx",
    sample="annual_2014.xlsx",
    per="workbook",
    drop=_drop.annual,
    takes_folders=True,
    yearly=True,
    notes=(
        "One workbook per reporting year, `annual_<year>.xlsx`. `docgen annual --year 2014` "
        "reports on 1 April 2013 to 31 March 2014: the year is the year the period ends. "
        "Every figure of the report is computed from the case-level rows; earlier years' "
        "columns come from the History sheet, printed as they were published. Short-breaks "
        "children (legal status `V3` or `V4`, or Short Breaks = `Y`) are left out of every "
        "count, as in the DfE's own tables, and shown only in brackets in the age table. "
        "A review or conference held after its due date counts as out of time even with a "
        "manager's approval (the approval is reported beside it)."
    ),
    order=5,
)
