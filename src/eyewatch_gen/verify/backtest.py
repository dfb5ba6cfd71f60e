"""The backtest: how often each generated alert would have fired over a past window, and whether
each level stays within the plan's page budget.

Each alert's expression (recording rules written out, see `inline`) is evaluated with range
queries at the plan's evaluation interval; `for` and `keep_firing_for` are applied to each
result series as the rule manager would (see `episodes`). A long window is queried in chunks of
at most 11,000 points, Prometheus's limit per series; a chunk the server refuses as too large
is halved. Every episode counts as one notification (Alertmanager's grouping can merge some,
its repeat interval can add reminders).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from eyewatch_gen.plan import durations
from eyewatch_gen.plan.catalog import rule_groups
from eyewatch_gen.plan.fields import LEVELS, Level
from eyewatch_gen.plan.model import Plan
from eyewatch_gen.plan.rules import AlertingRule
from eyewatch_gen.verify.client import PrometheusClient, QueryError
from eyewatch_gen.verify.episodes import Episode, episodes
from eyewatch_gen.verify.inline import inline
from eyewatch_gen.verify.records import records

MAX_POINTS = 11_000
WEEK = 7 * 86400.0
_SPLITS = 4  # halve a refused chunk at most this many times


@dataclass(frozen=True)
class AlertForecast:
    """One alert over the window."""

    name: str
    level: Level
    fires: int
    firing_seconds: float
    longest_seconds: float
    still_firing: bool
    error: str | None = None


@dataclass(frozen=True)
class LevelForecast:
    """One level over the window, against its budget."""

    level: Level
    notifications: int
    per_week: float
    budget: float

    @property
    def over(self) -> bool:
        """More notifications per week than the budget allows."""
        return self.per_week > self.budget


@dataclass(frozen=True)
class Backtest:
    """Every alert and level over [start, end], evaluated every `step` seconds."""

    start: float
    end: float
    step: float
    alerts: list[AlertForecast]
    levels: list[LevelForecast]


def window(now: float, seconds: float, step: float) -> tuple[float, float]:
    """The evaluation times: the last at or before `now`, all on multiples of `step`."""
    end = math.floor(now / step) * step
    return end - math.ceil(seconds / step) * step, end


def chunks(
    start: float, end: float, step: float, points: int = MAX_POINTS
) -> list[tuple[float, float]]:
    """[start, end] cut into consecutive ranges of at most `points` evaluations each."""
    found = []
    first = start
    while first <= end:
        last = min(end, first + (points - 1) * step)
        found.append((first, last))
        first = last + step
    return found


def run(client: PrometheusClient, plan: Plan, seconds: float, now: float) -> Backtest:
    """Backtest every alert of the plan over the `seconds` before `now`."""
    step = durations.seconds(plan.prometheus.evaluation_interval)
    start, end = window(now, seconds, step)
    rules = [rule for group in rule_groups(plan) for rule in group.alerting]
    found = records(plan)
    exprs = [inline(rule.expr, found) for rule in rules]
    parts = chunks(start, end, step)
    work = [(expr, a, b) for expr in exprs for a, b in parts]
    answers = client.map(lambda item: _range(client, *item, step, 0), work)
    alerts = [
        _forecast(rule, answers[i * len(parts) : (i + 1) * len(parts)], step, end)
        for i, rule in enumerate(rules)
    ]
    return Backtest(start, end, step, alerts, _levels(plan, alerts, end - start))


Answer = dict[tuple[tuple[str, str], ...], list[float]] | str


def _range(
    client: PrometheusClient, expr: str, start: float, end: float, step: float, depth: int
) -> Answer:
    """Evaluation times per result series (or the error), halving refused chunks."""
    try:
        result = client.query_range(expr, start, end, step)
    except QueryError as error:
        if depth >= _SPLITS or end <= start or not _too_big(error):
            return error.message or error.kind
        middle = start + math.floor((end - start) / step / 2) * step
        halves = [_range(client, expr, start, middle, step, depth + 1)]
        halves.append(_range(client, expr, middle + step, end, step, depth + 1))
        return _merge(halves)
    return {
        tuple(sorted(s["metric"].items())): [float(t) for t, _ in s.get("values", [])]
        for s in result
    }


def _too_big(error: QueryError) -> bool:
    text = error.message.lower()
    return any(word in text for word in ("too many samples", "exceeded", "timeout", "limit"))


def _merge(answers: Sequence[Answer]) -> Answer:
    merged: dict[tuple[tuple[str, str], ...], list[float]] = {}
    for answer in answers:
        if isinstance(answer, str):
            return answer
        for key, times in answer.items():
            merged.setdefault(key, []).extend(times)
    return merged


def _forecast(
    rule: AlertingRule, answers: Sequence[Answer], step: float, end: float
) -> AlertForecast:
    merged = _merge(answers)
    if isinstance(merged, str):
        return AlertForecast(rule.name, rule.severity, 0, 0, 0, False, merged)
    hold = durations.seconds(rule.for_)
    keep = durations.seconds(rule.keep_firing_for or "0s")
    found: list[Episode] = [
        e for times in merged.values() for e in episodes(sorted(times), step, hold, keep, end)
    ]
    return AlertForecast(
        rule.name,
        rule.severity,
        len(found),
        sum(e.seconds for e in found),
        max((e.seconds for e in found), default=0),
        any(e.open for e in found),
    )


def _levels(plan: Plan, alerts: list[AlertForecast], span: float) -> list[LevelForecast]:
    result = []
    for level in LEVELS:
        count = sum(a.fires for a in alerts if a.level == level)
        per_week = count * WEEK / span
        result.append(LevelForecast(level, count, per_week, plan.page_budget.level(level)))
    return result
