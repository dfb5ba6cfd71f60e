"""Routing expectations: `alertmanager/routing-tests.yml`.

For every level, every team that overrides a level and every escalation step of an escalated
level, the label set an alert carries and the receivers (and channels) it must reach. The test
suite and `eyewatch-gen lint` feed each case to `amtool config routes test --verify.receivers=...`.
"""

from __future__ import annotations

from typing import Any

from eyewatch_gen.artifacts import Artifact, yaml_artifact
from eyewatch_gen.plan.alerting import level_routes
from eyewatch_gen.plan.escalation import ORIGINAL_LABEL, STEP_LABEL, levels, rule_name, steps
from eyewatch_gen.plan.model import Plan

PATH = "alertmanager/routing-tests.yml"


def render(plan: Plan) -> list[Artifact]:
    """The routing expectations file."""
    return [yaml_artifact(PATH, {"tests": cases(plan)})]


def cases(plan: Plan) -> list[dict[str, Any]]:
    """One case per route: labels in, receivers and channels out."""
    result = []
    for route in level_routes(plan):
        labels = {
            "alertname": "EyewatchRoutingTest",
            "severity": route.level,
            "service": "routing-test",
        }
        if route.team:
            labels["team"] = route.team
        who = f"team {route.team}" if route.team else "any team"
        result.append(
            {
                "name": f"{route.level} from {who} reaches {route.receiver}",
                "labels": labels,
                "receivers": [route.receiver],
                "channels": list(route.channels),
            }
        )
    return result + _escalations(plan)


def _escalations(plan: Plan) -> list[dict[str, Any]]:
    """One case per escalated level and step: the escalation alert reaches the step."""
    return [
        {
            "name": f"{level} escalated to {step.name} reaches {step.receiver}",
            "labels": {
                "alertname": rule_name(level, step.name),
                "severity": level,
                "service": "routing-test",
                STEP_LABEL: step.name,
                ORIGINAL_LABEL: "EyewatchRoutingTest",
            },
            "receivers": [step.receiver],
            "channels": list(step.channels),
        }
        for level in levels(plan)
        for step in steps(plan)
    ]
