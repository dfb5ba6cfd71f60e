"""Maintenance windows: what they mute, their calendar, times of day and time zone."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from eyewatch_gen.plan import calendar
from eyewatch_gen.plan.checks.common import UNKNOWN_AREA, Check, dangling
from eyewatch_gen.plan.model import Plan
from eyewatch_gen.plan.source import Source
from eyewatch_gen.plan.validate import suggest
from eyewatch_gen.problems import Path, Problem

P1_MUTED = "plan/p1-muted"
CALENDAR = "plan/calendar"
TIME_RANGE = "plan/time-range"
TIME_OVERLAP = "plan/time-overlap"
TIME_ZONE = "plan/time-zone"


def _p1_never_muted(plan: Plan, source: Source) -> Iterator[Problem]:
    for i, window in enumerate(plan.maintenance_windows):
        if "P1" in window.mute:
            yield source.problem(
                ("maintenance_windows", i, "mute"),
                "P1 can never be muted: a critical outage must page even during maintenance",
                P1_MUTED,
            )


def _calendar(plan: Plan, source: Source) -> Iterator[Problem]:
    for i, window in enumerate(plan.maintenance_windows):
        at = ("maintenance_windows", i)
        for j, day in enumerate(window.weekdays):
            yield from _names_or_ranges(source, (*at, "weekdays", j), day, calendar.WEEKDAYS)
        for j, month in enumerate(window.months):
            yield from _names_or_ranges(source, (*at, "months", j), month, calendar.MONTHS)


def _time_ranges(plan: Plan, source: Source) -> Iterator[Problem]:
    for i, window in enumerate(plan.maintenance_windows):
        for j, span in enumerate(window.times):
            if span.start >= span.end:
                yield source.problem(
                    ("maintenance_windows", i, "times", j),
                    f"start {span.start} is not before end {span.end}",
                    TIME_RANGE,
                )


def _overlaps(plan: Plan, source: Source) -> Iterator[Problem]:
    for i, window in enumerate(plan.maintenance_windows):
        spans = sorted((s.start, s.end, j) for j, s in enumerate(window.times))
        for (_, end, _), (start, _, j) in itertools.pairwise(spans):
            if start < end:
                yield source.problem(
                    ("maintenance_windows", i, "times", j),
                    f"overlaps "
                    f"another range of this window (starts {start}, before "
                    f"{end}); merge them",
                    TIME_OVERLAP,
                )


def _window_areas(plan: Plan, source: Source) -> Iterator[Problem]:
    for i, window in enumerate(plan.maintenance_windows):
        for j, area in enumerate(window.areas):
            if area not in plan.areas:
                yield dangling(
                    source,
                    ("maintenance_windows", i, "areas", j),
                    "area",
                    area,
                    plan.areas,
                    UNKNOWN_AREA,
                )


def _time_zones(plan: Plan, source: Source) -> Iterator[Problem]:
    for i, window in enumerate(plan.maintenance_windows):
        if not calendar.known_zone(window.location):
            yield source.problem(
                ("maintenance_windows", i, "location"),
                f"unknown time zone {window.location!r}"
                f"{suggest(window.location, calendar.zones())} (use an IANA name "
                "such as UTC or Europe/Berlin)",
                TIME_ZONE,
            )


def _names_or_ranges(
    source: Source, path: Path, text: str, names: tuple[str, ...]
) -> Iterator[Problem]:
    part = calendar.unknown_part(text, names)
    if part is not None:
        yield source.problem(
            path,
            f"{text!r} is not a valid value{suggest(part, names)} "
            f"(use {names[0]}, {names[1]}, ... or a range such as "
            f"{names[1]}:{names[5]})",
            CALENDAR,
        )
    elif not calendar.forward(text, names):
        yield source.problem(
            path,
            f"{text!r} is not a forward range (Alertmanager's order is {names[0]}..{names[-1]})",
            CALENDAR,
        )


CHECKS: tuple[Check, ...] = (
    _p1_never_muted,
    _calendar,
    _time_ranges,
    _overlaps,
    _window_areas,
    _time_zones,
)
