"""`eyewatch-gen lint`: passes on the default plan, names the file, position and rule when
broken, in every format."""

from __future__ import annotations

import importlib
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import MINIMAL, ROOT, Run, require_tool
from eyewatch_gen.checks.promtool import condensed
from eyewatch_gen.lint import CHECKS, OFFLINE, CheckName, lint, lint_trees
from eyewatch_gen.pipeline import render_all
from eyewatch_gen.plan.load import load_plan
from eyewatch_gen.report import REPORTERS
from eyewatch_gen.writer import write_tree

Cli = Callable[..., Run]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    require_tool("promtool")
    require_tool("amtool")
    require_tool("prometheus-blackbox-exporter")
    out = tmp_path / "generated"
    shutil.copytree(ROOT / "generated", out)
    return out


def test_lint_passes_on_the_default_plan(cli: Cli, tree: Path) -> None:
    result = cli("lint", ROOT / "plan.yaml", "--out", tree, "--format", "json")
    assert result.code == 0, result.out + result.err
    data = json.loads(result.out)
    assert data["checks"] == [
        "drift",
        "schemas",
        "logstash",
        "filebeat",
        "elastalert",
        "kibana",
        "promtool",
        "prometheus-config",
        "blackbox",
        "amtool",
        "policy",
        "cross",
        "logs",
    ]
    assert all(f["level"] == "warning" for f in data["findings"])


def test_lint_names_file_and_check_of_a_hand_broken_rule(cli: Cli, tree: Path) -> None:
    rules = tree / "prometheus/rules/infrastructure.rules.yml"
    rules.write_text(
        rules.read_text().replace(
            "instance:node_cpu_utilisation:rate5m > 0.8\n",
            "instance:node_cpu_utilisation:rate5m > 0.95\n",
        )
    )
    result = cli("lint", ROOT / "plan.yaml", "--out", tree, "--format", "plain")
    assert result.code == 1
    assert (
        f"{tree}/prometheus/rules/infrastructure.rules.yml: error: changed: run `eyewatch-gen "
        "render` (drift/changed)" in result.out.splitlines()
    )
    line = (ROOT / "plan.yaml").read_text().splitlines().index("  - name: NodeHighCPU") + 1
    assert (
        f"{tree}/prometheus/tests/infrastructure.test.yml: error: NodeHighCPU "
        f"({ROOT / 'plan.yaml'}:{line}:5) at 16m (firing case): expected it firing with "
        '{alertname="NodeHighCPU", area="infrastructure", instance="node-1:9100", '
        'job="node-exporter", severity="P2", team="platform"}, got no alert '
        "(promtool/test)" in result.out.splitlines()
    )


def test_github_format_emits_annotations(cli: Cli, tree: Path) -> None:
    (tree / "logstash/pipeline/auth.conf").write_text("filter {\n  mutate {\n")
    result = cli("lint", ROOT / "plan.yaml", "--out", tree, "--format", "github")
    assert result.code == 1
    assert any(
        line.startswith(f"::error file={tree}/logstash/pipeline/auth.conf,title=logstash/syntax::")
        for line in result.out.splitlines()
    )


def test_strict_fails_on_warnings(cli: Cli, tree: Path) -> None:
    result = cli("lint", ROOT / "plan.yaml", "--out", tree, "--strict", "--format", "plain")
    assert result.code == 1
    assert "(policy/raw-tested)" in result.out


def test_missing_tool_is_one_line_naming_the_package(cli: Cli, tree: Path) -> None:
    result = cli("lint", ROOT / "plan.yaml", "--out", tree, env={"PATH": "/nonexistent"})
    assert result.code == 2
    assert result.err.strip() == (
        "eyewatch-gen: promtool is not installed: install the Debian "
        "package prometheus (or run `make tools`)"
    )


def _line(path: Path, needle: str) -> int:
    text = path.read_text()
    return text[: text.index(needle)].count("\n") + 1


def test_github_points_plan_findings_at_the_plan_and_others_at_the_tree(
    cli: Cli, tmp_path: Path
) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        MINIMAL.read_text().replace(
            "channels:\n", 'channels:\n  spare: {type: webhook, url: "https://x.example/hook"}\n'
        )
    )
    out = tmp_path / "generated"
    assert cli("render", plan, "--out", out).code == 0
    rules = out / "prometheus/rules/infra.rules.yml"
    rules.write_text(rules.read_text().replace("> 0.9", "> 0.95"))
    result = cli("lint", plan, "--out", out, "--offline", "--format", "github")
    assert result.code == 1, result.err
    lines = result.out.splitlines()
    assert (
        f"::warning file={plan},line={_line(plan, 'spare:')},col=3,title=plan/unused-channel"
        "::channels.spare: channel 'spare' is not used by any severity or team"
    ) in lines
    assert (
        f"::error file={out}/prometheus/rules/infra.rules.yml,title=drift/changed"
        "::changed: run `eyewatch-gen render`"
    ) in lines


def test_findings_in_an_environment_tree_name_its_directory(cli: Cli, tmp_path: Path) -> None:
    example = ROOT / "examples/two-teams/plan.yaml"
    out = tmp_path / "generated"
    assert cli("render", example, "--out", out).code == 0
    manifest = out / "staging/MANIFEST"
    (out / "staging/stray.yml").write_text("x: 1\n")
    manifest.write_text(manifest.read_text() + f"{'0' * 64}  stray.yml\n")
    result = cli("lint", example, "--out", out, "--offline", "--env", "staging", "-f", "plain")
    assert result.code == 1
    assert f"{out}/staging/stray.yml: error: stale: run `eyewatch-gen render` (drift/stale)" in (
        result.out.splitlines()
    )
    wrong = cli("lint", example, "--out", out, "--offline", "--env", "qa")
    assert wrong.code == 2
    assert wrong.err.strip() == "eyewatch-gen: --env qa: the plan declares production, staging"


