"""A render killed at any point leaves the output exactly as before (or completely new), and
two renders at once never leave a mixed tree."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from bench.plans import plan as synthetic_plan
from conftest import MINIMAL, read_tree
from eyewatch_gen import writer
from eyewatch_gen.artifacts import Artifact
from eyewatch_gen.pipeline import render_all
from eyewatch_gen.plan.load import load_plan, load_plan_text


def _as_tree(artifacts: list[Artifact]) -> dict[str, bytes]:
    files = [*artifacts, writer.manifest_artifact(artifacts)]
    return {a.path: a.content for a in files}


@pytest.fixture(scope="module")
def old_and_new() -> tuple[list[Artifact], list[Artifact]]:
    text = MINIMAL.read_text()
    old = render_all(load_plan_text(text).plan)
    new = render_all(load_plan_text(text.replace("threshold: 0.9", "threshold: 0.95")).plan)
    return old, new


def test_a_failure_at_every_write_leaves_the_previous_tree(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    old_and_new: tuple[list[Artifact], list[Artifact]],
) -> None:
    old, new = old_and_new
    out = tmp_path / "generated"
    writer.write_tree(out, old)
    expected = read_tree(out)
    real_write = Path.write_bytes
    for fail_at in range(len(new) + 1):  # the last write is the MANIFEST
        calls = [0]

        def flaky(self: Path, data: bytes, _calls: list[int] = calls, _at: int = fail_at) -> int:
            _calls[0] += 1
            if _calls[0] > _at:
                raise OSError(28, "No space left on device")
            return real_write(self, data)

        monkeypatch.setattr(Path, "write_bytes", flaky)
        with pytest.raises(writer.OutputError, match="No space left on device"):
            writer.write_tree(out, new)
        monkeypatch.setattr(Path, "write_bytes", real_write)
        assert read_tree(out) == expected, f"failure after {fail_at} writes"
    assert [p.name for p in tmp_path.iterdir()] == ["generated"]


def test_sigkill_mid_render_leaves_old_or_new_tree(tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    text = synthetic_plan(1500, 20)
    plan.write_text(text)
    out = tmp_path / "generated"
    old_plan = load_plan(plan).plan
    writer.write_tree(out, render_all(old_plan))
    old = read_tree(out)
    plan.write_text(text.replace("threshold: 0.8", "threshold: 0.85"))
    new = _as_tree(render_all(load_plan(plan).plan))
    outcomes = set()
    for delay in (0.2, 0.6, 1.0, 1.5, 2.2, 3.0):
        process = subprocess.Popen(
            [sys.executable, "-m", "eyewatch_gen", "render", str(plan), "--out", str(out)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        current = read_tree(out)
        assert current in (old, new), f"mixed tree after SIGKILL at {delay}s"
        outcomes.add("old" if current == old else "new")
        if current == new:
            writer.write_tree(out, render_all(old_plan))
    assert "old" in outcomes  # at least one kill landed mid-render
    writer.write_tree(out, render_all(old_plan))  # and the next render cleans up
    assert sorted(p.name for p in tmp_path.iterdir()) == ["generated", "plan.yaml"]


def test_two_renders_at_once_never_mix(
    tmp_path: Path, old_and_new: tuple[list[Artifact], list[Artifact]]
) -> None:
    old, new = old_and_new
    out = tmp_path / "generated"
    trees = (_as_tree(old), _as_tree(new))
    for _ in range(5):
        threads = [
            threading.Thread(target=writer.write_tree, args=(out, artifacts))
            for artifacts in (old, new, old, new)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert read_tree(out) in trees


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_signal_while_staging_leaves_no_staging_directory(
    tmp_path: Path, signum: signal.Signals
) -> None:
    plan = tmp_path / "plan.yaml"
    text = synthetic_plan(1500, 20)
    plan.write_text(text)
    out = tmp_path / "generated"
    writer.write_tree(out, render_all(load_plan(plan).plan))
    old = read_tree(out)
    plan.write_text(text.replace("threshold: 0.8", "threshold: 0.85"))
    process = subprocess.Popen(
        [sys.executable, "-m", "eyewatch_gen", "render", str(plan), "--out", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".eyewatch-staging-*")) and process.poll() is None:
        assert time.monotonic() < deadline, "render never started staging"
        time.sleep(0.002)
    process.send_signal(signum)
    _, err = process.communicate(timeout=60)
    assert process.returncode in (0, 128 + signum), err  # 0: it finished first
    assert "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["generated", "plan.yaml"]
    new = _as_tree(render_all(load_plan(plan).plan))
    assert read_tree(out) in (old, new)
