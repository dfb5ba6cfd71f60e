"""The real promtool accepts what we generate."""

from __future__ import annotations

import subprocess
from pathlib import Path

from conftest import MINIMAL, ROOT, require_tool
from eyewatch_gen.pipeline import render_all
from eyewatch_gen.plan.load import load_plan
from eyewatch_gen.writer import write_tree


def _render(plan: Path, out: Path) -> list[Path]:
    write_tree(out, render_all(load_plan(plan).plan))
    return sorted((out / "prometheus/rules").glob("*.rules.yml"))


def test_promtool_check_rules_accepts_default_and_minimal_plans(tmp_path: Path) -> None:
    promtool = require_tool("promtool")
    for plan in (ROOT / "plan.yaml", MINIMAL):
        files = _render(plan, tmp_path / plan.stem)
        result = subprocess.run(
            [promtool, "check", "rules", "--lint-fatal", *files],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr


def test_promtool_rejects_a_hand_broken_rule(tmp_path: Path) -> None:
    promtool = require_tool("promtool")
    files = _render(MINIMAL, tmp_path / "out")
    infra = next(f for f in files if f.name == "infra.rules.yml")
    text = infra.read_text()
    assert "> 0.9" in text
    infra.write_text(text.replace("> 0.9", "> > 0.9"))
    result = subprocess.run(
        [promtool, "check", "rules", *files], capture_output=True, text=True, check=False
    )
    assert result.returncode == 1
    assert "parse error" in result.stderr
