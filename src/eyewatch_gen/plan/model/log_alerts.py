"""Alerts on log events (ElastAlert 2 rules), with the same levels and labels as metric
alerts so Alertmanager routes, inhibits and mutes them alike."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from eyewatch_gen.plan.fields import AlertName, Duration, EventField, Level, RunbookRef, Slug
from eyewatch_gen.plan.model.base import Model

LogAlertKind = Literal["count", "spike", "new_value", "any"]


class LogAlert(Model):
    """An alert on the events of one log class.

    `count`: more than `more_than` matching events within `within` (per `group_by` value).
    `spike`: `factor` times more matching events in the last `within` than in the `within`
    before it (per `group_by` value), once at least `min_events` happened.
    `new_value`: a matching event whose `field` has a value not seen in `lookback`.
    `any`: every matching event (audit-critical kinds).
    """

    name: AlertName
    kind: LogAlertKind = "count"
    log_class: Slug = Field(alias="class", description="The log class whose events are read.")
    where: dict[EventField, str] = Field(
        default_factory=dict,
        description="Exact values of event fields; an event counts when all match, e.g. "
        "{event.category: authentication, event.outcome: failure}.",
    )
    more_than: int | None = Field(None, ge=0, description="count: events tolerated in `within`.")
    within: Duration = Field("1m", description="count and spike: the window compared.")
    group_by: list[EventField] = Field(
        default_factory=list,
        max_length=1,
        description="count and spike: count per value of this field (e.g. source.ip).",
    )
    factor: float | None = Field(
        None, gt=1, description="spike: how many times the previous window's count."
    )
    min_events: int = Field(10, ge=1, description="spike: ignore windows with fewer events.")
    field: EventField | None = Field(None, description="new_value: the field whose values count.")
    lookback: Duration = Field("30d", description="new_value: how far back values are known.")
    area: Slug = Field(description="The area the alert belongs to (its `area` label).")
    severity: Level
    team: Slug | None = Field(None, description="Owning team; defaults to the area's team.")
    service: str | None = Field(
        None,
        min_length=1,
        description="`service` label; default: the matched event's service.name.",
    )
    summary: str = Field(min_length=1)
    description: str = ""
    runbook: RunbookRef | None = Field(
        None, description="A guide in runbooks.guides, or a URL of an outside runbook."
    )
