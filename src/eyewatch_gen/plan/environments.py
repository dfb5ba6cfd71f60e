"""Environments: the plan as deployed to staging, production, ... Each environment is the
plan with its overrides applied (thresholds, `for`, severities, channels, retention, external
labels); outside production nothing pages a person unless the environment says so."""

from __future__ import annotations

from eyewatch_gen.plan.fields import LEVELS
from eyewatch_gen.plan.model import Alert, Channel, Environment, OnCall, Plan

PRODUCTION = "production"


def pages(channel: Channel) -> bool:
    """Whether a channel wakes a person up."""
    if channel.pages is not None:
        return channel.pages
    return channel.type in ("pagerduty", "opsgenie")


def variant(plan: Plan, name: str) -> Plan:
    """The plan as environment `name` runs it."""
    return overridden(plan, name, plan.environments[name])


def overridden(plan: Plan, name: str, env: Environment) -> Plan:
    """The plan with `env`'s overrides applied as environment `name` (`env` may differ from
    the plan's own, to see what one override changes). Not validated: see `plan.variants`."""
    alerts = [_override(alert, env.alerts.get(alert.name)) for alert in plan.alerts]
    paging = env.pages if env.pages is not None else name == PRODUCTION
    levels: dict[str, object] = {}
    for level in LEVELS:
        spec = plan.severities.level(level)
        notify = env.severities[level].notify if level in env.severities else spec.notify
        if not paging:
            notify = [c for c in notify if not pages(plan.channels[c])] or [
                c for c in plan.channels if not pages(plan.channels[c])
            ][:1]
        levels[level] = spec.model_copy(update={"notify": notify})
    updates: dict[str, object] = {
        "oncall": _oncall(plan, paging),
        "alerts": alerts,
        "environments": {},
        "severities": plan.severities.model_copy(update=levels),
        "prometheus": plan.prometheus.model_copy(
            update={
                "external_labels": {
                    **plan.prometheus.external_labels,
                    "environment": name,
                    **env.external_labels,
                }
            }
        ),
    }
    if plan.logging is not None and env.retention:
        classes = {
            n: c.model_copy(update={"retention": env.retention.get(n, c.retention)})
            for n, c in plan.logging.classes.items()
        }
        updates["logging"] = plan.logging.model_copy(
            update={"classes": classes, "environment": name}
        )
    elif plan.logging is not None:
        updates["logging"] = plan.logging.model_copy(update={"environment": name})
    return plan.model_copy(update=updates)


def _oncall(plan: Plan, paging: bool) -> OnCall | None:
    """Escalation steps notify no paging channel where the environment does not page."""
    if plan.oncall is None or paging:
        return plan.oncall
    quiet = [c for c in plan.channels if not pages(plan.channels[c])][:1]
    steps = [
        step.model_copy(
            update={"notify": [c for c in step.notify if not pages(plan.channels[c])] or quiet}
        )
        if step.notify
        else step
        for step in plan.oncall.escalation
    ]
    return plan.oncall.model_copy(update={"escalation": steps})


def _override(alert: Alert, change: object) -> Alert:
    if change is None:
        return alert
    values = {
        k: v
        for k, v in change.model_dump(by_alias=False).items()  # type: ignore[attr-defined]
        if v is not None
    }
    return alert.model_copy(update=values)


def names(plan: Plan) -> list[str]:
    """The environments to render: the plan's, or one unnamed tree when it has none."""
    return list(plan.environments) or [""]
