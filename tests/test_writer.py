"""The writer: atomic replace, MANIFEST pruning, drift, and nothing half-written on failure."""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import stat
import subprocess
from collections.abc import Callable
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
    with pytest.raises(writer.OutputError, match="generated: disk full; nothing was written"):
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


# -- what the writer did not write stays exactly as it was (issue 20, item 6) ---------------


def _entry(path: Path) -> tuple[str, int, str, int]:
    """What an entry is, never following a link: kind, mode, link target, inode (files)."""
    info = path.lstat()
    kind = stat.S_IFMT(info.st_mode)
    target = str(path.readlink()) if stat.S_ISLNK(info.st_mode) else ""
    inode = 0 if stat.S_ISDIR(info.st_mode) else info.st_ino
    return f"{kind:o}", stat.S_IMODE(info.st_mode), target, inode


def _hand_made(out: Path, outside: Path) -> list[str]:
    """Entries a person adds to a generated tree; returns their paths."""
    (out / "link-out").symlink_to(outside)
    (out / "dangling").symlink_to(outside.parent / "nowhere")
    (out / "dir-link").symlink_to(outside.parent)
    (out / "empty").mkdir()
    (out / "private").mkdir()
    (out / "private/notes.txt").write_text("mine\n")
    (out / "private").chmod(0o700)
    (out / "a/mine.txt").write_text("hand-added beside generated files\n")
    (out / "a").chmod(0o750)
    os.mkfifo(out / "fifo")
    return ["link-out", "dangling", "dir-link", "empty", "private", "private/notes.txt", "a",
            "a/mine.txt", "fifo"]  # fmt: skip


