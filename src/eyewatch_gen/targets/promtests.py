"""promtool unit tests: `prometheus/tests/<area>.test.yml`, one per rules file.

Every alert gets a quiet case (just on the safe side of its threshold), a firing case (past
the threshold for longer than `for`), where the timing is exact a pending case (past the
threshold for less than `for`: no alert yet) and, where its fixture can leave a series out at
an end of the metric's range, an absence case after a gap longer than every window (a fresh
start: counters from 0, unexported series missing). Samples come at the scrape interval of
the jobs the alert reads (`testspec.feed_seconds`): a `[1m]` window over a job scraped every
15s sees four samples, in the test as in production, whether the range is left-closed
(Prometheus 2) or left-open (Prometheus 3). Alerts that cannot see each other's series and
are fed at the same interval run side by side in one test group; the others go to the next
group, so a file has about as many groups as the most alerts reading one series (promtool's
cost grows with the square of the number of groups). Format:
https://prometheus.io/docs/prometheus/latest/configuration/unit_testing_rules/
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from eyewatch_gen.artifacts import Artifact, yaml_artifact
from eyewatch_gen.layout import rules_path, test_path
from eyewatch_gen.plan import arith, gotemplate
from eyewatch_gen.plan.catalog import rule_groups
from eyewatch_gen.plan.memo import per_plan
from eyewatch_gen.plan.model import Plan, Series
from eyewatch_gen.plan.rules import AlertingRule
from eyewatch_gen.plan.testspec import (
    AlertTest,
    Phase,
    feed_seconds,
    for_minutes,
    step_text,
    unexported,
)
from eyewatch_gen.promql.index import SelectorIndex, SeriesIndex
from eyewatch_gen.promql.labels import parse_series, series_text
from eyewatch_gen.promql.partition import keeps_apart
from eyewatch_gen.promql.selectors import Selector, selectors
from eyewatch_gen.targets import slo_tests

Timeline = dict[str, list[float | None]]


LONG_MINUTES = 360  # tests needing more history than this run in `<area>.long.test.yml`
LONG_STEP = 10  # ... evaluated every 10 minutes: a day of history at 1m would cost seconds


def render(plan: Plan) -> list[Artifact]:
    """One test file per rules file that has alerts (and one more for day-long baselines)."""
    by_area: dict[str, list[AlertingRule]] = {}
    for group in rule_groups(plan):
        by_area.setdefault(group.area, []).extend(group.alerting)
    artifacts = []
    for area, rules in by_area.items():
        short = [r for r in rules if not _long(r)]
        long = [r for r in rules if _long(r)]
        groups = slo_tests.groups(plan) if area == slo_tests.AREA else _groups(plan, short)
        for path, tests, interval in (
            (test_path(area), groups, 1),
            (long_test_path(area), _long_groups(plan, long), LONG_STEP),
        ):
            if tests:
                files = [
                    f"../rules/{rules_path(a).rsplit('/', 1)[1]}"
                    for a in by_area
                    if a in _areas_read(plan, area, rules)
                ]
                artifacts.append(
                    yaml_artifact(
                        path,
                        {
                            "rule_files": files,
                            "evaluation_interval": f"{interval}m",
                            "tests": tests,
                        },
                    )
                )
    return artifacts


def _long(rule: AlertingRule) -> bool:
    return rule.test is not None and rule.test.settle > LONG_MINUTES


def long_test_path(area: str) -> str:
    """Where the tests of `area` that need a day of history are written."""
    return f"prometheus/tests/{area}.long.test.yml"


def _long_groups(plan: Plan, rules: list[AlertingRule]) -> list[dict[str, Any]]:
    """Groups evaluated every LONG_STEP minutes: each alert quiet once its history is built,
    then firing once the firing phase has settled and `for` has passed."""
    rounds: list[_Round] = []
    for rule in rules:
        test = rule.test
        assert test is not None
        slot = _slot(plan, rounds, rule)
        step = LONG_STEP
        quiet_end = _round_up(test.settle + 1, step)
        settle = test.settle if test.firing_settle is None else test.firing_settle
        fire_end = quiet_end + _round_up(settle + for_minutes(rule.for_), step) + step
        slot.fill(test.quiet, 0, quiet_end)
        slot.fill(test.firing, quiet_end + 1, fire_end)
        slot.checks.append(_check(rule, quiet_end, []))
        slot.checks.append(_check(rule, fire_end, [_expected(rule, test, test.firing.v)]))
    return [_group_data(r) for r in rounds]


def _slot(plan: Plan, rounds: list[_Round], rule: AlertingRule) -> _Round:
    """The first group fed at the test's interval that admits it, else a new one."""
    test = rule.test
    assert test is not None
    footprint = _footprint(plan, rule, test)
    step = feed_seconds(plan, test.reads)
    slot = next((r for r in rounds if r.step == step and r.admits(footprint)), None)
    if slot is None:
        slot = _Round(step)
        rounds.append(slot)
    slot.add(footprint)
    return slot


