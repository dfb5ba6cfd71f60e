"""The plan's rules, resolved: every recording and alerting rule with its final expression,
labels and annotations, grouped by area.

Targets that need rules (Prometheus rule files, promtool tests, routing tests, docs) read this
view instead of re-deriving expressions, so they can never disagree with each other.
"""

from __future__ import annotations

from dataclasses import replace

from eyewatch_gen.plan import durations
from eyewatch_gen.plan.availability import area as availability_area
from eyewatch_gen.plan.availability import availability_alerts
from eyewatch_gen.plan.dashboards import panel_links
from eyewatch_gen.plan.escalation import AREA as ESCALATION
from eyewatch_gen.plan.escalation import escalation_rules
from eyewatch_gen.plan.fields import Level
from eyewatch_gen.plan.links import runbook_url
from eyewatch_gen.plan.memo import per_plan
from eyewatch_gen.plan.model import Alert, AlertKind, Job, Metric, Plan, Series
from eyewatch_gen.plan.recovery import recovery_alerts
from eyewatch_gen.plan.routines import overdue_alerts
from eyewatch_gen.plan.rules import AlertingRule, RecordingRule, RuleGroup, camel, format_number
from eyewatch_gen.plan.slo import slo_groups
from eyewatch_gen.plan.testspec import (
    Absence,
    AlertTest,
    Phase,
    settle_minutes,
    threshold_test,
    vanishing_minutes,
)
from eyewatch_gen.promql.labels import equality_labels, label_matchers, series_text

_SIMPLE = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_:")


def signal(plan: Plan, name: str) -> str:
    """The PromQL that reads metric `name`: its record if recorded, else its expression."""
    metric = plan.metrics[name]
    if metric.record:
        return metric.record
    expr = metric.expr.strip()
    return expr if set(expr) <= _SIMPLE else f"(\n{_indent(expr)}\n)"


def alert_expr(plan: Plan, alert: Alert) -> str:
    """The alert's full condition, guard included."""
    if alert.expr is not None:
        condition = alert.expr.strip()
    else:
        assert alert.metric is not None and alert.op is not None
        assert alert.threshold is not None
        reading = signal(plan, alert.metric)
        if alert.match:
            reading = f"{reading}{label_matchers(alert.match)}"
        condition = f"{reading} {alert.op} {format_number(alert.threshold)}"
    if alert.guard:
        condition = f"{condition}\nand {alert.guard.strip()}"
    return condition


def alert_area(plan: Plan, alert: Alert) -> str:
    """The area an alert belongs to: its own, else its metric's."""
    if alert.area is not None:
        return alert.area
    assert alert.metric is not None
    return plan.metrics[alert.metric].area


def alert_labels(plan: Plan, alert: Alert) -> dict[str, str]:
    """`severity` (P1..P4), `area`, `team` and `service` where known, then the plan's labels."""
    area = alert_area(plan, alert)
    labels = {"severity": alert.severity, "area": area}
    team = alert.team or plan.areas[area].team
    if team:
        labels["team"] = team
    if alert.service:
        labels["service"] = alert.service
    labels.update(sorted(alert.labels.items()))
    return labels


def alert_annotations(plan: Plan, alert: Alert, dashboard: str | None = None) -> dict[str, str]:
    """`summary`, `description`, `dashboard_url`, then the plan's extras (`runbook_url` is
    added to every rule alike, see `rule_groups`)."""
    annotations = {
        "summary": alert.summary,
        "description": alert.description or _default_description(plan, alert),
    }
    if dashboard:
        annotations["dashboard_url"] = dashboard
    annotations.update(sorted(alert.annotations.items()))
    return annotations


def _default_description(plan: Plan, alert: Alert) -> str:
    if alert.metric is None:
        return alert.summary
    metric: Metric = plan.metrics[alert.metric]
    what = metric.description.rstrip(".") or alert.metric
    held = "" if durations.seconds(alert.for_) == 0 else f" for {alert.for_}"
    assert alert.threshold is not None
    return f"{what} {alert.op} {format_number(alert.threshold)}{held}."


