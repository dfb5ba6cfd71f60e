"""Maintenance windows: recurring times in which levels are muted."""

from __future__ import annotations

from pydantic import Field

from eyewatch_gen.plan.fields import ClockTime, Level, Slug
from eyewatch_gen.plan.model.base import Model


class TimeRange(Model):
    """A time of day range, Alertmanager style."""

    start: ClockTime
    end: ClockTime


class MaintenanceWindow(Model):
    """A recurring window in which the named levels are muted."""

    name: Slug
    weekdays: list[str] = Field(default_factory=list)
    days_of_month: list[str] = Field(default_factory=list)
    months: list[str] = Field(default_factory=list)
    times: list[TimeRange] = Field(default_factory=list)
    location: str = "UTC"
    mute: list[Level] = Field(min_length=1)
    areas: list[Slug] = Field(
        default_factory=list, description="Limit the mute to these areas (default: all)."
    )
