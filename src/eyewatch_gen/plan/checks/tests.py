"""Generated tests: every alert must be testable, and its fixtures must make sense."""

from __future__ import annotations

from collections.abc import Iterator

from eyewatch_gen.plan import arith
from eyewatch_gen.plan.checks.common import Check
from eyewatch_gen.plan.model import Plan, Series
from eyewatch_gen.plan.source import Source
from eyewatch_gen.plan.testspec import fire_and_quiet
from eyewatch_gen.problems import Path, Problem

UNTESTABLE = "plan/untestable"
FIXTURE = "plan/fixture"


def _testable(plan: Plan, source: Source) -> Iterator[Problem]:
    """Every alert must get generated tests, so the plan must say how to feed it."""
    for i, alert in enumerate(plan.alerts):
        if alert.metric is None:
            if alert.tests is None:
                yield source.problem(
                    ("alerts", i),
                    "a raw (expr) alert needs `tests` "
                    "(firing and quiet series) so it can be tested",
                    UNTESTABLE,
                )
            continue
        metric = plan.metrics.get(alert.metric)
        if metric is None or metric.fixture is not None:
            continue
        if metric.record is None or alert.guard:
            why = "has a guard whose series" if alert.guard else "reads a metric that"
            yield source.problem(
                ("alerts", i, "metric"),
                f"cannot generate tests: the alert "
                f"{why} no recorded series can feed; add "
                f"metrics.{alert.metric}.fixture (raw series as a function "
                "of v)",
                UNTESTABLE,
            )


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


CHECKS: tuple[Check, ...] = (_testable, _fixtures, _counters_grow)
DERIVED: tuple[Check, ...] = ()
