"""Imported rules as plan data: metrics (recording rules and the signals threshold alerts
compare) and alerts, each with the test inputs inferred for it or the reason there are none.

The result is serialised with the one YAML serialiser and loaded back as a plan before it is
written: what the plan still rejects is left out and reported, never written broken.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from eyewatch_gen.importer import alerts as alert_fields
from eyewatch_gen.importer import names
from eyewatch_gen.importer.classify import Threshold, threshold_of
from eyewatch_gen.importer.infer import Case, FixtureOut, UntestableError, fixture, raw_tests
from eyewatch_gen.importer.read import Read, Refusal, RuleIn
from eyewatch_gen.plan.fields import Level
from eyewatch_gen.plan.rules import camel, format_number
from eyewatch_gen.promql.validity import promql_error

TESTED_RAW = "through inferred exporter series"
TESTED_RECORD = "at its recorded series"
TESTED_TESTS = "with inferred raw tests"


@dataclass(frozen=True)
class Options:
    """What the command line chose."""

    severity_map: dict[str, Level] = field(
        default_factory=lambda: dict(alert_fields.DEFAULT_SEVERITIES)
    )
    area_from: str | None = None
    team: str | None = None
    platform: str = "imported"


@dataclass
class MetricOut:
    """A plan metric being built."""

    name: str
    area: str
    expr: str
    record: str | None = None
    fixture: FixtureOut | None = None
    users: list[int] = field(default_factory=list)  # indexes of the alerts comparing it


@dataclass
class AlertOut:
    """A plan alert being built, with what the report says about it."""

    rule: RuleIn
    name: str
    level: Level
    area: str
    shape: Threshold | None
    metric: str | None = None
    match: dict[str, str] = field(default_factory=dict)
    tests: dict[str, Any] | None = None
    tested: str | None = None
    untested: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    rewrites: list[tuple[str, str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Built:
    """Everything the import made."""

    read: Read
    metrics: dict[str, MetricOut] = field(default_factory=dict)
    alerts: list[AlertOut] = field(default_factory=list)
    renamed: list[tuple[str, str, str]] = field(default_factory=list)  # kind, before, after
    refused: list[Refusal] = field(default_factory=list)
    areas: dict[str, str] = field(default_factory=dict)  # slug -> title


def build(read: Read, options: Options) -> Built:
    """Metrics and alerts for every rule read, test inputs inferred."""
    built = Built(read, refused=list(read.refused))
    rules = [r for r in read.rules if _valid(built, r)]
    renames = _records(built, [r for r in rules if r.kind == "record"])
    taken: set[str] = set()
    for rule in rules:
        if rule.kind == "alert":
            _alert(built, _renamed_rule(rule, renames), options, taken)
    _infer(built)
    for index, alert in enumerate(built.alerts):
        _finish(built, index, alert, options)
    return built


def _valid(built: Built, rule: RuleIn) -> bool:
    """Whether the rule's expression is valid PromQL; a rule that is not is refused."""
    error = promql_error(rule.expr)
    if error:
        built.refused.append(
            Refusal(rule.place, f"{rule.kind} {rule.name!r}", f"not valid PromQL: {error}")
        )
    return error is None


# --- recording rules --------------------------------------------------------------------


def _records(built: Built, rules: list[RuleIn]) -> dict[str, str]:
    """A metric with `record:` per recording rule; old -> new for renamed records."""
    renames: dict[str, str] = {}
    taken: set[str] = set()
    for rule in rules:
        if rule.name in renames or rule.name in {m.record for m in built.metrics.values()}:
            built.refused.append(
                Refusal(
                    rule.place, f"record {rule.name!r}", "recorded twice; plan records are unique"
                )
            )
            continue
        record = names.record_name(rule.name)
        if record != rule.name:
            renames[rule.name] = record
            built.renamed.append(("record", rule.name, record))
        name = names.unique([names.metric_name(record)], taken, "_")
        area = names.slug(rule.group or "imported")
        built.areas.setdefault(area, rule.group or area)
        built.metrics[name] = MetricOut(name, area, rule.expr, record)
    for metric in built.metrics.values():
        metric.expr = _renamed(metric.expr, renames)
    return renames


def _renamed(expr: str, renames: dict[str, str]) -> str:
    for old, new in renames.items():
        expr = re.sub(rf"(?<![\w:]){re.escape(old)}(?![\w:])", new, expr)
    return expr


def _renamed_rule(rule: RuleIn, renames: dict[str, str]) -> RuleIn:
    if not renames:
        return rule
    return RuleIn(
        rule.place,
        rule.group,
        rule.kind,
        rule.name,
        _renamed(rule.expr, renames),
        rule.for_,
        rule.keep_firing_for,
        rule.labels,
        rule.annotations,
    )


# --- alerting rules ---------------------------------------------------------------------


def _alert(built: Built, rule: RuleIn, options: Options, taken: set[str]) -> None:
    try:
        level = alert_fields.level(rule, options.severity_map)
    except alert_fields.RefusedError as error:
        built.refused.append(Refusal(rule.place, f"alert {rule.name!r}", str(error)))
        return
    base = names.alert_name(rule.name)
    severity = camel(rule.labels.get("severity", "")) or level
    name = names.unique([base, f"{base}{severity}"], taken)
    if name != rule.name:
        built.renamed.append(("alert", rule.name, name))
    area = alert_fields.area_of(rule, options.area_from)
    built.areas.setdefault(area, rule.labels.get(options.area_from or "area") or rule.group or area)
    alert = AlertOut(rule, name, level, area, threshold_of(rule.expr))
    if alert.shape is not None:
        _attach_metric(built, alert)
    built.alerts.append(alert)


