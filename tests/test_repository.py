"""The repository's own generated/ tree is what plan.yaml renders (reviewers rely on it)."""

from __future__ import annotations

import re

import pytest
import yaml

from conftest import ROOT
from eyewatch_gen.pipeline import render_all
from eyewatch_gen.plan.catalog import rule_groups
from eyewatch_gen.plan.load import load_plan
from eyewatch_gen.writer import drift


def test_committed_generated_tree_is_in_sync_with_plan() -> None:
    found = drift(ROOT / "generated", render_all(load_plan(ROOT / "plan.yaml").plan))
    assert [(d.path, d.kind) for d in found] == [], "run `make render` and commit generated/"


def test_default_plan_covers_the_monitoring_plan_alerts() -> None:
    plan = load_plan(ROOT / "plan.yaml").plan
    levels = {r.name: r.severity for g in rule_groups(plan) for r in g.alerting}
    expected = {
        "NodeHighCPU": "P2",
        "NodeHighMemory": "P2",
        "NodeDiskUsageHigh": "P2",
        "PodRestartingOften": "P2",
        "PersistentVolumeUsageHigh": "P3",
        "ServiceErrorRateHigh": "P2",
        "CheckoutResponseTimeHigh": "P3",
        "AuthenticationFailuresHigh": "P2",
        "MongoDBQueryTimeHigh": "P3",
        "RecommendationAccuracyLow": "P3",
        "ConversionRateDrop": "P3",
        "ActiveUsersDrop": "P2",
        "BackupRPOBreached": "P1",
    }
    assert {name: levels.get(name) for name in expected} == expected


def test_committed_plan_schema_is_current() -> None:
    from eyewatch_gen.plan.jsonschema import plan_schema_text

    committed = (ROOT / "plan.schema.json").read_text()
    assert committed == plan_schema_text(), "run `make schema` and commit plan.schema.json"


@pytest.mark.parametrize("hook", ["eyewatch-gen-validate", "eyewatch-gen-check"])
@pytest.mark.parametrize(
    "changed", ["plan.yaml", "plan.d/checkout.yaml", "teams/search.yml"], ids=str
)
def test_pre_commit_hooks_run_when_a_team_file_changes(hook: str, changed: str) -> None:
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert re.search(hooks[hook]["files"], changed), f"{hook} skips a change to {changed}"
