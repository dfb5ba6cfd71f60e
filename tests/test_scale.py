"""Scale without cliffs: alert sets and large plans load in linear time, an honest large plan
is accepted, an alias bomb is refused for what it is, and each limit says how to raise it."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml

from bench.plans import ALERT, alert_set_plan, plan
from eyewatch_gen import layout
from eyewatch_gen.pipeline import render_all
from eyewatch_gen.plan import alert_sets
from eyewatch_gen.plan.load import load_plan, load_plan_text
from eyewatch_gen.plan.source import parse_source
from eyewatch_gen.plan.validate import validate_source
from eyewatch_gen.problems import PlanError
from eyewatch_gen.targets import promtests


def _seconds(text: str) -> float:
    start = time.process_time()
    load_plan_text(text)
    return time.process_time() - start


def test_alert_set_items_load_in_linear_time() -> None:
    small, large = _seconds(alert_set_plan(500)), _seconds(alert_set_plan(4000))
    # 8x the items: linear is ~8x (plus a fixed part); the old quadratic expansion was ~64x
    assert large < 20 * max(small, 0.05), (small, large)


def test_alert_set_items_share_one_promtool_group() -> None:
    loaded = load_plan_text(alert_set_plan(40, sets=2, areas=2))
    files = {a.path: yaml.safe_load(a.content) for a in promtests.render(loaded.plan)}
    tests = files[layout.test_path("a0")]["tests"]
    assert len(tests) == 1
    checked = {c["alertname"] for c in tests[0]["alert_rule_test"]}
    assert len(checked) == 20
    fed = [s["series"] for s in tests[0]["input_series"]]
    assert len(fed) == len(set(fed)) == 20  # each item feeds its own series


def test_items_whose_record_mixes_them_keep_their_own_groups() -> None:
    selector = 'bench_latency_ms{service="s0"}'
    text = alert_set_plan(6, sets=1, areas=1).replace(
        f"max by (endpoint) ({selector})",
        f"max by (endpoint) ({selector}) / on () group_left count({selector})",
    )
    loaded = load_plan_text(text)
    files = {a.path: yaml.safe_load(a.content) for a in promtests.render(loaded.plan)}
    assert len(files[layout.test_path("a0")]["tests"]) == 6


def test_problems_about_an_alert_set_item_point_at_its_set_and_override() -> None:
    text = alert_set_plan(3, sets=1, areas=1)
    text += "alerts:\n" + ALERT.format(i=0, level=1).replace("Busy0", "E0x1Slow0")
    lines = text.splitlines()
    with pytest.raises(PlanError) as caught:
        load_plan_text(text)
    name_line = next(n for n, row in enumerate(lines, 1) if "{Item}Slow0" in row)
    assert any(
        p.render().startswith(f"plan.yaml:{name_line}:") and "E0x1Slow0" in p.render()
        for p in caught.value.problems
    ), [p.render() for p in caught.value.problems]
    source = parse_source(alert_set_plan(3, sets=1, areas=1), "plan.yaml")
    alert_sets.expand(validate_source(source), source)
    override_line = next(n for n, row in enumerate(lines, 1) if "{threshold: 1000}" in row)
    assert source.positions.of(("alerts", 0, "threshold"))[0] == override_line
    set_line = next(n for n, row in enumerate(lines, 1) if "threshold: 500" in row)
    assert source.positions.of(("alerts", 1, "threshold"))[0] == set_line


def test_a_plan_above_the_old_node_limit_is_accepted(tmp_path: Path) -> None:
    text = plan(7600, 0)  # ~204,000 YAML nodes: the old limit (200,000) refused it
    path = tmp_path / "plan.yaml"
    path.write_text(text)
    loaded = load_plan(path)
    assert len(loaded.plan.alerts) == 7600
    assert "alias" not in text and "&" not in text


def test_a_large_plan_renders(tmp_path: Path) -> None:
    artifacts = render_all(load_plan_text(plan(1500, 20)).plan)
    assert sum(a.content.count(b"- alert: Busy") for a in artifacts) == 1500


def test_an_alias_bomb_is_refused_naming_aliases_quickly() -> None:
    lines = ["a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1]"]
    for name, prev in zip("bcdefgh", "abcdefg", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    start = time.process_time()
    with pytest.raises(PlanError) as caught:
        parse_source("\n".join(lines) + "\n", "plan.yaml")
    assert time.process_time() - start < 5
    message = caught.value.problems[0].render()
    assert "aliases (*name) repeat more than 100000 nodes" in message
    assert "EYEWATCH_GEN_MAX_ALIAS_NODES" in message
    assert "(yaml/alias-bomb)" in message


def test_anchors_within_the_budget_are_fine_and_shared() -> None:
    source = parse_source("base: &b {x: 1, y: [1, 2]}\nfirst: *b\nsecond: *b\n", "p.yaml")
    assert source.data["first"] == source.data["second"] == {"x": 1, "y": [1, 2]}
    assert source.positions.of(("second", "y", 1)) == (1, 24)


def test_the_alias_budget_can_be_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "a: &a [1, 2, 3, 4]\nb: [*a, *a, *a]\n"
    monkeypatch.setenv("EYEWATCH_GEN_MAX_ALIAS_NODES", "10")
    with pytest.raises(PlanError):
        parse_source(text, "plan.yaml")
    monkeypatch.setenv("EYEWATCH_GEN_MAX_ALIAS_NODES", "15")
    assert parse_source(text, "plan.yaml").data["b"][2] == [1, 2, 3, 4]


def test_the_size_limit_says_what_it_is_and_how_to_raise_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(plan(1600, 0))  # ~1.1 MiB
    monkeypatch.setenv("EYEWATCH_GEN_MAX_PLAN_MIB", "1")
    with pytest.raises(PlanError) as caught:
        load_plan(path)
    message = caught.value.problems[0].render()
    assert "over the limit of 1 MiB per plan file" in message
    assert "EYEWATCH_GEN_MAX_PLAN_MIB" in message and "include" in message
    monkeypatch.setenv("EYEWATCH_GEN_MAX_PLAN_MIB", "2")
    assert len(load_plan(path).plan.alerts) == 1600


def test_a_team_file_over_the_size_limit_says_how_to_raise_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, minimal_text: str
) -> None:
    (tmp_path / "plan.d").mkdir()
    (tmp_path / "plan.d/big.yaml").write_text("team: big\n" + "# padding\n" * 120_000)
    path = tmp_path / "plan.yaml"
    path.write_text(minimal_text + "include: [plan.d/*.yaml]\n")
    monkeypatch.setenv("EYEWATCH_GEN_MAX_PLAN_MIB", "1")
    with pytest.raises(PlanError) as caught:
        load_plan(path)
    message = caught.value.problems[0].render()
    assert "over the limit of 1 MiB per plan file" in message
    assert "EYEWATCH_GEN_MAX_PLAN_MIB" in message
