"""Logging: log classes and sources, retention phases and the regular expressions used."""

from __future__ import annotations

from collections.abc import Iterator

from eyewatch_gen.plan import durations
from eyewatch_gen.plan.checks.common import DUPLICATE_NAME, UNKNOWN_LOG_CLASS, Check, dangling
from eyewatch_gen.plan.logstash import logstash_regex_error
from eyewatch_gen.plan.model import Logging, Plan, Retention
from eyewatch_gen.plan.source import Source
from eyewatch_gen.problems import Path, Problem

LOG_FORMAT = "plan/log-format"
PHASE_ORDER = "plan/phase-order"
AUDIT_RETENTION = "plan/audit-retention"
REGEX = "plan/regex"


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


CHECKS: tuple[Check, ...] = (
    _log_classes,
    _log_formats,
    _one_source_per_service,
    _retention,
    _log_patterns,
)
