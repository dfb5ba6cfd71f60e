"""Log alerts as every consumer sees them: the data stream each reads, the labels it carries
to Alertmanager (the same `severity`, `area`, `team`, `service` as metric alerts), and its
condition in words. The ElastAlert target, the alert docs and lint read them from here."""

from __future__ import annotations

from dataclasses import dataclass, field

from eyewatch_gen.plan.links import runbook_url
from eyewatch_gen.plan.logging_view import data_stream
from eyewatch_gen.plan.memo import per_plan
from eyewatch_gen.plan.model import LogAlert, Plan

#: the event field a log alert's `service` label comes from when the plan names none
SERVICE_FIELD = "service.name"


@dataclass(frozen=True)
class LogRule:
    """One log alert, resolved against the plan."""

    alert: LogAlert
    index: str
    labels: dict[str, str]
    label_fields: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The alert name (Alertmanager's `alertname`)."""
        return self.alert.name


@per_plan
def log_rules(plan: Plan) -> list[LogRule]:
    """Every log alert of the plan, in plan order (none without a logging section)."""
    if plan.logging is None:
        return []
    environment = plan.logging.environment
    return [
        LogRule(
            alert,
            data_stream(plan, alert.log_class, environment),
            _labels(plan, alert),
            {} if alert.service else {"service": SERVICE_FIELD},
            _annotations(plan, alert),
        )
        for alert in plan.log_alerts
    ]


def _annotations(plan: Plan, alert: LogAlert) -> dict[str, str]:
    """`runbook_url`: the alert's runbook page where the plan publishes them, else its URL."""
    url = runbook_url(plan, alert.name, alert.runbook)
    return {"runbook_url": url} if url else {}


def _labels(plan: Plan, alert: LogAlert) -> dict[str, str]:
    labels = {"severity": alert.severity, "area": alert.area}
    team = alert.team or (plan.areas[alert.area].team if alert.area in plan.areas else None)
    if team:
        labels["team"] = team
    if alert.service:
        labels["service"] = alert.service
    return labels


def condition(alert: LogAlert) -> str:
    """What makes `alert` fire, in words."""
    where = " and ".join(f"{k} = {v}" for k, v in alert.where.items())
    events = f"{alert.log_class} events" + (f" with {where}" if where else "")
    per = f" per {alert.group_by[0]}" if alert.group_by else ""
    if alert.kind == "count":
        return f"more than {alert.more_than} {events} within {alert.within}{per}"
    if alert.kind == "spike":
        return (
            f"{alert.factor:g}x more {events} in {alert.within} than in the {alert.within} "
            f"before{per} (at least {alert.min_events})"
        )
    if alert.kind == "new_value":
        return f"{events} with a {alert.field} not seen in {alert.lookback}"
    return f"any of the {events}"


def focus(plan: Plan, alert: LogAlert) -> str:
    """The log analysis focus area a log alert serves: security events for the security
    class, error patterns for alerts on error levels or 5xx statuses, else system health."""
    if plan.logging is not None and alert.log_class == plan.logging.security_class:
        return "security events"
    read = {*alert.where, *alert.group_by, alert.field or ""}
    if {"log.level", "error.type", "http.response.status_code"} & read:
        return "error patterns"
    return "system health"
