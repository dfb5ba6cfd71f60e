"""The Alertmanager routing as a Prometheus Operator `AlertmanagerConfig` object
(monitoring.coreos.com/v1alpha1): `kubernetes/alertmanagerconfig.yaml`, opt-in with
`outputs.kubernetes.alertmanager_config`, and `kubernetes/alertmanager-patch.yaml`, the
setting the `Alertmanager` resource needs so that the object routes every alert (by default
the operator adds `namespace="<the object's namespace>"` to it: `plan/alerting/operator.py`).

It is written from the same alerting view (`plan/alerting`) as `alertmanager/alertmanager.yml`,
so the two cannot disagree. Files the plan references (routing keys, tokens, the SMTP
password, webhook URLs) become keys of one Kubernetes Secret (`outputs.kubernetes.secret`),
named after the file.
API: https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1alpha1.AlertmanagerConfig
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from eyewatch_gen.artifacts import HEADER, Artifact, dump_yaml, yaml_artifact
from eyewatch_gen.plan.alerting import (
    Email,
    InhibitRule,
    Matcher,
    Opsgenie,
    PagerDuty,
    Receiver,
    Route,
    Smtp,
    TimeInterval,
    Webhook,
    alerting,
    loading,
)
from eyewatch_gen.plan.alerting.operator import Loading
from eyewatch_gen.plan.model import Plan

PATH = "kubernetes/alertmanagerconfig.yaml"
PATCH = "kubernetes/alertmanager-patch.yaml"


def render(plan: Plan) -> list[Artifact]:
    """The AlertmanagerConfig object and the Alertmanager patch, when the plan asks."""
    how = loading(plan)
    if how is None:
        return []
    return [yaml_artifact(PATH, document(plan)), _patch_artifact(how)]


def patch(how: Loading) -> dict[str, Any]:
    """The part of the Alertmanager resource that makes it load the object as `how` says."""
    spec: dict[str, Any] = (
        {"alertmanagerConfiguration": {"name": how.name}}
        if how.mode == "configuration"
        else {"alertmanagerConfigMatcherStrategy": {"type": how.mode}}
    )
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "Alertmanager",
        "metadata": {"name": how.alertmanager, "namespace": how.alertmanager_namespace},
        "spec": spec,
    }


def _patch_artifact(how: Loading) -> Artifact:
    usage = (
        f"# Merge into the Alertmanager resource {how.alertmanager_namespace}/"
        f"{how.alertmanager}: without it, the operator\n"
        f"# routes only alerts labelled namespace={how.namespace} through {PATH}.\n"
        f"#   kubectl -n {how.alertmanager_namespace} patch alertmanager {how.alertmanager} "
        "--type merge --patch-file alertmanager-patch.yaml\n"
        "# (Helm: the same keys under alertmanager.alertmanagerSpec in the chart's values.)\n"
    )
    return Artifact(PATCH, (HEADER + usage + dump_yaml(patch(how))).encode())


def document(plan: Plan) -> dict[str, Any]:
    """The AlertmanagerConfig object as data."""
    spec = plan.outputs.kubernetes
    how = loading(plan)
    assert spec is not None and how is not None
    view = alerting(plan)
    smtp = view.global_.smtp
    body: dict[str, Any] = {
        "route": _route(view.root),
        "receivers": [_receiver(r, smtp, spec.secret) for r in view.receivers],
        "inhibitRules": [_inhibit(rule) for rule in view.inhibit_rules],
    }
    if view.time_intervals:
        body["muteTimeIntervals"] = [_interval(i) for i in view.time_intervals]
    return {
        "apiVersion": "monitoring.coreos.com/v1alpha1",
        "kind": "AlertmanagerConfig",
        "metadata": {
            "name": plan.platform,
            "namespace": spec.namespace,
            "labels": {"app.kubernetes.io/managed-by": "eyewatch-gen", **spec.labels},
            "annotations": {
                "eyewatch-gen/loaded-by": f"Alertmanager {how.alertmanager_namespace}/"
                f"{how.alertmanager}, mode {how.mode} ({PATCH})"
            },
        },
        "spec": body,
    }


def _matchers(matchers: tuple[Matcher, ...]) -> list[dict[str, str]]:
    return [{"name": m.label, "value": m.value, "matchType": m.op} for m in matchers]


def _route(route: Route) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in (
        ("receiver", route.receiver),
        ("groupBy", None if route.group_by is None else list(route.group_by)),
        ("groupWait", route.group_wait),
        ("groupInterval", route.group_interval),
        ("repeatInterval", route.repeat_interval),
        ("muteTimeIntervals", list(route.mute_time_intervals) or None),
    ):
        if value is not None:
            result[key] = value
    if route.matchers:
        result["matchers"] = _matchers(route.matchers)
    if route.continue_:
        result["continue"] = True
    if route.routes:
        result["routes"] = [_route(child) for child in route.routes]
    return result


def _secret(secret: str, path: str) -> dict[str, str]:
    return {"name": secret, "key": PurePosixPath(path).name}


def _receiver(receiver: Receiver, smtp: Smtp | None, secret: str) -> dict[str, Any]:
    result: dict[str, Any] = {"name": receiver.name}
    for key, items in (
        ("pagerdutyConfigs", [_pagerduty(n, secret) for n in receiver.pagerduty]),
        ("opsgenieConfigs", [_opsgenie(n, secret) for n in receiver.opsgenie]),
        ("webhookConfigs", [_webhook(n, secret) for n in receiver.webhooks]),
        ("emailConfigs", [_email(n, smtp, secret) for n in receiver.emails]),
    ):
        if items:
            result[key] = items
    return result


def _pagerduty(item: PagerDuty, secret: str) -> dict[str, Any]:
    result: dict[str, Any] = {
        "routingKey": _secret(secret, item.routing_key_file),
        "sendResolved": item.send_resolved,
        "severity": item.severity,
        "client": item.client,
    }
    if item.details:
        result["details"] = [{"key": k, "value": v} for k, v in item.details]
    return result


def _opsgenie(item: Opsgenie, secret: str) -> dict[str, Any]:
    return {
        "apiKey": _secret(secret, item.api_key_file),
        "sendResolved": item.send_resolved,
        "priority": item.priority,
    }


def _webhook(item: Webhook, secret: str) -> dict[str, Any]:
    """A `url_file` becomes `urlSecret`: the operator reads the URL from the Secret."""
    result: dict[str, Any] = (
        {"url": item.url}
        if item.url is not None
        else {"urlSecret": _secret(secret, item.url_file or "")}
    )
    result["sendResolved"] = item.send_resolved
    if item.credentials_file:
        result["httpConfig"] = {
            "authorization": {
                "type": "Bearer",
                "credentials": _secret(secret, item.credentials_file),
            }
        }
    return result


def _email(item: Email, smtp: Smtp | None, secret: str) -> dict[str, Any]:
    """An AlertmanagerConfig has no global section: SMTP settings go on every e-mail."""
    email: dict[str, Any] = {"to": item.to, "sendResolved": item.send_resolved}
    if smtp is None:
        return email
    email["smarthost"] = smtp.smarthost
    email["from"] = smtp.sender
    if smtp.auth_username:
        email["authUsername"] = smtp.auth_username
    email["requireTLS"] = smtp.require_tls
    if smtp.auth_password_file:
        email["authPassword"] = _secret(secret, smtp.auth_password_file)
    return email


def _inhibit(rule: InhibitRule) -> dict[str, Any]:
    result: dict[str, Any] = {
        "sourceMatch": _matchers(rule.source),
        "targetMatch": _matchers(rule.target),
    }
    if rule.equal:
        result["equal"] = list(rule.equal)
    return result


def _interval(interval: TimeInterval) -> dict[str, Any]:
    """The CRD has no `location`: times are UTC in the operator's Alertmanager."""
    converted = []
    for spec in interval.specs:
        item: dict[str, Any] = {}
        if spec.times:
            item["times"] = [{"startTime": t.start, "endTime": t.end} for t in spec.times]
        for key, values in (("weekdays", spec.weekdays), ("months", spec.months)):
            if values:
                item[key] = list(values)
        if spec.days_of_month:
            item["daysOfMonth"] = [_day_range(d) for d in spec.days_of_month]
        converted.append(item)
    return {"name": interval.name, "timeIntervals": converted}


def _day_range(text: str) -> dict[str, int]:
    start, _, end = text.partition(":")
    return {"start": int(start), "end": int(end or start)}
