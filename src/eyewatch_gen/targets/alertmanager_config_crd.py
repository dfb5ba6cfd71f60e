"""The Alertmanager routing as a Prometheus Operator `AlertmanagerConfig` object
(monitoring.coreos.com/v1alpha1): `kubernetes/alertmanagerconfig.yaml`, opt-in with
`outputs.kubernetes.alertmanager_config`.

It is translated from the same data as `alertmanager/alertmanager.yml`, so the two cannot
disagree. Files the plan references (routing keys, tokens, the SMTP password) become keys of
one Kubernetes Secret (`outputs.kubernetes.secret`), named after the file.
API: https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1alpha1.AlertmanagerConfig
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from eyewatch_gen.artifacts import Artifact, yaml_artifact
from eyewatch_gen.plan.model import Plan
from eyewatch_gen.targets.alertmanager import config, parse_matcher

PATH = "kubernetes/alertmanagerconfig.yaml"


def render(plan: Plan) -> list[Artifact]:
    """The AlertmanagerConfig object, when the plan asks for it."""
    spec = plan.outputs.kubernetes
    if spec is None or not spec.alertmanager_config:
        return []
    return [yaml_artifact(PATH, document(plan))]


def document(plan: Plan) -> dict[str, Any]:
    """The AlertmanagerConfig object as data."""
    spec = plan.outputs.kubernetes
    assert spec is not None
    source = config(plan)
    body: dict[str, Any] = {
        "route": _route(source["route"]),
        "receivers": [_receiver(r, source["global"], spec.secret) for r in source["receivers"]],
        "inhibitRules": [_inhibit(rule) for rule in source["inhibit_rules"]],
    }
    if "time_intervals" in source:
        body["muteTimeIntervals"] = [_interval(i) for i in source["time_intervals"]]
    return {
        "apiVersion": "monitoring.coreos.com/v1alpha1",
        "kind": "AlertmanagerConfig",
        "metadata": {
            "name": plan.platform,
            "namespace": spec.namespace,
            "labels": {"app.kubernetes.io/managed-by": "eyewatch-gen", **spec.labels},
        },
        "spec": body,
    }


def _matchers(texts: list[str]) -> list[dict[str, str]]:
    result = []
    for text in texts:
        parsed = parse_matcher(text)
        assert parsed is not None, text
        name, op, value = parsed
        result.append({"name": name, "value": value, "matchType": op})
    return result


_ROUTE_KEYS = {
    "receiver": "receiver",
    "group_by": "groupBy",
    "group_wait": "groupWait",
    "group_interval": "groupInterval",
    "repeat_interval": "repeatInterval",
    "mute_time_intervals": "muteTimeIntervals",
}


def _route(route: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {new: route[old] for old, new in _ROUTE_KEYS.items() if old in route}
    if "matchers" in route:
        result["matchers"] = _matchers(route["matchers"])
    if "routes" in route:
        result["routes"] = [_route(child) for child in route["routes"]]
    return result


def _secret(secret: str, path: str) -> dict[str, str]:
    return {"name": secret, "key": PurePosixPath(path).name}


def _receiver(receiver: dict[str, Any], smtp: dict[str, Any], secret: str) -> dict[str, Any]:
    result: dict[str, Any] = {"name": receiver["name"]}
    pagerduty = [
        {
            "routingKey": _secret(secret, c["routing_key_file"]),
            "sendResolved": c["send_resolved"],
            "severity": c["severity"],
            "client": c["client"],
            **(
                {"details": [{"key": k, "value": v} for k, v in c["details"].items()]}
                if "details" in c
                else {}
            ),
        }
        for c in receiver.get("pagerduty_configs", [])
    ]
    opsgenie = [
        {
            "apiKey": _secret(secret, c["api_key_file"]),
            "sendResolved": c["send_resolved"],
            "priority": c["priority"],
        }
        for c in receiver.get("opsgenie_configs", [])
    ]
    webhooks = [
        {
            "url": c["url"],
            "sendResolved": c["send_resolved"],
            **(
                {
                    "httpConfig": {
                        "authorization": {
                            "type": "Bearer",
                            "credentials": _secret(
                                secret, c["http_config"]["authorization"]["credentials_file"]
                            ),
                        }
                    }
                }
                if "http_config" in c
                else {}
            ),
        }
        for c in receiver.get("webhook_configs", [])
    ]
    emails = [_email(c, smtp, secret) for c in receiver.get("email_configs", [])]
    for key, items in (
        ("pagerdutyConfigs", pagerduty),
        ("opsgenieConfigs", opsgenie),
        ("webhookConfigs", webhooks),
        ("emailConfigs", emails),
    ):
        if items:
            result[key] = items
    return result


def _email(item: dict[str, Any], smtp: dict[str, Any], secret: str) -> dict[str, Any]:
    """An AlertmanagerConfig has no global section: SMTP settings go on every e-mail."""
    email: dict[str, Any] = {"to": item["to"], "sendResolved": item["send_resolved"]}
    for old, new in (
        ("smtp_smarthost", "smarthost"),
        ("smtp_from", "from"),
        ("smtp_auth_username", "authUsername"),
        ("smtp_require_tls", "requireTLS"),
    ):
        if old in smtp:
            email[new] = smtp[old]
    if "smtp_auth_password_file" in smtp:
        email["authPassword"] = _secret(secret, smtp["smtp_auth_password_file"])
    return email


def _inhibit(rule: dict[str, Any]) -> dict[str, Any]:
    result = {
        "sourceMatch": _matchers(rule["source_matchers"]),
        "targetMatch": _matchers(rule["target_matchers"]),
    }
    if "equal" in rule:
        result["equal"] = rule["equal"]
    return result


def _interval(interval: dict[str, Any]) -> dict[str, Any]:
    """The CRD has no `location`: times are UTC in the operator's Alertmanager."""
    converted = []
    for spec in interval["time_intervals"]:
        item: dict[str, Any] = {}
        if "times" in spec:
            item["times"] = [
                {"startTime": t["start_time"], "endTime": t["end_time"]} for t in spec["times"]
            ]
        for key in ("weekdays", "months"):
            if key in spec:
                item[key] = spec[key]
        if "days_of_month" in spec:
            item["daysOfMonth"] = [_day_range(d) for d in spec["days_of_month"]]
        converted.append(item)
    return {"name": interval["name"], "timeIntervals": converted}


def _day_range(text: str) -> dict[str, int]:
    start, _, end = text.partition(":")
    return {"start": int(start), "end": int(end or start)}
