"""The corpus of broken plans (tests/corpus): each is rejected with exit 2, a message naming
the file, line, column and field, no traceback, and an untouched output directory."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from conftest import MINIMAL
from eyewatch_gen import cli
from eyewatch_gen.pipeline import render_all
from eyewatch_gen.plan.load import load_plan
from eyewatch_gen.writer import write_tree

CORPUS = Path(__file__).resolve().parent / "corpus"
CASES = sorted(p for p in CORPUS.glob("*.yaml"))


def _expectation(path: Path) -> tuple[str, str]:
    sidecar = path.with_suffix(".expect")
    lines = (
        sidecar.read_text() if sidecar.exists() else path.read_bytes().decode("utf-8", "replace")
    ).splitlines()
    if sidecar.exists():
        return lines[0], lines[1]
    header = dict(line[2:].split(": ", 1) for line in lines[:3] if line.startswith("# "))
    return header["expect"], header["rule"]


def test_the_corpus_is_large_enough() -> None:
    assert len(CASES) >= 50


@pytest.fixture(scope="module")
def previous_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus") / "generated"
    write_tree(out, render_all(load_plan(MINIMAL).plan))
    return out


def _snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize("plan", CASES, ids=[p.stem for p in CASES])
def test_broken_plan_is_rejected_cleanly(
    plan: Path,
    previous_tree: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    expected, rule = _expectation(plan)
    before = _snapshot(previous_tree)
    monkeypatch.setattr(
        sys, "argv", ["eyewatch-gen", "render", str(plan), "--out", str(previous_tree)]
    )
    started = time.monotonic()
    code = cli._run()
    elapsed = time.monotonic() - started
    captured = capsys.readouterr()
    assert code == 2
    assert "Traceback" not in captured.err + captured.out
    problems = [line for line in captured.err.splitlines() if ": error: " in line]
    assert problems, captured.err
    assert any(
        line.startswith(f"{plan}:") and expected in line and f"({rule})" in line
        for line in problems
    ), (expected, rule, problems)
    line, column = problems[0].removeprefix(f"{plan}:").split(":")[:2]
    assert int(line) >= 1 and int(column) >= 1
    assert _snapshot(previous_tree) == before
    assert elapsed < 2.0


@pytest.mark.parametrize("kind", ["missing", "directory"])
def test_unreadable_plan_paths(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / ("nope.yaml" if kind == "missing" else "")
    monkeypatch.setattr(sys, "argv", ["eyewatch-gen", "validate", str(path)])
    assert cli._run() == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert {"missing": "no such file", "directory": "is a directory"}[kind] in err
