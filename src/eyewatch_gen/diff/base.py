"""The base plan of `diff`: a plan file (its team files beside it), or the plan as committed at
a git ref, its team files read from that commit too.

A ref is never taken for an option: one that starts with `-` is refused, and git is only
given the commit it resolves to (`rev-parse --verify --end-of-options REF^{commit}`).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from eyewatch_gen.plan.load import LoadedPlan, load_plan, load_plan_from
from eyewatch_gen.planfiles import GitTree
from eyewatch_gen.problems import UsageError


def load_base(base: str, plan_path: Path) -> LoadedPlan:
    """The base plan named by `base` for the plan at `plan_path`."""
    candidate = Path(base)
    if candidate.is_file():
        return load_plan(candidate, base)
    if base.startswith("-"):
        raise UsageError(
            f"base plan {base!r}: not a file, and a git ref cannot start with '-' "
            "(name a file starting with '-' as ./NAME)"
        )
    try:
        tree = _tree(base, plan_path)
    except (subprocess.CalledProcessError, FileNotFoundError, ValueError) as error:
        detail = getattr(error, "stderr", b"") or str(error).encode()
        reason = " ".join(detail.decode("utf-8", "replace").split())
        raise UsageError(
            f"base plan {base}: neither a file nor a git ref holding {plan_path} ({reason})"
        ) from None
    return load_plan_from(tree, plan_path.name)


def _tree(base: str, plan_path: Path) -> GitTree:
    directory = plan_path.absolute().parent
    top = Path(_git(directory, "rev-parse", "--show-toplevel"))
    commit = _git(top, "rev-parse", "--verify", "--end-of-options", f"{base}^{{commit}}")
    prefix = directory.resolve().relative_to(top.resolve()).as_posix()
    return GitTree(top, commit, prefix, base)


def _git(cwd: Path, *args: str) -> str:
    return (
        subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=True, timeout=60)
        .stdout.decode()
        .strip()
    )
