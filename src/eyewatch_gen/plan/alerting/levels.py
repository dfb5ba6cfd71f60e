"""Who gets which level: receivers, routes and timings derived from the plan's levels.

One receiver per level (and per team that overrides a level's channels). Timings follow the
level's response time: a P1 (15m) waits 10s and repeats every 10m; a P4 (24h) repeats at most
every 16h. The route tree is built from these; routing tests, docs and diff list them.
"""

from __future__ import annotations

from dataclasses import dataclass

from eyewatch_gen.plan import durations
from eyewatch_gen.plan.fields import LEVELS, Level
from eyewatch_gen.plan.memo import per_plan
from eyewatch_gen.plan.model import Plan


@dataclass(frozen=True)
class LevelRoute:
    """Alerts with `severity=level` (and `team=team` when set) go to `receiver`."""

    level: Level
    team: str | None
    receiver: str
    channels: tuple[str, ...]
    group_wait: str
    group_interval: str
    repeat_interval: str


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
def level_routes(plan: Plan) -> list[LevelRoute]:
    """Team routes first (more specific), then one route per level."""
    result = []
    for level in LEVELS:
        spec = plan.severities.level(level)
        wait, interval, repeat = timings(spec.response_time)
        for team, team_spec in plan.teams.items():
            if level in team_spec.notify:
                result.append(
                    LevelRoute(
                        level,
                        team,
                        receiver_name(plan, level, team),
                        tuple(team_spec.notify[level]),
                        wait,
                        interval,
                        repeat,
                    )
                )
        result.append(
            LevelRoute(
                level,
                None,
                receiver_name(plan, level),
                tuple(spec.notify),
                wait,
                interval,
                repeat,
            )
        )
    return result
