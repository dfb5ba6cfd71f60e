"""PromQL functions over steady-state values: rate() and its kin on counters, the
*_over_time() functions and predict_linear() on gauges, math, clamping, absent(),
label_replace() and histogram_quantile() (Prometheus's bucketQuantile)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable

from eyewatch_gen.importer.vectors import (
    Input,
    Labels,
    Sample,
    UnsteadyError,
    Value,
    Window,
    drop_name,
    make_labels,
    scalar,
    vector,
    window,
)
from eyewatch_gen.promql.parse import Call, Node, Range, Selector


def _per_series(
    window: Window, counter: Callable[[float], float], gauge: Callable[[float], float]
) -> list[Sample]:
    return [
        Sample(make_labels(i.labels), counter(i.amount) if i.counter else gauge(i.amount))
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
        return [Sample(make_labels(i.labels), _gauge(i)) for i in window.inputs]
    if name == "present_over_time":
        return [Sample(make_labels(i.labels), 1.0) for i in window.inputs]
    if name == "absent_over_time":
        return [] if window.inputs else [Sample(make_labels(window.absent), 1.0)]
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


#: arguments each function needs at least (promtool rejects fewer; so does this)
_ARITY = {"quantile_over_time": 2, "predict_linear": 2, "histogram_quantile": 2,
          "label_replace": 5, "clamp": 3, "clamp_min": 2, "clamp_max": 2}  # fmt: skip


def call(node: Call, args: list[Value]) -> Value:
    """`node` applied to its evaluated arguments `args`."""
    name = node.name
    if len(args) < _ARITY.get(name, 1 if name not in ("time", "vector") else 0):
        raise UnsteadyError(f"{name}() with {len(args)} arguments")
    if name == "quantile_over_time":
        return _over_time("avg_over_time", window(args[1]))
    if name == "predict_linear":
        return [Sample(make_labels(i.labels), _gauge(i)) for i in window(args[0]).inputs]
    if args and isinstance(args[0], Window):
        return _rate_like(name, args[0])
    if name in _MATH:
        return _each(vector(args[0]), _MATH[name])
    if name.startswith("clamp") or name in ("round", "sort", "sort_desc"):
        return _clamp(name, vector(args[0]), [scalar(a) for a in args[1:]])
    special = _SPECIAL.get(name)
    if special is None:
        raise UnsteadyError(f"{name}() is not constant over the steady state of a test")
    return special(node, args)


def _quantile_call(_: Call, args: list[Value]) -> Value:
    return _histogram_quantile(scalar(args[0]), vector(args[1]))


def _absent_call(node: Call, args: list[Value]) -> Value:
    return _absent(node.args[0], vector(args[0]))


def _replace_call(_: Call, args: list[Value]) -> Value:
    return _label_replace(vector(args[0]), [str(a) for a in args[1:]])


def _vector_call(_: Call, args: list[Value]) -> Value:
    return [Sample((), scalar(args[0]))]


def _scalar_call(_: Call, args: list[Value]) -> Value:
    samples = vector(args[0])
    return samples[0].value if len(samples) == 1 else math.nan


_SPECIAL: dict[str, Callable[[Call, list[Value]], Value]] = {
    "histogram_quantile": _quantile_call,
    "absent": _absent_call,
    "label_replace": _replace_call,
    "vector": _vector_call,
    "scalar": _scalar_call,
}


def _each(samples: list[Sample], function: Callable[[float], float]) -> list[Sample]:
    return [Sample(drop_name(s.labels), float(function(s.value))) for s in samples]


def _clamp(name: str, samples: list[Sample], bounds: list[float]) -> list[Sample]:
    if name in ("sort", "sort_desc"):
        return samples
    if name == "round":
        return _each(samples, lambda v: float(math.floor(v + 0.5)))
    low = bounds[0] if name in ("clamp", "clamp_min") else -math.inf
    high = bounds[-1] if name in ("clamp", "clamp_max") else math.inf
    return _each(samples, lambda v: min(max(v, low), high))


def _absent(argument: Node, samples: list[Sample]) -> list[Sample]:
    if samples:
        return []
    inner = argument.selector if isinstance(argument, Range) else argument
    if not isinstance(inner, Selector):
        return [Sample((), 1.0)]
    equal = {k: v for k, op, v in inner.matchers if op == "="}
    return [Sample(make_labels(equal), 1.0)]


def _label_replace(samples: list[Sample], args: list[str]) -> list[Sample]:
    target, replacement, source, regex = args
    template = re.sub(r"\$\{?(\w+)\}?", r"\\g<\1>", replacement)
    out = []
    for sample in samples:
        found = re.fullmatch(regex, sample.label(source))
        labels = dict(sample.labels)
        if found is not None:
            labels[target] = found.expand(template)
        out.append(Sample(make_labels(labels), sample.value))
    return out


def _histogram_quantile(q: float, samples: list[Sample]) -> list[Sample]:
    groups: dict[Labels, list[tuple[float, float]]] = {}
    for sample in samples:
        bound = sample.label("le")
        key = tuple((k, v) for k, v in drop_name(sample.labels) if k != "le")
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
