"""What each alert's generated test feeds promtool: series, values and timing.

A threshold alert is tested through its metric's raw exporter series (`fixture`) when the plan
gives them, otherwise at the recorded series. Values sit just on either side of the threshold:
`v` is the value the metric must take, and each fixture series computes its sample from `v`.

Samples come at the scrape interval of the jobs the test reads (`feed_seconds`), so a range
window sees in the test what it sees in production, under Prometheus 2's left-closed and
Prometheus 3's left-open windows alike. Series are fed the way exporters expose them: a
labelled counter appears at its first increment, so one that does not move (or a counter fed
the constant 0) is left out, not fed as zeros. Where the metric's range has an end at which
a fixture counter vanishes while another still moves (a ratio's numerator absent, its
denominator with traffic), the alert gets an extra case at that end: it must behave as the
metric's value there.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import reduce
from typing import Literal

from eyewatch_gen.plan import arith, durations
from eyewatch_gen.plan.memo import per_plan
from eyewatch_gen.plan.model import Alert, Plan, Series
from eyewatch_gen.plan.scraping import metric_job, scrape_seconds
from eyewatch_gen.promql.labels import parse_series, series_text
from eyewatch_gen.promql.selectors import selectors
from eyewatch_gen.promql.windows import offsets, range_windows

COUNTER_SUFFIXES = ("_total", "_count", "_sum", "_bucket")
_HOLDS: dict[str, Callable[[float, float], bool]] = {
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
    "==": operator.eq,
    "!=": operator.ne,
}


@dataclass(frozen=True)
class Phase:
    """Series and the value `v` they are computed with."""

    series: tuple[Series, ...]
    v: float


@dataclass(frozen=True)
class Absence:
    """A case where some fed series are not exported (`phase.v` at an end of the metric's
    range) and whether the alert must fire there."""

    phase: Phase
    fires: bool


@dataclass(frozen=True)
class AlertTest:
    """Inputs and timing of one alert's quiet, pending and firing cases."""

    level: Literal["raw", "record"]  # exporter series, or the recorded series itself
    labels: dict[str, str]
    quiet: Phase
    firing: Phase
    settle: int  # minutes until a phase's value is exact (the widest window)
    record: str | None = None  # record-level pending case: this series is injected
    pending_at_raw: bool = False  # the raw condition switches at once
    reads: tuple[str, ...] = ()  # the PromQL this test's alert evaluates, records included
    absences: tuple[Absence, ...] = ()  # cases with series left out, each in fresh storage
    firing_settle: int | None = None  # minutes until the firing value shows (default: settle)


def unexported(series: Series, v: float) -> bool:
    """Whether an exporter would not expose `series` while the phase (computed with `v`)
    gives it nothing: a labelled counter that never moves, or a counter fed the constant 0.
    Client libraries create a labelled counter at its first increment."""
    name, labels = parse_series(series.series)
    if not labels:
        return False
    if series.rate is not None:
        return arith.evaluate(series.rate, v) == 0
    assert series.value is not None
    return name.endswith(COUNTER_SUFFIXES) and arith.evaluate(series.value, v) == 0


def feed_seconds(plan: Plan, reads: Iterable[str]) -> float:
    """How often a test reading `reads` gets samples: the scrape interval of the jobs behind
    them (a metric's job, a `job="..."` selector), the finest if several, the global one if
    none; made to divide a minute evenly (a 45s job is fed every 15s), as the test's minutes
    are its clock."""
    intervals = [scrape_seconds(plan, job) for job in feed_jobs(plan, reads)]
    return reduce(math.gcd, (round(i * 1000) for i in intervals), 60_000) / 1000


def feed_jobs(plan: Plan, reads: Iterable[str]) -> list[str | None]:
    """The scrape jobs behind `reads`, by name; [None] (the global interval) for none."""
    by_expr = _metric_by_expr(plan)
    jobs: set[str | None] = set()
    for expr in reads:
        if expr in by_expr:
            jobs.add(metric_job(plan, by_expr[expr]))
        jobs |= {sel.equality("job") for sel in selectors(expr)} - {None}
    return sorted(jobs, key=str) or [None]


