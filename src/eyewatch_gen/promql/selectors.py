"""Series selectors in PromQL text, and whether a concrete series matches one.

Used to decide which generated tests may share a promtool test group (two tests clash only
when one feeds a series that the other's selectors pick up) and which scrape job a metric
reads. Parsing is deliberately conservative: a selector whose matchers cannot be read matches
every series of its name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from eyewatch_gen.promql.labels import MATCHER, series_text, unescape
from eyewatch_gen.promql.syntax import string_end
from eyewatch_gen.promql.windows import without_windows

_NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
_TOKEN = re.compile(
    r"(?P<string>\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*')"
    rf"|(?<![\w.:])(?P<ident>{_NAME})"
    r"|(?P<brace>\{)"
)
_STRINGS = re.compile(r"(\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*'|`[^`]*`)")
_GROUPING = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")
_KEYWORDS = frozenset(
    {
        "by",
        "without",
        "on",
        "ignoring",
        "group_left",
        "group_right",
        "offset",
        "bool",
        "and",
        "or",
        "unless",
        "inf",
        "nan",
    }
)

Matcher = tuple[str, str, str]


@dataclass(frozen=True)
class Selector:
    """`name{matchers}`; `matchers` is None when they could not be read (matches all)."""

    name: str
    matchers: tuple[Matcher, ...] | None

    def matches(self, name: str, labels: dict[str, str]) -> bool:
        """Whether the series `name{labels}` is selected."""
        if name != self.name:
            return False
        if self.matchers is None:
            return True
        return all(_match(labels.get(label, ""), op, value) for label, op, value in self.matchers)

    def equality(self, label: str) -> str | None:
        """The value `label` must equal (`label="value"`), or None."""
        return next((v for k, op, v in self.matchers or () if k == label and op == "="), None)


def _match(actual: str, op: str, value: str) -> bool:
    if op in ("=", "!="):
        return (actual == value) == (op == "=")
    try:
        return (re.fullmatch(value, actual) is not None) == (op == "=~")
    except re.error:
        return True


@cache  # per distinct expression: a bounded cache thrashes on large plans
def selectors(expr: str) -> tuple[Selector, ...]:
    """Every series selector in a PromQL expression."""
    text = "".join(
        part if index % 2 else without_windows(_GROUPING.sub(" ", part))
        for index, part in enumerate(_STRINGS.split(expr))
    )
    found: list[Selector] = []
    position = 0
    while True:
        token = _TOKEN.search(text, position)
        if token is None:
            break
        kind = token.lastgroup
        if kind == "string":
            position = token.end()
            continue
        if kind == "brace":
            end = _brace_end(text, token.start())
            found.append(_braced(None, text[token.start() : end]))
            position = end
            continue
        name = token.group("ident")
        after = _skip_space(text, token.end())
        if after < len(text) and text[after] == "{":
            end = _brace_end(text, after)
            found.append(_braced(name, text[after:end]))
            position = end
            continue
        if not (after < len(text) and text[after] == "(") and name not in _KEYWORDS:
            found.append(Selector(name, ()))
        position = token.end()
    return tuple(s for s in found if s.name)


def first_equality(expr: str, label: str) -> str | None:
    """The first non-empty value `label` must equal in any selector of `expr`, or None."""
    return next((v for s in selectors(expr) if (v := s.equality(label))), None)


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position].isspace():
        position += 1
    return position


def _brace_end(text: str, start: int) -> int:
    """Index just past the `}` closing the `{` at `start`, skipping quoted strings."""
    position = start + 1
    while position < len(text) and text[position] != "}":
        if text[position] in "\"'":
            end = string_end(text, position)
            position = len(text) if end < 0 else end + 1
        else:
            position += 1
    return position + 1


def _braced(name: str | None, braces: str) -> Selector:
    inner = braces[1:-1]
    matchers: list[Matcher] = []
    position = 0
    while position < len(inner):
        found = MATCHER.match(inner, position)
        if found is None:
            return Selector(name or "", None)
        label, op, raw = found.groups()
        matchers.append((label, op, unescape(raw)))
        position = found.end()
    named = [m for m in matchers if m[0] == "__name__" and m[1] == "="]
    if name is None and named:
        name = named[0][2]
    return Selector(name or "", tuple(m for m in matchers if m[0] != "__name__"))


_PLAIN = re.compile(rf"\s*{_NAME}\s*(\{{.*\}})?\s*", re.DOTALL)


def plain_selector(text: str) -> Selector | None:
    """The selector `text` is, when it is nothing else (a name and equality matchers, such
    as a test can feed as one series), else None."""
    found = selectors(text)
    if _PLAIN.fullmatch(text) is None or len(found) != 1 or found[0].matchers is None:
        return None
    return found[0] if all(op == "=" for _, op, _ in found[0].matchers) else None


def plain_series(text: str) -> str | None:
    """The one series a plain selector stands for, in promtool's notation (labels sorted)."""
    found = plain_selector(text)
    if found is None:
        return None
    return series_text(found.name, {label: value for label, _, value in found.matchers or ()})
