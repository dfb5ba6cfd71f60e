"""When an alert would have fired, from the evaluation times at which its condition held for one
series, applying `for` and `keep_firing_for` the way Prometheus's rule manager does:

- the condition first holds at `a`: the alert is pending from `a`, and fires at the first
  evaluation `t` with `t - a >= for` while the condition still holds at every evaluation;
- the condition stops holding: a firing alert resolves at that evaluation, or with
  `keep_firing_for` at the first evaluation at least that long after it stopped; if the
  condition holds again before then, the same alert goes on firing.

Reference: `rules/alerting.go` (`AlertingRule.Eval`) in prometheus/prometheus.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Episode:
    """One firing: from the evaluation that fired to the one that resolved (or the window end,
    `open`)."""

    fired: float
    resolved: float
    open: bool = False

    @property
    def seconds(self) -> float:
        """How long it fired."""
        return self.resolved - self.fired


def runs(times: Sequence[float], step: float) -> Iterator[tuple[float, float]]:
    """Consecutive evaluation times (`step` apart) as (first, last) pairs."""
    if not times:
        return
    first = last = times[0]
    for time in times[1:]:
        if time - last > step * 1.5:
            yield first, last
            first = time
        last = time
    yield first, last


def episodes(
    times: Sequence[float], step: float, hold: float, keep: float, end: float
) -> list[Episode]:
    """The firings of one series whose condition held at the sorted evaluation `times`
    (every `step` seconds, the last evaluation at `end`), with `for: hold` and
    `keep_firing_for: keep` in seconds."""
    found: list[Episode] = []
    fired: float | None = None  # the firing in progress
    resolves = 0.0  # when it resolves unless the condition holds again first
    for first, last in runs(times, step):
        if fired is not None and first < resolves:
            resolves = _resolution(last, step, keep)
            continue
        if fired is not None:
            found.append(Episode(fired, resolves))
            fired = None
        fires = first + math.ceil(hold / step - 1e-9) * step
        if fires <= last:
            fired, resolves = fires, _resolution(last, step, keep)
    if fired is not None:
        found.append(Episode(fired, resolves) if resolves <= end else Episode(fired, end, True))
    return found


def _resolution(last: float, step: float, keep: float) -> float:
    """The first evaluation without the condition is `last + step`; `keep_firing_for` holds
    the alert until an evaluation at least `keep` after that one."""
    return last + step + math.ceil(keep / step - 1e-9) * step
