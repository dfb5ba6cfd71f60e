"""Safe arithmetic over `v` for test fixtures: `1 - v`, `v * 100`, `max(0, 10 - v)`.

Only numbers, `v`, + - * / **, unary minus, parentheses, min() and max() are allowed; the
expression is parsed with `ast` and walked, never passed to eval().
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable
from functools import lru_cache

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
    compiled = _compiled(expression)
    if isinstance(compiled, str):
        raise ArithError(compiled)
    try:
        return float(compiled(v))
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


Function = Callable[[float], float]


@lru_cache(maxsize=4096)
def _compiled(expression: str) -> Function | str:
    """`expression` as a function of v (parsed once: fixtures repeat the same few), or why it
    is not allowed."""
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError:
        return f"{expression!r} is not arithmetic over v"
    try:
        return _function(tree.body)
    except ArithError as error:
        return str(error)


def _function(node: ast.expr) -> Function:
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        constant = float(node.value)
        return lambda v: constant
    if isinstance(node, ast.Name) and node.id == "v":
        return lambda v: v
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        operand = _function(node.operand)
        return (lambda v: -operand(v)) if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        combine, left, right = _BINARY[type(node.op)], _function(node.left), _function(node.right)
        return lambda v: combine(left(v), right(v))
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in _CALLS
        and node.args
        and not node.keywords
    ):
        call, args = _CALLS[node.func.id], [_function(arg) for arg in node.args]
        return lambda v: call(*(arg(v) for arg in args))
    raise ArithError(
        f"{ast.unparse(node)!r} is not allowed (use numbers, v, + - * / **, min(), max())"
    )
