"""Links that alerts carry: where an alert's runbook is published."""

from __future__ import annotations

from eyewatch_gen.layout import docs_relative, runbook_path
from eyewatch_gen.plan.model import Plan


def is_url(ref: str) -> bool:
    """Whether a runbook reference is an outside URL (else it names a guide)."""
    return ref.startswith(("http://", "https://"))


def published(plan: Plan, page: str) -> str | None:
    """The URL of runbook page `page` where the plan publishes its docs folder, or None."""
    if plan.runbooks is None:
        return None
    return f"{plan.runbooks.base_url.rstrip('/')}/{docs_relative(runbook_path(page))}"


def runbook_url(plan: Plan, alert: str, ref: str | None) -> str | None:
    """An alert's `runbook_url`: its generated page when the plan publishes runbook pages,
    else the outside URL the alert names, else None."""
    page = published(plan, alert)
    if page is not None:
        return page
    return ref if ref is not None and is_url(ref) else None
