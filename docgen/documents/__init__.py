"""Document types: one module each. See :mod:`docgen.documents.base`."""

from docgen.documents.base import (
    DocumentType,
    Dropped,
    all_types,
    drop_folders,
    generic_commands,
    get,
    per_row_types,
    registry,
    types_reading,
    workbook_kinds,
)

__all__ = [
    "DocumentType",
    "Dropped",
    "all_types",
    "drop_folders",
    "generic_commands",
    "get",
    "per_row_types",
    "registry",
    "types_reading",
    "workbook_kinds",
]
