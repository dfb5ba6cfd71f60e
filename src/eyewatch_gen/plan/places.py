"""Where in the plan each alert is written, for messages about generated files (a failed
promtool test, a policy finding) that must send a person back to the plan."""

from __future__ import annotations

from dataclasses import dataclass

from eyewatch_gen.plan.model import Plan
from eyewatch_gen.plan.source import Source
from eyewatch_gen.problems import Path


@dataclass(frozen=True)
class Place:
    """A position in the plan (or the team file it includes); `file:line:col` as text."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


def alert_places(plan: Plan, source: Source) -> dict[str, Place]:
    """Alert name -> where the plan defines it: the alert (or the alert set that made it,
    or the included team file that holds it), or the SLO of a burn-rate alert."""
    places = {alert.name: _place(source, ("alerts", i)) for i, alert in enumerate(plan.alerts)}
    places |= {
        slo.alerting.name: _place(source, ("slos", i, "alerting"))
        for i, slo in enumerate(plan.slos)
    }
    return places


def _place(source: Source, path: Path) -> Place:
    line, column = source.positions.of(path)
    return Place(source.positions.file_of(path) or source.file, line, column)
