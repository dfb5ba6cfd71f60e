"""Divisions in PromQL text, and ratios whose numerator can be absent instead of 0.

A ratio `part / whole` whose numerator selects a subset of the denominator's series by a label
value (`outcome="hit"`, `code=~"5.."`) is empty, not 0, until one such series exists, and
exporters create a labelled counter only at its first increment. `(part or 0 * whole) / whole`
exists whenever there is traffic. Only counters are reported (a name ending `_total`, `_count`,
`_sum` or `_bucket`, or read through `rate`, `increase` or `irate`, also inside a record): a
gauge's labelled series exist from the start. The check is conservative: it reports only what
it can parse, and a numerator with any `or` counts as having its fallback.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from eyewatch_gen.promql.labels import escape
from eyewatch_gen.promql.parse import Binary, Call, ParseError, Range, parse, text_of, walk
from eyewatch_gen.promql.selectors import Matcher, Selector, selectors

_COUNTER_SUFFIXES = ("_total", "_count", "_sum", "_bucket")
_COUNTER_READS = frozenset({"rate", "increase", "irate"})


@dataclass(frozen=True)
class Division:
    """One `/` in an expression: its two operands as written."""

    numerator: str
    denominator: str


def divisions(expr: str) -> list[Division]:
    """Every binary `/` in `expr`, at any depth and in reading order, with its operands as
    written; none when `expr` cannot be parsed."""
    return [Division(text_of(n.lhs, expr), text_of(n.rhs, expr)) for n in _divided(expr)]


def _divided(expr: str) -> list[Binary]:
    try:
        nodes = walk(parse(expr))
    except ParseError:
        return []
    found = [n for n in nodes if isinstance(n, Binary) and n.op == "/"]
    return sorted(found, key=lambda n: n.lhs.end)  # by where the `/` is


@dataclass(frozen=True)
class AbsentNumerator:
    """A ratio whose numerator picks `selector`, a label-filtered part of a metric the
    denominator counts whole; `rewrite` is the division with the fallback."""

    selector: str
    filters: str
    rewrite: str


def absent_numerators(expr: str, records: dict[str, str]) -> Iterator[AbsentNumerator]:
    """Ratios in `expr` that are empty while their numerator's series do not exist yet.
    `records` maps recorded series to their expressions, so a denominator that reads a
    record is compared by what the record reads."""
    for node in _divided(expr):
        if any(isinstance(n, Binary) and n.op == "or" for n in walk(node.lhs)):
            continue
        division = Division(text_of(node.lhs, expr), text_of(node.rhs, expr))
        whole = _expanded(selectors(division.denominator), records)
        for part in selectors(division.numerator):
            extra = _extra_filters(part, whole)
            if extra and _counter(part.name, division.numerator, records):
                yield AbsentNumerator(
                    _text(part),
                    _matchers(extra),
                    _rewrite(division.numerator, division.denominator),
                )
                break


def _counter(name: str, numerator: str, records: dict[str, str]) -> bool:
    """Whether the series `name` of `numerator` counts: named like a counter, read through
    rate/increase/irate, or recorded from such reads."""
    if name.endswith(_COUNTER_SUFFIXES):
        return True
    if name in records and _counter_reads(records[name], None):
        return True
    return _counter_reads(numerator, name)


def _counter_reads(expr: str, name: str | None) -> bool:
    """Whether `expr` applies rate/increase/irate to the series `name` (any, for None)."""
    try:
        nodes = walk(parse(expr))
    except ParseError:
        return False
    return any(
        isinstance(node, Call)
        and node.name in _COUNTER_READS
        and any(isinstance(arg, Range) and name in (None, arg.selector.name) for arg in walk(node))
        for node in nodes
    )


def _expanded(found: tuple[Selector, ...], records: dict[str, str]) -> list[Selector]:
    """`found`, plus what each recorded series among them reads, transitively."""
    result: list[Selector] = []
    queue = list(found)
    seen: set[str] = set()
    while queue:
        selector = queue.pop()
        result.append(selector)
        if selector.name in records and selector.name not in seen:
            seen.add(selector.name)
            queue.extend(selectors(records[selector.name]))
    return result


def _extra_filters(part: Selector, whole: list[Selector]) -> tuple[Matcher, ...] | None:
    """The matchers `part` has beyond a denominator selector of the same metric, or None
    when the denominator does not count that metric (or the matchers cannot be read)."""
    if part.matchers is None:
        return None
    same = [s.matchers for s in whole if s.name == part.name and s.matchers is not None]
    extras = [tuple(m for m in part.matchers if m not in matchers) for matchers in same]
    if not extras or not all(extras):
        return None
    return extras[0]


def _matchers(matchers: tuple[Matcher, ...]) -> str:
    return ", ".join(f'{label}{op}"{escape(value)}"' for label, op, value in matchers)


def _text(selector: Selector) -> str:
    return f"{selector.name}{{{_matchers(selector.matchers or ())}}}"


def _rewrite(numerator: str, denominator: str) -> str:
    return f"({_tidy(numerator)} or 0 * {_tidy(denominator)}) / {_tidy(denominator)}"


def _tidy(text: str) -> str:
    """`text` on one line, without spaces just inside parentheses."""
    return re.sub(r"\(\s+", "(", re.sub(r"\s+\)", ")", " ".join(text.split())))
