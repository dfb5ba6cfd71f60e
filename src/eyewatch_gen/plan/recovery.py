"""Alerts that keep the recovery objectives, derived from the numbers in `recovery`.

A backup's age (seconds since its last success) stays below `every + grace` while the
schedule runs: a run may take up to `grace` (default a quarter of the interval). So:

- stale: age > every + grace, a run was missed (the backup's own level);
- RPO breached: the age of the backup that bounds data loss exceeds RPO + grace, so more
  than the RPO of data is in no backup even allowing for a run in progress (the RPO level,
  P1 by default). Its stale alert is generated only when it would fire earlier (every < RPO);
- restore slower than the RTO: the last restore test took longer than the RTO. That no
  restore test succeeded within its cadence is the overdue alert of the routine that runs it.

Each is an ordinary plan alert (threshold on the age metric, or raw with its own test inputs),
so rules, tests, routing and docs treat it like any other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eyewatch_gen.plan import durations
from eyewatch_gen.plan.memo import per_plan
from eyewatch_gen.plan.model import Alert, AlertKind, Backup, Plan, Recovery
from eyewatch_gen.plan.rules import camel, format_number
from eyewatch_gen.promql.selectors import plain_series


@dataclass(frozen=True)
class Generated:
    """An alert made from a plan section, and where it comes from."""

    alert: Alert
    kind: AlertKind


def grace(backup: Backup) -> str:
    """How late a run of `backup` may complete: its own, else a quarter of its interval."""
    if backup.grace is not None:
        return backup.grace
    return durations.format_seconds(durations.seconds(backup.every) / 4)


def stale_seconds(backup: Backup) -> float:
    """Age past which a run of `backup` was missed: every + grace."""
    return durations.seconds(backup.every) + durations.seconds(grace(backup))


def rpo_backup(recovery: Recovery) -> Backup | None:
    """The backup that bounds data loss (`rpo: true`)."""
    return next((b for b in recovery.backups if b.rpo), None)


def rpo_seconds(recovery: Recovery) -> float:
    """Age of the RPO backup past which the RPO is breached: RPO + its grace."""
    backup = rpo_backup(recovery)
    extra = durations.seconds(grace(backup)) if backup else 0.0
    return durations.seconds(recovery.rpo) + extra


def stale_name(backup: Backup) -> str:
    """`IncrementalBackupStale`, unless the plan names it."""
    return backup.alert or f"{camel(backup.name)}BackupStale"


def has_stale_alert(recovery: Recovery, backup: Backup) -> bool:
    """A stale alert unless the RPO alert already fires no later."""
    return not backup.rpo or stale_seconds(backup) < rpo_seconds(recovery)


def generated_names(plan: Plan) -> list[tuple[tuple[str | int, ...], str]]:
    """(plan path, alert name) of every alert this module makes, for uniqueness checks."""
    recovery = plan.recovery
    if recovery is None:
        return []
    names: list[tuple[tuple[str | int, ...], str]] = [
        (("recovery", "backups", i, "name"), stale_name(b))
        for i, b in enumerate(recovery.backups)
        if has_stale_alert(recovery, b)
    ]
    names.append((("recovery", "rpo_alert"), recovery.rpo_alert))
    if recovery.restore_test is not None:
        names.append((("recovery", "restore_test", "alert"), recovery.restore_test.alert))
    return names


@per_plan
def recovery_alerts(plan: Plan) -> list[Generated]:
    """Stale alerts, the RPO alert and the restore-test alert, in that order."""
    recovery = plan.recovery
    if recovery is None:
        return []
    found = [
        Generated(_stale(b), "backup") for b in recovery.backups if has_stale_alert(recovery, b)
    ]
    backup = rpo_backup(recovery)
    if backup is not None:
        found.append(Generated(_rpo(recovery, backup), "backup"))
    if recovery.restore_test is not None:
        found.append(Generated(_restore(plan, recovery), "restore"))
    return found


def _short(seconds: float) -> str:
    return durations.format_seconds(seconds)


def _alert(**fields: Any) -> Alert:
    return Alert.model_validate({k: v for k, v in fields.items() if v is not None})


def _stale(backup: Backup) -> Alert:
    limit = stale_seconds(backup)
    return _alert(
        name=stale_name(backup),
        metric=backup.metric,
        op=">",
        threshold=float(limit),
        severity=backup.severity,
        service=backup.service,
        summary=f"No successful {backup.name} backup for {_short(limit)}: a run was missed",
        description=f"{backup.name} backups run every {backup.every} and may take up to "
        f"{grace(backup)}, so their age stays below {_short(limit)} while the schedule runs. "
        "An older backup means a run failed or did not start.",
    )


def _rpo(recovery: Recovery, backup: Backup) -> Alert:
    limit = rpo_seconds(recovery)
    return _alert(
        name=recovery.rpo_alert,
        metric=backup.metric,
        op=">",
        threshold=float(limit),
        severity=recovery.rpo_severity,
        service=backup.service,
        summary=f"No {backup.name} backup for {_short(limit)}: the {recovery.rpo} RPO is breached",
        description=f"The RPO allows losing {recovery.rpo} of data. {backup.name} backups run "
        f"every {backup.every} and may take {grace(backup)}; past RPO + {grace(backup)} = "
        f"{_short(limit)} more than the RPO is in no backup even counting a run in progress. "
        "Restore the backup chain before anything else fails.",
    )


def _restore(plan: Plan, recovery: Recovery) -> Alert:
    test = recovery.restore_test
    assert test is not None
    rto = durations.seconds(recovery.rto)
    selector = test.duration.strip()
    series = _series(selector)
    return _alert(
        name=test.alert,
        area=recovery.area or _rpo_area(plan, recovery),
        expr=f"max({selector}) > {format_number(rto)}",
        severity=test.severity,
        service=test.service,
        summary=f"The last restore test took longer than the {recovery.rto} RTO",
        description=f"Restoring from backup must finish within the RTO of {recovery.rto} "
        f"({format_number(rto)} seconds); the last restore test took longer, so a real "
        "recovery would too. Find the slow step (download, restore, index build, checks).",
        tests={
            "quiet": [{"series": series, "value": format_number(rto / 2)}],
            "firing": [{"series": series, "value": format_number(rto * 1.5)}],
        },
    )


def _series(selector: str) -> str:
    series = plain_series(selector)
    assert series is not None, "plan checks allow only plain selectors here"
    return series


def _rpo_area(plan: Plan, recovery: Recovery) -> str:
    backup = rpo_backup(recovery) or recovery.backups[0]
    return plan.metrics[backup.metric].area
