"""The same rule groups for other engines (opt-in in `outputs:`):

- `kubernetes/prometheusrules/<area>.yaml`: Prometheus Operator `PrometheusRule` objects
  (monitoring.coreos.com/v1) in the plan's namespace, with the labels its ruleSelector wants;
- `mimir/rules/<namespace>.yaml`: `mimirtool rules load` files, one namespace per team (or
  area when it has none);
- `thanos/rules/<area>.rules.yml`: Thanos ruler files, each group with its
  `partial_response_strategy`.
"""

from __future__ import annotations

from typing import Any

from eyewatch_gen.artifacts import Artifact, yaml_artifact
from eyewatch_gen.plan.model import Plan
from eyewatch_gen.rulefmt import groups_by_area


def render(plan: Plan) -> list[Artifact]:
    """Every enabled engine's files."""
    outputs = plan.outputs
    artifacts = []
    if outputs.kubernetes is not None:
        artifacts += _kubernetes(plan)
    if outputs.mimir:
        artifacts += _mimir(plan)
    if outputs.thanos is not None:
        artifacts += _thanos(plan)
    return artifacts


def _kubernetes(plan: Plan) -> list[Artifact]:
    spec = plan.outputs.kubernetes
    assert spec is not None
    return [
        yaml_artifact(
            f"kubernetes/prometheusrules/{area}.yaml",
            {
                "apiVersion": "monitoring.coreos.com/v1",
                "kind": "PrometheusRule",
                "metadata": {
                    "name": f"{plan.platform}-{area}",
                    "namespace": spec.namespace,
                    "labels": {"app.kubernetes.io/managed-by": "eyewatch-gen", **spec.labels},
                },
                "spec": {"groups": groups},
            },
        )
        for area, groups in groups_by_area(plan).items()
    ]


def _mimir(plan: Plan) -> list[Artifact]:
    namespaces: dict[str, list[dict[str, Any]]] = {}
    for area, groups in groups_by_area(plan).items():
        team = plan.areas[area].team if area in plan.areas else None
        namespaces.setdefault(team or area, []).extend(groups)
    return [
        yaml_artifact(f"mimir/rules/{namespace}.yaml", {"namespace": namespace, "groups": groups})
        for namespace, groups in sorted(namespaces.items())
    ]


def _thanos(plan: Plan) -> list[Artifact]:
    spec = plan.outputs.thanos
    assert spec is not None
    return [
        yaml_artifact(
            f"thanos/rules/{area}.rules.yml",
            {
                "groups": [
                    {**group, "partial_response_strategy": spec.partial_response_strategy}
                    for group in groups
                ]
            },
        )
        for area, groups in groups_by_area(plan).items()
    ]