def step_text(seconds: float) -> str:
    """A test's sample interval as promtool reads it: `15s`, `1m`, or `1500ms`."""
    if seconds != int(seconds):
        return f"{round(seconds * 1000)}ms"
    return durations.format_seconds(seconds)


@per_plan
def _metric_by_expr(plan: Plan) -> dict[str, str]:
    return {metric.expr: name for name, metric in plan.metrics.items()}


def for_minutes(text: str) -> int:
    """A duration in whole minutes, rounded up."""
    return math.ceil(durations.seconds(text) / 60)


def settle_minutes(exprs: list[str]) -> int:
    """Widest range window plus widest offset in `exprs`, in minutes (0 for instant)."""
    ranges = [
        durations.seconds(m) for e in exprs for m in range_windows(e) if durations.is_duration(m)
    ]
    shifts = [durations.seconds(m) for e in exprs for m in offsets(e) if durations.is_duration(m)]
    return math.ceil((max(ranges, default=0) + max(shifts, default=0)) / 60)


_POWERS_OF_1000 = frozenset(1000.0**k for k in range(-8, 9))
#: Prometheus's lookback delta: a series that stops is still read for this long.
LOOKBACK_MINUTES = 5


def vanishing_minutes(quiet: list[Series], firing: list[Series]) -> int:
    """Extra settling time when a quiet-phase series is gone in the firing phase (what an
    `absent()` alert waits for): Prometheus keeps reading its last sample for the lookback
    delta, so the condition turns only after it (and one evaluation more)."""
    firing_names = {s.series for s in firing}
    gone = any(s.series not in firing_names for s in quiet)
    return LOOKBACK_MINUTES + 1 if gone else 0


def fire_and_quiet(plan: Plan, alert: Alert) -> tuple[float, float]:
    """Values of the metric just past and just short of the threshold."""
    assert alert.metric is not None and alert.threshold is not None and alert.op is not None
    fed = plan.metrics[alert.metric].fixture is not None  # a recorded series takes any value
    return threshold_values(alert.op, alert.threshold, value_range(plan, alert.metric), inside=fed)


def value_range(plan: Plan, metric_name: str) -> tuple[float, float]:
    """The values metric `metric_name` can take: its fixture's `range`, else from its unit."""
    metric = plan.metrics[metric_name]
    return _range(metric.unit, metric.fixture.range if metric.fixture else None)


def threshold_values(
    op: str, t: float, bounds: tuple[float, float], *, inside: bool = True
) -> tuple[float, float]:
    """The firing and the quiet value for `<metric> op t`, each just on its side of `t`. With
    `inside`, a threshold inside the metric's range keeps both values in it: `> 0` on a
    count is quiet at 0, not at -1 (exporter series never make a count negative)."""
    low, high = bounds
    step = abs(t) * 0.1 if t else 1.0
    step = min(step, (high - t) / 2 if high > t else step, (t - low) / 2 if t > low else step)
    above, below = _short(t + step, t, above=True), _short(t - step, t, above=False)
    if inside and low <= t <= high:
        above, below = min(above, high), max(below, low)
    return {
        ">": (above, below),
        ">=": (above, below),
        "<": (below, above),
        "<=": (below, above),
        "==": (t, above),
        "!=": (above, t),
    }[op]


def holds(op: str, value: float, threshold: float) -> bool:
    """Whether `value op threshold` is true."""
    return {
        ">": value > threshold,
        ">=": value >= threshold,
        "<": value < threshold,
        "<=": value <= threshold,
        "==": value == threshold,
        "!=": value != threshold,
    }[op]


