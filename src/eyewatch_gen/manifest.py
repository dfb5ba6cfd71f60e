"""MANIFEST: what render wrote into a tree, in `sha256sum` format (`cd generated && sha256sum -c
MANIFEST` verifies it). It is how the writer tells its own files from the ones a person added,
and how an environment's tree (`generated/<env>/MANIFEST`) is recognised. Standard library
only: the fast path of `check` reads it too."""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from eyewatch_gen.treefs import NotAFileError, TooLargeError, read_in_tree

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
