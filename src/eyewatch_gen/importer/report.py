"""The import report: what was read, what each rule became, which alerts got tests (and
why the others did not), what was renamed, rewritten and refused. Deterministic text."""

from __future__ import annotations

from dataclasses import dataclass

from eyewatch_gen.importer.build import TESTED_RAW, TESTED_RECORD, TESTED_TESTS, Built
from eyewatch_gen.importer.names import ORIGINAL_NAME


@dataclass(frozen=True)
class Counts:
    """The numbers of the report."""

    rules: int
    alerts: int
    threshold: int
    raw: int
    records: int
    tested: int
    refused: int

    @property
    def nothing(self) -> bool:
        """Whether no rule was imported (every one refused, or none read)."""
        return self.alerts + self.records == 0

    @property
    def tested_share(self) -> float:
        """Tested alerts as a share of imported alerts."""
        return self.tested / self.alerts if self.alerts else 1.0


def counts(built: Built) -> Counts:
    """The report's numbers."""
    alerts = built.alerts
    return Counts(
        rules=len(built.read.rules) + len(built.read.refused),
        alerts=len(alerts),
        threshold=sum(a.shape is not None for a in alerts),
        raw=sum(a.shape is None for a in alerts),
        records=sum(m.record is not None for m in built.metrics.values()),
        tested=sum(a.tested is not None for a in alerts),
        refused=len(built.refused),
    )


def text(built: Built, sources: list[str], team: str | None) -> str:
    """The report as lines of text."""
    found = counts(built)
    how = {kind: sum(a.tested == kind for a in built.alerts) for kind in _KINDS}
    lines = [
        f"eyewatch-gen import: {_count(found.rules, 'rule')} read from {', '.join(sources)}",
        f"  imported: {_count(found.alerts, 'alert')} ({found.threshold} threshold, "
        f"{found.raw} raw), {_count(found.records, 'recording rule')} (metrics with record:)",
    ]
    if found.alerts:
        lines.append(
            f"  tested:   {found.tested} of {_count(found.alerts, 'alert')} "
            f"({found.tested_share:.0%}): " + ", ".join(f"{how[kind]} {kind}" for kind in _KINDS)
        )
    lines += _section(
        "untested", [f"{a.name} ({a.level}): {a.untested}" for a in built.alerts if a.untested]
    )
    lines += _section(
        f"renamed (the old alert name is kept in the {ORIGINAL_NAME} label)",
        [f"{kind} {before} -> {after}" for kind, before, after in built.renamed],
    )
    lines += _section(
        "rewrites",
        [
            f"{a.name} {where}: {b} -> {c or '(removed)'}"
            for a in built.alerts
            for where, b, c in a.rewrites
        ],
    )
    lines += _section("refused", [f"{r.place}: {r.what}: {r.why}" for r in built.refused])
    notes = [*built.read.notes, *(f"{a.name}: {n}" for a in built.alerts for n in a.notes)]
    if team:
        areas = sorted({m.area for m in built.metrics.values()} | {a.area for a in built.alerts})
        notes.append(
            f"team file for {team!r}: the including plan must declare the areas {', '.join(areas)}"
        )
    lines += _section("notes", notes)
    if found.nothing:
        lines.append("  nothing imported: no plan written")
    return "\n".join(lines) + "\n"


_KINDS = (TESTED_RAW, TESTED_RECORD, TESTED_TESTS)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _section(title: str, items: list[str]) -> list[str]:
    if not items:
        return []
    return [f"  {title}: {len(items)}", *(f"    - {item}" for item in items)]