def _attach_metric(built: Built, alert: AlertOut) -> None:
    """The metric a threshold alert compares: the recorded metric its selector names (with
    `match` for its label values), or one metric per distinct expression."""
    shape = alert.shape
    assert shape is not None
    index = len(built.alerts)
    selector = shape.selector
    by_record = {m.record: m for m in built.metrics.values() if m.record}
    equal = selector is not None and all(op == "=" for _, op, _ in selector.matchers)
    if selector is not None and equal and selector.name in by_record:
        recorded = by_record[selector.name]
        alert.metric, alert.match = recorded.name, {k: v for k, _, v in selector.matchers}
        recorded.users.append(index)
        return
    key = " ".join(shape.metric.split())
    metric = next((m for m in built.metrics.values() if " ".join(m.expr.split()) == key), None)
    if metric is None:
        name = names.unique([names.metric_name(alert.name)], set(built.metrics), "_")
        metric = MetricOut(name, alert.area, shape.metric)
        built.metrics[name] = metric
    alert.metric = metric.name
    metric.users.append(index)


# --- test inputs ------------------------------------------------------------------------


def _infer(built: Built) -> None:
    for metric in built.metrics.values():
        if metric.record and metric.users:  # a record lives where the alerts on it do
            metric.area = built.alerts[metric.users[0]].area
    for metric in built.metrics.values():
        if metric.users:
            _infer_metric(built, metric)
    for alert in built.alerts:
        if alert.shape is None:
            _infer_raw(alert)


def _infer_metric(built: Built, metric: MetricOut) -> None:
    users = [built.alerts[i] for i in metric.users]
    cases = [_case(a) for a in users]
    mentioned = set().union(*(alert_fields.mentioned(a.rule) for a in users))
    try:
        made, proven, why = fixture(metric.expr, cases, mentioned)
    except UntestableError as error:
        made, proven, why = None, [], str(error)
    metric.fixture = made
    for position, alert in enumerate(users):
        if position in proven:
            alert.tested = TESTED_RAW
        elif metric.record and not (alert.shape and alert.shape.guard) and made is None:
            alert.tested = TESTED_RECORD
        else:
            alert.untested = _untested(why, metric)


def _case(alert: AlertOut) -> Case:
    shape = alert.shape
    assert shape is not None
    guards = (shape.guard,) if shape.guard else ()
    return Case(shape.op, shape.threshold, guards, tuple(alert.match.items()))


def _untested(why: str, metric: MetricOut) -> str:
    hint = (
        ""
        if metric.record
        else f"; declaring metrics.{metric.name}.record would test the threshold"
    )
    return f"no test inputs inferred: {why}{hint}"


def _infer_raw(alert: AlertOut) -> None:
    try:
        out = raw_tests(alert.rule.expr, alert_fields.mentioned(alert.rule))
    except UntestableError as error:
        alert.untested = f"no test inputs inferred: {error}"
        return
    alert.tests = {"labels": out.labels, "quiet": out.quiet, "firing": out.firing}
    alert.tests["value"] = out.value
    alert.tested = TESTED_TESTS


# --- plan fields ------------------------------------------------------------------------


def _finish(built: Built, index: int, alert: AlertOut, options: Options) -> None:
    rule = alert.rule
    labels, notes = alert_fields.plain_labels(rule, options.area_from, alert.name)
    alert.notes += notes
    texts = alert_fields.texts(rule, labels, _result_labels(built, alert))
    alert.rewrites = texts.rewrites
    alert.fields = _form(built, alert) | _timing(rule) | {"severity": alert.level}
    alert.fields |= {**labels, **texts.fields}
    if alert.tests is not None:
        alert.fields["tests"] = alert.tests
    if alert.untested is not None:
        alert.fields["untested"] = alert.untested


def _result_labels(built: Built, alert: AlertOut) -> list[str]:
    if alert.tests is not None:
        return sorted(alert.tests["labels"])
    metric = built.metrics.get(alert.metric or "")
    if metric is not None and metric.fixture is not None:
        return sorted({**metric.fixture.labels, **alert.match})
    return sorted(alert.match)


def _form(built: Built, alert: AlertOut) -> dict[str, Any]:
    shape = alert.shape
    if shape is None:
        return {"name": alert.name, "area": alert.area, "expr": alert.rule.expr}
    form: dict[str, Any] = {
        "name": alert.name,
        "metric": alert.metric,
        "op": shape.op,
        "threshold": shape.threshold_text or _number(shape.threshold),
    }
    if shape.guard:
        form["guard"] = shape.guard
    if alert.match:
        form["match"] = alert.match
    metric = built.metrics[alert.metric or ""]
    if metric.area != alert.area:
        alert.notes.append(f"in area {metric.area!r}, its metric's, not {alert.area!r}")
    return form


def _timing(rule: RuleIn) -> dict[str, str]:
    timing = {}
    if rule.for_:
        timing["for"] = rule.for_
    if rule.keep_firing_for:
        timing["keep_firing_for"] = rule.keep_firing_for
    return timing


def _number(value: float) -> float | int:
    text = format_number(value)
    return int(text) if re.fullmatch(r"-?\d+", text) else float(text)


def metric_data(metric: MetricOut) -> dict[str, Any]:
    """The plan data of a metric."""
    data: dict[str, Any] = {"area": metric.area}
    if metric.record:
        data["record"] = metric.record
    data["expr"] = metric.expr
    if metric.fixture is not None:
        made: dict[str, Any] = {}
        if metric.fixture.labels:
            made["labels"] = metric.fixture.labels
        if metric.fixture.range is not None:
            made["range"] = [_number(b) for b in metric.fixture.range]
        made["series"] = metric.fixture.series
        data["fixture"] = made
    return data
