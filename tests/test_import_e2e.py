"""Done-when of issue 17: a rules file in the community style (tests/import/, written for
these tests) imports into a plan that validates, renders, passes lint's offline checks and
the real `promtool test rules`, with tests for at least 80% of its alerts.

The imported plan and the import report are kept next to the rules as reviewed snapshots
(`make golden` rewrites them)."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, Run, require_tool
from eyewatch_gen.importer import Options, import_rules
from eyewatch_gen.pipeline import render_all
from eyewatch_gen.plan.load import load_plan
from eyewatch_gen.writer import write_tree

RULES = Path("tests/import/community-rules.yml")
PLAN = ROOT / "tests/import/community-rules.plan.yaml"
REPORT = ROOT / "tests/import/community-rules.report.txt"
Cli = Callable[..., Run]


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Run]:
    out = tmp_path_factory.mktemp("imported")
    from conftest import run_cli

    run = run_cli("import", RULES, "--out", out / "plan.yaml", cwd=ROOT)
    assert run.code == 0, run.err
    return out / "plan.yaml", run


def test_the_import_and_its_report_match_the_snapshots(
    imported: tuple[Path, Run], update_goldens: bool
) -> None:
    plan, run = imported
    report = run.out.split("\n", 1)[1]  # after "<path>: written"
    if update_goldens:
        PLAN.write_text(plan.read_text())
        REPORT.write_text(report)
    assert plan.read_text() == PLAN.read_text(), "import changed: run `make golden`, review"
    assert report == REPORT.read_text(), "import report changed: run `make golden`, review"


def test_at_least_80_percent_of_the_alerts_get_tests() -> None:
    found = import_rules([ROOT / RULES], Options()).counts
    assert found.alerts >= 40
    assert found.tested_share >= 0.8, found
    untested = [a for a in yaml.safe_load(PLAN.read_text())["alerts"] if "untested" in a]
    assert len(untested) == found.alerts - found.tested
    assert all(a["untested"].startswith("no test inputs inferred: ") for a in untested)


def test_the_imported_plan_validates_renders_and_passes_lint_offline(
    imported: tuple[Path, Run], tmp_path: Path, cli: Cli
) -> None:
    plan, _ = imported
    rendered = cli("render", plan, "--out", tmp_path / "generated")
    assert rendered.code == 0, rendered.err
    linted = cli("lint", plan, "--out", tmp_path / "generated", "--offline", "--format", "plain")
    assert linted.code == 0, linted.out + linted.err
    assert "error" not in {line.split(": ")[1] for line in linted.out.splitlines() if ": " in line}


def test_promtool_passes_every_generated_test_of_the_imported_plan(
    imported: tuple[Path, Run], tmp_path: Path
) -> None:
    promtool = require_tool("promtool")
    plan, _ = imported
    write_tree(tmp_path, render_all(load_plan(plan).plan))
    checked = subprocess.run(
        [
            promtool,
            "check",
            "rules",
            "--lint-fatal",
            *sorted((tmp_path / "prometheus/rules").glob("*.yml")),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    tests = sorted((tmp_path / "prometheus/tests").glob("*.test.yml"))
    result = subprocess.run(
        [promtool, "test", "rules", *tests],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    tested = {
        check["alertname"]
        for path in tests
        for group in yaml.safe_load(path.read_text())["tests"]
        for check in group["alert_rule_test"]
        if check["exp_alerts"]
    }
    alerts = yaml.safe_load(plan.read_text())["alerts"]
    assert tested == {a["name"] for a in alerts if "untested" not in a}
