"""The one owner of the output directory: atomic replace, MANIFEST, pruning, drift.

A render builds the complete new tree in a sibling staging directory, then swaps it in with
one atomic `renameat2(RENAME_EXCHANGE)` (two renames where the kernel lacks it). A render that
fails, is interrupted or killed at any point leaves the previous tree as it was. A lock on the
parent directory keeps two renders from interleaving. An output directory that is a mount
point cannot be swapped: it is updated in place, each file replaced atomically, MANIFEST last.

The writer owns only what a MANIFEST lists. Files the plan no longer produces are dropped
because an old MANIFEST lists them; a stale environment tree (`generated/<env>/` of an
environment the plan no longer declares, or environment trees left inside a plan without
environments) goes the same way. Everything else in the directory (hand-added files, links,
empty directories, FIFOs) is carried into the new tree exactly as it was (see `carry`), and
nothing is ever read through a link. Where the new tree needs a path that something the writer
did not write occupies, render refuses and names it.
"""

from __future__ import annotations

import contextlib
import ctypes
import difflib
import errno
import fcntl
import hashlib
import os
import shutil
import signal
import stat
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Literal

from eyewatch_gen import carry
from eyewatch_gen.artifacts import Artifact
from eyewatch_gen.manifest import MANIFEST, read_manifest, safe_path
from eyewatch_gen.problems import UsageError
from eyewatch_gen.treefs import NotAFileError, TooLargeError, describe, mode_in_tree, read_in_tree

_RENAME_EXCHANGE = 2
_STAGING_PREFIX = ".eyewatch-staging-"
_SHOWN = 1024 * 1024  # a changed file larger than this is reported, not shown as a diff


class OutputError(UsageError):
    """The output directory cannot be written as asked (a path in the way, permissions, a full
    disk); one line naming the path, exit 2, and nothing was written."""


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
    what: str = ""  # what occupies the path when it is not a regular file (never read)

    def describe(self, root: Path) -> str:
        """The line (or unified diff) `check` prints for it."""
        if self.diff:
            return self.diff
        where = root / self.path
        return f"{self.kind}: {where} is {self.what}" if self.what else f"{self.kind}: {where}"


def manifest_artifact(artifacts: Sequence[Artifact]) -> Artifact:
    """`sha256  path` per file, sorted: `sha256sum -c MANIFEST` verifies the tree."""
    lines = [f"{hashlib.sha256(a.content).hexdigest()}  {a.path}\n" for a in sorted(artifacts)]
    return Artifact(MANIFEST, "".join(lines).encode())


def write_tree(out: Path, artifacts: Sequence[Artifact]) -> WriteReport:
    """Make `out` hold exactly `artifacts` (plus MANIFEST and what it never managed)."""
    return write_trees(out, {"": artifacts})[""]


def write_trees(
    out: Path,
    trees: Mapping[str, Sequence[Artifact]],
    *,
    partial: bool = False,
    protect: Mapping[Path, str] | None = None,
) -> dict[str, WriteReport]:
    """Write each tree (`""`: `out` itself; a name: `out/<name>`, an environment), in one
    atomic swap. Unless `partial` (only some of the plan's trees are rendered), MANIFEST-listed
    files of trees the plan no longer has are removed. `protect` names directories `out` may
    neither be nor contain (the plan's, the current one). Reports are keyed by tree."""
    out = Path(os.path.normpath(out.absolute()))
    files = _layout(trees)
    try:
        _check_out(out, protect or {})
        out.parent.mkdir(parents=True, exist_ok=True)
        with _locked(out.parent):
            _remove_stale_staging(out.parent)
            return _write_locked(out, files, list(trees), partial)
    except carry.CarryError as error:
        raise OutputError(f"{error}; nothing was written") from None
    except OSError as error:
        raise OutputError(f"{_os_error(error, out)}; nothing was written") from None


def _write_locked(
    out: Path, files: dict[str, bytes], roots: list[str], partial: bool
) -> dict[str, WriteReport]:
    old = carry.scan(out)
    trees = _managed(out, old, roots, partial)
    managed = {path for paths in trees.values() for path in paths}
    _refuse(out, files, old, managed)
    reports, written, removed = _compare(out, files, old, trees)
    if written or removed or not out.is_dir():
        _replace(out, files, old, managed, (written, removed))
    return reports


