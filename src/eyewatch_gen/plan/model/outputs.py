"""Optional outputs for other rule engines."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from eyewatch_gen.plan.fields import Slug
from eyewatch_gen.plan.model.base import Model


class KubernetesOutput(Model):
    """PrometheusRule (and AlertmanagerConfig) objects for the Prometheus Operator."""

    namespace: Slug = "monitoring"
    labels: dict[str, str] = Field(
        default_factory=dict,
        description="Labels the operator's ruleSelector matches, e.g. release: kube-prometheus.",
    )
    alertmanager_config: bool = Field(
        False, description="Also render the routing as an AlertmanagerConfig object."
    )
    secret: Slug = Field(
        "alertmanager-secrets",
        description="Kubernetes Secret holding the files the plan references, keyed by file name.",
    )


class ThanosOutput(Model):
    """Rule files for the Thanos ruler."""

    partial_response_strategy: Literal["warn", "abort"] = "abort"


class Outputs(Model):
    """Optional outputs for other rule engines (opt-in)."""

    kubernetes: KubernetesOutput | None = None
    mimir: bool = Field(
        False, description="mimirtool rules load files, one namespace per team (or area)."
    )
    thanos: ThanosOutput | None = None
