"""The writer: atomic replace, MANIFEST pruning, drift, and nothing half-written on failure."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from conftest import read_tree
from eyewatch_gen import writer
from eyewatch_gen.artifacts import Artifact
from eyewatch_gen.problems import UsageError

A = Artifact("a/one.yml", b"one\n")
B = Artifact("b/two.yml", b"two\n")


def test_first_render_writes_files_and_manifest(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    report = writer.write_tree(out, [A, B])
    assert report.written == ["a/one.yml", "b/two.yml", "MANIFEST"]
    one, two = (hashlib.sha256(a.content).hexdigest() for a in (A, B))
    assert read_tree(out)["MANIFEST"] == f"{one}  a/one.yml\n{two}  b/two.yml\n".encode()


def test_unchanged_render_touches_nothing(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    writer.write_tree(out, [A, B])
    before = (out / "a/one.yml").stat().st_ino
    report = writer.write_tree(out, [A, B])
    assert not report.changed
    assert (out / "a/one.yml").stat().st_ino == before


def test_files_no_longer_produced_are_removed_but_hand_added_files_stay(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    writer.write_tree(out, [A, B])
    (out / "NOTES.txt").write_text("kept\n")
    report = writer.write_tree(out, [A])
    assert report.removed == ["b/two.yml"]
    assert sorted(read_tree(out)) == ["MANIFEST", "NOTES.txt", "a/one.yml"]


def test_drift_reports_changed_missing_and_stale(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    writer.write_tree(out, [A, B])
    (out / "a/one.yml").write_text("edited\n")
    found = writer.drift(out, [A, Artifact("c/new.yml", b"x\n")])
    kinds = {(d.path, d.kind) for d in found}
    assert {("a/one.yml", "changed"), ("c/new.yml", "missing"), ("b/two.yml", "stale")} <= kinds
    diff = next(d.diff for d in found if d.path == "a/one.yml")
    assert "-edited\n+one\n" in diff


def test_in_sync_tree_has_no_drift(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    writer.write_tree(out, [A, B])
    assert writer.drift(out, [A, B]) == []


def test_failure_while_staging_leaves_previous_tree_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "generated"
    writer.write_tree(out, [A, B])
    before = read_tree(out)

    def boom(staging: Path, target: Path) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(writer, "_swap", boom)
    with pytest.raises(OSError):
        writer.write_tree(out, [Artifact("a/one.yml", b"changed\n")])
    assert read_tree(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["generated"]


def test_leftover_staging_from_a_killed_render_is_cleaned(tmp_path: Path) -> None:
    (tmp_path / ".eyewatch-staging-dead").mkdir()
    writer.write_tree(tmp_path / "generated", [A])
    assert [p.name for p in tmp_path.iterdir()] == ["generated"]


def test_unsafe_paths_are_refused(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="unsafe artifact path"):
        writer.write_tree(tmp_path / "out", [Artifact("../escape.yml", b"x")])


def test_output_that_is_a_file_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "out").write_text("x")
    with pytest.raises(UsageError):
        writer.write_tree(tmp_path / "out", [A])
