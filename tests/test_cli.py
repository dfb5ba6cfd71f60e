"""The CLI as a user runs it: exit codes, messages, and an untouched tree on bad input."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from conftest import MINIMAL, Run, read_tree

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
