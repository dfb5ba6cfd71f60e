"""The receivers of the alerting view: one per level (and per team override) plus the
unrouted one, each channel of the plan turned into its kind of notification. Secrets stay
file paths."""

from __future__ import annotations

from eyewatch_gen.plan import escalation
from eyewatch_gen.plan.alerting.levels import default_receiver, level_routes
from eyewatch_gen.plan.alerting.view import Email, Notifier, Opsgenie, PagerDuty, Receiver, Webhook
from eyewatch_gen.plan.model import Channel, Plan

_PAGERDUTY_SEVERITY = {"P1": "critical", "P2": "error", "P3": "warning", "P4": "info"}


def receivers(plan: Plan) -> tuple[Receiver, ...]:
    """The unrouted receiver (P3's channels), then each level route's, once per name, then
    one per escalation step (its channels notified at the highest escalated level)."""
    named = {default_receiver(plan): ("P3", tuple(plan.severities.P3.notify))}
    for route in level_routes(plan):
        named.setdefault(route.receiver, (route.level, route.channels))
    for step in escalation.steps(plan):
        named.setdefault(step.receiver, (escalation.levels(plan)[0], step.channels))
    return tuple(
        _receiver(plan, name, level, channels) for name, (level, channels) in named.items()
    )


def _receiver(plan: Plan, name: str, level: str, channels: tuple[str, ...]) -> Receiver:
    notifiers = [_notifier(plan, c, level) for c in channels]
    return Receiver(
        name,
        pagerduty=tuple(n for n in notifiers if isinstance(n, PagerDuty)),
        opsgenie=tuple(n for n in notifiers if isinstance(n, Opsgenie)),
        webhooks=tuple(n for n in notifiers if isinstance(n, Webhook)),
        emails=tuple(n for n in notifiers if isinstance(n, Email)),
    )


def _notifier(plan: Plan, name: str, level: str) -> Notifier:
    channel = plan.channels[name]
    if channel.type == "pagerduty":
        return _pagerduty(plan, name, channel, level)
    if channel.type == "opsgenie":
        assert channel.api_key_file is not None
        return Opsgenie(channel.api_key_file, priority=level, channel=name)
    if channel.type == "webhook":
        return Webhook(
            channel.url,
            credentials_file=channel.credentials_file,
            channel=name,
            url_file=channel.url_file,
        )
    assert channel.to is not None
    return Email(channel.to, channel=name)


def _pagerduty(plan: Plan, name: str, channel: Channel, level: str) -> PagerDuty:
    assert channel.routing_key_file is not None
    details = (
        (
            ("pagerduty_service", channel.service),
            ("escalation_policy", f"{plan.platform}-escalation"),
        )
        if channel.service
        else ()
    )
    return PagerDuty(
        channel.routing_key_file,
        severity=_PAGERDUTY_SEVERITY[level],
        client="eyewatch-gen",
        details=details,
        channel=name,
    )
