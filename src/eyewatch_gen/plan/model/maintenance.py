"""Maintenance routines: what people do daily to yearly, who owns it and what "done" means."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from eyewatch_gen.plan.fields import AlertName, ClockTime, Duration, Level, RunbookRef, Slug
from eyewatch_gen.plan.model.base import Model

Cadence = Literal["daily", "weekly", "monthly", "quarterly", "yearly"]
Weekday = Literal["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]
Month = Literal[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]


class Completion(Model):
    """Where a routine reports that it was done: a gauge holding the Unix time of the last
    completion. An overdue alert fires when it is older than the cadence plus `grace`."""

    metric: str = Field(
        min_length=1,
        description="Selector of the timestamp gauge, e.g. "
        'eyewear_restore_test_last_success_timestamp_seconds{job="eyewear-apps"}.',
    )
    severity: Level = Field("P3", description="Level of the overdue alert.")
    grace: Duration | None = Field(
        None,
        description="Lateness tolerated on top of the cadence (default: 4h daily, 1d weekly, "
        "3d monthly, 7d quarterly, 14d yearly).",
    )
    alert: AlertName | None = Field(
        None, description="Name of the overdue alert (default: <Routine>Overdue)."
    )
    service: str | None = Field(None, description="`service` label of the overdue alert.")


class Routine(Model):
    """One recurring maintenance task."""

    name: Slug
    title: str = Field(min_length=1)
    cadence: Cadence = Field(description="daily, weekly, monthly, quarterly or yearly.")
    owner: str = Field(min_length=1, description="Who does it: a team or a role.")
    done: str = Field(min_length=1, description="What 'done' means, so anyone can verify it.")
    steps: list[str] = Field(default_factory=list, description="Checklist items.")
    area: Slug | None = Field(
        None, description="Area of its overdue alert (team label, rule file)."
    )
    at: ClockTime = Field("09:00", description="Time of day in the calendar.")
    weekday: Weekday = Field("monday", description="weekly: the day it is due.")
    day: int = Field(1, ge=1, le=28, description="monthly, quarterly, yearly: day of month.")
    month: Month = Field("january", description="yearly: the month it is due.")
    duration: Duration = Field("30m", description="Length of the calendar event.")
    runbook: RunbookRef | None = Field(
        None, description="Guide (in runbooks.guides) or URL with the procedure."
    )
    completion: Completion | None = Field(
        None, description="The routine reports completion as a metric: alert when overdue."
    )


class Maintenance(Model):
    """The maintenance routines, rendered as a checklist and a team calendar."""

    location: str = Field("UTC", description="Time zone of the routines' times (IANA name).")
    routines: list[Routine] = Field(min_length=1)
