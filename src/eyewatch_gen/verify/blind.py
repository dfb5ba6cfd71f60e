"""The blind-alert check: can each generated alert fire on the live server?

Every selector an alert needs (see `shape`) is looked up; a selector that names a generated
recording rule is followed to the rule's own selectors, so the answer does not depend on
whether the rules are deployed yet. An alert is `blind` when a selector it needs matches
nothing (the metric is unknown, a label value is never seen, the job has no targets or all are
down), `degraded` when some targets of a job it reads are down, `unchecked` when the server
could not answer, and `ok` otherwise.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Literal

from eyewatch_gen.plan.catalog import rule_groups
from eyewatch_gen.plan.fields import Level
from eyewatch_gen.plan.model import Plan
from eyewatch_gen.plan.rules import RecordingRule
from eyewatch_gen.plan.scraping import metric_job
from eyewatch_gen.promql.labels import series_text
from eyewatch_gen.promql.selectors import Matcher, Selector
from eyewatch_gen.promql.shape import AllOf, AnyOf, Node, Use, shape, uses
from eyewatch_gen.verify.facts import Facts, Key, Rows, Targets
from eyewatch_gen.verify.records import Records, fits, read_by, reads_records, records, unmatched

State = Literal["ok", "degraded", "unchecked", "blind"]
_RANK: dict[State, int] = {"ok": 0, "degraded": 1, "unchecked": 2, "blind": 3}


@dataclass(frozen=True)
class Reason:
    """What is wrong with one selector, and the recording rules it was reached through."""

    what: str
    via: tuple[str, ...] = ()

    def __str__(self) -> str:
        return self.what + (f" (via {' <- '.join(self.via)})" if self.via else "")


@dataclass(frozen=True)
class Verdict:
    """A state and why (one reason per selector at fault)."""

    state: State = "ok"
    reasons: tuple[Reason, ...] = ()

    def via(self, record: str) -> Verdict:
        """The same verdict, reached through recording rule `record`."""
        return Verdict(self.state, tuple(Reason(r.what, (*r.via, record)) for r in self.reasons))

    def why(self, most: int = 3) -> str:
        """The first `most` reasons, and how many more there are."""
        shown = "; ".join(map(str, self.reasons[:most]))
        extra = len(self.reasons) - most
        return shown + (f"; and {extra} more" if extra > 0 else "")


OK = Verdict()


def all_of(verdicts: Iterable[Verdict]) -> Verdict:
    """Every part needed: the worst part decides; the reasons of every part that bad."""
    found = list(verdicts) or [OK]
    worst = max(found, key=lambda v: _RANK[v.state]).state
    reasons: dict[str, Reason] = {}
    for verdict in found:
        for reason in verdict.reasons if verdict.state == worst else ():
            reasons.setdefault(reason.what, reason)
    return Verdict(worst, tuple(reasons.values()))


def any_of(verdicts: Iterable[Verdict]) -> Verdict:
    """One part suffices: blind only when every part is; else the worst of the others."""
    found = list(verdicts)
    usable = [v for v in found if v.state != "blind"]
    return all_of(usable) if usable else all_of(found)


@dataclass(frozen=True)
class AlertStatus:
    """One alert and its verdict."""

    name: str
    level: Level
    area: str
    verdict: Verdict


@dataclass(frozen=True)
class JobStatus:
    """A scrape job the plan declares, as the server sees it."""

    job: str
    total: int
    up: int


@dataclass
class Judge:
    """Verdicts for expressions, from the plan's recording rules and the server's facts."""

    records: Records
    facts: Facts
    jobs: dict[str, str] = field(default_factory=dict)  # plan metric -> its scrape job
    cache: dict[tuple[str, frozenset[str], str | None], Verdict] = field(default_factory=dict)

    def expression(
        self, expr: str, seen: frozenset[str] = frozenset(), job: str | None = None
    ) -> Verdict:
        """The verdict for `expr` (whose selectors without a job matcher read `job`)."""
        key = (expr, seen, job)
        if key not in self.cache:
            self.cache[key] = self._node(shape(expr), seen, job)
        return self.cache[key]

    def _node(self, node: Node, seen: frozenset[str], job: str | None) -> Verdict:
        if isinstance(node, AllOf):
            return all_of(self._node(part, seen, job) for part in node.parts)
        if isinstance(node, AnyOf):
            return any_of(self._node(part, seen, job) for part in node.parts)
        if node.use.selector.name in self.records:
            return self._record(node.use, seen)
        return self._raw(node.use, _job(node.use.selector) or job)

    def _raw(self, use: Use, job: str | None) -> Verdict:
        targets = self.facts.jobs.get(job) if job else None
        if job and (targets is None or targets.up == 0):
            return _blind(f"{use.text}: {_no_targets(job, targets)}")
        found = self._series(use)
        if found.state != "ok" or not targets or targets.up == targets.total:
            return found
        down = targets.total - targets.up
        return _verdict("degraded", f"job {job}: {down} of {targets.total} targets down")

    def _series(self, use: Use) -> Verdict:
        """Whether the metric has a series with the label values the selector asks for."""
        key = raw_key(use.selector)
        if key in self.facts.errors:
            return _verdict("unchecked", f"{use.text}: {self.facts.errors[key]}")
        rows = self.facts.rows.get(key, [])
        if not rows:
            return _blind(f"{use.text}: metric unknown{self._suggest(use.selector.name)}")
        fault = mismatch(use.selector, rows)
        return _blind(f"{use.text}: {fault}") if fault else OK

    def _suggest(self, name: str) -> str:
        close = difflib.get_close_matches(name, self.facts.names or [], n=1, cutoff=0.85)
        return f" (did you mean {close[0]}?)" if close else ""

    def _record(self, use: Use, seen: frozenset[str]) -> Verdict:
        name = use.selector.name
        if name in seen:
            return OK
        candidates = read_by(use.selector, self.records)
        if not candidates:
            return _blind(f"{use.text}: no recording rule {name} has these labels")
        return any_of(self._candidate(use, rule, seen | {name}) for rule in candidates)

    def _candidate(self, use: Use, rule: RecordingRule, seen: frozenset[str]) -> Verdict:
        sources = self.expression(rule.expr, seen, self.jobs.get(rule.source)).via(rule.record)
        rest = unmatched(use.selector, rule)
        if sources.state == "blind" or not rest:
            return sources
        key = record_key(rule, rest, self.records)
        if key in self.facts.errors:
            return _verdict("unchecked", f"{use.text}: {self.facts.errors[key]}")
        rows = self.facts.rows.get(key, [])
        if not rows and reads_records(rule, self.records):
            return _verdict("unchecked", f"{use.text}: {rule.record} is not loaded")
        if not rows:
            return _blind(f"{use.text}: recording rule {rule.record} yields no series")
        fault = mismatch(Selector(rule.record, rest), rows)
        return all_of([sources, _blind(f"{use.text}: {fault}") if fault else OK])


def check(plan: Plan, facts: Facts) -> tuple[list[AlertStatus], dict[str, Verdict]]:
    """Every alert's verdict, and every recording rule's (by record name)."""
    jobs = {name: job for name in plan.metrics if (job := metric_job(plan, name))}
    judge = Judge(records(plan), facts, jobs)
    alerts = [
        AlertStatus(rule.name, rule.severity, group.area, judge.expression(rule.expr, job=job))
        for group in rule_groups(plan)
        for rule in group.alerting
        for job in [jobs.get(rule.alert.metric or "") if rule.alert else None]
    ]
    recorded = {
        rule.record: judge.expression(rule.expr, frozenset({rule.record}), jobs.get(rule.source))
        for group in rule_groups(plan)
        for rule in group.recording
    }
    return alerts, recorded


def jobs(plan: Plan, facts: Facts) -> list[JobStatus]:
    """The plan's scrape jobs with their targets on the server."""
    found = [(job, facts.jobs.get(job)) for job in plan.jobs]
    return [JobStatus(job, t.total if t else 0, t.up if t else 0) for job, t in found]


