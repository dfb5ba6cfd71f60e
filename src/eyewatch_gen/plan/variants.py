"""Environments pass the same validation and checks as the plan they vary.

An environment is the plan with its overrides applied (`environments.variant`), and an
override can break what holds for the plan: a threshold that makes a fixture counter fall, a
threshold given to an `expr` alert, a retention whose phases run backwards. Every environment
is validated and checked like the plan, and each error it adds points at the override behind
it: at the overridden value itself, or, for a problem elsewhere (`metrics.x.fixture...`), at
the one override without which the problem goes away.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from eyewatch_gen.plan.checks import check_plan
from eyewatch_gen.plan.environments import overridden
from eyewatch_gen.plan.model import AlertOverride, Environment, Plan
from eyewatch_gen.plan.source import Source
from eyewatch_gen.plan.validate import validate_data
from eyewatch_gen.problems import Path, PlanError, Problem


@dataclass(frozen=True)
class _Recorder(Source):
    """The plan's source, remembering the field path behind each problem it locates."""

    made: dict[Problem, Path] = field(default_factory=dict)

    def problem(
        self, path: Path, message: str, rule: str, *, key: bool = False, level: str = "error"
    ) -> Problem:
        made = super().problem(path, message, rule, key=key, level=level)
        self.made[made] = path
        return made


def environment_problems(plan: Plan, source: Source, found: list[Problem]) -> list[Problem]:
    """The errors each environment adds to the plan's, at `environments.<env>...`. `found` is
    what checking the plan found: while the plan has errors, its variants would repeat them.
    Variants add no warnings: theirs are the plan's, or the environment's purpose (outside
    production the pager is unused)."""
    if any(p.level == "error" for p in found):
        return []
    return sorted(
        problem for name in plan.environments for problem in _relocated(plan, source, name)
    )


def _errors(plan: Plan, name: str, env: Environment, source: Source) -> dict[Problem, Path]:
    """Errors of the plan as environment `name` with overrides `env`, by the path they name
    in the plan (the environment changes values, never the shape of the plan)."""
    recorder = _Recorder(source.file, source.data, source.positions)
    data = overridden(plan, name, env).model_dump(by_alias=True, exclude_unset=True)
    try:
        problems = check_plan(validate_data(data, recorder), recorder)
    except PlanError as error:
        problems = error.problems
    return {p: recorder.made[p] for p in problems if p.level == "error"}


def _relocated(plan: Plan, source: Source, name: str) -> Iterator[Problem]:
    env = plan.environments[name]
    for problem, path in _errors(plan, name, env, source).items():
        moved = _moved(plan, name, path)
        if moved is not None:
            yield source.problem(moved, problem.message, problem.rule)
            continue
        cause = _cause(plan, name, problem, source)
        lead = "with this override" if len(cause) > 2 else "in this environment"
        yield source.problem(
            cause,
            f"{lead}, {problem.path} ({problem.file}:{problem.line}): {problem.message}",
            problem.rule,
            key=True,
        )


def _moved(plan: Plan, name: str, path: Path) -> Path | None:
    """Where in environment `name` the value at `path` of its variant was written, if there."""
    env = plan.environments[name]
    at = ("environments", name)
    match path:
        case ("alerts", int(i), str(key), *rest) if key in _keys(env.alerts, plan.alerts[i].name):
            return (*at, "alerts", plan.alerts[i].name, key, *rest)
        case ("severities", str(level), "notify", *rest) if level in env.severities:
            return (*at, "severities", level, "notify", *rest)
        case ("logging", "classes", str(log_class), "retention", *rest) if (
            log_class in env.retention
        ):
            return (*at, "retention", log_class, *rest)
        case ("prometheus", "external_labels", str(label)) if label in env.external_labels:
            return (*at, "external_labels", label)
    return None


def _keys(overrides: dict[str, AlertOverride], alert: str) -> dict[str, str]:
    """YAML key -> attribute of each field the override of `alert` sets."""
    override = overrides.get(alert)
    return {
        info.alias or attribute: attribute
        for attribute, info in AlertOverride.model_fields.items()
        if override is not None and getattr(override, attribute) is not None
    }


def _cause(plan: Plan, name: str, problem: Problem, source: Source) -> Path:
    """The override of environment `name` without which `problem` goes away (else the
    environment itself: the overrides cause it together)."""
    for suffix, without in _each_removed(plan.environments[name]):
        if problem not in _errors(plan, name, without, source):
            return ("environments", name, *suffix)
    return ("environments", name)


def _each_removed(env: Environment) -> Iterator[tuple[Path, Environment]]:
    """Each single override of `env` (its path there) and `env` without it."""
    for alert, override in env.alerts.items():
        for key, attribute in _keys(env.alerts, alert).items():
            alerts = {**env.alerts, alert: override.model_copy(update={attribute: None})}
            yield ("alerts", alert, key), env.model_copy(update={"alerts": alerts})
    for section in ("severities", "retention", "external_labels"):
        values: dict[str, object] = getattr(env, section)
        for item in values:
            rest = {k: v for k, v in values.items() if k != item}
            yield (section, item), env.model_copy(update={section: rest})
    if env.pages is not None:
        yield ("pages",), env.model_copy(update={"pages": None})
