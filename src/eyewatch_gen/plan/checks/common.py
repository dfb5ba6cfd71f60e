"""What every plan check shares: its signature, the unknown-name problem and shared rule ids."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from eyewatch_gen.plan.model import Plan
from eyewatch_gen.plan.source import Source
from eyewatch_gen.plan.validate import suggest
from eyewatch_gen.problems import Path, Problem

Check = Callable[[Plan, Source], Iterable[Problem]]

DUPLICATE_NAME = "plan/duplicate-name"
UNKNOWN_AREA = "plan/unknown-area"
UNKNOWN_CHANNEL = "plan/unknown-channel"
UNKNOWN_LOG_CLASS = "plan/unknown-log-class"
UNKNOWN_METRIC = "plan/unknown-metric"


def dangling(
    source: Source, path: Path, kind: str, name: str, choices: Iterable[str], rule: str
) -> Problem:
    """`name` refers to a `kind` the plan does not define; the message lists those it does."""
    choices = sorted(choices)
    return source.problem(
        path,
        f"unknown {kind} {name!r}{suggest(name, choices)} "
        f"(defined: {', '.join(choices) or 'none'})",
        rule,
    )
