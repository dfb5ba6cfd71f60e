"""`diff` output: a Markdown pull-request comment, or JSON."""

from __future__ import annotations

import json
from dataclasses import asdict

from eyewatch_gen.diff.model import CLASSES, Change, PlanDiff

TITLES = {
    "alerts": "Alerts",
    "recording": "Recording rules",
    "routing": "Routing",
    "levels": "Levels",
    "oncall": "On-call escalation",
    "slos": "SLOs",
    "maintenance": "Maintenance windows",
    "dashboards": "Dashboards",
    "retention": "Log retention",
}


def markdown(result: PlanDiff, base: str) -> str:
    """A pull-request comment: warnings first, then each section's changes."""
    if not result.changes:
        return f"### eyewatch-gen: no monitoring changes against `{base}`\n"
    lines = [f"### eyewatch-gen: {len(result.changes)} monitoring change(s) against `{base}`", ""]
    lines += _warnings(result)
    for section, title in TITLES.items():
        items = [c for c in result.changes if c.section == section]
        if items:
            lines.append(f"#### {title}")
            lines += [_line(c) for c in items]
            lines.append("")
    return "\n".join(lines)


def _line(change: Change) -> str:
    return f"- **{change.kind}** {change.subject}" + (f": {change.detail}" if change.detail else "")


def _warnings(result: PlanDiff) -> list[str]:
    downgrades = result.downgrades
    weaker = [c for c in result.of_class("weakened") if c not in downgrades]
    if not downgrades and not weaker:
        return []
    lines = ["> [!WARNING]"]
    if downgrades:
        lines.append(
            "> Severity downgrades: "
            + "; ".join(f"**{c.subject}** {_bare(c.detail)}" for c in downgrades)
        )
    if weaker:
        lines.append(
            "> Weakens paging: " + "; ".join(f"**{c.subject}** {c.detail}" for c in weaker)
        )
    return [*lines, ""]


def _bare(detail: str) -> str:
    return (
        detail.removeprefix("severity ").removeprefix("page level ").removeprefix("ticket level ")
    )


def as_json(result: PlanDiff) -> str:
    """The changes as JSON, each with its `--fail-on` classes, and a count per class."""
    data = {
        "changes": [{**asdict(c), "classes": list(c.classes)} for c in result.changes],
        **{_plural(name): len(result.of_class(name)) for name in CLASSES if name != "any"},
    }
    return json.dumps(data, indent=2) + "\n"


def _plural(name: str) -> str:
    return {"downgrade": "downgrades"}.get(name, name)
