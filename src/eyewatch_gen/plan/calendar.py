"""The calendar view: maintenance windows and routines as recurring events, in one place.

Windows are written the way Alertmanager reads time intervals (`weekdays: [monday:friday]`,
`days_of_month: ["1:7", "-1"]`, `months`, `times`, `location`); this module reads those
values (names, numbers and `a:b` ranges), says which windows mute which level, describes a
window in words, and turns windows and routines into recurrence rules (RFC 5545 RRULE parts)
for the iCalendar file. Checks, the alerting view, the docs and the calendar target all read
windows through it.
"""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass
from functools import cache
from typing import get_args

from eyewatch_gen.plan import durations
from eyewatch_gen.plan.memo import per_plan
from eyewatch_gen.plan.model import MaintenanceWindow, Plan, Routine
from eyewatch_gen.plan.model.maintenance import Month, Weekday

# Alertmanager's order: a week runs sunday..saturday, so `monday:sunday` is not a range.
# The names are the plan model's own (`Weekday`, `Month`), in their declared order.
WEEKDAYS: tuple[str, ...] = get_args(Weekday)
MONTHS: tuple[str, ...] = get_args(Month)
#: RFC 5545 weekday codes, in WEEKDAYS order.
ICAL_DAYS = ("SU", "MO", "TU", "WE", "TH", "FR", "SA")
#: Recurring events start on the first matching day on or after this Monday; it is also every
#: event's DTSTAMP, so the file's bytes never depend on the day it was rendered.
ANCHOR = datetime.date(2024, 1, 1)
#: The longest a cadence's period can be (31-day months, 92-day quarters, leap years), so a
#: routine done on schedule never counts as overdue.
PERIOD = {"daily": "1d", "weekly": "7d", "monthly": "31d", "quarterly": "92d", "yearly": "366d"}
#: Lateness tolerated before an overdue alert, unless the routine's completion says otherwise.
GRACE = {"daily": "4h", "weekly": "1d", "monthly": "3d", "quarterly": "7d", "yearly": "14d"}
_SEARCH_DAYS = 4 * 366  # every weekday, day-of-month and month combination occurs by then


def unknown_part(text: str, names: tuple[str, ...]) -> str | None:
    """The first part of `text` (`a` or `a:b`) that is neither one of `names` nor a number."""
    return next((p for p in text.lower().split(":") if p not in names and not p.isdigit()), None)


def forward(text: str, names: tuple[str, ...]) -> bool:
    """Whether `text` is one value or a forward `a:b` range (its parts known)."""
    order = [_number(p, names) for p in text.lower().split(":")]
    return len(order) <= 2 and order == sorted(order)


def expand(text: str, names: tuple[str, ...]) -> list[int]:
    """The numbers `text` stands for: names count from 1 (`monday` is 2 of WEEKDAYS), numbers
    stay as written (`-1` is the last day of a month), `a:b` includes both ends."""
    parts = [_number(p, names) for p in text.lower().split(":")]
    if len(parts) == 1:
        return parts
    first, last = parts
    return [n for n in range(first, last + 1) if n != 0]


def _number(text: str, names: tuple[str, ...]) -> int:
    return names.index(text) + 1 if text in names else int(text)


@cache
def zones() -> frozenset[str]:
    """Time zone names a window or routine may use (IANA names, UTC, Local)."""
    return frozenset(zoneinfo.available_timezones() | {"UTC", "Local"})


def known_zone(name: str) -> bool:
    """Whether `name` loads as a time zone: one lookup, where listing `zones()` reads every
    file of the zone database (~10 ms), which is left for suggesting a name."""
    if name in ("UTC", "Local"):
        return True
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def muting(plan: Plan, level: str) -> tuple[str, ...]:
    """Windows that mute every alert of `level` (whatever its area)."""
    return tuple(w.name for w in plan.maintenance_windows if level in w.mute and not w.areas)


def area_muting(plan: Plan, level: str) -> tuple[MaintenanceWindow, ...]:
    """Windows that mute `level` only in some areas."""
    return tuple(w for w in plan.maintenance_windows if level in w.mute and w.areas)


def describe(window: MaintenanceWindow) -> str:
    """The window in words: `days 1:7 sunday 02:00-04:00 (UTC)`."""
    parts = []
    if window.months:
        parts.append("months " + ", ".join(window.months))
    if window.days_of_month:
        parts.append("days " + ", ".join(window.days_of_month))
    if window.weekdays:
        parts.append(", ".join(window.weekdays))
    if window.times:
        parts.append(", ".join(f"{t.start}-{t.end}" for t in window.times))
    return " ".join(parts) + f" ({window.location})"


@dataclass(frozen=True)
class Occurrence:
    """One recurring calendar event: the first occurrence (local time in `location`), its
    length and the RRULE parts that repeat it."""

    uid: str
    summary: str
    description: str
    categories: tuple[str, ...]
    start: datetime.datetime
    minutes: int
    location: str
    rule: dict[str, list[str | int]]


@per_plan
def occurrences(plan: Plan) -> list[Occurrence]:
    """Every routine, then every time range of every window, as a recurring event."""
    return [*_routine_events(plan), *_window_events(plan)]


