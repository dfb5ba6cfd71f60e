"""Test inputs for imported alerts, inferred from the expression and proven before use.

For a threshold alert, the metric gets a `fixture` (series as functions of `v`); for a raw
alert, `tests` (constant quiet and firing series, the firing labels and value). `solve`
proposes the series; here they are evaluated (`steady`) at exactly the values the generated
test will use (`plan.testspec.threshold_values`): the metric must come out as `v` on one
series, the whole condition must fire at the firing value and stay quiet at the quiet one,
and no counter may fall. Whatever fails is reported with the reason, and the alert is
imported `untested`.
"""

from __future__ import annotations

import ast
import math
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass

from eyewatch_gen.importer.label_values import UnsolvableError
from eyewatch_gen.importer.solve import Feed, Solver
from eyewatch_gen.importer.steady import evaluate
from eyewatch_gen.importer.vectors import Input, Sample, UnsteadyError, labels_of
from eyewatch_gen.plan import arith
from eyewatch_gen.plan.rules import format_number
from eyewatch_gen.plan.testspec import holds, threshold_values
from eyewatch_gen.promql.labels import series_text
from eyewatch_gen.promql.parse import (
    Binary,
    Call,
    Node,
    Paren,
    ParseError,
    Range,
    Selector,
    parse,
)


class UntestableError(ValueError):
    """No test inputs could be inferred; the message is the reason the report shows."""


@dataclass(frozen=True)
class Case:
    """One threshold alert on a metric: `metric op threshold`, and its guards."""

    op: str
    threshold: float
    guards: tuple[str, ...] = ()
    match: tuple[tuple[str, str], ...] = ()  # alert `match` on a recorded metric


@dataclass(frozen=True)
class FixtureOut:
    """A metric's fixture: series (as plan `Series` data), result labels, declared range."""

    series: list[dict[str, str]]
    labels: dict[str, str]
    range: tuple[float, float] | None


@dataclass(frozen=True)
class RawOut:
    """A raw alert's tests: constant quiet and firing series, firing labels and value."""

    quiet: list[dict[str, str]]
    firing: list[dict[str, str]]
    labels: dict[str, str]
    value: float


# --- threshold alerts: a fixture for the metric ---------------------------------------


def fixture(expr: str, cases: list[Case], mentioned: set[str]) -> tuple[FixtureOut, list[int], str]:
    """The fixture making metric `expr` take `v`, the indexes of the cases it proves, and
    why the others are not; UntestableError when it proves none. Tried on the values from 0
    up, then, for thresholds between 0 and 1, as a ratio (range [0, 1])."""
    node, guards = _parse(expr), [_parse(_unmatched(g)) for c in cases for g in c.guards]
    reasons: list[str] = []
    best: tuple[list[Feed], list[int], dict[str, str], tuple[float, float]] | None = None
    for bounds in _bounds_to_try(cases):
        values = [threshold_values(c.op, c.threshold, bounds) for c in cases]
        for numerator_first in (False, True):
            try:
                feeds = _solved(node, guards, mentioned, values, numerator_first)
            except UnsolvableError as error:
                reasons.append(str(error))
                continue
            proven, labels = _prove_cases(expr, node, cases, values, feeds, reasons)
            if proven and (best is None or len(proven) > len(best[1])):
                best = (feeds, proven, labels, bounds)
    if best is None:
        raise UntestableError(reasons[0] if reasons else "no inputs found")
    feeds, proven, labels, bounds = best
    declared = None if bounds == _DEFAULT else bounds
    why = reasons[0] if reasons else ""
    return FixtureOut([_series(f) for f in feeds], labels, declared), proven, why


def _bounds_to_try(cases: list[Case]) -> list[tuple[float, float]]:
    first = _bounds(cases)
    ratio = all(0 <= c.threshold <= 1 for c in cases) and first != _RATIO
    return [first, _RATIO] if ratio else [first]


def _solved(
    node: Node,
    guards: list[Node],
    mentioned: set[str],
    values: list[tuple[float, float]],
    numerator_first: bool,
) -> list[Feed]:
    solver = Solver.of([node, *guards], mentioned, tuple(v for pair in values for v in pair))
    solver.numerator_first = numerator_first
    solver.solve(node, "v")
    for guard in guards:
        solver.satisfy(guard)
    return [Feed(f.name, f.labels, f.counter, tidy(f.expr)) for f in solver.feeds]


