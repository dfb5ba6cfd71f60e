"""`docs/logging.md`: shipping, log sources, classes, retention, where each class is stored,
and where to look for each of the monitoring plan's log analysis focus areas (saved searches,
Grafana log panels, log alerts)."""

from __future__ import annotations

from eyewatch_gen.artifacts import Artifact, text_artifact
from eyewatch_gen.layout import LOGGING_DOC
from eyewatch_gen.plan.dashboards import LOGS, layouts
from eyewatch_gen.plan.log_alerts import focus, log_rules
from eyewatch_gen.plan.log_fields import dotted
from eyewatch_gen.plan.log_searches import FOCUS_AREAS, saved_searches
from eyewatch_gen.plan.logging_view import (
    data_stream,
    joining,
    policy_name,
    unmatched_class,
)
from eyewatch_gen.plan.model import LogSource, Plan
from eyewatch_gen.templating import render_template

PATH = LOGGING_DOC


def render(plan: Plan) -> list[Artifact]:
    """The logging page (none when the plan has no logging section)."""
    logging = plan.logging
    if logging is None:
        return []
    classes = [
        {
            "name": name,
            "audit": spec.audit,
            "policy": policy_name(plan, name),
            "streams": data_stream(plan, name, logging.environment),
            "rollover": f"{spec.retention.hot.max_age} or {spec.retention.hot.max_size}",
            "warm": spec.retention.warm_after or "-",
            "cold": spec.retention.cold_after or "-",
            "delete": spec.retention.delete_after,
        }
        for name, spec in logging.classes.items()
    ]
    sources = [
        {
            "service": s.service,
            "format": s.format,
            "log_class": s.log_class,
            "dropped": "; ".join(
                f"{r.field} {'= ' + r.equals if r.equals is not None else '~ ' + str(r.matches)}"
                for r in s.drop
            )
            or "-",
            "joined": _joined(s),
            "container": s.container or "all",
        }
        for s in logging.sources
    ]
    return [
        text_artifact(
            PATH,
            render_template(
                "logging.md.j2",
                platform=plan.platform,
                port=logging.beats_port,
                match_field=logging.match_field,
                user=logging.output.user,
                password=logging.output.password,
                sources=sources,
                classes=classes,
                unmatched_class=unmatched_class(logging),
                security=logging.security,
                security_class=logging.security_class,
                selector=dotted(logging.match_field),
                shipping=logging.shipping,
                focus=_focus(plan),
            ),
        )
    ]


def _joined(source: LogSource) -> str:
    rule = joining(source)
    if rule is None:
        return "one event per line"
    if rule.negate:
        return f"a new event starts at `{rule.pattern}`"
    return "stack traces (indented and `Caused by:` lines) joined"


def _focus(plan: Plan) -> list[dict[str, str]]:
    """Per focus area: the saved searches, Grafana log panels and log alerts that serve it."""
    found: dict[str, list[str]] = {area: [] for area in FOCUS_AREAS}
    for search in saved_searches(plan):
        found[search.focus].append(f'Kibana search "{search.title}"')
    for board in layouts(plan):
        for panel in board.panels if board.slug == LOGS else []:
            if panel.focus:
                found[panel.focus].append(f'Grafana panel "{panel.title}" ({board.slug})')
    for rule in log_rules(plan):
        found[focus(plan, rule.alert)].append(f"alert {rule.name} ({rule.alert.severity})")
    return [{"area": area, "where": "; ".join(items) or "-"} for area, items in found.items()]
