"""Generated promtool tests: every alert proves itself, and the tests have teeth."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import MINIMAL, ROOT, require_tool
from eyewatch_gen.pipeline import render_all
from eyewatch_gen.plan.catalog import rule_groups
from eyewatch_gen.plan.load import load_plan, load_plan_text
from eyewatch_gen.targets import slo_tests
from eyewatch_gen.targets.promtests import notation
from eyewatch_gen.writer import write_tree


def _render(plan_text: str, out: Path) -> Path:
    write_tree(out, render_all(load_plan_text(plan_text).plan))
    return out


def _promtool_test(out: Path) -> subprocess.CompletedProcess[str]:
    promtool = require_tool("promtool")
    files = sorted((out / "prometheus/tests").glob("*.test.yml"))
    return subprocess.run(
        [promtool, "test", "rules", *files],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def _cases(out: Path) -> dict[str, dict[str, int]]:
    """alertname -> number of firing and quiet checks in the generated tests."""
    counts: dict[str, dict[str, int]] = {}
    for path in (out / "prometheus/tests").glob("*.test.yml"):
        for group in yaml.safe_load(path.read_text())["tests"]:
            for check in group["alert_rule_test"]:
                kind = "firing" if check["exp_alerts"] else "quiet"
                entry = counts.setdefault(check["alertname"], {"firing": 0, "quiet": 0})
                entry[kind] += 1
    return counts


@pytest.mark.parametrize("plan", [ROOT / "plan.yaml", MINIMAL], ids=["default", "minimal"])
def test_every_alert_has_a_firing_and_a_quiet_case(plan: Path, tmp_path: Path) -> None:
    out = _render(plan.read_text(), tmp_path / "out")
    loaded = load_plan(plan).plan
    alerts = {r.name for g in rule_groups(loaded) for r in g.alerting}
    cases = _cases(out)
    assert alerts == set(cases)
    assert all(c["firing"] >= 1 and c["quiet"] >= 1 for c in cases.values()), cases


def test_default_plan_has_slo_scrape_health_and_absent_alerts() -> None:
    names = {r.name for g in rule_groups(load_plan(ROOT / "plan.yaml").plan) for r in g.alerting}
    assert {
        "CheckoutAvailabilityBudgetBurn",
        "NodeExporterTargetDown",
        "KubeStateMetricsTargetDown",
        "OplogBackupAgeAbsent",
    } <= names


@pytest.mark.parametrize("plan", [ROOT / "plan.yaml", MINIMAL], ids=["default", "minimal"])
def test_promtool_passes_the_generated_tests(plan: Path, tmp_path: Path) -> None:
    result = _promtool_test(_render(plan.read_text(), tmp_path / "out"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_tests_follow_a_changed_threshold(tmp_path: Path) -> None:
    text = (ROOT / "plan.yaml").read_text()
    old = '    metric: node_cpu_utilisation\n    op: ">"\n    threshold: 0.80\n'
    assert old in text
    changed = text.replace(old, old.replace("0.80", "0.65"))
    result = _promtool_test(_render(changed, tmp_path / "out"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_hand_edited_threshold_makes_the_tests_fail(tmp_path: Path) -> None:
    out = _render((ROOT / "plan.yaml").read_text(), tmp_path / "out")
    rules = out / "prometheus/rules/infrastructure.rules.yml"
    text = rules.read_text()
    assert "instance:node_cpu_utilisation:rate5m > 0.8\n" in text
    rules.write_text(
        text.replace(
            "instance:node_cpu_utilisation:rate5m > 0.8\n",
            "instance:node_cpu_utilisation:rate5m > 0.95\n",
        )
    )
    result = _promtool_test(out)
    assert result.returncode == 1
    assert "alertname: NodeHighCPU" in result.stdout + result.stderr


def test_hand_edited_severity_makes_the_tests_fail(tmp_path: Path) -> None:
    out = _render(MINIMAL.read_text(), tmp_path / "out")
    rules = out / "prometheus/rules/app.rules.yml"
    rules.write_text(rules.read_text().replace("severity: P1", "severity: P3", 1))
    result = _promtool_test(out)
    assert result.returncode == 1
    assert "alertname: ErrorsHigh" in result.stdout + result.stderr


def test_slo_tests_cover_fast_burn_slow_burn_and_healthy(tmp_path: Path) -> None:
    out = _render((ROOT / "plan.yaml").read_text(), tmp_path / "out")
    groups = yaml.safe_load((out / "prometheus/tests/slo.test.yml").read_text())["tests"]
    # one group per case, shared by every SLO (their SLIs read different series)
    assert len(groups) == 4
    checkout = [
        check
        for g in groups
        for check in g["alert_rule_test"]
        if check["alertname"] == "CheckoutAvailabilityBudgetBurn"
    ]
    fired = [sorted(a["exp_labels"]["sloth_severity"] for a in c["exp_alerts"]) for c in checkout]
    assert fired == [[], ["ticket"], ["page", "ticket"], []]  # the last: no error series
    severities = {
        a["exp_labels"]["sloth_severity"]: a["exp_labels"]["severity"]
        for a in checkout[2]["exp_alerts"]
    }
    assert severities == {"page": "P1", "ticket": "P4"}


def test_slos_reading_the_same_series_keep_their_own_groups() -> None:
    text = (ROOT / "plan.yaml").read_text()
    start = text.index("\n  - service:", text.index("\nslos:\n"))
    end = text.index("\n  - service:", start + 1)
    first = text[start:end]
    twin = first.replace("objective: 99.9", "objective: 99.5", 1)
    twin = twin.replace("  - service:", "  - name: strict\n    service:", 1)
    twin = twin.replace("name: RecommendationApi", "name: StrictRecommendationApi", 1)
    loaded = load_plan_text(text[:start] + first + "\n" + twin + text[end:])
    groups = slo_tests.groups(loaded.plan)
    assert len(groups) == 8  # the twin reads the first SLO's series: its 4 cases go apart


def test_alerts_sharing_series_go_to_separate_groups_others_share_one(tmp_path: Path) -> None:
    out = _render((ROOT / "plan.yaml").read_text(), tmp_path / "out")
    data: dict[str, Any] = yaml.safe_load((out / "prometheus/tests/backups.test.yml").read_text())
    names = [{c["alertname"] for c in g["alert_rule_test"]} for g in data["tests"]]
    # BackupRPOBreached reads the oplog age record, OplogBackupAgeAbsent the timestamps it is
    # computed from: two groups, not eight.
    assert len(names) == 2
    assert not any({"BackupRPOBreached", "OplogBackupAgeAbsent"} <= group for group in names)


@pytest.mark.parametrize(
    ("samples", "expected"),
    [
        ([0.0, 1.0, 2.0, 3.0], "0+1x3"),
        ([None, None, 5.0, 5.0], "_x2 5+0x1"),
        ([1.0, None, 2.0], "1 _x1 2"),
        ([3.0, 2.0, 1.0, 7.0], "3-1x2 7"),
    ],
    ids=["counter", "gap-then-gauge", "single-samples", "decreasing-then-jump"],
)
def test_series_notation(samples: list[float | None], expected: str) -> None:
    assert notation(samples) == expected


def test_tests_are_committed_for_the_default_plan() -> None:
    assert (ROOT / "generated/prometheus/tests/infrastructure.test.yml").is_file()
    assert shutil.which("true")  # sanity: the environment can run tools
