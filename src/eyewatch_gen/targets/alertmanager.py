"""Alertmanager configuration: `alertmanager/alertmanager.yml`.

The alerting view of the plan (`plan/alerting`) written in Alertmanager's format: receivers per
level (and per team override), a route tree on `severity` with timings from the level's
response time, inhibit rules, and maintenance windows as `time_intervals`. Secrets appear only
as `*_file` paths. Valid for Alertmanager 0.25 and later; a webhook `url_file` (0.26+) is
written only when the plan gives one, which it may only for `versions.alertmanager` >= 0.26.
Format: https://prometheus.io/docs/alerting/latest/configuration/
"""

from __future__ import annotations

from typing import Any

from eyewatch_gen.artifacts import Artifact, yaml_artifact
from eyewatch_gen.plan.alerting import (
    Alerting,
    Email,
    Global,
    InhibitRule,
    Matcher,
    Opsgenie,
    PagerDuty,
    Receiver,
    Route,
    TimeInterval,
    TimeSpec,
    Webhook,
    alerting,
)
from eyewatch_gen.plan.model import Plan

PATH = "alertmanager/alertmanager.yml"


def render(plan: Plan) -> list[Artifact]:
    """The Alertmanager configuration file."""
    return [yaml_artifact(PATH, config(plan))]


def config(plan: Plan) -> dict[str, Any]:
    """alertmanager.yml of the plan as data."""
    return serialise(alerting(plan))


def serialise(view: Alerting) -> dict[str, Any]:
    """alertmanager.yml of any alerting view (the drill writes redirected copies)."""
    data: dict[str, Any] = {
        "global": _global(view.global_),
        "route": _route(view.root),
        "inhibit_rules": [_inhibit_rule(r) for r in view.inhibit_rules],
    }
    if view.time_intervals:
        data["time_intervals"] = [_time_interval(i) for i in view.time_intervals]
    data["receivers"] = [_receiver(r) for r in view.receivers]
    return data


def _matchers(matchers: tuple[Matcher, ...]) -> list[str]:
    return [m.text() for m in matchers]


def _global(settings: Global) -> dict[str, Any]:
    data: dict[str, Any] = {"resolve_timeout": settings.resolve_timeout}
    smtp = settings.smtp
    if smtp is not None:
        data["smtp_smarthost"] = smtp.smarthost
        data["smtp_from"] = smtp.sender
        if smtp.auth_username:
            data["smtp_auth_username"] = smtp.auth_username
        if smtp.auth_password_file:
            data["smtp_auth_password_file"] = smtp.auth_password_file
        data["smtp_require_tls"] = smtp.require_tls
    return data


def _route(route: Route) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if route.matchers:
        data["matchers"] = _matchers(route.matchers)
    for key, value in (
        ("receiver", route.receiver),
        ("group_by", None if route.group_by is None else list(route.group_by)),
        ("group_wait", route.group_wait),
        ("group_interval", route.group_interval),
        ("repeat_interval", route.repeat_interval),
    ):
        if value is not None:
            data[key] = value
    if route.continue_:
        data["continue"] = True
    if route.mute_time_intervals:
        data["mute_time_intervals"] = list(route.mute_time_intervals)
    if route.routes:
        data["routes"] = [_route(child) for child in route.routes]
    return data


def _inhibit_rule(rule: InhibitRule) -> dict[str, Any]:
    data: dict[str, Any] = {
        "source_matchers": _matchers(rule.source),
        "target_matchers": _matchers(rule.target),
    }
    if rule.equal:
        data["equal"] = list(rule.equal)
    return data


def _time_interval(interval: TimeInterval) -> dict[str, Any]:
    return {"name": interval.name, "time_intervals": [_time_spec(s) for s in interval.specs]}


def _time_spec(spec: TimeSpec) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if spec.times:
        data["times"] = [{"start_time": t.start, "end_time": t.end} for t in spec.times]
    for key, values in (
        ("weekdays", spec.weekdays),
        ("days_of_month", spec.days_of_month),
        ("months", spec.months),
    ):
        if values:
            data[key] = list(values)
    if spec.location is not None:
        data["location"] = spec.location
    return data


def _receiver(receiver: Receiver) -> dict[str, Any]:
    data: dict[str, Any] = {"name": receiver.name}
    for key, items in (
        ("pagerduty_configs", [_pagerduty(n) for n in receiver.pagerduty]),
        ("opsgenie_configs", [_opsgenie(n) for n in receiver.opsgenie]),
        ("webhook_configs", [_webhook(n) for n in receiver.webhooks]),
        ("email_configs", [_email(n) for n in receiver.emails]),
    ):
        if items:
            data[key] = items
    return data


def _pagerduty(item: PagerDuty) -> dict[str, Any]:
    data: dict[str, Any] = {
        "routing_key_file": item.routing_key_file,
        "send_resolved": item.send_resolved,
        "severity": item.severity,
        "client": item.client,
    }
    if item.details:
        data["details"] = dict(item.details)
    if item.url is not None:
        data["url"] = item.url
    return data


def _opsgenie(item: Opsgenie) -> dict[str, Any]:
    data: dict[str, Any] = {
        "api_key_file": item.api_key_file,
        "send_resolved": item.send_resolved,
        "priority": item.priority,
    }
    if item.api_url is not None:
        data["api_url"] = item.api_url
    return data


def _webhook(item: Webhook) -> dict[str, Any]:
    data: dict[str, Any] = (
        {"url": item.url} if item.url is not None else {"url_file": item.url_file}
    )
    data["send_resolved"] = item.send_resolved
    if item.credentials_file:
        data["http_config"] = {
            "authorization": {"type": "Bearer", "credentials_file": item.credentials_file}
        }
    return data


def _email(item: Email) -> dict[str, Any]:
    return {"to": item.to, "send_resolved": item.send_resolved}
