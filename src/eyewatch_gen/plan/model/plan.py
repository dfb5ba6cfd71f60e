"""The whole plan: its areas and every section."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from eyewatch_gen.plan.fields import ChannelName, MetricName, Slug, VarName
from eyewatch_gen.plan.model.alerts import Alert, AlertSet, Metric
from eyewatch_gen.plan.model.base import Model
from eyewatch_gen.plan.model.budget import PageBudget
from eyewatch_gen.plan.model.dashboards import Dashboard, Grafana
from eyewatch_gen.plan.model.environments import Environment
from eyewatch_gen.plan.model.log_alerts import LogAlert
from eyewatch_gen.plan.model.logging import Logging
from eyewatch_gen.plan.model.maintenance import Maintenance
from eyewatch_gen.plan.model.outputs import Outputs
from eyewatch_gen.plan.model.policy import Policy
from eyewatch_gen.plan.model.recovery import Recovery
from eyewatch_gen.plan.model.routing import Channel, Inhibition, OnCall, Severities, Smtp, Team
from eyewatch_gen.plan.model.runbooks import Runbooks
from eyewatch_gen.plan.model.scrape import Job, Probe, ProbeAlerting, PrometheusServer
from eyewatch_gen.plan.model.slos import Slo
from eyewatch_gen.plan.model.versions import Versions
from eyewatch_gen.plan.model.windows import MaintenanceWindow


class Area(Model):
    """A monitoring area: one rule file, one rule group and one dashboard."""

    title: str = Field(description="Human title, used for dashboards and docs.")
    team: Slug | None = Field(None, description="Owning team; its alerts carry a `team` label.")
    description: str = ""


class Plan(Model):
    """The whole monitoring plan."""

    version: Literal[1]
    platform: Slug
    vars: dict[VarName, str] = Field(
        default_factory=dict,
        description="Values that {{.name}} stands for anywhere in the plan, e.g. the ingress "
        "gateway's workload name in Istio selectors; substituted before validation.",
    )
    include: list[str] = Field(
        default_factory=list,
        description="Team files to merge in, relative to the plan: plan.d/*.yaml.",
    )
    versions: Versions = Field(
        default_factory=Versions,
        description="Releases of Prometheus, Alertmanager and the Prometheus Operator the team "
        "runs (default: current releases).",
    )
    areas: dict[Slug, Area]
    severities: Severities
    channels: dict[ChannelName, Channel]
    oncall: OnCall | None = None
    smtp: Smtp | None = None
    grafana: Grafana | None = None
    dashboards: dict[Slug, Dashboard] = Field(default_factory=dict)
    teams: dict[Slug, Team] = Field(default_factory=dict)
    inhibitions: list[Inhibition] = Field(default_factory=list)
    prometheus: PrometheusServer = Field(default_factory=PrometheusServer)
    probes: list[Probe] = Field(default_factory=list)
    probe_alerting: ProbeAlerting = Field(default_factory=ProbeAlerting)
    jobs: dict[Slug, Job] = Field(
        default_factory=dict,
        description="Scrape jobs by their `job` label; each gets a target-down alert.",
    )
    metrics: dict[MetricName, Metric]
    alerts: list[Alert] = Field(default_factory=list)
    alert_sets: list[AlertSet] = Field(default_factory=list)
    slos: list[Slo] = Field(default_factory=list)
    maintenance_windows: list[MaintenanceWindow] = Field(default_factory=list)
    page_budget: PageBudget = Field(
        default_factory=PageBudget,
        description="Notifications per week each level may send (`verify --backtest`).",
    )
    maintenance: Maintenance | None = Field(
        None, description="Maintenance routines: the checklist and the team calendar."
    )
    recovery: Recovery | None = Field(
        None, description="RPO, RTO, backups and restore tests, with the alerts that keep them."
    )
    runbooks: Runbooks | None = Field(
        None, description="Troubleshooting guides and recovery procedures; runbook pages."
    )
    logging: Logging | None = None
    log_alerts: list[LogAlert] = Field(
        default_factory=list,
        description="Alerts on log events (ElastAlert 2), routed like metric alerts.",
    )
    outputs: Outputs = Field(default_factory=Outputs)
    policy: Policy = Field(default_factory=Policy)
    environments: dict[Slug, Environment] = Field(
        default_factory=dict,
        description="When set, render writes one tree per environment (generated/<env>/).",
    )
