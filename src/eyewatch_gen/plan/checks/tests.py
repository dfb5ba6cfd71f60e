"""Generated tests: every alert must be testable, and its fixtures must make sense."""

from __future__ import annotations

from collections.abc import Iterator

from eyewatch_gen.plan import arith, durations
from eyewatch_gen.plan.catalog import rule_groups
from eyewatch_gen.plan.checks.common import Check
from eyewatch_gen.plan.model import Alert, Plan, Series
from eyewatch_gen.plan.rules import AlertingRule
from eyewatch_gen.plan.scraping import scrape_seconds
from eyewatch_gen.plan.slo import SLI_WINDOWS
from eyewatch_gen.plan.source import Source
from eyewatch_gen.plan.testspec import feed_jobs, feed_seconds, fire_and_quiet, holds, value_range
from eyewatch_gen.problems import Path, Problem
from eyewatch_gen.promql.windows import range_windows

UNTESTABLE = "plan/untestable"
FIXTURE = "plan/fixture"
TEST_WINDOW = "plan/test-window"
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


def _test_windows(plan: Plan, source: Source) -> Iterator[Problem]:
    """Every range in an expression a generated test evaluates must hold at least two of the
    test's samples (taken at its jobs' scrape interval): Prometheus 3's windows are left-open,
    so a `[1m]` window over samples a minute apart holds one, and `rate` or `increase` of one
    sample is nothing."""
    seen: set[Path] = set()
    for path, text, reads in [*_alert_sources(plan), *_slo_sources(plan)]:
        step = feed_seconds(plan, reads)
        windows = [durations.seconds(w) for w in range_windows(text) if durations.is_duration(w)]
        narrow = min(windows, default=2 * step)
        if narrow >= 2 * step or path in seen:
            continue
        seen.add(path)
        yield source.problem(path, _window_message(plan, narrow, step, reads), TEST_WINDOW)


def _window_message(plan: Plan, window: float, step: float, reads: tuple[str, ...]) -> str:
    jobs = feed_jobs(plan, reads)
    fastest = min(jobs, key=lambda job: scrape_seconds(plan, job))
    who = "the global scrape_interval" if fastest is None else f"job {fastest!r}"
    count = int(window // step)
    return (
        f"[{durations.format_seconds(window)}] spans {count} sample"
        f"{'' if count == 1 else 's'} of the generated test, which feeds {who} every "
        f"{durations.format_seconds(step)}; Prometheus 3's range windows are left-open, so a "
        "window needs at least two samples: widen it to "
        f"[{durations.format_seconds(2 * step)}] or more, or scrape {who} every "
        f"{durations.format_seconds(window / 2)} or less"
    )


def _alert_sources(plan: Plan) -> Iterator[tuple[Path, str, tuple[str, ...]]]:
    """(plan path, PromQL text written there, everything its test reads) for each text a
    tested alert evaluates: the alert's expr and guard, its metric's and records' exprs."""
    indexes = {id(alert): i for i, alert in enumerate(plan.alerts)}
    by_expr = {metric.expr: name for name, metric in plan.metrics.items()}
    for group in rule_groups(plan):
        for rule in group.alerting:
            if rule.test is None:
                continue
            yield from _rule_sources(rule, indexes, by_expr)


def _rule_sources(
    rule: AlertingRule, indexes: dict[int, int], by_expr: dict[str, str]
) -> Iterator[tuple[Path, str, tuple[str, ...]]]:
    assert rule.test is not None
    reads = rule.test.reads
    if rule.alert is not None and id(rule.alert) in indexes:
        at = ("alerts", indexes[id(rule.alert)])
        for key, text in (("expr", rule.alert.expr), ("guard", rule.alert.guard)):
            if text:
                yield (*at, key), text, reads
    for expr in reads:
        if expr in by_expr:
            yield ("metrics", by_expr[expr], "expr"), expr, reads


def _slo_sources(plan: Plan) -> Iterator[tuple[Path, str, tuple[str, ...]]]:
    for i, slo in enumerate(plan.slos):
        reads = (slo.sli.errors, slo.sli.total)
        for key, query in (("errors", slo.sli.errors), ("total", slo.sli.total)):
            for window in (*SLI_WINDOWS, slo.window):
                yield ("slos", i, "sli", key), query.replace("{{.window}}", window), reads


CHECKS: tuple[Check, ...] = (_testable, _fixtures, _counters_grow, _reachable)
DERIVED: tuple[Check, ...] = (_test_windows,)
