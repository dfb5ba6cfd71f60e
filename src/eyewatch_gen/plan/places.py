"""Where in the plan each alert is written, as `file:line:column`, for messages about
generated files (a failed promtool test) that must send a person back to the plan."""

from __future__ import annotations

from eyewatch_gen.plan.model import Plan
from eyewatch_gen.plan.source import Source


def alert_places(plan: Plan, source: Source) -> dict[str, str]:
    """Alert name -> where the plan defines it: the alert (or the alert set that made it,
    or the included team file that holds it), or the SLO of a burn-rate alert."""
    places = {alert.name: source.locate(("alerts", i)) for i, alert in enumerate(plan.alerts)}
    places |= {
        slo.alerting.name: source.locate(("slos", i, "alerting")) for i, slo in enumerate(plan.slos)
    }
    return places
