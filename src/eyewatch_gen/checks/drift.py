"""Is the generated tree what the plan renders? (the same comparison as `check`)."""

from __future__ import annotations

from pathlib import Path

from eyewatch_gen.plan.model import Plan
from eyewatch_gen.problems import Problem

CHANGED = "drift/changed"
MISSING = "drift/missing"
STALE = "drift/stale"
RULES = (CHANGED, MISSING, STALE)
_RULE_OF = {"changed": CHANGED, "missing": MISSING, "stale": STALE}


def run(out: Path, plan: Plan) -> list[Problem]:
    """A finding per stale, missing or changed file."""
    from eyewatch_gen.pipeline import render_all
    from eyewatch_gen.writer import drift

    return [
        Problem.in_file(
            item.path,
            f"{item.kind}{f' (it is {item.what})' if item.what else ''}: run `eyewatch-gen render`",
            _RULE_OF[item.kind],
        )
        for item in drift(out, render_all(plan))
    ]