def test_format_choices_are_the_reporters(cli: Cli, tmp_path: Path) -> None:
    result = cli("lint", MINIMAL, "--out", tmp_path, "--format", "xml")
    assert result.code == 2
    assert result.err.strip() == f"eyewatch-gen: --format 'xml': use {', '.join(REPORTERS)}"
    assert list(REPORTERS) == ["table", "plain", "json", "github"]


def test_every_check_declares_constant_area_name_rule_ids() -> None:
    for name, module_name in CHECKS.items():
        rules = importlib.import_module(module_name).RULES
        assert rules, name
        for rule in rules:
            assert re.fullmatch(r"[a-z0-9-]+/[a-z0-9-]+", rule), rule
            assert rule.split("/")[0] == name, rule


def test_offline_findings_use_declared_rules_and_tree_paths() -> None:
    declared = {r for m in CHECKS.values() for r in importlib.import_module(m).RULES}
    out = ROOT / "generated"
    result = lint(out, load_plan(ROOT / "plan.yaml").plan, OFFLINE)
    assert result.findings
    for finding in result.findings:
        assert finding.rule in declared
        assert finding.file.startswith(f"{out}/")


def test_promtool_findings_carry_the_line_and_column_it_reports(tmp_path: Path) -> None:
    require_tool("promtool")
    out = tmp_path / "generated"
    write_tree(out, render_all(load_plan(MINIMAL).plan))
    rules = out / "prometheus/rules/infra.rules.yml"
    rules.write_text(rules.read_text().replace("rate5m > 0.9\n", "rate5m >\n"))
    found = lint(out, load_plan(MINIMAL).plan, ("promtool",)).findings
    broken = next(p for p in found if p.rule == "promtool/check-rules")
    assert broken.position() == f"{rules}:{_line(rules, 'rate5m >')}:11"
    assert "could not parse expression" in broken.message


def test_policy_findings_about_plan_alerts_point_at_the_plan(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    loaded = load_plan(MINIMAL)
    write_tree(out, render_all(loaded.plan))
    found = lint_trees(out, loaded, ("policy",), [""]).findings
    runbook = next(p for p in found if p.rule == "policy/runbook" and "ErrorsHigh" in p.message)
    assert (runbook.file, runbook.line, runbook.column) == (
        str(MINIMAL),
        _line(MINIMAL, "- name: ErrorsHigh"),
        5,
    )
    assert all(p.line > 0 for p in found if p.rule.startswith("policy/"))


def test_a_broken_rules_file_is_reported_once_at_its_position(tmp_path: Path) -> None:
    require_tool("promtool")
    out = tmp_path / "generated"
    write_tree(out, render_all(load_plan(MINIMAL).plan))
    rules = out / "prometheus/rules/infra.rules.yml"
    rules.write_text(rules.read_text().replace("rate5m > 0.9\n", "rate5m >\n"))
    checks: tuple[CheckName, ...] = ("promtool", "prometheus-config")
    found = lint(out, load_plan(MINIMAL).plan, checks).findings
    assert [(p.rule, p.position()) for p in found] == [
        ("promtool/check-rules", f"{rules}:{_line(rules, 'rate5m >')}:11")
    ]


def test_a_prometheus_config_error_is_one_line_at_the_trees_path(tmp_path: Path) -> None:
    require_tool("promtool")
    out = tmp_path / "generated"
    write_tree(out, render_all(load_plan(MINIMAL).plan))
    config = out / "prometheus/prometheus.yml"
    config.write_text(config.read_text().replace("scrape_interval: ", "scrape_interval: 9x", 1))
    (found,) = lint(out, load_plan(MINIMAL).plan, ("prometheus-config",)).findings
    assert found.file == str(config)
    assert found.message.startswith("parsing YAML file prometheus/prometheus.yml: ")
    assert "\n" not in found.message and "SUCCESS" not in found.message


def test_free_form_promtool_failures_are_condensed_to_one_line() -> None:
    output = (
        "Unit Testing:  prometheus/tests/infra.test.yml\n\n\n  FAILED:\n"
        "prometheus/rules/infra.rules.yml: 9:11: bad\n    second line\n"
    )
    assert condensed(output) == "prometheus/rules/infra.rules.yml: 9:11: bad; second line"


def test_a_summary_stating_an_old_threshold_is_a_lint_finding(cli: Cli, tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    text = (ROOT / "plan.yaml").read_text()
    plan.write_text(text.replace("    threshold: 0.80\n", "    threshold: 0.90\n", 1))
    assert cli("render", plan, "--out", tmp_path / "generated").code == 0
    result = cli("lint", plan, "--out", tmp_path / "generated", "--offline", "--format", "plain")
    assert (
        "alerts[0].summary: says 'above 80%' but the threshold is > 0.9; state the threshold "
        "the alert uses (or use {{ $value }} and no number) (plan/stated-threshold)" in result.out
    ), result.out
    strict = ("--offline", "--strict", "--format", "plain")
    assert cli("lint", plan, "--out", tmp_path / "generated", *strict).code == 1
