"""The generated recording rules by record name, and which of them a selector reads.

Several rules may record the same name with different static labels (the SLO rules do): a
selector reads those whose static labels its matchers accept.
"""

from __future__ import annotations

from eyewatch_gen.plan.catalog import rule_groups
from eyewatch_gen.plan.model import Plan
from eyewatch_gen.plan.rules import RecordingRule
from eyewatch_gen.promql.selectors import Matcher, Selector
from eyewatch_gen.promql.shape import shape, uses

Records = dict[str, list[RecordingRule]]


def records(plan: Plan) -> Records:
    """Generated recording rules by record name."""
    found: Records = {}
    for group in rule_groups(plan):
        for rule in group.recording:
            found.setdefault(rule.record, []).append(rule)
    return found


def read_by(selector: Selector, found: Records) -> list[RecordingRule]:
    """The recording rules `selector` reads (none when it names no record)."""
    return [r for r in found.get(selector.name, []) if fits(selector, r.labels)]


def fits(selector: Selector, static: dict[str, str]) -> bool:
    """Whether the matchers on a rule's static labels accept their values."""
    fixed = tuple(m for m in selector.matchers or () if m[0] in static)
    return Selector(selector.name, fixed).matches(selector.name, static)


def unmatched(selector: Selector, rule: RecordingRule) -> tuple[Matcher, ...]:
    """The selector's matchers on labels the rule does not set itself."""
    return tuple(m for m in selector.matchers or () if m[0] not in rule.labels)


def reads_records(rule: RecordingRule, found: Records) -> bool:
    """Whether the rule's expression reads other generated recording rules."""
    return any(u.selector.name in found for u in uses(shape(rule.expr)))
