"""Whether a text is valid PromQL: it balances, parses, and its parts have the types Prometheus
requires (a range vector for `rate`, instant vectors around `and`, `bool` between scalars).

`promql_error` is what `plan/promql` reports at validation time, with the character where the
expression goes wrong. It checks what promtool's parser checks (function names and argument
types included); functions Prometheus 3 added are known too. Stricter than promtool, which
accepts them and lets the rule fail at every evaluation: a rule must compute an instant
vector or a scalar, not a range vector or a string. Types: `scalar`, `string`,
`vector` (instant vector), `matrix` (range vector).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from eyewatch_gen.promql.parse import (
    COMPARISONS,
    SET_OPERATORS,
    Aggregation,
    Binary,
    Call,
    Node,
    Number,
    Paren,
    ParseError,
    Range,
    Selector,
    Shifted,
    String,
    Subquery,
    Unary,
    parse,
)
from eyewatch_gen.promql.syntax import lexical_error

_S, _V, _M, _T = "scalar", "vector", "matrix", "string"
_NAMES = {_S: "scalar", _V: "instant vector", _M: "range vector", _T: "string"}

# name -> (argument types, how many trailing arguments may be left out (-1: the last repeats
# any number of times), result type)
_FUNCTIONS: dict[str, tuple[tuple[str, ...], int, str]] = {
    **dict.fromkeys(
        ("abs", "absent", "acos", "acosh", "asin", "asinh", "atan", "atanh", "ceil", "cos",
         "cosh", "deg", "exp", "floor", "histogram_avg", "histogram_count", "histogram_stddev",
         "histogram_stdvar", "histogram_sum", "ln", "log10", "log2", "rad", "sgn", "sin", "sinh",
         "sort", "sort_desc", "sqrt", "tan", "tanh", "timestamp"),
        ((_V,), 0, _V),
    ),
    **dict.fromkeys(
        ("absent_over_time", "avg_over_time", "changes", "count_over_time", "delta", "deriv",
         "idelta", "increase", "irate", "last_over_time", "mad_over_time", "max_over_time",
         "min_over_time", "present_over_time", "rate", "resets", "stddev_over_time",
         "stdvar_over_time", "sum_over_time", "ts_of_first_over_time", "ts_of_last_over_time",
         "ts_of_max_over_time", "ts_of_min_over_time", "first_over_time"),
        ((_M,), 0, _V),
    ),
    **dict.fromkeys(
        ("day_of_month", "day_of_week", "day_of_year", "days_in_month", "hour", "minute",
         "month", "year"),
        ((_V,), 1, _V),
    ),
    "clamp": ((_V, _S, _S), 0, _V),
    "clamp_max": ((_V, _S), 0, _V),
    "clamp_min": ((_V, _S), 0, _V),
    "double_exponential_smoothing": ((_M, _S, _S), 0, _V),
    "holt_winters": ((_M, _S, _S), 0, _V),
    "histogram_fraction": ((_S, _S, _V), 0, _V),
    "histogram_quantile": ((_S, _V), 0, _V),
    "info": ((_V, _V), 1, _V),
    "label_join": ((_V, _T, _T, _T), -1, _V),
    "label_replace": ((_V, _T, _T, _T, _T), 0, _V),
    "pi": ((), 0, _S),
    "predict_linear": ((_M, _S), 0, _V),
    "quantile_over_time": ((_S, _M), 0, _V),
    "round": ((_V, _S), 1, _V),
    "scalar": ((_V,), 0, _S),
    "sort_by_label": ((_V, _T), -1, _V),
    "sort_by_label_desc": ((_V, _T), -1, _V),
    "time": ((), 0, _S),
    "vector": ((_S,), 0, _V),
}  # fmt: skip


_GUARDED = "vector(1) and "


def promql_error(expr: str) -> str | None:
    """Why `expr` is not valid PromQL, naming the character where it goes wrong, or None."""
    return lexical_error(expr) or _parse_error(expr, 0)


def guard_error(guard: str) -> str | None:
    """Why `guard` cannot follow `and` (as a threshold alert's guard does), or None; it may
    start with `on (...)`."""
    return lexical_error(guard) or _parse_error(_GUARDED + guard, len(_GUARDED))


def _parse_error(expr: str, shift: int) -> str | None:
    """The parse or type error of `expr`, its position counted from `shift`."""
    try:
        node = parse(expr)
        found = _type(node)
        if found not in (_V, _S):
            raise ParseError(
                f"a rule must compute an instant vector or a scalar, not a {_NAMES[found]}",
                node.start,
            )
    except ParseError as error:
        return f"{error.reason} (character {max(error.position - shift, 0) + 1})"
    return None


def _type(node: Node) -> str:
    """The type of `node`; ParseError where a part has a type its place does not allow."""
    if isinstance(node, Number | String | Range):
        return {Number: _S, String: _T, Range: _M}[type(node)]
    if isinstance(node, Paren):
        return _type(node.expr)
    if isinstance(node, Subquery):
        _expect(node.expr, _V, "a subquery")
        return _M
    typed = _TYPED.get(type(node))
    if typed is None:
        raise ParseError(f"unexpected expression {type(node).__name__}", node.start)
    return typed(node)


def _unary(node: Unary) -> str:
    inner = _type(node.expr)
    if inner not in (_S, _V):
        raise ParseError(f"unary {node.op!r} needs a scalar or an instant vector", node.start)
    return inner


def _selector(node: Selector) -> str:
    if not node.name and not any(op in ("=", "=~") for _, op, _ in node.matchers):
        raise ParseError(
            "a selector without a metric name needs a matcher that does not match the empty "
            'string, such as job="app"',
            node.start,
        )
    return _V


def _shifted(node: Shifted) -> str:
    inner = node.expr
    if not isinstance(inner, Selector | Range | Subquery | Shifted):
        raise ParseError(
            "offset and @ must follow a series selector, a range or a subquery", node.start
        )
    return _type(inner)


def _expect(node: Node, wanted: str, where: str) -> None:
    found = _type(node)
    if found != wanted:
        raise ParseError(
            f"expected a {_NAMES[wanted]} in {where}, found a {_NAMES[found]}", node.start
        )


def _call(node: Call) -> str:
    signature = _FUNCTIONS.get(node.name)
    if signature is None:
        raise ParseError(f"unknown function {node.name!r}", node.start)
    types, optional, result = signature
    count = len(node.args)
    least = len(types) - max(optional, 0) if optional >= 0 else len(types) - 1
    most = len(types) if optional >= 0 else None
    if count < least or (most is not None and count > most):
        wanted = f"{least}" if least == most else f"{least} to {most}" if most else f"{least}+"
        raise ParseError(
            f"{node.name}() takes {wanted} argument(s), found {count}",
            node.start,
        )
    for index, arg in enumerate(node.args):
        _expect(arg, types[min(index, len(types) - 1)], f"argument {index + 1} of {node.name}()")
    return result


def _aggregation(node: Aggregation) -> str:
    if node.param is not None:
        wanted = _T if node.op == "count_values" else _S
        _expect(node.param, wanted, f"the parameter of {node.op}")
    _expect(node.expr, _V, f"{node.op}")
    return _V


def _binary(node: Binary) -> str:
    lhs, rhs = _type(node.lhs), _type(node.rhs)
    for side, found in ((node.lhs, lhs), (node.rhs, rhs)):
        if found not in (_S, _V):
            raise ParseError(
                f"{node.op!r} needs scalars or instant vectors, found a {_NAMES[found]}",
                side.start,
            )
    vectors = lhs == _V and rhs == _V
    if node.op in SET_OPERATORS and not vectors:
        raise ParseError(f"{node.op!r} needs an instant vector on both sides", node.start)
    matching = node.matching
    if (matching.labels or matching.card in ("many-to-one", "one-to-many")) and not vectors:
        raise ParseError("on/ignoring need an instant vector on both sides", node.start)
    if node.op in SET_OPERATORS and matching.card in ("many-to-one", "one-to-many"):
        raise ParseError(f"group_left/group_right cannot be used with {node.op!r}", node.start)
    if node.op in COMPARISONS and lhs == _S and rhs == _S and not node.returns_bool:
        raise ParseError(
            f"comparing two scalars needs bool ({node.op} bool)",
            node.start,
        )
    return _V if _V in (lhs, rhs) else _S


_TYPED: dict[type, Callable[[Any], str]] = {
    Selector: _selector,
    Shifted: _shifted,
    Unary: _unary,
    Call: _call,
    Aggregation: _aggregation,
    Binary: _binary,
}
