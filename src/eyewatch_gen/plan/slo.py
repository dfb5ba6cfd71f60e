"""SLO rules: Sloth-compatible SLI recordings, error-budget metadata and multi-window,
multi-burn-rate alerts from the Google SRE workbook.

Names follow Sloth (`slo:sli_error:ratio_rate5m`, `sloth_id`, ...) so Sloth's Grafana
dashboards read them. Burn-rate table (30-day budget): 14.4x over 1h and 5m, 6x over 6h and 30m
page; 3x over 1d and 2h, 1x over 3d and 6h open a ticket.
https://sre.google/workbook/alerting-on-slos/
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from eyewatch_gen.plan import durations
from eyewatch_gen.plan.memo import per_plan
from eyewatch_gen.plan.model import Plan, Slo
from eyewatch_gen.plan.rules import AlertingRule, RecordingRule, RuleGroup, format_number
from eyewatch_gen.promql.labels import label_matchers

AREA = "slo"
SLI_WINDOWS = ("5m", "30m", "1h", "2h", "6h", "1d", "3d")
PAGE = (("1h", "5m", 14.4), ("6h", "30m", 6.0))
TICKET = (("1d", "2h", 3.0), ("3d", "6h", 1.0))


@dataclass(frozen=True)
class SloTest:
    """Error ratios that must page, open a ticket only, or stay quiet."""

    slo: Slo
    labels: dict[str, str]
    budget: float


def sloth_id(slo: Slo) -> str:
    """`<service>-<name>`, the id Sloth gives an SLO."""
    return f"{slo.service}-{slo.name}"


def budget(slo: Slo) -> float:
    """The error budget as a ratio: 99.9 -> 0.001."""
    return round(1 - slo.objective / 100, 12)


def slo_labels(slo: Slo) -> dict[str, str]:
    """Labels on every series of the SLO."""
    return {"sloth_id": sloth_id(slo), "sloth_service": slo.service, "sloth_slo": slo.name}


@per_plan
def slo_groups(plan: Plan) -> list[RuleGroup]:
    """Three rule groups per SLO: SLI recordings, metadata, alerts."""
    groups = []
    for slo in plan.slos:
        ident = sloth_id(slo)
        groups.append(
            RuleGroup(AREA, f"sloth-slo-sli-recordings-{ident}", recording=_sli_records(slo))
        )
        groups.append(
            RuleGroup(AREA, f"sloth-slo-meta-recordings-{ident}", recording=_meta_records(slo))
        )
        groups.append(RuleGroup(AREA, f"sloth-slo-alerts-{ident}", alerting=_alerts(plan, slo)))
    return groups


def _window(query: str, window: str) -> str:
    return query.strip().replace("{{.window}}", window)


def error_ratio(errors: str, total: str) -> str:
    """`errors / total` that is 0, not empty, while there is traffic but no error series (an
    exporter creates an error series at the first error), and empty, not NaN, without
    traffic; otherwise the period ratio would average only the windows that had errors."""
    return f"(\n  ({errors})\n  or\n  0 * ({total})\n)\n/\n(({total}) > 0)"


def _sli_records(slo: Slo) -> list[RecordingRule]:
    labels = slo_labels(slo)
    records = [
        RecordingRule(
            f"slo:sli_error:ratio_rate{w}",
            error_ratio(_window(slo.sli.errors, w), _window(slo.sli.total, w)),
            slo.service,
            {**labels, "sloth_window": w},
        )
        for w in SLI_WINDOWS
    ]
    selector = label_matchers(labels)
    period = slo.window
    records.append(
        RecordingRule(
            f"slo:sli_error:ratio_rate{period}",
            f"sum_over_time(slo:sli_error:ratio_rate5m{selector}[{period}])\n/ ignoring "
            f"(sloth_window)\ncount_over_time(slo:sli_error:ratio_rate5m{selector}[{period}])",
            slo.service,
            {**labels, "sloth_window": period},
        )
    )
    return records


def _meta_records(slo: Slo) -> list[RecordingRule]:
    labels = slo_labels(slo)
    selector = label_matchers({"sloth_id": sloth_id(slo)})
    on = "on (sloth_id, sloth_slo, sloth_service) group_left"
    days = format_number(durations.seconds(slo.window) / 86400)
    specs = [
        ("slo:objective:ratio", f"vector({format_number(slo.objective / 100)})"),
        ("slo:error_budget:ratio", f"vector(1 - {format_number(slo.objective / 100)})"),
        ("slo:time_period:days", f"vector({days})"),
        (
            "slo:current_burn_rate:ratio",
            f"slo:sli_error:ratio_rate5m{selector}\n/ {on}\nslo:error_budget:ratio{selector}",
        ),
        (
            "slo:period_burn_rate:ratio",
            f"slo:sli_error:ratio_rate{slo.window}{selector}\n/ {on}\n"
            f"slo:error_budget:ratio{selector}",
        ),
        ("slo:period_error_budget_remaining:ratio", f"1 - slo:period_burn_rate:ratio{selector}"),
    ]
    return [RecordingRule(name, expr, slo.service, dict(labels)) for name, expr in specs]


def _alerts(plan: Plan, slo: Slo) -> list[AlertingRule]:
    return [_alert(plan, slo, "page", PAGE), _alert(plan, slo, "ticket", TICKET)]


def _alert(
    plan: Plan,
    slo: Slo,
    kind: Literal["page", "ticket"],
    windows: tuple[tuple[str, str, float], ...],
) -> AlertingRule:
    level = slo.alerting.page if kind == "page" else slo.alerting.ticket
    selector = label_matchers(
        {"sloth_id": sloth_id(slo), "sloth_service": slo.service, "sloth_slo": slo.name}
    )
    pairs = [
        f"(\n  max(slo:sli_error:ratio_rate{short}{selector} > ({factor} * {budget(slo)})) "
        f"without (sloth_window)\n  and\n  max(slo:sli_error:ratio_rate{long}{selector} > "
        f"({factor} * {budget(slo)})) without (sloth_window)\n)"
        for long, short, factor in windows
    ]
    expr = "\nor\n".join(pairs)
    if slo.min_events is not None:
        expr = (
            f"(\n{expr}\n)\nand on ()\nsum({_window(slo.sli.total, '1h')}) > "
            f"{format_number(slo.min_events)}"
        )
    team = plan.areas[AREA].team if AREA in plan.areas else None
    labels = {
        "severity": level,
        "area": AREA,
        **({"team": team} if team else {}),
        "service": slo.service,
        "sloth_severity": kind,
    }
    annotations = {
        "summary": f"({kind}) {slo.service} {slo.name} SLO error budget burn rate is too fast",
        "description": f"{slo.service} is spending its {format_number(slo.objective)}% "
        f"{slo.name} error budget ({slo.window}) too fast"
        + (
            " and will exhaust it within days."
            if kind == "page"
            else "; fix it within the working day."
        ),
    }
    return AlertingRule(
        name=slo.alerting.name,
        expr=expr,
        for_="0s",
        severity=level,
        labels=labels,
        annotations=annotations,
        kind="slo",
        runbook=slo.alerting.runbook,
    )


def slo_tests(plan: Plan) -> list[SloTest]:
    """One test spec per SLO."""
    return [SloTest(slo, slo_labels(slo), budget(slo)) for slo in plan.slos]
