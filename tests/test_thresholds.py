"""Thresholds as people write them (`7*24*60*60`, `85%`, `500ms`, `7d`, `10GiB`) and alert
sets over any label value."""

from __future__ import annotations

import pytest

from conftest import MINIMAL
from eyewatch_gen.pipeline import render_all
from eyewatch_gen.plan.load import load_plan_text
from eyewatch_gen.plan.thresholds import number
from eyewatch_gen.problems import PlanError


@pytest.mark.parametrize(
    ("text", "unit", "expected"),
    [
        ("7*24*60*60", "short", 604800),
        ("0.8", "short", 0.8),
        ("1e3 / 4", None, 250),
        ("85%", "percentunit", 0.85),
        ("99.9%", "percentunit", 0.999),
        ("85%", "percent", 85),
        ("500ms", "s", 0.5),
        ("500ms", "ms", 500),
        ("7d", "s", 604800),
        ("1h30m", "s", 5400),
        ("2h", "m", 120),
        ("250us", "ms", 0.25),
        ("10GiB", "bytes", 10 * 2**30),
        ("1.5GB", "decbytes", 1.5e9),
        ("10 MiB/s", "Bps", 10 * 2**20),
    ],
)
def test_a_threshold_text_is_the_plain_number(text: str, unit: str, expected: float) -> None:
    assert number(text, unit) == expected


@pytest.mark.parametrize(
    ("text", "unit", "said"),
    [
        ("85%", "short", "unit 'short' does not make unambiguous"),
        ("7d", "percentunit", "unit 'percentunit'"),
        ("10GiB", "Bps", "unit 'Bps'"),
        ("85%", None, "the alert's metric is unknown"),
        ("high", "short", "is not a threshold"),
        ("v * 2", "short", "is not a threshold"),
    ],
)
def test_an_ambiguous_threshold_says_what_is_allowed(text: str, unit: str, said: str) -> None:
    with pytest.raises(ValueError) as caught:
        number(text, unit)
    assert said in str(caught.value)


def _minimal(old: str, new: str) -> str:
    text = MINIMAL.read_text()
    assert old in text
    return text.replace(old, new, 1)


def test_the_generated_rule_shows_the_plain_number() -> None:
    text = _minimal("    threshold: 0.9\n", '    threshold: "90%"\n')
    plan = load_plan_text(text).plan
    assert plan.alerts[0].threshold == 0.9
    rules = {a.path: a.content.decode() for a in render_all(plan)}
    assert "instance:cpu_busy:rate5m > 0.9\n" in rules["prometheus/rules/infra.rules.yml"]


def test_an_ambiguous_unit_is_an_error_at_the_threshold() -> None:
    text = _minimal("    threshold: 0.9\n", "    threshold: 90ms\n")
    with pytest.raises(PlanError) as caught:
        load_plan_text(text)
    (problem,) = caught.value.problems
    line = text.splitlines().index("    threshold: 90ms") + 1
    assert (problem.line, problem.column, problem.path, problem.rule) == (
        line,
        16,
        "alerts[0].threshold",
        "plan/threshold",
    )
    assert "unit 'percentunit'" in problem.message


def test_environment_overrides_take_units_too() -> None:
    text = (
        MINIMAL.read_text()
        + "environments:\n  production: {}\n  staging:\n"
        + ('    alerts: {HighCPU: {threshold: "95%"}}\n')
    )
    plan = load_plan_text(text).plan
    assert plan.environments["staging"].alerts["HighCPU"].threshold == 0.95


ALERT_SET = """\
alert_sets:
  - name: "Node{Item}"
    for_each: [MemoryPressure, DiskPressure, PIDPressure]
    label: condition
    metric: node_condition
    op: ">"
    threshold: "0"
    for: 5m
    severity: P3
    service: false
    summary: "{{ $labels.node }} reports {item}"
  - name: "{Item}ErrorsHigh"
    for_each: [eu-west-1, us.east/2]
    label: region
    metric: region_errors
    op: ">"
    threshold: "5%"
    severity: P3
    summary: "Errors in {item}"
    overrides:
      us.east/2: {threshold: "10%"}
"""
METRICS = """\
  node_condition:
    area: infra
    record: node_condition:status
    expr: sum by (node, condition) (kube_node_status_condition{status="true"})
  region_errors:
    area: app
    unit: percentunit
    record: region:errors:ratio
    expr: sum by (region) (rate(errors_total[5m])) / sum by (region) (rate(requests_total[5m]))
alerts:
"""


def test_alert_sets_take_any_label_value_and_name_alerts_from_it() -> None:
    text = _minimal("alerts:\n", METRICS) + ALERT_SET
    plan = load_plan_text(text).plan
    made = {a.name: a for a in plan.alerts[3:]}
    assert list(made) == [
        "NodeMemoryPressure",
        "NodeDiskPressure",
        "NodePIDPressure",
        "EuWest1ErrorsHigh",
        "UsEast2ErrorsHigh",
    ]
    assert made["NodeDiskPressure"].match == {"condition": "DiskPressure"}
    assert made["UsEast2ErrorsHigh"].match == {"region": "us.east/2"}
    assert made["UsEast2ErrorsHigh"].threshold == 0.1
    assert made["EuWest1ErrorsHigh"].threshold == 0.05
    assert made["EuWest1ErrorsHigh"].service == "eu-west-1"
