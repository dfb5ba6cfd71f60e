"""Who is told and how: channels, e-mail and teams (webhook URLs are checked with every
other URL, in `urls`)."""

from __future__ import annotations

from collections.abc import Iterator

from eyewatch_gen.plan.checks.common import UNKNOWN_CHANNEL, Check, dangling
from eyewatch_gen.plan.fields import LEVELS
from eyewatch_gen.plan.model import Plan
from eyewatch_gen.plan.source import Source
from eyewatch_gen.plan.validate import suggest
from eyewatch_gen.problems import Problem

UNUSED_CHANNEL = "plan/unused-channel"
SMTP = "plan/smtp"
UNKNOWN_TEAM = "plan/unknown-team"


def _channels(plan: Plan, source: Source) -> Iterator[Problem]:
    used: set[str] = set()
    for level in LEVELS:
        for index, channel in enumerate(plan.severities.level(level).notify):
            used.add(channel)
            if channel not in plan.channels:
                yield dangling(
                    source,
                    ("severities", level, "notify", index),
                    "channel",
                    channel,
                    plan.channels,
                    UNKNOWN_CHANNEL,
                )
    used |= {c for team in plan.teams.values() for cs in team.notify.values() for c in cs}
    used |= {c for step in (plan.oncall.escalation if plan.oncall else []) for c in step.notify}
    for name in plan.channels:
        if name not in used:
            yield source.problem(
                ("channels", name),
                f"channel {name!r} is not used by any severity or team",
                UNUSED_CHANNEL,
                key=True,
                level="warning",
            )


def _email_needs_smtp(plan: Plan, source: Source) -> Iterator[Problem]:
    if plan.smtp is None:
        for name, channel in plan.channels.items():
            if channel.type == "email":
                yield source.problem(
                    ("channels", name),
                    "an email channel needs the plan's smtp section (smarthost, from)",
                    SMTP,
                    key=True,
                )
                return


def _teams(plan: Plan, source: Source) -> Iterator[Problem]:
    known = {a.team for a in plan.areas.values() if a.team} | {
        a.team for a in plan.alerts if a.team
    }
    for team, spec in plan.teams.items():
        if team not in known:
            yield source.problem(
                ("teams", team),
                f"team {team!r} owns no area or alert{suggest(team, known)}",
                UNKNOWN_TEAM,
                key=True,
            )
        for level, channels in spec.notify.items():
            for j, channel in enumerate(channels):
                if channel not in plan.channels:
                    yield dangling(
                        source,
                        ("teams", team, "notify", level, j),
                        "channel",
                        channel,
                        plan.channels,
                        UNKNOWN_CHANNEL,
                    )


CHECKS: tuple[Check, ...] = (_channels, _email_needs_smtp, _teams)
