"""Prometheus: the server, the scrape jobs the plan relies on and blackbox probes."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from eyewatch_gen.plan.fields import (
    Duration,
    HoldDuration,
    LabelName,
    Level,
    RunbookRef,
    SecretFile,
    Slug,
    Url,
)
from eyewatch_gen.plan.model.base import Model

ScrapeProtocol = Literal[
    "PrometheusText0.0.4",
    "PrometheusText1.0.0",
    "OpenMetricsText0.0.1",
    "OpenMetricsText1.0.0",
    "PrometheusProto",
]


class KubernetesDiscovery(Model):
    """How Prometheus finds a job's targets in Kubernetes (kubernetes_sd_configs)."""

    role: Literal["node", "pod", "endpoints", "endpointslice", "service"] | None = Field(
        None,
        description="Default: endpointslice for Prometheus 3 (versions.prometheus), endpoints "
        "before (Kubernetes deprecates the Endpoints API since 1.33).",
    )
    namespaces: list[Slug] = Field(default_factory=list, description="Default: all.")
    service: str | None = Field(
        None,
        description="endpoints, endpointslice: keep this Service's endpoints (a regular "
        "expression).",
    )
    app: str | None = Field(
        None,
        description="Keep targets whose app.kubernetes.io/name label (of the Service for "
        "endpoints, endpointslice and service, of the pod for pod) matches this regular "
        "expression: the "
        "same in every install, unlike Service names that carry a Helm release.",
    )
    port: str | None = Field(
        None,
        description="Keep the endpoint or container port whose name matches this regular "
        "expression, e.g. https|http-metrics.",
    )
    labels: dict[str, str] = Field(
        default_factory=dict,
        description="pod: keep pods with these labels (values are regular expressions).",
    )


class Job(Model):
    """A scrape job the plan relies on; a scrape-health alert is generated for it."""

    area: Slug
    severity: Level = "P2"
    for_: HoldDuration = Field("5m", alias="for")
    description: str = ""
    kubernetes: KubernetesDiscovery | None = None
    static: list[str] = Field(default_factory=list, description="host:port targets.")
    interval: Duration | None = Field(None, description="Scrape interval (default: global).")
    timeout: Duration | None = None
    metrics_paths: list[str] = Field(
        default_factory=lambda: ["/metrics"],
        min_length=1,
        description="One scrape config per path, all labelled "
        "with this job and a metrics_path label.",
    )
    scheme: Literal["http", "https", "by-port"] = Field(
        "http",
        description="by-port: https when the discovered port's name starts with https "
        "(kube-rbac-proxy in kube-prometheus), http otherwise (the Helm charts).",
    )
    insecure_skip_verify: bool = Field(
        False,
        description="Do not verify the target's certificate (kube-rbac-proxy serves a "
        "self-signed one; kube-prometheus's own ServiceMonitors skip verification too).",
    )
    runbook: RunbookRef | None = Field(
        None, description="Runbook of the job's scrape alerts: a guide, or a URL."
    )
    fallback_scrape_protocol: ScrapeProtocol | None = Field(
        None,
        description="Prometheus 3 fails a scrape whose Content-Type is missing or unknown; "
        "this protocol is used instead (application exporters: PrometheusText0.0.4).",
    )
    honor_labels: bool = Field(
        False,
        description="Keep the target's own namespace/pod labels (kube-state-metrics, federation).",
    )
    ca_file: SecretFile | None = None
    bearer_token_file: SecretFile | None = None

    @model_validator(mode="after")
    def _one_discovery(self) -> Job:
        if (self.kubernetes is None) == (not self.static):
            raise ValueError(
                "give exactly one of kubernetes (service discovery) or static (targets)"
            )
        return self


class Probe(Model):
    """A user-facing endpoint probed by blackbox_exporter (job `blackbox`)."""

    name: Slug
    target: str = Field(
        min_length=1, description="URL (http), host:port (tcp) or a DNS server host:port (dns)."
    )
    module: Literal["http", "tcp", "dns"] = "http"
    expect_status: list[int] = Field(
        default_factory=list, description="http: accepted status codes (default 2xx)."
    )
    query_name: str | None = Field(None, description="dns: the name to resolve.")
    severity: Level = Field(
        "P1",
        description="Level of <Probe>ProbeFailing; P1 for user-facing endpoints "
        "(service availability), lower for internal ones.",
    )
    for_: HoldDuration = Field("3m", alias="for", description="How long the probe must fail.")
    runbook: RunbookRef | None = None


class CertificateExpiry(Model):
    """TLS certificates of the https probes: a ticket when renewal is overdue, a page when
    expiry is close."""

    ticket: Duration = Field("21d", description="Open a ticket when less than this remains.")
    ticket_severity: Level = "P4"
    page: Duration = Field("7d", description="Page when less than this remains.")
    page_severity: Level = "P2"
    runbook: RunbookRef | None = None


class ProbeAlerting(Model):
    """Where the probe alerts go and how certificate expiry is treated."""

    area: Slug | None = Field(
        None, description="Area of the probe alerts (default: the area of job `blackbox`)."
    )
    certificates: CertificateExpiry = Field(default_factory=CertificateExpiry)


class RemoteWrite(Model):
    """A long-term store (Thanos receive, Mimir); credentials by file only."""

    url: Url
    username: str | None = None
    password_file: SecretFile | None = None
    bearer_token_file: SecretFile | None = None


class PrometheusServer(Model):
    """The Prometheus server configuration."""

    scrape_interval: Duration = "30s"
    scrape_timeout: Duration = "10s"
    evaluation_interval: Duration = "30s"
    external_labels: dict[LabelName, str] = Field(default_factory=dict)
    alertmanagers: list[str] = Field(default_factory=lambda: ["alertmanager:9093"], min_length=1)
    blackbox_exporter: str = "blackbox-exporter:9115"
    remote_write: list[RemoteWrite] = Field(default_factory=list)
