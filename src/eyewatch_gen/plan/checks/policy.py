"""The honest opt-out: `untested: "<why>"` on an alert, and the plan's policy about it.

An untested alert gets no generated test and `lint` lists it with its reason;
`policy.require_tests` names the levels where that is not good enough.
"""

from __future__ import annotations

from collections.abc import Iterator

from eyewatch_gen.plan.checks.common import Check
from eyewatch_gen.plan.model import Plan
from eyewatch_gen.plan.source import Source
from eyewatch_gen.problems import Problem

UNTESTED = "plan/untested"


def _untested_with_tests(plan: Plan, source: Source) -> Iterator[Problem]:
    for i, alert in enumerate(plan.alerts):
        if alert.untested is not None and alert.tests is not None:
            yield source.problem(
                ("alerts", i, "untested"),
                "the alert gives tests and says it is untested; keep one of them",
                UNTESTED,
                key=True,
            )


def _required_tests(plan: Plan, source: Source) -> Iterator[Problem]:
    required = plan.policy.require_tests
    for i, alert in enumerate(plan.alerts):
        if alert.untested is not None and alert.severity in required:
            yield source.problem(
                ("alerts", i, "untested"),
                f"{alert.severity} alerts must be tested (policy.require_tests: "
                f"[{', '.join(required)}]); give the alert tests (raw) or its metric a "
                "record or fixture instead",
                UNTESTED,
                key=True,
            )


CHECKS: tuple[Check, ...] = (_untested_with_tests, _required_tests)
