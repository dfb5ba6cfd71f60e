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
from dataclasses import dataclass, field

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

Labels = tuple[tuple[str, str], ...]  # sorted, `__name__` included while it lasts
NAME = "__name__"


class UnsteadyError(ValueError):
    """The expression has no single steady value over constant gauges and counters."""


@dataclass(frozen=True)
class Input:
    """One input series: a gauge `amount` or a counter growing `amount` per second."""

    name: str
    labels: dict[str, str]
    counter: bool
    amount: float


@dataclass(frozen=True)
class Sample:
    """One series of an instant vector."""

    labels: Labels
    value: float

    def label(self, name: str) -> str:
        """The value of label `name` ("" when absent, as in PromQL)."""
        return dict(self.labels).get(name, "")


@dataclass(frozen=True)
class Window:
    """A range vector: the selected inputs and the window length in seconds."""

    inputs: tuple[Input, ...]
    seconds: float
    absent: dict[str, str] = field(default_factory=dict)  # what absent_over_time() returns


Value = float | list[Sample] | Window | str


def evaluate(node: Node, inputs: list[Input]) -> list[Sample]:
    """The instant vector `node` evaluates to; UnsteadyError when it has no steady value."""
    value = _eval(node, inputs)
    if isinstance(value, float):
        return [Sample((), value)]
    if not isinstance(value, list):
        raise UnsteadyError("the expression is not an instant vector")
    return value


def labels_of(sample: Sample) -> dict[str, str]:
    """A sample's labels without the metric name (what an alert carries)."""
    return {k: v for k, v in sample.labels if k != NAME}


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
        return [Sample(_drop_name(s.labels), sign * s.value) for s in value]
    return sign * _scalar(value)


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
    return Sample(_labels({NAME: series.name, **series.labels}), series.amount)


def _labels(labels: dict[str, str]) -> Labels:
    return tuple(sorted((k, v) for k, v in labels.items() if v != ""))


def _subquery(node: Node, inputs: list[Input]) -> Value:
    assert isinstance(node, Subquery)
    samples = _vector(_eval(node.expr, inputs))
    gauges = tuple(
        Input(s.label(NAME), labels_of(s), counter=False, amount=s.value) for s in samples
    )
    return Window(gauges, durations.seconds(node.window))


def _vector(value: Value) -> list[Sample]:
    if not isinstance(value, list):
        raise UnsteadyError("expected an instant vector")
    return value


def _scalar(value: Value) -> float:
    if not isinstance(value, float):
        raise UnsteadyError("expected a number")
    return value


def _window(value: Value) -> Window:
    if not isinstance(value, Window):
        raise UnsteadyError("expected a range vector")
    return value


# --- functions -------------------------------------------------------------------------


def _per_series(
    window: Window, counter: Callable[[float], float], gauge: Callable[[float], float]
) -> list[Sample]:
    return [
        Sample(_labels(i.labels), counter(i.amount) if i.counter else gauge(i.amount))
        for i in window.inputs
    ]


def _rate_like(name: str, window: Window) -> list[Sample]:
    seconds = window.seconds
    if name in ("rate", "irate", "deriv"):
        return _per_series(window, lambda r: r, lambda _: 0.0)
    if name in ("increase", "delta"):
        return _per_series(window, lambda r: r * seconds, lambda _: 0.0)
    if name == "idelta":
        return _per_series(window, lambda r: r * 60, lambda _: 0.0)
    return _over_time(name, window)


def _over_time(name: str, window: Window) -> list[Sample]:
    if name in ("avg_over_time", "min_over_time", "max_over_time", "last_over_time"):
        return [Sample(_labels(i.labels), _gauge(i)) for i in window.inputs]
    if name == "present_over_time":
        return [Sample(_labels(i.labels), 1.0) for i in window.inputs]
    if name == "absent_over_time":
        return [] if window.inputs else [Sample(_labels(window.absent), 1.0)]
    raise UnsteadyError(f"{name}() depends on how many samples the window holds")


def _gauge(series: Input) -> float:
    if series.counter:
        raise UnsteadyError(f"counter {series.name} read by a function for gauges")
    return series.amount


_MATH: dict[str, Callable[[float], float]] = {
    "abs": abs,
    "ceil": math.ceil,
    "floor": math.floor,
    "sqrt": math.sqrt,
    "exp": math.exp,
    "ln": math.log,
    "log2": math.log2,
    "log10": math.log10,
}


def _call(node: Node, inputs: list[Input]) -> Value:
    assert isinstance(node, Call)
    args = [_eval(a, inputs) for a in node.args]
    name = node.name
    if name == "quantile_over_time":
        return _over_time("avg_over_time", _window(args[1]))
    if name == "predict_linear":
        return [Sample(_labels(i.labels), _gauge(i)) for i in _window(args[0]).inputs]
    if args and isinstance(args[0], Window):
        return _rate_like(name, args[0])
    if name in _MATH:
        return _each(_vector(args[0]), _MATH[name])
    if name.startswith("clamp") or name in ("round", "sort", "sort_desc"):
        return _clamp(name, _vector(args[0]), [_scalar(a) for a in args[1:]])
    special = _SPECIAL.get(name)
    if special is None:
        raise UnsteadyError(f"{name}() is not constant over the steady state of a test")
    return special(node, args)


