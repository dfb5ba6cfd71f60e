"""Is the generated tree what the plan renders? (the same comparison as `check`)."""

from __future__ import annotations

from pathlib import Path

from eyewatch_gen.checks import Finding
from eyewatch_gen.plan.model import Plan


def run(out: Path, plan: Plan) -> list[Finding]:
    """A finding per stale, missing or changed file."""
    from eyewatch_gen.pipeline import render_all
    from eyewatch_gen.writer import drift

    return [
        Finding(item.path, "drift", f"{item.kind}: run `eyewatch-gen render`")
        for item in drift(out, render_all(plan))
    ]
