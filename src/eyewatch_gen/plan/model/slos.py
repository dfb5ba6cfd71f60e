"""Service level objectives and their burn-rate alerts."""

from __future__ import annotations

from pydantic import Field

from eyewatch_gen.plan.fields import (
    AlertName,
    HoldDuration,
    Level,
    RunbookRef,
    SloWindow,
    Slug,
)
from eyewatch_gen.plan.model.alerts import Series
from eyewatch_gen.plan.model.base import Model


class SloSli(Model):
    """Error and total event queries; `{{.window}}` stands for the rate window."""

    errors: str = Field(min_length=1)
    total: str = Field(min_length=1)


class SloFixture(Model):
    """Raw series that make the SLI's error ratio take the value `v` in generated tests."""

    series: list[Series] = Field(min_length=1)


class TrafficStopped(Model):
    """Alert when the SLI's request rate drops to zero while the same hour a day before had
    traffic: an outage that stops requests (gateway, DNS, load balancer) produces no errors,
    so no burn rate, and must page on its own."""

    severity: Level = "P1"
    for_: HoldDuration = Field("5m", alias="for")
    min_rate: float = Field(
        0.05,
        gt=0,
        description="Requests per second (1h average, a day before) that count as normal "
        "traffic; at 0.05/s five quiet minutes are a chance of one in three million.",
    )


class SloAlerting(Model):
    """Which levels the burn-rate alerts use."""

    name: AlertName
    page: Level = "P1"
    ticket: Level = "P4"
    runbook: RunbookRef | None = Field(
        None, description="A guide in runbooks.guides, or a URL of an outside runbook."
    )
    traffic_stopped: TrafficStopped | None = Field(
        None, description="Also alert (<Service>TrafficStopped) when the requests stop."
    )


class Slo(Model):
    """A service level objective with multi-window, multi-burn-rate alerts."""

    service: Slug
    name: Slug = "availability"
    objective: float = Field(gt=0, lt=100, description="Percentage of good events, e.g. 99.9.")
    window: SloWindow = "30d"
    description: str = ""
    sli: SloSli
    alerting: SloAlerting
    min_events: float | None = Field(
        None,
        ge=0,
        description="Low-traffic guard: the alerts need at least this many events per second.",
    )
    fixture: SloFixture = Field(description="Series making the error ratio `v` in tests.")