def _round_up(minutes: int, step: int) -> int:
    return -(-minutes // step) * step


def _areas_read(plan: Plan, area: str, rules: list[AlertingRule]) -> set[str]:
    """The file's own area and the areas whose recording rules its alerts read: loading
    every rules file into every test file would make promtool's work quadratic."""
    record_area = _record_areas(plan)
    reads = {
        sel.name
        for rule in rules
        if rule.test
        for expr in rule.test.reads
        for sel in selectors(expr)
    }
    return {area} | {record_area[name] for name in reads if name in record_area}


@per_plan
def _record_areas(plan: Plan) -> dict[str, str]:
    return {rule.record: group.area for group in rule_groups(plan) for rule in group.recording}


@dataclass(frozen=True)
class _Footprint:
    """What a test puts into promtool's storage and what its alert looks at."""

    fed: tuple[tuple[str, dict[str, str]], ...]  # concrete input series
    produced: frozenset[str]  # records the rule files compute from the fed series
    reads: tuple[Selector, ...]  # selectors of the alert and the records it reads
    confined: tuple[str, str] | None = None  # (label, value): sees only series with it


def _footprint(plan: Plan, rule: AlertingRule, test: AlertTest) -> _Footprint:
    series = [*test.quiet.series, *test.firing.series]
    fed = [parse_series(s.series) for s in series]
    if test.record:
        fed.append((test.record, dict(test.labels)))
    readers = _record_readers(plan)
    produced: set[str] = set()
    queue: list[tuple[str, dict[str, str] | None]] = list(fed)
    while queue:  # records computed from fed series, then records computed from those
        name, labels = queue.pop()
        for record in readers.matching(name, labels):
            if record not in produced:
                produced.add(record)
                queue.append((record, None))
    reads = tuple(sel for expr in test.reads for sel in selectors(expr))
    return _Footprint(tuple(fed), frozenset(produced), reads, _confined(rule, test, fed))


def _confined(
    rule: AlertingRule, test: AlertTest, fed: list[tuple[str, dict[str, str]]]
) -> tuple[str, str] | None:
    """(label, value) when the test feeds only series with that value of the label, its
    alert selects only such series, and every record it reads keeps the label's values apart:
    then it cannot see, nor be seen by, a test confined to another value (an alert set's
    items share one test group instead of one group each)."""
    for label, value in sorted(rule.alert.match.items() if rule.alert else ()):
        pinned = (label, "=", value)
        if (
            all(labels.get(label) == value for _, labels in fed)
            and all(pinned in (sel.matchers or ()) for sel in selectors(rule.expr))
            and all(keeps_apart(expr, label) for expr in test.reads if expr != rule.expr)
        ):
            return (label, value)
    return None


@per_plan
def _record_readers(plan: Plan) -> SelectorIndex:
    """The recording rules' selectors, each with the record it computes."""
    readers = SelectorIndex()
    for group in rule_groups(plan):
        for rule in group.recording:
            for selector in selectors(rule.expr):
                readers.add(selector, rule.record)
    return readers


@dataclass
class _Reach:
    """The series a set of tests feeds, produces and reads."""

    fed: SeriesIndex = field(default_factory=SeriesIndex)
    produced: set[str] = field(default_factory=set)
    reads: SelectorIndex = field(default_factory=SelectorIndex)

    def admits(self, footprint: _Footprint) -> bool:
        """Whether `footprint` can join without either side seeing the other's series."""
        for name, labels in footprint.fed:
            if (
                name in self.produced
                or self.fed.contains(name, labels)
                or self.reads.matching(name, labels)
            ):
                return False
        if any(
            self.reads.has_name(p) or self.fed.has_name(p) or p in self.produced
            for p in footprint.produced
        ):
            return False
        return not any(
            sel.name in self.produced or self.fed.selected_by(sel) for sel in footprint.reads
        )

    def add(self, footprint: _Footprint) -> None:
        """Account for `footprint`'s series."""
        for name, labels in footprint.fed:
            self.fed.add(name, labels)
        self.produced |= footprint.produced
        for sel in footprint.reads:
            self.reads.add(sel)


@dataclass
class _Round:
    """One promtool test group: tests that cannot see each other's series. A test clashes
    with the group when it feeds a series a test there selects (directly, or through a
    record computed from it), or the other way round; tests confined to different values of
    one label never clash with each other. Its series get a sample every `step` seconds (a
    divisor of a minute)."""

    step: float = 60.0
    everyone: _Reach = field(default_factory=_Reach)
    apart: dict[str, _Reach] = field(default_factory=dict)  # label -> tests not confined by it
    values: dict[str, set[str]] = field(default_factory=dict)  # label -> values confined to
    footprints: list[_Footprint] = field(default_factory=list)
    series: Timeline = field(default_factory=dict)
    checks: list[dict[str, Any]] = field(default_factory=list)

    def admits(self, footprint: _Footprint) -> bool:
        """Whether `footprint` can join this group."""
        if footprint.confined is None:
            return self.everyone.admits(footprint)
        label, value = footprint.confined
        return value not in self.values.get(label, ()) and self._apart(label).admits(footprint)

    def add(self, footprint: _Footprint) -> None:
        """Account for `footprint`'s series in this group."""
        self.everyone.add(footprint)
        self.footprints.append(footprint)
        for label, reach in self.apart.items():
            if footprint.confined is None or footprint.confined[0] != label:
                reach.add(footprint)
        if footprint.confined is not None:
            self.values.setdefault(footprint.confined[0], set()).add(footprint.confined[1])

    def fill(self, phase: Phase, start: int, end: int, *, fresh: bool = False) -> None:
        """`phase` from minute `start` to the end of minute `end` (up to the next minute)."""
        _fill(self.series, phase, start, end, round(60 / self.step), fresh=fresh)

    def _apart(self, label: str) -> _Reach:
        if label not in self.apart:
            reach = self.apart[label] = _Reach()
            for footprint in self.footprints:
                if footprint.confined is None or footprint.confined[0] != label:
                    reach.add(footprint)
        return self.apart[label]


def _groups(plan: Plan, rules: list[AlertingRule]) -> list[dict[str, Any]]:
    rounds: list[_Round] = []
    for rule in rules:
        if rule.test is None:
            continue
        _schedule(rule, rule.test, _slot(plan, rounds, rule))
    return [_group_data(r) for r in rounds]


def _schedule(rule: AlertingRule, test: AlertTest, slot: _Round) -> None:
    """Quiet, then firing (then a record-level pending phase, then absence cases) on the
    alert's own series. The quiet and firing checks come as soon as their values are exact:
    when the widest window holds only quiet samples, and only firing samples for `for`."""
    settle, hold = test.settle, for_minutes(rule.for_)
    keep = for_minutes(rule.keep_firing_for or "0s")  # a later phase waits for the alert to go
    quiet_end = settle
    fire_start = quiet_end + 1
    fire_end = last = fire_start + settle + hold
    slot.fill(test.quiet, 0, quiet_end)
    slot.fill(test.firing, fire_start, fire_end)
    slot.checks.append(_check(rule, quiet_end, []))
    slot.checks.append(_check(rule, fire_end, [_expected(rule, test, test.firing.v)]))
    if hold and test.pending_at_raw:
        slot.checks.append(_check(rule, fire_start + (hold - 1) // 2, []))
    elif hold and test.record:
        start = fire_end + max(settle, 5) + 2 + keep
        injected = Phase((_record_series(test),), test.firing.v)
        last = start + (hold - 1) // 2  # samples up to the pending check, none after it
        slot.fill(injected, start, last)
        slot.checks.append(_check(rule, last, []))
    for absence in test.absences:  # after a gap no window reaches across: a fresh start
        start = last + max(settle, 5) + 2 + keep
        last = start + settle + hold + 1
        slot.fill(absence.phase, start, last, fresh=True)
        expected = [_expected(rule, test, absence.phase.v)] if absence.fires else []
        slot.checks.append(_check(rule, last, expected))


def _record_series(test: AlertTest) -> Series:
    assert test.record is not None
    return Series(series=series_text(test.record, test.labels), value="v")


def _fill(
    timeline: Timeline, phase: Phase, start: int, end: int, per_minute: int, *, fresh: bool
) -> None:
    """`per_minute` samples a minute from minute `start` to the last sample before minute
    `end + 1`; counters keep counting, unless `fresh` (a restarted exporter: from 0). A series
    the exporter would not expose yet (a counter that has not moved) stays missing."""
    first_index, stop = start * per_minute, (end + 1) * per_minute
    for series in phase.series:
        samples = timeline.setdefault(series.series, [])
        samples.extend([None] * (stop - len(samples)))
        seen = not fresh and any(s is not None for s in samples[:first_index])
        if unexported(series, phase.v) and (series.value is not None or not seen):
            continue
        if series.value is not None:
            value = _tidy(arith.evaluate(series.value, phase.v))
            samples[first_index:stop] = [value] * (stop - first_index)
            continue
        assert series.rate is not None
        step = arith.evaluate(series.rate, phase.v) * 60 / per_minute
        previous = (
            0.0
            if fresh
            else next((s for s in reversed(samples[:first_index]) if s is not None), 0.0)
        )
        first = 1 if first_index and not fresh else 0
        samples[first_index:stop] = [
            _tidy(previous + step * (i + first)) for i in range(stop - first_index)
        ]


def _expected(rule: AlertingRule, test: AlertTest, value: float) -> dict[str, Any]:
    labels = {k: gotemplate.render(v, test.labels, value) for k, v in rule.labels.items()}
    merged = {**test.labels, **labels}
    annotations = {k: gotemplate.render(v, test.labels, value) for k, v in rule.annotations.items()}
    return {"exp_labels": dict(sorted(merged.items())), "exp_annotations": annotations}


def _check(rule: AlertingRule, minute: int, expected: list[dict[str, Any]]) -> dict[str, Any]:
    return {"eval_time": f"{minute}m", "alertname": rule.name, "exp_alerts": expected}


def _group_data(slot: _Round) -> dict[str, Any]:
    return {
        "interval": step_text(slot.step),
        "input_series": [
            {"series": name, "values": notation(samples)}
            for name, samples in slot.series.items()
            if any(s is not None for s in samples)
        ],
        "alert_rule_test": slot.checks,
    }


def notation(samples: list[float | None]) -> str:
    """promtool's expanding notation: `_x3` (3 missing), `a+bxn` (n+1 samples)."""
    tokens: list[str] = []
    index = 0
    while index < len(samples):
        if samples[index] is None:
            end = index
            while end < len(samples) and samples[end] is None:
                end += 1
            tokens.append(f"_x{end - index}")
            index = end
            continue
        end = _run_end(samples, index)
        first = samples[index]
        assert first is not None
        if end == index:
            tokens.append(_number(first))
        else:
            nxt = samples[index + 1]
            assert nxt is not None
            step = _tidy(nxt - first)
            sign = "+" if step >= 0 else "-"
            tokens.append(f"{_number(first)}{sign}{_number(abs(step))}x{end - index}")
        index = end + 1
    return " ".join(tokens)


def _run_end(samples: list[float | None], start: int) -> int:
    """Last index of the arithmetic run beginning at `start`."""
    end = start
    if start + 1 >= len(samples) or samples[start + 1] is None:
        return end
    first, second = samples[start], samples[start + 1]
    assert first is not None and second is not None
    step = second - first
    end = start + 1
    while end + 1 < len(samples):
        nxt = samples[end + 1]
        if nxt is None or abs(first + step * (end + 1 - start) - nxt) > 1e-9 * max(1, abs(nxt)):
            break
        end += 1
    return end


def _tidy(value: float) -> float:
    """Round away float noise (0.30000000000000004 -> 0.3): 12 significant digits."""
    return float(f"{value:.12g}")


def _number(value: float) -> str:
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text
