"""The CI workflow documented in docs/ci.md works as written: its install step provides every
external tool `eyewatch-gen lint` runs (issue 20, item 14)."""

from __future__ import annotations

import importlib
import re
import shlex
from typing import Any

import yaml

from conftest import ROOT
from eyewatch_gen.checks.tools import PACKAGES
from eyewatch_gen.lint import CHECKS

DOC = ROOT / "docs/ci.md"


def _workflow() -> dict[str, Any]:
    text = DOC.read_text()
    block = re.search(r"## GitHub Actions\n\n```yaml\n(.*?)```", text, re.DOTALL)
    assert block, "docs/ci.md has no GitHub Actions workflow"
    workflow: dict[str, Any] = yaml.safe_load(block[1])
    return workflow


def _steps() -> list[dict[str, Any]]:
    jobs = _workflow()["jobs"]
    return [step for job in jobs.values() for step in job["steps"]]


def _installed() -> set[str]:
    packages: set[str] = set()
    for step in _steps():
        for command in re.split(r"&&|;", step.get("run", "")):
            words = shlex.split(command)
            if "apt-get" in words and "install" in words:
                after = words[words.index("install") + 1 :]
                packages |= {w for w in after if not w.startswith("-")}
    return packages


def _needed_by_lint() -> set[str]:
    tools = {
        tool
        for module in CHECKS.values()
        for tool in getattr(importlib.import_module(module), "TOOLS", ())
    }
    return {PACKAGES[tool] for tool in tools}


def test_the_documented_install_step_provides_every_tool_lint_runs() -> None:
    lint_steps = [s for s in _steps() if s.get("run", "").startswith("eyewatch-gen lint")]
    assert lint_steps and not any("--offline" in s["run"] for s in lint_steps)
    missing = _needed_by_lint() - _installed()
    assert not missing, f"docs/ci.md installs no {', '.join(sorted(missing))}"


def test_every_tool_lint_runs_names_its_package() -> None:
    assert _needed_by_lint() >= {"prometheus", "prometheus-alertmanager"}
