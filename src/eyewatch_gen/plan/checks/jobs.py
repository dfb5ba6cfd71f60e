"""Scraping: the jobs metrics come from, their scrape intervals, and blackbox probes."""

from __future__ import annotations

import re
from collections.abc import Iterator

from eyewatch_gen.plan import availability, durations
from eyewatch_gen.plan.checks.common import DUPLICATE_NAME, UNKNOWN_AREA, Check, dangling
from eyewatch_gen.plan.model import Plan
from eyewatch_gen.plan.scraping import discovery_role, metric_job
from eyewatch_gen.plan.source import Source
from eyewatch_gen.plan.validate import suggest
from eyewatch_gen.problems import Problem
from eyewatch_gen.promql.windows import range_windows

UNDECLARED_JOB = "plan/undeclared-job"
SCRAPE_INTERVAL = "plan/scrape-interval"
PROBE = "plan/probe"
DISCOVERY = "plan/discovery"
AVAILABILITY = "plan/availability"
SLO_WINDOW = "plan/slo-window"


def _metric_jobs(plan: Plan, source: Source) -> Iterator[Problem]:
    for name in plan.metrics:
        job = metric_job(plan, name)
        if job is None or job in plan.jobs:
            continue
        users = [a.name for a in plan.alerts if a.metric == name]
        lost = f"; alerts {', '.join(users)} lose their source" if users else ""
        yield source.problem(
            ("metrics", name),
            f"its scrape job {job!r} is not declared in jobs{suggest(job, plan.jobs)}{lost}",
            UNDECLARED_JOB,
            key=True,
            level="warning",
        )


def _scrape_windows(plan: Plan, source: Source) -> Iterator[Problem]:
    """A rate window must span at least four scrapes, or the rate is noise or nothing."""
    for name, metric in plan.metrics.items():
        job = plan.jobs.get(metric_job(plan, name) or "")
        if job is None:
            continue
        interval = durations.seconds(job.interval or plan.prometheus.scrape_interval)
        windows = [
            durations.seconds(w) for w in range_windows(metric.expr) if durations.is_duration(w)
        ]
        if windows and min(windows) < 4 * interval:
            yield source.problem(
                ("metrics", name, "expr"),
                f"a [{durations.format_seconds(min(windows))}] "
                f"window sees fewer than four scrapes of job "
                f"{metric_job(plan, name)!r} (every "
                f"{durations.format_seconds(interval)}); scrape it every "
                f"{durations.format_seconds(min(windows) / 4)} or less, or widen "
                "the window",
                SCRAPE_INTERVAL,
            )


def _probes(plan: Plan, source: Source) -> Iterator[Problem]:
    names = [p.name for p in plan.probes]
    for i, probe in enumerate(plan.probes):
        at = ("probes", i)
        if probe.name in names[:i]:
            yield source.problem((*at, "name"), f"{probe.name!r} is already used", DUPLICATE_NAME)
        if probe.module == "http" and not re.match(r"https?://", probe.target):
            yield source.problem((*at, "target"), "an http probe needs an http(s):// URL", PROBE)
        if probe.module in ("tcp", "dns") and not re.fullmatch(r"[A-Za-z0-9.-]+:\d+", probe.target):
            yield source.problem((*at, "target"), f"a {probe.module} probe needs host:port", PROBE)
        if (probe.module == "dns") != (probe.query_name is not None):
            yield source.problem(at, "query_name goes with (and only with) dns probes", PROBE)


def _discovery(plan: Plan, source: Source) -> Iterator[Problem]:
    """Options that only some kinds of discovery can honour."""
    for name, job in plan.jobs.items():
        role = discovery_role(plan, job.kubernetes) if job.kubernetes else None
        if job.scheme == "by-port" and role not in ("pod", "endpoints", "endpointslice", "service"):
            yield source.problem(
                ("jobs", name, "scheme"),
                "by-port needs Kubernetes discovery with role pod, endpoints, endpointslice or "
                "service (it reads the discovered port's name); use http or https",
                DISCOVERY,
            )
        if job.kubernetes and job.kubernetes.app and role == "node":
            yield source.problem(
                ("jobs", name, "kubernetes", "app"),
                "nodes have no app.kubernetes.io/name label; app goes with role pod, "
                "endpoints, endpointslice or service",
                DISCOVERY,
            )


def _availability(plan: Plan, source: Source) -> Iterator[Problem]:
    """Probe and stopped-traffic alerts need an area, and a baseline they can offset."""
    wanted = bool(plan.probes) or any(s.alerting.traffic_stopped for s in plan.slos)
    where = availability.area(plan)
    if wanted and where is None:
        yield source.problem(
            ("probe_alerting",) if plan.probes else ("slos",),
            "probe and stopped-traffic alerts need an area: declare job "
            f"{availability.PROBE_JOB!r} or set probe_alerting.area",
            AVAILABILITY,
        )
    elif wanted and where not in plan.areas:
        yield dangling(
            source, ("probe_alerting", "area"), "area", str(where), plan.areas, UNKNOWN_AREA
        )
    for i, slo in enumerate(plan.slos):
        if slo.alerting.traffic_stopped and not availability.has_window(slo.sli.total):
            yield source.problem(
                ("slos", i, "sli", "total"),
                "traffic_stopped compares with a day before: write the window as "
                "[{{.window}}] so it can become [1h] offset 1d",
                SLO_WINDOW,
            )


CHECKS: tuple[Check, ...] = (
    _metric_jobs,
    _scrape_windows,
    _probes,
    _discovery,
    _availability,
)
