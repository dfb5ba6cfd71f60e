"""Plan to artifacts: run every target and check the result is a consistent file set."""

from __future__ import annotations

from collections import Counter

from eyewatch_gen import targets
from eyewatch_gen.artifacts import Artifact
from eyewatch_gen.plan.model import Plan


def render_all(plan: Plan) -> list[Artifact]:
    """Every artifact the plan produces, sorted by path; duplicate paths are a bug."""
    artifacts = [a for name in targets.TARGETS for a in targets.load(name)(plan)]
    counts = Counter(a.path for a in artifacts)
    duplicates = sorted(path for path, count in counts.items() if count > 1)
    if duplicates:
        raise RuntimeError(f"two targets wrote the same path: {', '.join(duplicates)}")
    return sorted(artifacts)
