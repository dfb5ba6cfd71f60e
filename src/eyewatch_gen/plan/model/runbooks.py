"""Runbooks: troubleshooting guides and recovery procedures, attached to alerts or to classes
of alert, rendered as `docs/runbooks/*.md` and linked from every alert's `runbook_url`."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from eyewatch_gen.plan.fields import Level, Slug, Url
from eyewatch_gen.plan.model.base import Model

#: Where an alert comes from: the plan's `alerts` (threshold or raw), or a generator.
AlertKind = Literal[
    "threshold",
    "raw",
    "target-down",
    "targets-missing",
    "probe",
    "certificate",
    "traffic-stopped",
    "absent",
    "slo",
    "escalation",
    "backup",
    "restore",
    "overdue",
    "log",
]


class AlertClass(Model):
    """A class of alerts: every given key must match (values of one key are alternatives)."""

    kinds: list[AlertKind] = Field(default_factory=list, description="Where the alert comes from.")
    areas: list[Slug] = Field(default_factory=list)
    severities: list[Level] = Field(default_factory=list)
    services: list[str] = Field(default_factory=list, description="Values of the service label.")

    @model_validator(mode="after")
    def _not_empty(self) -> AlertClass:
        if not (self.kinds or self.areas or self.severities or self.services):
            raise ValueError("give at least one of kinds, areas, severities or services")
        return self


class Link(Model):
    """A link shown in a runbook."""

    title: str = Field(min_length=1)
    url: Url


class Guide(Model):
    """A troubleshooting guide or a recovery procedure (numbered steps)."""

    title: str = Field(min_length=1)
    kind: Literal["troubleshooting", "recovery"] = "troubleshooting"
    summary: str = ""
    check: list[str] = Field(default_factory=list, description="What to look at first.")
    steps: list[str] = Field(default_factory=list, description="What to do, in order.")
    verify: list[str] = Field(default_factory=list, description="How to know it worked.")
    links: list[Link] = Field(default_factory=list)
    dashboards: list[Slug] = Field(
        default_factory=list, description="Dashboards to open: areas or plan dashboards."
    )
    related: list[Slug] = Field(default_factory=list, description="Other guides to read.")
    applies_to: list[AlertClass] = Field(
        default_factory=list, description="Classes of alert this guide is attached to."
    )

    @model_validator(mode="after")
    def _has_content(self) -> Guide:
        if not (self.check or self.steps):
            raise ValueError("a guide needs check (what to look at first) or steps")
        return self


class Runbooks(Model):
    """The runbook pages and where they are published."""

    base_url: Url = Field(
        description="Where generated/docs/ is published; runbook_url is this plus "
        "runbooks/<page>.md."
    )
    recent_changes: str = Field(
        "", description="How to see what changed recently (deploys, config): shown on every page."
    )
    guides: dict[Slug, Guide] = Field(default_factory=dict)
