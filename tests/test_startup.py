"""Start-up stays light, and the no-change fast path of `check` still catches hand edits."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from conftest import MINIMAL, Run

HEAVY = ("grafana_foundation_sdk", "jsonschema", "jsonschema_rs", "jinja2", "rich", "orjson")


def _modules_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print(' '.join(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return set(result.stdout.split())


def test_importing_the_cli_loads_no_heavy_library() -> None:
    loaded = _modules_after("import eyewatch_gen.cli")
    assert not [m for m in loaded if m.split(".")[0] in HEAVY]


def test_version_imports_neither_typer_nor_pydantic() -> None:
    code = (
        "import sys; sys.argv = ['eyewatch-gen', '--version']; "
        "from eyewatch_gen.entry import main; main(); "
        "print(any(m.split('.')[0] in ('typer', 'pydantic') for m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["eyewatch-gen", "0.1.0", "False"]


def test_fast_path_check_still_catches_a_hand_edit(cli: Callable[..., Run], tmp_path: Path) -> None:
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    out = tmp_path / "generated"
    assert cli("render", MINIMAL, "--out", out, env=env).code == 0
    assert list((tmp_path / "cache/eyewatch-gen").glob("*.json"))
    assert cli("check", MINIMAL, "--out", out, env=env).code == 0
    rules = out / "prometheus/rules/infra.rules.yml"
    rules.write_text(rules.read_text() + "# hand edit\n")
    result = cli("check", MINIMAL, "--out", out, env=env)
    assert result.code == 1
    assert "+# hand edit" not in result.out and "-# hand edit" in result.out


def test_fast_path_is_skipped_when_the_plan_changes(
    cli: Callable[..., Run], tmp_path: Path
) -> None:
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    plan = tmp_path / "plan.yaml"
    plan.write_text(MINIMAL.read_text())
    out = tmp_path / "generated"
    cli("render", plan, "--out", out, env=env)
    plan.write_text(plan.read_text().replace("threshold: 0.9", "threshold: 0.95"))
    assert cli("check", plan, "--out", out, env=env).code == 1
