"""`eyewatch-gen import`: existing Prometheus rule files into a plan.

- `read`: rule files, PrometheusRule objects and mixin output, with positions;
- `names`: valid plan names for alerts, metrics, records and areas, deterministically;
- `templates`: annotations rewritten into the forms generated tests can predict;
- `steady`: PromQL evaluated over the steady state of test inputs (the proof of a fixture);
- `solve` and `infer`: test inputs inferred from an expression's shape;
- `build`: the plan data, checked by loading it back as a plan;
- `report`: what was imported, tested, rewritten and refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from eyewatch_gen.importer.build import Options, build
from eyewatch_gen.importer.emit import emit
from eyewatch_gen.importer.read import read_rules
from eyewatch_gen.importer.report import Counts, counts, text


@dataclass(frozen=True)
class Imported:
    """The plan (or team file) text, the report, and its numbers."""

    plan: str
    report: str
    counts: Counts


def import_rules(paths: list[Path], options: Options) -> Imported:
    """Read the rule files, build and check the plan, and report."""
    sources = [str(p) for p in paths]
    built = build(read_rules(paths), options)
    plan = emit(built, options, sources)
    return Imported(plan, text(built, sources, options.team), counts(built))


__all__ = ["Imported", "Options", "import_rules"]