def _uid(plan: Plan, kind: str, name: str) -> str:
    return f"{kind}-{name}@{plan.platform}.eyewatch-gen"


def _routine_events(plan: Plan) -> list[Occurrence]:
    if plan.maintenance is None:
        return []
    location = plan.maintenance.location
    return [
        Occurrence(
            uid=_uid(plan, "routine", routine.name),
            summary=f"{routine.title} ({routine.cadence})",
            description=_routine_text(routine),
            categories=("maintenance", routine.cadence),
            start=_routine_start(routine),
            minutes=round(durations.seconds(routine.duration) / 60),
            location=location,
            rule=_routine_rule(routine),
        )
        for routine in plan.maintenance.routines
    ]


def _routine_text(routine: Routine) -> str:
    lines = [f"Owner: {routine.owner}", f"Done when: {routine.done}"]
    lines += [f"- {step}" for step in routine.steps]
    return "\n".join(lines)


def _routine_rule(routine: Routine) -> dict[str, list[str | int]]:
    if routine.cadence == "daily":
        return {"FREQ": ["DAILY"]}
    if routine.cadence == "weekly":
        return {"FREQ": ["WEEKLY"], "BYDAY": [ICAL_DAYS[WEEKDAYS.index(routine.weekday)]]}
    rule: dict[str, list[str | int]] = {"FREQ": ["MONTHLY"], "BYMONTHDAY": [routine.day]}
    if routine.cadence == "quarterly":
        rule["INTERVAL"] = [3]
    if routine.cadence == "yearly":
        rule = {"FREQ": ["YEARLY"], "BYMONTH": [_month(routine)], "BYMONTHDAY": [routine.day]}
    return rule


def _month(routine: Routine) -> int:
    return MONTHS.index(routine.month) + 1


def _routine_start(routine: Routine) -> datetime.datetime:
    """The first day on or after ANCHOR the routine falls on, at its time of day."""
    day = ANCHOR
    while not _routine_day(routine, day):
        day += datetime.timedelta(days=1)
    hour, minute = (int(part) for part in routine.at.split(":"))
    return datetime.datetime(day.year, day.month, day.day, hour, minute)


def _routine_day(routine: Routine, day: datetime.date) -> bool:
    if routine.cadence == "daily":
        return True
    if routine.cadence == "weekly":
        return WEEKDAYS[(day.weekday() + 1) % 7] == routine.weekday
    if day.day != routine.day:
        return False
    if routine.cadence == "quarterly":
        return day.month % 3 == 1  # January, April, July, October
    return routine.cadence == "monthly" or day.month == _month(routine)


def _window_events(plan: Plan) -> list[Occurrence]:
    events = []
    for window in plan.maintenance_windows:
        spans = [(t.start, t.end) for t in window.times] or [("00:00", "24:00")]
        for index, (start, end) in enumerate(spans):
            suffix = f"-{index + 1}" if len(spans) > 1 else ""
            events.append(
                Occurrence(
                    uid=_uid(plan, "window", window.name + suffix),
                    summary=f"Maintenance window {window.name}",
                    description=f"Alertmanager mutes {', '.join(window.mute)}"
                    + (f" of areas {', '.join(window.areas)}" if window.areas else "")
                    + f" during {describe(window)}. P1 is never muted.",
                    categories=("maintenance-window",),
                    start=_window_start(window, start),
                    minutes=_minutes(end) - _minutes(start),
                    location=window.location,
                    rule=_window_rule(window),
                )
            )
    return events


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def _window_rule(window: MaintenanceWindow) -> dict[str, list[str | int]]:
    """A daily rule narrowed by the window's weekdays, days of month and months (in RFC 5545,
    BY* parts of a daily rule limit which days occur)."""
    rule: dict[str, list[str | int]] = {"FREQ": ["DAILY"]}
    days = sorted({n for text in window.weekdays for n in expand(text, WEEKDAYS)})
    if days:
        rule["BYDAY"] = [ICAL_DAYS[n - 1] for n in days]
    month_days = sorted({n for text in window.days_of_month for n in expand(text, ())})
    if month_days:
        rule["BYMONTHDAY"] = list(month_days)
    months = sorted({n for text in window.months for n in expand(text, MONTHS)})
    if months:
        rule["BYMONTH"] = list(months)
    return rule


def _window_start(window: MaintenanceWindow, clock: str) -> datetime.datetime:
    """The first day on or after ANCHOR inside the window, at `clock`."""
    rule = _window_rule(window)
    days = (ANCHOR + datetime.timedelta(days=n) for n in range(_SEARCH_DAYS))
    day = next((d for d in days if _in_rule(rule, d)), ANCHOR)
    return datetime.datetime(day.year, day.month, day.day) + datetime.timedelta(
        minutes=_minutes(clock)
    )


def _in_rule(rule: dict[str, list[str | int]], day: datetime.date) -> bool:
    last = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    length = (last - datetime.timedelta(days=1)).day
    month_days = {int(n) if int(n) > 0 else length + 1 + int(n) for n in rule.get("BYMONTHDAY", [])}
    return (
        ICAL_DAYS[(day.weekday() + 1) % 7] in rule.get("BYDAY", ICAL_DAYS)
        and (not month_days or day.day in month_days)
        and day.month in rule.get("BYMONTH", range(1, 13))
    )
