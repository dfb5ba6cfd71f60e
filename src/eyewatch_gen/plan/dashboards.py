"""Dashboard layout as plain data: which panels, where, with which thresholds and ids.

Kept apart from the Grafana library so alert annotations can link to a panel (`viewPanel=id`)
without importing it, and so the builder could be swapped. One dashboard per area, an
overview with SLO status and an alert list, the plan's extra dashboards, and a logs
dashboard on the Elasticsearch data source when the plan has logging.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Literal

from eyewatch_gen.plan.log_fields import ERROR_LEVELS
from eyewatch_gen.plan.memo import per_plan
from eyewatch_gen.plan.model import Alert, Metric, Plan
from eyewatch_gen.plan.recovery import recovery_alerts
from eyewatch_gen.plan.rules import format_number
from eyewatch_gen.plan.slo import sloth_id
from eyewatch_gen.promql.labels import label_matchers

SEVERITY_COLOURS = {"P1": "red", "P2": "orange", "P3": "yellow", "P4": "blue"}
GRID_WIDTH = 24
OVERVIEW = "overview"
LOGS = "logs"
Threshold = tuple[float | None, str]
PanelKind = Literal["row", "timeseries", "stat", "gauge", "alertlist", "logs"]
Source = Literal["prometheus", "elasticsearch"]
#: Lucene query for error events: error-level logs, or requests answered with a 5xx
ERROR_QUERY = f"log.level:({' OR '.join(ERROR_LEVELS)}) OR http.response.status_code:[500 TO 599]"


@dataclass(frozen=True)
class PanelLayout:
    """One panel (or row) with its position."""

    id: int
    kind: PanelKind
    title: str
    x: int
    y: int
    w: int
    h: int
    query: str = ""
    legend: str | None = None
    unit: str = "short"
    min: float | None = None
    max: float | None = None
    thresholds: tuple[Threshold, ...] = ()
    metric: str | None = None
    description: str = ""
    source: Source = "prometheus"
    group_by: tuple[str, ...] = ()
    focus: str = ""  # log panels: the log analysis focus area they serve


@dataclass(frozen=True)
class DashboardLayout:
    """One dashboard: slug (file name), stable uid, panels in order, variables used."""

    slug: str
    uid: str
    title: str
    panels: list[PanelLayout] = field(default_factory=list)
    variables: tuple[str, ...] = ("datasource",)


def uid(plan: Plan, slug: str) -> str:
    """A stable Grafana uid (at most 40 characters) derived from the plan and slug."""
    text = f"{plan.platform}-{slug}"
    if len(text) <= 40:
        return text
    digest = hashlib.sha256(text.encode()).hexdigest()[:8]
    return f"{text[:31]}-{digest}"


@per_plan
def layouts(plan: Plan) -> list[DashboardLayout]:
    """Every dashboard the plan produces, overview first."""
    result = [_overview(plan)]
    placed = _placement(plan)
    for area, spec in plan.areas.items():
        names = placed.get(area, [])
        if names:
            result.append(_metrics_dashboard(plan, area, spec.title, names))
    for slug, extra in plan.dashboards.items():
        result.append(
            _metrics_dashboard(plan, slug, extra.title, [*placed.get(slug, []), *extra.metrics])
        )
    if plan.logging is not None:
        result.append(_logs(plan))
    return result


@per_plan
def panel_links(plan: Plan) -> dict[str, str]:
    """Metric -> `<grafana>/d/<uid>/<slug>?viewPanel=<id>` of its first panel."""
    if plan.grafana is None:
        return {}
    base = plan.grafana.url.rstrip("/")
    links: dict[str, str] = {}
    for board in layouts(plan):
        for panel in board.panels:
            if panel.metric and panel.metric not in links:
                links[panel.metric] = f"{base}/d/{board.uid}/{board.slug}?viewPanel={panel.id}"
    return links


def _placement(plan: Plan) -> dict[str, list[str]]:
    placed: dict[str, list[str]] = {}
    for name, metric in plan.metrics.items():
        if not metric.panel.hide:
            placed.setdefault(metric.panel.dashboard or metric.area, []).append(name)
    return placed


class _Grid:
    """Left-to-right, top-to-bottom packing with rows; ids in placement order."""

    def __init__(self) -> None:
        self.panels: list[PanelLayout] = []
        self.x = self.y = self.line_height = 0

    def row(self, title: str) -> None:
        self._newline()
        self.panels.append(
            PanelLayout(len(self.panels) + 1, "row", title, 0, self.y, GRID_WIDTH, 1)
        )
        self.y += 1

    def add(self, kind: PanelKind, title: str, w: int, h: int, **extra: Any) -> None:
        if self.x + w > GRID_WIDTH:
            self._newline()
        self.panels.append(
            PanelLayout(len(self.panels) + 1, kind, title, self.x, self.y, w, h, **extra)
        )
        self.x += w
        self.line_height = max(self.line_height, h)

    def _newline(self) -> None:
        if self.x:
            self.y += self.line_height
        self.x = self.line_height = 0


def _overview(plan: Plan) -> DashboardLayout:
    grid = _Grid()
    if plan.slos:
        grid.row("Service level objectives")
        for slo in plan.slos:
            selector = label_matchers({"sloth_id": sloth_id(slo)})
            objective = slo.objective / 100
            grid.add(
                "stat",
                f"{slo.service} {slo.name} ({slo.window})",
                6,
                5,
                query=f"1 - slo:sli_error:ratio_rate{slo.window}{selector}",
                unit="percentunit",
                thresholds=((None, "red"), (objective, "green")),
                description=f"Objective {format_number(slo.objective)}% over {slo.window}.",
            )
            grid.add(
                "stat",
                f"{slo.service} error budget left",
                6,
                5,
                query=f"slo:period_error_budget_remaining:ratio{selector}",
                unit="percentunit",
                min=0,
                max=1,
                thresholds=((None, "red"), (0.25, "orange"), (0.5, "green")),
            )
    grid.row("Firing alerts")
    grid.add("alertlist", "Firing and pending alerts", GRID_WIDTH, 10)
    return DashboardLayout(OVERVIEW, uid(plan, OVERVIEW), f"{plan.platform}: overview", grid.panels)


def _logs(plan: Plan) -> DashboardLayout:
    """Log volume by service and level, error volume by service, and the error logs
    themselves, from the Elasticsearch data source (every log class)."""
    grid = _Grid()
    grid.row("Log volume")
    grid.add(
        "timeseries",
        "Log volume by service and level",
        GRID_WIDTH,
        9,
        query="*",
        legend="{{term service.name}} {{term log.level}}",
        source="elasticsearch",
        group_by=("service.name", "log.level"),
        description="Events per interval: a service that falls silent or floods shows here.",
        focus="system health",
    )
    grid.row("Errors")
    grid.add(
        "timeseries",
        "Error events by service",
        GRID_WIDTH,
        8,
        query=ERROR_QUERY,
        legend="{{term service.name}}",
        source="elasticsearch",
        group_by=("service.name",),
        description="Error-level logs and 5xx responses per interval.",
        focus="error patterns",
    )
    grid.add(
        "logs",
        "Error logs",
        GRID_WIDTH,
        12,
        query=ERROR_QUERY,
        source="elasticsearch",
        description="The latest error-level logs and 5xx responses of every service.",
        focus="error patterns",
    )
    return DashboardLayout(LOGS, uid(plan, LOGS), f"{plan.platform}: logs", grid.panels, ("logs",))


def _metrics_dashboard(plan: Plan, slug: str, title: str, names: list[str]) -> DashboardLayout:
    alerted = set(_alerts_by_metric(plan))
    grid = _Grid()
    uses_namespace = False
    for heading, group in (
        ("Alerting signals", [n for n in names if n in alerted]),
        ("Context", [n for n in names if n not in alerted]),
    ):
        if not group:
            continue
        grid.row(heading)
        for name in group:
            query, namespaced = _query(plan.metrics[name])
            uses_namespace |= namespaced
            _metric_panel(grid, plan, name, query)
    variables = ("datasource", "namespace") if uses_namespace else ("datasource",)
    return DashboardLayout(
        slug, uid(plan, slug), f"{plan.platform}: {title}", grid.panels, variables
    )


def _metric_panel(grid: _Grid, plan: Plan, name: str, query: str) -> None:
    metric = plan.metrics[name]
    kind = metric.panel.type
    low, high = metric.panel.min, metric.panel.max
    if metric.unit == "percentunit":
        low = 0 if low is None else low
    width, height = (12, 8) if kind == "timeseries" else (6, 6)
    grid.add(
        kind,
        _title(name, metric),
        width,
        height,
        query=query,
        legend=metric.legend,
        unit=metric.unit,
        min=low,
        max=high,
        thresholds=thresholds(_alerts_by_metric(plan).get(name, [])),
        metric=name,
        description=metric.description,
    )


@per_plan
def _alerts_by_metric(plan: Plan) -> dict[str, list[Alert]]:
    """The plan's threshold alerts and those made from its recovery objectives, by metric."""
    found: dict[str, list[Alert]] = {}
    for alert in [*plan.alerts, *(made.alert for made in recovery_alerts(plan))]:
        if alert.metric:
            found.setdefault(alert.metric, []).append(alert)
    return found


