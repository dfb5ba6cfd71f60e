"""Derived views of a plan computed once per plan object (targets share them)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from eyewatch_gen.plan.model import Plan

T = TypeVar("T")


def per_plan(function: Callable[[Plan], T]) -> Callable[[Plan], T]:
    """Cache `function(plan)` for the most recent plan object (by identity). Plans are frozen,
    so the result stays valid; callers must treat it as read-only."""
    last: list[tuple[Plan, T]] = []

    @wraps(function)
    def cached(plan: Plan) -> T:
        if not last or last[0][0] is not plan:
            last[:] = [(plan, function(plan))]
        return last[0][1]

    return cached
