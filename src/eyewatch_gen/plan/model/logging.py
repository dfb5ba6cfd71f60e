"""Logging (ELK): sources, parsing, classes and retention."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from eyewatch_gen.plan.fields import ByteSize, Duration, EnvRef, SecretFile, Slug, Url
from eyewatch_gen.plan.model.base import Model


class HotPhase(Model):
    """Where new logs are written; rolled over by size or age."""

    max_age: Duration = "1d"
    max_size: ByteSize = "50gb"


class Retention(Model):
    """Index lifecycle of a log class: hot, then warm, optional cold, then delete."""

    hot: HotPhase = Field(default_factory=HotPhase)
    warm_after: Duration | None = Field(None, description="Move to warm this long after rollover.")
    cold_after: Duration | None = None
    delete_after: Duration


class LogClass(Model):
    """A class of logs with its own data streams and retention."""

    description: str = ""
    retention: Retention
    audit: bool = Field(False, description="Compliance logs: must be kept longest of all.")


class DropRule(Model):
    """Drop events whose `field` equals `equals` or matches the regular expression `matches`."""

    field: str = Field(
        pattern=r"^(\[[A-Za-z0-9_@.-]+\])+$",
        description="Logstash field reference, e.g. [url][path].",
    )
    equals: str | None = None
    matches: str | None = None

    @model_validator(mode="after")
    def _one_test(self) -> DropRule:
        if (self.equals is None) == (self.matches is None):
            raise ValueError("give exactly one of equals or matches")
        return self


class LogSource(Model):
    """One service's logs: how to parse them and which class they belong to."""

    service: Slug
    format: Literal["json", "ecs", "envoy", "nginx", "grok"]
    log_class: str = Field("application", alias="class")
    pattern: str | None = Field(None, description="grok: the pattern for `message`.")
    timestamp_field: str | None = Field(None, description="Field holding the event time.")
    timestamp_format: str = Field("ISO8601", description="Logstash date format of it.")
    drop: list[DropRule] = Field(default_factory=list)


class SecurityRule(Model):
    """Events matching this go to the security class, wherever they came from."""

    name: str
    field: str = Field(pattern=r"^(\[[A-Za-z0-9_@.-]+\])+$")
    matches: str = Field(min_length=1, description="Regular expression.")


class LogOutput(Model):
    """The Elasticsearch cluster; credentials only as ${ENV} or keystore references."""

    hosts: list[Url] = Field(min_length=1)
    user: EnvRef = "${ES_USER}"
    password: EnvRef = "${ES_PASSWORD}"
    ca_file: SecretFile | None = None


class Logging(Model):
    """Log shipping, parsing, classes and retention (ELK)."""

    environment: Slug = "production"
    match_field: str = Field(
        "[kubernetes][labels][app]",
        pattern=r"^(\[[A-Za-z0-9_@.-]+\])+$",
        description="Event field naming the service (set by Filebeat's Kubernetes metadata).",
    )
    beats_port: int = Field(5044, ge=1, le=65535)
    pipeline_dir: str = "/usr/share/logstash/pipeline"
    output: LogOutput
    classes: dict[Slug, LogClass] = Field(min_length=1)
    sources: list[LogSource] = Field(min_length=1)
    security: list[SecurityRule] = Field(default_factory=list)
    security_class: Slug = "security"
