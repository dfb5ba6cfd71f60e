"""The output tree is not trusted: `check`, `render` and the fast path never read through a
link in it, nor a special file, and `render` keeps what it did not write (issue 20, items 1, 6
and 7)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import MINIMAL, ROOT, Run, run_cli

SECRET = "s3cr3t-token-value-in-the-environment"
RULES = "prometheus/rules/infra.rules.yml"


def _run(*args: str | Path, cwd: Path, cache: Path) -> Run:
    """The CLI with 1.5 GiB of address space: reading /dev/zero fails the test, not the
    machine (and a FIFO read hangs until the timeout)."""
    env = {"XDG_CACHE_HOME": str(cache), "EYEWATCH_TEST_SECRET": SECRET}
    return run_cli(*args, cwd=cwd, env=env, memory=3 << 29)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copy(MINIMAL, tmp_path / "plan.yaml")
    assert _run("render", cwd=tmp_path, cache=tmp_path / "cache").code == 0
    return tmp_path


def _replace(path: Path, kind: str) -> None:
    path.unlink()
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to({"environ": "/proc/self/environ", "zero": "/dev/zero"}[kind])


@pytest.mark.parametrize("kind", ["environ", "zero", "fifo"])
@pytest.mark.parametrize("cached", [True, False], ids=["fast-path", "full-check"])
def test_check_never_reads_through_a_link_or_a_special_file(
    project: Path, kind: str, cached: bool
) -> None:
    cache = project / ("cache" if cached else "no-cache")
    _replace(project / "generated" / RULES, kind)
    result = _run("check", cwd=project, cache=cache)
    assert result.code == 1, result.err
    assert SECRET not in result.out + result.err
    assert "Traceback" not in result.err
    what = {"environ": "a symbolic link", "zero": "a symbolic link", "fifo": "a FIFO"}[kind]
    assert f"changed: generated/{RULES} is {what}, not the generated file" in result.out


@pytest.mark.parametrize("kind", ["environ", "zero", "fifo"])
def test_render_replaces_a_generated_file_without_reading_it(project: Path, kind: str) -> None:
    _replace(project / "generated" / RULES, kind)
    result = _run("render", cwd=project, cache=project / "cache")
    assert result.code == 0, result.err
    assert f"wrote   {RULES}" in result.out
    rules = project / "generated" / RULES
    assert not rules.is_symlink() and rules.is_file()
    assert SECRET.encode() not in b"".join(p.read_bytes() for p in _files(project / "generated"))


def test_render_carries_links_as_links_never_their_targets(project: Path) -> None:
    out = project / "generated"
    (out / "environ").symlink_to("/proc/self/environ")
    (out / "zero").symlink_to("/dev/zero")
    plan = project / "plan.yaml"
    plan.write_text(plan.read_text().replace("threshold: 0.9", "threshold: 0.95"))
    result = _run("render", cwd=project, cache=project / "cache")
    assert result.code == 0, result.err
    assert (out / "environ").readlink() == Path("/proc/self/environ")
    assert (out / "zero").readlink() == Path("/dev/zero")


def test_a_render_into_a_git_checkout_is_refused(tmp_path: Path) -> None:
    shutil.copy(MINIMAL, tmp_path / "plan.yaml")
    (tmp_path / "site/.git/refs/tags").mkdir(parents=True)
    result = _run("render", "--out", "site", cwd=tmp_path, cache=tmp_path / "cache")
    assert result.code == 2
    assert result.err.strip().splitlines() == [
        f"eyewatch-gen: {tmp_path}/site holds .git (a repository): render replaces the output "
        "directory as a whole; use a subdirectory such as generated/"
    ]
    assert (tmp_path / "site/.git/refs/tags").is_dir()


@pytest.mark.parametrize(("where", "out"), [("plan", "."), ("elsewhere", "."), ("plan", "..")])
def test_an_output_holding_the_plan_or_the_current_directory_is_refused(
    tmp_path: Path, where: str, out: str
) -> None:
    (tmp_path / "project").mkdir()
    shutil.copy(MINIMAL, tmp_path / "project/plan.yaml")
    cwd = tmp_path / ("project" if where == "plan" else "elsewhere")
    cwd.mkdir(exist_ok=True)
    before = sorted(p.name for p in tmp_path.rglob("*"))
    result = _run("render", tmp_path / "project/plan.yaml", "--out", out, cwd=cwd, cache=tmp_path)
    assert result.code == 2, result.out
    (line,) = result.err.strip().splitlines()
    assert "or holds it: render replaces the output directory as a whole" in line
    assert sorted(p.name for p in tmp_path.rglob("*")) == before


def test_stale_environment_trees_are_found_and_removed(tmp_path: Path) -> None:
    example = tmp_path / "two-teams"
    shutil.copytree(ROOT / "examples/two-teams", example)
    plan = example / "plan.yaml"
    cache = tmp_path / "cache"
    text = plan.read_text()
    common = text[: text.index("\nenvironments:\n") + 1]
    plan.write_text(common + "environments:\n  production: {}\n")  # staging dropped
    check = _run("check", plan, "--out", example / "generated", cwd=tmp_path, cache=cache)
    assert check.code == 1
    assert f"stale: {example}/generated/staging/MANIFEST" in check.out
    assert _run("render", plan, "--out", example / "generated", cwd=tmp_path, cache=cache).code == 0
    assert sorted(p.name for p in (example / "generated").iterdir()) == ["production"]
    plan.write_text(common)  # no environments at all
    assert _run("check", plan, "--out", example / "generated", cwd=tmp_path, cache=cache).code == 1
    assert _run("render", plan, "--out", example / "generated", cwd=tmp_path, cache=cache).code == 0
    assert not (example / "generated/production").exists()
    assert _run("check", plan, "--out", example / "generated", cwd=tmp_path, cache=cache).code == 0


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and not p.is_symlink()]


@pytest.mark.parametrize("kind", ["zero", "fifo"])
@pytest.mark.parametrize(
    ("command", "reader"), [(("lint", "--offline"), "lint"), (("drill",), "the drill")]
)
def test_lint_and_drill_stop_at_a_generated_path_that_is_not_a_regular_file(
    project: Path, kind: str, command: tuple[str, ...], reader: str
) -> None:
    rules = "alertmanager/alertmanager.yml" if reader == "the drill" else RULES
    _replace(project / "generated" / rules, kind)
    result = _run(*command, cwd=project, cache=project / "cache")
    assert result.code == 2, result.out + result.err
    what = "a symbolic link" if kind == "zero" else "a FIFO"
    assert result.err.strip().splitlines() == [
        f"eyewatch-gen: generated/{rules} is {what}, not a generated file: {reader} does not "
        "read through it; run `eyewatch-gen render` (or `check` to see what changed)"
    ]