@per_plan
def rule_groups(plan: Plan) -> list[RuleGroup]:
    """One group per area that has rules, in the order the plan declares areas, then the SLO
    groups and the escalation group. Every alert carries its `runbook_url`."""
    groups = {area: RuleGroup(area, f"{plan.platform}-{area}") for area in plan.areas}
    for name, metric in plan.metrics.items():
        if metric.record:
            groups[metric.area].recording.append(
                RecordingRule(metric.record, metric.expr.strip(), name)
            )
    links = panel_links(plan)
    for alert in plan.alerts:
        kind: AlertKind = "threshold" if alert.metric else "raw"
        groups[alert_area(plan, alert)].alerting.append(_alerting_rule(plan, alert, links, kind))
    for area, rule in [*_job_alerts(plan), *_absent_alerts(plan)]:
        groups[area].alerting.append(rule)
    where = availability_area(plan)
    if where in groups:
        groups[where].alerting.extend(availability_alerts(plan))
    for made in [*recovery_alerts(plan), *overdue_alerts(plan)]:
        rule = _alerting_rule(plan, made.alert, links, made.kind)
        groups[alert_area(plan, made.alert)].alerting.append(rule)
    result = [g for g in groups.values() if g.recording or g.alerting] + slo_groups(plan)
    escalations = escalation_rules(plan)
    if escalations:
        result.append(RuleGroup(ESCALATION, f"{plan.platform}-{ESCALATION}", alerting=escalations))
    return [replace(g, alerting=[_linked(plan, r) for r in g.alerting]) for g in result]


def _linked(plan: Plan, rule: AlertingRule) -> AlertingRule:
    """`rule` with its `runbook_url` right after the description."""
    url = runbook_url(plan, rule.name, rule.runbook)
    if url is None:
        return rule
    annotations = {}
    for key, value in rule.annotations.items():
        if key != "runbook_url":
            annotations[key] = value
        if key == "description":
            annotations["runbook_url"] = url
    annotations.setdefault("runbook_url", url)
    return replace(rule, annotations=annotations)


def _alerting_rule(
    plan: Plan, alert: Alert, links: dict[str, str], kind: AlertKind
) -> AlertingRule:
    expr = alert_expr(plan, alert)
    return AlertingRule(
        name=alert.name,
        expr=expr,
        for_=alert.for_,
        severity=alert.severity,
        labels=alert_labels(plan, alert),
        annotations=alert_annotations(plan, alert, links.get(alert.metric or "")),
        keep_firing_for=alert.keep_firing_for,
        alert=alert,
        test=_alert_test(plan, alert, expr),
        kind=kind,
        runbook=alert.runbook,
    )


def _alert_test(plan: Plan, alert: Alert, expr: str) -> AlertTest | None:
    if alert.untested is not None:
        return None
    if alert.metric is not None:
        return threshold_test(plan, alert, expr)
    if alert.tests is None:
        return None
    value = alert.tests.value or 0.0
    settle = settle_minutes([expr]) + vanishing_minutes(alert.tests.quiet, alert.tests.firing)
    return AlertTest(
        "raw",
        dict(alert.tests.labels),
        Phase(tuple(alert.tests.quiet), value),
        Phase(tuple(alert.tests.firing), value),
        settle,
        pending_at_raw=settle == 0,
        reads=(expr,),
    )


def _team_labels(plan: Plan, area: str, level: Level) -> dict[str, str]:
    team = plan.areas[area].team
    return {"severity": level, "area": area, **({"team": team} if team else {})}


def _job_alerts(plan: Plan) -> list[tuple[str, AlertingRule]]:
    rules = []
    for job, spec in plan.jobs.items():
        labels = _team_labels(plan, spec.area, spec.severity)
        rules.append((spec.area, _target_down(job, spec, labels)))
        rules.append((spec.area, _targets_missing(job, spec, labels)))
    return rules


