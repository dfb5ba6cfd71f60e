"""Which plan form an alert's expression takes: a threshold on a metric, or a raw condition.

`<expr> <op> <number>` (also `<number> <op> <expr>`, and a constant written as arithmetic
such as `7 * 24 * 3600`) is a threshold alert on the metric `<expr>`; `... and <guard>`
after it stays a threshold alert with a `guard`. Everything else (`unless`, `or`, `absent()`,
a `bool` comparison, two series compared) is a raw alert.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from eyewatch_gen.importer.inversion import FLIPPED, constant
from eyewatch_gen.plan import arith
from eyewatch_gen.promql.parse import (
    COMPARISONS,
    Binary,
    Paren,
    ParseError,
    Selector,
    parse,
    text_of,
)


@dataclass(frozen=True)
class Threshold:
    """`metric op threshold [and guard]`, each part as written."""

    metric: str
    op: str
    threshold: float
    threshold_text: str  # the constant as written, when it is arithmetic (`7 * 24 * 3600`)
    guard: str | None
    selector: Selector | None  # the metric, when it is a bare series selector


def threshold_of(expr: str) -> Threshold | None:
    """The threshold form of `expr`, or None when it is a raw condition."""
    try:
        node = parse(expr)
    except ParseError:
        return None
    guard = None
    if isinstance(node, Binary) and node.op == "and":
        leftmost = _leftmost_and(node)
        guard = _after_and(expr, leftmost).strip() or None
        node = leftmost.lhs
    while isinstance(node, Paren):
        node = node.expr
    if not isinstance(node, Binary) or node.op not in COMPARISONS or node.returns_bool:
        return None
    return _compared(expr, node, guard)


def _leftmost_and(node: Binary) -> Binary:
    """In `a and b and c` (read as `(a and b) and c`), the `and` right after `a`."""
    while isinstance(node.lhs, Binary) and node.lhs.op == "and":
        node = node.lhs
    return node


def _after_and(expr: str, node: Binary) -> str:
    """The text after the `and` keyword of `node`: its matching modifiers and the rest."""
    between = expr[node.lhs.end : node.rhs.start]
    found = re.search(r"\band\b", between)
    assert found is not None
    return expr[node.lhs.end + found.end() :]


def _compared(expr: str, node: Binary, guard: str | None) -> Threshold | None:
    right, left = constant(node.rhs), constant(node.lhs)
    if right is not None:
        side, number, op = node.lhs, node.rhs, node.op
    elif left is not None:
        side, number, op = node.rhs, node.lhs, FLIPPED[node.op]
    else:
        return None
    value = arith.constant(right if right is not None else left or "")
    written = text_of(number, expr).strip()
    inner = side
    while isinstance(inner, Paren):
        inner = inner.expr
    return Threshold(
        text_of(inner, expr).strip(),
        op,
        value,
        written if _arithmetic(written) else "",
        guard,
        inner if isinstance(inner, Selector) else None,
    )


def _arithmetic(text: str) -> bool:
    """Whether a constant is written as arithmetic the plan's thresholds accept (and not
    just a number)."""
    try:
        float(text)
    except ValueError:
        try:
            arith.constant(text)
        except arith.ArithError:
            return False
        return True
    return False
