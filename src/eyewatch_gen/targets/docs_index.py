"""`docs/README.md`: the index of the generated documentation, the entry point of the
published docs folder: alerts and on-call, maintenance and calendar, recovery procedures,
troubleshooting guides and every alert's runbook by area."""

from __future__ import annotations

from typing import Any

from eyewatch_gen.artifacts import Artifact, text_artifact
from eyewatch_gen.layout import (
    ALERTS_DOC,
    CALENDAR,
    DOCS_INDEX,
    LOGGING_DOC,
    MAINTENANCE_DOC,
    ONCALL_DOC,
    docs_relative,
    runbook_path,
)
from eyewatch_gen.plan import calendar
from eyewatch_gen.plan.model import Plan
from eyewatch_gen.plan.runbooks import pages
from eyewatch_gen.templating import render_template


def render(plan: Plan) -> list[Artifact]:
    """The index page."""
    guides = plan.runbooks.guides if plan.runbooks else {}
    documents = [
        (ALERTS_DOC, "Alerts", "every alert: condition, level, who it reaches, runbook"),
        (ONCALL_DOC, "On-call", "levels, who is notified when, rotation and escalation"),
    ]
    if plan.maintenance or plan.recovery or plan.maintenance_windows:
        documents.append(
            (MAINTENANCE_DOC, "Maintenance", "routines by cadence and owner, backups, windows")
        )
    if plan.logging:
        documents.append((LOGGING_DOC, "Logging", "log sources, classes and retention"))
    return [
        text_artifact(
            DOCS_INDEX,
            render_template(
                "docs-index.md.j2",
                platform=plan.platform,
                base_url=plan.runbooks.base_url if plan.runbooks else None,
                documents=[
                    {"path": docs_relative(p), "title": t, "what": w} for p, t, w in documents
                ],
                calendar=f"../{CALENDAR}" if calendar.occurrences(plan) else None,
                recovery=_guides(plan, guides, "recovery"),
                troubleshooting=_guides(plan, guides, "troubleshooting"),
                areas=_areas(plan),
            ),
        )
    ]


def _guides(plan: Plan, guides: Any, kind: str) -> list[dict[str, str]]:
    return [
        {"title": g.title, "path": docs_relative(runbook_path(name)), "summary": g.summary}
        for name, g in guides.items()
        if g.kind == kind
    ]


def _areas(plan: Plan) -> list[dict[str, Any]]:
    by_area: dict[str, list[dict[str, Any]]] = {}
    for page in pages(plan):
        by_area.setdefault(page.area, []).append(
            {
                "name": page.name,
                "path": docs_relative(runbook_path(page.name)),
                "levels": "/".join(dict.fromkeys(r.severity for r in page.rules)),
                "covered": page.covered,
            }
        )
    return [
        {"title": plan.areas[a].title if a in plan.areas else a, "pages": rows}
        for a, rows in by_area.items()
    ]
