"""The no-change fast path of `check` (the common pre-commit case), in the standard library.

`render` and a successful `check` record, outside the repository, the digest of the plan, of
the generator (version and sources) and of the MANIFEST they left. When all three still
match, `check` only re-hashes the files the MANIFEST lists, so a hand-edited generated file is
still caught, and never imports pydantic, typer or any target.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from eyewatch_gen import __version__

MANIFEST = "MANIFEST"


def _cache_file(out: Path) -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    key = hashlib.sha256(str(out.resolve()).encode()).hexdigest()[:24]
    return base / "eyewatch-gen" / f"{key}.json"


def _generator() -> str:
    package = Path(__file__).parent
    stamps = sorted((p.name, p.stat().st_mtime_ns) for p in package.rglob("*.py"))
    return hashlib.sha256(f"{__version__}{stamps}".encode()).hexdigest()


def _state(plan: Path, out: Path) -> dict[str, str] | None:
    try:
        return {
            "plan": hashlib.sha256(plan.read_bytes()).hexdigest(),
            "manifest": hashlib.sha256((out / MANIFEST).read_bytes()).hexdigest(),
            "generator": _generator(),
        }
    except OSError:
        return None


def remember(plan: Path, out: Path) -> None:
    """Record that `out` is in sync with `plan` (best effort: a cache, never required)."""
    state = _state(plan, out)
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
    state = _state(plan, out)
    try:
        recorded = json.loads(_cache_file(out).read_text())
    except (OSError, ValueError):
        return False
    if state is None or recorded != state:
        return False
    for line in (out / MANIFEST).read_text(encoding="utf-8").splitlines():
        digest, _, path = line.partition("  ")
        try:
            if hashlib.sha256((out / path).read_bytes()).hexdigest() != digest:
                return False
        except OSError:
            return False
    return True


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
