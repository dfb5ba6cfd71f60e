"""Numbers an alert's summary states as its threshold ("CPU above 80%"), checked against the
threshold itself: a summary that still says 80% after the threshold moved to 0.9 misleads the
person it wakes."""

from __future__ import annotations

import math
import re

_TEMPLATE = re.compile(r"\{\{.*?\}\}", re.DOTALL)
_STATED = re.compile(
    r"(?i)(?:\b(?:above|below|over|under|exceeds?|more than|less than|greater than|"
    r"fewer than|at least|at most)\s+|[<>]=?\s*)(\d+(?:\.\d+)?)\s*(%|ms)?(?![\w.])"
)


def stated(text: str) -> list[tuple[str, float, str]]:
    """(as written, number, unit) for each threshold-like number in `text`."""
    plain = _TEMPLATE.sub(" ", text)
    return [(m[0].strip(), float(m[1]), m[2] or "") for m in _STATED.finditer(plain)]


def states(text: str, threshold: float) -> bool | None:
    """None when `text` states no threshold; else whether one it states is `threshold`."""
    found = stated(text)
    if not found:
        return None
    return any(_means(number, unit, threshold) for _, number, unit in found)


def _means(number: float, unit: str, threshold: float) -> bool:
    readings = {"%": (number / 100, number), "ms": (number / 1000, number)}.get(
        unit, (number, number / 100, number / 1000, number * 1000)
    )
    return any(math.isclose(reading, threshold, rel_tol=1e-9) for reading in readings)
