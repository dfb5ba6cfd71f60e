"""The five bugs found while porting community rules (issue 17), each pinned by a test."""

from __future__ import annotations

import math
import subprocess
from pathlib import Path

import pytest

from conftest import MINIMAL, require_tool
from eyewatch_gen.pipeline import render_all
from eyewatch_gen.plan.load import load_plan_text
from eyewatch_gen.plan.testspec import fire_and_quiet, threshold_values
from eyewatch_gen.problems import PlanError, Problem
from eyewatch_gen.writer import write_tree


def _problems(text: str) -> list[Problem]:
    with pytest.raises(PlanError) as caught:
        load_plan_text(text)
    return caught.value.problems


def _edit(old: str, new: str) -> str:
    text = MINIMAL.read_text()
    assert old in text, old
    return text.replace(old, new, 1)


def _promtool(text: str, out: Path) -> subprocess.CompletedProcess[str]:
    promtool = require_tool("promtool")
    write_tree(out, render_all(load_plan_text(text).plan))
    files = sorted((out / "prometheus/tests").glob("*.test.yml"))
    return subprocess.run(
        [promtool, "test", "rules", *files], capture_output=True, text=True, check=False
    )


def test_1_a_label_overriding_severity_is_a_validation_error_with_a_position() -> None:
    text = _edit("    labels: {component: api}", "    labels: {component: api, severity: warning}")
    problems = _problems(text)
    found = [p for p in problems if p.path == "alerts[1].labels.severity"]
    assert len(found) == 1, problems
    written = "    labels: {component: api, severity: warning}"
    line = text.splitlines().index(written) + 1
    assert (found[0].line, found[0].column) == (line, written.index("severity") + 1)
    assert "severity: P1..P4" in found[0].message
    assert found[0].rule == "plan/reserved-label"


@pytest.mark.parametrize("label", ["team", "service", "area", "alertname"])
def test_1_other_labels_routing_relies_on_are_reserved_too(label: str) -> None:
    text = _edit("    labels: {component: api}", f"    labels: {{component: api, {label}: x}}")
    assert [p.path for p in _problems(text)] == [f"alerts[1].labels.{label}"]


INCREASE = """\
  restarts:
    area: infra
    description: Restarts in 5 minutes
    expr: sum by (pod) (increase(restarts_total[5m]))
    fixture:
      labels: {pod: app-0}
      range: [0, 100]
      series:
        - {series: 'restarts_total{pod="app-0"}', rate: v / 300}
alerts:
  - name: Restarting
    metric: restarts
    op: ">"
    threshold: 0
    for: 5m
    severity: P3
    summary: "{{ $labels.pod }} restarted {{ $value | humanize }} times"
"""


def test_2_a_threshold_at_the_range_floor_keeps_the_quiet_value_in_range(tmp_path: Path) -> None:
    text = _edit("alerts:\n", INCREASE)
    loaded = load_plan_text(text).plan
    alert = next(a for a in loaded.alerts if a.name == "Restarting")
    assert fire_and_quiet(loaded, alert) == (1.5, 0.0)
    result = _promtool(text, tmp_path / "out")
    assert result.returncode == 0, result.stdout + result.stderr


def test_2_a_threshold_that_can_never_fire_within_the_range_is_an_error() -> None:
    text = _edit("alerts:\n", INCREASE.replace('op: ">"', 'op: "<"'))
    problems = _problems(text)
    assert [(p.path, p.rule) for p in problems] == [("alerts[0].threshold", "plan/threshold")]
    assert "can never fire" in problems[0].message


ABSENT = """\
  - name: AppMetricsAbsent
    area: app
    expr: absent(up{job="app"})
    for: 10m
    severity: P3
    summary: "No metrics from {{ $labels.job }}"
    tests:
      labels: {job: app}
      quiet: [{series: 'up{job="app", instance="app-1:8080"}', value: "1"}]
      firing: [{series: 'up{job="other", instance="other-1:8080"}', value: "1"}]
"""


