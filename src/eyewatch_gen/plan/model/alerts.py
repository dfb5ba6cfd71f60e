"""Metrics, alerts, alert sets and the series their generated tests feed."""

from __future__ import annotations

from pydantic import Field, model_validator

from eyewatch_gen.plan.fields import (
    AlertName,
    Comparison,
    HoldDuration,
    LabelName,
    LabelValue,
    Level,
    MetricName,
    RecordName,
    RunbookRef,
    Slug,
    Threshold,
)
from eyewatch_gen.plan.model.base import Model
from eyewatch_gen.plan.model.dashboards import PanelSpec


class Series(Model):
    """One input series for generated tests. `value` (a gauge) or `rate` (a counter, per
    second) is arithmetic over `v`, the value the metric should take: e.g. `rate: "1 - v"`."""

    series: str = Field(
        min_length=1, description='Series in promtool notation: name{label="value", ...}.'
    )
    value: str | None = Field(None, description="Gauge value as a function of v.")
    rate: str | None = Field(None, description="Counter increase per second as a function of v.")

    @model_validator(mode="after")
    def _one_kind(self) -> Series:
        if (self.value is None) == (self.rate is None):
            raise ValueError("give exactly one of value (a gauge) or rate (a counter)")
        return self


class Fixture(Model):
    """Raw exporter series that make a metric take a chosen value `v` in generated tests."""

    series: list[Series] = Field(min_length=1)
    labels: dict[LabelName, str] = Field(
        default_factory=dict, description="Labels of the metric's result series."
    )
    range: tuple[float, float] | None = Field(
        None,
        strict=False,
        description="Values the metric can take, e.g. [0, 1] for a ratio (default: from the unit).",
    )


class AbsentGuard(Model):
    """Alert when the metric's source series disappears (an `absent()` alert)."""

    selector: str = Field(min_length=1, description="Series selector that must exist.")
    for_: HoldDuration = Field("10m", alias="for")
    severity: Level = "P2"


class Metric(Model):
    """A named signal: a PromQL expression that alerts and dashboards refer to."""

    area: Slug
    expr: str = Field(min_length=1, description="PromQL giving the signal's value.")
    unit: str = Field("short", description="Grafana unit (percentunit, s, ms, bytes, reqps, ...).")
    record: RecordName | None = Field(
        None, description="Record the expression under this name; alerts then use the record."
    )
    description: str = ""
    legend: str | None = Field(None, description="Grafana legend, e.g. '{{instance}}'.")
    labels: dict[LabelName, str] = Field(
        default_factory=dict,
        description="Labels of the metric's series in record-level "
        "tests (when there is no fixture).",
    )
    fixture: Fixture | None = Field(None, description="Raw series for generated tests.")
    job: Slug | None = Field(
        None, description='Scrape job providing it (default: the job="..." in its expression).'
    )
    panel: PanelSpec = Field(default_factory=PanelSpec)
    absent: AbsentGuard | None = Field(
        None, description="Mark the metric critical: alert when its source series is absent."
    )


class AlertTests(Model):
    """Inputs for a raw (expr) alert's generated tests; series use constants, not `v`."""

    firing: list[Series] = Field(
        description="Series of the firing case; empty for an absent() alert (nothing at all)."
    )
    quiet: list[Series] = Field(min_length=1)
    labels: dict[LabelName, str] = Field(
        default_factory=dict, description="Labels of the firing series."
    )
    value: float | None = Field(None, description="The firing value, when annotations show $value.")


class Alert(Model):
    """An alert: a threshold on a named metric, or a raw PromQL condition."""

    name: AlertName
    metric: MetricName | None = Field(None, description="Threshold alert: the metric compared.")
    op: Comparison | None = Field(None, description="Threshold alert: the comparison.")
    threshold: Threshold | None = Field(
        None, description="Threshold alert: the value compared to (the number, or 85%, 7d...)."
    )
    expr: str | None = Field(None, min_length=1, description="Raw alert: the whole condition.")
    guard: str | None = Field(
        None,
        min_length=1,
        description="Extra condition joined with `and`, e.g. a low-traffic guard.",
    )
    area: Slug | None = Field(
        None, description="Raw alerts: the area (threshold alerts use their metric's area)."
    )
    for_: HoldDuration = Field("0s", alias="for", description="How long the condition must hold.")
    keep_firing_for: HoldDuration | None = None
    severity: Level
    summary: str = Field(min_length=1)
    description: str = ""
    runbook: RunbookRef | None = Field(
        None, description="A guide in runbooks.guides, or a URL of an outside runbook."
    )
    service: str | None = Field(None, description="Service the alert is about (`service` label).")
    team: Slug | None = Field(None, description="Owning team; defaults to the area's team.")
    labels: dict[LabelName, str] = Field(default_factory=dict)
    annotations: dict[LabelName, str] = Field(default_factory=dict)
    match: dict[LabelName, str] = Field(
        default_factory=dict,
        description="Threshold alerts on a recorded metric: only the "
        "series with these label values, e.g. {destination_service_name: checkout}.",
    )
    tests: AlertTests | None = Field(None, description="Raw alerts: inputs for generated tests.")
    untested: str | None = Field(
        None,
        min_length=1,
        description="Why this alert gets no generated test: an honest opt-out that `lint` "
        "lists; `policy.require_tests` forbids it at the levels it names.",
    )

    @model_validator(mode="after")
    def _one_form(self) -> Alert:
        threshold_form = (self.metric, self.op, self.threshold)
        if self.expr is None and None in threshold_form:
            raise ValueError(
                "give either metric, op and threshold (a threshold alert) or expr (a raw alert)"
            )
        if self.expr is not None and any(v is not None for v in threshold_form):
            raise ValueError(
                "expr cannot be combined with metric, op or threshold: choose one form"
            )
        if self.expr is not None and self.area is None:
            raise ValueError("a raw (expr) alert needs an area")
        return self


class AlertOverride(Model):
    """An environment's changes to one alert."""

    threshold: Threshold | None = None
    for_: HoldDuration | None = Field(None, alias="for")
    severity: Level | None = None


class AlertSet(Model):
    """One alert per item (service, queue, ...) on a recorded metric: shared defaults, and
    per-item overrides. `{item}` and `{Item}` (CamelCase) in name, summary and description
    stand for the item."""

    name: str = Field(
        pattern=r"^[A-Z{][A-Za-z0-9{}]*$",
        description="Alert name template, e.g. {Item}ErrorRateHigh.",
    )
    for_each: list[LabelValue] = Field(
        min_length=1,
        description="The items: values of `label` (checkout, MemoryPressure, eu-west-1); "
        "{Item} is each run of letters and digits capitalised (EuWest1).",
    )
    label: LabelName = Field(description="The label whose value is the item.")
    metric: MetricName
    op: Comparison
    threshold: Threshold
    for_: HoldDuration = Field("0s", alias="for")
    severity: Level
    summary: str = Field(min_length=1)
    description: str = ""
    runbook: RunbookRef | None = Field(
        None, description="A guide in runbooks.guides, or a URL of an outside runbook."
    )
    guard: str | None = None
    service: bool = Field(True, description="Set the `service` label to the item.")
    overrides: dict[LabelValue, AlertOverride] = Field(default_factory=dict)
