"""Who is told and how: severities, channels, SMTP, teams, inhibitions, on-call."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from eyewatch_gen.plan.fields import (
    ChannelName,
    Duration,
    Email,
    LabelName,
    Level,
    ResponseTime,
    SecretFile,
    Slug,
    Url,
)
from eyewatch_gen.plan.model.base import Model


class SeverityLevel(Model):
    """One alert level of the monitoring plan."""

    description: str
    response_time: ResponseTime = Field(description="How soon a person must respond.")
    notify: list[ChannelName] = Field(min_length=1, description="Channels this level reaches.")


class Severities(Model):
    """Exactly the four levels P1 (critical) to P4 (low)."""

    P1: SeverityLevel
    P2: SeverityLevel
    P3: SeverityLevel
    P4: SeverityLevel

    def level(self, name: Level) -> SeverityLevel:
        """The level called `name`."""
        level: SeverityLevel = getattr(self, name)
        return level


class Channel(Model):
    """A way to reach people. Secrets are referenced by file path, never written here."""

    type: Literal["pagerduty", "opsgenie", "webhook", "email"]
    routing_key_file: SecretFile | None = Field(
        None, description="pagerduty: file holding the Events API v2 routing key."
    )
    api_key_file: SecretFile | None = Field(None, description="opsgenie: file holding the API key.")
    service: str | None = Field(
        None, description="pagerduty/opsgenie: the paging service the receiver belongs to."
    )
    url: Url | None = Field(
        None,
        description="webhook: endpoint URL, without credentials (they go in credentials_file).",
    )
    url_file: SecretFile | None = Field(
        None,
        description="webhook: file holding the whole endpoint URL, for URLs that carry a "
        "token (Alertmanager 0.26+; instead of url).",
    )
    credentials_file: SecretFile | None = Field(
        None, description="webhook: file holding the bearer token sent as Authorization."
    )
    to: Email | None = Field(None, description="email: recipient address.")
    pages: bool | None = Field(
        None,
        description="Whether this channel wakes a person up "
        "(default: true for pagerduty and opsgenie).",
    )

    @model_validator(mode="after")
    def _fields_fit_type(self) -> Channel:
        required = {
            "pagerduty": ("routing_key_file",),
            "opsgenie": ("api_key_file",),
            "webhook": ("url",) if self.url_file is None else ("url_file",),
            "email": ("to",),
        }[self.type]
        missing = [name for name in required if getattr(self, name) is None]
        if missing:
            raise ValueError(f"a {self.type} channel needs {', '.join(missing)}")
        if self.url is not None and self.url_file is not None:
            raise ValueError("give the webhook's url or its url_file, not both")
        allowed = (
            set(required)
            | {"type", "service", "pages"}
            | ({"url", "url_file", "credentials_file"} if self.type == "webhook" else set())
        )
        foreign = sorted(n for n in self.model_fields_set if n not in allowed)
        if foreign:
            raise ValueError(
                f"{', '.join(foreign)} does not apply to a {self.type} channel "
                f"(allowed: {', '.join(sorted(allowed))})"
            )
        return self


class Smtp(Model):
    """How Alertmanager sends e-mail; the password comes from a file."""

    smarthost: str = Field(
        pattern=r"^[A-Za-z0-9.-]+:[0-9]{1,5}$", description="host:port of the SMTP relay."
    )
    sender: Email = Field(alias="from", description="From address.")
    auth_username: str | None = None
    auth_password_file: SecretFile | None = None
    require_tls: bool = True


class Team(Model):
    """A team that owns areas; it can send some levels to its own channels."""

    notify: dict[Level, list[ChannelName]] = Field(
        default_factory=dict, description="Per-level channels replacing the plan's defaults."
    )


class Inhibition(Model):
    """While an alert matching `source` fires, silence alerts matching `target`."""

    name: str
    source: dict[LabelName, str] = Field(min_length=1)
    target: dict[LabelName, str] = Field(min_length=1)
    equal: list[LabelName] = Field(default_factory=list)


class Rotation(Model):
    """Who is on call."""

    primary: str = Field(description="Schedule (or user) of the primary on-call engineer.")
    secondary: str = Field(description="Schedule (or user) of the secondary (backup) engineer.")
    handoff: str = Field("mon 09:00", description="When the rotation hands over.")
    secondary_after: Duration = Field(
        "15m", description="When the secondary is paged if the primary has not acknowledged."
    )


class Escalation(Model):
    """One step of the escalation policy: the paging provider pages `to` when nobody has
    acknowledged within `after`; for the levels in `oncall.escalate`, Alertmanager also
    notifies `notify` when the alert is still unresolved after `after`."""

    after: Duration = Field(description="Time since the alert started, e.g. 30m.")
    to: str = Field(description="Who is paged: the paging provider's user or schedule id.")
    kind: Literal["user", "schedule"] = "user"
    name: Slug | None = Field(
        None, description="Short name of the step, e.g. team-lead (default: from `to`)."
    )
    notify: list[ChannelName] = Field(
        default_factory=list,
        description="Channels Alertmanager notifies when an alert of an escalated level is "
        "still firing after `after`.",
    )


class OnCall(Model):
    """Rotation and escalation: the paging provider escalates pages that nobody acknowledges;
    Alertmanager escalates alerts of the `escalate` levels that nobody resolves."""

    rotation: Rotation
    escalation: list[Escalation] = Field(default_factory=list)
    escalate: list[Level] = Field(
        default_factory=list,
        description="Levels escalated inside the alerting stack when unresolved, e.g. [P1, P2].",
    )
