"""Overdue alerts for maintenance routines that report their completion as a metric.

A routine's `completion.metric` holds the Unix time of its last completion; the alert fires
when that is older than the cadence's longest period plus the grace (`calendar.PERIOD`,
`calendar.GRACE`): `time() - max(<metric>) > period + grace`. The generated test feeds the
timestamp as promtool sees time (0 at the start of a test): 0 is "just done", minus the limit
is "overdue".
"""

from __future__ import annotations

from eyewatch_gen.plan import calendar, durations
from eyewatch_gen.plan.memo import per_plan
from eyewatch_gen.plan.model import Alert, Plan, Routine
from eyewatch_gen.plan.recovery import Generated
from eyewatch_gen.plan.rules import camel, format_number
from eyewatch_gen.promql.selectors import plain_series


def overdue_name(routine: Routine) -> str:
    """`TestBackupRestorationOverdue`, unless the routine names its alert."""
    assert routine.completion is not None
    return routine.completion.alert or f"{camel(routine.name)}Overdue"


def overdue_seconds(routine: Routine) -> float:
    """Age of the last completion past which `routine` is overdue."""
    assert routine.completion is not None
    grace = routine.completion.grace or calendar.GRACE[routine.cadence]
    return durations.seconds(calendar.PERIOD[routine.cadence]) + durations.seconds(grace)


def reporting(plan: Plan) -> list[tuple[int, Routine]]:
    """(index, routine) of each routine that reports completion."""
    if plan.maintenance is None:
        return []
    return [(i, r) for i, r in enumerate(plan.maintenance.routines) if r.completion is not None]


def generated_names(plan: Plan) -> list[tuple[tuple[str | int, ...], str]]:
    """(plan path, alert name) of every overdue alert, for uniqueness checks."""
    return [
        (("maintenance", "routines", i, "completion"), overdue_name(r)) for i, r in reporting(plan)
    ]


@per_plan
def overdue_alerts(plan: Plan) -> list[Generated]:
    """One overdue alert per routine that reports completion."""
    return [Generated(_overdue(routine), "overdue") for _, routine in reporting(plan)]


def _overdue(routine: Routine) -> Alert:
    completion = routine.completion
    assert completion is not None and routine.area is not None
    limit = overdue_seconds(routine)
    selector = completion.metric.strip()
    series = plain_series(selector)
    assert series is not None, "plan checks allow only plain selectors here"
    data = {
        "name": overdue_name(routine),
        "area": routine.area,
        "expr": f"time() - max({selector}) > {format_number(limit)}",
        "severity": completion.severity,
        # plan text (title, owner, done) stays out: annotations are Go templates
        "summary": f"Routine {routine.name} is overdue: not done for "
        f"{durations.format_seconds(limit)} ({routine.cadence})",
        "description": f"The {routine.cadence} routine {routine.name} last reported "
        f"completion more than {durations.format_seconds(limit)} ago; its owner, checklist and "
        "what done means are in docs/maintenance.md and its runbook.",
        "tests": {
            "quiet": [{"series": series, "value": "0"}],
            "firing": [{"series": series, "value": format_number(-limit)}],
        },
    }
    if routine.runbook:
        data["runbook"] = routine.runbook
    if completion.service:
        data["service"] = completion.service
    return Alert.model_validate(data)
