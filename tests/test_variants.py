"""Every environment passes the same validation and checks as the plan, and what an override
breaks is reported at the override (`environments.<env>...`), in the plan file."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import ROOT, Run
from eyewatch_gen.plan.load import load_plan, load_plan_text
from eyewatch_gen.problems import PlanError, Problem

EXAMPLE = ROOT / "examples/two-teams"
STAGING_CHECKOUT = "      CheckoutErrorsHigh: {threshold: 0.05}\n"


def _problems(load: Callable[[], object]) -> list[Problem]:
    with pytest.raises(PlanError) as caught:
        load()
    return caught.value.problems


def _position(text: str, line_text: str, word: str) -> tuple[int, int]:
    """1-based line and column of `word` on the line `line_text` of `text`."""
    before = text[: text.index(line_text)]
    return before.count("\n") + 1, line_text.index(word) + 1


def _two_teams(tmp_path: Path, staging_checkout: str) -> Path:
    copy = tmp_path / "two-teams"
    shutil.copytree(EXAMPLE, copy, ignore=shutil.ignore_patterns("generated"))
    plan = copy / "plan.yaml"
    text = plan.read_text()
    assert STAGING_CHECKOUT in text
    plan.write_text(text.replace(STAGING_CHECKOUT, staging_checkout))
    return plan


def test_an_override_that_makes_a_counter_fall_is_located_at_the_override(
    tmp_path: Path, cli: Callable[..., Run]
) -> None:
    override = "      CheckoutErrorsHigh: {threshold: 1.5}\n"
    plan = _two_teams(tmp_path, override)
    problems = _problems(lambda: load_plan(plan))
    line, column = _position(plan.read_text(), override, "threshold")
    assert {(p.file, p.line, p.column, p.path, p.rule) for p in problems} == {
        (
            str(plan),
            line,
            column,
            "environments.staging.alerts.CheckoutErrorsHigh.threshold",
            "plan/fixture",
        )
    }
    assert "metrics.checkout_error_ratio.fixture.series[1].rate" in problems[0].message
    assert "counters only grow" in problems[0].message
    result = cli("validate", plan)
    assert result.code == 2
    assert f"{plan}:{line}:{column}: error: environments.staging.alerts" in result.err


def test_the_same_threshold_is_an_error_in_the_plan_and_in_an_environment(
    tmp_path: Path,
) -> None:
    plan = _two_teams(tmp_path, STAGING_CHECKOUT)
    team = plan.parent / "plan.d/checkout.yaml"
    team.write_text(team.read_text().replace("threshold: 0.01", "threshold: 1.5"))
    problems = _problems(lambda: load_plan(plan))
    assert {(p.path, p.rule) for p in problems} == {
        ("metrics.checkout_error_ratio.fixture.series[1].rate", "plan/fixture")
    }


def test_a_threshold_on_an_expr_alert_is_invalid_in_an_environment(minimal_text: str) -> None:
    override = "      Down: {threshold: 1}\n"
    text = minimal_text + "environments:\n  staging:\n    alerts:\n" + override
    problems = _problems(lambda: load_plan_text(text))
    line, column = _position(text, override, "threshold")
    assert [(p.line, p.column, p.path, p.rule) for p in problems] == [
        (line, column, "environments.staging.alerts.Down.threshold", "plan/invalid")
    ]
    assert "expr cannot be combined with metric, op or threshold" in problems[0].message


def test_an_overridden_retention_is_checked_where_it_is_written() -> None:
    override = "      application: {warm_after: 7d, delete_after: 3d}\n"
    text = (ROOT / "plan.yaml").read_text() + (
        "environments:\n  production: {}\n  staging:\n    retention:\n" + override
    )
    problems = _problems(lambda: load_plan_text(text))
    line, column = _position(text, override, "3d")
    assert [(p.line, p.column, p.path, p.rule) for p in problems] == [
        (
            line,
            column,
            "environments.staging.retention.application.delete_after",
            "plan/phase-order",
        )
    ]


def test_valid_overrides_still_load() -> None:
    loaded = load_plan(EXAMPLE / "plan.yaml")
    assert sorted(loaded.plan.environments) == ["production", "staging"]
    assert loaded.warnings == ()


def test_a_plan_with_errors_is_reported_once_not_per_environment(minimal_text: str) -> None:
    text = minimal_text.replace("notify: [mail]}\n  P3", "notify: [mial]}\n  P3", 1) + (
        "environments:\n  staging:\n    severities:\n      P1: {notify: [nochannel]}\n"
    )
    problems = _problems(lambda: load_plan_text(text))
    assert sorted((p.path, p.rule) for p in problems) == [
        ("environments.staging.severities.P1.notify[0]", "plan/unknown-channel"),
        ("severities.P2.notify[0]", "plan/unknown-channel"),
    ]
