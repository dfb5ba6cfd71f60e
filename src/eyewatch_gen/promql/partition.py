"""Whether a PromQL expression keeps series apart by the value of one label.

An expression keeps label `L` apart when each of its result series with `L="a"` is computed
only from input series with `L="a"`: then tests that feed different values of `L` (the items
of an alert set) cannot see each other's series and may share a promtool test group. The
answer is conservative, read from the text: every aggregation must group by `L` (or drop other
labels only), every `on(...)` must match on `L`, nothing may rewrite labels (`label_replace`,
`label_join`, `count_values`) or mix series into one (`scalar`, `vector`, `absent`). Anything
else answers False, and the tests keep their own groups.
"""

from __future__ import annotations

import re
from functools import cache

_TOKEN = re.compile(
    r"\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*'|`[^`]*`"  # strings
    r"|\{(?:\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*'|[^}\"'])*\}"  # label matchers
    r"|\[[^\]]*\]"  # range windows and subqueries
    r"|#[^\n]*"  # comments
    r"|[A-Za-z_:][A-Za-z0-9_:]*|[(),]"
)
_AGGREGATIONS = frozenset(
    {
        "sum",
        "min",
        "max",
        "avg",
        "group",
        "stddev",
        "stdvar",
        "count",
        "count_values",
        "bottomk",
        "topk",
        "quantile",
        "limitk",
        "limit_ratio",
    }
)
_MIXING = frozenset(
    {"label_replace", "label_join", "count_values", "scalar", "vector", "absent", "info"}
    | {"absent_over_time"}
)
_MUST_LIST = frozenset({"by", "on"})  # the grouping must name the label
_MUST_NOT_LIST = frozenset({"without", "ignoring", "group_left", "group_right"})


@cache  # per distinct expression: a bounded cache thrashes on large plans
def keeps_apart(expr: str, label: str) -> bool:
    """Whether every result series of `expr` with a value of `label` comes only from input
    series with that same value (see the module docstring)."""
    tokens = [t for t in _TOKEN.findall(expr) if t[0] not in "\"'`{[#"]
    for index, token in enumerate(tokens):
        word = token.lower()
        following = tokens[index + 1].lower() if index + 1 < len(tokens) else ""
        if word in _MIXING and following in ("(", "by", "without"):
            return False
        if following != "(":
            continue
        if word in _MUST_LIST or word in _MUST_NOT_LIST:
            listed = set(tokens[index + 2 : _close(tokens, index + 1)]) - {","}
            if (label in listed) != (word in _MUST_LIST):
                return False
        elif word in _AGGREGATIONS:
            after = _close(tokens, index + 1) + 1
            if after >= len(tokens) or tokens[after].lower() not in ("by", "without"):
                return False
    return True


def _close(tokens: list[str], start: int) -> int:
    """Index of the `)` matching the `(` at `start` (the end when unbalanced)."""
    depth = 0
    for index in range(start, len(tokens)):
        depth += {"(": 1, ")": -1}.get(tokens[index], 0)
        if depth == 0:
            return index
    return len(tokens)
