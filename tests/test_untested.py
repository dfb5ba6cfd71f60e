"""The honest opt-out: `untested: "<why>"`, its lint listing and `policy.require_tests`."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import MINIMAL
from eyewatch_gen.checks import policy
from eyewatch_gen.pipeline import render_all
from eyewatch_gen.plan.catalog import rule_groups
from eyewatch_gen.plan.load import load_plan_text
from eyewatch_gen.problems import PlanError
from eyewatch_gen.writer import write_tree

UNTESTED = """\
  - name: ReplicationBroken
    area: app
    expr: mysql_slave_status_slave_sql_running{job="db"} == 0 unless on (instance) db_maintenance
    severity: @@
    summary: "Replication stopped on {{ $labels.instance }}"
    untested: needs a replica pair; drilled by hand every quarter
"""


def _plan(level: str = "P3", policy_line: str = "") -> str:
    return MINIMAL.read_text() + UNTESTED.replace("@@", level) + policy_line


def test_an_untested_alert_renders_without_a_generated_test(tmp_path: Path) -> None:
    plan = load_plan_text(_plan()).plan
    rules = {r.name: r for g in rule_groups(plan) for r in g.alerting}
    assert rules["ReplicationBroken"].test is None
    write_tree(tmp_path, render_all(plan))
    tests = (tmp_path / "prometheus/tests/app.test.yml").read_text()
    assert "ReplicationBroken" not in tests
    assert "alertname: Down" in tests


@pytest.mark.parametrize("level", ["P2", "P3"])
def test_lint_lists_every_untested_alert_with_its_reason(tmp_path: Path, level: str) -> None:
    plan = load_plan_text(_plan(level)).plan
    write_tree(tmp_path, render_all(plan))
    found = [f for f in policy.run(tmp_path, plan) if "ReplicationBroken" in f.message]
    assert [(f.rule, f.level, f.message) for f in found if f.rule != "policy/runbook"] == [
        (
            "policy/untested",
            "warning",
            f"ReplicationBroken ({level}) is untested: needs a replica pair; drilled by hand "
            "every quarter",
        )
    ]


def test_policy_require_tests_makes_an_untested_alert_at_those_levels_an_error() -> None:
    text = _plan("P2", "policy: {require_tests: [P1, P2]}\n")
    with pytest.raises(PlanError) as caught:
        load_plan_text(text)
    (problem,) = caught.value.problems
    line = text.splitlines().index(
        "    untested: needs a replica pair; drilled by hand every quarter"
    )
    assert (problem.line, problem.column, problem.path, problem.rule) == (
        line + 1,
        5,
        "alerts[3].untested",
        "plan/untested",
    )
    assert "P2 alerts must be tested (policy.require_tests: [P1, P2])" in problem.message


def test_policy_leaves_other_levels_free() -> None:
    loaded = load_plan_text(_plan("P3", "policy: {require_tests: [P1, P2]}\n"))
    assert loaded.plan.policy.require_tests == ["P1", "P2"]


def test_untested_and_tests_together_is_an_error() -> None:
    text = MINIMAL.read_text().replace("    tests:\n", "    untested: flaky\n    tests:\n", 1)
    with pytest.raises(PlanError) as caught:
        load_plan_text(text)
    assert [p.path for p in caught.value.problems] == ["alerts[2].untested"]


def test_the_alert_catalogue_says_which_alerts_are_untested_and_why() -> None:
    artifacts = {a.path: a.content.decode() for a in render_all(load_plan_text(_plan()).plan)}
    catalogue = artifacts["docs/alerts.md"]
    assert "except those marked Untested, which say why" in catalogue
    row = next(line for line in catalogue.splitlines() if line.startswith("| ReplicationBroken"))
    assert "(Untested: needs a replica pair; drilled by hand every quarter)" in row
