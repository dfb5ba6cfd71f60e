"""Load a plan file: parse, validate the structure, then check it as a whole.

`load_plan` is the one entry point the CLI and the tests use. It returns the frozen Plan and
any warnings, or raises PlanError with every problem found, located in the file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from eyewatch_gen.plan import alert_sets, include, thresholds, variables
from eyewatch_gen.plan.checks import check_plan
from eyewatch_gen.plan.model import Plan
from eyewatch_gen.plan.places import Place, alert_places
from eyewatch_gen.plan.source import Source, decode, parse_source, read_source
from eyewatch_gen.plan.validate import validate_source
from eyewatch_gen.plan.variants import environment_problems
from eyewatch_gen.planfiles import Directory, IncludeError, PlanFiles
from eyewatch_gen.problems import PlanError, Problem
from eyewatch_gen.treefs import NotAFileError, TooLargeError


@dataclass(frozen=True)
class LoadedPlan:
    """A valid plan, the warnings found while loading it, and where each alert is defined."""

    plan: Plan
    warnings: tuple[Problem, ...]
    places: Mapping[str, Place] = field(default_factory=dict)


def load_plan(path: Path, display: str | None = None) -> LoadedPlan:
    """Read, validate and check the plan at `path` (with the team files it includes)."""
    return _checked(include.expand(read_source(path, display), plan_directory(path)))


def load_plan_text(text: str, name: str = "plan.yaml", path: Path | None = None) -> LoadedPlan:
    """Like `load_plan`, for YAML text already in memory (tests); includes are read relative
    to `path` when given."""
    files = plan_directory(path) if path is not None else None
    return _checked(include.expand(parse_source(text, name), files))


def load_plan_from(files: PlanFiles, relative: str) -> LoadedPlan:
    """The plan at `relative` in `files` (a commit: `diff --base REF`), its team files from
    there too."""
    name = files.display(relative)
    try:
        raw = files.read(relative)
    except (IncludeError, NotAFileError, TooLargeError, OSError) as error:
        raise PlanError(
            [Problem(name, 1, 1, "", f"cannot read: {error}", "plan/unreadable")]
        ) from None
    return _checked(include.expand(parse_source(decode(raw, name), name), files))


def plan_directory(path: Path) -> Directory:
    """The directory holding the plan at `path`, where its team files are."""
    return Directory(path.absolute().parent, path.parent)


def _checked(source: Source) -> LoadedPlan:
    source = thresholds.resolve(variables.expand(source))
    plan = alert_sets.expand(validate_source(source), source)
    problems = check_plan(plan, source)
    problems += environment_problems(plan, source, problems)
    errors = [p for p in problems if p.level == "error"]
    if errors:
        raise PlanError(errors)
    warnings = tuple(p for p in problems if p.level != "error")
    return LoadedPlan(plan, warnings, alert_places(plan, source))
