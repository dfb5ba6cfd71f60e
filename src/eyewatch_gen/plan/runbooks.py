"""The runbook view: one page per alert name (Prometheus rules and log alerts), with the
guides attached to it.

A guide is attached to an alert directly (`runbook: <guide>` on the alert, its alert set, its
SLO or its routine) or through a class (`applies_to` of the guide: kinds, areas, severities,
services). An alert "has a runbook" when a guide is attached or it names an outside URL; the
`policy/runbook` lint check reports every alert, generated ones included, that has none.
"""

from __future__ import annotations

from dataclasses import dataclass

from eyewatch_gen.plan.catalog import rule_groups
from eyewatch_gen.plan.links import is_url
from eyewatch_gen.plan.log_alerts import LogRule, condition, log_rules
from eyewatch_gen.plan.memo import per_plan
from eyewatch_gen.plan.model import AlertClass, Plan
from eyewatch_gen.plan.rules import AlertingRule


@dataclass(frozen=True)
class Page:
    """The runbook page of one alert name (an SLO's page and ticket alerts share a name)."""

    name: str
    area: str  # the rule group (and file) the alert lives in
    rules: tuple[AlertingRule, ...]
    guides: tuple[str, ...]  # attached guides: the named one first, then by class
    external: str | None  # an outside runbook URL the alert names

    @property
    def covered(self) -> bool:
        """Whether people wrote guidance for this alert (a guide, or an outside runbook)."""
        return bool(self.guides or self.external)


def area_of(rule: AlertingRule, group_area: str) -> str:
    """The alert's area label (escalation alerts take theirs from the alert they escalate)."""
    return rule.labels.get("area", group_area)


def matches(kind: AlertClass, rule: AlertingRule, area: str) -> bool:
    """Whether `rule` (of rule group `area`) belongs to the class."""
    return (
        (not kind.kinds or rule.kind in kind.kinds)
        and (not kind.areas or area_of(rule, area) in kind.areas)
        and (not kind.severities or rule.severity in kind.severities)
        and (not kind.services or rule.labels.get("service") in kind.services)
    )


def attached(plan: Plan, rule: AlertingRule, area: str) -> tuple[str, ...]:
    """Guides attached to `rule`: the one it names, then every guide whose class covers it."""
    guides = plan.runbooks.guides if plan.runbooks else {}
    named = [rule.runbook] if rule.runbook and not is_url(rule.runbook) else []
    by_class = [
        name
        for name, guide in guides.items()
        if any(matches(kind, rule, area) for kind in guide.applies_to)
    ]
    return tuple(dict.fromkeys([*named, *by_class]))


def log_rule(log: LogRule) -> AlertingRule:
    """A log alert (ElastAlert) as a rule for its runbook page: its condition in words."""
    alert = log.alert
    return AlertingRule(
        name=alert.name,
        expr=f"{condition(alert)}, in data stream {log.index}",
        for_="0s",
        severity=alert.severity,
        labels=dict(log.labels),
        annotations={"summary": alert.summary, "description": alert.description},
        kind="log",
        runbook=alert.runbook,
    )


@per_plan
def pages(plan: Plan) -> list[Page]:
    """One page per alert name: Prometheus rules in rule order, then log alerts."""
    found: dict[str, Page] = {}
    placed = [(g.area, r) for g in rule_groups(plan) for r in g.alerting]
    placed += [(log.labels["area"], log_rule(log)) for log in log_rules(plan)]
    for area, rule in placed:
        page = found.get(rule.name)
        guides = attached(plan, rule, area)
        if page is None:
            external = rule.runbook if rule.runbook and is_url(rule.runbook) else None
            found[rule.name] = Page(rule.name, area, (rule,), guides, external)
        else:
            merged = tuple(dict.fromkeys([*page.guides, *guides]))
            found[rule.name] = Page(
                page.name, page.area, (*page.rules, rule), merged, page.external
            )
    return list(found.values())


def users(plan: Plan, guide: str) -> list[Page]:
    """The pages a guide is attached to."""
    return [page for page in pages(plan) if guide in page.guides]