def _prove_cases(
    expr: str,
    node: Node,
    cases: list[Case],
    values: list[tuple[float, float]],
    feeds: list[Feed],
    reasons: list[str],
) -> tuple[list[int], dict[str, str]]:
    proven: list[int] = []
    labels: dict[str, str] = {}
    for index, (case, (fire, quiet)) in enumerate(zip(cases, values, strict=True)):
        fed = _matched(feeds, dict(case.match))
        try:
            found = _prove_signal(node, fed, (fire, quiet))
            if dict(case.match).items() - found.items():
                raise UntestableError("the alert's match selects no series of the fixture")
            guarded = "".join(f" and {guard}" for guard in case.guards)
            condition = _parse(f"({expr}) {case.op} {format_number(case.threshold)}{guarded}")
            _prove_condition(condition, fed, fire, quiet, found)
        except UntestableError as error:
            reasons.append(str(error))
            continue
        proven.append(index)
        labels = labels or {k: v for k, v in found.items() if k not in dict(case.match)}
    return proven, labels


def _matched(feeds: list[Feed], match: dict[str, str]) -> list[Feed]:
    """The feeds as a test with `match` relabels them (labels they carry take its values)."""
    return [
        Feed(f.name, {k: match.get(k, v) for k, v in f.labels.items()}, f.counter, f.expr)
        for f in feeds
    ]


def _prove_signal(node: Node, feeds: list[Feed], values: tuple[float, float]) -> dict[str, str]:
    """The labels of the one series `node` gives, checked to be `v` at each of `values`."""
    found: list[dict[str, str]] = []
    for v in values:
        samples = _evaluate(node, feeds, v)
        if len(samples) != 1:
            raise UntestableError(
                f"the inferred series give {len(samples)} results, not one (v={v:g})"
            )
        if not math.isclose(samples[0].value, v, rel_tol=1e-9, abs_tol=1e-12):
            raise UntestableError(
                f"the inferred series give {samples[0].value:g} where the test needs {v:g}"
            )
        found.append(labels_of(samples[0]))
    if found[0] != found[-1]:
        raise UntestableError("the result's labels change with the value")
    return found[0]


def _prove_condition(
    condition: Node, feeds: list[Feed], fire: float, quiet: float, labels: dict[str, str]
) -> None:
    firing = _evaluate(condition, feeds, fire)
    if [labels_of(s) for s in firing] != [labels]:
        raise UntestableError(f"the condition does not fire on the inferred series at {fire:g}")
    if _evaluate(condition, feeds, quiet):
        raise UntestableError(f"the condition still fires at the quiet value {quiet:g}")


_DEFAULT = (0.0, math.inf)
_RATIO = (0.0, 1.0)


def _bounds(cases: list[Case]) -> tuple[float, float]:
    """The values the metric may take in tests: from 0 up (the plan's default for a fed
    metric), or on both sides of 0 when a threshold needs it (`< 0`, `deriv(...) < -1`)."""
    for case in cases:
        fire, quiet = threshold_values(case.op, case.threshold, _DEFAULT)
        if not holds(case.op, fire, case.threshold) or holds(case.op, quiet, case.threshold):
            widest = max(abs(c.threshold) for c in cases)
            reach = float(10 ** (math.ceil(math.log10(widest + 1)) + 1))
            return (-reach, reach)
    return _DEFAULT


# --- raw alerts: constant tests -------------------------------------------------------


def raw_tests(expr: str, mentioned: set[str]) -> RawOut:
    """Quiet and firing series for the raw condition `expr`; UntestableError otherwise."""
    node = _parse(expr)
    selector = _absent_selector(node)
    if selector is not None:
        return _absent_tests(node, selector, mentioned)
    reasons = []
    for numerator_first in (False, True):
        solver = Solver.of([node], mentioned, ())
        solver.numerator_first = numerator_first
        try:
            op, threshold = solver.drive(node)
            return _raw_out(node, solver.feeds, op, threshold)
        except (UnsolvableError, UntestableError) as error:
            reasons.append(str(error))
    unless = _unwrapped(node)
    if isinstance(unless, Binary) and unless.op == "unless":
        try:
            return _presence_tests(node, unless, mentioned)
        except (UnsolvableError, UntestableError) as error:
            reasons.append(str(error))
    raise UntestableError(reasons[0])


def _presence_tests(node: Node, unless: Binary, mentioned: set[str]) -> RawOut:
    """`A unless B` with no comparison: firing while A exists alone, quiet while B (which
    hides A) exists too."""
    solver = Solver.of([node], mentioned, ())
    solver.solve(unless.lhs, "1")
    alone = [Feed(f.name, f.labels, f.counter, tidy(f.expr)) for f in solver.feeds]
    solver.satisfy(unless.rhs)
    hidden = [Feed(f.name, f.labels, f.counter, tidy(f.expr)) for f in solver.feeds]
    firing = _evaluate(node, alone, 0)
    if len(firing) != 1 or _evaluate(node, hidden, 0):
        raise UntestableError("no series found that make the condition fire and then not")
    return RawOut(
        [_series(f, 0) for f in hidden],
        [_series(f, 0) for f in alone],
        labels_of(firing[0]),
        _number(firing[0].value),
    )


