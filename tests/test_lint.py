"""`eyewatch-gen lint`: passes on the default plan, names the file and check when broken."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import ROOT, Run, require_tool
from eyewatch_gen.checks.cross import matches, route_for

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
        "promtool",
        "prometheus-config",
        "blackbox",
        "amtool",
        "policy",
        "cross",
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
        "prometheus/rules/infrastructure.rules.yml: error: changed: run `eyewatch-gen "
        "render` (drift)" in result.out
    )
    assert (
        "prometheus/tests/infrastructure.test.yml: error: NodeHighCPU at 18m: expected "
        "alerts differ (promtool test rules)" in result.out
    )


def test_github_format_emits_annotations(cli: Cli, tree: Path) -> None:
    (tree / "logstash/pipeline/auth.conf").write_text("filter {\n  mutate {\n")
    result = cli("lint", ROOT / "plan.yaml", "--out", tree, "--format", "github")
    assert result.code == 1
    assert any(
        line.startswith(f"::error file={tree}/logstash/pipeline/auth.conf,title=logstash-syntax::")
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


def test_route_matching_follows_alertmanager_order() -> None:
    tree = {
        "receiver": "default",
        "routes": [
            {
                "matchers": ['severity="P1"'],
                "receiver": "pager",
                "routes": [{"matchers": ['team=~"a|b"'], "receiver": "team-pager"}],
            },
            {"matchers": ['severity!="P1"'], "receiver": "mail"},
        ],
    }
    assert route_for(tree, {"severity": "P1", "team": "a"})[0] == "team-pager"
    assert route_for(tree, {"severity": "P1", "team": "c"})[0] == "pager"
    assert route_for(tree, {"severity": "P3"})[0] == "mail"
    assert matches('x=~".+"', {}) is False
    assert matches('x="a\\"b"', {"x": 'a"b'}) is True