def _quantile_call(_: Call, args: list[Value]) -> Value:
    return _histogram_quantile(_scalar(args[0]), _vector(args[1]))


def _absent_call(node: Call, args: list[Value]) -> Value:
    return _absent(node.args[0], _vector(args[0]))


def _replace_call(_: Call, args: list[Value]) -> Value:
    return _label_replace(_vector(args[0]), [str(a) for a in args[1:]])


def _vector_call(_: Call, args: list[Value]) -> Value:
    return [Sample((), _scalar(args[0]))]


def _scalar_call(_: Call, args: list[Value]) -> Value:
    samples = _vector(args[0])
    return samples[0].value if len(samples) == 1 else math.nan


_SPECIAL: dict[str, Callable[[Call, list[Value]], Value]] = {
    "histogram_quantile": _quantile_call,
    "absent": _absent_call,
    "label_replace": _replace_call,
    "vector": _vector_call,
    "scalar": _scalar_call,
}


def _each(samples: list[Sample], function: Callable[[float], float]) -> list[Sample]:
    return [Sample(_drop_name(s.labels), float(function(s.value))) for s in samples]


def _clamp(name: str, samples: list[Sample], bounds: list[float]) -> list[Sample]:
    if name in ("sort", "sort_desc"):
        return samples
    if name == "round":
        return _each(samples, lambda v: float(math.floor(v + 0.5)))
    low = bounds[0] if name in ("clamp", "clamp_min") else -math.inf
    high = bounds[-1] if name in ("clamp", "clamp_max") else math.inf
    return _each(samples, lambda v: min(max(v, low), high))


def _drop_name(labels: Labels) -> Labels:
    return tuple((k, v) for k, v in labels if k != NAME)


def _absent(argument: Node, samples: list[Sample]) -> list[Sample]:
    if samples:
        return []
    inner = argument.selector if isinstance(argument, Range) else argument
    if not isinstance(inner, Selector):
        return [Sample((), 1.0)]
    equal = {k: v for k, op, v in inner.matchers if op == "="}
    return [Sample(_labels(equal), 1.0)]


def _label_replace(samples: list[Sample], args: list[str]) -> list[Sample]:
    target, replacement, source, regex = args
    template = re.sub(r"\$\{?(\w+)\}?", r"\\g<\1>", replacement)
    out = []
    for sample in samples:
        found = re.fullmatch(regex, sample.label(source))
        labels = dict(sample.labels)
        if found is not None:
            labels[target] = found.expand(template)
        out.append(Sample(_labels(labels), sample.value))
    return out


def _histogram_quantile(q: float, samples: list[Sample]) -> list[Sample]:
    groups: dict[Labels, list[tuple[float, float]]] = {}
    for sample in samples:
        bound = sample.label("le")
        key = tuple((k, v) for k, v in _drop_name(sample.labels) if k != "le")
        groups.setdefault(key, []).append((float(bound), sample.value))
    return [Sample(key, _bucket_quantile(q, sorted(b))) for key, b in groups.items()]


def _bucket_quantile(q: float, buckets: list[tuple[float, float]]) -> float:
    """Prometheus's bucketQuantile: linear interpolation inside the bucket of the rank."""
    if len(buckets) < 2 or not math.isinf(buckets[-1][0]) or buckets[-1][1] == 0:
        return math.nan
    rank = q * buckets[-1][1]
    index = next(i for i, (_, count) in enumerate(buckets) if count >= rank)
    if index == len(buckets) - 1:
        return buckets[-2][0]
    if index == 0 and buckets[0][0] <= 0:
        return buckets[0][0]
    start, below = (buckets[index - 1][0], buckets[index - 1][1]) if index else (0.0, 0.0)
    end, count = buckets[index]
    return start + (end - start) * ((rank - below) / (count - below))


# --- aggregation -----------------------------------------------------------------------


def _aggregate(node: Node, inputs: list[Input]) -> Value:
    assert isinstance(node, Aggregation)
    samples = _vector(_eval(node.expr, inputs))
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
        return _set_operation(node.op, node.matching, _vector(lhs), _vector(rhs))
    if isinstance(lhs, float) or isinstance(rhs, float):
        return _with_scalar(node, lhs, rhs)
    return _vectors(node, _vector(lhs), _vector(rhs))


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
    return _ARITHMETIC[op](_scalar(lhs), _scalar(rhs))


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
    vector = _vector(rhs if scalar_left else lhs)
    number = _scalar(lhs if scalar_left else rhs)
    out = []
    for sample in vector:
        a, b = (number, sample.value) if scalar_left else (sample.value, number)
        if node.op in COMPARISONS:
            kept = _compare(node.op, a, b)
            if node.returns_bool:
                out.append(Sample(_drop_name(sample.labels), 1.0 if kept else 0.0))
            elif kept:
                out.append(sample)  # the vector's value, on whichever side it stands
            continue
        out.append(Sample(_drop_name(sample.labels), _arith(node.op, a, b)))
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
            return Sample(_drop_name(labels), 1.0 if kept else 0.0)
        return Sample(labels, a) if kept else None
    return Sample(_drop_name(labels), _arith(node.op, a, b))


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
    return _labels(labels)


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
