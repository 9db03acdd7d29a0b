"""Jinja filters for the report's sentences, so a council can reword them in Word.

``{{ n.reviews_held|plural("review") }}`` prints ``200 reviews`` (``no reviews``,
``1 review``); ``number``, ``percent`` and ``fte`` format as the tables do; ``was``
agrees a verb with a count; ``sentence`` capitalises a sentence's first letter
without lowering the rest (Jinja's ``capitalize`` would turn "IRO" into "Iro").
"""

from __future__ import annotations

from typing import Any

from docgen.context import fte, number, percent, plural, sentence, was


def _plural(n: float | None, one: str, many: str | None = None) -> str:
    return plural(n or 0, one, many)


def _were(n: float | None) -> str:
    return was(n or 0)


FILTERS: dict[str, Any] = {
    "number": number,
    "percent": percent,
    "fte": fte,
    "plural": _plural,
    "was": _were,
    "sentence": sentence,
}
