"""Maintenance routines: unique names, a known time zone, schedule fields that fit the
cadence, and completion metrics that an overdue alert (and its test) can read."""

from __future__ import annotations

from collections.abc import Iterator

from eyewatch_gen.plan import calendar
from eyewatch_gen.plan.checks.common import DUPLICATE_NAME, UNKNOWN_AREA, Check, dangling
from eyewatch_gen.plan.checks.windows import TIME_ZONE
from eyewatch_gen.plan.model import Plan, Routine
from eyewatch_gen.plan.source import Source
from eyewatch_gen.plan.validate import suggest
from eyewatch_gen.problems import Problem
from eyewatch_gen.promql.selectors import plain_selector

SCHEDULE = "plan/routine-schedule"
SELECTOR = "plan/selector"
ROUTINE_AREA = "plan/routine-area"

#: schedule fields and the cadences they apply to
_FIELDS = {
    "weekday": ("weekly",),
    "day": ("monthly", "quarterly", "yearly"),
    "month": ("yearly",),
}
_AT = ("maintenance", "routines")


def _unique(plan: Plan, source: Source) -> Iterator[Problem]:
    seen: dict[str, int] = {}
    for i, routine in enumerate(plan.maintenance.routines if plan.maintenance else []):
        if routine.name in seen:
            first = source.where((*_AT, seen[routine.name], "name"))
            yield source.problem(
                (*_AT, i, "name"),
                f"routine {routine.name!r} is already defined ({first}); names must be unique",
                DUPLICATE_NAME,
            )
        seen.setdefault(routine.name, i)


def _location(plan: Plan, source: Source) -> Iterator[Problem]:
    if plan.maintenance is None or calendar.known_zone(plan.maintenance.location):
        return
    zone = plan.maintenance.location
    yield source.problem(
        ("maintenance", "location"),
        f"unknown time zone {zone!r}{suggest(zone, calendar.zones())} (use an IANA name such "
        "as UTC or Europe/Berlin)",
        TIME_ZONE,
    )


def _schedule(plan: Plan, source: Source) -> Iterator[Problem]:
    """`weekday` only for weekly routines, `day` for monthly to yearly, `month` for yearly."""
    for i, routine in enumerate(plan.maintenance.routines if plan.maintenance else []):
        for field, cadences in _FIELDS.items():
            if field in routine.model_fields_set and routine.cadence not in cadences:
                yield source.problem(
                    (*_AT, i, field),
                    f"{field} does not apply to a {routine.cadence} routine (it sets the day "
                    f"of {', '.join(cadences)} routines)",
                    SCHEDULE,
                    key=True,
                )


def _completion(plan: Plan, source: Source) -> Iterator[Problem]:
    for i, routine in enumerate(plan.maintenance.routines if plan.maintenance else []):
        yield from _completion_of(plan, source, i, routine)


def _completion_of(plan: Plan, source: Source, i: int, routine: Routine) -> Iterator[Problem]:
    if routine.area is not None and routine.area not in plan.areas:
        yield dangling(source, (*_AT, i, "area"), "area", routine.area, plan.areas, UNKNOWN_AREA)
    if routine.completion is None:
        return
    if plain_selector(routine.completion.metric) is None:
        yield source.problem(
            (*_AT, i, "completion", "metric"),
            f"{routine.completion.metric.strip()!r} is not a plain series selector (a metric "
            'name with label="value" matchers, no functions or regular expressions)',
            SELECTOR,
        )
    if routine.area is None:
        yield source.problem(
            (*_AT, i, "completion"),
            "a routine that reports completion needs an area: its overdue alert goes to that "
            "area's rule file and team",
            ROUTINE_AREA,
            key=True,
        )


CHECKS: tuple[Check, ...] = (_unique, _location, _schedule, _completion)