def _layout(trees: Mapping[str, Sequence[Artifact]]) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for root, artifacts in trees.items():
        prefix = f"{root}/" if root else ""
        for artifact in [*artifacts, manifest_artifact(artifacts)]:
            if not safe_path(prefix + artifact.path):
                raise RuntimeError(f"unsafe artifact path {prefix}{artifact.path!r}")
            files[prefix + artifact.path] = artifact.content
    return files


def _managed(
    out: Path, old: Mapping[str, os.stat_result], roots: list[str], partial: bool
) -> dict[str, set[str]]:
    """Per tree ("" or an environment's directory), the paths relative to `out` that earlier
    renders wrote: its MANIFEST and what that lists. With `partial`, only the trees rendered
    now; otherwise every tree found, so stale ones go too. Directories are never managed."""
    candidates = set(roots)
    if not partial:
        candidates |= {""} | {p for p, info in old.items() if "/" not in p and _is_dir(info)}
    trees = {}
    for root in sorted(candidates):
        prefix = f"{root}/" if root else ""
        listed = read_manifest(out / root)
        if listed or (root in roots and _is_file(old.get(prefix + MANIFEST))):
            paths = {prefix + path for path in [*listed, MANIFEST]}
            trees[root] = {p for p in paths if p in old and not _is_dir(old[p])}
    return trees


def _refuse(
    out: Path, files: Mapping[str, bytes], old: Mapping[str, os.stat_result], managed: set[str]
) -> None:
    """Refuse a render that would destroy what the writer did not write: a path the new tree
    needs, held by a person's entry, or a mount point inside the tree."""
    device = old_device(out)
    for path, info in old.items():
        if _is_dir(info) and info.st_dev != device:
            raise OutputError(
                f"{out / path} is a mount point inside the output directory; render replaces "
                "the directory as a whole: unmount it or render elsewhere"
            )
    for directory in sorted(_needed_directories(files)):
        found = old.get(directory)
        if found is not None and not _is_dir(found) and directory not in managed:
            raise OutputError(
                f"{out / directory} is {describe(found.st_mode)} that eyewatch-gen did not "
                "write, where render needs a directory: move it away"
            )
    for path, content in sorted(files.items(), key=lambda f: (not _is_manifest(f[0]), f[0])):
        entry = old.get(path)
        if entry is None or (path in managed and not _is_dir(entry)):
            continue
        if not _is_file(entry) or _current(out, path, len(content)) != content:
            raise OutputError(f"{out / path} {_occupied(entry)}")


def _occupied(info: os.stat_result) -> str:
    if _is_file(info):
        return (
            "is in no MANIFEST (eyewatch-gen did not write it) and differs from what the plan "
            "renders: move it away, or delete the output directory to start afresh"
        )
    return (
        f"is {describe(info.st_mode)} that eyewatch-gen did not write, where render writes a "
        "file: move it away"
    )


def _compare(
    out: Path,
    files: Mapping[str, bytes],
    old: Mapping[str, os.stat_result],
    trees: Mapping[str, set[str]],
) -> tuple[dict[str, WriteReport], list[str], list[str]]:
    roots = sorted({_root_of(p, trees) for p in files} | set(trees))
    reports = {root: WriteReport() for root in roots}
    written = []
    for path, content in files.items():
        root = _root_of(path, trees)
        relative = path.removeprefix(f"{root}/") if root else path
        same = _is_file(old.get(path)) and _current(out, path, len(content)) == content
        (reports[root].unchanged if same else reports[root].written).append(relative)
        if not same:
            written.append(path)
    removed = sorted(p for paths in trees.values() for p in paths if p not in files)
    for path in removed:
        root = _root_of(path, trees)
        reports[root].removed.append(path.removeprefix(f"{root}/") if root else path)
    return reports, written, removed


def _root_of(path: str, trees: Mapping[str, set[str]]) -> str:
    first = path.split("/", 1)[0]
    return first if "/" in path and (first in trees or f"{first}/{MANIFEST}" == path) else ""


