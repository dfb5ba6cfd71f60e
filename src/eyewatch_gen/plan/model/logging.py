"""Logging (ELK): sources, parsing, classes and retention."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from eyewatch_gen.plan.fields import (
    ByteSize,
    Duration,
    EnvRef,
    HostPort,
    KubernetesName,
    SecretFile,
    Slug,
    Url,
)
from eyewatch_gen.plan.model.base import Model

FIELD_REF = r"^(\[[A-Za-z0-9_@.-]+\])+$"


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

    field: str = Field(pattern=FIELD_REF, description="Logstash field reference, e.g. [url][path].")
    equals: str | None = None
    matches: str | None = None

    @model_validator(mode="after")
    def _one_test(self) -> DropRule:
        if (self.equals is None) == (self.matches is None):
            raise ValueError("give exactly one of equals or matches")
        return self


class Multiline(Model):
    """Lines that belong to one event (a stack trace): Filebeat joins them before shipping."""

    start: str = Field(
        min_length=1,
        description="Regular expression (Go RE2) a new event's first line matches; any other "
        "line is appended to the event before it. E.g. '^\\d{4}-\\d{2}-\\d{2}' for lines "
        "that start with a date.",
    )


class LogSource(Model):
    """One service's logs: how to parse them and which class they belong to."""

    service: Slug
    format: Literal["json", "ecs", "envoy", "nginx", "grok"]
    log_class: str = Field("application", alias="class")
    pattern: str | None = Field(None, description="grok: the pattern for `message`.")
    timestamp_field: str | None = Field(None, description="Field holding the event time.")
    timestamp_format: str = Field("ISO8601", description="Logstash date format of it.")
    drop: list[DropRule] = Field(default_factory=list)
    multiline: Multiline | None = Field(
        None,
        description="How Filebeat joins the lines of one event. Default: none for json, ecs, "
        "envoy and nginx (one event per line); for grok, indented lines and 'Caused by:' "
        "lines continue the event before them (stack traces).",
    )
    container: KubernetesName | None = Field(
        None,
        description="Ship only this container of the service's pods (default: every "
        "container, sidecars included).",
    )


class FieldMatch(Model):
    """An event field that must match a regular expression."""

    field: str = Field(pattern=FIELD_REF, description="Logstash field reference.")
    matches: str = Field(min_length=1, description="Regular expression.")


class SecurityRule(FieldMatch):
    """Events matching this (`field` and every `and` condition) go to the security class,
    wherever they came from, tagged `security` and the rule's name."""

    name: str
    and_: list[FieldMatch] = Field(
        default_factory=list,
        alias="and",
        description="Further conditions, all of which must hold too, e.g. "
        "[event][outcome] matching ^failure$.",
    )


class LogOutput(Model):
    """The Elasticsearch cluster; credentials only as ${ENV} or keystore references."""

    hosts: list[Url] = Field(min_length=1)
    user: EnvRef = "${ES_USER}"
    password: EnvRef = "${ES_PASSWORD}"
    ca_file: SecretFile | None = None


class ShippingTls(Model):
    """TLS between Filebeat and Logstash's beats input, from files only (mutual TLS)."""

    ca_file: SecretFile = Field(description="CA that signed both certificates.")
    filebeat_certificate_file: SecretFile = Field(description="Filebeat's client certificate.")
    filebeat_key_file: SecretFile = Field(description="Filebeat's client key.")
    logstash_certificate_file: SecretFile = Field(description="Logstash's server certificate.")
    logstash_key_file: SecretFile = Field(description="Logstash's server key (PKCS#8).")


class Shipping(Model):
    """Filebeat (a DaemonSet) ships every pod's logs to Logstash's beats input."""

    hosts: list[HostPort] = Field(
        default_factory=lambda: ["logstash:5044"],
        min_length=1,
        description="Logstash beats inputs, host:port.",
    )
    tls: ShippingTls | None = Field(
        None, description="TLS from file references; without it logs travel unencrypted."
    )
    namespace: Slug = Field("logging", description="Namespace of the Filebeat DaemonSet.")


class Logging(Model):
    """Log shipping, parsing, classes and retention (ELK)."""

    environment: Slug = "production"
    match_field: str = Field(
        "[kubernetes][labels][app]",
        pattern=FIELD_REF,
        description="Event field naming the service: a pod label or other Kubernetes metadata "
        "Filebeat adds ([kubernetes][labels][<label>], [kubernetes][container][name], ...); "
        "Filebeat selects each service's pods by it.",
    )
    beats_port: int = Field(5044, ge=1, le=65535)
    pipeline_dir: str = "/usr/share/logstash/pipeline"
    output: LogOutput
    classes: dict[Slug, LogClass] = Field(min_length=1)
    sources: list[LogSource] = Field(min_length=1)
    security: list[SecurityRule] = Field(default_factory=list)
    security_class: Slug = "security"
    shipping: Shipping = Field(default_factory=Shipping)
    slow_request: Duration = Field(
        "1s", description="Requests slower than this appear in the slow requests search."
    )