def test_3_a_raw_absent_alert_passes_its_generated_test(tmp_path: Path) -> None:
    text = MINIMAL.read_text() + ABSENT
    result = _promtool(text, tmp_path / "out")
    assert result.returncode == 0, result.stdout + result.stderr


def test_3_a_raw_absent_alert_may_fire_on_no_series_at_all(tmp_path: Path) -> None:
    text = MINIMAL.read_text() + ABSENT.replace(
        """      firing: [{series: 'up{job="other", instance="other-1:8080"}', value: "1"}]""",
        "      firing: []",
    )
    result = _promtool(text, tmp_path / "out")
    assert result.returncode == 0, result.stdout + result.stderr


def test_3_only_an_absent_alert_may_fire_on_no_series() -> None:
    text = _edit(
        """      firing: [{series: 'up{job="app", instance="app-1:8080"}', value: "0"}]""",
        "      firing: []",
    )
    assert [(p.path, p.rule) for p in _problems(text)] == [
        ("alerts[2].tests.firing", "plan/untestable")
    ]


def test_4_a_raw_alert_printing_value_needs_the_tests_value() -> None:
    text = _edit(
        '    summary: "{{ $labels.instance }} is down"',
        """    summary: '{{ $labels.instance }} is down ({{ printf "%.0f" $value }})'""",
    )
    problems = _problems(text)
    assert [(p.path, p.rule) for p in problems] == [("alerts[2].tests", "plan/untestable")]
    assert "tests.value" in problems[0].message
    assert "summary" in problems[0].message


def test_4_with_the_value_given_the_plan_is_valid() -> None:
    text = _edit(
        '    summary: "{{ $labels.instance }} is down"',
        """    summary: '{{ $labels.instance }} is down ({{ printf "%.0f" $value }})'""",
    )
    text = text.replace("      labels: {instance:", "      value: 0\n      labels: {instance:")
    assert load_plan_text(text).plan.alerts[2].tests is not None


def test_5_an_untestable_alert_names_the_shortest_fix_first() -> None:
    text = _edit("    record: instance:cpu_busy:rate5m\n", "")
    problems = _problems(text)
    assert [p.path for p in problems] == ["alerts[0].metric"]
    message = problems[0].message
    assert "metrics.cpu.record" in message
    assert message.index("record") < message.index("fixture")


def test_5_a_raw_alert_without_tests_hears_of_untested_too() -> None:
    text = _edit(
        """      labels: {instance: "app-1:8080", job: app}
      quiet: [{series: 'up{job="app", instance="app-1:8080"}', value: "1"}]
      firing: [{series: 'up{job="app", instance="app-1:8080"}', value: "0"}]
""",
        "",
    ).replace("    tests:\n", "")
    problems = _problems(text)
    assert [p.path for p in problems] == ["alerts[2]"]
    assert "untested" in problems[0].message


def test_a_fire_value_of_exactly_1_is_moved_off_the_humanize_boundary() -> None:
    """Through a counter 1 comes out as 0.9999999, which `humanize` prints `1000m`."""
    assert threshold_values(">", 0, (0, math.inf)) == (1.5, 0)
    assert threshold_values(">", 900, (0, math.inf)) == (990, 810)
    assert threshold_values(">", 0.9, (0, 1)) == (0.95, 0.85)


def test_keep_firing_for_delays_the_record_level_pending_case(tmp_path: Path) -> None:
    """Found importing: the pending case after the firing one ignored keep_firing_for."""
    text = _edit(
        "    unit: percentunit\n    expr: |",
        "    unit: percentunit\n    record: job:errors:ratio5m\n    expr: |",
    )
    text = text.replace("    for: 5m\n", "    for: 2m\n    keep_firing_for: 10m\n", 1)
    result = _promtool(text, tmp_path / "out")
    assert result.returncode == 0, result.stdout + result.stderr
