"""Logging: log classes and sources, retention phases, the regular expressions used, and what
Filebeat needs to ship each service (a Kubernetes field to select pods by, the beats port)."""

from __future__ import annotations

from collections.abc import Iterator

from eyewatch_gen.plan import durations
from eyewatch_gen.plan.checks.common import DUPLICATE_NAME, UNKNOWN_LOG_CLASS, Check, dangling
from eyewatch_gen.plan.logstash import logstash_regex_error
from eyewatch_gen.plan.model import Logging, Plan, Retention
from eyewatch_gen.plan.re2 import re2_error
from eyewatch_gen.plan.source import Source
from eyewatch_gen.problems import Path, Problem

LOG_FORMAT = "plan/log-format"
PHASE_ORDER = "plan/phase-order"
AUDIT_RETENTION = "plan/audit-retention"
REGEX = "plan/regex"
MATCH_FIELD = "plan/match-field"
BEATS_PORT = "plan/beats-port"
PLAINTEXT_SHIPPING = "plan/plaintext-shipping"
RESERVED_NAME = "plan/reserved-name"
ENV_REFERENCE = "plan/env-reference"


def _log_classes(plan: Plan, source: Source) -> Iterator[Problem]:
    logging = plan.logging
    if logging is None:
        return
    classes = sorted(logging.classes)
    named: list[tuple[Path, str]] = [
        (("logging", "sources", i, "class"), s.log_class) for i, s in enumerate(logging.sources)
    ]
    if logging.security:
        named.append((("logging", "security_class"), logging.security_class))
    for path, name in named:
        if name not in logging.classes:
            yield dangling(source, path, "log class", name, classes, UNKNOWN_LOG_CLASS)


def _log_formats(plan: Plan, source: Source) -> Iterator[Problem]:
    for i, log_source in enumerate(plan.logging.sources if plan.logging else []):
        if (log_source.format == "grok") != (log_source.pattern is not None):
            yield source.problem(
                ("logging", "sources", i),
                "a grok source needs `pattern`; other formats take none",
                LOG_FORMAT,
            )


def _one_source_per_service(plan: Plan, source: Source) -> Iterator[Problem]:
    services = [s.service for s in plan.logging.sources] if plan.logging else []
    for i, service in enumerate(services):
        if service in services[:i]:
            yield source.problem(
                ("logging", "sources", i, "service"),
                f"{service!r} has two log sources",
                DUPLICATE_NAME,
            )


def _retention(plan: Plan, source: Source) -> Iterator[Problem]:
    if plan.logging is None:
        return
    deletes = {
        n: durations.seconds(c.retention.delete_after) for n, c in plan.logging.classes.items()
    }
    longest = max(deletes.values())
    for name, spec in plan.logging.classes.items():
        at = ("logging", "classes", name, "retention")
        yield from _phase_order(spec.retention, at, source)
        if spec.audit and deletes[name] < longest:
            yield source.problem(
                (*at, "delete_after"),
                "an audit class must be kept longest "
                f"(another class keeps logs {durations.format_seconds(longest)})",
                AUDIT_RETENTION,
            )


def _phase_order(retention: Retention, at: Path, source: Source) -> Iterator[Problem]:
    """Each phase of `retention` (at path `at`) must start after the one before it."""
    steps = [
        ("warm_after", retention.warm_after),
        ("cold_after", retention.cold_after),
        ("delete_after", retention.delete_after),
    ]
    previous = ("hot.max_age", durations.seconds(retention.hot.max_age))
    for key, value in steps:
        if value is None:
            continue
        if durations.seconds(value) <= previous[1]:
            yield source.problem(
                (*at, key),
                f"{value} must come after {previous[0]}; phases run hot, warm, cold, delete",
                PHASE_ORDER,
            )
        previous = (key, durations.seconds(value))


def _log_patterns(plan: Plan, source: Source) -> Iterator[Problem]:
    if plan.logging is None:
        return
    for path, text, grok in _patterns(plan.logging):
        error = logstash_regex_error(text, grok=grok)
        if error:
            yield source.problem(path, error, REGEX)


