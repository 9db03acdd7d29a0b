"""The alert of concern: one per row of Alerts (IRO Handbook, ch. 5: dispute resolution)."""

from __future__ import annotations

from typing import Any

from docgen import context
from docgen.documents._drop import papers
from docgen.documents.base import DocumentType, Related
from docgen.models import ALERT, Alert, AlertStep
from docgen.settings import Settings


def build(alert: Alert, related: Related, settings: Settings, _item: Any) -> dict:
    (steps,) = related
    return context.alert_context(alert, list(steps), settings=settings)


def file_parts(alert: Alert, related: Related, _item: Any, _n: int) -> tuple[str, ...]:
    """Named by the date the concern was first raised: its earliest Alert History step
    when that is earlier than its Date Raised (the contract, v2)."""
    (steps,) = related
    return ("alert", alert.alert_id, context.first_raised(alert, list(steps)).isoformat())


DOCUMENT = DocumentType(
    name="alert",
    title="alert of concern",
    help="Write one alert of concern per alert in WORKBOOK.",
    workbook=ALERT,
    template="alert.docx",
    sample="alerts.xlsx",
    parent=Alert,
    children=(AlertStep,),
    build=build,
    file_parts=file_parts,
    drop=papers,
    notes=(
        "`docgen alert WORKBOOK` writes one alert of concern per row of Alerts, named "
        "`alert_<Alert ID>_<date first raised>.docx` (the earliest of Date Raised and the "
        "alert's Alert History dates). Alert History rows belong to the alert whose Alert ID "
        "they carry."
    ),
    order=20,
)
