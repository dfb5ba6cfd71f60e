"""Range windows (`[5m]`, subquery `[1h:5m]`) and offsets (`offset 1w`) in PromQL text."""

from __future__ import annotations

import re

_RANGE = re.compile(r"\[\s*(\w+)\s*(?::\s*\w*\s*)?\]")
_OFFSET = re.compile(r"\boffset\s+(-?[0-9a-z]+)")
_BRACKETS = re.compile(r"\[[^\]]*\]")
_BASELINE = re.compile(r"\[[^\]]*\]\s*offset\s+-?[0-9a-z]+|\boffset\s+-?[0-9a-z]+")


def range_windows(expr: str) -> list[str]:
    """The range of every range selector and subquery, as written (`5m`, `1h`)."""
    return _RANGE.findall(expr)


def offsets(expr: str) -> list[str]:
    """The duration of every `offset` modifier, as written (`1w`, `-5m`)."""
    return _OFFSET.findall(expr)


def without_windows(expr: str) -> str:
    """`expr` with range windows and offsets blanked out."""
    return _OFFSET.sub(" ", _BRACKETS.sub(" ", expr))


def without_baselines(expr: str) -> str:
    """`expr` without offset windows (`[1h] offset 1d`) and offsets: the parts that look at
    the past and so delay nothing."""
    return _BASELINE.sub(" ", expr)