def _replace(
    out: Path,
    files: Mapping[str, bytes],
    old: Mapping[str, os.stat_result],
    managed: set[str],
    changes: tuple[list[str], list[str]],
) -> None:
    if os.path.ismount(out):
        _update_in_place(out, files, *changes)
        return
    staging: Path | None = None
    try:
        with _signals_held():  # a signal arrives after `staging` is set, never before
            staging = Path(tempfile.mkdtemp(prefix=_STAGING_PREFIX, dir=out.parent))
        for path, content in files.items():
            target = staging / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        _carry(out, staging, old, managed, files)
        staging.chmod(stat.S_IMODE(old_mode(out)))
        try:
            _swap(staging, out)
        except OSError as error:
            if error.errno != errno.EBUSY:
                raise
            _update_in_place(out, files, *changes)  # a bind mount os.path.ismount missed
    finally:
        if staging is not None:
            with _signals_held():  # a signal must not cut the clean-up short
                shutil.rmtree(staging, ignore_errors=True)


def _carry(
    out: Path,
    staging: Path,
    old: Mapping[str, os.stat_result],
    managed: set[str],
    files: Mapping[str, bytes],
) -> None:
    """Carry the person's entries over, then give every directory that existed before its
    mode and owner back (and its times, when it holds nothing generated)."""
    kept = {p: i for p, i in old.items() if p not in managed and not _is_dir(i)}
    holding = {str(PurePosixPath(p).parent) for p in old}
    empty = {p for p, i in old.items() if _is_dir(i) and p not in holding}
    parents = {str(d) for p in kept for d in PurePosixPath(p).parents if str(d) != "."}
    carry.carry(out, staging, {**kept, **{p: old[p] for p in parents | empty}}, old_device(out))
    needed = _needed_directories(files)
    existing = [(p, i) for p, i in old.items() if _is_dir(i) and (staging / p).is_dir()]
    carry.restore([(staging / p, i) for p, i in existing if p in needed], times=False)
    carry.restore([(staging / p, i) for p, i in existing if p not in needed], times=True)


def _update_in_place(
    out: Path, files: Mapping[str, bytes], written: list[str], removed: list[str]
) -> None:
    """A mount point cannot be swapped: replace each changed file atomically (MANIFESTs last),
    then drop the files no longer produced and the directories that leaves empty."""
    try:
        for path in sorted(written, key=lambda p: (_is_manifest(p), p)):
            _make_parents(out, path, removed)
            _replace_file(out / path, files[path])
        for path in removed:
            if path not in files:
                (out / path).unlink(missing_ok=True)
                _prune(out, PurePosixPath(path).parent)
    except OSError as error:
        raise OutputError(
            f"{_os_error(error, out)}; {out} is a mount point, updated file by file: "
            "render again once this is fixed"
        ) from None


def _replace_file(target: Path, content: bytes) -> None:
    temporary = target.with_name(f".{target.name}.eyewatch-tmp")
    try:
        temporary.write_bytes(content)
        temporary.replace(target)
    finally:
        temporary.unlink(missing_ok=True)


def _make_parents(out: Path, path: str, removed: list[str]) -> None:
    for parent in reversed(PurePosixPath(path).parents):
        if str(parent) == ".":
            continue
        target = out / parent
        if target.is_symlink() or (target.exists() and not target.is_dir()):
            if str(parent) not in removed:
                raise OutputError(f"{target} is in the way of {out / path}")
            target.unlink()
        target.mkdir(exist_ok=True)


