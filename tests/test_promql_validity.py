"""`plan/promql` is a real syntax check: it rejects what promtool rejects, with a position, and
accepts every expression the project and its generated rules hold."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from conftest import MINIMAL, ROOT, Run, require_tool
from eyewatch_gen.plan.load import load_plan
from eyewatch_gen.promql.validity import guard_error, promql_error

Cli = Callable[..., Run]
DOWN = 'expr: up{job="app"} == 0'

INVALID = {  # expression -> 1-based character promtool 2.42 names
    'up{job="app"} ==': 17,
    'up{job="app"} === 0': 17,
    'rate(up{job="app"}[5x]) == 0': 20,
    "rate(up[5]) > 0": 9,
    "up offset 5": 11,
    "1 == 1": 1,
    "foo(up)": 1,
    "rate(up)": 6,
    "abs(1)": 5,
    "up + on(job) 1": 1,
    "up and 1": 1,
    "up and on(a) group_left up": 1,
    "(up)[5m]": 1,
    "rate(up[5m]) offset 1h": 1,
    "sum(up[5m])": 5,
    "count_values(1, up)": 14,
}
# promtool accepts these, and the rule fails at every evaluation: not a vector or a scalar.
STRICTER = {"up[5m]": 1, "rate(up[5m])[1h:]": 1, '"up"': 1}
VALID = [
    "1 == bool 1",
    "max_over_time(up[5m:])",
    "max_over_time(rate(up[5m])[1h:5m])",
    "up > on() 1",
    "up @ start()",
    "up offset 1h @ 100",
    "sum(up) by (job)",
    'count_values("x", up)',
    "topk(3, up)",
    '{job="a"}',
    "histogram_quantile(0.9, sum by (le) (rate(x_bucket[5m])))",
    "vector(1) > 0",
    "-up",
    "up / ignoring(a) group_left(b) up",
    'label_replace(up, "a", "$1", "b", "(.*)")',
    "day_of_week()",
    "holt_winters(up[5m], 0.5, 0.5)",
    "scalar(up) * 2",
    "time() - up > bool 5",
    "sum without () (up)",
]


@pytest.mark.parametrize(("expr", "character"), [*INVALID.items(), *STRICTER.items()])
def test_invalid_promql_is_an_error_naming_the_character(expr: str, character: int) -> None:
    error = promql_error(expr)
    assert error is not None
    assert error.endswith(f"(character {character})"), error


@pytest.mark.parametrize("expr", VALID)
def test_valid_promql_passes(expr: str) -> None:
    assert promql_error(expr) is None


def test_a_guard_may_start_with_vector_matching_and_counts_its_own_characters() -> None:
    assert guard_error("on (job) sum by (job) (rate(x_total[5m])) > 1") is None
    assert guard_error("on (job) rate(x[5])") == (
        "expected a duration such as 5m in the range, found '5' (character 17)"
    )
    assert guard_error("1") is not None  # `and` needs an instant vector on both sides


@pytest.mark.tools
def test_promtool_agrees(tmp_path: Path) -> None:
    promtool = require_tool("promtool")
    cases = [*((e, False) for e in INVALID), *((e, True) for e in [*VALID, *STRICTER])]
    for expr, valid in cases:
        rules = tmp_path / "rules.yml"
        group = {"name": "g", "rules": [{"alert": "A", "expr": expr}]}
        rules.write_text(yaml.safe_dump({"groups": [group]}))
        checked = subprocess.run(
            [promtool, "check", "rules", str(rules)], capture_output=True, text=True, check=False
        )
        assert (checked.returncode == 0) == valid, (expr, checked.stderr)
        assert (promql_error(expr) is None) == (valid and expr not in STRICTER), expr


def _rule_exprs(path: Path) -> list[str]:
    exprs = []
    for document in yaml.safe_load_all(path.read_text()):
        if not isinstance(document, dict):
            continue
        groups = document.get("groups") or (document.get("spec") or {}).get("groups") or []
        exprs += [str(rule["expr"]) for group in groups for rule in group.get("rules", [])]
    return exprs


def test_every_generated_rule_is_valid() -> None:
    files = [
        p
        for root in ("generated", "tests/golden", "examples")
        for p in (ROOT / root).rglob("*.y*ml")
    ]
    exprs = [(f, e) for f in sorted(files) for e in _rule_exprs(f)]
    assert len(exprs) > 250
    rejected = [(f.name, e, promql_error(e)) for f, e in exprs if promql_error(e)]
    assert rejected == []


def test_every_imported_source_rule_is_valid() -> None:
    exprs = [e for p in sorted((ROOT / "tests/import").glob("*.yml")) for e in _rule_exprs(p)]
    assert exprs
    assert [e for e in exprs if promql_error(e)] == []


@pytest.mark.parametrize(
    "plan",
    [
        ROOT / "plan.yaml",
        *sorted((ROOT / "examples").rglob("plan.yaml")),
        *sorted((ROOT / "tests/plans").glob("*.yaml")),
        *sorted((ROOT / "tests/import").glob("*.plan.yaml")),
    ],
    ids=lambda p: p.relative_to(ROOT).as_posix(),
)
def test_every_plan_expression_is_valid(plan: Path) -> None:
    load_plan(plan)  # raises PlanError on any plan/promql error


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        ('up{job="app"} ==', "unexpected end of expression (character 17)"),
        ('up{job="app"} === 0', "unexpected '=' (character 17)"),
        (
            'rate(up{job="app"}[5x]) == 0',
            "expected a duration such as 5m in the range, found '5x' (character 20)",
        ),
    ],
)
def test_validate_and_render_refuse_invalid_promql(
    tmp_path: Path, cli: Cli, expr: str, message: str
) -> None:
    text = MINIMAL.read_text()
    assert DOWN in text
    plan = tmp_path / "plan.yaml"
    plan.write_text(text.replace(DOWN, f"expr: {expr}"))
    line = next(n for n, t in enumerate(plan.read_text().splitlines(), 1) if expr in t)
    expected = f"plan.yaml:{line}:11: error: alerts[2].expr: not valid PromQL: {message}"
    validated = cli("validate", plan, cwd=tmp_path)
    assert validated.code == 2 and expected in validated.err, validated.err
    rendered = cli("render", plan, "--out", tmp_path / "out", cwd=tmp_path)
    assert rendered.code == 2 and expected in rendered.err
    assert not (tmp_path / "out").exists()


def test_an_sli_query_is_checked_with_its_window_in_place(tmp_path: Path, cli: Cli) -> None:
    source = (ROOT / "plan.yaml").read_text()
    assert "[{{.window}}]" in source
    plan = tmp_path / "plan.yaml"
    plan.write_text(source.replace("[{{.window}}]", "[{{.window}}x]", 1))
    validated = cli("validate", plan, cwd=tmp_path)
    assert validated.code == 2
    assert "sli.errors: not valid PromQL: expected a duration" in validated.err or (
        "sli.total: not valid PromQL: expected a duration" in validated.err
    ), validated.err
