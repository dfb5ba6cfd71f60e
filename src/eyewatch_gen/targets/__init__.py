"""Output targets. Each is a module with `render(plan) -> list[Artifact]`, listed in TARGETS.

Adding an output means adding its module, its name in `TargetName`, one loader and one line
here, its tests and its golden files. A target module is imported only when it renders, so
start-up stays fast; mypy still checks every loader's module against `Target`, so a module
without a fitting `render` is a type error.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:
    from eyewatch_gen.artifacts import Artifact
    from eyewatch_gen.plan.model import Plan

TargetName = Literal[
    "prometheus-rules",
    "promtool-tests",
    "prometheus-config",
    "rule-engines",
    "blackbox",
    "alertmanager",
    "routing-tests",
    "alertmanager-config-crd",
    "oncall",
    "grafana",
    "logstash",
    "elasticsearch",
    "filebeat",
    "elastalert",
    "kibana",
    "logging-docs",
    "alerts-docs",
    "runbooks",
    "maintenance-docs",
    "calendar",
    "docs-index",
]


class Target(Protocol):
    """What a target module provides."""

    def render(self, plan: Plan) -> list[Artifact]: ...


def _prometheus_rules() -> Target:
    from eyewatch_gen.targets import prometheus_rules

    return prometheus_rules


def _promtests() -> Target:
    from eyewatch_gen.targets import promtests

    return promtests


def _prometheus_config() -> Target:
    from eyewatch_gen.targets import prometheus_config

    return prometheus_config


def _rule_engines() -> Target:
    from eyewatch_gen.targets import rule_engines

    return rule_engines


def _blackbox() -> Target:
    from eyewatch_gen.targets import blackbox

    return blackbox


def _alertmanager() -> Target:
    from eyewatch_gen.targets import alertmanager

    return alertmanager


def _routing_tests() -> Target:
    from eyewatch_gen.targets import routing_tests

    return routing_tests


def _alertmanager_config_crd() -> Target:
    from eyewatch_gen.targets import alertmanager_config_crd

    return alertmanager_config_crd


def _oncall() -> Target:
    from eyewatch_gen.targets import oncall

    return oncall


def _grafana() -> Target:
    from eyewatch_gen.targets import grafana

    return grafana


def _logstash() -> Target:
    from eyewatch_gen.targets import logstash

    return logstash


def _elasticsearch() -> Target:
    from eyewatch_gen.targets import elasticsearch

    return elasticsearch


def _filebeat() -> Target:
    from eyewatch_gen.targets import filebeat

    return filebeat


def _elastalert() -> Target:
    from eyewatch_gen.targets import elastalert

    return elastalert


def _kibana() -> Target:
    from eyewatch_gen.targets import kibana

    return kibana


def _logging_docs() -> Target:
    from eyewatch_gen.targets import logging_docs

    return logging_docs


def _alerts_docs() -> Target:
    from eyewatch_gen.targets import alerts_docs

    return alerts_docs


def _runbooks() -> Target:
    from eyewatch_gen.targets import runbooks

    return runbooks


def _maintenance_docs() -> Target:
    from eyewatch_gen.targets import maintenance_docs

    return maintenance_docs


def _calendar() -> Target:
    from eyewatch_gen.targets import calendar

    return calendar


def _docs_index() -> Target:
    from eyewatch_gen.targets import docs_index

    return docs_index


#: target name -> its module's loader, in render order.
TARGETS: dict[TargetName, Callable[[], Target]] = {
    "prometheus-rules": _prometheus_rules,
    "promtool-tests": _promtests,
    "prometheus-config": _prometheus_config,
    "rule-engines": _rule_engines,
    "blackbox": _blackbox,
    "alertmanager": _alertmanager,
    "routing-tests": _routing_tests,
    "alertmanager-config-crd": _alertmanager_config_crd,
    "oncall": _oncall,
    "grafana": _grafana,
    "logstash": _logstash,
    "elasticsearch": _elasticsearch,
    "filebeat": _filebeat,
    "elastalert": _elastalert,
    "kibana": _kibana,
    "logging-docs": _logging_docs,
    "alerts-docs": _alerts_docs,
    "runbooks": _runbooks,
    "maintenance-docs": _maintenance_docs,
    "calendar": _calendar,
    "docs-index": _docs_index,
}


def load(name: TargetName) -> Callable[[Plan], list[Artifact]]:
    """The render function of target `name` (its module is imported now, not before)."""
    return TARGETS[name]().render
