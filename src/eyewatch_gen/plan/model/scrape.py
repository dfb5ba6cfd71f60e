"""Prometheus: the server, the scrape jobs the plan relies on and blackbox probes."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from eyewatch_gen.plan.fields import Duration, LabelName, Level, SecretFile, Slug, Url
from eyewatch_gen.plan.model.base import Model


class KubernetesDiscovery(Model):
    """How Prometheus finds a job's targets in Kubernetes (kubernetes_sd_configs)."""

    role: Literal["node", "pod", "endpoints", "service"] = "endpoints"
    namespaces: list[Slug] = Field(default_factory=list, description="Default: all.")
    service: str | None = Field(None, description="endpoints: keep this Service's endpoints.")
    port: str | None = Field(None, description="Keep the endpoint or container port of this name.")
    labels: dict[str, str] = Field(
        default_factory=dict,
        description="pod: keep pods with these labels (values are regular expressions).",
    )


class Job(Model):
    """A scrape job the plan relies on; a scrape-health alert is generated for it."""

    area: Slug
    severity: Level = "P2"
    for_: Duration = Field("5m", alias="for")
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
    scheme: Literal["http", "https"] = "http"
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
