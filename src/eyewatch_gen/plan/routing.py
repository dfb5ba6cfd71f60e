"""Who gets which alert: receivers, routes and timings derived from the plan's levels.

One receiver per level (and per team that overrides a level's channels). Timings follow the
level's response time: a P1 (15m) waits 10s and repeats every 10m; a P4 (24h) repeats at most
every 16h. Shared by the Alertmanager config, its routing tests, docs and lint.
"""

from __future__ import annotations

from dataclasses import dataclass

from eyewatch_gen.plan import durations
from eyewatch_gen.plan.fields import LEVELS, Level
from eyewatch_gen.plan.memo import per_plan
from eyewatch_gen.plan.model import Plan


@dataclass(frozen=True)
class Route:
    """Alerts with `severity=level` (and `team=team` when set) go to `receiver`."""

    level: Level
    team: str | None
    receiver: str
    channels: tuple[str, ...]
    group_wait: str
    group_interval: str
    repeat_interval: str
    mute: tuple[str, ...]


def receiver_name(plan: Plan, level: str, team: str | None = None) -> str:
    """`eyewearml-p1`, or `eyewearml-product-analytics-p3` for a team's own channels."""
    owner = f"{plan.platform}-{team}" if team else plan.platform
    return f"{owner}-{level.lower()}"


def default_receiver(plan: Plan) -> str:
    """Where alerts without a known level go (the P3 channels: someone reads them)."""
    return f"{plan.platform}-unrouted"


def timings(response_time: str) -> tuple[str, str, str]:
    """group_wait, group_interval and repeat_interval for a level's response time."""
    seconds = durations.seconds(response_time)
    wait = _tidy(min(max(seconds / 90, 10), 60))
    interval = _tidy(min(max(seconds / 3, 60), 300))
    repeat = _tidy(max(seconds * 2 / 3, 300))
    return wait, interval, repeat


def _tidy(seconds: float) -> str:
    """Round to 10s below a minute, to whole minutes above."""
    step = 10 if seconds < 60 else 60
    return durations.format_seconds(round(seconds / step) * step)


@per_plan
def routes(plan: Plan) -> list[Route]:
    """Team routes first (more specific), then one route per level."""
    result = []
    for level in LEVELS:
        spec = plan.severities.level(level)
        wait, interval, repeat = timings(spec.response_time)
        mute = tuple(w.name for w in plan.maintenance_windows if level in w.mute)
        for team, team_spec in plan.teams.items():
            if level in team_spec.notify:
                result.append(
                    Route(
                        level,
                        team,
                        receiver_name(plan, level, team),
                        tuple(team_spec.notify[level]),
                        wait,
                        interval,
                        repeat,
                        mute,
                    )
                )
        result.append(
            Route(
                level,
                None,
                receiver_name(plan, level),
                tuple(spec.notify),
                wait,
                interval,
                repeat,
                mute,
            )
        )
    return result


def receivers_for(plan: Plan, labels: dict[str, str]) -> list[str]:
    """The receiver an alert with `labels` reaches (first matching route, as Alertmanager)."""
    for route in routes(plan):
        if labels.get("severity") == route.level and route.team in (None, labels.get("team")):
            return [route.receiver]
    return [default_receiver(plan)]
