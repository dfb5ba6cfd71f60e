"""Log alerts: a logging section to read, an existing class and area, the settings their kind
needs, names unique among all alerts, and fields the index templates map for exact matching."""

from __future__ import annotations

from collections.abc import Iterator

from eyewatch_gen.plan.checks.common import (
    DUPLICATE_NAME,
    UNKNOWN_AREA,
    UNKNOWN_LOG_CLASS,
    Check,
    dangling,
)
from eyewatch_gen.plan.log_fields import EXACT_TYPES, field_type
from eyewatch_gen.plan.model import LogAlert, Plan
from eyewatch_gen.plan.source import Source
from eyewatch_gen.problems import Path, Problem

NO_LOGGING = "plan/log-alert-without-logging"
KIND = "plan/log-alert-kind"
UNMAPPED_FIELD = "plan/unmapped-field"

#: settings each kind needs, and those it ignores (which are then errors when given)
NEEDS: dict[str, tuple[str, ...]] = {
    "count": ("more_than",),
    "spike": ("factor",),
    "new_value": ("field",),
    "any": ("where",),
}
OWN = {"more_than", "factor", "field", "group_by"}
USES: dict[str, set[str]] = {
    "count": {"more_than", "group_by"},
    "spike": {"factor", "group_by"},
    "new_value": {"field"},
    "any": set(),
}


def _at(i: int, *rest: str | int) -> Path:
    return ("log_alerts", i, *rest)


def _references(plan: Plan, source: Source) -> Iterator[Problem]:
    classes = plan.logging.classes if plan.logging else {}
    for i, alert in enumerate(plan.log_alerts):
        if plan.logging is None:
            yield source.problem(_at(i), "a log alert needs the `logging` section", NO_LOGGING)
        elif alert.log_class not in classes:
            yield dangling(
                source, _at(i, "class"), "log class", alert.log_class, classes, UNKNOWN_LOG_CLASS
            )
        if alert.area not in plan.areas:
            yield dangling(source, _at(i, "area"), "area", alert.area, plan.areas, UNKNOWN_AREA)


def _kinds(plan: Plan, source: Source) -> Iterator[Problem]:
    for i, alert in enumerate(plan.log_alerts):
        given = alert.model_fields_set
        for key in NEEDS[alert.kind]:
            if not getattr(alert, key):
                yield source.problem(_at(i), f"a {alert.kind} alert needs `{key}`", KIND)
        for key in sorted((OWN & given) - USES[alert.kind]):
            yield source.problem(
                _at(i, key), f"`{key}` has no meaning for a {alert.kind} alert", KIND
            )


def _unique(plan: Plan, source: Source) -> Iterator[Problem]:
    taken = {a.name for a in plan.alerts} | {s.alerting.name for s in plan.slos}
    for i, alert in enumerate(plan.log_alerts):
        if alert.name in taken:
            yield source.problem(
                _at(i, "name"),
                f"{alert.name!r} is already an alert name; names must be unique",
                DUPLICATE_NAME,
            )
        taken.add(alert.name)


def _fields(plan: Plan, source: Source) -> Iterator[Problem]:
    for i, alert in enumerate(plan.log_alerts):
        for path, name in _read_fields(i, alert):
            kind = field_type(name)
            if kind is None:
                yield source.problem(
                    path, f"{name} is not mapped by the index templates", UNMAPPED_FIELD
                )
            elif kind not in EXACT_TYPES:
                yield source.problem(
                    path,
                    f"{name} is mapped as {kind} (analysed text): it cannot be matched exactly",
                    UNMAPPED_FIELD,
                )


def _read_fields(i: int, alert: LogAlert) -> Iterator[tuple[Path, str]]:
    """Every field `alert` reads, with its path in the plan."""
    for name in alert.where:
        yield _at(i, "where", name), name
    for j, name in enumerate(alert.group_by):
        yield _at(i, "group_by", j), name
    if alert.field:
        yield _at(i, "field"), alert.field


CHECKS: tuple[Check, ...] = (_references, _kinds, _unique, _fields)
