"""Prometheus rule files: `prometheus/rules/<area>.rules.yml`, one rule group per area.

Format: https://prometheus.io/docs/prometheus/latest/configuration/recording_rules/ and
.../alerting_rules/. Annotation templates (`{{ $labels.instance }}`) pass through verbatim.
"""

from __future__ import annotations

from typing import Any

from eyewatch_gen.artifacts import Artifact, yaml_artifact
from eyewatch_gen.plan import durations
from eyewatch_gen.plan.catalog import rule_groups
from eyewatch_gen.plan.model import Plan
from eyewatch_gen.plan.rules import AlertingRule, RecordingRule, RuleGroup


def render(plan: Plan) -> list[Artifact]:
    """One rules file per area that has rules."""
    return [
        yaml_artifact(rules_path(area), {"groups": groups})
        for area, groups in groups_by_area(plan).items()
    ]


def groups_by_area(plan: Plan) -> dict[str, list[dict[str, Any]]]:
    """The rule groups as Prometheus reads them, by area (shared by the other engines)."""
    by_area: dict[str, list[dict[str, Any]]] = {}
    for group in rule_groups(plan):
        by_area.setdefault(group.area, []).append(group_data(group))
    return by_area


def rules_path(area: str) -> str:
    """Where the rules of `area` are written (relative to the output directory)."""
    return f"prometheus/rules/{area}.rules.yml"


def group_data(group: RuleGroup) -> dict[str, Any]:
    """A rule group as Prometheus reads it."""
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
