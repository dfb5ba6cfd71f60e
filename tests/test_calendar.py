"""The maintenance calendar: `calendar/maintenance.ics` parses with the icalendar library, holds
every routine and window with stable UIDs, and its recurrences fall on the planned days."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

import pytest
from dateutil.rrule import rrulestr
from icalendar import Calendar

from conftest import MINIMAL, ROOT
from eyewatch_gen.layout import CALENDAR
from eyewatch_gen.pipeline import render_all
from eyewatch_gen.plan import calendar
from eyewatch_gen.plan.load import load_plan, load_plan_text

DEFAULT = load_plan(ROOT / "plan.yaml").plan


def _ics(text: str | None = None) -> bytes:
    plan = DEFAULT if text is None else load_plan_text(text).plan
    return next(a.content for a in render_all(plan) if a.path == CALENDAR)


def _events(content: bytes) -> dict[str, Any]:
    return {str(e["uid"]): e for e in Calendar.from_ical(content).walk("VEVENT")}


def _first(event: Any, count: int) -> list[datetime.datetime]:
    start = event.decoded("dtstart")
    rule = rrulestr(event["rrule"].to_ical().decode(), dtstart=start)
    return list(itertools.islice(iter(rule), count))


def test_the_default_calendar_holds_every_routine_and_window() -> None:
    events = _events(_ics())
    assert DEFAULT.maintenance is not None
    expected = {f"routine-{r.name}@eyewearml.eyewatch-gen" for r in DEFAULT.maintenance.routines}
    expected |= {f"window-{w.name}@eyewearml.eyewatch-gen" for w in DEFAULT.maintenance_windows}
    assert set(events) == expected
    assert len(events) == 27


def test_bytes_are_stable_and_never_stamped_with_the_render_time() -> None:
    content = _ics()
    assert content == _ics()
    assert content.count(b"DTSTAMP:20240101T000000Z") == content.count(b"BEGIN:VEVENT")
    assert content.startswith(b"BEGIN:VCALENDAR\r\n")  # RFC 5545 lines end in CRLF


def test_the_patching_window_recurs_on_first_sundays_from_two_to_four() -> None:
    window = _events(_ics())["window-monthly-patching@eyewearml.eyewatch-gen"]
    starts = _first(window, 4)
    assert [s.date().isoformat() for s in starts] == [
        "2024-01-07",
        "2024-02-04",
        "2024-03-03",
        "2024-04-07",
    ]
    assert all(s.weekday() == 6 and s.hour == 2 for s in starts)
    duration = window.decoded("dtend") - window.decoded("dtstart")
    assert duration == datetime.timedelta(hours=2)


@pytest.mark.parametrize(
    ("routine", "days"),
    [
        ("review-dashboards", ["2024-01-01", "2024-01-02"]),
        ("test-backup-restoration", ["2024-01-04", "2024-01-11"]),
        ("capacity-planning", ["2024-01-20", "2024-02-20"]),
        ("disaster-recovery-drill", ["2024-01-10", "2024-04-10", "2024-07-10"]),
        ("security-audit", ["2024-03-01", "2025-03-01"]),
    ],
    ids=["daily", "weekly-on-thursday", "monthly-on-day-20", "quarterly", "yearly-in-march"],
)
def test_routines_recur_on_their_cadence(routine: str, days: list[str]) -> None:
    event = _events(_ics())[f"routine-{routine}@eyewearml.eyewatch-gen"]
    assert [s.date().isoformat() for s in _first(event, len(days))] == days


def test_a_window_in_another_zone_carries_its_timezone_and_each_range_is_an_event() -> None:
    text = MINIMAL.read_text() + (
        "maintenance_windows:\n"
        "  - name: nightly\n"
        "    weekdays: ['monday:friday']\n"
        "    days_of_month: ['-1']\n"
        "    times: [{start: '01:00', end: '02:00'}, {start: '22:00', end: '23:30'}]\n"
        "    location: Europe/Berlin\n"
        "    mute: [P4]\n"
    )
    content = _ics(text)
    events = _events(content)
    assert sorted(events) == [
        "window-nightly-1@shop.eyewatch-gen",
        "window-nightly-2@shop.eyewatch-gen",
    ]
    assert b"BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin" in content
    late = events["window-nightly-2@shop.eyewatch-gen"]
    starts = _first(late, 2)
    # last day of the month, and only on weekdays: 2024-01-31 (Wed), 2024-02-29 (Thu)
    assert [s.date().isoformat() for s in starts] == ["2024-01-31", "2024-02-29"]
    assert starts[0].hour == 22 and str(starts[0].tzinfo) == "Europe/Berlin"


def test_a_plan_without_routines_or_windows_has_no_calendar() -> None:
    assert all(a.path != CALENDAR for a in render_all(load_plan(MINIMAL).plan))


@pytest.mark.parametrize(
    ("text", "names", "numbers"),
    [
        ("monday:friday", calendar.WEEKDAYS, [2, 3, 4, 5, 6]),
        ("sunday", calendar.WEEKDAYS, [1]),
        ("1:7", (), [1, 2, 3, 4, 5, 6, 7]),
        ("-3:-1", (), [-3, -2, -1]),
        ("october:december", calendar.MONTHS, [10, 11, 12]),
    ],
    ids=["weekday-range", "one-weekday", "days", "last-days", "months"],
)
def test_window_values_expand_as_alertmanager_reads_them(
    text: str, names: tuple[str, ...], numbers: list[int]
) -> None:
    assert calendar.expand(text, names) == numbers


def test_a_carriage_return_in_plan_text_cannot_end_a_calendar_line() -> None:
    text = MINIMAL.read_text() + (
        "maintenance:\n  routines:\n"
        '    - {name: check, title: "Check\\rX-INJECTED:1", cadence: daily, owner: ops,'
        ' done: "a\\r\\nb\\rc"}\n'
    )
    content = _ics(text)
    assert b"\r\nX-INJECTED" not in content
    assert content.replace(b"\r\n", b"").count(b"\r") == 0
    (event,) = Calendar.from_ical(content).walk("VEVENT")
    assert "Done when: a\nb\nc" in str(event["description"])
