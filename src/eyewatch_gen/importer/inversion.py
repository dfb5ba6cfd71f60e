"""Arithmetic undone: what one side of `a op b` must be for the whole to take a target, and
the constants an expression is made of (`4 * 3600`)."""

from __future__ import annotations

import math
from collections.abc import Callable

from eyewatch_gen.importer.label_values import UnsolvableError
from eyewatch_gen.plan import arith
from eyewatch_gen.plan.rules import format_number
from eyewatch_gen.promql.parse import Binary, Node, Number, Paren, Unary

TOTAL = "10"
#: `c op x` is `x FLIPPED[op] c`
FLIPPED = {
    ">": "<",
    "<": ">",
    ">=": "<=",
    "<=": ">=",
    "==": "==",
    "!=": "!=",
}  # the denominator of a ratio, the total of a histogram: events per second


def constant(node: Node) -> str | None:
    """The arithmetic text of a subtree made of numbers only (`4 * 3600`), else None."""
    if isinstance(node, Number):
        return format_number(node.value) if math.isfinite(node.value) else None
    if isinstance(node, Paren):
        inner = constant(node.expr)
        return None if inner is None else f"({inner})"
    if isinstance(node, Unary):
        inner = constant(node.expr)
        return None if inner is None else f"-({inner})"
    if isinstance(node, Binary) and node.op in ("+", "-", "*", "/", "^"):
        left, right = constant(node.lhs), constant(node.rhs)
        if left is None or right is None:
            return None
        return f"{left} {'**' if node.op == '^' else node.op} {right}"
    return None


def holding(op: str, threshold: float) -> float:
    """A value for which `value op threshold` holds."""
    return {
        "==": threshold,
        ">=": threshold,
        "<=": threshold,
        "!=": threshold + 1,
        ">": threshold + 1,
        "<": threshold - 1,
    }[op]


def is_zero(target: str) -> bool:
    try:
        return arith.constant(target) == 0
    except arith.ArithError:
        return False


def undo_right(op: str, target: str, right: str) -> str:
    """What the left side must be for `left op right` to be `target`."""
    undo: dict[str, Callable[[str, str], str]] = {
        "+": lambda t, c: f"({t}) - ({c})",
        "-": lambda t, c: f"({t}) + ({c})",
        "*": lambda t, c: f"({t}) / ({c})",
        "/": lambda t, c: f"({t}) * ({c})",
    }
    if op not in undo:
        raise UnsolvableError(f"cannot undo {op!r}")
    return undo[op](target, right)


def undo_left(op: str, target: str, left: str) -> str:
    """What the right side must be for `left op right` to be `target`."""
    undo: dict[str, Callable[[str, str], str]] = {
        "+": lambda t, c: f"({t}) - ({c})",
        "-": lambda t, c: f"({c}) - ({t})",
        "*": lambda t, c: f"({t}) / ({c})",
        "/": lambda t, c: f"({c}) / ({t})",
    }
    if op not in undo:
        raise UnsolvableError(f"cannot undo {op!r}")
    return undo[op](target, left)


def neutral(op: str) -> str:
    """The value the other series of `a op b` is fixed at."""
    return {"+": "0", "-": "0", "*": "1", "/": TOTAL}.get(op, "1")
