"""The deployed-rules check: the rule groups the server has loaded (`/api/v1/rules`) against the
generated rule files. A generated group the server lacks is `missing`; one whose rules differ
is `stale` (the server runs another version of it); a loaded group named like ours that is no
longer generated is `extra`. Rules the server fails to evaluate are reported with their error.

Expressions are compared modulo formatting (see `canonical`): the server prints them back in
its own layout.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from eyewatch_gen.plan import durations
from eyewatch_gen.promql.canonical import canonical

GroupState = Literal["in sync", "missing", "stale", "extra"]


@dataclass(frozen=True)
class GroupCheck:
    """One rule group: generated (file relative to the tree), loaded, or both."""

    name: str
    file: str
    state: GroupState
    details: tuple[str, ...] = ()


@dataclass(frozen=True)
class RuleError:
    """A loaded rule of ours that the server fails to evaluate."""

    group: str
    file: str
    rule: str
    error: str


def generated_groups(out: Path) -> list[tuple[str, dict[str, Any]]]:
    """(file relative to `out`, group) for every group in the generated rule files."""
    found = []
    for path in sorted((out / "prometheus/rules").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        found += [(path.relative_to(out).as_posix(), g) for g in data.get("groups", [])]
    return found


def compare(
    generated: list[tuple[str, dict[str, Any]]], loaded: list[dict[str, Any]], platform: str
) -> tuple[list[GroupCheck], list[RuleError]]:
    """Each generated group's state, loaded groups of ours no longer generated, rule errors."""
    by_name = {g["name"]: g for g in loaded}
    names = {group["name"] for _, group in generated}
    files = {Path(file).name for file, _ in generated}
    checks = [_check(file, group, by_name.get(group["name"])) for file, group in generated]
    for group in loaded:
        ours = group["name"].startswith(f"{platform}-") or Path(group.get("file", "")).name in files
        if group["name"] not in names and ours:
            checks.append(
                GroupCheck(group["name"], group.get("file", ""), "extra", ("no longer generated",))
            )
    owner = {group["name"]: file for file, group in generated}
    errors = [
        RuleError(g["name"], owner[g["name"]], r.get("name", "?"), r.get("lastError", ""))
        for g in loaded
        if g["name"] in owner
        for r in g.get("rules", [])
        if r.get("health") == "err"
    ]
    return checks, errors


def _check(file: str, group: dict[str, Any], loaded: dict[str, Any] | None) -> GroupCheck:
    if loaded is None:
        return GroupCheck(group["name"], file, "missing", ("not loaded",))
    details = _rule_differences(group.get("rules", []), loaded.get("rules", []))
    return GroupCheck(group["name"], file, "stale" if details else "in sync", tuple(details))


def _rule_differences(wanted: list[dict[str, Any]], loaded: list[dict[str, Any]]) -> list[str]:
    ours = _keyed([_from_file(r) for r in wanted])
    theirs = _keyed([_from_api(r) for r in loaded])
    details = [f"{key[1]}: not loaded" for key in ours if key not in theirs]
    details += [f"{key[1]}: loaded but no longer generated" for key in theirs if key not in ours]
    for key, rule in ours.items():
        if key in theirs:
            details += [f"{key[1]}: {d}" for d in _differences(rule, theirs[key])]
    if not details and list(ours) != list(theirs):
        details.append("rules in another order")
    return details


def _keyed(rules: list[dict[str, Any]]) -> dict[tuple[str, str, int], dict[str, Any]]:
    seen: Counter[tuple[str, str]] = Counter()
    keyed = {}
    for rule in rules:
        ident = (rule["type"], rule["name"])
        keyed[(*ident, seen[ident])] = rule
        seen[ident] += 1
    return keyed


def _from_file(rule: dict[str, Any]) -> dict[str, Any]:
    alerting = "alert" in rule
    return {
        "type": "alerting" if alerting else "recording",
        "name": rule.get("alert") or rule.get("record"),
        "expr": str(rule["expr"]),
        "for": durations.seconds(str(rule.get("for", "0s"))),
        "keep_firing_for": durations.seconds(str(rule.get("keep_firing_for", "0s"))),
        "labels": {k: str(v) for k, v in (rule.get("labels") or {}).items()},
        "annotations": {k: str(v) for k, v in (rule.get("annotations") or {}).items()},
    }


def _from_api(rule: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": rule.get("type", "recording"),
        "name": rule.get("name", ""),
        "expr": str(rule.get("query", "")),
        "for": float(rule.get("duration", 0) or 0),
        "keep_firing_for": float(rule["keepFiringFor"]) if "keepFiringFor" in rule else None,
        "labels": dict(rule.get("labels") or {}),
        "annotations": dict(rule.get("annotations") or {}),
    }


def _differences(ours: dict[str, Any], theirs: dict[str, Any]) -> list[str]:
    found = []
    if canonical(ours["expr"]) != canonical(theirs["expr"]):
        found.append(f"expression differs (loaded: {_short(theirs['expr'])})")
    for key in ("for", "keep_firing_for"):
        if theirs[key] is not None and ours[key] != theirs[key]:
            found.append(f"{key} {_duration(ours[key])}, loaded {_duration(theirs[key])}")
    for key in ("labels", "annotations"):
        changed = sorted(
            k
            for k in ours[key].keys() | theirs[key].keys()
            if ours[key].get(k) != theirs[key].get(k)
        )
        if changed:
            found.append(f"{key} differ: {', '.join(changed)}")
    return found


def _duration(value: float) -> str:
    return durations.format_seconds(value)


def _short(text: str, limit: int = 80) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."
