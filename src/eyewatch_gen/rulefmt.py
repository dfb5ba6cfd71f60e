"""Rule groups as Prometheus reads them (its `rulefmt` file format), as data.

One serialisation shared by every output that carries rule groups: Prometheus rule files, the
Operator's PrometheusRule objects, Mimir and Thanos.
Format: https://prometheus.io/docs/prometheus/latest/configuration/recording_rules/
"""

from __future__ import annotations

from typing import Any

from eyewatch_gen.plan import durations
from eyewatch_gen.plan.catalog import rule_groups
from eyewatch_gen.plan.model import Plan
from eyewatch_gen.plan.rules import AlertingRule, RecordingRule, RuleGroup


def groups_by_area(plan: Plan) -> dict[str, list[dict[str, Any]]]:
    """The plan's rule groups as Prometheus reads them, by area."""
    by_area: dict[str, list[dict[str, Any]]] = {}
    for group in rule_groups(plan):
        by_area.setdefault(group.area, []).append(_group(group))
    return by_area


def _group(group: RuleGroup) -> dict[str, Any]:
    rules = [_recording(r) for r in group.recording] + [_alerting(r) for r in group.alerting]
    return {"name": group.name, "rules": rules}


def _recording(rule: RecordingRule) -> dict[str, Any]:
    data: dict[str, Any] = {"record": rule.record, "expr": rule.expr}
    if rule.labels:
        data["labels"] = dict(rule.labels)
    return data


def _alerting(rule: AlertingRule) -> dict[str, Any]:
    data: dict[str, Any] = {"alert": rule.name, "expr": rule.expr}
    if durations.seconds(rule.for_) > 0:
        data["for"] = rule.for_
    if rule.keep_firing_for:
        data["keep_firing_for"] = rule.keep_firing_for
    data["labels"] = dict(rule.labels)
    data["annotations"] = dict(rule.annotations)
    return data
