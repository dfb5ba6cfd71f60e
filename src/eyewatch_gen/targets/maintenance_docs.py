"""`docs/maintenance.md`: the maintenance checklist by cadence and owner, the backup schedule
with the thresholds derived from the recovery objectives (and why), and the windows."""

from __future__ import annotations

from typing import Any

from eyewatch_gen.artifacts import Artifact, text_artifact
from eyewatch_gen.layout import CALENDAR, MAINTENANCE_DOC, docs_relative, runbook_path
from eyewatch_gen.plan import calendar, durations
from eyewatch_gen.plan.links import is_url
from eyewatch_gen.plan.model import Plan, Recovery, Routine
from eyewatch_gen.plan.recovery import (
    grace,
    has_stale_alert,
    rpo_backup,
    rpo_seconds,
    stale_name,
    stale_seconds,
)
from eyewatch_gen.plan.routines import overdue_name, overdue_seconds
from eyewatch_gen.templating import render_template

CADENCES = ("daily", "weekly", "monthly", "quarterly", "yearly")


def render(plan: Plan) -> list[Artifact]:
    """The maintenance page (when the plan has routines, recovery objectives or windows)."""
    if plan.maintenance is None and plan.recovery is None and not plan.maintenance_windows:
        return []
    return [
        text_artifact(
            MAINTENANCE_DOC,
            render_template(
                "maintenance.md.j2",
                platform=plan.platform,
                location=plan.maintenance.location if plan.maintenance else "UTC",
                calendar=f"../{CALENDAR}",
                cadences=_cadences(plan),
                recovery=_recovery(plan.recovery) if plan.recovery else None,
                windows=[
                    {"name": w.name, "when": calendar.describe(w), "mute": w.mute}
                    for w in plan.maintenance_windows
                ],
            ),
        )
    ]


def _cadences(plan: Plan) -> list[dict[str, Any]]:
    routines = plan.maintenance.routines if plan.maintenance else []
    result = []
    for cadence in CADENCES:
        owners: dict[str, list[dict[str, Any]]] = {}
        for routine in (r for r in routines if r.cadence == cadence):
            owners.setdefault(routine.owner, []).append(_routine(routine))
        if owners:
            result.append({"cadence": cadence, "owners": owners})
    return result


def _routine(routine: Routine) -> dict[str, Any]:
    completion = routine.completion
    runbook = routine.runbook
    return {
        "title": routine.title,
        "when": _when(routine),
        "done": routine.done,
        "steps": routine.steps,
        "metric": completion.metric.strip() if completion else None,
        "alert": overdue_name(routine) if completion else None,
        "severity": completion.severity if completion else None,
        "limit": durations.format_seconds(overdue_seconds(routine)) if completion else None,
        "runbook": (
            runbook if runbook is None or is_url(runbook) else docs_relative(runbook_path(runbook))
        ),
    }


def _when(routine: Routine) -> str:
    at = routine.at
    return {
        "daily": f"every day at {at}",
        "weekly": f"{routine.weekday}s at {at}",
        "monthly": f"day {routine.day} of every month at {at}",
        "quarterly": f"day {routine.day} of January, April, July and October at {at}",
        "yearly": f"{routine.month} {routine.day} at {at}",
    }[routine.cadence]


def _recovery(recovery: Recovery) -> dict[str, Any]:
    covering = rpo_backup(recovery)
    return {
        "rpo": recovery.rpo,
        "rto": recovery.rto,
        "backups": [
            {
                "name": b.name,
                "every": b.every,
                "grace": grace(b),
                "rpo": b.rpo,
                "alert": stale_name(b) if has_stale_alert(recovery, b) else None,
                "limit": durations.format_seconds(stale_seconds(b)),
                "severity": b.severity,
            }
            for b in recovery.backups
        ],
        "rpo_alert": recovery.rpo_alert,
        "rpo_severity": recovery.rpo_severity,
        "rpo_limit": durations.format_seconds(rpo_seconds(recovery)),
        "covering": covering.name if covering else None,
        "covering_every": covering.every if covering else None,
        "covering_grace": grace(covering) if covering else None,
        "restore": recovery.restore_test,
    }
