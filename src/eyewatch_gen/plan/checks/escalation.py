"""Escalation: steps in time order, and for the levels escalated inside the alerting stack,
steps with channels that exist and names that do not clash."""

from __future__ import annotations

from collections.abc import Iterator

from eyewatch_gen.plan import durations
from eyewatch_gen.plan.checks.common import DUPLICATE_NAME, UNKNOWN_CHANNEL, Check, dangling
from eyewatch_gen.plan.escalation import step_name
from eyewatch_gen.plan.model import Plan
from eyewatch_gen.plan.source import Source
from eyewatch_gen.problems import Problem

ESCALATION_ORDER = "plan/escalation-order"
ESCALATION_STEPS = "plan/escalation-steps"
_STEPS = ("oncall", "escalation")


def _order(plan: Plan, source: Source) -> Iterator[Problem]:
    """Each step starts later than the one before it (and than the secondary)."""
    if plan.oncall is None:
        return
    before, previous = "rotation.secondary_after", plan.oncall.rotation.secondary_after
    for i, step in enumerate(plan.oncall.escalation):
        if durations.seconds(step.after) <= durations.seconds(previous):
            yield source.problem(
                (*_STEPS, i, "after"),
                f"{step.after} must be later than the step before it ({before}: {previous}); "
                "list the steps in the order they happen",
                ESCALATION_ORDER,
            )
        before, previous = f"escalation[{i}].after", step.after


def _channels(plan: Plan, source: Source) -> Iterator[Problem]:
    for i, step in enumerate(plan.oncall.escalation if plan.oncall else []):
        for j, channel in enumerate(step.notify):
            if channel not in plan.channels:
                yield dangling(
                    source,
                    (*_STEPS, i, "notify", j),
                    "channel",
                    channel,
                    plan.channels,
                    UNKNOWN_CHANNEL,
                )


def _escalated_levels_have_steps(plan: Plan, source: Source) -> Iterator[Problem]:
    """`escalate: [P1]` needs steps, each with channels for Alertmanager to notify."""
    if plan.oncall is None or not plan.oncall.escalate:
        return
    levels = ", ".join(plan.oncall.escalate)
    if not plan.oncall.escalation:
        yield source.problem(
            ("oncall", "escalate"),
            f"{levels} are escalated, but oncall.escalation has no steps",
            ESCALATION_STEPS,
        )
    for i, step in enumerate(plan.oncall.escalation):
        if not step.notify:
            yield source.problem(
                (*_STEPS, i),
                f"step {step_name(step)!r} has no notify channels: Alertmanager cannot escalate "
                f"{levels} to it",
                ESCALATION_STEPS,
            )


def _unique_steps(plan: Plan, source: Source) -> Iterator[Problem]:
    seen: dict[str, int] = {}
    for i, step in enumerate(plan.oncall.escalation if plan.oncall else []):
        name = step_name(step)
        if name in seen:
            yield source.problem(
                (*_STEPS, i),
                f"step name {name!r} is already used by escalation[{seen[name]}] "
                f"({source.where((*_STEPS, seen[name]))}); give the steps distinct names",
                DUPLICATE_NAME,
            )
        seen.setdefault(name, i)


CHECKS: tuple[Check, ...] = (_order, _channels, _escalated_levels_have_steps, _unique_steps)
