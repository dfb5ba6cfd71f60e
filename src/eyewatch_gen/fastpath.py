"""The no-change fast path of `check` (the common pre-commit case), in the standard library.

`render` and a successful `check` record, outside the repository, the digest of the plan, of
each team file its `include:` patterns match, of the generator (version and sources) and of
the MANIFEST they left. When all still match (the patterns matched again, so an added or
removed team file counts too), `check` only re-hashes the files the MANIFEST lists, so a
hand-edited generated file is still caught, and never imports pydantic, typer or any target.
Nothing in the output tree is read through a link (`treefs`): anything odd means "not sure",
and the full `check` runs.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path

from eyewatch_gen import __version__
from eyewatch_gen.manifest import LIMIT, MANIFEST, parse
from eyewatch_gen.planfiles import Directory, IncludeError, max_bytes
from eyewatch_gen.treefs import NotAFileError, TooLargeError, read_in_tree, read_regular

_FILE_LIMIT = 1 << 30


def _cache_file(out: Path) -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    key = hashlib.sha256(str(out.resolve()).encode()).hexdigest()[:24]
    return base / "eyewatch-gen" / f"{key}.json"


def _generator() -> str:
    package = Path(__file__).parent
    stamps = sorted((p.name, p.stat().st_mtime_ns) for p in package.rglob("*.py"))
    return hashlib.sha256(f"{__version__}{stamps}".encode()).hexdigest()


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _state(plan: Path, out: Path, includes: Sequence[str]) -> dict[str, object] | None:
    team = Directory(plan.absolute().parent, plan.parent)
    try:
        manifest = read_in_tree(out, MANIFEST, LIMIT)
        inputs = {
            path: _digest(team.read(path)) for pattern in includes for path in team.match(pattern)
        }
        return {
            "plan": _digest(read_regular(plan, max_bytes())),
            "includes": list(includes),
            "inputs": inputs,
            "manifest": None if manifest is None else _digest(manifest),
            "generator": _generator(),
        }
    except (OSError, ValueError, IncludeError, NotAFileError, TooLargeError):
        return None


def remember(plan: Path, out: Path, includes: Sequence[str]) -> None:
    """Record that `out` is in sync with `plan` and the team files its `includes` patterns
    match (best effort: a cache, never required)."""
    state = _state(plan, out, includes)
    if state is None:
        return
    target = _cache_file(out)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(state))
    except OSError:
        pass


def in_sync(plan: Path, out: Path) -> bool:
    """True when the recorded state matches and every managed file has its listed digest."""
    try:
        recorded = json.loads(_cache_file(out).read_text())
        includes = [str(p) for p in recorded["includes"]]
    except (OSError, ValueError, KeyError, TypeError):
        return False
    state = _state(plan, out, includes)
    if state is None or recorded != state:
        return False
    try:
        listed = parse(read_in_tree(out, MANIFEST, LIMIT) or b"")
        return listed is not None and all(_holds(out, p, d) for p, d in listed.items())
    except (OSError, NotAFileError, TooLargeError):
        return False


def _holds(out: Path, path: str, digest: str) -> bool:
    content = read_in_tree(out, path, _FILE_LIMIT)
    return content is not None and _digest(content) == digest


def try_check(args: list[str]) -> int | None:
    """Exit code of `check ARGS` when the fast path can answer it, else None."""
    plan, out = Path("plan.yaml"), Path("generated")
    rest = list(args)
    while rest:
        arg = rest.pop(0)
        if arg in ("--out", "-o") and rest:
            out = Path(rest.pop(0))
        elif arg.startswith("--out="):
            out = Path(arg.removeprefix("--out="))
        elif arg.startswith("-"):
            return None
        else:
            plan = Path(arg)
    if in_sync(plan, out):
        print(f"{out}: in sync with {plan}")
        return 0
    return None
