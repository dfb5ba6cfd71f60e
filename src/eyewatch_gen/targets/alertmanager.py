"""Alertmanager configuration: `alertmanager/alertmanager.yml`.

Receivers per level (and per team override), a route tree on `severity` with timings from the
level's response time, inhibit rules, and maintenance windows as `time_intervals` muting the
levels the plan names. Secrets appear only as `*_file` paths. Targets Alertmanager 0.25 (no
webhook `url_file` there). Format: https://prometheus.io/docs/alerting/latest/configuration/
"""

from __future__ import annotations

import re
from typing import Any

from eyewatch_gen.artifacts import Artifact, yaml_artifact
from eyewatch_gen.plan.fields import LEVELS
from eyewatch_gen.plan.model import Channel, MaintenanceWindow, Plan
from eyewatch_gen.plan.routing import Route, default_receiver, routes
from eyewatch_gen.plan.slo import AREA as SLO_AREA

PATH = "alertmanager/alertmanager.yml"
_PAGERDUTY_SEVERITY = {"P1": "critical", "P2": "error", "P3": "warning", "P4": "info"}


def render(plan: Plan) -> list[Artifact]:
    """The Alertmanager configuration file."""
    return [yaml_artifact(PATH, config(plan))]


def config(plan: Plan) -> dict[str, Any]:
    """alertmanager.yml as data."""
    data: dict[str, Any] = {
        "global": _global(plan),
        "route": _route_tree(plan),
        "inhibit_rules": inhibit_rules(plan),
    }
    if plan.maintenance_windows:
        data["time_intervals"] = [_time_interval(w) for w in plan.maintenance_windows]
    data["receivers"] = _receivers(plan)
    return data


def matcher(name: str, value: str, op: str = "=") -> str:
    """An Alertmanager matcher string with the value quoted and escaped."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'{name}{op}"{escaped}"'


_MATCHER = re.compile(r'^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:\\.|[^"\\])*)"\s*$')


def parse_matcher(text: str) -> tuple[str, str, str] | None:
    """(label, operator, value) of a matcher string written by `matcher`, or None."""
    found = _MATCHER.match(text)
    if found is None:
        return None
    name, op, raw = found.groups()
    value = re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), raw)
    return name, op, value


def _global(plan: Plan) -> dict[str, Any]:
    data: dict[str, Any] = {"resolve_timeout": "5m"}
    if plan.smtp is not None:
        data["smtp_smarthost"] = plan.smtp.smarthost
        data["smtp_from"] = plan.smtp.sender
        if plan.smtp.auth_username:
            data["smtp_auth_username"] = plan.smtp.auth_username
        if plan.smtp.auth_password_file:
            data["smtp_auth_password_file"] = plan.smtp.auth_password_file
        data["smtp_require_tls"] = plan.smtp.require_tls
    return data


def _route_tree(plan: Plan) -> dict[str, Any]:
    all_routes = routes(plan)
    return {
        "receiver": default_receiver(plan),
        "group_by": ["alertname", "service"],
        "group_wait": "30s",
        "group_interval": "5m",
        "repeat_interval": "4h",
        "routes": [
            _level_route(plan, level, [r for r in all_routes if r.level == level])
            for level in LEVELS
        ],
    }


def _level_route(plan: Plan, level: str, level_routes: list[Route]) -> dict[str, Any]:
    main = next(r for r in level_routes if r.team is None)
    mute = _global_mutes(plan, level)
    # Alertmanager does not pass mute_time_intervals down to child routes: repeat them.
    teams = [
        {**_team_route(r), **({"mute_time_intervals": mute} if mute else {})}
        for r in level_routes
        if r.team is not None
    ]
    children = [
        _area_mute_route(plan, w, teams)
        for w in plan.maintenance_windows
        if level in w.mute and w.areas
    ] + teams
    data: dict[str, Any] = {
        "matchers": [matcher("severity", level)],
        "receiver": main.receiver,
        "group_wait": main.group_wait,
        "group_interval": main.group_interval,
        "repeat_interval": main.repeat_interval,
    }
    if mute:
        data["mute_time_intervals"] = mute
    if children:
        data["routes"] = children
    return data


def _team_route(route: Route) -> dict[str, Any]:
    assert route.team is not None
    return {"matchers": [matcher("team", route.team)], "receiver": route.receiver}


def _area_mute_route(
    plan: Plan, window: MaintenanceWindow, teams: list[dict[str, Any]]
) -> dict[str, Any]:
    """Alerts of the window's areas, muted during it; team routing still applies below."""
    data: dict[str, Any] = {
        "matchers": [matcher("area", "|".join(window.areas), "=~")],
        "mute_time_intervals": [window.name],
    }
    if teams:
        data["routes"] = [
            {**t, "mute_time_intervals": [*t.get("mute_time_intervals", []), window.name]}
            for t in teams
        ]
    return data


