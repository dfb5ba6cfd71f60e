"""`docs/alerts.md`: the alert catalogue (the monitoring plan's "alert rules and thresholds"
documentation), always true because it is generated from the same rules."""

from __future__ import annotations

from typing import Any

from eyewatch_gen.artifacts import Artifact, text_artifact
from eyewatch_gen.layout import ALERTS_DOC, docs_relative, runbook_path
from eyewatch_gen.plan.alerting import alerting, level_routes
from eyewatch_gen.plan.availability import outage_timings
from eyewatch_gen.plan.catalog import rule_groups
from eyewatch_gen.plan.log_alerts import LogRule, condition, log_rules
from eyewatch_gen.plan.model import Plan
from eyewatch_gen.plan.rules import AlertingRule, format_number
from eyewatch_gen.templating import render_template

PATH = ALERTS_DOC


def render(plan: Plan) -> list[Artifact]:
    """The alert catalogue."""
    channels = {r.receiver: ", ".join(r.channels) for r in level_routes(plan)}
    areas: dict[str, dict[str, Any]] = {}
    for group in rule_groups(plan):
        if not group.alerting:
            continue
        title = plan.areas[group.area].title if group.area in plan.areas else group.area
        entry = areas.setdefault(group.area, {"title": title, "rows": []})
        entry["rows"] += [_row(plan, rule, channels) for rule in group.alerting]
    levels = [
        {
            "name": name,
            "description": plan.severities.level(name).description,
            "response_time": plan.severities.level(name).response_time,
            "channels": plan.severities.level(name).notify,
        }
        for name in ("P1", "P2", "P3", "P4")
    ]
    return [
        text_artifact(
            PATH,
            render_template(
                "alerts.md.j2",
                platform=plan.platform,
                levels=levels,
                areas=list(areas.values()),
                timings=outage_timings(plan),
                log_alerts=[_log_row(plan, rule, channels) for rule in log_rules(plan)],
                untested=any(a.untested for a in plan.alerts),
            ),
        )
    ]


def _row(plan: Plan, rule: AlertingRule, channels: dict[str, str]) -> dict[str, str]:
    alert = rule.alert
    if alert is not None and alert.metric is not None and alert.threshold is not None:
        condition = f"`{alert.metric}` {alert.op} {format_number(alert.threshold)}"
    else:
        condition = f"`{' '.join(rule.expr.split())}`"
    receiver = alerting(plan).route(rule.labels).receiver
    dashboard = rule.annotations.get("dashboard_url")
    runbook = docs_relative(runbook_path(rule.name))
    meaning = rule.annotations.get("description", rule.annotations["summary"])
    if alert is not None and alert.untested is not None:
        meaning += f" (Untested: {alert.untested})"
    return {
        "name": rule.name,
        "severity": rule.severity,
        "condition": condition,
        "for": rule.for_ if rule.for_ not in ("0s", "0m", "0") else "-",
        "meaning": meaning,
        "response": plan.severities.level(rule.severity).response_time,
        "channels": channels.get(receiver, receiver),
        "runbook": f"[runbook]({runbook})",
        "dashboard": f"[panel]({dashboard})" if dashboard else "-",
    }


def _log_row(plan: Plan, rule: LogRule, channels: dict[str, str]) -> dict[str, str]:
    alert = rule.alert
    receiver = alerting(plan).route(rule.labels).receiver
    return {
        "name": rule.name,
        "severity": alert.severity,
        "area": alert.area,
        "condition": condition(alert),
        "meaning": alert.description or alert.summary,
        "response": plan.severities.level(alert.severity).response_time,
        "channels": channels.get(receiver, receiver),
        "runbook": f"[runbook]({docs_relative(runbook_path(rule.name))})",
    }
