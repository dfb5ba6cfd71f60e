"""Routing expectations: `alertmanager/routing-tests.yml`.

For every level, and every team that overrides a level, the label set an alert carries and
the receivers (and channels) it must reach. The test suite and `eyewatch-gen lint` feed each
case to `amtool config routes test --verify.receivers=...`.
"""

from __future__ import annotations

from typing import Any

from eyewatch_gen.artifacts import Artifact, yaml_artifact
from eyewatch_gen.plan.alerting import level_routes
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
    return result
