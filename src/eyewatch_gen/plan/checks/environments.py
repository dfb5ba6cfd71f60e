"""Environments: every override must match something; a silent no-op override is a plan bug."""

from __future__ import annotations

from collections.abc import Iterator

from eyewatch_gen.plan.checks.common import UNKNOWN_CHANNEL, UNKNOWN_LOG_CLASS, Check, dangling
from eyewatch_gen.plan.model import Plan
from eyewatch_gen.plan.source import Source
from eyewatch_gen.problems import Problem

UNKNOWN_ALERT = "plan/unknown-alert"


def _alert_overrides(plan: Plan, source: Source) -> Iterator[Problem]:
    alerts = [a.name for a in plan.alerts]
    for env, spec in plan.environments.items():
        for name in spec.alerts:
            if name not in alerts:
                yield dangling(
                    source,
                    ("environments", env, "alerts", name),
                    "alert",
                    name,
                    alerts,
                    UNKNOWN_ALERT,
                )


def _retention_overrides(plan: Plan, source: Source) -> Iterator[Problem]:
    classes = sorted(plan.logging.classes) if plan.logging else []
    for env, spec in plan.environments.items():
        for log_class in spec.retention:
            if log_class not in classes:
                yield dangling(
                    source,
                    ("environments", env, "retention", log_class),
                    "log class",
                    log_class,
                    classes,
                    UNKNOWN_LOG_CLASS,
                )


def _channel_overrides(plan: Plan, source: Source) -> Iterator[Problem]:
    for env, spec in plan.environments.items():
        for level, override in spec.severities.items():
            for j, channel in enumerate(override.notify):
                if channel not in plan.channels:
                    yield dangling(
                        source,
                        ("environments", env, "severities", level, "notify", j),
                        "channel",
                        channel,
                        plan.channels,
                        UNKNOWN_CHANNEL,
                    )


CHECKS: tuple[Check, ...] = (_alert_overrides, _retention_overrides, _channel_overrides)
