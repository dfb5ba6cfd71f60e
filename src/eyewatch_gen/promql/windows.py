"""Range windows (`[5m]`, subquery `[1h:5m]`) and offsets (`offset 1w`) in PromQL text."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

_RANGE = re.compile(r"\[\s*(\w+)\s*(?::\s*\w*\s*)?\]")
_OFFSET = re.compile(r"\boffset\s+(-?[0-9a-z]+)")
_BRACKETS = re.compile(r"\[[^\]]*\]")
_BASELINE = re.compile(r"\[[^\]]*\]\s*offset\s+-?[0-9a-z]+|\boffset\s+-?[0-9a-z]+")


_QUOTED = re.compile(
    r"\"(?:\\[\s\S]|[^\"\\\n])*(?:\"|[\s\S]*$)"  # a string never closed runs to the end
    r"|'(?:\\[\s\S]|[^'\\\n])*(?:'|[\s\S]*$)"
    r"|`[^`]*(?:`|$)"
)


def _parts(expr: str) -> Iterator[tuple[str, bool]]:
    """`expr` cut into (text, is a quoted string) pieces: a `[5m]` inside a label value is
    text, not a window. One regex scan (as `syntax.string_end` reads strings)."""
    start = 0
    for quoted in _QUOTED.finditer(expr):
        yield expr[start : quoted.start()], False
        yield quoted.group(), True
        start = quoted.end()
    yield expr[start:], False


def _outside_strings(expr: str, change: Callable[[str], str]) -> str:
    return "".join(text if quoted else change(text) for text, quoted in _parts(expr))


def range_windows(expr: str) -> list[str]:
    """The range of every range selector and subquery, as written (`5m`, `1h`)."""
    return [w for text, quoted in _parts(expr) if not quoted for w in _RANGE.findall(text)]


def offsets(expr: str) -> list[str]:
    """The duration of every `offset` modifier, as written (`1w`, `-5m`)."""
    return [o for text, quoted in _parts(expr) if not quoted for o in _OFFSET.findall(text)]


def without_windows(expr: str) -> str:
    """`expr` with range windows and offsets blanked out (quoted strings kept as written)."""
    return _outside_strings(expr, lambda text: _OFFSET.sub(" ", _BRACKETS.sub(" ", text)))


def without_baselines(expr: str) -> str:
    """`expr` without offset windows (`[1h] offset 1d`) and offsets: the parts that look at
    the past and so delay nothing."""
    return _outside_strings(expr, lambda text: _BASELINE.sub(" ", text))


_UNIT_MS = {"y": 31_536_000_000, "w": 604_800_000, "d": 86_400_000, "h": 3_600_000}
_UNIT_MS |= {"m": 60_000, "s": 1_000, "ms": 1}


def shortened(expr: str, by_ms: int) -> str:
    """`expr` with every range (`[5m]`, the range of a subquery `[1h:5m]`) `by_ms`
    milliseconds shorter. A left-closed Prometheus 2 then misses a sample exactly on a
    window's left edge, as left-open Prometheus 3 does: `promtool` 2.x on shortened rules
    emulates Prometheus 3's windows."""

    def shorten(found: re.Match[str]) -> str:
        parts = re.findall(r"(\d+)(ms|[ywdhms])", found.group(1))
        if "".join(a + u for a, u in parts) != found.group(1):
            return found.group(0)  # not a duration (a template placeholder)
        left = sum(int(a) * _UNIT_MS[u] for a, u in parts) - by_ms
        text = ""
        for unit in ("d", "h", "m", "s", "ms"):
            count, left = divmod(left, _UNIT_MS[unit])
            text += f"{count}{unit}" if count else ""
        whole = found.group(0)
        return whole.replace(found.group(1), text or "0s", 1)

    return _outside_strings(expr, lambda text: _RANGE.sub(shorten, text))
