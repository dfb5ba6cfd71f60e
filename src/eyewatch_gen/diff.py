"""Semantic diff of two plans, for pull-request review: what changed for people, in sentences.

Compares what each plan renders (rules, routes, dashboards, windows, retention), not the YAML,
so a moved block is no change and a P1 -> P3 edit is called out as a downgrade.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

from eyewatch_gen.plan import durations
from eyewatch_gen.plan.alerting import level_routes
from eyewatch_gen.plan.catalog import rule_groups
from eyewatch_gen.plan.dashboards import layouts
from eyewatch_gen.plan.model import Plan
from eyewatch_gen.problems import UsageError

Section = Literal["alerts", "routing", "maintenance", "dashboards", "retention"]
ChangeKind = Literal["added", "removed", "changed", "downgrade"]


@dataclass
class Change:
    """One reviewable change."""

    section: Section
    kind: ChangeKind
    subject: str
    detail: str = ""


@dataclass
class PlanDiff:
    """All changes between a base plan and the current one."""

    changes: list[Change] = field(default_factory=list)

    @property
    def downgrades(self) -> list[Change]:
        """Severity downgrades (P1 -> P3 and the like)."""
        return [c for c in self.changes if c.kind == "downgrade"]


def read_base(base: str, plan_path: Path) -> str:
    """The base plan's text: a file path, or `REF` meaning `git show REF:<plan>`."""
    candidate = Path(base)
    if candidate.is_file():
        return candidate.read_text(encoding="utf-8")
    directory = plan_path.resolve().parent
    try:
        top = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            cwd=directory,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        relative = plan_path.resolve().relative_to(top).as_posix()
        return subprocess.run(
            ["git", "show", f"{base}:{relative}"],
            cwd=top,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (subprocess.CalledProcessError, FileNotFoundError, ValueError) as error:
        raise UsageError(
            f"base plan {base}: neither a file nor a git ref holding "
            f"{plan_path} ({getattr(error, 'stderr', '') or error})".strip()
        ) from None


def compare(old: Plan, new: Plan) -> PlanDiff:
    """Every change from `old` to `new`."""
    result = PlanDiff()
    for section in (_alerts, _routing, _windows, _dashboards, _retention):
        result.changes += section(old, new)
    return result


def _alert_view(plan: Plan) -> dict[str, dict[str, str]]:
    view = {}
    for group in rule_groups(plan):
        for rule in group.alerting:
            key = rule.name + (
                f" ({rule.labels['sloth_severity']})" if "sloth_severity" in rule.labels else ""
            )
            alert = rule.alert
            threshold = f"{alert.op} {alert.threshold:g}" if alert and alert.op else ""
            view[key] = {
                "severity": rule.severity,
                "threshold": threshold,
                "for": rule.for_,
                "expression": rule.expr,
            }
    return view


def _alerts(old: Plan, new: Plan) -> list[Change]:
    before, after = _alert_view(old), _alert_view(new)
    changes = [
        Change("alerts", "added", name, after[name]["severity"])
        for name in after
        if name not in before
    ]
    changes += [
        Change("alerts", "removed", name, before[name]["severity"])
        for name in before
        if name not in after
    ]
    for name in (n for n in after if n in before):
        for key in ("severity", "threshold", "for", "expression"):
            was, now = before[name][key], after[name][key]
            if was == now:
                continue
            # P1 < P2 < P3 < P4 as strings: a larger level is a downgrade
            kind: ChangeKind = "downgrade" if key == "severity" and now > was else "changed"
            shown = f"`{was}` → `{now}`" if key != "expression" else "expression changed"
            changes.append(Change("alerts", kind, name, f"{key}: {shown}"))
    return [
        c
        for c in changes
        if not (c.detail.startswith("expression") and _threshold_explains(changes, c.subject))
    ]


def _threshold_explains(changes: list[Change], subject: str) -> bool:
    """A threshold edit rewrites the expression too: report the threshold only."""
    return any(c.subject == subject and c.detail.startswith("threshold") for c in changes)


def _route_view(plan: Plan) -> dict[str, str]:
    return {
        f"{r.level}" + (f" for team {r.team}" if r.team else ""): ", ".join(r.channels)
        for r in level_routes(plan)
    }


def _routing(old: Plan, new: Plan) -> list[Change]:
    before, after = _route_view(old), _route_view(new)
    changes = []
    for key in sorted(set(before) | set(after)):
        if before.get(key) != after.get(key):
            was, now = before.get(key, "nothing"), after.get(key, "nothing")
            changes.append(Change("routing", "changed", key, f"now reaches {now} (was {was})"))
    return changes


def _windows(old: Plan, new: Plan) -> list[Change]:
    before = {w.name: w.model_dump(mode="json") for w in old.maintenance_windows}
    after = {w.name: w.model_dump(mode="json") for w in new.maintenance_windows}
    return _keyed("maintenance", before, after, lambda w: f"mutes {', '.join(w['mute'])}")


def _dashboards(old: Plan, new: Plan) -> list[Change]:
    def view(plan: Plan) -> dict[str, set[str]]:
        return {b.slug: {p.title for p in b.panels if p.kind != "row"} for b in layouts(plan)}

    before, after = view(old), view(new)
    changes = [Change("dashboards", "added", slug) for slug in after if slug not in before]
    changes += [Change("dashboards", "removed", slug) for slug in before if slug not in after]
    for slug in (s for s in after if s in before):
        for title in sorted(after[slug] - before[slug]):
            changes.append(Change("dashboards", "added", f"{slug}: panel {title}"))
        for title in sorted(before[slug] - after[slug]):
            changes.append(Change("dashboards", "removed", f"{slug}: panel {title}"))
    return changes


def _retention(old: Plan, new: Plan) -> list[Change]:
    def view(plan: Plan) -> dict[str, dict[str, object]]:
        if plan.logging is None:
            return {}
        return {n: c.retention.model_dump(mode="json") for n, c in plan.logging.classes.items()}

    def describe(r: dict[str, object]) -> str:
        return f"delete after {r['delete_after']}"

    changes = _keyed("retention", view(old), view(new), describe)
    for change in changes:
        if change.kind == "changed" and "delete after" in change.detail:
            was, now = change.detail.split(" → ")
            if durations.seconds(now.split()[-1]) < durations.seconds(was.split()[-1]):
                change.detail += " (kept for less time)"
    return changes


def _keyed(
    section: Section,
    before: dict[str, dict[str, object]],
    after: dict[str, dict[str, object]],
    describe: object,
) -> list[Change]:
    assert callable(describe)
    changes = [
        Change(section, "added", k, describe(v)) for k, v in after.items() if k not in before
    ]
    changes += [
        Change(section, "removed", k, describe(v)) for k, v in before.items() if k not in after
    ]
    changes += [
        Change(
            section,
            "changed",
            k,
            f"{describe(before[k])} → {describe(v)}"
            if describe(before[k]) != describe(v)
            else "settings changed",
        )
        for k, v in after.items()
        if k in before and before[k] != v
    ]
    return changes


_TITLES = {
    "alerts": "Alerts",
    "routing": "Routing",
    "maintenance": "Maintenance windows",
    "dashboards": "Dashboards",
    "retention": "Log retention",
}


def markdown(result: PlanDiff, base: str) -> str:
    """A pull-request comment."""
    if not result.changes:
        return f"### eyewatch-gen: no monitoring changes against `{base}`\n"
    lines = [f"### eyewatch-gen: {len(result.changes)} monitoring change(s) against `{base}`", ""]
    if result.downgrades:
        lines += [
            "> [!WARNING]",
            "> Severity downgrades: "
            + "; ".join(
                f"**{c.subject}** {c.detail.removeprefix('severity: ')}" for c in result.downgrades
            ),
            "",
        ]
    for section, title in _TITLES.items():
        items = [c for c in result.changes if c.section == section]
        if items:
            lines.append(f"#### {title}")
            lines += [
                f"- **{c.kind}** {c.subject}" + (f": {c.detail}" if c.detail else "") for c in items
            ]
            lines.append("")
    return "\n".join(lines)


def as_json(result: PlanDiff) -> str:
    """The changes as JSON."""
    return (
        json.dumps(
            {"changes": [asdict(c) for c in result.changes], "downgrades": len(result.downgrades)},
            indent=2,
        )
        + "\n"
    )
