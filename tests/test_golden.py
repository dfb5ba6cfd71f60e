"""Golden files: the exact bytes rendered for the plans in tests/plans.

Update with `make golden` (pytest --update-goldens) and review the diff like code.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import PLANS
from eyewatch_gen.pipeline import render_all
from eyewatch_gen.plan.load import load_plan

GOLDEN = Path(__file__).resolve().parent / "golden"


@pytest.mark.parametrize("plan", sorted(p.stem for p in PLANS.glob("*.yaml")))
def test_render_matches_golden_files(plan: str, update_goldens: bool) -> None:
    artifacts = render_all(load_plan(PLANS / f"{plan}.yaml").plan)
    folder = GOLDEN / plan
    if update_goldens:
        shutil.rmtree(folder, ignore_errors=True)
        for artifact in artifacts:
            (folder / artifact.path).parent.mkdir(parents=True, exist_ok=True)
            (folder / artifact.path).write_bytes(artifact.content)
    expected = {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }
    assert {a.path: a.content for a in artifacts} == expected, (
        "output changed: run `make golden` and review the diff"
    )
