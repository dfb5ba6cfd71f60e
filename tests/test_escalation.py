"""Escalation inside the alerting stack: rules on ALERTS per escalated level and step, routes to
each step's receiver, promtool and amtool tests, the on-call page, and errors located."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import MINIMAL, ROOT, require_tool
from eyewatch_gen.pipeline import render_all
from eyewatch_gen.plan.alerting import alerting
from eyewatch_gen.plan.catalog import rule_groups
from eyewatch_gen.plan.environments import variant
from eyewatch_gen.plan.load import load_plan, load_plan_text
from eyewatch_gen.problems import PlanError
from eyewatch_gen.writer import write_tree

DEFAULT = load_plan(ROOT / "plan.yaml").plan
ONCALL = """oncall:
  rotation: {primary: shop-primary, secondary: shop-secondary}
  escalate: [P1]
  escalation:
    - {name: lead, after: 30m, to: shop-lead, notify: [mail]}
    - {name: boss, after: 2h, to: shop-boss, notify: [pager]}
"""


def _errors(text: str) -> list[str]:
    with pytest.raises(PlanError) as caught:
        load_plan_text(text)
    return [p.render() for p in caught.value.problems]


def test_every_escalated_level_gets_a_rule_per_step_reading_alerts() -> None:
    rules = {r.name: r for g in rule_groups(DEFAULT) if g.area == "escalation" for r in g.alerting}
    assert list(rules) == [
        "EscalationP1TeamLead",
        "EscalationP1Management",
        "EscalationP2TeamLead",
        "EscalationP2Management",
    ]
    lead = rules["EscalationP1TeamLead"]
    assert lead.for_ == "30m" and rules["EscalationP1Management"].for_ == "1h"
    assert 'ALERTS{alertstate="firing", severity="P1", escalation=""}' in lead.expr
    assert '"escalated_alertname", "$1", "alertname", "(.+)"' in lead.expr
    assert lead.labels == {"severity": "P1", "escalation": "team-lead"}
    assert lead.annotations["escalated_runbook_url"] == (
        "https://docs.eyewearml.example/operations/runbooks/{{ $labels.escalated_alertname }}.md"
    )
    assert "{{ $labels.service }}" in lead.annotations["description"]


@pytest.mark.parametrize(
    ("labels", "receiver"),
    [
        ({"severity": "P1", "escalation": "team-lead"}, "eyewearml-escalation-team-lead"),
        ({"severity": "P2", "escalation": "management"}, "eyewearml-escalation-management"),
        ({"severity": "P1"}, "eyewearml-p1"),
        ({"severity": "P3", "escalation": "team-lead"}, "eyewearml-p3"),
    ],
    ids=["p1-team-lead", "p2-management", "ordinary-p1", "p3-never-escalates"],
)
def test_escalation_alerts_route_to_their_step(labels: dict[str, str], receiver: str) -> None:
    routed = alerting(DEFAULT).route({"alertname": "X", **labels})
    assert routed.receiver == receiver


def test_escalation_routes_notify_once_per_escalated_alert_and_keep_level_timings() -> None:
    route = alerting(DEFAULT).root.routes[0]
    assert route.group_by == ("alertname", "service", "escalated_alertname")
    assert (route.group_wait, route.repeat_interval) == ("10s", "10m")  # P1's timings
    receivers = {r.name: r for r in alerting(DEFAULT).receivers}
    lead = receivers["eyewearml-escalation-team-lead"]
    assert [w.channel for w in lead.webhooks] == ["team-lead-sms"]
    assert [e.channel for e in lead.emails] == ["team-lead-email"]


def test_routing_tests_cover_every_escalated_level_and_step() -> None:
    file = next(a for a in render_all(DEFAULT) if a.path == "alertmanager/routing-tests.yml")
    cases = yaml.safe_load(file.content)["tests"]
    escalated = [c for c in cases if "escalation" in c["labels"]]
    assert [c["name"] for c in escalated] == [
        "P1 escalated to team-lead reaches eyewearml-escalation-team-lead",
        "P1 escalated to management reaches eyewearml-escalation-management",
        "P2 escalated to team-lead reaches eyewearml-escalation-team-lead",
        "P2 escalated to management reaches eyewearml-escalation-management",
    ]
    assert escalated[1]["channels"] == ["management-email"]


def test_promtool_feeds_alerts_series_and_the_escalations_fire_after_their_step(
    tmp_path: Path,
) -> None:
    promtool = require_tool("promtool")
    write_tree(tmp_path, render_all(DEFAULT))
    path = tmp_path / "prometheus/tests/escalation.test.yml"
    data = yaml.safe_load(path.read_text())
    lead = next(
        g for g in data["tests"] if g["alert_rule_test"][0]["alertname"] == "EscalationP1TeamLead"
    )
    fed = [s["series"] for s in lead["input_series"]]
    assert any('alertstate="pending"' in s and 'severity="P1"' in s for s in fed)
    assert any('escalation="already"' in s for s in fed)  # escalations never escalate
    assert any('severity="P3"' in s and 'alertstate="firing"' in s for s in fed)
    firing = [c for c in lead["alert_rule_test"] if c["exp_alerts"]]
    assert [c["eval_time"] for c in firing] == ["31m"]  # firing from 1m, plus the 30m step
    labels = firing[0]["exp_alerts"][0]["exp_labels"]
    assert labels["escalated_alertname"] == "EyewatchEscalationTest"
    run = subprocess.run(
        [promtool, "test", "rules", path], capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_the_oncall_page_says_who_is_notified_when_per_level() -> None:
    page = next(a for a in render_all(DEFAULT) if a.path == "docs/oncall.md").content.decode()
    p2 = page.split("### P2\n")[1].split("### P3")[0]
    assert "| 0m | on-call | sms, email (`eyewearml-p2`) | it fires |" in p2
    assert (
        "| 30m | team-lead | team-lead-sms, team-lead-email (`eyewearml-escalation-team-lead`) "
        "| still firing |" in p2
    )
    assert "| 1h | management | management-email (`eyewearml-escalation-management`)" in p2
    p1 = page.split("### P1\n")[1].split("### P2")[0]
    assert "| 15m | eyewearml-secondary | PagerDuty | nobody acknowledged |" in p1
    p3 = page.split("### P3\n")[1].split("### P4")[0]
    assert "still firing" not in p3


def test_outside_production_escalation_pages_nobody() -> None:
    text = MINIMAL.read_text() + ONCALL + "environments:\n  production: {}\n  staging: {}\n"
    plan = load_plan_text(text).plan
    staging = variant(plan, "staging")
    assert staging.oncall is not None
    assert [s.notify for s in staging.oncall.escalation] == [["mail"], ["mail"]]
    production = variant(plan, "production")
    assert production.oncall is not None
    assert production.oncall.escalation[1].notify == ["pager"]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "after: 2h",
            "after: 20m",
            "oncall.escalation[1].after: 20m must be later than the step before it "
            "(escalation[0].after: 30m)",
        ),
        (
            "notify: [pager]",
            "notify: [pagr]",
            "oncall.escalation[1].notify[0]: unknown channel 'pagr'; did you mean 'pager'?",
        ),
        (
            ", notify: [pager]",
            "",
            "oncall.escalation[1]: step 'boss' has no notify channels: Alertmanager cannot "
            "escalate P1 to it (plan/escalation-steps)",
        ),
        ("name: boss", "name: lead", "oncall.escalation[1]: step name 'lead' is already used"),
        ("escalate: [P1]", "escalate: [P6]", "oncall.escalate[0]: 'P6' is not allowed"),
    ],
    ids=["step-longer-than-next", "unknown-channel", "step-without-channels", "same-name", "P6"],
)
def test_bad_escalation_is_located(old: str, new: str, expected: str) -> None:
    errors = _errors(MINIMAL.read_text() + ONCALL.replace(old, new, 1))
    assert any(expected in error and error.startswith("plan.yaml:") for error in errors), errors


def test_escalated_levels_need_steps() -> None:
    text = MINIMAL.read_text() + (
        "oncall:\n  rotation: {primary: a, secondary: b}\n  escalate: [P1, P2]\n"
    )
    assert any(
        "oncall.escalate: P1, P2 are escalated, but oncall.escalation has no steps" in error
        for error in _errors(text)
    )
