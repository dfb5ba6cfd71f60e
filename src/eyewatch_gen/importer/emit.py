"""The imported plan as YAML text, checked by loading it back as a plan.

Without `--team` the output is a whole plan: the imported areas, metrics and alerts, plus
placeholder levels and one e-mail channel to replace. With `--team` it is a team file
(`team`, `metrics`, `alerts`) for a plan's `include:`; it is checked inside the same
placeholder plan. What the loader still rejects is dropped and reported (a fixture: the alert
goes untested; anything else: the alert is refused), so nothing broken is ever written.
"""

from __future__ import annotations

import re
from typing import Any

from eyewatch_gen.artifacts import dump_yaml
from eyewatch_gen.importer.build import TESTED_RECORD, AlertOut, Built, Options, metric_data
from eyewatch_gen.importer.read import Refusal
from eyewatch_gen.plan.load import load_plan_text
from eyewatch_gen.problems import PlanError, Problem

_LEVELS = {
    "P1": ("Critical - service outage or data loss", "15m"),
    "P2": ("High - significant degradation", "1h"),
    "P3": ("Medium - minor issues affecting some users", "4h"),
    "P4": ("Low - non-urgent issues", "24h"),
}
_AT = re.compile(r"^(alerts)\[(\d+)\]|^metrics\.([a-z][a-z0-9_]*)(\.fixture)?")
_ROUNDS = 5


def emit(built: Built, options: Options, sources: list[str]) -> str:
    """The plan (or team file) text; every alert the plan rejects is dropped and reported."""
    for _ in range(_ROUNDS):
        text = _text(built, options, sources)
        try:
            load_plan_text(_checkable(built, options, text))
        except PlanError as error:
            _drop(built, error.problems)
            continue
        return text
    raise AssertionError("the imported plan is still invalid after dropping what failed")


def _text(built: Built, options: Options, sources: list[str]) -> str:
    header = (
        f"# Imported by `eyewatch-gen import` from {', '.join(sources)}.\n"
        "# Review it: untested alerts say why, renamed alerts keep their old name in the\n"
        "# original_name label, and the import report lists every rewrite.\n"
    )
    return header + dump_yaml(_data(built, options))


def _data(built: Built, options: Options) -> dict[str, Any]:
    body: dict[str, Any] = {
        "metrics": {m.name: metric_data(m) for m in _used_metrics(built)},
        "alerts": [a.fields for a in built.alerts],
    }
    if options.team:
        return {"team": options.team, **body}
    return {**_skeleton(built, options), **body}


def _used_metrics(built: Built) -> list[Any]:
    used = {a.metric for a in built.alerts}
    return [m for m in built.metrics.values() if m.record or m.name in used]


def _skeleton(built: Built, options: Options) -> dict[str, Any]:
    """Levels and one e-mail channel to replace: enough for a plan that validates."""
    areas = sorted(
        {m["area"] for m in (metric_data(m) for m in _used_metrics(built))}
        | {a.fields["area"] for a in built.alerts if "area" in a.fields}
    )
    return {
        "version": 1,
        "platform": options.platform,
        "areas": {area: {"title": built.areas.get(area, area)} for area in areas},
        "severities": {
            level: {"description": text, "response_time": time, "notify": ["oncall"]}
            for level, (text, time) in _LEVELS.items()
        },
        "channels": {"oncall": {"type": "email", "to": "oncall@example.com"}},
        "smtp": {"smarthost": "smtp.example.com:587", "from": "alertmanager@example.com"},
    }


def _checkable(built: Built, options: Options, text: str) -> str:
    """A whole plan to load: the text itself, or the team file inside the placeholder plan."""
    if not options.team:
        return text
    alerts = [{**a.fields, "team": options.team} for a in built.alerts]
    data = {**_skeleton(built, options), **_data(built, options), "alerts": alerts}
    data.pop("team")
    return dump_yaml(data)


def _drop(built: Built, problems: list[Problem]) -> None:
    errors = [p for p in problems if p.level == "error"]
    refused: set[int] = set()
    dropped = [_dropped(built, p, refused) for p in errors]
    if not any(dropped):
        listed = "\n".join(p.render() for p in errors)
        raise AssertionError(f"the imported plan is invalid:\n{listed}")
    for index in sorted(refused):
        alert = built.alerts[index]
        built.refused.append(
            Refusal(alert.rule.place, f"alert {alert.rule.name!r}", alert.notes[-1])
        )
    built.alerts = [a for i, a in enumerate(built.alerts) if i not in refused]


def _dropped(built: Built, problem: Problem, refused: set[int]) -> bool:
    """Drop what `problem` is about: an alert, or a metric's fixture (its alerts go
    untested) or the metric with its alerts. True when something was dropped."""
    found = _AT.match(problem.path)
    if found is None:
        return False
    if found.group(1):
        index = int(found.group(2))
        built.alerts[index].notes.append(problem.message)
        refused.add(index)
        return True
    metric = built.metrics.get(found.group(3))
    if metric is None:
        return False
    users = [i for i, a in enumerate(built.alerts) if a.metric == metric.name]
    if found.group(4) and metric.fixture is not None:
        metric.fixture = None
        for index in users:
            _untest(built.alerts[index], metric.record is not None, problem.message)
        return True
    for index in users:
        built.alerts[index].notes.append(f"its metric was rejected: {problem.message}")
        refused.add(index)
    return bool(users)


def _untest(alert: AlertOut, recorded: bool, why: str) -> None:
    """The alert's inferred fixture is gone: tested at its record if it can be, else not."""
    if recorded and not (alert.shape and alert.shape.guard):
        alert.tested, alert.untested = TESTED_RECORD, None
        alert.fields.pop("untested", None)
        return
    alert.tested = None
    alert.untested = f"the inferred fixture was rejected: {why}"
    alert.fields["untested"] = alert.untested
