"""Dashboards: Grafana, extra dashboards and how a metric appears on them."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from eyewatch_gen.plan.fields import MetricName, Slug, Url
from eyewatch_gen.plan.model.base import Model


class PanelSpec(Model):
    """How a metric appears on dashboards."""

    type: Literal["timeseries", "stat", "gauge"] = "timeseries"
    dashboard: Slug | None = Field(
        None, description="Dashboard to put it on (default: the area's)."
    )
    min: float | None = None
    max: float | None = None
    hide: bool = Field(False, description="Keep the metric off every dashboard.")


class Grafana(Model):
    """Where Grafana and its data sources live (provisioning and alert links)."""

    url: Url = Field(description="Grafana base URL; alerts link to their panel.")
    prometheus_url: Url = "http://prometheus:9090"
    elasticsearch_url: Url | None = None
    folder: str = "Monitoring"


class Dashboard(Model):
    """An extra dashboard made of named metrics."""

    title: str
    metrics: list[MetricName] = Field(
        default_factory=list,
        description="Metrics shown here besides those whose panel names this dashboard.",
    )
