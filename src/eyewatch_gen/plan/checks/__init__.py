"""Checks across the plan that one field alone cannot make: references, uniqueness, policy.

One module per domain, each with its `CHECKS`: small functions `(plan, source) ->
Iterable[Problem]` with constant rule ids. A new plan section brings a new module, added to
`CHECKS`.
"""

from __future__ import annotations

from eyewatch_gen.plan.checks import (
    environments,
    expressions,
    jobs,
    labels,
    log_alerts,
    logging,
    policy,
    references,
    routing,
    templates,
    tests,
    windows,
)
from eyewatch_gen.plan.checks.common import Check
from eyewatch_gen.plan.model import Plan
from eyewatch_gen.plan.source import Source
from eyewatch_gen.problems import Problem

CHECKS: tuple[Check, ...] = (
    *references.CHECKS,
    *routing.CHECKS,
    *expressions.CHECKS,
    *templates.CHECKS,
    *labels.CHECKS,
    *windows.CHECKS,
    *tests.CHECKS,
    *policy.CHECKS,
    *logging.CHECKS,
    *log_alerts.CHECKS,
    *jobs.CHECKS,
    *environments.CHECKS,
)


def check_plan(plan: Plan, source: Source) -> list[Problem]:
    """Every cross-field problem in the plan, errors and warnings, sorted."""
    return sorted(problem for check in CHECKS for problem in check(plan, source))