def _patterns(logging: Logging) -> Iterator[tuple[Path, str, bool]]:
    """Every grok pattern (True) and regular expression (False) of the logging section."""
    for i, log_source in enumerate(logging.sources):
        if log_source.pattern:
            yield ("logging", "sources", i, "pattern"), log_source.pattern, True
        for j, drop in enumerate(log_source.drop):
            if drop.matches is not None:
                yield ("logging", "sources", i, "drop", j, "matches"), drop.matches, False
    for i, security in enumerate(logging.security):
        yield ("logging", "security", i, "matches"), security.matches, False
        for j, also in enumerate(security.and_):
            yield ("logging", "security", i, "and", j, "matches"), also.matches, False


def _multiline(plan: Plan, source: Source) -> Iterator[Problem]:
    for i, log_source in enumerate(plan.logging.sources if plan.logging else []):
        if log_source.multiline is not None:
            error = re2_error(log_source.multiline.start)
            if error:
                yield source.problem(("logging", "sources", i, "multiline", "start"), error, REGEX)


def _match_field(plan: Plan, source: Source) -> Iterator[Problem]:
    if plan.logging and not plan.logging.match_field.startswith("[kubernetes]"):
        yield source.problem(
            ("logging", "match_field"),
            f"Filebeat selects each service's pods by Kubernetes metadata; "
            f"{plan.logging.match_field} is none (use [kubernetes][labels][<label>], "
            "[kubernetes][container][name], ...)",
            MATCH_FIELD,
        )


def _shipping(plan: Plan, source: Source) -> Iterator[Problem]:
    if plan.logging is None:
        return
    port = plan.logging.beats_port
    for i, host in enumerate(plan.logging.shipping.hosts):
        if int(host.rsplit(":", 1)[1]) != port:
            yield source.problem(
                ("logging", "shipping", "hosts", i),
                f"{host} is not the beats input's port {port} (logging.beats_port)",
                BEATS_PORT,
            )
    if plan.logging.shipping.tls is None:
        yield source.problem(
            ("logging", "shipping"),
            "no `tls`: logs travel from Filebeat to Logstash unencrypted",
            PLAINTEXT_SHIPPING,
            level="warning",
        )


def _logs_dashboard(plan: Plan, source: Source) -> Iterator[Problem]:
    """With logging, Grafana gets a `logs` dashboard: no area or dashboard may take the slug."""
    if plan.logging is None:
        return
    for section in ("areas", "dashboards"):
        if "logs" in getattr(plan, section):
            yield source.problem(
                (section, "logs"),
                "`logs` is the log dashboard's name when the plan has logging; rename this",
                RESERVED_NAME,
                key=True,
            )


def _env_references(plan: Plan, source: Source) -> Iterator[Problem]:
    """Logstash replaces `${NAME}` in its strings with an environment variable or keystore
    entry when it starts: plan text holding one would print a secret into events. Regexes
    and grok patterns are written so that it cannot happen (see `plan.logstash`)."""
    if plan.logging is None:
        return
    for path, text in _strings(plan.logging):
        if "${" in text:
            yield source.problem(
                path,
                "Logstash would replace ${...} with an environment variable or keystore value "
                "when it starts; ${...} is allowed only in logging.output.user and password",
                ENV_REFERENCE,
            )


def _strings(logging: Logging) -> Iterator[tuple[Path, str]]:
    """Plan text written into Logstash strings (regexes and grok patterns aside)."""
    yield ("logging", "pipeline_dir"), logging.pipeline_dir
    for i, log_source in enumerate(logging.sources):
        at: Path = ("logging", "sources", i)
        yield (*at, "timestamp_format"), log_source.timestamp_format
        if log_source.timestamp_field is not None:
            yield (*at, "timestamp_field"), log_source.timestamp_field
        for j, drop in enumerate(log_source.drop):
            if drop.equals is not None:
                yield (*at, "drop", j, "equals"), drop.equals
    for i, security in enumerate(logging.security):
        yield ("logging", "security", i, "name"), security.name


CHECKS: tuple[Check, ...] = (
    _log_classes,
    _log_formats,
    _one_source_per_service,
    _retention,
    _log_patterns,
    _multiline,
    _match_field,
    _shipping,
    _logs_dashboard,
    _env_references,
)
