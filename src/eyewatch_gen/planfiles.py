"""The files a plan is made of, read from a directory or from a git commit: the plan itself and
the team files its `include:` patterns match. Standard library only (the fast path matches
patterns too), and one matcher for both sources, so `diff --base REF` sees exactly the team
files the plan had at REF.

Patterns are relative to the plan's directory (`plan.d/*.yaml`, `teams/**/*.yaml`). A matched
file that is a symbolic link is followed only while it stays inside that directory; a link
out of it is an error (IncludeError), never silently dropped.
"""

from __future__ import annotations

import fnmatch
import os
import posixpath
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Protocol

from eyewatch_gen.treefs import read_regular

#: The size limit of one plan file (the plan and each team file), which a person may raise.
MAX_MIB_VARIABLE = "EYEWATCH_GEN_MAX_PLAN_MIB"
DEFAULT_MAX_MIB = 32


def max_bytes() -> int:
    """The size limit of one plan file: `EYEWATCH_GEN_MAX_PLAN_MIB` MiB, 32 by default (the
    plan's loader reports a value that is not a whole number above 0)."""
    text = os.environ.get(MAX_MIB_VARIABLE, "").strip()
    return (int(text) if text.isdigit() and int(text) > 0 else DEFAULT_MAX_MIB) * 2**20


_MAGIC = frozenset("*?[")
_LINK_HOPS = 8


class IncludeError(Exception):
    """A pattern or a matched file that cannot be used (the message says why)."""


class PlanFiles(Protocol):
    """Where a plan's files come from."""

    def match(self, pattern: str) -> list[str]:
        """Files matching `pattern`, as sorted POSIX paths relative to the plan's directory."""
        ...

    def read(self, relative: str) -> bytes:
        """The bytes of a file relative to the plan's directory."""
        ...

    def display(self, relative: str) -> str:
        """How to name the file in messages."""
        ...


def check_pattern(pattern: str) -> str | None:
    """Why `pattern` cannot be an include pattern, or None."""
    pure = PurePosixPath(pattern)
    if not pattern.strip() or pure.parts in ((), (".",)):
        return f"{pattern!r} is not a file pattern; use one such as plan.d/*.yaml"
    if pure.is_absolute() or ".." in pure.parts:
        return (
            f"{pattern!r} leaves the plan's directory; use a relative pattern such as plan.d/*.yaml"
        )
    return None


@dataclass(frozen=True)
class Directory:
    """The plan's directory on disk."""

    root: Path
    shown: Path  # the directory as the user named it, for messages

    def match(self, pattern: str) -> list[str]:
        """Files matching `pattern`; IncludeError for one reached through a link leaving it."""
        found = sorted(_expand(self._entries, self._is_file, "", PurePosixPath(pattern).parts))
        for relative in found:
            self._inside(relative)
        return found

    def read(self, relative: str) -> bytes:
        """The file's bytes (a regular file, at most `max_bytes()`)."""
        return read_regular(self._inside(relative), max_bytes())

    def display(self, relative: str) -> str:
        """`plan.d/a.yaml` next to the plan as the user named it."""
        return str(self.shown / relative)

    def _inside(self, relative: str) -> Path:
        real = (self.root / relative).resolve()
        if not real.is_relative_to(self.root.resolve()):
            raise IncludeError(
                f"{self.display(relative)} is a link to {real}, outside the plan's directory; "
                "copy the file into the plan's directory"
            )
        return real

    def _entries(self, directory: str) -> list[tuple[str, bool, bool]]:
        try:
            children = sorted((self.root / directory).iterdir())
        except OSError:
            return []
        return [(p.name, p.is_dir(), p.is_symlink()) for p in children]

    def _is_file(self, relative: str) -> bool:
        return (self.root / relative).is_file()


