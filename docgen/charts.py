"""Charts of the annual report, drawn from the computed figures as PNG bytes.

matplotlib's Agg backend with its bundled DejaVu font and no PNG metadata, so the
same figures give the same bytes on every machine. matplotlib is imported when the
first chart is drawn: it is most of a second of start-up that every other command
(a review record, ``validate``, ``--help``) would otherwise pay.
"""

from __future__ import annotations

import functools
import io
from types import ModuleType
from typing import TYPE_CHECKING

from docgen.annual import YearTable

if TYPE_CHECKING:
    from matplotlib.axis import Axis
    from matplotlib.figure import Figure

_STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "svg.hashsalt": "docgen",
}
_HATCHES = ["", "////", "....", "xxxx", "\\\\\\\\", "++++", "oo"]
_COLOURS = ["#1f4e79", "#5b9bd5", "#a5a5a5", "#ed7d31", "#70ad47", "#ffc000", "#7030a0"]


@functools.cache
def _pyplot() -> ModuleType:
    """matplotlib's pyplot on the Agg backend (no screen, the same pixels everywhere)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot

    return matplotlib.pyplot


def load() -> None:
    """Import matplotlib now, before a job's data exists.

    Its import raises and catches exceptions (pyparsing's, parsing font settings),
    whose tracebacks form reference cycles with every frame below the import: begun
    from inside a job, they held all its rows and models until the cycle collector
    ran (1.8 million objects and 0.9 s at the end of a national report).
    """
    _pyplot()


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=200, metadata={"Software": None}, bbox_inches="tight")
    _pyplot().close(fig)
    return buffer.getvalue()


def totals_by_year(table: YearTable, title: str, labels: list[str]) -> bytes:
    """A bar per year of a table's totals (years with no published total are left out)."""
    years, values = [], []
    for label, year in zip(labels, table.years, strict=True):
        total = table.totals.get(year)
        if total is not None and total.number is not None:
            years.append(label)
            values.append(total.number)
    plt = _pyplot()
    with plt.rc_context(_STYLE):
        fig, ax = plt.subplots(figsize=(6.0, 2.8))
        bars = ax.bar(years, values, color=_COLOURS[0], width=0.6)
        ax.bar_label(bars, labels=[f"{v:g}" for v in values], padding=2)
        ax.set_title(title, loc="left", fontsize=10)
        ax.set_ylabel("Children")
        ax.margins(y=0.15)
        _whole_children(ax.yaxis)
        ax.set_ylim(bottom=0)
        fig.tight_layout()
        return _png(fig)


def rows_by_year(table: YearTable, title: str, labels: list[str]) -> bytes:
    """Grouped horizontal bars: one group per row, one bar per year."""
    rows = list(table.rows)
    count = len(table.years)
    height = 0.8 / count
    plt = _pyplot()
    with plt.rc_context(_STYLE):
        fig, ax = plt.subplots(figsize=(6.0, (0.2 + 0.12 * count) * len(rows) + 1.2))
        for i, (year, label) in enumerate(zip(table.years, labels, strict=True)):
            values = [table.value(r, year).number or 0 for r in rows]
            positions = [r + (count - 1 - i) * height - 0.4 + height / 2 for r in range(len(rows))]
            bars = ax.barh(
                positions,
                values,
                height=height,
                label=label,
                color=_COLOURS[(len(table.years) - 1 - i) % len(_COLOURS)],
                # a pattern per year too: the years must not be told apart by colour alone
                hatch=_HATCHES[(len(table.years) - 1 - i) % len(_HATCHES)],
                edgecolor="white",
                linewidth=0,
            )
            # every bar labelled, so a small one (1 child) is still read at print size
            ax.bar_label(bars, labels=[f"{v:g}" for v in values], padding=2, fontsize=7)
        ax.set_yticks(range(len(rows)), [_wrap(r) for r in rows])
        ax.invert_yaxis()
        ax.set_xlabel("Children")
        _whole_children(ax.xaxis)
        ax.set_xlim(left=0)
        ax.margins(x=0.08)
        ax.set_title(title, loc="left", fontsize=10)
        handles, names = ax.get_legend_handles_labels()
        ax.legend(
            handles[::-1],
            names[::-1],
            frameon=False,
            fontsize=8,
            ncols=count,
            loc="upper center",
            bbox_to_anchor=(0.5, -0.12 - 0.6 / len(rows)),
        )
        fig.tight_layout()
        return _png(fig)


def _whole_children(axis: Axis) -> None:
    """Ticks at whole children (no 0.5 of a child on a small council's chart)."""
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True))


def _wrap(text: str, width: int = 28) -> str:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "\n".join(lines)
