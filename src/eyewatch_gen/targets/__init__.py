"""Output targets. Each is a module with `render(plan) -> list[Artifact]`, listed in TARGETS.

Adding an output means adding its module, one line here, its tests and its golden files.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Protocol

from eyewatch_gen.artifacts import Artifact
from eyewatch_gen.plan.model import Plan


class Target(Protocol):
    """What a target module provides."""

    def render(self, plan: Plan) -> list[Artifact]: ...


#: target name -> module path; imported only when rendered, so start-up stays fast.
TARGETS: dict[str, str] = {
    "prometheus-rules": "eyewatch_gen.targets.prometheus_rules",
    "promtool-tests": "eyewatch_gen.targets.promtests",
    "prometheus-config": "eyewatch_gen.targets.prometheus_config",
    "rule-engines": "eyewatch_gen.targets.rule_engines",
    "blackbox": "eyewatch_gen.targets.blackbox",
    "alertmanager": "eyewatch_gen.targets.alertmanager",
    "routing-tests": "eyewatch_gen.targets.routing_tests",
    "alertmanager-config-crd": "eyewatch_gen.targets.alertmanager_config_crd",
    "oncall": "eyewatch_gen.targets.oncall",
    "grafana": "eyewatch_gen.targets.grafana",
    "logstash": "eyewatch_gen.targets.logstash",
    "elasticsearch": "eyewatch_gen.targets.elasticsearch",
    "logging-docs": "eyewatch_gen.targets.logging_docs",
    "alerts-docs": "eyewatch_gen.targets.alerts_docs",
}


def load(name: str) -> Callable[[Plan], list[Artifact]]:
    """The render function of target `name`."""
    module: Target = importlib.import_module(TARGETS[name])
    return module.render
