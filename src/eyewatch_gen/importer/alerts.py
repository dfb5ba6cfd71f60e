"""One imported alerting rule as plan alert fields: level, area, name, labels, annotations.

`severity` becomes the level through the severity map; `team` and `service` labels become
the alert's fields; the label named by `--area-from` (else `area`, else the group) becomes
its area; an alert renamed for the plan keeps its original name in the `original_name`
label. Annotations: `summary` (else `message`, else the description's first line, else the
name), `description`, `runbook_url` (as `runbook` when it is a plain URL), and the rest
as they are, every template rewritten into a form generated tests can predict.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from eyewatch_gen.importer import names, templates
from eyewatch_gen.importer.read import RuleIn
from eyewatch_gen.plan.fields import Level

_URL = re.compile(r"https?://[^\s\"'<>\\{}|^`]+")
_MENTIONED = re.compile(r"(?:\$labels|\.Labels)\.([a-zA-Z_][a-zA-Z0-9_]*)")
DEFAULT_SEVERITIES: dict[str, Level] = {
    "critical": "P1",
    "page": "P1",
    "high": "P2",
    "error": "P2",
    "major": "P2",
    "warning": "P3",
    "medium": "P3",
    "minor": "P3",
    "info": "P4",
    "low": "P4",
    "ticket": "P4",
    "none": "P4",
}
LEVELS = ("P1", "P2", "P3", "P4")


class RefusedError(ValueError):
    """The rule cannot become a plan alert; the message says why."""


@dataclass
class Texts:
    """An alert's rendered texts and the rewrites made to them."""

    fields: dict[str, Any]
    rewrites: list[tuple[str, str, str]] = field(default_factory=list)  # where, before, after


def level(rule: RuleIn, severity_map: dict[str, Level]) -> Level:
    """The plan level of the rule's `severity` label; RefusedError when the map has none."""
    severity = rule.labels.get("severity", "")
    if severity in LEVELS:
        return severity  # type: ignore[return-value]
    found = severity_map.get(severity.lower(), severity_map.get("default"))
    if found is None:
        what = (
            f"severity {severity!r} is not in the severity map"
            if severity
            else "the rule has no severity label and the severity map has no default"
        )
        raise RefusedError(
            f"{what}; map it with --severity-map "
            f"{severity or 'default'}=P3 (critical=P1,warning=P3,info=P4 are built in)"
        )
    return found


def area_of(rule: RuleIn, area_from: str | None) -> str:
    """The rule's area: the value of the `--area-from` label, else of `area`, else its
    group's name, as a slug."""
    for label in (area_from, "area"):
        if label and rule.labels.get(label):
            return names.slug(rule.labels[label])
    return names.slug(rule.group or "imported")


def mentioned(rule: RuleIn) -> set[str]:
    """Labels the rule's templates print (`{{ $labels.instance }}`)."""
    texts = [*rule.annotations.values(), *rule.labels.values()]
    return {found for text in texts for found in _MENTIONED.findall(text)}


def plain_labels(
    rule: RuleIn, area_from: str | None, name: str
) -> tuple[dict[str, Any], list[str]]:
    """The alert's `labels`, `team` and `service` fields, and notes on what changed."""
    fields: dict[str, Any] = {}
    labels: dict[str, str] = {}
    notes = []
    for key, value in rule.labels.items():
        if key in ("severity", "alertname", "area", area_from):
            continue
        if key == "team":
            fields["team"] = names.slug(value, "team")
        elif key == "service":
            fields["service"] = value
        else:
            fixed = names.label_name(key)
            if fixed != key:
                notes.append(f"label {key!r} is now {fixed!r}")
            labels[fixed] = value
    if name != rule.name:
        labels[names.ORIGINAL_NAME] = rule.name
    if labels:
        fields["labels"] = dict(sorted(labels.items()))
    return fields, notes


def texts(rule: RuleIn, fields: dict[str, Any], result_labels: list[str]) -> Texts:
    """Summary, description, runbook and annotations (and the label values), with every
    template rewritten; the rewrites are listed."""
    annotations = {names.label_name(k): v for k, v in rule.annotations.items()}
    summary = annotations.pop("summary", "") or annotations.get("message", "")
    description = annotations.pop("description", "")
    summary = summary or description.strip().split("\n")[0] or rule.name
    out = Texts({"summary": summary})
    if description:
        out.fields["description"] = description
    runbook = annotations.get("runbook_url", "")
    if _URL.fullmatch(runbook):
        out.fields["runbook"] = annotations.pop("runbook_url")
    if annotations:
        out.fields["annotations"] = dict(sorted(annotations.items()))
    _rewrite_all(out, {**fields, **out.fields}, result_labels)
    if not out.fields["summary"].strip():
        out.fields["summary"] = rule.name
    return out


def _rewrite_all(out: Texts, fields: dict[str, Any], result_labels: list[str]) -> None:
    for key in ("summary", "description"):
        if key in out.fields:
            out.fields[key] = _rewritten(out, key, out.fields[key], result_labels)
    for section in ("annotations", "labels"):
        if section in fields:
            out.fields[section] = {
                k: _rewritten(out, f"{section}.{k}", v, result_labels)
                for k, v in fields[section].items()
            }


def _rewritten(out: Texts, where: str, text: str, result_labels: list[str]) -> str:
    new, changes = templates.rewrite(text, result_labels)
    out.rewrites += [(where, before, after) for before, after in changes]
    return new
