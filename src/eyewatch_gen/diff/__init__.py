"""Semantic diff of two plans, for pull-request review: what changed for people, in sentences.

Compares what each plan renders (rules, routes, timings, escalation, SLOs, windows, retention,
dashboards), not the YAML, so a moved block is no change, and every change that weakens
paging (an alert removed, a severity lowered, a later or missing page, a lower objective, a
level muted, less retention) is said as such and classed for `--fail-on`.
"""

from __future__ import annotations

from eyewatch_gen.diff.alerts import compare_alerts, compare_recording
from eyewatch_gen.diff.base import load_base
from eyewatch_gen.diff.model import CLASSES, Change, PlanDiff
from eyewatch_gen.diff.promises import compare_dashboards, compare_retention, compare_slos
from eyewatch_gen.diff.report import as_json, markdown
from eyewatch_gen.diff.routing import compare_levels, compare_oncall, compare_routing
from eyewatch_gen.diff.windows import compare_windows
from eyewatch_gen.plan.model import Plan

__all__ = ["CLASSES", "Change", "PlanDiff", "as_json", "compare", "load_base", "markdown"]

_SECTIONS = (
    compare_alerts,
    compare_recording,
    compare_routing,
    compare_levels,
    compare_oncall,
    compare_slos,
    compare_windows,
    compare_dashboards,
    compare_retention,
)


def compare(old: Plan, new: Plan) -> PlanDiff:
    """Every change from `old` to `new`."""
    return PlanDiff([change for section in _SECTIONS for change in section(old, new)])
