"""Prometheus (Go) alert templates: whether one is well formed, and the subset that generated
tests must predict, rendered.

`promtool test rules` compares annotations exactly, so the expected text is rendered here the
way Prometheus does. Supported actions: `{{ $labels.NAME }}`, `{{ $value | humanize }}` (also
`humanize1024`, `humanizePercentage`, `humanizeDuration`) and `{{ printf "%.2f" $value }}`.
The bare `{{ $value }}` prints the raw float, which no test can predict: use a formatter.
Formatting follows prometheus/template/template.go.
"""

from __future__ import annotations

import math
import re

_ACTION = re.compile(r"\{\{\s*(.*?)\s*\}\}", re.DOTALL)
_LABEL = re.compile(r"\$labels\.([a-zA-Z_][a-zA-Z0-9_]*)")
_PIPE = re.compile(r"\$value\s*\|\s*(humanize|humanize1024|humanizePercentage|humanizeDuration)")
_PRINTF = re.compile(r'printf\s+"%\.(\d)f"\s+\$value')
SUPPORTED = (
    "{{ $labels.NAME }}, {{ $value | humanize }}, humanize1024, humanizePercentage, "
    'humanizeDuration, {{ printf "%.2f" $value }}'
)


def unsupported(text: str) -> str | None:
    """The first action generated tests cannot predict, or None."""
    for match in _ACTION.finditer(text):
        if not _render_action(match.group(1), {}, 0.0)[1]:
            return match.group(0)
    return None


def template_error(text: str) -> str | None:
    """Why `text` is not a usable Prometheus (Go) template, or None."""
    for match in _ACTION.finditer(text):
        action = match.group(1).strip("- \t\n")
        if not action:
            return f"empty action {match.group(0)!r}"
        if "{{" in match.group(1):
            return f"nested '{{{{' in {match.group(0)!r}"
        quotes = action.count('"') - action.count('\\"')
        if quotes % 2:
            return f"unclosed string in {match.group(0)!r}"
    if "{{" in _ACTION.sub("", text):
        return "'{{' is never closed with '}}'"
    return None


def render(text: str, labels: dict[str, str], value: float) -> str:
    """`text` with every supported action replaced as Prometheus would."""
    return _ACTION.sub(lambda m: _render_action(m.group(1), labels, value)[0], text)


def _render_action(action: str, labels: dict[str, str], value: float) -> tuple[str, bool]:
    if match := _LABEL.fullmatch(action):
        return labels.get(match.group(1), ""), True
    if match := _PIPE.fullmatch(action):
        return _FUNCS[match.group(1)](value), True
    if match := _PRINTF.fullmatch(action):
        return f"{value:.{int(match.group(1))}f}", True
    return "", False


def _g4(value: float) -> str:
    return f"{value:.4g}"


def humanize(value: float) -> str:
    """Prometheus `humanize`: SI prefixes, 4 significant digits."""
    if value == 0 or math.isnan(value) or math.isinf(value):
        return _g4(value)
    if abs(value) >= 1:
        prefix = ""
        for unit in ("k", "M", "G", "T", "P", "E", "Z", "Y"):
            if abs(value) < 1000:
                break
            prefix, value = unit, value / 1000
        return f"{_g4(value)}{prefix}"
    prefix = ""
    for unit in ("m", "u", "n", "p", "f", "a", "z", "y"):
        if abs(value) >= 1:
            break
        prefix, value = unit, value * 1000
    return f"{_g4(value)}{prefix}"


def humanize1024(value: float) -> str:
    """Prometheus `humanize1024`: binary prefixes."""
    if abs(value) <= 1 or math.isnan(value) or math.isinf(value):
        return _g4(value)
    prefix = ""
    for unit in ("ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"):
        if abs(value) < 1024:
            break
        prefix, value = unit, value / 1024
    return f"{_g4(value)}{prefix}"


def humanize_percentage(value: float) -> str:
    """Prometheus `humanizePercentage`: a ratio as a percentage."""
    return f"{_g4(value * 100)}%"


def humanize_duration(value: float) -> str:  # noqa: PLR0911 (mirrors Go)
    """Prometheus `humanizeDuration`: seconds as `1d 2h 3m 4s`."""
    if math.isnan(value) or math.isinf(value):
        return _g4(value)
    if abs(value) >= 1:
        sign = "-" if value < 0 else ""
        whole = int(abs(value))
        days, hours = whole // 86400, whole // 3600 % 24
        minutes, seconds = whole // 60 % 60, whole % 60
        if days:
            return f"{sign}{days}d {hours}h {minutes}m {seconds}s"
        if hours:
            return f"{sign}{hours}h {minutes}m {seconds}s"
        if minutes:
            return f"{sign}{minutes}m {seconds}s"
        return f"{sign}{_g4(abs(value))}s"
    if value == 0:
        return "0s"
    prefix = ""
    for unit in ("m", "u", "n", "p", "f", "a", "z", "y"):
        if abs(value) >= 1:
            break
        prefix, value = unit, value * 1000
    return f"{_g4(value)}{prefix}s"


_FUNCS = {
    "humanize": humanize,
    "humanize1024": humanize1024,
    "humanizePercentage": humanize_percentage,
    "humanizeDuration": humanize_duration,
}


def placeholders(text: str) -> str:
    """`text` for a reader: `{{ $labels.instance }}` as `<instance>`, any action on `$value`
    as `<value>`; other actions stay as written."""

    def shown(match: re.Match[str]) -> str:
        action = match.group(1)
        if found := _LABEL.fullmatch(action):
            return f"<{found.group(1)}>"
        return "<value>" if "$value" in action else match.group(0)

    return _ACTION.sub(shown, text)
