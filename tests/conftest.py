"""Shared fixtures: plan files, running the CLI as a user would, and the external tools."""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings

from eyewatch_gen.checks.tools import PACKAGES

# CI runs the same examples every time (a red build must be reproducible); locally each run
# explores new ones.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
PLANS = Path(__file__).resolve().parent / "plans"
MINIMAL = PLANS / "minimal.yaml"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        help="rewrite tests/golden from the current generator",
    )


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


@dataclass(frozen=True)
class Run:
    """A finished CLI process."""

    code: int
    out: str
    err: str


def run_cli(
    *args: str | Path,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    memory: int | None = None,
) -> Run:
    """Run `python -m eyewatch_gen ARGS` in a fresh process (with at most `memory` bytes of
    address space when given: a run that reads something unbounded fails, not the machine)."""

    def limit() -> None:
        if memory is not None:
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    process = subprocess.run(
        [sys.executable, "-m", "eyewatch_gen", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=False,
        timeout=120,
        preexec_fn=limit,
    )
    return Run(process.returncode, process.stdout, process.stderr)


@pytest.fixture
def cli() -> Callable[..., Run]:
    return run_cli


@pytest.fixture
def minimal_text() -> str:
    return MINIMAL.read_text()


@pytest.fixture
def write_plan(tmp_path: Path) -> Callable[[str], Path]:
    """Write plan text to tmp_path/plan.yaml and return its path."""

    def write(text: str) -> Path:
        path = tmp_path / "plan.yaml"
        path.write_text(text)
        return path

    return write


def require_tool(name: str) -> str:
    """Path of an external tool; a missing tool fails under CI=true and skips elsewhere."""
    found = shutil.which(name)
    if found:
        return found
    message = f"{name} is not installed (Debian: {PACKAGES.get(name, name)}); run make tools"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def read_tree(root: Path) -> dict[str, bytes]:
    """Every file under `root`, by POSIX path relative to it."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }
