"""ElastAlert 2 (2.19): `elastalert/rules/<name>.yaml`, one rule per log alert, and the global
`elastalert/config.yaml`.

Every rule posts to the plan's Alertmanagers (API v2) with the alert's `severity`, `area`,
`team` and `service` labels, so the metric alerts' routing, inhibition, maintenance windows
and escalation apply unchanged; `service` is copied from the matched event's `service.name`
when the plan names none. Elasticsearch credentials are not in these files: ElastAlert reads
`ES_USERNAME` and `ES_PASSWORD` from its environment. ElastAlert expands `$NAME` in the raw
files before parsing them, so every `$` of plan text is written as the YAML escape `\\x24`.
Rule format: https://elastalert2.readthedocs.io/en/latest/ruletypes.html
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from eyewatch_gen.artifacts import Artifact, yaml_artifact
from eyewatch_gen.layout import log_rule_path
from eyewatch_gen.plan import durations
from eyewatch_gen.plan.log_alerts import LogRule, log_rules
from eyewatch_gen.plan.model import LogAlert, Logging, Plan

VERSION = "2.19"
RULES_DIR = "elastalert/rules"
CONFIG = "elastalert/config.yaml"
#: where the ElastAlert container reads the rules (its config says so)
RULES_FOLDER = "/opt/elastalert/rules"
_TYPES = {"count": "frequency", "spike": "spike", "new_value": "new_term", "any": "any"}
_UNITS = (("weeks", 604800), ("days", 86400), ("hours", 3600), ("minutes", 60))


def render(plan: Plan) -> list[Artifact]:
    """The global config and one rule per log alert (none without log alerts)."""
    rules = log_rules(plan)
    if plan.logging is None or not rules:
        return []
    artifacts = [
        yaml_artifact(rule_path(r.name), rule(plan, r), without_dollars=True) for r in rules
    ]
    artifacts.append(yaml_artifact(CONFIG, config(plan.logging), without_dollars=True))
    return artifacts


def rule_path(name: str) -> str:
    """Where the rule of log alert `name` is written."""
    return log_rule_path(name)


def timeframe(duration: str) -> dict[str, int]:
    """A duration as ElastAlert's time dictionary, in the largest whole unit."""
    seconds = int(durations.seconds(duration))
    for unit, size in _UNITS:
        if seconds and seconds % size == 0:
            return {unit: seconds // size}
    return {"seconds": seconds}


def rule(plan: Plan, log_rule: LogRule) -> dict[str, Any]:
    """One ElastAlert rule as data."""
    alert = log_rule.alert
    data: dict[str, Any] = {
        "name": alert.name,
        "description": alert.description or alert.summary,
        "index": log_rule.index,
        "type": _TYPES[alert.kind],
        **_kind_options(alert),
        "filter": [{"term": {field: value}} for field, value in alert.where.items()],
        "alert": ["alertmanager"],
        "alert_subject": alert.summary,
        "alert_text": alert.description or alert.summary,
        "alert_text_type": "alert_text_only",
        **_alertmanager(plan, log_rule),
    }
    if not alert.where:
        del data["filter"]
    return data


def _kind_options(alert: LogAlert) -> dict[str, Any]:
    options: dict[str, Any] = {}
    if alert.group_by:
        options["query_key"] = alert.group_by[0]
    if alert.kind == "count":
        assert alert.more_than is not None
        options |= {"num_events": alert.more_than + 1, "timeframe": timeframe(alert.within)}
    elif alert.kind == "spike":
        options |= {
            "spike_height": alert.factor,
            "spike_type": "up",
            "timeframe": timeframe(alert.within),
            "threshold_cur": alert.min_events,
            "alert_on_new_data": False,
        }
    elif alert.kind == "new_value":
        assert alert.field is not None
        options |= {
            "fields": [alert.field],
            "terms_window_size": timeframe(alert.lookback),
            "alert_on_missing_field": False,
        }
    return options


def _alertmanager(plan: Plan, log_rule: LogRule) -> dict[str, Any]:
    # Resolve once the condition stops being re-posted: a window after the last match.
    resolve = max(durations.seconds(log_rule.alert.within), 300.0)
    options: dict[str, Any] = {
        "alertmanager_hosts": [f"http://{host}" for host in plan.prometheus.alertmanagers],
        "alertmanager_api_version": "v2",
        "alertmanager_alertname": log_rule.name,
        "alertmanager_labels": dict(log_rule.labels),
        "alertmanager_resolve_time": timeframe(durations.format_seconds(resolve)),
    }
    if log_rule.label_fields:
        options["alertmanager_fields"] = dict(log_rule.label_fields)
    if log_rule.annotations:
        options["alertmanager_annotations"] = dict(log_rule.annotations)
    return options


def config(logging: Logging) -> dict[str, Any]:
    """ElastAlert's global config.yaml: the cluster (the plan's first Elasticsearch host),
    where rules live and how often they run."""
    url = urlsplit(logging.output.hosts[0])
    https = url.scheme == "https"
    data: dict[str, Any] = {
        "rules_folder": RULES_FOLDER,
        "run_every": {"minutes": 1},
        "buffer_time": {"minutes": 15},
        "es_host": url.hostname or "",
        "es_port": url.port or 9200,
        "use_ssl": https,
        "verify_certs": https,
        "writeback_index": "elastalert_status",
        "alert_time_limit": {"days": 2},
    }
    if https and logging.output.ca_file:
        data["ca_certs"] = logging.output.ca_file
    return data
