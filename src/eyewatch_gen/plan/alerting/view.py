"""The typed alerting view: Alertmanager's receivers, route tree, inhibit rules and time
intervals as frozen values, with the one route simulator (`Alerting.route`) and the one
matcher (`Matcher.matches`). Field names follow the configuration format:
https://prometheus.io/docs/alerting/latest/configuration/
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal, cast

Op = Literal["=", "!=", "=~", "!~"]
Labels = Mapping[str, str]

_MATCHER = re.compile(r'^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:\\.|[^"\\])*)"\s*$')


@dataclass(frozen=True)
class Matcher:
    """`label op "value"`; regular expressions are anchored, as in Alertmanager."""

    label: str
    op: Op
    value: str

    def matches(self, labels: Labels) -> bool:
        """Whether `labels` satisfy this matcher (a missing label is the empty string)."""
        actual = labels.get(self.label, "")
        if self.op in ("=", "!="):
            return (actual == self.value) == (self.op == "=")
        return (re.fullmatch(self.value, actual) is not None) == (self.op == "=~")

    def text(self) -> str:
        """The matcher as Alertmanager reads it, the value quoted and escaped."""
        escaped = self.value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return f'{self.label}{self.op}"{escaped}"'

    @classmethod
    def parse(cls, text: str) -> Matcher:
        """The matcher `text()` wrote; ValueError for anything else."""
        found = _MATCHER.match(text)
        if found is None:
            raise ValueError(f'cannot read the matcher {text!r} (expected label="value")')
        label, op, raw = found.groups()
        value = re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), raw)
        return cls(label, cast(Op, op), value)


def all_match(matchers: Iterable[Matcher], labels: Labels) -> bool:
    """Whether every matcher matches (true for none)."""
    return all(m.matches(labels) for m in matchers)


@dataclass(frozen=True)
class Route:
    """A node of the route tree; unset timings and receiver are inherited from the parent.
    `mute_time_intervals` is not inherited (Alertmanager applies it to this node only).
    With `continue_` (`continue: true`), an alert this route takes goes on to the next
    siblings too (eyewatch-gen never sets it; the Prometheus Operator does)."""

    matchers: tuple[Matcher, ...] = ()
    receiver: str | None = None
    group_by: tuple[str, ...] | None = None
    group_wait: str | None = None
    group_interval: str | None = None
    repeat_interval: str | None = None
    mute_time_intervals: tuple[str, ...] = ()
    routes: tuple[Route, ...] = ()
    continue_: bool = False


@dataclass(frozen=True)
class Routed:
    """Where an alert lands: the routes it walked (root first) and the receiver it reaches."""

    path: tuple[Route, ...]

    @property
    def receiver(self) -> str:
        """The deepest receiver on the path."""
        return next((r.receiver for r in reversed(self.path) if r.receiver), "")

    @property
    def matchers(self) -> tuple[Matcher, ...]:
        """Every matcher on the way down."""
        return tuple(m for route in self.path for m in route.matchers)

    @property
    def mute_time_intervals(self) -> tuple[str, ...]:
        """The intervals that mute the alert at the route it landed on."""
        return self.path[-1].mute_time_intervals


def walk(route: Route, labels: Labels) -> Routed:
    """Alertmanager's first choice for `labels` (first matching child, depth first): where
    the alert lands when no route on the way has `continue`."""
    return deliveries(route, labels)[0]


def deliveries(route: Route, labels: Labels) -> tuple[Routed, ...]:
    """Every route Alertmanager hands `labels` to, in order: depth first, the first matching
    child, and the next ones too while the matching child has `continue`; the route itself
    when no child matches. The root matches every alert."""
    return _matched((route,), labels) or (Routed((route,)),)


def _matched(path: tuple[Route, ...], labels: Labels) -> tuple[Routed, ...]:
    found: list[Routed] = []
    for child in path[-1].routes:
        if not all_match(child.matchers, labels):
            continue
        found += _matched((*path, child), labels) or (Routed((*path, child)),)
        if not child.continue_:
            break
    return tuple(found)


@dataclass(frozen=True)
class InhibitRule:
    """While an alert matching `source` fires, alerts matching `target` with the same values
    of the `equal` labels are silenced."""

    source: tuple[Matcher, ...]
    target: tuple[Matcher, ...]
    equal: tuple[str, ...] = ()

    def inhibits(self, source: Labels, target: Labels) -> bool:
        """Whether a firing alert `source` silences `target` under this rule."""
        return (
            all_match(self.source, source)
            and all_match(self.target, target)
            and all(source.get(k) == target.get(k) for k in self.equal)
        )


@dataclass(frozen=True)
class TimeRange:
    """`start_time`-`end_time`, HH:MM."""

    start: str
    end: str


@dataclass(frozen=True)
class TimeSpec:
    """One entry of a time interval; empty fields do not restrict."""

    times: tuple[TimeRange, ...] = ()
    weekdays: tuple[str, ...] = ()
    days_of_month: tuple[str, ...] = ()
    months: tuple[str, ...] = ()
    location: str | None = None


@dataclass(frozen=True)
class TimeInterval:
    """A named set of time specs that routes mute by name."""

    name: str
    specs: tuple[TimeSpec, ...]


@dataclass(frozen=True)
class PagerDuty:
    """A PagerDuty (Events API v2) notification; `url` is unset except in the drill."""

    routing_key_file: str
    severity: str
    client: str
    details: tuple[tuple[str, str], ...] = ()
    url: str | None = None
    send_resolved: bool = True
    channel: str = ""  # the plan's channel name ("" when read from a file)


@dataclass(frozen=True)
class Opsgenie:
    """An Opsgenie alert; `api_url` is unset except in the drill."""

    api_key_file: str
    priority: str
    api_url: str | None = None
    send_resolved: bool = True
    channel: str = ""


@dataclass(frozen=True)
class Webhook:
    """A webhook POST to `url`, or to the URL read from `url_file` (Alertmanager 0.26+), with
    a bearer token read from `credentials_file` when set."""

    url: str | None
    credentials_file: str | None = None
    send_resolved: bool = True
    channel: str = ""
    url_file: str | None = None


@dataclass(frozen=True)
class Email:
    """An e-mail through the global SMTP settings."""

    to: str
    send_resolved: bool = True
    channel: str = ""


Notifier = PagerDuty | Opsgenie | Webhook | Email


@dataclass(frozen=True)
class Receiver:
    """A named set of notifications, grouped by kind as Alertmanager writes them."""

    name: str
    pagerduty: tuple[PagerDuty, ...] = ()
    opsgenie: tuple[Opsgenie, ...] = ()
    webhooks: tuple[Webhook, ...] = ()
    emails: tuple[Email, ...] = ()

    def by_kind(self) -> tuple[tuple[str, tuple[Notifier, ...]], ...]:
        """(kind, notifications) in Alertmanager's order; kinds are the plan's channel types."""
        return (
            ("pagerduty", self.pagerduty),
            ("opsgenie", self.opsgenie),
            ("webhook", self.webhooks),
            ("email", self.emails),
        )


@dataclass(frozen=True)
class Smtp:
    """The global SMTP settings e-mails go through."""

    smarthost: str
    sender: str
    require_tls: bool
    auth_username: str | None = None
    auth_password_file: str | None = None


@dataclass(frozen=True)
class Global:
    """Alertmanager's `global` section."""

    resolve_timeout: str
    smtp: Smtp | None = None


@dataclass(frozen=True)
class Alerting:
    """A whole Alertmanager configuration."""

    global_: Global
    root: Route
    inhibit_rules: tuple[InhibitRule, ...]
    time_intervals: tuple[TimeInterval, ...]
    receivers: tuple[Receiver, ...]

    def route(self, labels: Labels) -> Routed:
        """Where an alert with `labels` goes (before inhibition and muting)."""
        return walk(self.root, labels)

    def receivers_of(self, labels: Labels) -> tuple[str, ...]:
        """Every receiver an alert with `labels` is sent to, `continue` followed."""
        return tuple(routed.receiver for routed in deliveries(self.root, labels))

    def inhibited(self, target: Labels, others: Iterable[Labels]) -> bool:
        """Whether any of the `others` (firing alerts) silences `target`."""
        sources = list(others)
        return any(rule.inhibits(s, target) for rule in self.inhibit_rules for s in sources)
