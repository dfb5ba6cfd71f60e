"""Label values quoted and unquoted, `{a="b"}` matchers and promtool's series notation.

PromQL strings, promtool input series, the Prometheus text exposition format and Alertmanager
matchers quote a label value the same way: backslash, double quote and newline escaped.
`escape` writes that and `unescape` reads it back, so every notation round-trips.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

#: One matcher inside `{...}`: label, operator and the still escaped value; a comma may follow.
MATCHER = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:\\.|[^"\\])*)"\s*,?')
_ESCAPED = re.compile(r"\\(.)", re.DOTALL)
# Go's one-letter escapes (PromQL strings are Go strings); any other `\x` stands for `x`.
_LETTERS = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}


def escape(value: str) -> str:
    """`value` ready to sit between double quotes."""
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def unescape(text: str) -> str:
    """The value written between double quotes as `text`: the inverse of `escape`."""
    if "\\" not in text:
        return text
    return _ESCAPED.sub(lambda found: _LETTERS.get(found.group(1), found.group(1)), text)


def label_matchers(labels: Mapping[str, str]) -> str:
    """`{a="b", c="d"}`: an equality matcher per label, in the order given."""
    return "{" + ", ".join(f'{k}="{escape(v)}"' for k, v in labels.items()) + "}"


def series_text(name: str, labels: Mapping[str, str]) -> str:
    """`name{a="b", ...}` in promtool's input notation, labels sorted; bare `name` without."""
    return f"{name}{label_matchers(dict(sorted(labels.items())))}" if labels else name


def parse_series(text: str) -> tuple[str, dict[str, str]]:
    """`name{a="b"}` (promtool input notation) as a name and labels."""
    name, _, rest = text.partition("{")
    labels = {label: unescape(value) for label, _, value in MATCHER.findall(rest.rstrip("} "))}
    return name.strip(), labels


def equality_labels(selector: str) -> dict[str, str]:
    """The equality matchers of a selector: the labels `absent(selector)` returns."""
    return {label: unescape(value) for label, op, value in MATCHER.findall(selector) if op == "="}
