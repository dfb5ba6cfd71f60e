"""Escalation inside the alerting stack: who else hears about an alert that stays unresolved.

Alertmanager cannot escalate by time, so Prometheus does: for every level in
`oncall.escalate` and every step of `oncall.escalation` an alerting rule reads `ALERTS` (the
series Prometheus keeps for its own alerts) and fires when an alert of that level has been
firing for the step's `after` (the rule's `for`: unresolved, whether acknowledged or not).
The escalation alert keeps the original's labels (service, area, team, severity), carries its
name as `escalated_alertname` and a link to its runbook, and is routed by its `escalation`
label to the step's receiver. Escalation alerts never escalate themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

from eyewatch_gen.plan import durations
from eyewatch_gen.plan.fields import LEVELS, Level
from eyewatch_gen.plan.links import published
from eyewatch_gen.plan.memo import per_plan
from eyewatch_gen.plan.model import Escalation, Plan, Series
from eyewatch_gen.plan.rules import AlertingRule, camel, slug
from eyewatch_gen.plan.testspec import AlertTest, Phase
from eyewatch_gen.promql.labels import label_matchers, series_text

AREA = "escalation"  # the rule file and test file of the escalation rules
STEP_LABEL = "escalation"
ORIGINAL_LABEL = "escalated_alertname"
TEST_ALERT = "EyewatchEscalationTest"


@dataclass(frozen=True)
class Step:
    """One escalation step as Alertmanager sees it."""

    name: str
    after: str
    to: str
    receiver: str
    channels: tuple[str, ...]


def step_name(step: Escalation) -> str:
    """The step's short name: its own, else made from `to` (`eyewearml-team-lead`)."""
    return step.name or slug(step.to)


def rule_name(level: str, step: str) -> str:
    """`EscalationP1TeamLead`."""
    return f"Escalation{level}{camel(step)}"


def receiver_name(plan: Plan, step: str) -> str:
    """`eyewearml-escalation-team-lead`."""
    return f"{plan.platform}-escalation-{step}"


def levels(plan: Plan) -> tuple[Level, ...]:
    """The levels escalated inside the alerting stack, P1 first."""
    if plan.oncall is None:
        return ()
    return tuple(level for level in LEVELS if level in plan.oncall.escalate)


def generated_names(plan: Plan) -> list[tuple[tuple[str | int, ...], str]]:
    """(plan path, alert name) of every escalation rule, for uniqueness checks."""
    if plan.oncall is None:
        return []
    return [
        (("oncall", "escalation", i), rule_name(level, step_name(step)))
        for level in levels(plan)
        for i, step in enumerate(plan.oncall.escalation)
    ]


@per_plan
def steps(plan: Plan) -> list[Step]:
    """The escalation steps, in order (none unless some level escalates)."""
    if plan.oncall is None or not levels(plan):
        return []
    return [
        Step(
            step_name(s),
            s.after,
            s.to,
            receiver_name(plan, step_name(s)),
            tuple(s.notify),
        )
        for s in plan.oncall.escalation
    ]


@dataclass(frozen=True)
class Notice:
    """Who hears of an alert of some level, how long after it starts firing, and why."""

    after: str
    who: str
    how: str  # channels, and the receiver or provider that sends them
    when: str  # the condition


def timeline(plan: Plan, level: Level, receiver: str, channels: tuple[str, ...]) -> list[Notice]:
    """Everyone notified of an alert of `level` (routed to `receiver`), in time order: its
    channels at once; the paging provider's steps while nobody acknowledges, when one of the
    channels pages through PagerDuty; the escalation steps while it stays unresolved."""
    notices = [Notice("0m", "on-call", f"{', '.join(channels)} (`{receiver}`)", "it fires")]
    oncall = plan.oncall
    if oncall is not None and any(plan.channels[c].type == "pagerduty" for c in channels):
        rotation = oncall.rotation
        notices.append(
            Notice(rotation.secondary_after, rotation.secondary, "PagerDuty", "nobody acknowledged")
        )
        notices += [
            Notice(s.after, s.to, "PagerDuty", "nobody acknowledged") for s in oncall.escalation
        ]
    if level in levels(plan):
        notices += [
            Notice(s.after, s.name, f"{', '.join(s.channels)} (`{s.receiver}`)", "still firing")
            for s in steps(plan)
        ]
    return sorted(notices, key=lambda n: durations.seconds(n.after))


def expression(level: str) -> str:
    """Alerts of `level` that are firing, renamed into `escalated_alertname`; escalation
    alerts themselves (they carry the step label) are left out."""
    selector = label_matchers({"alertstate": "firing", "severity": level, STEP_LABEL: ""})
    return (
        "max without (alertstate) (\n"
        f'  label_replace(ALERTS{selector}, "{ORIGINAL_LABEL}", "$1", "alertname", "(.+)")\n'
        ")"
    )


@per_plan
def escalation_rules(plan: Plan) -> list[AlertingRule]:
    """One rule per escalated level and step, level by level."""
    return [_rule(plan, level, step) for level in levels(plan) for step in steps(plan)]


def escalations_of(plan: Plan, alert: str, level: str) -> list[str]:
    """How the escalations of alert `alert` show: `EscalationP1TeamLead(alert)` per step."""
    if level not in levels(plan):
        return []
    return [f"{rule_name(level, step.name)}({alert})" for step in steps(plan)]


def identity(labels: dict[str, str]) -> str:
    """An alert as the drill and docs tell them apart: its name, and for an escalation the
    alert it escalates in brackets."""
    name = labels.get("alertname", "")
    original = labels.get(ORIGINAL_LABEL)
    return f"{name}({original})" if original else name


def _rule(plan: Plan, level: Level, step: Step) -> AlertingRule:
    expr = expression(level)
    original = f"{{{{ $labels.{ORIGINAL_LABEL} }}}}"
    service = "{{ $labels.service }}"
    link = published(plan, original)
    return AlertingRule(
        name=rule_name(level, step.name),
        expr=expr,
        for_=step.after,
        severity=level,
        labels={"severity": level, STEP_LABEL: step.name},
        annotations={
            "summary": f"{original} is unresolved after {step.after}: {level} escalated to "
            f"{step.name}",
            "description": f"{original} (service {service}) has been firing for {step.after} "
            f"without being resolved; the {level} escalation policy now notifies {step.name}. "
            "Open its runbook, join the incident and decide on further help.",
            **({"escalated_runbook_url": link} if link else {}),
        },
        test=_test(level, expr, levels(plan)),
        kind="escalation",
    )


def _alerts_series(level: str, state: str, **labels: str) -> Series:
    values = {"alertname": TEST_ALERT, "alertstate": state, "severity": level, **labels}
    return Series(series=series_text("ALERTS", values), value="1")


def _test(level: Level, expr: str, escalated: tuple[Level, ...]) -> AlertTest:
    """Quiet: the level's alert only pending, another level's alert firing (one that is not
    escalated, where there is one), an escalation alert firing. Firing: the level's alert
    firing, for longer than the step."""
    others = [lv for lv in LEVELS if lv != level]
    other = next((lv for lv in others if lv not in escalated), others[0])
    service = {"service": "escalation-test"}
    quiet = (
        _alerts_series(level, "pending", **service),
        _alerts_series(other, "firing", **service),
        _alerts_series(level, "firing", escalation="already", service="escalated-test"),
    )
    return AlertTest(
        "raw",
        {ORIGINAL_LABEL: TEST_ALERT, "severity": level, **service},
        Phase(quiet, 1.0),
        Phase((_alerts_series(level, "firing", **service),), 1.0),
        0,
        pending_at_raw=True,
        reads=(expr,),
    )
