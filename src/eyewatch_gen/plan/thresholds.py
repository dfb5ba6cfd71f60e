"""Thresholds as people write them: `7*24*60*60`, `85%`, `500ms`, `7d`, `10GiB`.

A threshold may be a number, simple arithmetic, or a number with a unit that the compared
metric's `unit` makes unambiguous (`85%` is 0.85 of a `percentunit` metric and 85 of a
`percent` one; `500ms` is 0.5 of an `s` metric). Before validation, every such text in the
plan (alerts, alert sets and their overrides, environment overrides) is replaced by the plain
number, so the model, the rules and the tests only ever see numbers.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from typing import Any

from eyewatch_gen.plan import arith, durations
from eyewatch_gen.plan.source import Source
from eyewatch_gen.problems import Path, PlanError

THRESHOLD = "plan/threshold"
_QUANTITY = re.compile(r"\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*([A-Za-zµ%/]+)\s*")
_TIME = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3}
_BYTES = {
    "B": 1,
    **{f"{p}B": 1000**i for i, p in enumerate("kMGTPE", 1)},
    "KB": 1000,
    **{f"{p}iB": 1024**i for i, p in enumerate("KMGTPE", 1)},
}
#: metric unit (Grafana's id) -> its size in the base unit of the quantities it accepts
_SECONDS = {"s": 1.0, "ms": 1e-3, "µs": 1e-6, "us": 1e-6, "ns": 1e-9, "m": 60.0, "h": 3600.0}
_UNITS_HINT = "percentunit, percent, s, ms, m, h, bytes, decbytes, Bps, binBps"


def resolve(source: Source) -> Source:
    """`source` with every threshold text replaced by its number; PlanError when one cannot
    be read."""
    found = list(_thresholds(source.data))
    if not any(isinstance(value, str) for _, value, _ in found):
        return source
    data = copy.deepcopy(source.data)
    problems = []
    for path, value, unit in found:
        if not isinstance(value, str):
            continue
        try:
            _set(data, path, number(value, unit))
        except ValueError as error:
            problems.append(source.problem(path, str(error), THRESHOLD))
    if problems:
        raise PlanError(problems)
    return Source(source.file, data, source.positions)


def number(text: str, unit: str | None) -> float:
    """The plain number `text` stands for, for a metric of Grafana unit `unit` (None: the
    metric is unknown). ValueError says what is allowed."""
    try:
        return _tidy(arith.constant(text))
    except arith.ArithError:
        pass
    if durations.is_duration(text.strip()) and not text.strip().isdigit():
        return _tidy(durations.seconds(text.strip()) / _per_second(text, unit))
    quantity = _QUANTITY.fullmatch(text)
    if quantity is None:
        raise ValueError(
            f"{text!r} is not a threshold: use a number, arithmetic (7*24*60*60) or a "
            "number with a unit (85%, 500ms, 7d, 10GiB)"
        )
    amount, suffix = float(quantity.group(1)), quantity.group(2)
    return _tidy(amount * _scale(text, suffix, unit))


def _per_second(text: str, unit: str | None) -> float:
    """How many seconds one unit of a time metric is."""
    if unit not in _SECONDS:
        raise ValueError(_ambiguous(text, unit))
    return _SECONDS[unit]


def _scale(text: str, suffix: str, unit: str | None) -> float:
    if suffix == "%" and unit in ("percentunit", "percent"):
        return 0.01 if unit == "percentunit" else 1.0
    if suffix in _TIME and unit in _SECONDS:
        return _TIME[suffix] / _SECONDS[unit]
    rate = suffix.endswith("/s")
    size = _BYTES.get(suffix.removesuffix("/s"))
    if size is not None and unit in (("Bps", "binBps") if rate else ("bytes", "decbytes")):
        return float(size)
    raise ValueError(_ambiguous(text, unit))


def _ambiguous(text: str, unit: str | None) -> str:
    if unit is None:
        return f"{text!r} has a unit, but the alert's metric is unknown, so it means nothing"
    return (
        f"{text!r} has a unit that the metric's unit {unit!r} does not make unambiguous; "
        f"give a plain number, or set the metric's unit ({_UNITS_HINT})"
    )


def _tidy(value: float) -> float:
    """Round away float noise: 99.9% of a ratio is 0.999, not 0.9990000000000001."""
    return float(f"{value:.12g}")


def _thresholds(data: Any) -> Iterator[tuple[Path, Any, str | None]]:
    """Every threshold in the plan data: its path, value and its metric's unit."""
    if not isinstance(data, dict):
        return
    units = _units(data.get("metrics"))
    alerts = _listed(data.get("alerts"))
    for i, alert in alerts:
        yield ("alerts", i, "threshold"), alert.get("threshold"), units.get(alert.get("metric"))
    for i, alert_set in _listed(data.get("alert_sets")):
        unit = units.get(alert_set.get("metric"))
        yield ("alert_sets", i, "threshold"), alert_set.get("threshold"), unit
        for item, override in _keyed(alert_set.get("overrides")):
            yield ("alert_sets", i, "overrides", item, "threshold"), override.get("threshold"), unit
    by_name = {a.get("name"): units.get(a.get("metric")) for _, a in alerts}
    for env, spec in _keyed(data.get("environments")):
        for name, override in _keyed(spec.get("alerts")):
            path: Path = ("environments", env, "alerts", name, "threshold")
            yield path, override.get("threshold"), by_name.get(name)


def _units(metrics: Any) -> dict[Any, str]:
    return {
        name: str(spec.get("unit", "short")) for name, spec in _keyed(metrics) if spec is not None
    }


def _listed(items: Any) -> list[tuple[int, dict[str, Any]]]:
    return (
        [(i, x) for i, x in enumerate(items) if isinstance(x, dict)]
        if isinstance(items, list)
        else []
    )


def _keyed(items: Any) -> list[tuple[str, dict[str, Any]]]:
    if not isinstance(items, dict):
        return []
    return [(k, v) for k, v in items.items() if isinstance(v, dict)]


def _set(data: Any, path: Path, value: float) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value
