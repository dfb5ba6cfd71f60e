"""Alert sets: defaults for a class of alert, one alert per item, per-item overrides.

`alert_sets` expand, right after validation, into ordinary threshold alerts with
`match: {<label>: <item>}`, so everything downstream (rules, tests, routing, docs) treats them
like any other alert. Problems in an expanded alert point at its set in the plan.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from eyewatch_gen.plan.model import Alert, AlertSet, Plan
from eyewatch_gen.plan.rules import camel
from eyewatch_gen.plan.source import Source
from eyewatch_gen.plan.validate import suggest
from eyewatch_gen.problems import Path, PlanError, Problem


def expand(plan: Plan, source: Source) -> Plan:
    """The plan with every alert set turned into alerts (positions linked to the set)."""
    if not plan.alert_sets:
        return plan
    alerts, problems = list(plan.alerts), []
    for index, alert_set in enumerate(plan.alert_sets):
        problems += _unmatched(alert_set, index, source)
        for item in alert_set.for_each:
            try:
                alerts.append(_alert(alert_set, item))
            except ValidationError as error:
                problems.append(
                    source.problem(
                        ("alert_sets", index, "name"),
                        f"for {item!r}: " + "; ".join(e["msg"] for e in error.errors()),
                        "plan/alert-set",
                    )
                )
                continue
            _point_at_set(source, alert_set, index, item, len(alerts) - 1)
    if problems:
        raise PlanError(problems)
    return plan.model_copy(update={"alerts": alerts})


def _unmatched(alert_set: AlertSet, index: int, source: Source) -> list[Problem]:
    return [
        source.problem(
            ("alert_sets", index, "overrides", item),
            f"override for {item!r} matches no item of for_each{suggest(item, alert_set.for_each)}",
            "plan/unknown-item",
            key=True,
        )
        for item in alert_set.overrides
        if item not in alert_set.for_each
    ]


def _fill(text: str, item: str) -> str:
    return text.replace("{Item}", camel(item)).replace("{item}", item)


def _alert(alert_set: AlertSet, item: str) -> Alert:
    data: dict[str, Any] = {
        "name": _fill(alert_set.name, item),
        "metric": alert_set.metric,
        "op": alert_set.op,
        "threshold": alert_set.threshold,
        "for": alert_set.for_,
        "severity": alert_set.severity,
        "summary": _fill(alert_set.summary, item),
        "description": _fill(alert_set.description, item),
        "runbook": alert_set.runbook,
        "guard": alert_set.guard,
        "match": {alert_set.label: item},
        **({"service": item} if alert_set.service else {}),
    }
    override = alert_set.overrides.get(item)
    if override is not None:
        changes = override.model_dump(by_alias=True, exclude_none=True)
        data.update(changes)
    return Alert.model_validate(data)


def _point_at_set(
    source: Source, alert_set: AlertSet, index: int, item: str, alert_index: int
) -> None:
    """Problems about alerts[n] point at the set that made it, or at the item's override
    for the fields it overrides (a link each: constant time per item)."""
    positions = source.positions
    where: Path = ("alert_sets", index)
    positions.link(("alerts", alert_index), positions, where)
    override = alert_set.overrides.get(item)
    for key in override.model_dump(by_alias=True, exclude_none=True) if override else ():
        positions.link(("alerts", alert_index, key), positions, (*where, "overrides", item, key))
