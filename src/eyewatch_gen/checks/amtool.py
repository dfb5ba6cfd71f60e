"""amtool on the generated Alertmanager config: `check-config`, then every routing test."""

from __future__ import annotations

from pathlib import Path

import yaml

from eyewatch_gen.checks import tools
from eyewatch_gen.plan.model import Plan
from eyewatch_gen.problems import Problem

CONFIG = "alertmanager/alertmanager.yml"
TESTS = "alertmanager/routing-tests.yml"

TOOLS = ("amtool",)
CHECK_CONFIG = "amtool/check-config"
ROUTE_TEST = "amtool/route-test"
RULES = (CHECK_CONFIG, ROUTE_TEST)


def run(out: Path, plan: Plan) -> list[Problem]:
    """Findings from amtool; none when the config checks and every route test passes."""
    config = out / CONFIG
    if not config.is_file():
        return []
    checked = tools.run("amtool", "check-config", config)
    if checked.returncode:
        message = " ".join((checked.stdout + checked.stderr).split())[-400:]
        return [Problem.in_file(CONFIG, message, CHECK_CONFIG)]
    tests_file = out / TESTS
    cases = yaml.safe_load(tests_file.read_text())["tests"] if tests_file.is_file() else []
    return [finding for case in cases for finding in _route(config, case)]


def _route(config: Path, case: dict[str, object]) -> list[Problem]:
    labels = case["labels"]
    receivers = case["receivers"]
    assert isinstance(labels, dict) and isinstance(receivers, list)
    result = tools.run(
        "amtool",
        "config",
        "routes",
        "test",
        f"--config.file={config}",
        f"--verify.receivers={','.join(receivers)}",
        *(f"{k}={v}" for k, v in labels.items()),
    )
    if result.returncode == 0:
        return []
    got = result.stdout.strip().splitlines()[:1]
    return [
        Problem.in_file(
            TESTS,
            f"{case['name']}: expected {','.join(receivers)}, got {' '.join(got)}",
            ROUTE_TEST,
        )
    ]
