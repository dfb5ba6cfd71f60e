"""The CLI as a user runs it: exit codes, messages, and an untouched tree on bad input."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import MINIMAL, ROOT, Run, read_tree
from eyewatch_gen import cli as command_line
from eyewatch_gen.checks.tools import MissingToolError
from eyewatch_gen.drill import runner
from eyewatch_gen.drill.runner import DrillError
from eyewatch_gen.problems import EyewatchError, PlanError, UsageError

Cli = Callable[..., Run]


def _line(path: Path, needle: str) -> int:
    text = path.read_text()
    return text[: text.index(needle)].count("\n") + 1


def test_version_and_help(cli: Cli) -> None:
    assert cli("--version").out.startswith("eyewatch-gen ")
    result = cli("--help")
    assert result.code == 0
    for command in ("validate", "render", "check", "schema"):
        assert command in result.out


def test_validate_ok(cli: Cli) -> None:
    result = cli("validate", MINIMAL)
    assert (result.code, result.out.strip()) == (
        0,
        f"{MINIMAL}: valid (2 metrics, 3 alerts, 0 SLOs)",
    )


def test_render_then_check_in_sync_then_drift(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "generated"
    assert cli("render", MINIMAL, "--out", out).code == 0
    assert cli("check", MINIMAL, "--out", out).code == 0
    rules = out / "prometheus/rules/infra.rules.yml"
    rules.write_text(rules.read_text().replace("> 0.9", "> 0.95"))
    result = cli("check", MINIMAL, "--out", out)
    assert result.code == 1
    assert "-  - alert: HighCPU" not in result.out
    assert "+    expr: instance:cpu_busy:rate5m > 0.9" in result.out
    assert "out of date" in result.err


def test_misspelt_key_exits_2_with_position_and_leaves_output_untouched(
    cli: Cli, tmp_path: Path
) -> None:
    out = tmp_path / "generated"
    assert cli("render", MINIMAL, "--out", out).code == 0
    before = read_tree(out)
    bad = tmp_path / "plan.yaml"
    bad.write_text(MINIMAL.read_text().replace("    threshold: 0.9", "    treshold: 0.9"))
    result = cli("render", bad, "--out", out)
    assert result.code == 2
    assert (
        f"{bad}:{_line(bad, 'treshold')}:5: error: alerts[0].treshold: unknown key "
        "'treshold'; did you mean 'threshold'?" in result.err
    )
    assert "Traceback" not in result.err + result.out
    assert read_tree(out) == before


def test_render_removes_files_the_plan_no_longer_produces(cli: Cli, tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    shutil.copy(MINIMAL, plan)
    out = tmp_path / "generated"
    cli("render", plan, "--out", out)
    text = plan.read_text()
    start = text.index("  - name: ErrorsHigh")
    end = text.index("  - name: Down")
    plan.write_text(
        text[:start] + text[end:].replace("area: app\n    expr: up", "area: infra\n    expr: up")
    )
    result = cli("render", plan, "--out", out)
    assert result.code == 0, result.err
    assert "removed prometheus/rules/app.rules.yml" in result.out
    assert not (out / "prometheus/rules/app.rules.yml").exists()


def test_usage_errors_exit_2(cli: Cli, tmp_path: Path) -> None:
    assert cli("no-such-command").code == 2
    assert cli("render", "--bogus").code == 2
    (tmp_path / "file").write_text("x")
    result = cli("render", MINIMAL, "--out", tmp_path / "file")
    assert result.code == 2
    assert "must be a directory" in result.err


def test_schema_is_json_schema_of_the_plan(cli: Cli) -> None:
    import json

    import jsonschema
    import yaml

    schema = json.loads(cli("schema").out)
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(yaml.safe_load(MINIMAL.read_text()), schema)
    assert schema["properties"]["alerts"]["items"]["$ref"] == "#/$defs/Alert"


def test_commands_that_read_the_tree_say_when_there_is_none(cli: Cli, tmp_path: Path) -> None:
    for command in (["lint", "--offline"], ["drill", "--level", "P3"]):
        result = cli(*command, MINIMAL, "--out", tmp_path / "nowhere")
        assert result.code == 2
        assert "no generated tree (no MANIFEST); run `eyewatch-gen render" in result.err
        assert "Traceback" not in result.err


def _exit_code(monkeypatch: pytest.MonkeyPatch, *args: str | Path) -> int:
    """Run the CLI in this process (so a test can break a function) and return its exit code."""
    monkeypatch.setattr(sys, "argv", ["eyewatch-gen", *map(str, args)])
    return command_line._dispatch()


def _drill_raising(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, error: Exception) -> int:
    def select(*args: object) -> None:
        raise error

    (tmp_path / "MANIFEST").write_text("")
    monkeypatch.setattr(runner, "select", select)
    return _exit_code(monkeypatch, "drill", MINIMAL, "--out", tmp_path, "--level", "P1")


def test_user_errors_share_one_base() -> None:
    for error in (PlanError, UsageError, MissingToolError, DrillError):
        assert issubclass(error, EyewatchError)


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (DrillError("no alert named Nope"), "no alert named Nope"),
        (UsageError("bad option"), "bad option"),
        (
            MissingToolError("prometheus"),
            "prometheus is not installed: install the Debian package prometheus "
            "(or run `make tools`)",
        ),
    ],
    ids=["drill", "usage", "missing-tool"],
)
def test_a_user_error_is_one_line_and_exit_2(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    error: Exception,
    message: str,
) -> None:
    assert _drill_raising(monkeypatch, tmp_path, error) == 2
    assert capsys.readouterr().err == f"eyewatch-gen: {message}\n"


def test_a_bug_in_drill_is_exit_3_not_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _drill_raising(monkeypatch, tmp_path, ValueError("a bug")) == 3
    err = capsys.readouterr().err
    assert "ValueError: a bug" in err
    assert "internal error (a bug): please report it" in err


def test_unknown_environment_is_named_with_its_option(cli: Cli, tmp_path: Path) -> None:
    example = ROOT / "examples/two-teams/plan.yaml"
    result = cli("diff", example, "--base-env", "qa", "--env", "staging")
    assert (result.code, result.err.strip()) == (
        2,
        "eyewatch-gen: --base-env qa: the plan declares production, staging",
    )
    result = cli("render", MINIMAL, "--out", tmp_path, "--env", "staging")
    assert (result.code, result.err.strip()) == (
        2,
        "eyewatch-gen: --env staging: the plan declares no environments",
    )
