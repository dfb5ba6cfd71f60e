"""Absence: exporters create a labelled counter at its first increment, so a ratio whose
numerator was never incremented must read 0, not nothing. The generated tests feed series that
way, the default plan's ratios and SLOs hold under it, and the SLO budget is the true one."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import ROOT, require_tool
from eyewatch_gen.artifacts import dump_yaml
from eyewatch_gen.pipeline import render_all
from eyewatch_gen.plan.load import load_plan, load_plan_text
from eyewatch_gen.plan.model import Series
from eyewatch_gen.plan.slo import budget, slo_labels
from eyewatch_gen.plan.testspec import unexported
from eyewatch_gen.writer import write_tree

PLAN = ROOT / "plan.yaml"


def _render(text: str, out: Path) -> Path:
    write_tree(out, render_all(load_plan_text(text).plan))
    return out


def _promtool(*files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [require_tool("promtool"), "test", "rules", *files],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def _tests(out: Path, area: str) -> list[dict[str, Any]]:
    data = yaml.safe_load((out / f"prometheus/tests/{area}.test.yml").read_text())
    tests: list[dict[str, Any]] = data["tests"]
    return tests


@pytest.mark.parametrize(
    ("series", "v", "expected"),
    [
        (Series(series='x_total{code="500"}', rate="10 * v"), 0.0, True),
        (Series(series='x_total{code="500"}', rate="10 * v"), 0.5, False),
        (Series(series="x_total", rate="10 * v"), 0.0, False),
        (Series(series='x_total{code="500"}', value="v"), 0.0, True),
        (Series(series='node_filesystem_readonly{mountpoint="/"}', value="0"), 0.0, False),
    ],
    ids=["idle-counter", "moving-counter", "unlabelled", "counter-at-0", "gauge-at-0"],
)
def test_a_labelled_counter_that_never_moved_is_not_exported(
    series: Series, v: float, expected: bool
) -> None:
    assert unexported(series, v) is expected


def test_a_counter_that_does_not_move_is_left_out_not_fed_as_zeros(tmp_path: Path) -> None:
    out = _render(PLAN.read_text(), tmp_path / "out")
    for group in _tests(out, "slo") + _tests(out, "business"):
        for series in group["input_series"]:
            assert not re.fullmatch(r"0(\+0x\d+)?", series["values"]), series
    error_free = [g for g in _tests(out, "slo") if "promql_expr_test" in g]
    slos = {
        re.findall(r'sloth_id="([^"]+)"', check["expr"])[0]
        for group in error_free
        for check in group["promql_expr_test"]
    }
    assert len(slos) == 3  # a case per SLO (SLOs on different series share the group)
    for group in error_free:
        assert [
            s["series"] for s in group["input_series"] if 'response_code="503"' in s["series"]
        ] == []


def _checks(out: Path, area: str, alertname: str) -> list[dict[str, Any]]:
    return [
        check
        for group in _tests(out, area)
        for check in group["alert_rule_test"]
        if check["alertname"] == alertname
    ]


def test_ratio_alerts_get_a_case_with_the_numerator_absent(tmp_path: Path) -> None:
    out = _render(PLAN.read_text(), tmp_path / "out")
    # quiet, firing, then v=0 (no outcome="hit" series: accuracy 0, fires for `<`) and
    # v=1 (no outcome="miss" series: accuracy 1, quiet)
    accuracy = _checks(out, "business", "RecommendationAccuracyLow")
    assert [bool(c["exp_alerts"]) for c in accuracy] == [False, True, True, False]
    # v=0 (no 5xx series: ratio 0, quiet for `>`), v=1 (only 5xx: fires)
    errors = _checks(out, "service-health", "ServiceErrorRateHigh")
    assert [bool(c["exp_alerts"]) for c in errors][-2:] == [False, True]


def test_default_plan_passes_its_absence_cases(tmp_path: Path) -> None:
    out = _render(PLAN.read_text(), tmp_path / "out")
    files = [out / f"prometheus/tests/{a}.test.yml" for a in ("business", "slo")]
    result = _promtool(*files)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_ratio_without_fallback_fails_the_absence_case(tmp_path: Path) -> None:
    text = PLAN.read_text()
    fixed = re.search(
        r"( +)\(\n +(sum\(rate\(eyewear_recommendation_outcomes_total\{outcome=\"hit\"\}\[1h\]\)\))"
        r"\n +or\n +0 \* sum\(rate\(eyewear_recommendation_outcomes_total\[1h\]\)\)\n +\)\n",
        text,
    )
    assert fixed is not None
    broken = text.replace(fixed.group(0), f"{fixed.group(1)}{fixed.group(2)}\n")
    out = _render(broken, tmp_path / "out")
    result = _promtool(out / "prometheus/tests/business.test.yml")
    assert result.returncode == 1
    assert "alertname: RecommendationAccuracyLow" in result.stdout + result.stderr


def _without_fallback(rules: Path) -> None:
    """The SLI records as they were before absence was handled: errors / total."""
    text = rules.read_text()
    old = re.compile(r"\n( +)or\n +0 \* \(.*\)\n +\)\n +/\n +\(\((.*)\) > 0\)")
    assert old.search(text)
    rules.write_text(
        old.sub(
            lambda m: f"\n{m.group(1)[:-2]})\n{m.group(1)[:-2]}/\n{m.group(1)[:-2]}({m.group(2)})",
            text,
        )
    )


def test_slo_error_free_case_fails_without_the_fallback(tmp_path: Path) -> None:
    out = _render(PLAN.read_text(), tmp_path / "out")
    _without_fallback(out / "prometheus/rules/slo.rules.yml")
    result = _promtool(out / "prometheus/tests/slo.test.yml")
    assert result.returncode == 1
    assert "got: nil" in result.stdout + result.stderr


def _last_hour_test(rules: Path, tmp_path: Path, low: float, high: float) -> Path:
    """4h of traffic at 100 req/s per SLO, 1% of it 5xx during the last hour only (the true
    30d error ratio is 0.25%): the period ratio must lie between `low` and `high`, and the
    budget left follow from it (1 - ratio / budget)."""
    plan = load_plan(PLAN).plan
    series, checks = [], []
    for slo in plan.slos:
        good, bad = (s.series for s in slo.fixture.series)
        if 'response_code="503"' in good:
            good, bad = bad, good
        assert 'response_code="503"' in bad
        series += [
            {"series": good, "values": "0+6000x180 1080000+5940x60"},
            {"series": bad, "values": "_x180 0+60x60"},
        ]
        labels = slo_labels(slo)
        ratio = f'slo:sli_error:ratio_rate{slo.window}{{sloth_id="{labels["sloth_id"]}"}}'
        left = f'slo:period_error_budget_remaining:ratio{{sloth_id="{labels["sloth_id"]}"}}'
        inner = ", ".join(f'{k}="{v}"' for k, v in {**labels, "sloth_window": slo.window}.items())
        least, most = 1 - high / budget(slo), 1 - low / budget(slo)
        for expr in (
            f"({ratio} > bool {low!r}) + ({ratio} < bool {high!r})",
            f"({left} > bool {least!r}) + ({left} < bool {most!r})",
        ):
            checks.append(
                {
                    "expr": expr,
                    "eval_time": "240m",
                    "exp_samples": [{"labels": f"{{{inner}}}", "value": 2}],
                }
            )
    data = {
        "rule_files": [str(rules)],
        "evaluation_interval": "1m",
        "tests": [{"interval": "1m", "input_series": series, "promql_expr_test": checks}],
    }
    path = tmp_path / "last-hour.test.yml"
    path.write_text(dump_yaml(data))
    return path


def test_one_percent_errors_in_the_last_hour_give_the_true_period_ratio(tmp_path: Path) -> None:
    out = _render(PLAN.read_text(), tmp_path / "out")
    test = _last_hour_test(out / "prometheus/rules/slo.rules.yml", tmp_path, 0.0024, 0.0026)
    result = _promtool(test)
    assert result.returncode == 0, result.stdout + result.stderr


def test_without_the_fallback_the_period_ratio_is_four_times_too_high(tmp_path: Path) -> None:
    """What the issue measured: only the 60 windows with errors exist, so the 30d ratio is
    about 1% (averaged over the erroring hour), not 0.25%."""
    out = _render(PLAN.read_text(), tmp_path / "out")
    rules = out / "prometheus/rules/slo.rules.yml"
    _without_fallback(rules)
    assert _promtool(_last_hour_test(rules, tmp_path, 0.0024, 0.0026)).returncode == 1
    result = _promtool(_last_hour_test(rules, tmp_path, 0.009, 0.011))
    assert result.returncode == 0, result.stdout + result.stderr


RATIOS = {
    # metric: (series of the denominator only, labels of the result)
    "recommendation_accuracy": ('eyewear_recommendation_outcomes_total{outcome="miss"}', ""),
    "conversion_rate": ("eyewear_sessions_started_total", ""),
    "frontend_errors_per_session": ("eyewear_sessions_started_total", ""),
    "auth_failure_ratio": (
        'eyewear_auth_attempts_total{namespace="eyewear", service="auth", result="success"}',
        '{namespace="eyewear", service="auth"}',
    ),
}


@pytest.mark.parametrize("metric", sorted(RATIOS))
def test_plan_ratios_read_0_when_the_numerator_was_never_exported(
    metric: str, tmp_path: Path
) -> None:
    expr = load_plan(PLAN).plan.metrics[metric].expr
    denominator, labels = RATIOS[metric]
    data = {
        "rule_files": [],
        "evaluation_interval": "1m",
        "tests": [
            {
                "interval": "1m",
                "input_series": [{"series": denominator, "values": "0+600x70"}],
                "promql_expr_test": [
                    {
                        "expr": expr,
                        "eval_time": "70m",
                        "exp_samples": [{"labels": labels, "value": 0}],
                    }
                ],
            }
        ],
    }
    path = tmp_path / "ratio.test.yml"
    path.write_text(dump_yaml(data))
    result = _promtool(path)
    assert result.returncode == 0, result.stdout + result.stderr
