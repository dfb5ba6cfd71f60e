"""Environments: how staging, production, ... differ from the plan."""

from __future__ import annotations

from pydantic import Field

from eyewatch_gen.plan.fields import AlertName, ChannelName, LabelName, Level, Slug
from eyewatch_gen.plan.model.alerts import AlertOverride
from eyewatch_gen.plan.model.base import Model
from eyewatch_gen.plan.model.logging import Retention


class LevelOverride(Model):
    """An environment's channels for one level."""

    notify: list[ChannelName] = Field(min_length=1)


class Environment(Model):
    """A deployment (staging, production) and how it differs from the plan."""

    pages: bool | None = Field(
        None,
        description="Whether paging channels (pagerduty, opsgenie "
        "and channels marked pages: true) are used; default: only in "
        "production.",
    )
    alerts: dict[AlertName, AlertOverride] = Field(default_factory=dict)
    severities: dict[Level, LevelOverride] = Field(default_factory=dict)
    retention: dict[Slug, Retention] = Field(
        default_factory=dict, description="Log class -> retention replacing the plan's."
    )
    external_labels: dict[LabelName, str] = Field(default_factory=dict)