def _absences(plan: Plan, alert: Alert, series: tuple[Series, ...]) -> tuple[Absence, ...]:
    """Cases at the ends of the metric's range where a fed series is left out while a counter
    still moves: e.g. a hit ratio at 0 has no `outcome="hit"` series at all."""
    assert alert.metric is not None and alert.op is not None and alert.threshold is not None
    metric = plan.metrics[alert.metric]
    low, high = _range(metric.unit, metric.fixture.range if metric.fixture else None)
    cases = []
    for v in dict.fromkeys((low, high)):
        if not math.isfinite(v) or not _feedable(series, v):
            continue
        moving = any(s.rate is not None and arith.evaluate(s.rate, v) > 0 for s in series)
        if moving and any(unexported(s, v) for s in series):
            cases.append(Absence(Phase(series, v), _HOLDS[alert.op](v, alert.threshold)))
    return tuple(cases)


def _feedable(series: tuple[Series, ...], v: float) -> bool:
    """Whether every series can be computed at `v`, counters not decreasing."""
    try:
        return all(s.rate is None or arith.evaluate(s.rate, v) >= 0 for s in series) and all(
            s.value is None or math.isfinite(arith.evaluate(s.value, v)) for s in series
        )
    except arith.ArithError:
        return False


def _short(value: float, threshold: float, *, above: bool) -> float:
    """`value` with as few significant digits as keep it on its side of `threshold`: a
    `$value | humanize` (4 digits) of 1.3475 could print 1.347 or 1.348, of 1.35 only 1.35.
    Never a power of 1000 (1, 1000, 0.001): computed through counters it comes out a hair
    below or above, and `humanize` prints 0.9999999 as `1000m` but 1.0000001 as `1`."""
    for digits in range(2, 13):
        candidate = float(f"{value:.{digits}g}")
        if abs(candidate) in _POWERS_OF_1000:
            continue
        if (candidate > threshold) if above else (candidate < threshold):
            return candidate
    return value * 1.5 if abs(value) in _POWERS_OF_1000 else value


def _range(unit: str, given: tuple[float, float] | None) -> tuple[float, float]:
    if given is not None:
        return given
    return (0.0, 1.0) if unit == "percentunit" else (0.0, math.inf)


@per_plan
def _records(plan: Plan) -> dict[str, str]:
    return {m.record: m.expr for m in plan.metrics.values() if m.record}


def dependencies(plan: Plan, exprs: list[str]) -> list[str]:
    """`exprs` plus the expressions of every recorded metric they read, transitively."""
    by_record = _records(plan)
    seen: list[str] = list(exprs)
    queue = list(exprs)
    while queue:
        for name in {selector.name for selector in selectors(queue.pop())}:
            if name in by_record and by_record[name] not in seen:
                seen.append(by_record[name])
                queue.append(by_record[name])
    return seen


def threshold_test(plan: Plan, alert: Alert, expr: str) -> AlertTest | None:
    """The test inputs of a threshold alert, or None when the plan gives too little."""
    assert alert.metric is not None
    metric = plan.metrics[alert.metric]
    fire, quiet = fire_and_quiet(plan, alert)
    if metric.fixture is not None:
        exprs = dependencies(plan, [expr, metric.expr])
        series = tuple(_matched(s, alert.match) for s in metric.fixture.series)
        instant = settle_minutes(exprs) == 0
        record = metric.record if metric.record and not alert.guard else None
        return AlertTest(
            "raw",
            {**metric.fixture.labels, **alert.match},
            Phase(series, quiet),
            Phase(series, fire),
            settle_minutes(exprs),
            record,
            instant,
            tuple(exprs),
            _absences(plan, alert, series),
        )
    if metric.record is None or alert.guard:
        return None
    labels = {**metric.labels, **alert.match}
    injected = (Series(series=series_text(metric.record, labels), value="v"),)
    reads = tuple(dependencies(plan, [expr]))
    return AlertTest(
        "record",
        labels,
        Phase(injected, quiet),
        Phase(injected, fire),
        0,
        metric.record,
        True,
        reads,
    )


def _matched(series: Series, match: dict[str, str]) -> Series:
    """A fixture series relabelled for an alert's `match` (labels it already carries)."""
    if not match:
        return series
    name, labels = parse_series(series.series)
    relabelled = {k: match.get(k, v) for k, v in labels.items()}
    return series.model_copy(update={"series": series_text(name, relabelled)})
