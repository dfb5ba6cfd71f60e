"""Scraping as the plan's releases run it: which job provides a metric, how often a job is
scraped, and which Kubernetes discovery role a job uses."""

from __future__ import annotations

from eyewatch_gen.plan import durations
from eyewatch_gen.plan.model import KubernetesDiscovery, Plan
from eyewatch_gen.promql.selectors import first_equality


def metric_job(plan: Plan, name: str) -> str | None:
    """The scrape job providing metric `name`: its `job`, else the job="..." it selects."""
    metric = plan.metrics[name]
    if metric.job:
        return metric.job
    return first_equality(metric.expr, "job")


def scrape_seconds(plan: Plan, job: str | None) -> float:
    """How often `job` is scraped: its own interval, else the global one (also for a job the
    plan does not declare)."""
    spec = plan.jobs.get(job or "")
    interval = spec.interval if spec is not None and spec.interval else None
    return durations.seconds(interval or plan.prometheus.scrape_interval)


def discovery_role(plan: Plan, discovery: KubernetesDiscovery) -> str:
    """The role as written, else endpointslice on Prometheus 3 and endpoints before it."""
    if discovery.role is not None:
        return discovery.role
    return "endpointslice" if plan.versions.has("endpointslice-by-default") else "endpoints"