def _prune(out: Path, directory: PurePosixPath) -> None:
    while str(directory) != ".":
        with contextlib.suppress(OSError):  # not empty: a person's files stay
            (out / directory).rmdir()
        directory = directory.parent


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
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL):
        return False
    raise OSError(code, os.strerror(code), str(b))


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT, SIGTERM and SIGHUP back (delivered when the block ends)."""
    held = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


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


def _check_out(out: Path, protect: Mapping[Path, str]) -> None:
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise OutputError(f"{out}: the output must be a directory (not a file or a link)")
    if os.path.lexists(out / ".git"):
        raise OutputError(
            f"{out} holds .git (a repository): render replaces the output directory as a "
            "whole; use a subdirectory such as generated/"
        )
    real = Path(os.path.realpath(out))
    for path, what in protect.items():
        inner = Path(os.path.realpath(path))
        if inner == real or real in inner.parents:
            raise OutputError(
                f"{out} is {what} or holds it: render replaces the output directory as a "
                "whole; use a subdirectory such as generated/"
            )


def _os_error(error: OSError, out: Path) -> str:
    where = error.filename or out
    text = str(where)
    staging = text.find(_STAGING_PREFIX)
    if staging >= 0:  # name the output path, not the staging copy of it
        rest = text[staging:].split("/", 1)
        text = str(out / rest[1]) if len(rest) > 1 else str(out)
    return f"{text}: {error.strerror or error}"


def old_device(out: Path) -> int:
    """The file system `out` is on (its parent's when it does not exist yet)."""
    return (out if out.exists() else out.parent).stat().st_dev


def old_mode(out: Path) -> int:
    """`out`'s mode, or the default for a new directory."""
    return out.stat().st_mode if out.exists() else 0o777 & ~_umask()


def _needed_directories(files: Mapping[str, bytes]) -> set[str]:
    return {str(p) for path in files for p in PurePosixPath(path).parents if str(p) != "."}


def _is_manifest(path: str) -> bool:
    return PurePosixPath(path).name == MANIFEST


def _is_dir(info: os.stat_result | None) -> bool:
    return info is not None and stat.S_ISDIR(info.st_mode)


def _is_file(info: os.stat_result | None) -> bool:
    return info is not None and stat.S_ISREG(info.st_mode)


def _current(out: Path, path: str, size: int) -> bytes | None:
    """The regular file at `out/path` when it is at most `size` bytes (else None)."""
    try:
        return read_in_tree(out, path, size)
    except (NotAFileError, TooLargeError):
        return None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# -- drift: what `check` reports ------------------------------------------------------------


def drift(out: Path, artifacts: Sequence[Artifact]) -> list[Drift]:
    """How the tree `out` differs from `artifacts`; empty when it is in sync."""
    if out.is_symlink():
        raise UsageError(f"{out}: the output must be a directory (not a file or a link)")
    found = [_file_drift(out, a) for a in [*artifacts, manifest_artifact(artifacts)]]
    produced = {a.path for a in artifacts}
    found += [
        Drift(path, "stale", "")
        for path in sorted(set(read_manifest(out)) - produced)
        if mode_in_tree(out, path) is not None
    ]
    return [item for item in found if item is not None]


def drift_trees(
    out: Path, trees: Mapping[str, Sequence[Artifact]], *, partial: bool = False
) -> list[Drift]:
    """`drift` of each tree (paths relative to `out`), plus, unless `partial`, every file of
    a tree the plan no longer has (an environment it dropped, or environment trees inside a
    plan that has none, or the other way round)."""
    found = []
    for root, artifacts in trees.items():
        prefix = f"{root}/" if root else ""
        found += [_prefixed(item, prefix) for item in drift(out / root, artifacts)]
    if not partial:
        for root in _stale_trees(out, trees):
            prefix = f"{root}/" if root else ""
            listed = [*read_manifest(out / root), MANIFEST]
            found += [
                Drift(prefix + path, "stale", "")
                for path in sorted(listed)
                if mode_in_tree(out / root, path) is not None
            ]
    return found


def _stale_trees(out: Path, trees: Mapping[str, Sequence[Artifact]]) -> list[str]:
    children = (
        sorted(p.name for p in out.iterdir() if p.is_dir() and not p.is_symlink())
        if (out.is_dir())
        else []
    )
    candidates = ([] if "" in trees else [""]) + [c for c in children if c not in trees]
    return [root for root in candidates if read_manifest(out / root)]


def _prefixed(item: Drift, prefix: str) -> Drift:
    return Drift(prefix + item.path, item.kind, item.diff, item.what)


def _file_drift(out: Path, artifact: Artifact) -> Drift | None:
    try:
        current = read_in_tree(out, artifact.path, max(len(artifact.content), _SHOWN))
    except NotAFileError as error:
        return Drift(artifact.path, "changed", "", f"{error.what}, not the generated file")
    except TooLargeError:
        return Drift(artifact.path, "changed", "", "far larger than the generated file")
    if current is None:
        return Drift(artifact.path, "missing", "")
    if current == artifact.content:
        return None
    return Drift(artifact.path, "changed", _unified(artifact.path, current, artifact.content))


def _unified(path: str, old: bytes, new: bytes) -> str:
    before = old.decode("utf-8", "replace").splitlines(keepends=True)
    after = new.decode("utf-8", "replace").splitlines(keepends=True)
    return "".join(difflib.unified_diff(before, after, f"a/{path}", f"b/{path}"))
