"""Safe arithmetic over `v` for test fixtures: `1 - v`, `v * 100`, `max(0, 10 - v)`.

Only numbers, `v`, + - * / **, unary minus, parentheses, min() and max() are allowed; the
expression is parsed with `ast` and walked, never passed to eval().
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable

_BINARY: dict[type[ast.operator], Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
}
_CALLS: dict[str, Callable[..., float]] = {"min": min, "max": max}


class ArithError(ValueError):
    """The expression is not allowed or cannot be computed."""


def evaluate(expression: str, v: float) -> float:
    """The value of `expression` with `v` bound; ArithError when it is not allowed."""
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError:
        raise ArithError(f"{expression!r} is not arithmetic over v") from None
    try:
        return float(_walk(tree.body, v))
    except (ZeroDivisionError, OverflowError):
        raise ArithError(f"{expression!r} cannot be computed for v={v}") from None


def constant(expression: str) -> float:
    """The value of arithmetic without `v` (`7*24*60*60`); ArithError otherwise."""
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError:
        raise ArithError(f"{expression!r} is not arithmetic") from None
    if any(isinstance(node, ast.Name) and node.id == "v" for node in ast.walk(tree)):
        raise ArithError(f"{expression!r} uses v, which only fixtures know")
    return evaluate(expression, 0.0)


def check(expression: str) -> str | None:
    """Why `expression` is not allowed, or None."""
    try:
        evaluate(expression, 0.5)
    except ArithError as error:
        return str(error)
    return None


def _walk(node: ast.expr, v: float) -> float:
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return float(node.value)
    if isinstance(node, ast.Name) and node.id == "v":
        return v
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        value = _walk(node.operand, v)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        return _BINARY[type(node.op)](_walk(node.left, v), _walk(node.right, v))
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in _CALLS
        and node.args
        and not node.keywords
    ):
        return _CALLS[node.func.id](*(_walk(arg, v) for arg in node.args))
    raise ArithError(
        f"{ast.unparse(node)!r} is not allowed (use numbers, v, + - * / **, min(), max())"
    )
