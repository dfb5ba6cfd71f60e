"""promtool tests for SLO burn-rate alerts: a fast burn pages, a slow burn opens only a
ticket, a healthy service stays quiet.

Each case is its own test group, so every rate window sees only that case's traffic; the SLI
is a ratio of two rates over the same samples, so even the 1d and 3d windows show the chosen
error ratio after a few minutes.
"""

from __future__ import annotations

from typing import Any

from eyewatch_gen.plan import arith, gotemplate
from eyewatch_gen.plan.model import Plan, Slo
from eyewatch_gen.plan.rules import AlertingRule
from eyewatch_gen.plan.slo import AREA, budget, slo_groups, slo_labels

CHECK_AT = 10  # minutes: every SLI window has samples, and `for` is 0 for burn-rate alerts


def groups(plan: Plan) -> list[dict[str, Any]]:
    """Three test groups per SLO: healthy, slow burn, fast burn."""
    alerts = {g.name: g.alerting for g in slo_groups(plan) if g.alerting}
    result = []
    for slo in plan.slos:
        page, ticket = alerts[f"sloth-slo-alerts-{slo.service}-{slo.name}"]
        b = budget(slo)
        cases: tuple[tuple[float, list[AlertingRule]], ...] = (
            (0.5 * b, []),
            (2 * b, [ticket]),
            (min(20 * b, 1.0), [page, ticket]),
        )
        result += [_case(slo, ratio, firing) for ratio, firing in cases]
    return result


def _case(slo: Slo, ratio: float, firing: list[AlertingRule]) -> dict[str, Any]:
    series = [
        {"series": s.series, "values": _values(s.value, s.rate, ratio)} for s in slo.fixture.series
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
        "interval": "1m",
        "input_series": series,
        "alert_rule_test": [
            {"eval_time": f"{CHECK_AT}m", "alertname": slo.alerting.name, "exp_alerts": expected}
        ],
    }


def _values(value: str | None, rate: str | None, ratio: float) -> str:
    steps = CHECK_AT + 5
    if value is not None:
        return f"{_num(arith.evaluate(value, ratio))}x{steps}"
    assert rate is not None
    return f"0+{_num(arith.evaluate(rate, ratio) * 60)}x{steps}"


def _num(value: float) -> str:
    text = repr(float(f"{value:.12g}"))
    return text[:-2] if text.endswith(".0") else text


__all__ = ["AREA", "groups"]
