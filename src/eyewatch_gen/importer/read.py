"""Rule files as they come: Prometheus rule files (`groups:`), PrometheusRule objects (one
or many, `---` separated, or a `kind: List`), and mixin output (`prometheusAlerts`,
`prometheusRules`, as YAML or JSON). Every rule keeps the position it was written at.
Format: https://prometheus.io/docs/prometheus/latest/configuration/recording_rules/
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any

from eyewatch_gen.plan.source import Source, read_documents
from eyewatch_gen.problems import Path, PlanError, Problem, UsageError

_RULE_KEYS = frozenset(
    {"alert", "record", "expr", "for", "keep_firing_for", "labels", "annotations"}
)


@dataclass(frozen=True)
class RuleIn:
    """One rule read from a file: an alerting rule (`alert`) or a recording rule (`record`)."""

    place: str  # file:line:column
    group: str
    kind: str  # "alert" or "record"
    name: str
    expr: str
    for_: str | None = None
    keep_firing_for: str | None = None
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Refusal:
    """A rule (or part of one) the importer leaves out, and why."""

    place: str
    what: str
    why: str


@dataclass
class Read:
    """Everything read from the rule files."""

    rules: list[RuleIn] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def read_rules(paths: list[FsPath]) -> Read:
    """The rules of every file, in order. UsageError for a missing file, PlanError (with a
    position) for a file that is no rule file."""
    read = Read()
    for path in paths:
        if not path.is_file():
            raise UsageError(f"{path}: no such rule file")
        for source in read_documents(path, str(path)):
            if source.data is not None:
                _document(source, read)
    return read


def _document(source: Source, read: Read) -> None:
    found = list(_group_lists(source.data, ()))
    if not found:
        line, column = source.positions.of(())
        message = (
            "not a rule file: expected `groups:`, a PrometheusRule object (spec.groups) or "
            "mixin output (prometheusAlerts, prometheusRules)"
        )
        raise PlanError([Problem(source.file, line, column, "", message, "import/not-rules")])
    for at, groups in found:
        for index, group in enumerate(groups):
            _group(source, (*at, index), group, read)


def _group_lists(data: Any, at: Path) -> Iterator[tuple[Path, list[Any]]]:
    """Every `groups` list in a document, with its path."""
    if not isinstance(data, dict):
        return
    if isinstance(data.get("groups"), list):
        yield (*at, "groups"), data["groups"]
    spec = data.get("spec")
    if isinstance(spec, dict) and isinstance(spec.get("groups"), list):
        yield (*at, "spec", "groups"), spec["groups"]
    for key in ("prometheusAlerts", "prometheusRules"):
        yield from _group_lists(data.get(key), (*at, key))
    if isinstance(data.get("items"), list):
        for index, item in enumerate(data["items"]):
            yield from _group_lists(item, (*at, "items", index))


def _group(source: Source, at: Path, group: Any, read: Read) -> None:
    if not isinstance(group, dict) or not isinstance(group.get("rules"), list):
        read.refused.append(Refusal(source.locate(at), "a group", "it has no `rules:` list"))
        return
    name = str(group.get("name", ""))
    dropped = sorted(k for k in group if k not in ("name", "rules"))
    if dropped:
        read.notes.append(
            f"{source.locate(at)}: group {name!r}: {', '.join(dropped)} not imported (the plan "
            "evaluates every rule at the global interval)"
        )
    for index, rule in enumerate(group["rules"]):
        _rule(source, (*at, "rules", index), name, rule, read)


def _rule(source: Source, at: Path, group: str, rule: Any, read: Read) -> None:
    place = source.locate(at)
    if not isinstance(rule, dict):
        read.refused.append(Refusal(place, f"group {group!r}", "a rule must be a mapping"))
        return
    kind = "alert" if "alert" in rule else "record" if "record" in rule else ""
    name = str(rule.get(kind, ""))
    what = f"{kind or 'rule'} {name!r}" if name else f"a rule of group {group!r}"
    why = _invalid(rule, kind)
    if why:
        read.refused.append(Refusal(place, what, why))
        return
    read.rules.append(
        RuleIn(
            place,
            group,
            kind,
            name,
            str(rule["expr"]).strip(),
            _text(rule.get("for")),
            _text(rule.get("keep_firing_for")),
            _strings(rule.get("labels")),
            _strings(rule.get("annotations")),
        )
    )


def _invalid(rule: dict[str, Any], kind: str) -> str | None:
    """Why a rule cannot be read, or None."""
    if not kind or ("alert" in rule and "record" in rule):
        return "a rule has exactly one of `alert` or `record`"
    if not str(rule.get("expr", "")).strip():
        return "it has no `expr`"
    unknown = sorted(k for k in rule if k not in _RULE_KEYS)
    if unknown:
        return f"unknown keys {', '.join(unknown)} (Prometheus rejects them too)"
    if kind == "record" and rule.get("labels"):
        return "recording rules with labels: a plan metric records its expression as is"
    for key in ("labels", "annotations"):
        if rule.get(key) is not None and not isinstance(rule[key], dict):
            return f"`{key}` must be a mapping"
    return None


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _strings(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {str(k): "" if v is None else str(v) for k, v in value.items()}
