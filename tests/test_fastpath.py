"""The fast path of `check` answers only when nothing it depends on changed: the plan, the
team files it includes (edited, added or removed), the generator and the generated files."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import ROOT, Run

Cli = Callable[..., Run]


@pytest.fixture
def project(tmp_path: Path, cli: Cli) -> tuple[Path, dict[str, str]]:
    """The two-team example without environments, rendered (so the fast path is primed)."""
    ignore = shutil.ignore_patterns("generated")
    shutil.copytree(ROOT / "examples/two-teams", tmp_path / "p", ignore=ignore)
    plan = tmp_path / "p/plan.yaml"
    text = plan.read_text()
    plan.write_text(text[: text.index("\nenvironments:\n") + 1])
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    assert cli("render", plan, "--out", tmp_path / "p/generated", env=env).code == 0
    return tmp_path / "p", env


def _check(cli: Cli, root: Path, env: dict[str, str]) -> Run:
    return cli("check", root / "plan.yaml", "--out", root / "generated", env=env)


def test_an_unchanged_project_is_in_sync(cli: Cli, project: tuple[Path, dict[str, str]]) -> None:
    root, env = project
    assert _check(cli, root, env).code == 0


@pytest.mark.parametrize("edit", ["edit", "add", "remove"])
def test_a_changed_team_file_is_never_in_sync(
    cli: Cli, project: tuple[Path, dict[str, str]], edit: str
) -> None:
    root, env = project
    team = root / "plan.d/checkout.yaml"
    if edit == "edit":
        assert "threshold: 0.01" in team.read_text()
        team.write_text(team.read_text().replace("threshold: 0.01", "threshold: 0.03"))
    elif edit == "add":
        extra = team.read_text().replace("team: checkout", "team: payments")
        (root / "plan.d/payments.yaml").write_text(extra.replace("checkout", "payments"))
    else:
        team.unlink()
    result = _check(cli, root, env)
    assert result.code != 0, result.out
    assert "in sync" not in result.out
