"""`eyewatch-gen import`: existing Prometheus rule files into a plan.

- `read`: rule files, PrometheusRule objects and mixin output, with positions;
- `classify`: a threshold on a metric, or a raw condition;
- `names`, `alerts`, `templates`: valid plan names (the old one kept), levels, areas, labels,
  annotations rewritten into the forms generated tests can predict;
- `solve` (with `inversion`, `label_values`, `buckets`): test inputs proposed from an
  expression's shape;
- `steady` (with `vectors`, `functions`): PromQL evaluated over the steady state of test
  inputs, which proves a proposal;
- `infer`: proposals proven at the values the generated test uses, or the reason there are none;
- `build`, `emit`: the plan data, serialised and checked by loading it back as a plan;
- `report`: what was imported, tested, renamed, rewritten and refused.
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
