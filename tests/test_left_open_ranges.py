"""Generated tests hold under Prometheus 3's left-open range windows (issue 23, finding 3).

No Prometheus 3 runs here, so its windows are emulated: every range in the rules (and in the
tests' PromQL checks) is shortened by 1 ms and the Debian promtool 2.42, whose windows are
left-closed, then misses a sample exactly on a window's left edge as Prometheus 3 does. All
generated tests of every example plan must pass both as written and emulated.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import MINIMAL, PLANS, ROOT, require_tool
from eyewatch_gen.pipeline import render_all
from eyewatch_gen.plan.catalog import rule_groups
from eyewatch_gen.plan.environments import variant
from eyewatch_gen.plan.load import load_plan, load_plan_text
from eyewatch_gen.plan.model import Plan
from eyewatch_gen.plan.testspec import feed_seconds
from eyewatch_gen.problems import PlanError
from eyewatch_gen.promql.windows import shortened
from eyewatch_gen.writer import write_tree

TEXT = (ROOT / "plan.yaml").read_text()
RATE_2M = '(rate(eyewear_auth_attempts_total{result="failure"}[2m])) * 60'  # the plan today
#: the shape issue 23 found: increase over [1m] of a job scraped every 15s, whose generated
#: test fed a sample a minute, so under Prometheus 3 the window held one sample
INCREASE_1M = TEXT.replace(RATE_2M, '(increase(eyewear_auth_attempts_total{result="failure"}[1m]))')


def _plans() -> dict[str, Plan]:
    two_teams = load_plan(ROOT / "examples/two-teams/plan.yaml").plan
    plans = {
        "plan.yaml": load_plan(ROOT / "plan.yaml").plan,
        "increase-1m": load_plan_text(INCREASE_1M).plan,
    }
    plans |= {f"two-teams/{env}": variant(two_teams, env) for env in two_teams.environments}
    return plans | {p.stem: load_plan(p).plan for p in PLANS.glob("*.yaml")}


def _left_open(prometheus: Path) -> None:
    """Shorten every range of the rule files and test checks under `prometheus/` by 1 ms."""
    for path in [*prometheus.glob("rules/*.yml"), *prometheus.glob("tests/*.yml")]:
        data = yaml.safe_load(path.read_text())
        _shorten(data)
        path.write_text(yaml.safe_dump(data, sort_keys=False, width=10_000))


def _shorten(node: Any) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "expr" and isinstance(value, str):
                node[key] = shortened(value, 1)
            else:
                _shorten(value)
    elif isinstance(node, list):
        for item in node:
            _shorten(item)


def _promtool(promtool: str, prometheus: Path) -> subprocess.CompletedProcess[str]:
    tests = sorted(str(p) for p in prometheus.glob("tests/*.yml"))
    return subprocess.run(
        [promtool, "test", "rules", *tests],
        capture_output=True,
        text=True,
        check=False,
        cwd=prometheus,
        timeout=600,
    )


def test_shortened_ranges_are_1ms_shorter() -> None:
    assert shortened("rate(x[5m])", 1) == "rate(x[4m59s999ms])"
    assert shortened("max_over_time(x[1h:5m]) offset 1d", 1) == (
        "max_over_time(x[59m59s999ms:5m]) offset 1d"
    )
    assert shortened("sum(rate(x[30d]))", 1) == "sum(rate(x[29d23h59m59s999ms]))"
    assert shortened("x[{{.window}}]", 1) == "x[{{.window}}]"


EDGE = """
rule_files: [edge.rules.yml]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - {series: 'logins_total', values: '0+20x10'}
    alert_rule_test:
      - {eval_time: 5m, alertname: Edge, exp_alerts: [{exp_labels: {severity: P2}}]}
"""
EDGE_RULES = """
groups:
  - name: edge
    rules:
      - {alert: Edge, expr: 'increase(logins_total[1m]) > 10', labels: {severity: P2}}