def _title(name: str, metric: Metric) -> str:
    return metric.description.split(" (")[0] if metric.description else name


def _query(metric: Metric) -> tuple[str, bool]:
    """The panel query: the record when there is one, filtered by $namespace if it can be."""
    labels = set(metric.fixture.labels if metric.fixture else metric.labels)
    if metric.record and "namespace" in labels:
        return f'{metric.record}{{namespace=~"$namespace"}}', True
    return (metric.record or metric.expr.strip()), False


def thresholds(alerts: list[Alert]) -> tuple[Threshold, ...]:
    """Threshold steps coloured by severity: green below upper bounds, or above lower ones."""
    upper = sorted(
        (a for a in alerts if a.op in (">", ">=") and a.threshold is not None),
        key=lambda a: a.threshold or 0.0,
    )
    if upper:
        return ((None, "green"), *((a.threshold, SEVERITY_COLOURS[a.severity]) for a in upper))
    lower = sorted(
        (a for a in alerts if a.op in ("<", "<=") and a.threshold is not None),
        key=lambda a: a.threshold or 0.0,
    )
    if not lower:
        return ((None, "green"),)
    steps: list[Threshold] = [(None, SEVERITY_COLOURS[lower[0].severity])]
    for current, following in zip(lower, [*lower[1:], None], strict=True):
        colour = SEVERITY_COLOURS[following.severity] if following else "green"
        steps.append((current.threshold, colour))
    return tuple(steps)
