"""Alerts and recording rules, as the rendered rules have them: severity (the `severity` label
Alertmanager routes on), threshold, `for`, expression, owning team, and a summary that still
states an old threshold."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from eyewatch_gen.diff.model import Change, changed, code, weakened
from eyewatch_gen.plan import durations, summaries
from eyewatch_gen.plan.catalog import rule_groups
from eyewatch_gen.plan.model import Plan
from eyewatch_gen.plan.rules import format_number

_HIGHER = (">", ">=")
_LOWER = ("<", "<=")


@dataclass(frozen=True)
class AlertView:
    """What a reviewer needs to know about one rendered alert."""

    severity: str  # the `severity` label it is routed by
    op: str
    threshold: float | None
    for_: str
    keep_firing_for: str
    expr: str
    summary: str
    team: str


def alert_views(plan: Plan) -> dict[str, AlertView]:
    """Every alert by name (SLO burn alerts with their `sloth_severity`)."""
    views = {}
    for group in rule_groups(plan):
        for rule in group.alerting:
            key = rule.name + (
                f" ({rule.labels['sloth_severity']})" if "sloth_severity" in rule.labels else ""
            )
            alert = rule.alert
            views[key] = AlertView(
                severity=rule.labels.get("severity", rule.severity),
                op=(alert.op or "") if alert else "",
                threshold=alert.threshold if alert else None,
                for_=rule.for_,
                keep_firing_for=rule.keep_firing_for or "0s",
                expr=rule.expr,
                summary=rule.annotations.get("summary", ""),
                team=rule.labels.get("team", ""),
            )
    return views


def compare_alerts(old: Plan, new: Plan) -> list[Change]:
    """Alerts added, removed (nobody is told any more) and changed."""
    before, after = alert_views(old), alert_views(new)
    changes = [
        Change("alerts", "added", n, f"`{after[n].severity}`") for n in after if n not in before
    ]
    changes += [
        Change(
            "alerts",
            "removed",
            name,
            f"was `{view.severity}` on {code(view.expr)}: nobody is told any more",
            weakens=True,
        )
        for name, view in before.items()
        if name not in after
    ]
    for name in (n for n in after if n in before):
        changes += list(_alert(name, before[name], after[name]))
    return changes


def _alert(name: str, was: AlertView, now: AlertView) -> Iterator[Change]:
    if was.severity != now.severity:
        yield _severity(name, was, now)
    threshold = _threshold(name, was, now)
    if threshold:
        yield threshold
        stale = _stale_summary(name, was, now)
        if stale:
            yield stale
    elif was.expr != now.expr and not name.endswith(")"):  # burn alerts: see the SLO
        yield changed("alerts", name, f"expression {code(was.expr)} → {code(now.expr)}")
    if was.for_ != now.for_:
        yield _for(name, was.for_, now.for_)
    if was.keep_firing_for != now.keep_firing_for:
        yield changed(
            "alerts", name, f"keeps firing for `{was.keep_firing_for}` → `{now.keep_firing_for}`"
        )
    if was.team != now.team:
        yield changed(
            "alerts", name, f"owned by team `{was.team or 'none'}` → `{now.team or 'none'}`"
        )


def _severity(name: str, was: AlertView, now: AlertView) -> Change:
    detail = f"severity `{was.severity}` → `{now.severity}`"
    # P1 < P2 < P3 < P4 as strings: a larger level is a downgrade (an unknown label too)
    if now.severity > was.severity or now.severity not in ("P1", "P2", "P3", "P4"):
        return Change("alerts", "downgrade", name, detail, weakens=True)
    return changed("alerts", name, detail)


def _threshold(name: str, was: AlertView, now: AlertView) -> Change | None:
    if was.threshold is None or now.threshold is None:
        return None
    if (was.op, was.threshold) == (now.op, now.threshold):
        return None
    detail = f"threshold `{was.op} {_number(was.threshold)}` → `{now.op} {_number(now.threshold)}`"
    later = (now.op == was.op in _HIGHER and now.threshold > was.threshold) or (
        now.op == was.op in _LOWER and now.threshold < was.threshold
    )
    if later:
        low, high = sorted((_number(was.threshold), _number(now.threshold)), key=float)
        return weakened("alerts", name, f"{detail}: values from {low} to {high} no longer alert")
    return changed("alerts", name, detail)


def _stale_summary(name: str, was: AlertView, now: AlertView) -> Change | None:
    assert was.threshold is not None and now.threshold is not None
    if was.summary != now.summary or summaries.states(now.summary, now.threshold) is not False:
        return None
    shown = ", ".join(f"`{text}`" for text, _, _ in summaries.stated(now.summary))
    return changed(
        "alerts",
        name,
        f"the summary still says {shown}, but the threshold is now "
        f"`{now.op} {_number(now.threshold)}`",
    )


def _for(name: str, was: str, now: str) -> Change:
    detail = f"`for` `{was}` → `{now}`"
    if durations.seconds(now) > durations.seconds(was):
        later = durations.format_seconds(durations.seconds(now) - durations.seconds(was))
        return weakened("alerts", name, f"{detail}: fires {later} later")
    return changed("alerts", name, detail)


def _number(value: float) -> str:
    return format_number(value)


def compare_recording(old: Plan, new: Plan) -> list[Change]:
    """Recording rules whose expression changed (with the alerts that read them), added or
    removed."""
    before, after = _records(old), _records(new)
    changes = [Change("recording", "added", r, code(after[r])) for r in after if r not in before]
    changes += [
        Change("recording", "removed", r, code(before[r])) for r in before if r not in after
    ]
    readers = alert_views(new)
    for record in (r for r in after if r in before and before[r] != after[r]):
        reading = sorted(n for n, v in readers.items() if record in v.expr)
        read = f"; read by {', '.join(reading)}" if reading else ""
        changes.append(
            changed(
                "recording",
                record,
                f"expression {code(before[record])} → {code(after[record])}{read}",
            )
        )
    return changes


def _records(plan: Plan) -> dict[str, str]:
    """The plan's metric recordings (an SLO's own recordings follow from the SLO)."""
    return {
        r.record: r.expr for g in rule_groups(plan) for r in g.recording if r.source in plan.metrics
    }
