"""The drill's copies of the generated files (the ones that get deployed, read from the
output directory): rules with `for` scaled, a Prometheus that scrapes the synthetic exporter
every second, and an Alertmanager whose receivers all point at the local sinks (the real URLs,
keys and mailboxes are never contacted)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from eyewatch_gen.plan import durations
from eyewatch_gen.plan.alerting import (
    Alerting,
    Global,
    Receiver,
    Route,
    Smtp,
    TimeInterval,
    TimeRange,
    TimeSpec,
    parse_config,
)
from eyewatch_gen.targets import alertmanager


def scaled(duration: str, factor: int) -> str:
    """`5m` scaled down by `factor` (60: 5m -> 5s); `0s` stays `0s`."""
    seconds = durations.seconds(duration)
    if seconds == 0 or factor == 1:
        return duration
    return durations.format_seconds(max(1, round(seconds / factor)))


def rules(out: Path, factor: int, leave_out: Collection[str] = ()) -> dict[str, Any]:
    """Every generated rule group in `out`, with `for` and `keep_firing_for` divided by
    `factor`, without the alerting rules named in `leave_out`."""
    groups = []
    for path in sorted((out / "prometheus/rules").glob("*.yml")):
        for group in yaml.safe_load(path.read_text())["groups"]:
            group["rules"] = [r for r in group["rules"] if r.get("alert") not in leave_out]
            for rule in group["rules"]:
                for key in ("for", "keep_firing_for"):
                    if key in rule:
                        rule[key] = scaled(rule[key], factor)
            if group["rules"]:
                groups.append(group)
    return {"groups": groups}


def prometheus(rule_file: Path, exporter: str, alertmanager_address: str) -> dict[str, Any]:
    """Scrape the exporter every second, evaluate every second, alert the local Alertmanager."""
    return {
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "rule_files": [str(rule_file)],
        "alerting": {"alertmanagers": [{"static_configs": [{"targets": [alertmanager_address]}]}]},
        "scrape_configs": [
            {
                "job_name": "eyewatch-drill",
                "honor_labels": True,
                "static_configs": [{"targets": [exporter]}],
            }
        ],
    }


def alertmanager_config(
    out: Path, sink: str, smtp_port: int, dummy_secret: Path, open_windows: list[str]
) -> dict[str, Any]:
    """The generated Alertmanager config in `out`, receivers redirected, waits shortened."""
    deployed = parse_config(yaml.safe_load((out / alertmanager.PATH).read_text()))
    drilled = Alerting(
        global_=Global("5m", Smtp(f"127.0.0.1:{smtp_port}", "drill@eyewatch.invalid", False)),
        root=_fast(deployed.root),
        inhibit_rules=deployed.inhibit_rules,
        time_intervals=tuple(_opened(i, open_windows) for i in deployed.time_intervals),
        receivers=tuple(_redirect(r, sink, str(dummy_secret)) for r in deployed.receivers),
    )
    return alertmanager.serialise(drilled)


def _fast(route: Route) -> Route:
    """The same tree, waiting 1s and repeating hourly wherever it sets a timing."""
    return replace(
        route,
        group_wait=route.group_wait and "1s",
        group_interval=route.group_interval and "1s",
        repeat_interval=route.repeat_interval and "1h",
        routes=tuple(_fast(child) for child in route.routes),
    )


def _opened(interval: TimeInterval, open_windows: list[str]) -> TimeInterval:
    """An interval the drill opens covers the whole day, every day."""
    if interval.name not in open_windows:
        return interval
    return TimeInterval(interval.name, (TimeSpec(times=(TimeRange("00:00", "24:00"),)),))


def _redirect(receiver: Receiver, sink: str, secret: str) -> Receiver:
    """Every notification of `receiver` goes to the sink, named `<receiver>/<kind>-<index>`."""
    name = receiver.name
    return Receiver(
        name,
        pagerduty=tuple(
            replace(n, routing_key_file=secret, url=f"{sink}/{name}/pagerduty-{i}")
            for i, n in enumerate(receiver.pagerduty)
        ),
        opsgenie=tuple(
            replace(n, api_key_file=secret, api_url=f"{sink}/{name}/opsgenie-{i}/")
            for i, n in enumerate(receiver.opsgenie)
        ),
        webhooks=tuple(
            replace(
                n,
                url=f"{sink}/{name}/webhook-{i}",
                url_file=None,
                credentials_file=secret if n.credentials_file else None,
            )
            for i, n in enumerate(receiver.webhooks)
        ),
        emails=tuple(
            replace(n, to=f"{name}+email-{i}@drill.invalid") for i, n in enumerate(receiver.emails)
        ),
    )
