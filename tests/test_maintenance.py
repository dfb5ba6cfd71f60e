"""Maintenance routines: the checklist by cadence and owner, overdue alerts for routines that
report completion (tested with promtool like every alert), and schedule errors located."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import MINIMAL, ROOT, require_tool
from eyewatch_gen.pipeline import render_all
from eyewatch_gen.plan.catalog import rule_groups
from eyewatch_gen.plan.load import load_plan, load_plan_text
from eyewatch_gen.problems import PlanError
from eyewatch_gen.writer import write_tree

DEFAULT = load_plan(ROOT / "plan.yaml").plan
ROUTINES = """maintenance:
  routines:
    - name: rotate-keys
      title: Rotate keys
      cadence: monthly
      day: 3
      owner: security
      done: Every key younger than 40 days.
      area: infra
      completion: {metric: 'keys_rotated_timestamp_seconds{job="vault"}', severity: P4}
    - name: look-at-dashboards
      title: Look at dashboards
      cadence: daily
      owner: on-call
      done: Looked.
"""


def _errors(text: str) -> list[str]:
    with pytest.raises(PlanError) as caught:
        load_plan_text(text)
    return [p.render() for p in caught.value.problems]


def test_the_checklist_groups_routines_by_cadence_then_owner() -> None:
    text = next(a for a in render_all(DEFAULT) if a.path == "docs/maintenance.md").content.decode()
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings[:5] == ["## Daily", "## Weekly", "## Monthly", "## Quarterly", "## Yearly"]
    weekly = text.split("## Weekly")[1].split("## Monthly")[0]
    assert "### Owner: platform team" in weekly
    assert "- [ ] **Test backup restoration** (thursdays at 10:00). Done when: The latest" in weekly
    assert (
        "`eyewear_restore_test_last_success_timestamp_seconds`: `RestoreTestOverdue` (P3) "
        "fires when it was not done for 1w1d." in weekly
    )
    assert "[runbooks/restore-test.md](runbooks/restore-test.md)" in weekly


def test_routines_that_report_completion_get_an_overdue_alert() -> None:
    rules = {r.name: r for g in rule_groups(DEFAULT) for r in g.alerting if r.kind == "overdue"}
    assert sorted(rules) == [
        "AccessControlAuditOverdue",
        "DisasterRecoveryDrillOverdue",
        "IndexOptimisationOverdue",
        "RestoreTestOverdue",
    ]
    drill = rules["DisasterRecoveryDrillOverdue"]
    assert drill.expr == "time() - max(eyewear_dr_drill_last_success_timestamp_seconds) > 8553600"
    assert drill.labels["area"] == "backups" and drill.severity == "P3"


def test_overdue_alerts_pass_their_generated_promtool_tests(tmp_path: Path) -> None:
    promtool = require_tool("promtool")
    plan = load_plan_text(MINIMAL.read_text() + ROUTINES).plan
    write_tree(tmp_path, render_all(plan))
    tests = yaml.safe_load((tmp_path / "prometheus/tests/infra.test.yml").read_text())
    checks = [c for g in tests["tests"] for c in g["alert_rule_test"]]
    overdue = [c for c in checks if c["alertname"] == "RotateKeysOverdue"]
    assert [bool(c["exp_alerts"]) for c in overdue] == [False, True]
    run = subprocess.run(
        [promtool, "test", "rules", tmp_path / "prometheus/tests/infra.test.yml"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "cadence: daily",
            "cadence: fortnightly",
            "maintenance.routines[1].cadence: 'fortnightly' is not allowed; use 'daily', "
            "'weekly', 'monthly', 'quarterly' or 'yearly' (plan/choice)",
        ),
        (
            "      day: 3\n",
            "      weekday: tuesday\n",
            "maintenance.routines[0].weekday: weekday does not apply to a monthly routine",
        ),
        (
            "      area: infra\n",
            "",
            "maintenance.routines[0].completion: a routine that reports completion needs an area",
        ),
        (
            "name: look-at-dashboards",
            "name: rotate-keys",
            "maintenance.routines[1].name: routine 'rotate-keys' is already defined",
        ),
        (
            "metric: 'keys_rotated_timestamp_seconds{job=\"vault\"}'",
            "metric: 'keys_rotated_timestamp_seconds{job=~\"vault\"}'",
            "is not a plain series selector",
        ),
        (
            "routines:\n",
            "location: Mars/Olympus\n  routines:\n",
            "maintenance.location: unknown time zone",
        ),
    ],
    ids=[
        "unknown-cadence",
        "weekday-on-monthly",
        "completion-without-area",
        "duplicate-name",
        "regex-selector",
        "unknown-zone",
    ],
)
def test_bad_routines_are_located(old: str, new: str, expected: str) -> None:
    text = MINIMAL.read_text() + ROUTINES.replace(old, new, 1)
    errors = _errors(text)
    assert any(expected in error and error.startswith("plan.yaml:") for error in errors), errors
