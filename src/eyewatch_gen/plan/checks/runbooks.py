"""Runbooks: every guide an alert, routine or guide names is defined, and what a guide points
at (areas, dashboards, other guides) exists."""

from __future__ import annotations

from collections.abc import Iterator

from eyewatch_gen.plan.checks.common import UNKNOWN_AREA, Check, dangling
from eyewatch_gen.plan.checks.references import UNKNOWN_DASHBOARD
from eyewatch_gen.plan.links import is_url
from eyewatch_gen.plan.model import Plan
from eyewatch_gen.plan.source import Source
from eyewatch_gen.problems import Path, Problem

UNKNOWN_RUNBOOK = "plan/unknown-runbook"


def references(plan: Plan) -> Iterator[tuple[Path, str]]:
    """(path, guide name) of every place the plan names a guide."""
    for i, alert in enumerate(plan.alerts):
        yield ("alerts", i, "runbook"), alert.runbook or ""
    for i, slo in enumerate(plan.slos):
        yield ("slos", i, "alerting", "runbook"), slo.alerting.runbook or ""
    if plan.maintenance is not None:
        for i, routine in enumerate(plan.maintenance.routines):
            yield ("maintenance", "routines", i, "runbook"), routine.runbook or ""
    if plan.runbooks is not None:
        for name, guide in plan.runbooks.guides.items():
            for j, other in enumerate(guide.related):
                yield ("runbooks", "guides", name, "related", j), other


def _named_guides(plan: Plan, source: Source) -> Iterator[Problem]:
    guides = plan.runbooks.guides if plan.runbooks else {}
    for path, name in references(plan):
        if name and not is_url(name) and name not in guides:
            yield dangling(source, path, "runbook", name, guides, UNKNOWN_RUNBOOK)


def _guide_targets(plan: Plan, source: Source) -> Iterator[Problem]:
    if plan.runbooks is None:
        return
    boards = {*plan.areas, *plan.dashboards, "overview"}
    for name, guide in plan.runbooks.guides.items():
        at = ("runbooks", "guides", name)
        for j, board in enumerate(guide.dashboards):
            if board not in boards:
                yield dangling(
                    source, (*at, "dashboards", j), "dashboard", board, boards, UNKNOWN_DASHBOARD
                )
        for j, kind in enumerate(guide.applies_to):
            for k, area in enumerate(kind.areas):
                if area not in plan.areas:
                    yield dangling(
                        source,
                        (*at, "applies_to", j, "areas", k),
                        "area",
                        area,
                        plan.areas,
                        UNKNOWN_AREA,
                    )


CHECKS: tuple[Check, ...] = (_named_guides, _guide_targets)
