"""A failed generated test says which alert, where in the plan, which case, at what time, and
what was expected against what came."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from conftest import MINIMAL, Run, require_tool
from eyewatch_gen.checks.promtool_failures import Alerted, explain, failures
from eyewatch_gen.pipeline import render_all
from eyewatch_gen.plan.load import load_plan
from eyewatch_gen.writer import write_tree

OUTPUT = """\
Unit Testing:  out/prometheus/tests/app.test.yml
  FAILED:
    alertname: ErrorsHigh, time: 6m,
        exp:[],
        got:[
            0:
              Labels:{alertname="ErrorsHigh", area="app", severity="P3"}
              Annotations:{summary="Error ratio 4.5%"}
            ]

    alertname: ErrorsHigh, time: 18m,
        exp:[
            0:
              Labels:{alertname="ErrorsHigh", area="app", severity="P1"}
              Annotations:{summary="Error ratio \\"high\\" 5.5%"}
            ],
        got:[
            0:
              Labels:{alertname="ErrorsHigh", area="app", severity="P3"}
              Annotations:{summary="Error ratio \\"high\\" 5.5%"}
            ]
  FAILED:
    alertname: HighCPU, time: 13m,
        exp:[
            0:
              Labels:{alertname="HighCPU", instance="node-1:9100"}
              Annotations:{summary="CPU on node-1:9100"}
            ],
        got:[]
"""


def test_promtool_failures_are_read_back_as_expected_and_got() -> None:
    found = failures(OUTPUT)
    assert [(f.alert, f.time, len(f.expected), len(f.got)) for f in found] == [
        ("ErrorsHigh", "6m", 0, 1),
        ("ErrorsHigh", "18m", 1, 1),
        ("HighCPU", "13m", 1, 0),
    ]
    assert found[1].expected[0] == Alerted(
        {"alertname": "ErrorsHigh", "area": "app", "severity": "P1"},
        {"summary": 'Error ratio "high" 5.5%'},
    )


def test_each_failure_says_what_differs() -> None:
    first, second, third = failures(OUTPUT)
    assert explain(first, "quiet") == (
        'ErrorsHigh at 6m (quiet case): expected no alert, got it firing with {alertname="'
        'ErrorsHigh", area="app", severity="P3"}'
    )
    assert explain(second, "firing") == (
        'ErrorsHigh at 18m (firing case): labels: severity expected "P1", got "P3"'
    )
    assert explain(third, None) == (
        'HighCPU at 13m: expected it firing with {alertname="HighCPU", instance="node-1:9100"}'
        ", got no alert"
    )


def test_lint_points_a_failed_test_at_the_alert_in_the_plan(
    tmp_path: Path, cli: Callable[..., Run]
) -> None:
    require_tool("promtool")
    plan = tmp_path / "plan.yaml"
    shutil.copy(MINIMAL, plan)
    out = tmp_path / "generated"
    write_tree(out, render_all(load_plan(plan).plan))
    rules = out / "prometheus/rules/app.rules.yml"
    rules.write_text(rules.read_text().replace("severity: P1", "severity: P3", 1))
    result = cli("lint", plan, "--out", out, "--only", "promtool", "--format", "plain")
    assert result.code == 1, result.out + result.err
    line = MINIMAL.read_text().splitlines().index("  - name: ErrorsHigh") + 1
    assert (
        f"{out}/prometheus/tests/app.test.yml: error: ErrorsHigh ({plan}:{line}:5) at 16m "
        '(firing case): labels: severity expected "P1", got "P3" (promtool/test)'
    ) in result.out.splitlines()
