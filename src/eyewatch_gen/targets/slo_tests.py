"""promtool tests for SLO burn-rate alerts: a fast burn pages, a slow burn opens only a
ticket, a healthy service stays quiet, and a service without a single error (no error series
exported at all) has an error ratio of 0 in every window and its whole budget left.

Two cases of one SLO never share a test group, so every rate window sees only that case's
traffic; cases of different SLOs fed at the same interval do, when neither's SLI selects the
other's series (promtool loads the rules and a fresh storage per group: four groups cost less
than four per SLO). The SLI is a ratio of two rates over the same samples, so even the 1d and
3d windows show the chosen error ratio after a few minutes. Series are fed as exporters
expose them: a labelled counter that never moves is left out (see `testspec.unexported`), at
the scrape interval of the SLI's jobs (`testspec.feed_seconds`), up to the check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from eyewatch_gen.plan import arith, gotemplate
from eyewatch_gen.plan.catalog import rule_groups
from eyewatch_gen.plan.model import Plan, Series, Slo
from eyewatch_gen.plan.rules import AlertingRule
from eyewatch_gen.plan.slo import AREA, SLI_WINDOWS, budget, slo_labels
from eyewatch_gen.plan.testspec import feed_seconds, step_text, unexported
from eyewatch_gen.promql.index import SelectorIndex, SeriesIndex
from eyewatch_gen.promql.labels import parse_series, series_text
from eyewatch_gen.promql.selectors import Selector, selectors

CHECK_AT = 10  # minutes: every SLI window has samples, and `for` is 0 for burn-rate alerts


def groups(plan: Plan) -> list[dict[str, Any]]:
    """Three cases per SLO (healthy, slow burn, fast burn), and a fourth without errors when
    the fixture leaves the error series out at v = 0, packed into as few test groups as keep
    every SLO's series out of every other SLI."""
    alerts = {g.name: g.alerting for g in rule_groups(plan) if g.area == AREA and g.alerting}
    rounds: list[_Round] = []
    for slo in plan.slos:
        page, ticket = alerts[f"sloth-slo-alerts-{slo.service}-{slo.name}"]
        b = budget(slo)
        cases: tuple[tuple[float, list[AlertingRule]], ...] = (
            (0.5 * b, []),
            (2 * b, [ticket]),
            (min(20 * b, 1.0), [page, ticket]),
        )
        step = feed_seconds(plan, [slo.sli.errors, slo.sli.total])
        made = [_case(slo, ratio, firing, step) for ratio, firing in cases]
        if _without_errors(slo.fixture.series):
            made.append(_error_free(slo, step))
        for case in made:
            slot = next((r for r in rounds if r.admits(slo, case)), None)
            if slot is None:
                slot = _Round()
                rounds.append(slot)
            slot.add(slo, case)
    return [r.data for r in rounds]


@dataclass
class _Round:
    """One test group: SLO cases fed at one interval whose series no other SLI in the group
    selects."""

    fed: SeriesIndex = field(default_factory=SeriesIndex)
    reads: SelectorIndex = field(default_factory=SelectorIndex)
    names: set[str] = field(default_factory=set)
    data: dict[str, Any] = field(default_factory=dict)

    def admits(self, slo: Slo, case: dict[str, Any]) -> bool:
        return (
            self.data.get("interval", case["interval"]) == case["interval"]
            and slo.alerting.name not in self.names
            and not any(self.reads.matching(*parse_series(s.series)) for s in slo.fixture.series)
            and not any(self.fed.selected_by(sel) for sel in _reads(slo))
        )

    def add(self, slo: Slo, case: dict[str, Any]) -> None:
        self.names.add(slo.alerting.name)
        for series in slo.fixture.series:
            self.fed.add(*parse_series(series.series))
        for sel in _reads(slo):
            self.reads.add(sel)
        for key, value in case.items():
            if isinstance(value, list):  # input series, alert and expression checks
                self.data.setdefault(key, []).extend(value)
            else:
                self.data.setdefault(key, value)


def _reads(slo: Slo) -> tuple[Selector, ...]:
    return selectors(slo.sli.errors) + selectors(slo.sli.total)


def _without_errors(series: list[Series]) -> bool:
    """Whether the fixture at v = 0 leaves a series out while traffic still flows."""
    moving = any(s.rate is not None and arith.evaluate(s.rate, 0.0) > 0 for s in series)
    return moving and any(unexported(s, 0.0) for s in series)


def _error_free(slo: Slo, step: float) -> dict[str, Any]:
    """No error series at all: the burn-rate alerts stay quiet, every SLI window reads 0 and
    the whole error budget is left."""
    case = _case(slo, 0.0, [], step)
    labels = slo_labels(slo)
    checks = [
        (f"slo:sli_error:ratio_rate{w}", {**labels, "sloth_window": w}, 0)
        for w in (*SLI_WINDOWS, slo.window)
    ]
    checks.append(
        (
            "slo:period_error_budget_remaining:ratio",
            {**labels, "sloth_window": slo.window},
            1,
        )
    )
    selector = series_text("", {"sloth_id": labels["sloth_id"]})
    case["promql_expr_test"] = [
        {
            "expr": f"{name}{selector}",
            "eval_time": f"{CHECK_AT}m",
            "exp_samples": [{"labels": series_text(name, expected), "value": value}],
        }
        for name, expected, value in checks
    ]
    return case


def _case(slo: Slo, ratio: float, firing: list[AlertingRule], step: float) -> dict[str, Any]:
    """One case fed every `step` seconds."""
    series = [
        {"series": s.series, "values": _values(s.value, s.rate, ratio, step)}
        for s in slo.fixture.series
        if not unexported(s, ratio)
    ]
    labels = slo_labels(slo)
    expected = [
        {
            "exp_labels": dict(sorted({**labels, **rule.labels}.items())),
            "exp_annotations": {
                k: gotemplate.render(v, labels, ratio) for k, v in rule.annotations.items()
            },
        }
        for rule in firing
    ]
    return {
        "interval": step_text(step),
        "input_series": series,
        "alert_rule_test": [
            {"eval_time": f"{CHECK_AT}m", "alertname": slo.alerting.name, "exp_alerts": expected}
        ],
    }


def _values(value: str | None, rate: str | None, ratio: float, step: float) -> str:
    steps = round(CHECK_AT * 60 / step)  # samples up to the check, none after it
    if value is not None:
        return f"{_num(arith.evaluate(value, ratio))}x{steps}"
    assert rate is not None
    return f"0+{_num(arith.evaluate(rate, ratio) * step)}x{steps}"


def _num(value: float) -> str:
    text = repr(float(f"{value:.12g}"))
    return text[:-2] if text.endswith(".0") else text


__all__ = ["AREA", "groups"]
