"""Series selectors in PromQL text, and whether a concrete series matches one.

Used to decide which generated tests may share a promtool test group: two tests clash only
when one feeds a series that the other's selectors pick up. Parsing is deliberately
conservative: a selector whose matchers cannot be read matches every series of its name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
_TOKEN = re.compile(
    r"(?P<string>\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*')"
    rf"|(?<![\w.:])(?P<ident>{_NAME})"
    r"|(?P<brace>\{)"
)
_OFFSET = re.compile(r"\boffset\s+-?[0-9a-z]+")
_MATCHER = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:\\.|[^"\\])*)"\s*,?')
_GROUPING = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")
_RANGES = re.compile(r"\[[^\]]*\]")
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


def _match(actual: str, op: str, value: str) -> bool:
    if op in ("=", "!="):
        return (actual == value) == (op == "=")
    try:
        return (re.fullmatch(value, actual) is not None) == (op == "=~")
    except re.error:
        return True


@lru_cache(maxsize=4096)
def selectors(expr: str) -> tuple[Selector, ...]:
    """Every series selector in a PromQL expression."""
    text = _clean(expr)
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


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position].isspace():
        position += 1
    return position


def _string_end(text: str, start: int) -> int:
    quote, position = text[start], start + 1
    while position < len(text) and text[position] != quote:
        position += 2 if text[position] == "\\" else 1
    return position + 1


def _brace_end(text: str, start: int) -> int:
    """Index just past the `}` closing the `{` at `start`, skipping quoted strings."""
    position = start + 1
    while position < len(text) and text[position] != "}":
        position = _string_end(text, position) if text[position] in "\"'" else position + 1
    return position + 1


def _clean(expr: str) -> str:
    """Drop grouping clauses, range windows and offsets."""
    return _OFFSET.sub(" ", _RANGES.sub(" ", _GROUPING.sub(" ", expr)))


def _braced(name: str | None, braces: str) -> Selector:
    inner = braces[1:-1]
    matchers: list[Matcher] = []
    position = 0
    while position < len(inner):
        found = _MATCHER.match(inner, position)
        if found is None:
            return Selector(name or "", None)
        label, op, raw = found.groups()
        matchers.append((label, op, raw.replace('\\"', '"').replace("\\\\", "\\")))
        position = found.end()
    named = [m for m in matchers if m[0] == "__name__" and m[1] == "="]
    if name is None and named:
        name = named[0][2]
    return Selector(name or "", tuple(m for m in matchers if m[0] != "__name__"))


def parse_series(text: str) -> tuple[str, dict[str, str]]:
    """`name{a="b"}` (promtool input notation) as a name and labels."""
    name, _, rest = text.partition("{")
    labels = {
        label: value.replace('\\"', '"').replace("\\\\", "\\")
        for label, _, value in _MATCHER.findall(rest.rstrip("} "))
    }
    return name.strip(), labels


class SelectorIndex:
    """Selectors by metric name and by one of their equality matchers, so matching a series
    looks only at selectors that can match it (linear time for thousands of alerts)."""

    def __init__(self) -> None:
        self._keyed: dict[str, dict[tuple[str, str], list[tuple[Selector, str]]]] = {}
        self._open: dict[str, list[tuple[Selector, str]]] = {}

    def add(self, selector: Selector, item: str = "") -> None:
        """Index `selector`, remembering `item` with it."""
        key = _equality(selector)
        if key is None:
            self._open.setdefault(selector.name, []).append((selector, item))
        else:
            self._keyed.setdefault(selector.name, {}).setdefault(key, []).append((selector, item))

    def has_name(self, name: str) -> bool:
        """Whether any selector selects metric `name`."""
        return name in self._open or name in self._keyed

    def matching(self, name: str, labels: dict[str, str] | None) -> list[str]:
        """Items of the selectors matching `name{labels}` (any series of it when None)."""
        keyed = self._keyed.get(name, {})
        if labels is None:
            candidates = [p for group in keyed.values() for p in group]
        else:
            candidates = [p for key in labels.items() for p in keyed.get(key, [])]
        candidates += self._open.get(name, [])
        return [
            item
            for selector, item in candidates
            if labels is None or selector.matches(name, labels)
        ]


class SeriesIndex:
    """Concrete series by name and label pair, for the reverse question."""

    def __init__(self) -> None:
        self._all: dict[str, list[dict[str, str]]] = {}
        self._by_pair: dict[tuple[str, str, str], list[dict[str, str]]] = {}

    def add(self, name: str, labels: dict[str, str]) -> None:
        """Index the series `name{labels}`."""
        self._all.setdefault(name, []).append(labels)
        for label, value in labels.items():
            self._by_pair.setdefault((name, label, value), []).append(labels)

    def contains(self, name: str, labels: dict[str, str]) -> bool:
        """Whether exactly this series is indexed."""
        return any(existing == labels for existing in self._candidates(name, labels))

    def has_name(self, name: str) -> bool:
        """Whether any series of metric `name` is indexed."""
        return name in self._all

    def selected_by(self, selector: Selector) -> bool:
        """Whether `selector` matches an indexed series."""
        key = _equality(selector)
        pool = (
            self._by_pair.get((selector.name, *key), [])
            if key is not None
            else self._all.get(selector.name, [])
        )
        return any(selector.matches(selector.name, labels) for labels in pool)

    def _candidates(self, name: str, labels: dict[str, str]) -> list[dict[str, str]]:
        if labels:
            first = next(iter(labels.items()))
            return self._by_pair.get((name, *first), [])
        return self._all.get(name, [])


def _equality(selector: Selector) -> tuple[str, str] | None:
    for label, op, value in selector.matchers or ():
        if op == "=" and value:
            return (label, value)
    return None
