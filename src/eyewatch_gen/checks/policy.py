"""The plan's own policy: a runbook for every alert (generated ones included), tests for every
page, every untested alert with its reason, detection delay within the level's response time,
and alerts tested only at their recorded series. An alert the plan marks `untested` is listed
as such (a warning), not as a page without a firing test: whether that is allowed is the
plan's `policy.require_tests`."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from pathlib import Path

import yaml

from eyewatch_gen.layout import log_rule_path, rules_path
from eyewatch_gen.plan import durations
from eyewatch_gen.plan.catalog import rule_groups
from eyewatch_gen.plan.model import Plan
from eyewatch_gen.plan.places import Place
from eyewatch_gen.plan.rules import AlertingRule
from eyewatch_gen.plan.runbooks import pages
from eyewatch_gen.plan.testspec import dependencies, settle_minutes
from eyewatch_gen.problems import Problem
from eyewatch_gen.promql.windows import without_baselines

RUNBOOK = "policy/runbook"
PAGE_TESTED = "policy/page-tested"
RAW_TESTED = "policy/raw-tested"
DETECTION_DELAY = "policy/detection-delay"
UNTESTED = "policy/untested"
RULES = (RUNBOOK, PAGE_TESTED, RAW_TESTED, DETECTION_DELAY, UNTESTED)


def run(out: Path, plan: Plan) -> list[Problem]:
    """Policy findings for the plan and its generated tests."""
    firing = _firing_tests(out)
    findings = [
        Problem.in_file(
            log_rule_path(page.name) if page.rules[0].kind == "log" else rules_path(page.area),
            f"{page.name} has no runbook: attach a guide (runbook: on the alert, or applies_to "
            "of a guide in runbooks.guides) or name an outside runbook URL",
            RUNBOOK,
            "warning",
        )
        for page in pages(plan)
        if not page.covered
    ]
    for group in rule_groups(plan):
        file = rules_path(group.area)
        for rule in group.alerting:
            findings += [
                Problem.in_file(file, message, check, level)
                for check, message, level in _rule_findings(plan, rule, firing)
            ]
    return findings


_Found = tuple[str, str, str]  # rule id, message, level


def _rule_findings(plan: Plan, rule: AlertingRule, firing: set[str]) -> Iterator[_Found]:
    untested = rule.alert.untested if rule.alert is not None else None
    if untested is not None:
        yield UNTESTED, f"{rule.name} ({rule.severity}) is untested: {untested}", "warning"
    elif rule.severity in ("P1", "P2") and rule.name not in firing:
        yield PAGE_TESTED, f"{rule.name} ({rule.severity}) has no firing test", "error"
    if rule.test is not None and rule.test.level == "record":
        yield (
            RAW_TESTED,
            f"{rule.name} is tested only at its recorded series (no metric fixture)",
            "warning",
        )
    delay = _detection_minutes(plan, rule.expr, rule.for_)
    allowed = durations.seconds(plan.severities.level(rule.severity).response_time) / 60
    if delay > allowed and rule.kind != "escalation":  # waiting is its purpose
        yield (
            DETECTION_DELAY,
            f"{rule.name} can take {delay} minutes to fire, beyond {rule.severity}'s "
            f"response time of {allowed:g} minutes",
            "warning",
        )


def locate(problem: Problem, places: Mapping[str, Place]) -> Problem:
    """A finding about an alert the plan defines points at the alert in the plan (every
    message starts with the alert's name); generated alerts keep their rules file."""
    place = places.get(problem.message.partition(" ")[0])
    if problem.rule not in RULES or place is None:
        return problem
    return replace(problem, file=place.file, line=place.line, column=place.column)


def _firing_tests(out: Path) -> set[str]:
    names: set[str] = set()
    for path in (out / "prometheus/tests").glob("*.test.yml"):
        for group in yaml.safe_load(path.read_text())["tests"]:
            names |= {c["alertname"] for c in group["alert_rule_test"] if c["exp_alerts"]}
    return names


def _detection_minutes(plan: Plan, expr: str, for_: str) -> int:
    """Rate window plus `for`, ignoring `offset` baselines (they delay nothing)."""
    windows = [without_baselines(e) for e in dependencies(plan, [expr])]
    return settle_minutes(windows) + round(durations.seconds(for_) / 60)
