"""Disaster recovery as numbers: RPO, RTO, the backup schedule and restore tests."""

from __future__ import annotations

from pydantic import Field

from eyewatch_gen.plan.fields import AlertName, Duration, Level, MetricName, Slug
from eyewatch_gen.plan.model.base import Model


class Backup(Model):
    """One kind of backup on a schedule, watched through its age metric (seconds since the
    last success). A stale alert fires when a run is missed: age > every + grace."""

    name: Slug = Field(description="full, incremental, transaction-log, ...")
    metric: MetricName = Field(description="The backup's age metric, in seconds.")
    every: Duration = Field(description="How often the backup runs.")
    grace: Duration | None = Field(
        None, description="How late a run may complete (run time, jitter); default every/4."
    )
    severity: Level = Field("P3", description="Level of the stale alert.")
    rpo: bool = Field(
        False, description="This backup bounds data loss: the RPO alert watches its age."
    )
    service: str | None = Field(None, description="`service` label of its alerts.")
    alert: AlertName | None = Field(
        None, description="Name of the stale alert (default: <Name>BackupStale)."
    )


class RestoreTest(Model):
    """Restore tests prove the RTO: alert when the last one took longer than the RTO; the
    routine that runs them alerts when none succeeded within its cadence."""

    routine: Slug = Field(description="The maintenance routine that runs the restore test.")
    duration: str = Field(
        min_length=1,
        description="Selector of the gauge holding the last restore test's duration in "
        "seconds, e.g. eyewear_restore_test_duration_seconds.",
    )
    severity: Level = Field("P2", description="Level of the slower-than-RTO alert.")
    alert: AlertName = "RestoreTestSlowerThanRTO"
    service: str | None = None


class Recovery(Model):
    """Recovery objectives and the backups and tests that keep them."""

    rpo: Duration = Field(description="Recovery point objective: most data that may be lost.")
    rto: Duration = Field(description="Recovery time objective: longest a recovery may take.")
    rpo_alert: AlertName = Field(
        "BackupRPOBreached", description="Name of the alert that fires when the RPO is breached."
    )
    rpo_severity: Level = "P1"
    area: Slug | None = Field(
        None, description="Area of the restore-test alert (default: the RPO backup metric's)."
    )
    backups: list[Backup] = Field(min_length=1)
    restore_test: RestoreTest | None = None