def _global_mutes(plan: Plan, level: str) -> list[str]:
    return [w.name for w in plan.maintenance_windows if level in w.mute and not w.areas]


def inhibit_rules(plan: Plan) -> list[dict[str, Any]]:
    """A P1 silences lower levels of the same service; an SLO page its own ticket; plus the
    plan's own inhibitions. `service=~".+"` keeps a P1 without a service from silencing
    every alert that has none."""
    rules: list[dict[str, Any]] = [
        {
            "source_matchers": [matcher("severity", "P1"), matcher("service", ".+", "=~")],
            "target_matchers": [matcher("severity", "P2|P3|P4", "=~")],
            "equal": ["service"],
        }
    ]
    if plan.slos:
        rules.append(
            {
                "source_matchers": [matcher("area", SLO_AREA), matcher("sloth_severity", "page")],
                "target_matchers": [matcher("area", SLO_AREA), matcher("sloth_severity", "ticket")],
                "equal": ["sloth_id"],
            }
        )
    for item in plan.inhibitions:
        rules.append(
            {
                "source_matchers": [matcher(k, v) for k, v in item.source.items()],
                "target_matchers": [matcher(k, v) for k, v in item.target.items()],
                **({"equal": list(item.equal)} if item.equal else {}),
            }
        )
    return rules


def _time_interval(window: MaintenanceWindow) -> dict[str, Any]:
    spec: dict[str, Any] = {}
    if window.times:
        spec["times"] = [{"start_time": t.start, "end_time": t.end} for t in window.times]
    for key in ("weekdays", "days_of_month", "months"):
        values = getattr(window, key)
        if values:
            spec[key] = [v.lower() for v in values]
    spec["location"] = window.location
    return {"name": window.name, "time_intervals": [spec]}


def _receivers(plan: Plan) -> list[dict[str, Any]]:
    unrouted = plan.severities.P3.notify
    result = [_receiver(plan, default_receiver(plan), "P3", unrouted)]
    seen = {default_receiver(plan)}
    for route in routes(plan):
        if route.receiver not in seen:
            seen.add(route.receiver)
            result.append(_receiver(plan, route.receiver, route.level, route.channels))
    return result


def _receiver(
    plan: Plan,
    name: str,
    level: str,
    channels: tuple[str, ...] | list[str],
) -> dict[str, Any]:
    data: dict[str, Any] = {"name": name}
    for kind, key in (
        ("pagerduty", "pagerduty_configs"),
        ("opsgenie", "opsgenie_configs"),
        ("webhook", "webhook_configs"),
        ("email", "email_configs"),
    ):
        configs = [
            _config(plan, plan.channels[c], level)
            for c in channels
            if plan.channels[c].type == kind
        ]
        if configs:
            data[key] = configs
    return data


def _config(plan: Plan, channel: Channel, level: str) -> dict[str, Any]:
    if channel.type == "pagerduty":
        data: dict[str, Any] = {
            "routing_key_file": channel.routing_key_file,
            "send_resolved": True,
            "severity": _PAGERDUTY_SEVERITY[level],
            "client": "eyewatch-gen",
        }
        if channel.service:
            data["details"] = {
                "pagerduty_service": channel.service,
                "escalation_policy": f"{plan.platform}-escalation",
            }
        return data
    if channel.type == "opsgenie":
        return {"api_key_file": channel.api_key_file, "send_resolved": True, "priority": level}
    if channel.type == "webhook":
        data = {"url": channel.url, "send_resolved": True}
        if channel.credentials_file:
            data["http_config"] = {
                "authorization": {"type": "Bearer", "credentials_file": channel.credentials_file}
            }
        return data
    return {"to": channel.to, "send_resolved": True}
