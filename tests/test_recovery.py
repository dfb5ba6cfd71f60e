"""Recovery objectives as numbers: backup-age thresholds derived from the RPO and the schedule,
the restore-test alerts, the docs that explain the margin, and errors with positions."""

from __future__ import annotations

import pytest

from conftest import MINIMAL, ROOT
from eyewatch_gen.pipeline import render_all
from eyewatch_gen.plan.catalog import rule_groups
from eyewatch_gen.plan.load import load_plan, load_plan_text
from eyewatch_gen.plan.rules import AlertingRule
from eyewatch_gen.problems import PlanError

DEFAULT = load_plan(ROOT / "plan.yaml").plan
METRIC = """  backup_age:
    area: infra
    description: Seconds since the last log backup
    unit: s
    record: database:backup_age:seconds
    labels: {database: shop}
    expr: time() - max by (database) (backup_last_success_timestamp_seconds)
"""
RECOVERY = """recovery:
  rpo: 15m
  rto: 1h
  backups:
    - {name: log, metric: backup_age, every: 5m, grace: 2m, rpo: true, severity: P2}
  restore_test: {routine: restore, duration: restore_duration_seconds}
maintenance:
  routines:
    - name: restore
      title: Restore test
      cadence: weekly
      owner: platform
      done: Restored and checked.
      area: infra
      completion: {metric: restore_last_success_timestamp_seconds}
"""


def _plan_text(recovery: str = RECOVERY) -> str:
    return MINIMAL.read_text().replace("metrics:\n", "metrics:\n" + METRIC, 1) + recovery


def _rules(text: str | None = None) -> dict[str, AlertingRule]:
    plan = DEFAULT if text is None else load_plan_text(text).plan
    return {r.name: r for g in rule_groups(plan) for r in g.alerting}


def _errors(text: str) -> list[str]:
    with pytest.raises(PlanError) as caught:
        load_plan_text(text)
    return [p.render() for p in caught.value.problems]


def test_default_thresholds_come_from_the_rpo_and_the_schedule() -> None:
    rules = _rules()
    assert rules["BackupRPOBreached"].expr == "database:eyewear_backup_oplog_age:seconds > 1200"
    assert rules["BackupRPOBreached"].severity == "P1"
    assert rules["IncrementalBackupStale"].expr.endswith("> 4500")  # 1h + 15m grace
    assert rules["FullBackupStale"].expr.endswith("> 93600")  # 1d + 2h grace
    # the transaction-log backup runs every RPO: its lateness is the RPO alert itself
    assert "TransactionLogBackupStale" not in rules
    assert rules["RestoreTestSlowerThanRTO"].expr == (
        "max(eyewear_restore_test_duration_seconds) > 3600"
    )
    assert rules["RestoreTestOverdue"].expr == (
        "time() - max(eyewear_restore_test_last_success_timestamp_seconds) > 691200"
    )


def test_a_backup_more_frequent_than_the_rpo_warns_before_the_rpo_pages() -> None:
    rules = _rules(_plan_text())
    assert rules["LogBackupStale"].expr == "database:backup_age:seconds > 420"  # 5m + 2m
    assert rules["LogBackupStale"].severity == "P2"
    assert rules["BackupRPOBreached"].expr == "database:backup_age:seconds > 1020"  # 15m + 2m
    assert rules["BackupRPOBreached"].kind == "backup"
    assert rules["RestoreTestSlowerThanRTO"].kind == "restore"
    assert rules["RestoreOverdue"].kind == "overdue"


def test_generated_recovery_alerts_have_quiet_and_firing_tests() -> None:
    rules = _rules(_plan_text())
    for name in ("LogBackupStale", "BackupRPOBreached", "RestoreTestSlowerThanRTO"):
        test = rules[name].test
        assert test is not None and test.firing.series and test.quiet.series, name
    restore = rules["RestoreTestSlowerThanRTO"].test
    assert restore is not None
    assert [s.value for s in restore.quiet.series] == ["1800"]
    assert [s.value for s in restore.firing.series] == ["5400"]


def test_the_maintenance_page_explains_the_margin() -> None:
    page = next(a for a in render_all(DEFAULT) if a.path == "docs/maintenance.md")
    text = page.content.decode()
    assert (
        "| transaction-log (bounds data loss) | 15m | 5m | 20m | see `BackupRPOBreached` | P1 |"
        in (text)
    )
    assert "RPO + grace = 15m +\n5m = 20m" in text
    assert "The margin is the grace" in text
    assert "`RestoreTestSlowerThanRTO` (P2)" in text


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "every: 5m, grace: 2m",
            "every: 20m, grace: 2m",
            "error: recovery.rpo: RPO 15m is shorter than the interval of the log backup "
            "(every 20m, plan.yaml:",
        ),
        ("rpo: true, ", "", "error: recovery.backups: no backup has rpo: true"),
        (
            "grace: 2m",
            "grace: 5m",
            "error: recovery.backups[0].grace: grace 5m is not shorter than the interval (5m)",
        ),
        (
            "routine: restore,",
            "routine: restores,",
            "error: recovery.restore_test.routine: unknown routine 'restores'; did you mean "
            "'restore'?",
        ),
        (
            "      completion: {metric: restore_last_success_timestamp_seconds}\n",
            "",
            "error: recovery.restore_test.routine: routine 'restore' reports no completion",
        ),
        (
            "duration: restore_duration_seconds",
            "duration: 'max(restore_duration_seconds)'",
            "error: recovery.restore_test.duration: 'max(restore_duration_seconds)' is not a "
            "plain series selector",
        ),
        (
            "metric: backup_age,",
            "metric: backups_age,",
            "error: recovery.backups[0].metric: unknown metric 'backups_age'",
        ),
    ],
    ids=[
        "rpo-shorter-than-interval",
        "no-rpo-backup",
        "grace-not-shorter",
        "unknown-routine",
        "routine-without-completion",
        "duration-not-a-selector",
        "unknown-metric",
    ],
)
def test_bad_recovery_input_is_located(old: str, new: str, expected: str) -> None:
    text = _plan_text(RECOVERY.replace(old, new, 1))
    assert any(expected in error for error in _errors(text)), _errors(text)
