"""A generated `alertmanager.yml` (as loaded YAML) read back into the typed alerting view, so
lint and the drill query the deployed file through the same types as the plan. Only what
eyewatch-gen writes is read; other keys are ignored."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from eyewatch_gen.plan.alerting.view import (
    Alerting,
    Email,
    Global,
    InhibitRule,
    Matcher,
    Opsgenie,
    PagerDuty,
    Receiver,
    Route,
    Smtp,
    TimeInterval,
    TimeRange,
    TimeSpec,
    Webhook,
)

Data = Mapping[str, Any]


def parse_config(data: Data) -> Alerting:
    """The view of an Alertmanager configuration; ValueError for a matcher it cannot read."""
    return Alerting(
        global_=_global(data.get("global", {})),
        root=parse_route(data["route"]),
        inhibit_rules=tuple(_inhibit_rule(r) for r in data.get("inhibit_rules", [])),
        time_intervals=tuple(_time_interval(i) for i in data.get("time_intervals", [])),
        receivers=tuple(_receiver(r) for r in data.get("receivers", [])),
    )


def _strings(data: Data, key: str) -> tuple[str, ...]:
    return tuple(str(v) for v in data.get(key, []))


def _matchers(data: Data, key: str) -> tuple[Matcher, ...]:
    return tuple(Matcher.parse(text) for text in _strings(data, key))


def parse_route(data: Data) -> Route:
    """A route and its children."""
    group_by = data.get("group_by")
    return Route(
        matchers=_matchers(data, "matchers"),
        receiver=data.get("receiver"),
        group_by=None if group_by is None else tuple(group_by),
        group_wait=data.get("group_wait"),
        group_interval=data.get("group_interval"),
        repeat_interval=data.get("repeat_interval"),
        mute_time_intervals=_strings(data, "mute_time_intervals"),
        routes=tuple(parse_route(child) for child in data.get("routes", [])),
        continue_=bool(data.get("continue", False)),
    )


def _global(data: Data) -> Global:
    smtp = None
    if "smtp_smarthost" in data:
        smtp = Smtp(
            data["smtp_smarthost"],
            data["smtp_from"],
            data.get("smtp_require_tls", True),
            auth_username=data.get("smtp_auth_username"),
            auth_password_file=data.get("smtp_auth_password_file"),
        )
    return Global(data.get("resolve_timeout", "5m"), smtp)


def _inhibit_rule(data: Data) -> InhibitRule:
    return InhibitRule(
        _matchers(data, "source_matchers"),
        _matchers(data, "target_matchers"),
        _strings(data, "equal"),
    )


def _time_interval(data: Data) -> TimeInterval:
    specs = tuple(
        TimeSpec(
            times=tuple(TimeRange(t["start_time"], t["end_time"]) for t in spec.get("times", [])),
            weekdays=_strings(spec, "weekdays"),
            days_of_month=_strings(spec, "days_of_month"),
            months=_strings(spec, "months"),
            location=spec.get("location"),
        )
        for spec in data.get("time_intervals", [])
    )
    return TimeInterval(data["name"], specs)


def _receiver(data: Data) -> Receiver:
    return Receiver(
        data["name"],
        pagerduty=tuple(_pagerduty(c) for c in data.get("pagerduty_configs", [])),
        opsgenie=tuple(
            Opsgenie(c["api_key_file"], c["priority"], c.get("api_url"), _resolved(c))
            for c in data.get("opsgenie_configs", [])
        ),
        webhooks=tuple(_webhook(c) for c in data.get("webhook_configs", [])),
        emails=tuple(
            Email(c["to"], _resolved(c, default=False)) for c in data.get("email_configs", [])
        ),
    )


def _pagerduty(data: Data) -> PagerDuty:
    return PagerDuty(
        data["routing_key_file"],
        data["severity"],
        data["client"],
        tuple(data.get("details", {}).items()),
        data.get("url"),
        _resolved(data),
    )


def _webhook(data: Data) -> Webhook:
    authorization = data.get("http_config", {}).get("authorization", {})
    return Webhook(
        data.get("url"),
        authorization.get("credentials_file"),
        _resolved(data),
        url_file=data.get("url_file"),
    )


def _resolved(data: Data, default: bool = True) -> bool:
    """`send_resolved`, with Alertmanager's default (false for e-mail only)."""
    return bool(data.get("send_resolved", default))
