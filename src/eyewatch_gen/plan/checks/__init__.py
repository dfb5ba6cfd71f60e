"""Checks across the plan that one field alone cannot make: references, uniqueness, policy.

One module per domain, each with its `CHECKS`: small functions `(plan, source) ->
Iterable[Problem]` with constant rule ids. A new plan section brings a new module, added to
`CHECKS`.
"""

from __future__ import annotations

from eyewatch_gen.plan.checks import (
    compatibility,
    environments,
    escalation,
    expressions,
    jobs,
    labels,
    log_alerts,
    logging,
    maintenance,
    outputs,
    policy,
    recovery,
    references,
    routing,
    runbooks,
    templates,
    tests,
    urls,
    windows,
)
from eyewatch_gen.plan.checks.common import Check
from eyewatch_gen.plan.model import Plan
from eyewatch_gen.plan.source import Source
from eyewatch_gen.problems import Problem

CHECKS: tuple[Check, ...] = (
    *references.CHECKS,
    *routing.CHECKS,
    *escalation.CHECKS,
    *expressions.CHECKS,
    *templates.CHECKS,
    *labels.CHECKS,
    *windows.CHECKS,
    *tests.CHECKS,
    *policy.CHECKS,
    *logging.CHECKS,
    *log_alerts.CHECKS,
    *jobs.CHECKS,
    *urls.CHECKS,
    *environments.CHECKS,
    *compatibility.CHECKS,
    *outputs.CHECKS,
    *runbooks.CHECKS,
    *maintenance.CHECKS,
    *recovery.CHECKS,
)


#: checks that read the derived views (resolved rules, generated tests, the alerting view):
#: they run once the checks above find no error, since the views assume a consistent plan.
DERIVED: tuple[Check, ...] = (*outputs.DERIVED, *tests.DERIVED)


def check_plan(plan: Plan, source: Source) -> list[Problem]:
    """Every cross-field problem in the plan, errors and warnings, sorted."""
    found = sorted(problem for check in CHECKS for problem in check(plan, source))
    if any(problem.level == "error" for problem in found):
        return found
    return sorted([*found, *(problem for check in DERIVED for problem in check(plan, source))])
