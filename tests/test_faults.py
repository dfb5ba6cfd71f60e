"""Faults of the input or the environment end in one line naming the path or field, exit 2,
and nothing written: never a traceback (issue 20, items 10 and 11)."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import MINIMAL, Run

Cli = Callable[..., Run]


def _one_error(result: Run) -> str:
    """The single line a fault prints (after the plan's warnings, if any)."""
    assert result.code == 2, result.out + result.err
    assert "Traceback" not in result.err
    lines = [line for line in result.err.splitlines() if ": warning: " not in line]
    problems = [line for line in lines if "problem" not in line or ": error: " in line]
    assert len(problems) == 1, result.err
    return problems[0]


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def project(tmp_path: Path, cli: Cli) -> Path:
    shutil.copy(MINIMAL, tmp_path / "plan.yaml")
    assert cli("render", tmp_path / "plan.yaml", "--out", tmp_path / "generated").code == 0
    return tmp_path


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("for: 10m", "for: 9999999999999999999y", "alerts[0].for: '9999999999999999999y' is "
         "longer than 7d: each generated promtool test feeds one sample a minute"),
        ("for: 10m", "for: 99999d", "alerts[0].for: '99999d' is longer than 7d: each generated "
         "promtool test feeds one sample a minute for longer than this (7d is 10,080 samples "
         "a series, 99999d would be 144 million)"),
        ("response_time: 24h", "response_time: 9999999999999999999y", "severities.P4."
         "response_time: '9999999999999999999y' is longer than 30d: notifications repeat"),
        ("for: 10m", 'for: "10m\\n"', r"alerts[0].for: '10m\n' is not a duration"),
        ("for: 10m", f"for: {'9' * 5000}y", "is not a duration"),
    ],
    ids=["huge-years", "huge-days", "huge-response-time", "trailing-newline", "5000-digits"],
)  # fmt: skip
def test_absurd_durations_are_refused_with_the_reason(
    cli: Cli, project: Path, old: str, new: str, expected: str
) -> None:
    plan = project / "plan.yaml"
    before = _tree(project / "generated")
    plan.write_text(plan.read_text().replace(old, new, 1))
    line = _one_error(cli("render", plan, "--out", project / "generated"))
    assert expected in line
    assert _tree(project / "generated") == before


def test_a_retention_beyond_what_prometheus_can_say_is_refused(cli: Cli, tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(MINIMAL.read_text() + LOGGING.format(delete="9999999999999999999y", regex="x"))
    line = _one_error(cli("validate", plan))
    assert "logging.classes.application.retention.delete_after: '9999999999999999999y' is " in line
    assert "longer than 100y: Prometheus durations end at about 292 years" in line


LOGGING = """logging:
  output: {{hosts: [https://es:9200]}}
  classes: {{application: {{retention: {{delete_after: {delete}}}}}}}
  sources:
    - {{service: web, format: json, drop: [{{field: '[a]', matches: '{regex}'}}]}}
"""


def test_a_huge_regex_repetition_is_refused(cli: Cli, tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(MINIMAL.read_text() + LOGGING.format(delete="30d", regex="a{4294967296}"))
    line = _one_error(cli("validate", plan))
    assert "logging.sources[0].drop[0].matches: does not compile as a regular expression: " in line
    assert (
        "repetition count 4294967296 at character 2 is above Oniguruma's limit of 100,000" in line
    )


@pytest.mark.parametrize("path", ["/dev/zero", "/dev/null", "fifo"])
def test_validating_a_special_file_is_refused_without_reading_it(
    cli: Cli, tmp_path: Path, path: str
) -> None:
    if path == "fifo":
        os.mkfifo(tmp_path / "fifo")
        path = str(tmp_path / "fifo")
    what = {"/dev/zero": "a character device", "/dev/null": "a character device"}.get(
        path, "a FIFO"
    )
    line = _one_error(cli("validate", path, memory=3 << 29))
    assert line == f"{path}:1:1: error: is {what}; give the path of a plan file (plan/not-a-file)"


def test_a_manifest_that_is_a_directory_is_one_line(cli: Cli, project: Path) -> None:
    out = project / "generated"
    (out / "MANIFEST").unlink()
    (out / "MANIFEST").mkdir()
    (out / "MANIFEST/notes.txt").write_text("mine\n")
    before = _tree(out)
    line = _one_error(cli("render", project / "plan.yaml", "--out", out))
    assert line.startswith(f"eyewatch-gen: {out}/MANIFEST is a directory that eyewatch-gen did not")
    assert _tree(out) == before
    check = cli("check", project / "plan.yaml", "--out", out)
    assert check.code == 1 and "Traceback" not in check.err
    assert f"changed: {out}/MANIFEST is a directory, not the generated file" in check.out


def test_an_unwritable_output_is_one_line(cli: Cli, project: Path) -> None:
    out = project / "generated"
    plan = project / "plan.yaml"
    plan.write_text(plan.read_text().replace("threshold: 0.9", "threshold: 0.95"))
    before = _tree(out)
    if os.geteuid() == 0:
        if shutil.which("chattr") is None:
            pytest.skip("root without chattr cannot make a directory unwritable")
        subprocess.run(["chattr", "+i", str(out)], check=True)
    else:
        project.chmod(0o555)
    try:
        line = _one_error(cli("render", plan, "--out", out))
    finally:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(out)], check=True)
        else:
            project.chmod(0o755)
    assert line.startswith(f"eyewatch-gen: {out}")
    assert line.endswith("; nothing was written")
    assert _tree(out) == before
    assert sorted(p.name for p in project.iterdir()) == ["generated", "plan.yaml"]
