"""Generated tests: every alert must be testable, and its fixtures must make sense."""

from __future__ import annotations

from collections.abc import Iterator

from eyewatch_gen.plan import arith
from eyewatch_gen.plan.checks.common import Check
from eyewatch_gen.plan.model import Alert, Plan, Series
from eyewatch_gen.plan.source import Source
from eyewatch_gen.plan.testspec import fire_and_quiet, holds, value_range
from eyewatch_gen.problems import Path, Problem

UNTESTABLE = "plan/untestable"
FIXTURE = "plan/fixture"
THRESHOLD = "plan/threshold"


def _testable(plan: Plan, source: Source) -> Iterator[Problem]:
    """Every alert must get generated tests (or say why not), so the plan must say how to
    feed it."""
    for i, alert in enumerate(plan.alerts):
        if alert.untested is not None:
            continue
        if alert.metric is None:
            yield from _raw_testable(source, i, alert)
            continue
        metric = plan.metrics.get(alert.metric)
        if metric is None or metric.fixture is not None:
            continue
        if alert.guard:
            yield source.problem(
                ("alerts", i, "guard"),
                "cannot generate tests: no recorded series can feed the guard; add "
                f"metrics.{alert.metric}.fixture (raw series for the metric, as a function "
                f"of v, and for the guard), or {_OPT_OUT}",
                UNTESTABLE,
            )
        elif metric.record is None:
            yield source.problem(
                ("alerts", i, "metric"),
                f"cannot generate tests: metric {alert.metric!r} is neither recorded nor "
                f"fed; the shortest fix is metrics.{alert.metric}.record (a recording rule "
                "name such as job:requests:rate5m: the test then sets the recorded series), "
                f"else metrics.{alert.metric}.fixture (raw series as a function of v), or "
                f"{_OPT_OUT}",
                UNTESTABLE,
            )


_OPT_OUT = '`untested: "<why>"` on the alert'


def _raw_testable(source: Source, i: int, alert: Alert) -> Iterator[Problem]:
    if alert.tests is None:
        yield source.problem(
            ("alerts", i),
            "a raw (expr) alert needs `tests` (firing and quiet series) so it can be "
            f"tested, or {_OPT_OUT}",
            UNTESTABLE,
        )
        return
    if not alert.tests.firing and "absent" not in (alert.expr or ""):
        yield source.problem(
            ("alerts", i, "tests", "firing"),
            "no series at all fires only an absent() alert; give the series that make "
            "this one fire",
            UNTESTABLE,
        )
    printing = [key for key, text in _texts(alert).items() if "$value" in text]
    if printing and alert.tests.value is None:
        yield source.problem(
            ("alerts", i, "tests"),
            f"{', '.join(printing)} prints $value: give tests.value (the value of the "
            "expression when it fires) so the generated test can expect the text",
            UNTESTABLE,
        )


def _texts(alert: Alert) -> dict[str, str]:
    """Every text of the alert Prometheus renders as a template, by where it is written."""
    return {
        "summary": alert.summary,
        "description": alert.description,
        **{f"annotations.{k}": v for k, v in alert.annotations.items()},
        **{f"labels.{k}": v for k, v in alert.labels.items()},
    }


def _fixtures(plan: Plan, source: Source) -> Iterator[Problem]:
    for path, text in _fixture_specs(plan):
        error = arith.check(text) if text is not None else None
        if error:
            yield source.problem(path, error, FIXTURE)


def _fixture_specs(plan: Plan) -> Iterator[tuple[Path, str | None]]:
    """Every fixture series' value and rate, with its path."""
    fixtures: list[tuple[Path, list[Series]]] = [
        (("metrics", name, "fixture"), metric.fixture.series)
        for name, metric in plan.metrics.items()
        if metric.fixture
    ]
    fixtures += [(("slos", i, "fixture"), slo.fixture.series) for i, slo in enumerate(plan.slos)]
    for at, series_list in fixtures:
        for j, series in enumerate(series_list):
            yield (*at, "series", j, "value"), series.value
            yield (*at, "series", j, "rate"), series.rate


def _counters_grow(plan: Plan, source: Source) -> Iterator[Problem]:
    for alert in plan.alerts:
        if alert.metric is None or alert.threshold is None:
            continue
        fed = plan.metrics.get(alert.metric)
        if fed is None or fed.fixture is None:
            continue
        for v in fire_and_quiet(plan, alert):
            for j in _falling(fed.fixture.series, v):
                yield source.problem(
                    ("metrics", alert.metric, "fixture", "series", j, "rate"),
                    f"is negative for v={v} (tested by {alert.name}); counters only grow",
                    FIXTURE,
                )


def _falling(series_list: list[Series], v: float) -> Iterator[int]:
    """Indexes of the counter series whose rate is negative at `v`."""
    for j, series in enumerate(series_list):
        if series.rate and arith.check(series.rate) is None and arith.evaluate(series.rate, v) < 0:
            yield j


def _reachable(plan: Plan, source: Source) -> Iterator[Problem]:
    """A threshold at the edge of its metric's range can leave no value to fire (or to stay
    quiet) at: `< 0` on a count never fires, `>= 0` always does."""
    for i, alert in enumerate(plan.alerts):
        metric = plan.metrics.get(alert.metric or "")
        if metric is None or metric.fixture is None:
            continue
        assert alert.op is not None and alert.threshold is not None and alert.metric
        fire, quiet = fire_and_quiet(plan, alert)
        low, high = value_range(plan, alert.metric)
        values = f"its metric's values lie in [{low:g}, {high:g}] (fixture.range, else the unit's)"
        condition = f"{alert.op} {alert.threshold:g}"
        if not holds(alert.op, fire, alert.threshold):
            yield source.problem(
                ("alerts", i, "threshold"),
                f"can never fire: {values} and none is {condition}; "
                "widen fixture.range if the metric can go beyond",
                THRESHOLD,
            )
        elif holds(alert.op, quiet, alert.threshold):
            yield source.problem(
                ("alerts", i, "threshold"),
                f"is always true: {values} and every one is {condition}",
                THRESHOLD,
            )


CHECKS: tuple[Check, ...] = (_testable, _fixtures, _counters_grow, _reachable)
