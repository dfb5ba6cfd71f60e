"""MANIFEST: what render wrote into a tree, in `sha256sum` format (`cd generated && sha256sum -c
MANIFEST` verifies it). It is how the writer tells its own files from the ones a person added,
and how an environment's tree (`generated/<env>/MANIFEST`) is recognised. Standard library
only: the fast path of `check` reads it too."""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from eyewatch_gen.problems import UsageError
from eyewatch_gen.treefs import NotAFileError, TooLargeError, odd_entry, read_in_tree

MANIFEST = "MANIFEST"
LIMIT = 64 * 1024 * 1024
_LINE = re.compile(r"([0-9a-f]{64})  (\S.*)")


def safe_path(path: str) -> bool:
    """A relative path that stays inside its tree."""
    pure = PurePosixPath(path)
    return bool(path) and not pure.is_absolute() and ".." not in pure.parts


def parse(content: bytes) -> dict[str, str] | None:
    """Path -> sha256, or None when `content` is not a MANIFEST this tool writes."""
    try:
        lines = content.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        return None
    found = [_LINE.fullmatch(line) for line in lines]
    if not lines or not all(found):
        return None
    return {m[2]: m[1] for m in found if m is not None and safe_path(m[2])}


def read_manifest(tree: Path) -> dict[str, str]:
    """The MANIFEST in `tree` (path -> sha256); empty when there is none, or it is not a
    regular file in MANIFEST format (never read through a link)."""
    try:
        content = read_in_tree(tree, MANIFEST, LIMIT)
    except (NotAFileError, TooLargeError, OSError):
        return {}
    return (parse(content) or {}) if content is not None else {}


def refuse_odd_entries(tree: Path, reader: str) -> None:
    """UsageError when a path the MANIFEST of `tree` lists is a link, a FIFO or a device (or
    lies under a link): `reader` (lint, the drill) hands the files to tools that would follow
    the link or block on the FIFO."""
    for path in read_manifest(tree):
        odd = odd_entry(tree, path)
        if odd is not None:
            raise UsageError(
                f"{tree / odd[0]} is {odd[1]}, not a generated file: {reader} does not read "
                "through it; run `eyewatch-gen render` (or `check` to see what changed)"
            )