@dataclass
class GitTree:
    """The plan's directory as committed: `prefix` (the directory, relative to the top of the
    repository at `top`) in commit `commit`."""

    top: Path
    commit: str
    prefix: str
    label: str  # the ref as the user gave it, for messages
    _tree: dict[str, tuple[str, str]] = field(default_factory=dict)  # path -> (mode, object)

    def __post_init__(self) -> None:
        listing = _git(self.top, "ls-tree", "-r", "-t", "-z", "--full-tree", self.commit)
        for record in listing.split(b"\0"):
            if record:
                meta, _, path = record.partition(b"\t")
                mode, _, obj = meta.decode().split(" ")
                self._tree[path.decode("utf-8", "surrogateescape")] = (mode, obj)

    def match(self, pattern: str) -> list[str]:
        """Files matching `pattern` in the commit; IncludeError for a link leaving the plan's
        directory."""
        found = sorted(_expand(self._entries, self._is_file, "", PurePosixPath(pattern).parts))
        for relative in found:
            self._blob(relative)
        return found

    def read(self, relative: str) -> bytes:
        """The file's bytes as committed."""
        return _git(self.top, "cat-file", "blob", self._blob(relative))

    def display(self, relative: str) -> str:
        """`REF:path/in/repository`."""
        return f"{self.label}:{self._full(relative)}"

    def _full(self, relative: str) -> str:
        return posixpath.normpath(posixpath.join(self.prefix, relative)).removeprefix("./")

    def _blob(self, relative: str) -> str:
        path = self._full(relative)
        for _ in range(_LINK_HOPS):
            mode, obj = self._tree.get(path, ("", ""))
            if mode != "120000":
                if not mode.startswith("100"):
                    raise IncludeError(f"{self.display(relative)} is not a file in {self.label}")
                return obj
            target = _git(self.top, "cat-file", "blob", obj).decode("utf-8", "replace")
            path = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
            if not _within(path, self.prefix):
                raise IncludeError(
                    f"{self.display(relative)} is a link to {target}, outside the plan's "
                    "directory; copy the file into the plan's directory"
                )
        raise IncludeError(f"{self.display(relative)}: too many levels of links")

    def _entries(self, directory: str) -> list[tuple[str, bool, bool]]:
        base = self._full(directory) if directory else self.prefix
        start = f"{base}/" if base not in ("", ".") else ""
        names = {}
        for path, (mode, _) in self._tree.items():
            if path.startswith(start) and "/" not in path[len(start) :]:
                names[path[len(start) :]] = (mode == "040000", mode == "120000")
        return [(name, is_dir, link) for name, (is_dir, link) in sorted(names.items())]

    def _is_file(self, relative: str) -> bool:
        mode, _ = self._tree.get(self._full(relative), ("", ""))
        return mode.startswith("100") or mode == "120000"


def _within(path: str, prefix: str) -> bool:
    return (prefix in ("", ".") and not path.startswith("..")) or path.startswith(f"{prefix}/")


def _expand(entries: _Lister, is_file: _Test, base: str, segments: tuple[str, ...]) -> set[str]:
    """Paths under `base` matching `segments` (`*`, `?`, `[...]` within a name, `**` across
    directories, not into linked ones), as pathlib's glob matches them."""
    if not segments:
        return {base} if base and is_file(base) else set()
    head, rest = segments[0], segments[1:]
    if head == "**":
        found = _expand(entries, is_file, base, rest)
        for name, is_dir, link in entries(base):
            if is_dir and not link:
                found |= _expand(entries, is_file, _join(base, name), segments)
        return found
    if not _MAGIC & set(head):
        return _expand(entries, is_file, _join(base, head), rest)
    found = set()
    for name, is_dir, _ in entries(base):
        if fnmatch.fnmatchcase(name, head) and (is_dir or not rest):
            found |= _expand(entries, is_file, _join(base, name), rest)
    return found


def _join(base: str, name: str) -> str:
    return f"{base}/{name}" if base else name


class _Lister(Protocol):
    def __call__(self, directory: str) -> list[tuple[str, bool, bool]]: ...


class _Test(Protocol):
    def __call__(self, relative: str) -> bool: ...


def _git(top: Path, *args: str) -> bytes:
    import subprocess  # only `diff --base REF` needs it, not the fast path

    return subprocess.run(
        ["git", *args], cwd=top, capture_output=True, check=True, timeout=60
    ).stdout
