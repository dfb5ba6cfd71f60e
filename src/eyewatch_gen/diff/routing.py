"""Who is told, how soon, and who is paged next: channels per level (and team), what each
channel is, the timings a level's response time sets, the escalation policy."""

from __future__ import annotations

from collections.abc import Iterator

from eyewatch_gen.diff.model import Change, changed, weakened
from eyewatch_gen.plan import durations
from eyewatch_gen.plan.alerting.levels import level_routes, timings
from eyewatch_gen.plan.environments import pages
from eyewatch_gen.plan.fields import LEVELS
from eyewatch_gen.plan.model import Escalation, OnCall, Plan


def _reach(plan: Plan) -> dict[str, tuple[str, ...]]:
    """Channels per level, and per team that has its own for a level."""
    return {
        r.level + (f" for team {r.team}" if r.team else ""): r.channels for r in level_routes(plan)
    }


def _channels_of(plan: Plan, key: str) -> tuple[str, ...]:
    reach = _reach(plan)
    return reach.get(key, reach[key.split(" ", 1)[0]])  # a team without its own: the level's


def compare_routing(old: Plan, new: Plan) -> list[Change]:
    """Channels a level (or a team's level) no longer reaches, or now also reaches."""
    changes = []
    for key in sorted(set(_reach(old)) | set(_reach(new))):
        was, now = _channels_of(old, key), _channels_of(new, key)
        lost = [c for c in was if c not in now]
        gained = [c for c in now if c not in was]
        if lost:
            detail = f"no longer reaches {_named(old, lost)}"
            if gained:
                detail += f"; now reaches {_named(new, gained)} instead"
            if _pages(old, was) and not _pages(new, now):
                detail += ": nobody is paged any more"
            changes.append(Change("routing", "removed", key, detail, weakens=True))
        elif gained:
            changes.append(changed("routing", key, f"now also reaches {_named(new, gained)}"))
    return changes + _channel_kinds(old, new)


def _named(plan: Plan, channels: list[str]) -> str:
    """`phone (pagerduty), mail (email)`."""
    return ", ".join(
        f"{c} ({plan.channels[c].type})" if c in plan.channels else c for c in channels
    )


def _pages(plan: Plan, channels: tuple[str, ...]) -> bool:
    return any(pages(plan.channels[c]) for c in channels if c in plan.channels)


def _channel_kinds(old: Plan, new: Plan) -> list[Change]:
    changes = []
    for name in sorted(set(old.channels) & set(new.channels)):
        was, now = old.channels[name], new.channels[name]
        if was == now:
            continue
        fields = sorted(k for k in {*was.model_fields_set, *now.model_fields_set}
                        if getattr(was, k) != getattr(now, k))  # fmt: skip
        detail = f"channel {name}: {', '.join(fields)} changed"
        if pages(was) and not pages(now):
            changes.append(weakened("routing", name, f"{detail}: it no longer pages"))
        else:
            changes.append(changed("routing", name, detail))
    return changes


def compare_levels(old: Plan, new: Plan) -> list[Change]:
    """A level's response time, and the notification timings that follow from it."""
    changes = []
    for level in LEVELS:
        was = old.severities.level(level).response_time
        now = new.severities.level(level).response_time
        if durations.seconds(was) == durations.seconds(now):
            continue
        (wait0, _, repeat0), (wait1, _, repeat1) = timings(was), timings(now)
        detail = (
            f"response time `{was}` → `{now}`: first notification after {wait1} "
            f"(was {wait0}), repeated every {repeat1} (was {repeat0})"
        )
        if durations.seconds(now) > durations.seconds(was):
            changes.append(weakened("levels", level, detail))
        else:
            changes.append(changed("levels", level, detail))
    return changes


def compare_oncall(old: Plan, new: Plan) -> list[Change]:
    """Rotation and escalation: later or dropped steps page people later or never."""
    if old.oncall is None or new.oncall is None:
        if old.oncall is not None:
            return [
                Change(
                    "oncall", "removed", "escalation policy", "nobody is escalated to", weakens=True
                )
            ]
        return [Change("oncall", "added", "escalation policy")] if new.oncall else []
    return [
        *_rotation(old.oncall, new.oncall),
        *_escalated_levels(old.oncall, new.oncall),
        *_steps(old.oncall, new.oncall),
    ]


def _escalated_levels(was: OnCall, now: OnCall) -> Iterator[Change]:
    for level in (lv for lv in LEVELS if lv in was.escalate and lv not in now.escalate):
        detail = f"unresolved {level} alerts are no longer escalated by Alertmanager"
        yield Change("oncall", "removed", level, detail, weakens=True)
    for level in (lv for lv in LEVELS if lv in now.escalate and lv not in was.escalate):
        yield Change("oncall", "added", level, f"unresolved {level} alerts are escalated")


def _rotation(was: OnCall, now: OnCall) -> Iterator[Change]:
    a, b = was.rotation, now.rotation
    if durations.seconds(b.secondary_after) > durations.seconds(a.secondary_after):
        yield weakened(
            "oncall", "secondary", f"paged after `{a.secondary_after}` → `{b.secondary_after}`"
        )
    elif a.secondary_after != b.secondary_after:
        yield changed(
            "oncall", "secondary", f"paged after `{a.secondary_after}` → `{b.secondary_after}`"
        )
    for role in ("primary", "secondary", "handoff"):
        if getattr(a, role) != getattr(b, role):
            yield changed("oncall", role, f"`{getattr(a, role)}` → `{getattr(b, role)}`")


def _steps(was: OnCall, now: OnCall) -> Iterator[Change]:
    for index, (a, b) in enumerate(zip(was.escalation, now.escalation, strict=False), 1):
        subject = f"escalation step {index}"
        if durations.seconds(b.after) > durations.seconds(a.after):
            yield weakened("oncall", subject, f"{b.to} paged after `{a.after}` → `{b.after}`")
        elif a.after != b.after:
            yield changed("oncall", subject, f"{b.to} paged after `{a.after}` → `{b.after}`")
        if a.to != b.to:
            yield changed("oncall", subject, f"pages `{a.to}` → `{b.to}`")
        lost = [c for c in a.notify if c not in b.notify]
        if lost:
            detail = f"no longer notifies {', '.join(lost)} when still unresolved after `{b.after}`"
            yield Change("oncall", "removed", subject, detail, weakens=True)
    common = min(len(was.escalation), len(now.escalation))
    for index, step in enumerate(was.escalation[common:], common + 1):
        yield Change("oncall", "removed", f"escalation step {index}", _step(step), weakens=True)
    for index, step in enumerate(now.escalation[common:], common + 1):
        yield Change("oncall", "added", f"escalation step {index}", _step(step))


def _step(step: Escalation) -> str:
    notifies = f" (and notifies {', '.join(step.notify)})" if step.notify else ""
    return f"pages {step.to} after `{step.after}`{notifies}"
