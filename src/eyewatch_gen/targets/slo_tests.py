"""promtool tests for SLO burn-rate alerts: a fast burn pages, a slow burn opens only a
ticket, a healthy service stays quiet, and a service without a single error (no error series
exported at all) has an error ratio of 0 in every window and its whole budget left.

Each case is its own test group, so every rate window sees only that case's traffic; the SLI
is a ratio of two rates over the same samples, so even the 1d and 3d windows show the chosen
error ratio after a few minutes. Series are fed as exporters expose them: a labelled counter
that never moves is left out (see `testspec.unexported`), at the scrape interval of the
SLI's jobs (`testspec.feed_seconds`).
"""

from __future__ import annotations

from typing import Any

from eyewatch_gen.plan import arith, gotemplate
from eyewatch_gen.plan.catalog import rule_groups
from eyewatch_gen.plan.model import Plan, Series, Slo
from eyewatch_gen.plan.rules import AlertingRule
from eyewatch_gen.plan.slo import AREA, SLI_WINDOWS, budget, slo_labels
from eyewatch_gen.plan.testspec import feed_seconds, step_text, unexported
from eyewatch_gen.promql.labels import series_text

CHECK_AT = 10  # minutes: every SLI window has samples, and `for` is 0 for burn-rate alerts


def groups(plan: Plan) -> list[dict[str, Any]]:
    """Three test groups per SLO (healthy, slow burn, fast burn), and a fourth without
    errors when the fixture leaves the error series out at v = 0."""
    alerts = {g.name: g.alerting for g in rule_groups(plan) if g.area == AREA and g.alerting}
    result = []
    for slo in plan.slos:
        page, ticket = alerts[f"sloth-slo-alerts-{slo.service}-{slo.name}"]
        b = budget(slo)
        cases: tuple[tuple[float, list[AlertingRule]], ...] = (
            (0.5 * b, []),
            (2 * b, [ticket]),
            (min(20 * b, 1.0), [page, ticket]),
        )
        step = feed_seconds(plan, [slo.sli.errors, slo.sli.total])
        result += [_case(slo, ratio, firing, step) for ratio, firing in cases]
        if _without_errors(slo.fixture.series):
            result.append(_error_free(slo, step))
    return result


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
    steps = round((CHECK_AT + 5) * 60 / step)
    if value is not None:
        return f"{_num(arith.evaluate(value, ratio))}x{steps}"
    assert rate is not None
    return f"0+{_num(arith.evaluate(rate, ratio) * step)}x{steps}"


def _num(value: float) -> str:
    text = repr(float(f"{value:.12g}"))
    return text[:-2] if text.endswith(".0") else text


__all__ = ["AREA", "groups"]
