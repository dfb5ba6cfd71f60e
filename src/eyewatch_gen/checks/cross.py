"""Checks across generated files that no single tool can make: every alert (Prometheus rules
and ElastAlert rules alike) reaches its level's receiver in the generated Alertmanager tree,
every receiver is used, every `dashboard_url` points at a generated panel, every `runbook_url`
into the published docs at a generated page, every alerted metric is on a dashboard."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from eyewatch_gen.plan.alerting import Matcher, parse_config
from eyewatch_gen.plan.model import Plan
from eyewatch_gen.problems import Problem

ROUTING = "cross/routing"
UNUSED_RECEIVER = "cross/unused-receiver"
DASHBOARD_URL = "cross/dashboard-url"
METRIC_SHOWN = "cross/metric-shown"
RUNBOOK_URL = "cross/runbook-url"
RULES = (ROUTING, UNUSED_RECEIVER, DASHBOARD_URL, METRIC_SHOWN, RUNBOOK_URL)


def run(out: Path, plan: Plan) -> list[Problem]:
    """Cross-file findings."""
    alerts = _alerts(out)
    return [
        *_routing(out, alerts),
        *_dashboard_links(out, alerts),
        *_runbook_links(out, plan, alerts),
        *_metrics_shown(out, plan),
    ]


def _alerts(out: Path) -> list[tuple[str, dict[str, Any]]]:
    found = []
    for path in sorted((out / "prometheus/rules").glob("*.yml")):
        for group in yaml.safe_load(path.read_text())["groups"]:
            found += [(path.relative_to(out).as_posix(), r) for r in group["rules"] if "alert" in r]
    for path in sorted((out / "elastalert/rules").glob("*.yaml")):
        rule = yaml.safe_load(path.read_text())
        alert = {
            "alert": rule.get("alertmanager_alertname", rule.get("name", "")),
            "labels": rule.get("alertmanager_labels", {}),
            "annotations": rule.get("alertmanager_annotations", {}),
        }
        found.append((path.relative_to(out).as_posix(), alert))
    return found


def _routing(out: Path, alerts: list[tuple[str, dict[str, Any]]]) -> list[Problem]:
    config_path = out / "alertmanager/alertmanager.yml"
    if not config_path.is_file():
        return []
    try:
        view = parse_config(yaml.safe_load(config_path.read_text()))
    except ValueError as error:
        return [Problem.in_file("alertmanager/alertmanager.yml", str(error), ROUTING)]
    unrouted = view.root.receiver
    findings, used = [], set()
    for file, rule in alerts:
        labels = {k: v for k, v in rule["labels"].items() if "{{" not in v}
        labels["alertname"] = rule["alert"]
        routed = view.route(labels)
        receiver = routed.receiver
        used.add(receiver)
        level = labels.get("severity", "")
        if receiver == unrouted or Matcher("severity", "=", level) not in routed.matchers:
            findings.append(
                Problem.in_file(
                    file,
                    f"{rule['alert']} ({level}) reaches {receiver}, not a receiver of its level",
                    ROUTING,
                )
            )
    for name in (r.name for r in view.receivers):
        if name not in used and name != unrouted:
            findings.append(
                Problem.in_file(
                    "alertmanager/alertmanager.yml",
                    f"receiver {name} is used by no alert",
                    UNUSED_RECEIVER,
                    "warning",
                )
            )
    return findings


def _dashboards(out: Path) -> dict[str, dict[str, Any]]:
    boards = {}
    for path in (out / "grafana/dashboards").glob("*.json"):
        board = json.loads(path.read_text())
        boards[board["uid"]] = board
    return boards


def _dashboard_links(out: Path, alerts: list[tuple[str, dict[str, Any]]]) -> list[Problem]:
    boards = _dashboards(out)
    findings = []
    for file, rule in alerts:
        link = rule.get("annotations", {}).get("dashboard_url")
        if not link:
            continue
        parts = urlsplit(link)
        segments = parts.path.split("/")
        board = boards.get(segments[2]) if len(segments) > 2 else None
        panel = parts.query.removeprefix("viewPanel=")
        ids = {str(p["id"]) for p in board["panels"]} if board else set()
        if board is None or panel not in ids:
            findings.append(
                Problem.in_file(
                    file,
                    f"{rule['alert']} links to {link}, which is no generated dashboard panel",
                    DASHBOARD_URL,
                )
            )
    return findings


def _runbook_links(
    out: Path, plan: Plan, alerts: list[tuple[str, dict[str, Any]]]
) -> list[Problem]:
    """A `runbook_url` under `runbooks.base_url` names a page in the generated docs folder."""
    if plan.runbooks is None:
        return []
    base = plan.runbooks.base_url.rstrip("/") + "/"
    findings = []
    for file, rule in alerts:
        link = rule.get("annotations", {}).get("runbook_url", "")
        if link.startswith(base) and not (out / "docs" / link.removeprefix(base)).is_file():
            findings.append(
                Problem.in_file(
                    file,
                    f"{rule['alert']} links to {link}, which is no generated runbook page",
                    RUNBOOK_URL,
                )
            )
    return findings


def _metrics_shown(out: Path, plan: Plan) -> list[Problem]:
    queries = [
        t.get("expr", "")
        for board in _dashboards(out).values()
        for panel in board["panels"]
        for t in panel.get("targets", [])
    ]
    findings = []
    for alert in plan.alerts:
        if alert.metric is None:
            continue
        metric = plan.metrics[alert.metric]
        wanted = metric.record or metric.expr.strip()
        if not any(wanted in query for query in queries):
            findings.append(
                Problem.in_file(
                    "grafana/dashboards",
                    f"{alert.name}'s metric {alert.metric} is on no dashboard",
                    METRIC_SHOWN,
                    "warning",
                )
            )
    return findings
