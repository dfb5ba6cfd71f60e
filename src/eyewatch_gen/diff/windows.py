"""Maintenance windows: what they mute and when. A window that mutes more (more levels, more
areas, more days or hours) weakens paging; one that mutes less does not."""

from __future__ import annotations

from dataclasses import dataclass

from eyewatch_gen.diff.model import Change, changed, weakened
from eyewatch_gen.plan import calendar
from eyewatch_gen.plan.calendar import MONTHS, WEEKDAYS
from eyewatch_gen.plan.model import MaintenanceWindow, Plan


@dataclass(frozen=True)
class Coverage:
    """A window as sets: what it mutes, where, and on which months, days and minutes."""

    levels: frozenset[str]
    areas: frozenset[str]
    months: frozenset[int]
    days: frozenset[int]
    weekdays: frozenset[int]
    minutes: frozenset[int]
    location: str

    def covers(self, other: Coverage) -> bool:
        """True when this window mutes everything `other` mutes (and maybe more)."""
        sets = ("levels", "areas", "months", "days", "weekdays", "minutes")
        return self.location == other.location and all(
            getattr(self, name) >= getattr(other, name) for name in sets
        )


def coverage(plan: Plan, window: MaintenanceWindow) -> Coverage:
    """What `window` mutes, each empty list meaning "all"."""
    minutes = {m for t in window.times for m in range(_minute(t.start), _minute(t.end))}
    return Coverage(
        levels=frozenset(window.mute),
        areas=frozenset(window.areas or plan.areas),
        months=_values(window.months, MONTHS, range(1, 13)),
        days=_values(window.days_of_month, (), range(1, 32)),
        weekdays=_values(window.weekdays, WEEKDAYS, range(1, 8)),
        minutes=frozenset(minutes or range(1440)),
        location=window.location,
    )


def _values(items: list[str], names: tuple[str, ...], every: range) -> frozenset[int]:
    if not items:
        return frozenset(every)
    return frozenset(n for item in items for n in calendar.expand(item, names))


def _minute(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def describe(window: MaintenanceWindow) -> str:
    """`mutes P3, P4 on days 1:7 sunday 02:00-04:00 (UTC)`."""
    areas = f" in {', '.join(window.areas)}" if window.areas else ""
    return f"mutes {', '.join(window.mute)}{areas} on {calendar.describe(window).strip()}"


def compare_windows(old: Plan, new: Plan) -> list[Change]:
    """Windows added (they mute), removed, and muting more or less than before."""
    before = {w.name: w for w in old.maintenance_windows}
    after = {w.name: w for w in new.maintenance_windows}
    changes = [
        weakened("maintenance", n, f"new: {describe(w)}")
        for n, w in after.items()
        if n not in before
    ]
    changes += [
        Change("maintenance", "removed", n, describe(w))
        for n, w in before.items()
        if n not in after
    ]
    for name in (n for n in after if n in before and before[n] != after[n]):
        was, now = coverage(old, before[name]), coverage(new, after[name])
        detail = f"{describe(before[name])} → {describe(after[name])}"
        if now.covers(was) and not was.covers(now):
            changes.append(weakened("maintenance", name, f"{detail}: mutes more"))
        elif was.covers(now):
            changes.append(changed("maintenance", name, detail))
        else:
            changes.append(weakened("maintenance", name, f"{detail}: mutes some things it did not"))
    return changes
