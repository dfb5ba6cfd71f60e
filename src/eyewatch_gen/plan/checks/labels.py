"""Labels an alert may not set itself: the ones routing, grouping and muting read.

`severity` carries the level (P1..P4) that Alertmanager routes on; `team`, `service` and
`area` are set from the plan's own fields and select receivers, inhibitions and maintenance
windows; `alertname` is the alert's name. A label overriding one of them would route the
alert past the plan (to the unrouted receiver), so it is an error at the label.
"""

from __future__ import annotations

from collections.abc import Iterator

from eyewatch_gen.plan.checks.common import Check
from eyewatch_gen.plan.model import Plan
from eyewatch_gen.plan.source import Source
from eyewatch_gen.problems import Problem

RESERVED_LABEL = "plan/reserved-label"
#: label -> what to write instead
RESERVED: dict[str, str] = {
    "severity": "set the alert's `severity: P1..P4` (Alertmanager routes on it)",
    "team": "set the alert's `team:` (team routing reads it)",
    "service": "set the alert's `service:` (inhibitions and grouping read it)",
    "area": "the area comes from the alert's `area:` or its metric's (maintenance windows "
    "mute by area)",
    "alertname": "the alert's `name` is its alertname",
}


def _reserved_labels(plan: Plan, source: Source) -> Iterator[Problem]:
    for i, alert in enumerate(plan.alerts):
        for label in alert.labels:
            if label in RESERVED:
                yield source.problem(
                    ("alerts", i, "labels", label),
                    f"the {label} label is set by eyewatch-gen; {RESERVED[label]}",
                    RESERVED_LABEL,
                    key=True,
                )


CHECKS: tuple[Check, ...] = (_reserved_labels,)