def test_render_keeps_links_fifos_empty_directories_and_modes_exactly(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    outside = tmp_path / "outside.txt"
    outside.write_text("outside the tree\n")
    writer.write_tree(out, [A, B])
    entries = _hand_made(out, outside)
    before = {path: _entry(out / path) for path in entries}
    report = writer.write_tree(out, [Artifact("a/one.yml", b"changed\n")])
    assert report.written == ["a/one.yml", "MANIFEST"] and report.removed == ["b/two.yml"]
    assert {path: _entry(out / path) for path in entries} == before
    assert not (out / "b").exists()
    assert (out / "a/one.yml").read_bytes() == b"changed\n"


@pytest.mark.parametrize("holder", ["MANIFEST", "a/one.yml"])
def test_a_directory_where_render_writes_a_file_is_refused(tmp_path: Path, holder: str) -> None:
    out = tmp_path / "generated"
    writer.write_tree(out, [A])
    (out / holder).unlink()
    (out / holder).mkdir()
    (out / holder / "notes.txt").write_text("mine\n")
    before = read_tree(out)
    with pytest.raises(writer.OutputError, match=f"{out / holder} is a directory"):
        writer.write_tree(out, [Artifact("a/one.yml", b"changed\n")])
    assert read_tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["generated"]


def test_a_hand_made_file_where_render_writes_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    writer.write_tree(out, [A])
    (out / "b").mkdir()
    (out / "b/two.yml").write_text("a person's own file\n")
    with pytest.raises(writer.OutputError, match="is in no MANIFEST"):
        writer.write_tree(out, [A, B])
    assert (out / "b/two.yml").read_text() == "a person's own file\n"


def test_an_output_holding_a_repository_is_refused(tmp_path: Path) -> None:
    (tmp_path / ".git/refs/tags").mkdir(parents=True)
    (tmp_path / "README").write_text("project\n")
    with pytest.raises(writer.OutputError, match=r"holds \.git"):
        writer.write_tree(tmp_path, [A])
    assert sorted(p.name for p in tmp_path.iterdir()) == [".git", "README"]
    assert (tmp_path / ".git/refs/tags").is_dir()


def test_an_output_that_is_or_holds_a_protected_directory_is_refused(tmp_path: Path) -> None:
    (tmp_path / "plan.yaml").write_text("version: 1\n")
    for out in (tmp_path, tmp_path.parent):
        with pytest.raises(writer.OutputError, match="is the plan's own directory or holds it"):
            writer.write_trees(out, {"": [A]}, protect={tmp_path: "the plan's own directory"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.yaml"]


# -- stale environment trees (item 7) ---------------------------------------------------------


def test_a_dropped_environment_tree_is_removed_and_reported(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    writer.write_trees(out, {"production": [A], "staging": [A, B]})
    (out / "staging/NOTES.txt").write_text("kept\n")
    assert [d.path for d in writer.drift_trees(out, {"production": [A]})] == [
        "staging/MANIFEST",
        "staging/a/one.yml",
        "staging/b/two.yml",
    ]
    reports = writer.write_trees(out, {"production": [A]})
    assert reports["staging"].removed == ["MANIFEST", "a/one.yml", "b/two.yml"]
    assert read_tree(out / "staging") == {"NOTES.txt": b"kept\n"}
    assert writer.drift_trees(out, {"production": [A]}) == []


def test_environment_trees_left_in_a_plan_without_environments_go(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    writer.write_trees(out, {"production": [A], "staging": [B]})
    assert {d.path for d in writer.drift_trees(out, {"": [A]})} >= {
        "production/MANIFEST",
        "staging/b/two.yml",
    }
    writer.write_trees(out, {"": [A]})
    assert sorted(read_tree(out)) == ["MANIFEST", "a/one.yml"]
    writer.write_trees(out, {"production": [B]})  # and back: the top-level files go
    assert sorted(read_tree(out)) == ["production/MANIFEST", "production/b/two.yml"]


def test_rendering_one_environment_leaves_the_others_alone(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    writer.write_trees(out, {"production": [A], "old": [B]})
    writer.write_trees(out, {"production": [B]}, partial=True)
    assert sorted(read_tree(out)) == [
        "old/MANIFEST",
        "old/b/two.yml",
        "production/MANIFEST",
        "production/b/two.yml",
    ]
    assert writer.drift_trees(out, {"production": [B]}, partial=True) == []


# -- faults of the environment: one line, nothing written (item 10) -------------------------


def _freeze(path: Path) -> Callable[[], None]:
    """Make `path` unwritable (chattr +i as root, who ignores modes); returns the undo."""
    if os.geteuid() == 0:
        if shutil.which("chattr") is None:
            pytest.skip("root without chattr cannot make a directory unwritable")
        subprocess.run(["chattr", "+i", str(path)], check=True)

        def thaw() -> None:
            subprocess.run(["chattr", "-i", str(path)], check=True)

        return thaw
    mode = path.stat().st_mode
    path.chmod(0o555)
    return lambda: path.chmod(mode)


@pytest.mark.parametrize("frozen", ["parent", "output"])
def test_an_unwritable_output_is_one_line_naming_it(tmp_path: Path, frozen: str) -> None:
    out = tmp_path / "site/generated"
    writer.write_tree(out, [A])
    before = read_tree(out)
    thaw = _freeze(out.parent if frozen == "parent" else out)
    try:
        with pytest.raises(writer.OutputError) as caught:
            writer.write_tree(out, [Artifact("a/one.yml", b"changed\n")])
    finally:
        thaw()
    message = str(caught.value)
    assert "\n" not in message and str(out) in message
    assert "Operation not permitted" in message or "Permission denied" in message
    assert read_tree(out) == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["generated"]


def test_a_full_disk_is_one_line_and_nothing_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "generated"
    writer.write_tree(out, [A])
    before = read_tree(out)

    def full(self: Path, data: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device", str(self))

    monkeypatch.setattr(Path, "write_bytes", full)
    with pytest.raises(writer.OutputError) as caught:
        writer.write_tree(out, [A, B])
    assert str(caught.value).startswith(f"{out}/")  # names the output path, not the staging
    assert "No space left on device; nothing was written" in str(caught.value)
    assert read_tree(out) == before


def test_an_output_that_cannot_be_renamed_is_updated_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A mounted volume: rename(2) says EBUSY; render writes into it instead."""
    out = tmp_path / "generated"
    writer.write_tree(out, [A, B])
    (out / "NOTES.txt").write_text("kept\n")
    inode = out.stat().st_ino

    def busy(staging: Path, target: Path) -> None:
        raise OSError(errno.EBUSY, "Device or resource busy", str(target))

    monkeypatch.setattr(writer, "_swap", busy)
    report = writer.write_tree(out, [Artifact("a/one.yml", b"changed\n")])
    assert report.removed == ["b/two.yml"]
    assert read_tree(out) == {
        "MANIFEST": writer.manifest_artifact([Artifact("a/one.yml", b"changed\n")]).content,
        "NOTES.txt": b"kept\n",
        "a/one.yml": b"changed\n",
    }
    assert out.stat().st_ino == inode
    assert sorted(p.name for p in tmp_path.iterdir()) == ["generated"]


def test_rendering_into_a_mount_point_works(tmp_path: Path) -> None:
    out = tmp_path / "volume"
    out.mkdir()
    mount = ["mount", "-t", "tmpfs", "none", str(out)]
    mounted = subprocess.run(mount, check=False, capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        writer.write_tree(out, [A, B])
        (out / "NOTES.txt").write_text("kept\n")
        writer.write_tree(out, [Artifact("a/one.yml", b"changed\n")])
        assert sorted(read_tree(out)) == ["MANIFEST", "NOTES.txt", "a/one.yml"]
        assert writer.drift(out, [Artifact("a/one.yml", b"changed\n")]) == []
    finally:
        subprocess.run(["umount", str(out)], check=True)


def test_an_environment_tree_that_is_a_link_is_refused_never_read(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    writer.write_trees(elsewhere, {"": [A]})
    out = tmp_path / "generated"
    writer.write_trees(out, {"production": [A]})
    (out / "staging").symlink_to(elsewhere)
    before = read_tree(elsewhere)
    with pytest.raises(writer.OutputError, match="staging is a symbolic link that eyewatch-gen"):
        writer.write_trees(out, {"production": [A], "staging": [B]})
    with pytest.raises(UsageError, match="must be a directory"):
        writer.drift_trees(out, {"production": [A], "staging": [B]})
    assert read_tree(elsewhere) == before
