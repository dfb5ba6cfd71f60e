"""Prometheus durations (`5m`, `1h30m`): parsing and formatting.

Format: https://prometheus.io/docs/prometheus/latest/configuration/configuration/#duration
Units must appear largest first, each at most once: `1h30m` is valid, `30m1h` is not.
"""

from __future__ import annotations

import re

_UNITS: tuple[tuple[str, int], ...] = (
    ("y", 365 * 86400),
    ("w", 7 * 86400),
    ("d", 86400),
    ("h", 3600),
    ("m", 60),
    ("s", 1),
)
_BODY = r"0|(\d+y)?(\d+w)?(\d+d)?(\d+h)?(\d+m)?(\d+s)?(\d+ms)?"
PATTERN = rf"^({_BODY})$"  # JSON Schema (ECMA-262): `$` is the end of the string there
_RE = re.compile(_BODY)
_LONGEST = 32  # characters; a longer "duration" is noise (and Python's int() has a limit)
HINT = "use a Prometheus duration such as 30s, 5m, 1h30m or 7d"


def is_duration(text: str) -> bool:
    """True when all of `text` is a non-empty Prometheus duration (`10m\\n` is not)."""
    return 0 < len(text) <= _LONGEST and _RE.fullmatch(text) is not None


def seconds(text: str) -> float:
    """Seconds in a valid Prometheus duration (`1h30m` -> 5400.0)."""
    if not is_duration(text):
        raise ValueError(f"{text!r} is not a duration ({HINT})")
    total = 0.0
    for amount, unit in re.findall(r"(\d+)(ms|[ywdhms])", text):
        total += int(amount) / 1000 if unit == "ms" else int(amount) * dict(_UNITS)[unit]
    return total


def format_seconds(value: float) -> str:
    """The shortest Prometheus duration for a whole number of seconds (5400 -> `1h30m`)."""
    remaining = round(value)
    if remaining <= 0:
        return "0s"
    parts = []
    for unit, size in _UNITS[1:]:  # years are ambiguous to readers; stop at weeks
        count, remaining = divmod(remaining, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts)
