"""The sample report's published figures, recorded before the report was restructured.

``golden/annual_2014_tables.json`` holds every table cell of ``docgen annual --year 2014``
as it was before the tables became specs and the prose moved into the template. Each
recorded row must still be printed, in a table with the same header row, cell for cell;
new rows and new tables may be added around them. The few cells changed on purpose are
listed in ``CHANGED`` with the reason.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import SAMPLES, docx_tables, run_cli

GOLDEN = Path(__file__).parent / "golden" / "annual_2014_tables.json"

#: (header of the table's first column, row label, old cells) -> new cells, and why.
CHANGED: dict[tuple[str, str, tuple[str, ...]], tuple[str, ...]] = {
    # The published report printed a band's short-breaks children as "89+(1)": the
    # "+" says they come on top of the count (issue 14); the total keeps "265 (267)".
    ("Age", "10-15", ("89 (1)", "107")): ("89 (+1)", "107"),
    ("Age", "16-18", ("50 (1)", "59")): ("50 (+1)", "59"),
}
#: (header, row label) -> (header of the table it moved to, its label there), and why.
MOVED: dict[tuple[str, str], tuple[str, str]] = {
    # Caseloads have a table of their own, saying which children each figure counts;
    # the guideline is stated in its note and sentence, for looked after children only.
    ("Staff", "Children looked after on 31 March 2014"): ("Caseload", "Looked after children"),
    ("Staff", "Children per FTE IRO"): ("Caseload", "Looked after children per full-time IRO"),
    ("Staff", "National guideline per IRO"): ("", ""),
}


@pytest.fixture(scope="module")
def tables(tmp_path_factory: pytest.TempPathFactory) -> list[list[list[str]]]:
    out = tmp_path_factory.mktemp("golden") / "report.docx"
    result = run_cli("annual", "--year", "2014", "--data", str(SAMPLES), "--output", str(out))
    assert result.exit_code == 0, result.output
    return docx_tables(out)


def _golden() -> list[list[list[str]]]:
    return json.loads(GOLDEN.read_text(encoding="utf-8"))


@pytest.mark.parametrize("recorded", _golden(), ids=lambda t: f"{t[0][0]}-{t[0][-1]}")
def test_every_recorded_row_is_still_printed(
    recorded: list[list[str]], tables: list[list[list[str]]]
) -> None:
    header = recorded[0]
    candidates = [t for t in tables if t and t[0] == header]
    assert candidates, f"no table headed {header} any more"
    for row in recorded[1:]:
        expected = list(CHANGED.get((header[0], row[0], tuple(row[1:])), tuple(row[1:])))
        if (header[0], row[0]) in MOVED:
            new_header, label = MOVED[header[0], row[0]]
            if new_header:
                moved = [t for t in tables if t and t[0][0] == new_header]
                assert any([label, *expected] in t for t in moved), (header, row)
            continue
        assert any([row[0], *expected] in t for t in candidates), (header, row)
