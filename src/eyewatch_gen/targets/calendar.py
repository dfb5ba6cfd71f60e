"""`calendar/maintenance.ics`: the maintenance routines and windows as an iCalendar file
(RFC 5545, https://www.rfc-editor.org/rfc/rfc5545), built with the `icalendar` library.

Each routine and each time range of each window is one recurring VEVENT (RRULE from the
calendar view). UIDs derive from the platform and the name, so a re-import updates events
instead of duplicating them; DTSTAMP is the calendar view's fixed anchor, never the time of
rendering, so the same plan gives the same bytes. Zones other than UTC get their VTIMEZONE
from the tz database.
"""

from __future__ import annotations

import datetime
import zoneinfo

from icalendar import Calendar, Event

from eyewatch_gen.artifacts import Artifact
from eyewatch_gen.layout import CALENDAR
from eyewatch_gen.plan import calendar
from eyewatch_gen.plan.model import Plan

PRODUCT = "-//eyewatch-gen//maintenance calendar//EN"
_STAMP = datetime.datetime.combine(calendar.ANCHOR, datetime.time(), tzinfo=datetime.UTC)


def render(plan: Plan) -> list[Artifact]:
    """The calendar file, when the plan has routines or windows."""
    events = calendar.occurrences(plan)
    if not events:
        return []
    return [Artifact(CALENDAR, document(plan, events).to_ical())]


def document(plan: Plan, events: list[calendar.Occurrence]) -> Calendar:
    """The VCALENDAR with one VEVENT per occurrence (and the VTIMEZONEs they use)."""
    cal = Calendar()
    cal.add("prodid", PRODUCT)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"{plan.platform} maintenance")
    for item in events:
        cal.add_component(_event(item))
    cal.add_missing_timezones()
    return cal


def _event(item: calendar.Occurrence) -> Event:
    zone = _zone(item.location)
    start = item.start.replace(tzinfo=zone)
    event = Event()
    event.add("uid", item.uid)
    anchor = calendar.ANCHOR
    event.add(
        "dtstamp", datetime.datetime(anchor.year, anchor.month, anchor.day, tzinfo=datetime.UTC)
    )
    event.add("dtstart", start)
    event.add("dtend", start + datetime.timedelta(minutes=item.minutes))
    event.add("rrule", item.rule)
    event.add("summary", item.summary)
    event.add("description", item.description)
    event.add("categories", list(item.categories))
    event.add("transp", "TRANSPARENT")
    return event


def _zone(location: str) -> datetime.tzinfo:
    if location in ("UTC", "Local"):  # Alertmanager's Local is the server's zone: show UTC
        return datetime.UTC
    return zoneinfo.ZoneInfo(location)
