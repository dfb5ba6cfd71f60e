"""The drill's copies of the generated files (the ones that get deployed, read from the
output directory): rules with `for` scaled, a Prometheus that scrapes the synthetic exporter
every second, and an Alertmanager whose receivers all point at the local sinks (the real URLs,
keys and mailboxes are never contacted)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from eyewatch_gen.plan import durations
from eyewatch_gen.targets import alertmanager


def scaled(duration: str, factor: int) -> str:
    """`5m` scaled down by `factor` (60: 5m -> 5s); `0s` stays `0s`."""
    seconds = durations.seconds(duration)
    if seconds == 0 or factor == 1:
        return duration
    return durations.format_seconds(max(1, round(seconds / factor)))


def rules(out: Path, factor: int) -> dict[str, Any]:
    """Every generated rule group in `out`, with `for` and `keep_firing_for` divided by
    `factor`."""
    groups = []
    for path in sorted((out / "prometheus/rules").glob("*.yml")):
        for group in yaml.safe_load(path.read_text())["groups"]:
            for rule in group["rules"]:
                for key in ("for", "keep_firing_for"):
                    if key in rule:
                        rule[key] = scaled(rule[key], factor)
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
    config: dict[str, Any] = yaml.safe_load((out / alertmanager.PATH).read_text())
    config["global"] = {
        "resolve_timeout": "5m",
        "smtp_smarthost": f"127.0.0.1:{smtp_port}",
        "smtp_from": "drill@eyewatch.invalid",
        "smtp_require_tls": False,
    }
    _fast(config["route"])
    for interval in config.get("time_intervals", []):
        if interval["name"] in open_windows:
            interval["time_intervals"] = [{"times": [{"start_time": "00:00", "end_time": "24:00"}]}]
    config["receivers"] = [_redirect(r, sink, dummy_secret) for r in config["receivers"]]
    return config


def _fast(route: dict[str, Any]) -> None:
    for key, value in (("group_wait", "1s"), ("group_interval", "1s"), ("repeat_interval", "1h")):
        if key in route:
            route[key] = value
    for child in route.get("routes", []):
        _fast(child)


def _redirect(receiver: dict[str, Any], sink: str, dummy_secret: Path) -> dict[str, Any]:
    name = receiver["name"]
    result: dict[str, Any] = {"name": name}
    for index, item in enumerate(receiver.get("pagerduty_configs", [])):
        result.setdefault("pagerduty_configs", []).append(
            {
                **item,
                "routing_key_file": str(dummy_secret),
                "url": f"{sink}/{name}/pagerduty-{index}",
            }
        )
    for index, item in enumerate(receiver.get("opsgenie_configs", [])):
        result.setdefault("opsgenie_configs", []).append(
            {
                **item,
                "api_key_file": str(dummy_secret),
                "api_url": f"{sink}/{name}/opsgenie-{index}/",
            }
        )
    for index, item in enumerate(receiver.get("webhook_configs", [])):
        redirected = {**item, "url": f"{sink}/{name}/webhook-{index}"}
        if "http_config" in item:
            redirected["http_config"] = {
                "authorization": {"type": "Bearer", "credentials_file": str(dummy_secret)}
            }
        result.setdefault("webhook_configs", []).append(redirected)
    for index, item in enumerate(receiver.get("email_configs", [])):
        result.setdefault("email_configs", []).append(
            {**item, "to": f"{name}+email-{index}@drill.invalid"}
        )
    return result