"""


def test_the_emulation_drops_the_sample_on_the_left_edge(tmp_path: Path) -> None:
    """The AuthenticationFailuresHigh shape: samples every minute, increase over [1m]. Left
    closed, the window holds two samples and the alert fires; emulated left-open, one
    sample, no increase, no alert."""
    promtool = require_tool("promtool")
    (tmp_path / "rules").mkdir()
    (tmp_path / "tests").mkdir()
    (tmp_path / "rules/edge.rules.yml").write_text(EDGE_RULES)
    (tmp_path / "tests/edge.test.yml").write_text(EDGE.replace("[edge", "[../rules/edge"))
    assert _promtool(promtool, tmp_path).returncode == 0
    _left_open(tmp_path)
    emulated = _promtool(promtool, tmp_path)
    assert emulated.returncode != 0 and "alertname: Edge" in emulated.stderr


@pytest.mark.parametrize("name", sorted(_plans()))
def test_every_generated_test_passes_with_left_open_ranges(name: str, tmp_path: Path) -> None:
    promtool = require_tool("promtool")
    write_tree(tmp_path, render_all(_plans()[name]))
    prometheus = tmp_path / "prometheus"
    if not any(prometheus.glob("tests/*.yml")):
        pytest.skip("no generated tests")
    as_written = tmp_path / "as-written"
    shutil.copytree(prometheus, as_written)
    result = _promtool(promtool, as_written)
    assert result.returncode == 0, result.stderr[-3000:]
    _left_open(prometheus)
    result = _promtool(promtool, prometheus)
    assert result.returncode == 0, result.stderr[-3000:]


BATCH = """
jobs:
  batch: {area: app, static: ["batch:9100"], interval: 1m}
"""
BATCH_ALERT = """
  - name: BatchFailing
    area: app
    expr: increase(batch_failures_total{job="batch"}[1m]) > 0
    severity: P3
    summary: "batch jobs fail"
    tests:
      labels: {job: batch}
      quiet: [{series: 'batch_runs_total{job="batch"}', rate: "1"}]
      firing: [{series: 'batch_failures_total{job="batch"}', rate: "1"}]
"""


def test_tests_feed_samples_at_the_jobs_scrape_interval() -> None:
    """eyewear-apps is scraped every 15s: its alerts' tests get a sample every 15s; jobs at
    the global 30s every 30s."""
    plan = load_plan(ROOT / "plan.yaml").plan
    tests = {
        rule.name: rule.test
        for group in rule_groups(plan)
        for rule in group.alerting
        if rule.test is not None
    }
    auth = tests["AuthenticationFailuresHigh"]
    assert auth is not None and feed_seconds(plan, auth.reads) == 15
    cpu = tests["NodeHighCPU"]
    assert cpu is not None and feed_seconds(plan, cpu.reads) == 30
    data = yaml.safe_load((ROOT / "generated/prometheus/tests/service-health.test.yml").read_text())
    intervals = {
        check["alertname"]: group["interval"]
        for group in data["tests"]
        for check in group["alert_rule_test"]
    }
    assert intervals["AuthenticationFailuresHigh"] == "15s"
    assert feed_seconds(load_plan_text(MINIMAL.read_text()).plan, ["up"]) == 30
    odd = MINIMAL.read_text() + BATCH_ALERT.replace("[1m]", "[5m]") + BATCH.replace("1m", "45s")
    plan = load_plan_text(odd).plan
    assert feed_seconds(plan, ['batch_failures_total{job="batch"}']) == 15  # divides a minute


def test_a_window_spanning_one_sample_of_its_test_input_is_a_plan_error() -> None:
    """A [1m] window over a job scraped every minute holds one sample under Prometheus 3:
    the alert could never fire there, and its generated test would say so only on 3.x."""
    text = MINIMAL.read_text() + BATCH_ALERT + BATCH
    with pytest.raises(PlanError) as caught:
        load_plan_text(text)
    (problem,) = [p.render() for p in caught.value.problems]
    line = (
        text.splitlines().index('    expr: increase(batch_failures_total{job="batch"}[1m]) > 0') + 1
    )
    assert problem.startswith(f"plan.yaml:{line}:11: error: alerts[3].expr: [1m] spans 1 ")
    assert "sample of the generated test, which feeds job 'batch' every 1m;" in problem
    assert "widen it to [2m] or more, or scrape job 'batch' every 30s or less" in problem
    assert problem.endswith("(plan/test-window)")
    load_plan_text(text.replace("interval: 1m", "interval: 30s"))
