"""Recovery objectives: an RPO the backup schedule can keep, one backup that bounds data loss,
backup metrics that exist, and a restore test run by a routine that reports completion."""

from __future__ import annotations

from collections.abc import Iterator

from eyewatch_gen.plan import durations
from eyewatch_gen.plan.checks.common import UNKNOWN_AREA, UNKNOWN_METRIC, Check, dangling
from eyewatch_gen.plan.checks.maintenance import SELECTOR
from eyewatch_gen.plan.model import Plan, Recovery
from eyewatch_gen.plan.recovery import grace, rpo_backup
from eyewatch_gen.plan.source import Source
from eyewatch_gen.problems import Problem
from eyewatch_gen.promql.selectors import plain_selector

RPO = "plan/rpo"
BACKUP_GRACE = "plan/backup-grace"
UNKNOWN_ROUTINE = "plan/unknown-routine"
RESTORE_TEST = "plan/restore-test"


def _metrics(plan: Plan, source: Source) -> Iterator[Problem]:
    for i, backup in enumerate(plan.recovery.backups if plan.recovery else []):
        if backup.metric not in plan.metrics:
            yield dangling(
                source,
                ("recovery", "backups", i, "metric"),
                "metric",
                backup.metric,
                plan.metrics,
                UNKNOWN_METRIC,
            )


def _one_rpo_backup(plan: Plan, source: Source) -> Iterator[Problem]:
    if plan.recovery is None:
        return
    marked = [i for i, b in enumerate(plan.recovery.backups) if b.rpo]
    if not marked:
        yield source.problem(
            ("recovery", "backups"),
            "no backup has rpo: true; mark the one whose age bounds data loss (the most "
            "frequent, such as transaction-log backups)",
            RPO,
        )
    for i in marked[1:]:
        yield source.problem(
            ("recovery", "backups", i, "rpo"),
            f"only one backup bounds data loss; backups[{marked[0]}] "
            f"({source.where(('recovery', 'backups', marked[0]))}) already has rpo: true",
            RPO,
        )


def _rpo_kept(plan: Plan, source: Source) -> Iterator[Problem]:
    """A backup every 20m cannot keep an RPO of 15m: a failure just before a run loses 20m."""
    recovery = plan.recovery
    backup = rpo_backup(recovery) if recovery else None
    if recovery is None or backup is None:
        return
    if durations.seconds(recovery.rpo) < durations.seconds(backup.every):
        index = recovery.backups.index(backup)
        yield source.problem(
            ("recovery", "rpo"),
            f"RPO {recovery.rpo} is shorter than the interval of the {backup.name} backup "
            f"(every {backup.every}, {source.where(('recovery', 'backups', index, 'every'))}): "
            f"a failure just before a run loses up to {backup.every} of data; run it at least "
            f"every {recovery.rpo} or raise the RPO to {backup.every} or more",
            RPO,
        )


def _grace(plan: Plan, source: Source) -> Iterator[Problem]:
    for i, backup in enumerate(plan.recovery.backups if plan.recovery else []):
        if durations.seconds(grace(backup)) >= durations.seconds(backup.every):
            yield source.problem(
                ("recovery", "backups", i, "grace"),
                f"grace {grace(backup)} is not shorter than the interval ({backup.every}): a "
                "missed run would only show after the next one was due too",
                BACKUP_GRACE,
            )


def _restore_test(plan: Plan, source: Source) -> Iterator[Problem]:
    recovery = plan.recovery
    if recovery is None or recovery.restore_test is None:
        return
    yield from _restore_routine(plan, source, recovery)
    at = ("recovery", "restore_test", "duration")
    if plain_selector(recovery.restore_test.duration) is None:
        yield source.problem(
            at,
            f"{recovery.restore_test.duration.strip()!r} is not a plain series selector (a "
            'metric name with label="value" matchers)',
            SELECTOR,
        )


def _restore_routine(plan: Plan, source: Source, recovery: Recovery) -> Iterator[Problem]:
    assert recovery.restore_test is not None
    name = recovery.restore_test.routine
    routines = {r.name: r for r in (plan.maintenance.routines if plan.maintenance else [])}
    at = ("recovery", "restore_test", "routine")
    if name not in routines:
        yield dangling(source, at, "routine", name, routines, UNKNOWN_ROUTINE)
    elif routines[name].completion is None:
        yield source.problem(
            at,
            f"routine {name!r} reports no completion: give it completion.metric so that a "
            "restore test missing for longer than its cadence alerts",
            RESTORE_TEST,
        )


def _area(plan: Plan, source: Source) -> Iterator[Problem]:
    area = plan.recovery.area if plan.recovery else None
    if area is not None and area not in plan.areas:
        yield dangling(source, ("recovery", "area"), "area", area, plan.areas, UNKNOWN_AREA)


CHECKS: tuple[Check, ...] = (_metrics, _one_rpo_backup, _rpo_kept, _grace, _restore_test, _area)
