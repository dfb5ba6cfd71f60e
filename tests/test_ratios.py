"""`plan/ratio-absent-numerator`: a ratio whose numerator is a label-filtered part of its
denominator, without an `or` fallback, is flagged with the metric and the rewrite."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import MINIMAL, ROOT, Run
from eyewatch_gen.plan.load import load_plan, load_plan_text
from eyewatch_gen.promql.ratios import Division, absent_numerators, divisions

RULE = "plan/ratio-absent-numerator"
FIXED = (
    '(sum(rate(http_requests_total{code=~"5.."}[5m])) or 0 * sum(rate(http_requests_total[5m])))'
)
BARE = 'sum(rate(http_requests_total{code=~"5.."}[5m]))'


def _minimal_with(numerator: str) -> str:
    text = MINIMAL.read_text()
    assert FIXED in text
    return text.replace(FIXED, numerator)


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("a / b", [Division("a", "b")]),
        ('1 - a{x="/"} / (b > 0)', [Division('a{x="/"}', "(b > 0)")]),
        ("a * b / c + d", [Division("a * b", "c")]),
        ("x + a / on (i) group_left c * 2", [Division("a", "c")]),
        (
            "sum by (ns) (rate(a[5m])) / sum by (ns) (rate(b[5m]))",
            [Division("sum by (ns) (rate(a[5m]))", "sum by (ns) (rate(b[5m]))")],
        ),
        (
            "histogram_quantile(0.9, a / b) / 1e3",
            [Division("a", "b"), Division("histogram_quantile(0.9, a / b)", "1e3")],
        ),
        ('rate(x{path="/a/b"}[5m]) # a / b', []),
    ],
    ids=["plain", "in-subtraction", "left-assoc", "modifiers", "aggregations", "nested", "none"],
)
def test_divisions_find_each_operand(expr: str, expected: list[Division]) -> None:
    assert divisions(expr) == expected


@pytest.mark.parametrize(
    "expr",
    [
        'sum(rate(r_total{code=~"5.."}[5m])) / sum(rate(r_total[5m]))',
        'rate(r_total{code!~"2.."}[5m]) / (rate(r_total[5m]) > 0)',
        'sum(rate(r_total{job="a", outcome="hit"}[1h])) / sum(rate(r_total{job="a"}[1h]))',
        'sum(rate(r_total{code="500"}[5m])) / job:r:rate5m',  # a record reading r_total
        'sum(rate(requests{code="500"}[5m])) / sum(rate(requests[5m]))',  # read through rate
        'sum(job:r:rate5m{code="500"}) / sum(job:r:rate5m)',  # a record of counter reads
        'sum(d_bucket{le="0.5"}) / sum(d_bucket)',  # named like a counter
    ],
    ids=["regex", "negative", "extra-label", "through-a-record", "rate", "record", "bucket"],
)
def test_a_label_filtered_numerator_without_fallback_is_flagged(expr: str) -> None:
    found = list(absent_numerators(expr, {"job:r:rate5m": "sum by (job) (rate(r_total[5m]))"}))
    assert len(found) == 1
    assert found[0].selector in expr
    assert " or 0 * " in found[0].rewrite


@pytest.mark.parametrize(
    "expr",
    [
        '(sum(rate(r_total{code=~"5.."}[5m])) or 0 * sum(rate(r_total[5m])))'
        " / sum(rate(r_total[5m]))",
        "rate(latency_total[5m]) / (rate(ops_total[5m]) > 0)",  # two different counters
        'rate(r_total{job="a"}[5m]) / rate(r_total{job="a"}[5m] offset 1w)',
        'c{t="cur"} / ignoring (t) (c{t="cur"} + ignoring (t) c{t="avail"})',
        "1 - (x:ratio / (x:ratio offset 1w > 0))",
        'sum(rate(r_total{code=~"5.."}[5m])) > 3',  # no ratio
        'sum by (instance) (mongodb_ss_connections{conn_type="current"})'
        ' / sum by (instance) (mongodb_ss_connections{conn_type=~"current|available"}) * 100',
    ],
    ids=["fallback", "other-metric", "same-filters", "gauge-parts", "records", "no-ratio", "gauge"],
)
def test_ratios_that_exist_whenever_there_is_traffic_are_not_flagged(expr: str) -> None:
    assert list(absent_numerators(expr, {})) == []


@pytest.mark.parametrize(
    ("op", "consequence"),
    [
        ("<", "so an alert on a low ratio can never fire while the series is absent;"),
        (
            ">",
            "so the ratio is empty instead of 0 while the series is absent (dashboards and SLO "
            "windows lose those periods);",
        ),
    ],
)
def test_the_warning_says_what_an_absent_numerator_costs(op: str, consequence: str) -> None:
    text = _minimal_with(BARE).replace(
        'metric: errors\n    op: ">"', f'metric: errors\n    op: "{op}"'
    )
    assert f'op: "{op}"' in text
    [warning] = [w for w in load_plan_text(text).warnings if w.rule == RULE]
    assert consequence in warning.message
    raw = MINIMAL.read_text().replace(
        'expr: up{job="app"} == 0',
        f'expr: 0.5 {">" if op == "<" else "<"} sum(rate(http_requests_total{{code="503"}}[5m]))'
        " / sum(rate(http_requests_total[5m]))",
    )
    [warning] = [w for w in load_plan_text(raw).warnings if w.rule == RULE]
    assert consequence in warning.message


def test_the_warning_names_the_metric_and_the_rewrite() -> None:
    loaded = load_plan_text(_minimal_with(BARE))
    [warning] = [w for w in loaded.warnings if w.rule == RULE]
    assert warning.level == "warning"
    assert warning.path == "metrics.errors.expr"
    assert 'http_requests_total{code=~"5.."}' in warning.message
    assert (
        'write (sum(rate(http_requests_total{code=~"5.."}[5m])) or 0 * '
        "(sum(rate(http_requests_total[5m])) > 0)) / (sum(rate(http_requests_total[5m])) > 0)"
    ) in warning.message


def test_raw_alert_expressions_are_checked() -> None:
    text = MINIMAL.read_text().replace(
        'expr: up{job="app"} == 0',
        'expr: sum(rate(http_requests_total{code="503"}[5m]))'
        " / sum(rate(http_requests_total[5m])) > 0.5",
    )
    assert [w.path for w in load_plan_text(text).warnings if w.rule == RULE] == ["alerts[2].expr"]


def test_default_and_minimal_plans_have_their_fallbacks() -> None:
    for plan in (ROOT / "plan.yaml", MINIMAL):
        assert [w for w in load_plan(plan).warnings if w.rule == RULE] == []


def test_validate_and_offline_lint_report_it(
    cli: Callable[..., Run], write_plan: Callable[[str], Path], tmp_path: Path
) -> None:
    plan = write_plan(_minimal_with(BARE))
    validate = cli("validate", plan)
    assert validate.code == 0
    assert "warning: metrics.errors.expr: the ratio's numerator" in validate.err
    assert f"({RULE})" in validate.err
    out = tmp_path / "generated"
    assert cli("render", plan, "--out", out).code == 0
    lint = cli("lint", plan, "--out", out, "--offline", "--format", "plain")
    assert RULE in lint.out + lint.err
    strict = cli("lint", plan, "--out", out, "--offline", "--strict", "--format", "plain")
    assert strict.code == 1
    shutil.rmtree(out)