def _job_annotations(job: str, spec: Job, summary: str, what: str) -> dict[str, str]:
    blind = spec.description or f"Alerts on the metrics of job {job} are blind."
    return {"summary": summary, "description": f"{what} {blind}"}


def _target_down(job: str, spec: Job, labels: dict[str, str]) -> AlertingRule:
    """One target of the job fails its scrapes."""
    target = series_text("up", {"instance": "target-1", "job": job})
    expr = f"up{label_matchers({'job': job})} == 0"
    test = AlertTest(
        "raw",
        {"instance": "target-1", "job": job},
        Phase((Series(series=target, value="1"),), 1.0),
        Phase((Series(series=target, value="0"),), 0.0),
        0,
        pending_at_raw=True,
        reads=(expr,),
    )
    return AlertingRule(
        name=f"{camel(job)}TargetDown",
        expr=expr,
        for_=spec.for_,
        severity=spec.severity,
        labels=dict(labels),
        annotations=_job_annotations(
            job,
            spec,
            f"Scrape target {{{{ $labels.instance }}}} of job {job} is down",
            f"Prometheus cannot scrape {{{{ $labels.instance }}}} (job {job}).",
        ),
        test=test,
        kind="target-down",
        runbook=spec.runbook,
    )


def targets_missing_expr(job: str) -> str:
    """True (with the job's label) when no target of `job` is up: all down, or none found."""
    up = f"up{label_matchers({'job': job})}"
    return f"sum by (job) ({up}) == 0\nor\nabsent({up})"


def _targets_missing(job: str, spec: Job, labels: dict[str, str]) -> AlertingRule:
    """No healthy target at all: every target down, or service discovery finds none (wrong
    port or label, renamed Service, exporter uninstalled), when `up` itself is absent."""
    expr = targets_missing_expr(job)
    target = series_text("up", {"instance": "target-1", "job": job})
    test = AlertTest(
        "raw",
        {"job": job},
        Phase((Series(series=target, value="1"),), 0.0),
        Phase((Series(series=target, value="0"),), 0.0),
        0,
        pending_at_raw=True,
        reads=(expr,),
        absences=(Absence(Phase((), 0.0), fires=True),),  # discovery finds nothing
    )
    return AlertingRule(
        name=f"{camel(job)}TargetsMissing",
        expr=expr,
        for_=spec.for_,
        severity=spec.severity,
        labels=dict(labels),
        annotations=_job_annotations(
            job,
            spec,
            f"No healthy scrape target of job {job}",
            f"Prometheus has no target of job {job} that answers: all are down, or service "
            "discovery finds none (port or label renamed, exporter uninstalled).",
        ),
        test=test,
        kind="targets-missing",
        runbook=spec.runbook,
    )


def _absent_alerts(plan: Plan) -> list[tuple[str, AlertingRule]]:
    rules = []
    for name, metric in plan.metrics.items():
        guard = metric.absent
        if guard is None:
            continue
        selector = guard.selector.strip()
        test = AlertTest(
            "raw",
            equality_labels(selector),
            Phase((Series(series=selector, value="1"),), 1.0),
            Phase((), 0.0),
            6,
            reads=(f"absent({selector})",),
        )
        rules.append(
            (
                metric.area,
                AlertingRule(
                    name=f"{camel(name)}Absent",
                    expr=f"absent({selector})",
                    for_=guard.for_,
                    severity=guard.severity,
                    labels=_team_labels(plan, metric.area, guard.severity),
                    annotations={
                        "summary": f"No {selector} series: alerts on {name} cannot fire",
                        "description": f"The source of {name} is gone (exporter down, metric "
                        "renamed or never pushed); its threshold alerts stay silently "
                        "quiet until it is back.",
                    },
                    test=test,
                    kind="absent",
                ),
            )
        )
    return rules


def _indent(text: str, spaces: int = 2) -> str:
    return "\n".join(" " * spaces + line if line else line for line in text.splitlines())
