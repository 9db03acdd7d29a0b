"""The annual report straight from the council's DfE returns (SSDA903 and CIN census).

:func:`read_returns` reads a folder or zip of return files, recognising each by its
content; :func:`~docgen.returns.derive.derive` turns them into the annual workbook's
tables; :func:`annual_tables` merges those with the workbook that holds the rest
(Report, Disputes, Staff, ...); :func:`check_returns` is ``docgen validate`` on a
folder of returns.
"""

from docgen.returns.merge import (
    ReturnSet,
    annual_tables,
    check_returns,
    find_returns,
    read_returns,
)

__all__ = ["ReturnSet", "annual_tables", "check_returns", "find_returns", "read_returns"]
