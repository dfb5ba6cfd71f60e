"""Runbook pages: `docs/runbooks/<Alert>.md` for every alert, generated ones included, and
`docs/runbooks/<guide>.md` for every guide of the plan.

An alert's page says what fired and who hears of it, what to check first from the plan's own
data (the condition and its query, the metric and its panel, the recent-changes hint, the
guides' first checks), then the attached guides' steps. Alert names are CamelCase and guide
names lower case, so the two kinds of page never collide. Every alert's `runbook_url` points
at its page (`runbooks.base_url` plus `runbooks/<Alert>.md`).
"""

from __future__ import annotations

from typing import Any

from eyewatch_gen.artifacts import Artifact, text_artifact
from eyewatch_gen.layout import runbook_path, test_path
from eyewatch_gen.plan import escalation, gotemplate
from eyewatch_gen.plan.alerting import alerting, level_routes
from eyewatch_gen.plan.dashboards import layouts
from eyewatch_gen.plan.memo import per_plan
from eyewatch_gen.plan.model import Guide, Plan
from eyewatch_gen.plan.rules import AlertingRule
from eyewatch_gen.plan.runbooks import Page, pages, users
from eyewatch_gen.templating import render_template

KINDS = {
    "threshold": "threshold on a plan metric",
    "raw": "PromQL condition from the plan",
    "target-down": "generated: a scrape target is down",
    "targets-missing": "generated: no scrape target of a job is healthy or found",
    "probe": "generated: a blackbox probe of a user-facing endpoint fails",
    "certificate": "generated: a TLS certificate expires soon",
    "traffic-stopped": "generated: a service's requests stopped",
    "absent": "generated: a critical metric's source series is absent",
    "slo": "generated: SLO error budget burn rate",
    "escalation": "generated: an alert of an escalated level is unresolved",
    "backup": "generated from the recovery objectives: backup age",
    "restore": "generated from the recovery objectives: restore test duration",
    "overdue": "generated from a maintenance routine: completion overdue",
    "log": "log events (ElastAlert 2), sent to Alertmanager",
}


def render(plan: Plan) -> list[Artifact]:
    """A page per alert name and a page per guide."""
    artifacts = [
        text_artifact(runbook_path(page.name), _alert_page(plan, page)) for page in pages(plan)
    ]
    guides = plan.runbooks.guides if plan.runbooks else {}
    artifacts += [
        text_artifact(runbook_path(name), _guide_page(plan, name, guide))
        for name, guide in guides.items()
    ]
    return artifacts


def _alert_page(plan: Plan, page: Page) -> str:
    guides = plan.runbooks.guides if plan.runbooks else {}
    area = plan.areas.get(page.area)
    return render_template(
        "runbook.md.j2",
        alert=page.name,
        area=area.title if area else page.area,
        team=page.rules[0].labels.get("team"),
        rules=[_rule(plan, page, rule) for rule in page.rules],
        recent_changes=plan.runbooks.recent_changes if plan.runbooks else "",
        checks=[item for name in page.guides for item in guides[name].check],
        guides=[_guide(plan, name, guides[name]) for name in page.guides],
        external=page.external,
        escalated=page.rules[0].kind == "escalation",
    )


def _rule(plan: Plan, page: Page, rule: AlertingRule) -> dict[str, Any]:
    level = plan.severities.level(rule.severity)
    receiver = alerting(plan).route(rule.labels).receiver
    metric = rule.alert.metric if rule.alert else None
    spec = plan.metrics[metric] if metric else None
    return {
        "level": rule.severity,
        "meaning": level.description,
        "response": level.response_time,
        "receiver": receiver,
        "channels": ", ".join(_channels(plan).get(receiver, ())),
        "escalates": [] if rule.kind == "escalation" else _escalations(plan, rule.severity),
        "kind": KINDS[rule.kind],
        "summary": gotemplate.placeholders(rule.annotations["summary"]),
        "description": gotemplate.placeholders(rule.annotations.get("description", "")),
        "expr": rule.expr,
        "promql": rule.kind != "log",
        "for": rule.for_,
        "labels": {k: v for k, v in rule.labels.items() if k not in ("severity", "area", "team")},
        "metric": metric,
        "metric_description": spec.description if spec else "",
        "metric_expr": spec.expr.strip() if spec and spec.record else "",
        "record": spec.record if spec else None,
        "panel": rule.annotations.get("dashboard_url"),
        "tests": test_path(page.area) if rule.test is not None or rule.kind == "slo" else None,
    }


@per_plan
def _channels(plan: Plan) -> dict[str, tuple[str, ...]]:
    """Receiver -> the plan channels it notifies."""
    found = {route.receiver: route.channels for route in level_routes(plan)}
    found.update({step.receiver: step.channels for step in escalation.steps(plan)})
    return found


def _escalations(plan: Plan, level: str) -> list[str]:
    if level not in escalation.levels(plan):
        return []
    return [f"{s.name} after {s.after} ({', '.join(s.channels)})" for s in escalation.steps(plan)]


def _guide(plan: Plan, name: str, guide: Guide) -> dict[str, Any]:
    boards = _boards(plan)
    return {
        "name": name,
        "title": guide.title,
        "kind": guide.kind,
        "summary": guide.summary,
        "check": guide.check,
        "steps": guide.steps,
        "verify": guide.verify,
        "links": [{"title": link.title, "url": link.url} for link in guide.links],
        "dashboards": [boards[slug] for slug in guide.dashboards if slug in boards],
        "related": [
            {"name": other, "title": plan.runbooks.guides[other].title}
            for other in guide.related
            if plan.runbooks and other in plan.runbooks.guides
        ],
    }


@per_plan
def _boards(plan: Plan) -> dict[str, dict[str, str]]:
    """Dashboard slug -> its title and URL (a path without the plan's Grafana URL)."""
    base = plan.grafana.url.rstrip("/") if plan.grafana else ""
    return {
        board.slug: {"title": board.title, "url": f"{base}/d/{board.uid}/{board.slug}"}
        for board in layouts(plan)
    }


def _guide_page(plan: Plan, name: str, guide: Guide) -> str:
    recovery = plan.recovery
    return render_template(
        "guide.md.j2",
        guide=_guide(plan, name, guide),
        objectives=(
            {"rpo": recovery.rpo, "rto": recovery.rto}
            if recovery and guide.kind == "recovery"
            else None
        ),
        alerts=[page.name for page in users(plan, name)],
    )
