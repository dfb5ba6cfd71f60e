"""Plan to artifacts: run every target and check the result is a consistent file set."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

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


def render_trees(
    plan: Plan, environments: Sequence[str] | None = None
) -> dict[str, list[Artifact]]:
    """Artifacts per output subdirectory: one per environment (`staging/`, ...; by default
    every one the plan declares), or the output directory itself ("") when it declares none."""
    from eyewatch_gen.plan.environments import names, variant

    chosen = names(plan) if environments is None else environments
    return {env: render_all(variant(plan, env) if env else plan) for env in chosen}
