"""The one owner of the output directory: atomic replace, MANIFEST, pruning, drift.

A render builds the complete new tree in a sibling staging directory, then swaps it in with
one atomic `renameat2(RENAME_EXCHANGE)` (two renames where the kernel lacks it). A render that
fails or is killed at any point leaves the previous tree as it was. A lock on the parent
directory keeps two renders from interleaving. Files the plan no longer produces are dropped
because they are listed in the old MANIFEST and not in the new one; files a person put in the
directory that were never in a MANIFEST are carried over untouched.
"""

from __future__ import annotations

import contextlib
import ctypes
import difflib
import fcntl
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Literal

from eyewatch_gen.artifacts import Artifact
from eyewatch_gen.problems import UsageError

MANIFEST = "MANIFEST"
_RENAME_EXCHANGE = 2
_STAGING_PREFIX = ".eyewatch-staging-"


@dataclass
class WriteReport:
    """What a render did to the output directory."""

    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """True when the directory's contents changed."""
        return bool(self.written or self.removed)


@dataclass(frozen=True)
class Drift:
    """One difference between the rendered plan and the directory: changed, missing, stale."""

    path: str
    kind: Literal["missing", "changed", "stale"]
    diff: str


def manifest_artifact(artifacts: Sequence[Artifact]) -> Artifact:
    """`sha256  path` per file, sorted: `sha256sum -c MANIFEST` verifies the tree."""
    lines = [f"{hashlib.sha256(a.content).hexdigest()}  {a.path}\n" for a in sorted(artifacts)]
    return Artifact(MANIFEST, "".join(lines).encode())


def read_manifest(out: Path) -> dict[str, str]:
    """Path -> sha256 from the MANIFEST in `out` (empty when there is none)."""
    try:
        text = (out / MANIFEST).read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError, UnicodeDecodeError):
        return {}
    entries = (line.split("  ", 1) for line in text.splitlines() if "  " in line)
    return {path: digest for digest, path in entries if _safe(path)}


def write_tree(out: Path, artifacts: Sequence[Artifact]) -> WriteReport:
    """Make `out` hold exactly `artifacts` (plus MANIFEST and files it never managed)."""
    _check_out(out)
    files = [*artifacts, manifest_artifact(artifacts)]
    for artifact in files:
        if not _safe(artifact.path):
            raise RuntimeError(f"unsafe artifact path {artifact.path!r}")
    out.parent.mkdir(parents=True, exist_ok=True)
    with _locked(out.parent):
        _remove_stale_staging(out.parent)
        report = _compare(out, files)
        if report.changed or not out.exists():
            _replace(out, files)
    return report


def drift(out: Path, artifacts: Sequence[Artifact]) -> list[Drift]:
    """How `out` differs from `artifacts`; empty when it is in sync."""
    found = []
    for artifact in [*artifacts, manifest_artifact(artifacts)]:
        current = _read(out / artifact.path)
        if current is None:
            found.append(Drift(artifact.path, "missing", ""))
        elif current != artifact.content:
            found.append(
                Drift(artifact.path, "changed", _unified(artifact.path, current, artifact.content))
            )
    produced = {a.path for a in artifacts}
    for path in sorted(set(read_manifest(out)) - produced):
        if (out / path).exists():
            found.append(Drift(path, "stale", ""))
    return found


def _compare(out: Path, files: Sequence[Artifact]) -> WriteReport:
    report = WriteReport()
    for artifact in files:
        same = _read(out / artifact.path) == artifact.content
        (report.unchanged if same else report.written).append(artifact.path)
    produced = {a.path for a in files}
    report.removed = sorted(
        p for p in read_manifest(out) if p not in produced and (out / p).exists()
    )
    return report


def _replace(out: Path, files: Sequence[Artifact]) -> None:
    staging = Path(tempfile.mkdtemp(prefix=_STAGING_PREFIX, dir=out.parent))
    try:
        for artifact in files:
            target = staging / artifact.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(artifact.content)
        _carry_unmanaged(out, staging)
        staging.chmod(out.stat().st_mode & 0o7777 if out.exists() else 0o777 & ~_umask())
        _swap(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _carry_unmanaged(out: Path, staging: Path) -> None:
    """Copy files a person added to `out` (never in a MANIFEST) into the new tree."""
    if not out.is_dir():
        return
    managed = set(read_manifest(out)) | {MANIFEST}
    for path in sorted(out.rglob("*")):
        relative = path.relative_to(out).as_posix()
        if path.is_file() and relative not in managed and not (staging / relative).exists():
            (staging / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, staging / relative)


def _swap(staging: Path, out: Path) -> None:
    """Atomically put `staging` at `out`; the old tree ends up at `staging` (then deleted)."""
    if not out.exists():
        staging.rename(out)
        return
    if _exchange(staging, out):
        return
    aside = out.with_name(f"{_STAGING_PREFIX}old-{os.getpid()}")
    out.rename(aside)
    staging.rename(out)
    aside.rename(staging)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths with renameat2(RENAME_EXCHANGE); False where that is unavailable."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    return bool(result == 0)


@contextlib.contextmanager
def _locked(directory: Path) -> Iterator[None]:
    fd = os.open(directory, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _remove_stale_staging(parent: Path) -> None:
    """Staging directories left by a render that was killed (we hold the lock)."""
    for leftover in parent.glob(f"{_STAGING_PREFIX}*"):
        shutil.rmtree(leftover, ignore_errors=True)


def _check_out(out: Path) -> None:
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise UsageError(f"{out}: the output must be a directory (not a file or a link)")


def _safe(path: str) -> bool:
    pure = PurePosixPath(path)
    return bool(path) and not pure.is_absolute() and ".." not in pure.parts


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None


def _unified(path: str, old: bytes, new: bytes) -> str:
    before = old.decode("utf-8", "replace").splitlines(keepends=True)
    after = new.decode("utf-8", "replace").splitlines(keepends=True)
    return "".join(difflib.unified_diff(before, after, f"a/{path}", f"b/{path}"))


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
