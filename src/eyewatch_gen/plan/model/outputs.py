"""Optional outputs for other rule engines."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from eyewatch_gen.plan.fields import Slug
from eyewatch_gen.plan.model.base import Model

OperatorMode = Literal[
    "configuration", "None", "OnNamespaceExceptForAlertmanagerNamespace", "OnNamespace"
]


class OperatorAlertmanager(Model):
    """The Prometheus Operator `Alertmanager` resource that loads the AlertmanagerConfig
    object, and how. `kubernetes/alertmanager-patch.yaml` holds the setting each mode needs."""

    name: Slug = Field(
        "main",
        description="Name of the Alertmanager resource (kube-prometheus: main; "
        "kube-prometheus-stack: <release>-alertmanager).",
    )
    namespace: Slug | None = Field(
        None, description="Its namespace (default: the object's, outputs.kubernetes.namespace)."
    )
    mode: OperatorMode | None = Field(
        None,
        description="How the Alertmanager loads the object. configuration: it names the "
        "object in spec.alertmanagerConfiguration, which is then the whole configuration, "
        "routed exactly as alertmanager.yml (keep the object out of its "
        "alertmanagerConfigSelector, or it is merged a second time). None, "
        "OnNamespaceExceptForAlertmanagerNamespace: its alertmanagerConfigMatcherStrategy; "
        "the selected object is merged first into the base configuration and every alert "
        "passes through it (then on to the base configuration's routes). OnNamespace (the "
        "operator's default): only alerts labelled namespace=<the object's namespace> reach "
        "it, a plan error when some alert of the plan would not. Unset: "
        "OnNamespaceExceptForAlertmanagerNamespace (operator 0.84+, same namespace), else None; "
        "kubernetes/alertmanager-patch.yaml holds the setting.",
    )


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
    alertmanager: OperatorAlertmanager = Field(
        default_factory=OperatorAlertmanager,
        description="The Alertmanager resource that loads the AlertmanagerConfig object.",
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