def _unwrapped(node: Node) -> Node:
    while isinstance(node, Paren):
        node = node.expr
    return node


def _raw_out(node: Node, proposed: list[Feed], op: str, threshold: float) -> RawOut:
    feeds = [Feed(f.name, f.labels, f.counter, tidy(f.expr)) for f in proposed]
    fire, quiet = threshold_values(op, threshold, _bounds([Case(op, threshold)]))
    firing = _evaluate(node, feeds, fire)
    if len(firing) != 1:
        raise UntestableError(f"the condition gives {len(firing)} alerts on the inferred series")
    if _evaluate(node, feeds, quiet):
        raise UntestableError(f"the condition still fires at the quiet value {quiet:g}")
    return RawOut(
        [_series(f, quiet) for f in feeds],
        [_series(f, fire) for f in feeds],
        labels_of(firing[0]),
        _number(firing[0].value),
    )


def _absent_selector(node: Node) -> Selector | None:
    node = _unwrapped(node)
    if isinstance(node, Call) and node.name in ("absent", "absent_over_time") and node.args:
        inner = node.args[0]
        inner = inner.selector if isinstance(inner, Range) else inner
        return inner if isinstance(inner, Selector) else None
    return None


def _absent_tests(node: Node, selector: Selector, mentioned: set[str]) -> RawOut:
    """absent(): quiet while the series exists, firing when there is none at all."""
    solver = Solver.of([node], mentioned, ())
    present = Feed(selector.name, solver.labels_for(selector), False, "1")
    if _evaluate(node, [present], 0):
        raise UntestableError("absent() fires even while its series exists")
    firing = _evaluate(node, [], 0)
    if len(firing) != 1:
        raise UntestableError("absent() does not fire without its series")
    return RawOut([_series(present, 0)], [], labels_of(firing[0]), firing[0].value)


# --- shared ---------------------------------------------------------------------------


_MATCHING = re.compile(
    r"^\s*(?:on|ignoring)\s*\([^)]*\)\s*(?:(?:group_left|group_right)\s*(?:\([^)]*\))?)?"
)


def _unmatched(guard: str) -> str:
    """A guard without its leading `on (...)`: the condition on its own."""
    return _MATCHING.sub("", guard, count=1)


def _parse(text: str) -> Node:
    try:
        return parse(text)
    except ParseError as error:
        raise UntestableError(f"the expression could not be read ({error})") from None


def _evaluate(node: Node, feeds: list[Feed], v: float) -> list[Sample]:
    inputs = []
    for feed in feeds:
        try:
            amount = arith.evaluate(feed.expr, v)
        except arith.ArithError as error:
            raise UntestableError(str(error)) from None
        if feed.counter and amount < 0:
            raise UntestableError(
                f"counter {feed.name} would have to fall (rate {amount:g} at v={v:g})"
            )
        inputs.append(Input(feed.name, feed.labels, feed.counter, amount))
    try:
        return evaluate(node, inputs)
    except UnsteadyError as error:
        raise UntestableError(str(error)) from None


def _series(feed: Feed, v: float | None = None) -> dict[str, str]:
    """Plan `Series` data: the expression over v, or its value at `v` for raw tests."""
    amount = feed.expr if v is None else format_number(_number(arith.evaluate(feed.expr, v)))
    return {
        "series": series_text(feed.name, feed.labels),
        ("rate" if feed.counter else "value"): amount,
    }


def _number(value: float) -> float:
    return float(f"{value:.12g}")


_FOLD: dict[type[ast.operator], Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
}


def tidy(expression: str) -> str:
    """Arithmetic over v written plainly: constant parts folded, no redundant parentheses
    (`((v) * (10))` -> `v * 10`)."""
    tree = ast.parse(expression, mode="eval")
    return ast.unparse(_fold(tree.body))


def _fold(node: ast.expr) -> ast.expr:
    if isinstance(node, ast.BinOp):
        node = ast.BinOp(_fold(node.left), node.op, _fold(node.right))
        if _is_number(node.left) and _is_number(node.right) and type(node.op) in _FOLD:
            try:
                return _constant(_FOLD[type(node.op)](_value(node.left), _value(node.right)))
            except (ZeroDivisionError, OverflowError):
                return node
        return node
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _fold(node.operand)
        return _constant(-_value(inner)) if _is_number(inner) else ast.UnaryOp(node.op, inner)
    return node


def _is_number(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, int | float)


def _value(node: ast.expr) -> float:
    assert isinstance(node, ast.Constant) and isinstance(node.value, int | float)
    return float(node.value)


def _constant(value: float) -> ast.expr:
    tidy_value = _number(value)
    number: float = (
        int(tidy_value) if tidy_value.is_integer() and abs(tidy_value) < 1e15 else tidy_value
    )
    if number < 0:
        return ast.UnaryOp(ast.USub(), ast.Constant(-number))
    return ast.Constant(number)
