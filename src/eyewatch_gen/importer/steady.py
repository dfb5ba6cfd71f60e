"""PromQL evaluated over the steady state of generated test inputs.

Generated tests feed gauges (a constant value) and counters (a constant increase per
second). Once every window is full, an expression over such series has one value, and this
module computes it, labels included, the way Prometheus does (vector matching, `on`,
`ignoring`, `group_left`, aggregation grouping, which operations drop the metric name,
`histogram_quantile`'s interpolation). The importer proves an inferred fixture with it before
writing it: the expression must give exactly the value the test expects, on one series.

Anything whose steady value depends on sample counts or the clock (`count_over_time`,
`changes`, `time()`, a counter read without `rate`) raises `UnsteadyError`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

from eyewatch_gen.importer import functions
from eyewatch_gen.importer.vectors import (
    NAME,
    Input,
    Labels,
    Sample,
    UnsteadyError,
    Value,
    Window,
    drop_name,
    labels_of,
    make_labels,
    scalar,
    vector,
)
from eyewatch_gen.plan import durations
from eyewatch_gen.promql.parse import (
    COMPARISONS,
    Aggregation,
    Binary,
    Call,
    Matching,
    Node,
    Number,
    Paren,
    Range,
    Selector,
    Shifted,
    String,
    Subquery,
    Unary,
)


def evaluate(node: Node, inputs: list[Input]) -> list[Sample]:
    """The instant vector `node` evaluates to; UnsteadyError when it has no steady value."""
    value = _eval(node, inputs)
    if isinstance(value, float):
        return [Sample((), value)]
    if not isinstance(value, list):
        raise UnsteadyError("the expression is not an instant vector")
    return value


def _eval(node: Node, inputs: list[Input]) -> Value:
    handler = _HANDLERS.get(type(node))
    if handler is None:
        raise UnsteadyError(f"cannot evaluate {type(node).__name__}")
    return handler(node, inputs)


def _number(node: Node, _: list[Input]) -> Value:
    assert isinstance(node, Number | String)
    return node.value


def _inner(node: Node, inputs: list[Input]) -> Value:
    assert isinstance(node, Paren | Shifted)
    return _eval(node.expr, inputs)


def _unary(node: Node, inputs: list[Input]) -> Value:
    assert isinstance(node, Unary)
    value = _eval(node.expr, inputs)
    sign = -1.0 if node.op == "-" else 1.0
    if isinstance(value, list):
        return [Sample(drop_name(s.labels), sign * s.value) for s in value]
    return sign * scalar(value)


def _selector(node: Node, inputs: list[Input]) -> Value:
    assert isinstance(node, Selector)
    return [_instant(i) for i in inputs if _selects(node, i)]


def _range(node: Node, inputs: list[Input]) -> Value:
    assert isinstance(node, Range)
    selected = tuple(i for i in inputs if _selects(node.selector, i))
    equal = {k: v for k, op, v in node.selector.matchers if op == "="}
    return Window(selected, durations.seconds(node.window), equal)


def _selects(selector: Selector, series: Input) -> bool:
    if series.name != selector.name:
        return False
    return all(_match(series.labels.get(k, ""), op, v) for k, op, v in selector.matchers)


def _match(actual: str, op: str, value: str) -> bool:
    if op in ("=", "!="):
        return (actual == value) == (op == "=")
    return (re.fullmatch(value, actual) is not None) == (op == "=~")


def _instant(series: Input) -> Sample:
    if series.counter:
        raise UnsteadyError(f"counter {series.name} is read without rate()")
    return Sample(make_labels({NAME: series.name, **series.labels}), series.amount)


def _subquery(node: Node, inputs: list[Input]) -> Value:
    assert isinstance(node, Subquery)
    samples = vector(_eval(node.expr, inputs))
    gauges = tuple(
        Input(s.label(NAME), labels_of(s), counter=False, amount=s.value) for s in samples
    )
    return Window(gauges, durations.seconds(node.window))


def _call(node: Node, inputs: list[Input]) -> Value:
    assert isinstance(node, Call)
    return functions.call(node, [_eval(a, inputs) for a in node.args])


# --- aggregation -----------------------------------------------------------------------


def _aggregate(node: Node, inputs: list[Input]) -> Value:
    assert isinstance(node, Aggregation)
    samples = vector(_eval(node.expr, inputs))
    groups: dict[Labels, list[Sample]] = {}
    for sample in samples:
        groups.setdefault(_grouped(node, sample.labels), []).append(sample)
    if node.op in ("topk", "bottomk"):
        return samples
    reduce = _REDUCERS.get(node.op)
    if reduce is None:
        raise UnsteadyError(f"{node.op}() is not supported")
    return [Sample(key, reduce([s.value for s in group])) for key, group in groups.items()]


def _grouped(node: Aggregation, labels: Labels) -> Labels:
    if node.without:
        return tuple((k, v) for k, v in labels if k not in node.labels and k != NAME)
    return tuple((k, v) for k, v in labels if k in node.labels)


def _stddev(values: list[float]) -> float:
    mean = sum(values) / len(values)
    return math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))


_REDUCERS: dict[str, Callable[[list[float]], float]] = {
    "sum": sum,
    "avg": lambda values: sum(values) / len(values),
    "min": min,
    "max": max,
    "count": lambda values: float(len(values)),
    "group": lambda _: 1.0,
    "stddev": _stddev,
    "quantile": lambda values: sorted(values)[len(values) // 2],
}


# --- binary operations -----------------------------------------------------------------


def _binary(node: Node, inputs: list[Input]) -> Value:
    assert isinstance(node, Binary)
    lhs, rhs = _eval(node.lhs, inputs), _eval(node.rhs, inputs)
    if isinstance(lhs, float) and isinstance(rhs, float):
        return _scalars(node, lhs, rhs)
    if node.op in ("and", "or", "unless"):
        return _set_operation(node.op, node.matching, vector(lhs), vector(rhs))
    if isinstance(lhs, float) or isinstance(rhs, float):
        return _with_scalar(node, lhs, rhs)
    return _vectors(node, vector(lhs), vector(rhs))


def _scalars(node: Binary, lhs: float, rhs: float) -> float:
    if node.op in COMPARISONS:
        if not node.returns_bool:
            raise UnsteadyError("a comparison between numbers needs bool")
        return 1.0 if _compare(node.op, lhs, rhs) else 0.0
    return _arith(node.op, lhs, rhs)


def _divide(a: float, b: float) -> float:
    if b:
        return a / b
    return math.copysign(math.inf, a) if a else math.nan


def _power(a: float, b: float) -> float:
    try:
        return float(a**b)
    except (OverflowError, ZeroDivisionError):
        return math.nan


_ARITHMETIC: dict[str, Callable[[float, float], float]] = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": _divide,
    "%": lambda a, b: math.fmod(a, b) if b else math.nan,
    "^": _power,
    "atan2": math.atan2,
}


def _arith(op: str, lhs: Value, rhs: Value) -> float:
    return _ARITHMETIC[op](scalar(lhs), scalar(rhs))


def _compare(op: str, lhs: float, rhs: float) -> bool:
    return {
        "==": lhs == rhs,
        "!=": lhs != rhs,
        ">": lhs > rhs,
        "<": lhs < rhs,
        ">=": lhs >= rhs,
        "<=": lhs <= rhs,
    }[op]


def _with_scalar(node: Binary, lhs: Value, rhs: Value) -> list[Sample]:
    scalar_left = isinstance(lhs, float)
    samples = vector(rhs if scalar_left else lhs)
    number = scalar(lhs if scalar_left else rhs)
    out = []
    for sample in samples:
        a, b = (number, sample.value) if scalar_left else (sample.value, number)
        if node.op in COMPARISONS:
            kept = _compare(node.op, a, b)
            if node.returns_bool:
                out.append(Sample(drop_name(sample.labels), 1.0 if kept else 0.0))
            elif kept:
                out.append(sample)  # the vector's value, on whichever side it stands
            continue
        out.append(Sample(drop_name(sample.labels), _arith(node.op, a, b)))
    return out


def _signature(labels: Labels, matching: Matching) -> Labels:
    if matching.on:
        return tuple((k, v) for k, v in labels if k in matching.labels)
    return tuple((k, v) for k, v in labels if k not in matching.labels and k != NAME)


def _set_operation(
    op: str, matching: Matching, lhs: list[Sample], rhs: list[Sample]
) -> list[Sample]:
    right = {_signature(s.labels, matching) for s in rhs}
    if op == "and":
        return [s for s in lhs if _signature(s.labels, matching) in right]
    if op == "unless":
        return [s for s in lhs if _signature(s.labels, matching) not in right]
    left = {_signature(s.labels, matching) for s in lhs}
    return lhs + [s for s in rhs if _signature(s.labels, matching) not in left]


def _vectors(node: Binary, lhs: list[Sample], rhs: list[Sample]) -> list[Sample]:
    matching = node.matching
    many, one = (rhs, lhs) if matching.card == "one-to-many" else (lhs, rhs)
    by_signature: dict[Labels, Sample] = {}
    for sample in one:
        key = _signature(sample.labels, matching)
        if key in by_signature:
            raise UnsteadyError("many-to-many matching: more than one series on the one side")
        by_signature[key] = sample
    out, seen = [], set()
    for sample in many:
        key = _signature(sample.labels, matching)
        partner = by_signature.get(key)
        if partner is None:
            continue
        if matching.card == "one-to-one" and key in seen:
            raise UnsteadyError("many-to-many matching: more than one series on the left")
        seen.add(key)
        result = _matched(node, sample, partner)
        if result is not None:
            out.append(result)
    return out


def _matched(node: Binary, many: Sample, one: Sample) -> Sample | None:
    swapped = node.matching.card == "one-to-many"
    a, b = (one.value, many.value) if swapped else (many.value, one.value)
    labels = _result_labels(node, many, one)
    if node.op in COMPARISONS:
        kept = _compare(node.op, a, b)
        if node.returns_bool:
            return Sample(drop_name(labels), 1.0 if kept else 0.0)
        return Sample(labels, a) if kept else None
    return Sample(drop_name(labels), _arith(node.op, a, b))


def _result_labels(node: Binary, many: Sample, one: Sample) -> Labels:
    """Prometheus's resultMetric: the many side's labels, reduced to (or without) the
    matching labels for one-to-one, plus the `group_x(...)` labels from the one side."""
    matching = node.matching
    labels = dict(many.labels)
    if node.op not in COMPARISONS:
        labels.pop(NAME, None)
    if matching.card == "one-to-one":
        if matching.on:
            labels = {k: v for k, v in labels.items() if k in matching.labels}
        else:
            labels = {k: v for k, v in labels.items() if k not in matching.labels}
    for name in matching.include:
        value = one.label(name)
        labels[name] = value
    return make_labels(labels)


_HANDLERS: dict[type[Node], Callable[[Node, list[Input]], Value]] = {
    Number: _number,
    String: _number,
    Paren: _inner,
    Shifted: _inner,
    Unary: _unary,
    Selector: _selector,
    Range: _range,
    Subquery: _subquery,
    Call: _call,
    Aggregation: _aggregate,
    Binary: _binary,
}
