"""PromQL the plan writes: metric, alert and SLI expressions."""

from __future__ import annotations

from collections.abc import Iterator

from eyewatch_gen.plan.checks.common import Check
from eyewatch_gen.plan.model import Plan
from eyewatch_gen.plan.source import Source
from eyewatch_gen.problems import Problem
from eyewatch_gen.promql.parse import COMPARISONS, Binary, Number, Paren, ParseError, parse
from eyewatch_gen.promql.ratios import absent_numerators
from eyewatch_gen.promql.validity import guard_error, promql_error

PROMQL = "plan/promql"
SLO_WINDOW = "plan/slo-window"
RATIO_ABSENT_NUMERATOR = "plan/ratio-absent-numerator"


def _expressions(plan: Plan, source: Source) -> Iterator[Problem]:
    exprs: list[tuple[tuple[str | int, ...], str]] = [
        (("metrics", n, "expr"), m.expr) for n, m in plan.metrics.items()
    ]
    for i, alert in enumerate(plan.alerts):
        exprs += [
            (("alerts", i, k), v) for k, v in (("expr", alert.expr), ("guard", alert.guard)) if v
        ]
    for i, slo in enumerate(plan.slos):  # with the rate window the generator puts in
        exprs += [
            (("slos", i, "sli", k), getattr(slo.sli, k).replace("{{.window}}", slo.window))
            for k in ("errors", "total")
        ]
    for path, text in exprs:
        error = guard_error(text) if path[-1] == "guard" else promql_error(text)
        if error:
            yield source.problem(path, f"not valid PromQL: {error}", PROMQL)


def _slo_windows(plan: Plan, source: Source) -> Iterator[Problem]:
    for i, slo in enumerate(plan.slos):
        for key in ("errors", "total"):
            if "{{.window}}" not in getattr(slo.sli, key):
                yield source.problem(
                    ("slos", i, "sli", key),
                    "the query must contain "
                    "{{.window}} where the rate window goes, e.g. "
                    "rate(x[{{.window}}])",
                    SLO_WINDOW,
                )


def _ratio_numerators(plan: Plan, source: Source) -> Iterator[Problem]:
    """A ratio whose numerator is a label-filtered part of its denominator's counter is empty,
    not 0, until that part's first series exists: an alert on a low ratio cannot fire, and a
    dashboard or SLO window loses those periods. (SLO error ratios get their fallback from the
    generator.)"""
    records = {m.record: m.expr for m in plan.metrics.values() if m.record}
    alerted_low = {a.metric for a in plan.alerts if a.op in _LOW}  # one pass, not per metric
    exprs: list[tuple[tuple[str | int, ...], str, bool]] = [
        (("metrics", n, "expr"), m.expr, n in alerted_low) for n, m in plan.metrics.items()
    ]
    exprs += [
        (("alerts", i, "expr"), a.expr, _fires_low(a.expr))
        for i, a in enumerate(plan.alerts)
        if a.expr
    ]
    for path, expr, low in exprs:
        for found in absent_numerators(expr, records):
            consequence = (
                "so an alert on a low ratio can never fire while the series is absent"
                if low
                else "so the ratio is empty instead of 0 while the series is absent "
                "(dashboards and SLO windows lose those periods)"
            )
            yield source.problem(
                path,
                f"the ratio's numerator {found.selector} is empty until a series with "
                f"{found.filters} exists (exporters create it at its first increment), "
                f"{consequence}; write {found.rewrite}",
                RATIO_ABSENT_NUMERATOR,
                level="warning",
            )


_LOW = frozenset({"<", "<="})


def _fires_low(expr: str) -> bool:
    """Whether the alert condition `expr` fires on a low value (`x < 0.9`, `0.9 > x`)."""
    try:
        node = parse(expr)
    except ParseError:
        return False
    while isinstance(node, Binary) and node.op in ("and", "unless"):
        node = node.lhs
    while isinstance(node, Paren):
        node = node.expr
    if not isinstance(node, Binary) or node.op not in COMPARISONS:
        return False
    if isinstance(node.lhs, Number):
        return node.op in (">", ">=")
    return node.op in _LOW


CHECKS: tuple[Check, ...] = (_expressions, _slo_windows, _ratio_numerators)