def keys(plan: Plan) -> set[Key]:
    """Every query the check will look at, for one batch fetch."""
    by_name = records(plan)
    wanted: set[Key] = set()
    for group in rule_groups(plan):
        exprs = [r.expr for r in group.recording] + [r.expr for r in group.alerting]
        for use in (u for expr in exprs for u in uses(shape(expr))):
            wanted.update(_keys_of(use.selector, by_name))
    return wanted


def _keys_of(selector: Selector, by_name: Records) -> Iterator[Key]:
    if selector.name not in by_name:
        yield raw_key(selector)
        return
    for rule in by_name[selector.name]:
        rest = unmatched(selector, rule)
        if rest and fits(selector, rule.labels):
            yield record_key(rule, rest, by_name)


def raw_key(selector: Selector) -> Key:
    """The query for a selector on a scraped metric: its labels' combinations."""
    return selector.name, tuple(sorted({m[0] for m in selector.matchers or ()}))


def record_key(rule: RecordingRule, rest: tuple[Matcher, ...], by_name: Records) -> Key:
    """The query for a recording rule's labels: its expression, or (when that reads other
    recording rules, which may not be loaded) the recorded series."""
    labels = tuple(sorted({m[0] for m in rest}))
    if reads_records(rule, by_name):
        return series_text(rule.record, rule.labels), labels
    return rule.expr, labels


def mismatch(selector: Selector, rows: Rows) -> str | None:
    """Why no row carries labels the selector accepts (None when one does)."""
    if any(selector.matches(selector.name, row) for row in rows):
        return None
    for label, op, value in selector.matchers or ():
        if not any(
            Selector(selector.name, ((label, op, value),)).matches(selector.name, r) for r in rows
        ):
            seen = sorted({row[label] for row in rows if label in row})
            if not seen:
                return f"label {label} is never set"
            shown = ", ".join(seen[:6]) + (", ..." if len(seen) > 6 else "")
            return f'label value never seen: {label}{op}"{value}" (seen: {shown})'
    return "no series has all of these label values together"


def _no_targets(job: str, targets: Targets | None) -> str:
    if targets is None:
        return f"job {job} has no targets"
    return f"all {targets.total} targets of job {job} are down"


def _job(selector: Selector) -> str | None:
    return next((v for k, op, v in selector.matchers or () if k == "job" and op == "="), None)


def _blind(reason: str) -> Verdict:
    return _verdict("blind", reason)


def _verdict(state: State, reason: str) -> Verdict:
    return Verdict(state, (Reason(reason),))
