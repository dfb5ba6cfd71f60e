"""Rule types shared by every rule-producing module: plain, frozen, ready to serialise."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from eyewatch_gen.plan.fields import Level
from eyewatch_gen.plan.model import Alert, AlertKind
from eyewatch_gen.plan.testspec import AlertTest


@dataclass(frozen=True)
class RecordingRule:
    """`record: name` / `expr:`, derived from plan metric (or SLO) `source`."""

    record: str
    expr: str
    source: str
    labels: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class AlertingRule:
    """One Prometheus alerting rule, ready to serialise."""

    name: str
    expr: str
    for_: str
    severity: Level
    labels: dict[str, str]
    annotations: dict[str, str]
    keep_firing_for: str | None = None
    alert: Alert | None = None
    test: AlertTest | None = None
    kind: AlertKind = "raw"  # where it comes from: runbook classes and docs use it
    runbook: str | None = None  # the guide or URL the plan attaches directly

    def example_labels(self) -> dict[str, str]:
        """The labels the alert carries in its generated test: the series' labels, then the
        rule's (templated values left out), and `alertname`."""
        fixed = {k: v for k, v in self.labels.items() if "{{" not in v}
        series = dict(self.test.labels) if self.test is not None else {}
        return {**series, **fixed, "alertname": self.name}


@dataclass(frozen=True)
class RuleGroup:
    """The rules of one area: recording rules first, then alerts, in plan order."""

    area: str
    name: str
    recording: list[RecordingRule] = field(default_factory=list)
    alerting: list[AlertingRule] = field(default_factory=list)


def format_number(value: float) -> str:
    """A PromQL number literal without noise: 0.8 -> `0.8`, 500.0 -> `500`."""
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def camel(name: str) -> str:
    """`kube-state-metrics` -> `KubeStateMetrics`, `eu-west-1` -> `EuWest1`,
    `MemoryPressure` stays: every run of letters and digits, capitalised."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", name))


def slug(text: str) -> str:
    """`eyewearml-Team_Lead` -> `eyewearml-team-lead`: lower case, runs of other characters
    as one `-`."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "step"
