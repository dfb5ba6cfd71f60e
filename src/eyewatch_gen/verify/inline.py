"""An alert's expression with the generated recording rules it reads written out in full, so a
backtest does not depend on how long the rules have been deployed (a rule added in this
change has no history yet). A record's value at an evaluation is its expression's value then,
so the result is the same.

A record read as an instant vector, `rec{l="v"}`, becomes its expression, filtered by the
matchers on labels the rule does not set itself and given the rule's static labels. Reads
over a range (`rec[30d]`) or shifted in time (`offset`, `@`) are left to the server's history:
written out they would need a subquery as costly as the window is long.
"""

from __future__ import annotations

from eyewatch_gen.plan.rules import RecordingRule
from eyewatch_gen.promql.labels import escape
from eyewatch_gen.promql.selectors import Matcher
from eyewatch_gen.promql.shape import Use, every_use
from eyewatch_gen.verify.records import Records, read_by, unmatched

_KEEP = "__eyewatch_keep"


def inline(expr: str, records: Records, depth: int = 0) -> str:
    """`expr` with every instant read of a generated recording rule written out."""
    if depth > 8:  # recording rules reading each other in a cycle: leave it to the server
        return expr
    text = expr
    for use in reversed(every_use(expr)):
        replacement = _written_out(use, records, depth)
        if replacement is not None:
            text = text[: use.start] + replacement + text[use.end :]
    return text


def _written_out(use: Use, records: Records, depth: int) -> str | None:
    selector = use.selector
    if selector.name not in records or use.ranged or use.shifted or selector.matchers is None:
        return None
    candidates = read_by(selector, records)
    if not candidates:
        return None
    parts = [
        _labelled(_filtered(f"({inline(r.expr, records, depth + 1)})", unmatched(selector, r)), r)
        for r in candidates
    ]
    return parts[0] if len(parts) == 1 else "(" + " or ".join(parts) + ")"


def _filtered(expr: str, matchers: tuple[Matcher, ...]) -> str:
    """Keep only the series whose labels the matchers accept."""
    for label, op, value in matchers:
        keep = "and" if op in ("=", "=~") else "unless"
        if op in ("=", "!="):
            marker = f'label_replace(vector(1), "{label}", {_quote(value)}, "", "")'
            expr = f"({expr} {keep} on ({label}) {marker})"
            continue
        tagged = f'label_replace({expr}, "{_KEEP}", "1", "{label}", {_quote(value)})'
        marker = f'label_replace(vector(1), "{_KEEP}", "1", "", "")'
        expr = f'label_replace(({tagged} {keep} on ({_KEEP}) {marker}), "{_KEEP}", "", "", "")'
    return expr


def _labelled(expr: str, rule: RecordingRule) -> str:
    """Add the rule's static labels, as the rule manager does to what it records."""
    for label, value in sorted(rule.labels.items()):
        expr = f'label_replace({expr}, "{label}", {_quote(value)}, "", "")'
    return expr


def _quote(value: str) -> str:
    return f'"{escape(value)}"'
