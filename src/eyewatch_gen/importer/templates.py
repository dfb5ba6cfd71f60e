"""Annotation templates rewritten into the forms generated tests can predict.

Generated tests compare annotations exactly, so every action must be one `plan.gotemplate`
renders: `{{ $labels.NAME }}`, `{{ $value | humanize }}` (and its siblings) and
`{{ printf "%.2f" $value }}`. Rules in the wild print `{{ $value }}` (a raw float),
`{{ $labels }}`, `{{ .Labels.x }}`, `{{ humanize $value }}`, `printf "%.1f%%"`, pipes into
`reReplaceAll`, `query` blocks, `if`/`range` and `$externalLabels`; each is rewritten to the
nearest predictable form, or dropped when there is none (control actions are dropped, their
text kept), and every change is listed in the report.
"""

from __future__ import annotations

import re

from eyewatch_gen.plan import gotemplate

_ACTION = re.compile(r"\{\{-?\s*(.*?)\s*-?\}\}", re.DOTALL)
_LABEL = re.compile(r"^(?:\$labels|\.Labels)\.([a-zA-Z_][a-zA-Z0-9_]*)\b")
_INDEX = re.compile(r"^index\s+(?:\$labels|\.Labels)\s+\"([a-zA-Z_][a-zA-Z0-9_]*)\"")
_CONTROL = re.compile(r"^(?:if|else|end|range|with|define|template|block|break|continue)\b")
_FUNCS = ("humanizePercentage", "humanizeDuration", "humanize1024", "humanize")
_PRINTF = re.compile(r"printf\s+\"%(?:0?\.(\d))?([dfg])(%%)?\"")

Change = tuple[str, str]  # before, after


def rewrite(text: str, labels: list[str]) -> tuple[str, list[Change]]:
    """`text` with every action tests cannot predict rewritten, and the changes made.
    `labels` are the labels the alert's series carry (for a bare `{{ $labels }}`)."""
    changes: list[Change] = []

    def replace(found: re.Match[str]) -> str:
        before = found.group(0)
        after = predictable(found.group(1), labels)
        if after != before:
            changes.append((before, after))
        return after

    return _ACTION.sub(replace, text), changes


def predictable(action: str, labels: list[str]) -> str:
    """The predictable replacement of the action `{{ action }}` ("" when there is none)."""
    action = action.strip()
    if _CONTROL.match(action):
        return ""  # if/else/range/with/end: no branch can be predicted
    if gotemplate.unsupported("{{ " + action + " }}") is None:
        return "{{ " + action + " }}"
    label = _LABEL.match(action) or _INDEX.match(action)
    if label is not None:
        return "{{ $labels." + label.group(1) + " }}"
    if action in ("$labels", ".Labels"):
        shown = labels or ["instance"]
        return ", ".join(f"{name}={{{{ $labels.{name} }}}}" for name in shown)
    if "$value" in action or ".Value" in action:
        return _value(action)
    return ""


def _value(action: str) -> str:
    """A `$value` action as humanize or printf with a fixed number of decimals."""
    for name in _FUNCS:
        if re.search(rf"\b{name}\b", action):
            return "{{ $value | " + name + " }}"
    printf = _PRINTF.search(action)
    if printf is None:
        return "{{ $value | humanize }}"
    digits = "0" if printf.group(2) == "d" else printf.group(1) or "2"
    percent = "%" if printf.group(3) else ""
    return '{{ printf "%.' + digits + 'f" $value }}' + percent
