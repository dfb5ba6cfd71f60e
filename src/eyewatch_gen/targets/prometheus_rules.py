"""Prometheus rule files: `prometheus/rules/<area>.rules.yml`, one rule group per area.

Format: https://prometheus.io/docs/prometheus/latest/configuration/recording_rules/ and
.../alerting_rules/. Annotation templates (`{{ $labels.instance }}`) pass through verbatim.
The groups come from `rulefmt`, shared with the other rule engines' outputs.
"""

from __future__ import annotations

from eyewatch_gen.artifacts import Artifact, yaml_artifact
from eyewatch_gen.layout import rules_path
from eyewatch_gen.plan.model import Plan
from eyewatch_gen.rulefmt import groups_by_area


def render(plan: Plan) -> list[Artifact]:
    """One rules file per area that has rules."""
    return [
        yaml_artifact(rules_path(area), {"groups": groups})
        for area, groups in groups_by_area(plan).items()
    ]
