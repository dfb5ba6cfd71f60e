"""Names that must resolve and be unique: areas, metrics, dashboards, alert and record names."""

from __future__ import annotations

from collections.abc import Iterator

from eyewatch_gen.plan import escalation, recovery, routines
from eyewatch_gen.plan.checks.common import (
    DUPLICATE_NAME,
    UNKNOWN_AREA,
    UNKNOWN_METRIC,
    Check,
    dangling,
)
from eyewatch_gen.plan.model import Plan
from eyewatch_gen.plan.source import Source
from eyewatch_gen.problems import Path, Problem

UNKNOWN_DASHBOARD = "plan/unknown-dashboard"
MATCH = "plan/match"


def _areas(plan: Plan, source: Source) -> Iterator[Problem]:
    for name, metric in plan.metrics.items():
        if metric.area not in plan.areas:
            yield dangling(
                source, ("metrics", name, "area"), "area", metric.area, plan.areas, UNKNOWN_AREA
            )
    for index, alert in enumerate(plan.alerts):
        if alert.area is not None and alert.area not in plan.areas:
            yield dangling(
                source, ("alerts", index, "area"), "area", alert.area, plan.areas, UNKNOWN_AREA
            )


def _alert_metrics(plan: Plan, source: Source) -> Iterator[Problem]:
    for index, alert in enumerate(plan.alerts):
        if alert.metric is not None and alert.metric not in plan.metrics:
            yield dangling(
                source,
                ("alerts", index, "metric"),
                "metric",
                alert.metric,
                plan.metrics,
                UNKNOWN_METRIC,
            )


def _unique_names(plan: Plan, source: Source) -> Iterator[Problem]:
    seen: dict[str, tuple[str | int, ...]] = {}
    named: list[tuple[Path, str]] = [
        (("alerts", i, "name"), a.name) for i, a in enumerate(plan.alerts)
    ]
    named += [(("slos", i, "alerting", "name"), s.alerting.name) for i, s in enumerate(plan.slos)]
    named += [(("metrics", n, "record"), m.record) for n, m in plan.metrics.items() if m.record]
    named += recovery.generated_names(plan) + routines.generated_names(plan)
    named += escalation.generated_names(plan)
    for path, name in named:
        if name in seen:
            yield source.problem(
                path,
                f"{name!r} is already used ({source.where(seen[name])}); names must be unique",
                DUPLICATE_NAME,
            )
        else:
            seen[name] = path


def _panels(plan: Plan, source: Source) -> Iterator[Problem]:
    boards = set(plan.areas) | set(plan.dashboards)
    for name, metric in plan.metrics.items():
        board = metric.panel.dashboard
        if board is not None and board not in boards:
            yield dangling(
                source,
                ("metrics", name, "panel", "dashboard"),
                "dashboard",
                board,
                boards,
                UNKNOWN_DASHBOARD,
            )
    for slug, board_spec in plan.dashboards.items():
        for j, metric_name in enumerate(board_spec.metrics):
            if metric_name not in plan.metrics:
                yield dangling(
                    source,
                    ("dashboards", slug, "metrics", j),
                    "metric",
                    metric_name,
                    plan.metrics,
                    UNKNOWN_METRIC,
                )


def _matches(plan: Plan, source: Source) -> Iterator[Problem]:
    """`match` narrows a recorded series; an unrecorded expression cannot take matchers."""
    for i, alert in enumerate(plan.alerts):
        metric = plan.metrics.get(alert.metric or "")
        if alert.match and (metric is None or metric.record is None):
            yield source.problem(
                ("alerts", i, "match"),
                "match needs a metric with a record (label matchers go on the recorded series)",
                MATCH,
            )


CHECKS: tuple[Check, ...] = (_areas, _alert_metrics, _unique_names, _panels, _matches)
