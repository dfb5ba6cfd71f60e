"""`eyewatch-gen lint`: every check on the generated tree and the plan, in one list.

Checks are modules with `run(out, plan) -> list[Problem]`, listed in CHECKS and imported only
when run. A missing external tool stops the run with one line naming its package. Findings in
generated files are reported at `<out>/<file>`, the plan's own warnings at the plan's path.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from eyewatch_gen.checks import tools
from eyewatch_gen.manifest import refuse_odd_entries
from eyewatch_gen.plan.environments import variant
from eyewatch_gen.plan.load import LoadedPlan
from eyewatch_gen.plan.model import Plan
from eyewatch_gen.plan.places import Place
from eyewatch_gen.problems import Problem

CheckName = Literal[
    "drift",
    "schemas",
    "logstash",
    "filebeat",
    "elastalert",
    "kibana",
    "promtool",
    "prometheus-config",
    "blackbox",
    "amtool",
    "policy",
    "cross",
    "logs",
]
CHECKS: dict[CheckName, str] = {
    "drift": "eyewatch_gen.checks.drift",
    "schemas": "eyewatch_gen.checks.schemas",
    "logstash": "eyewatch_gen.checks.logstash_syntax",
    "filebeat": "eyewatch_gen.checks.filebeat",
    "elastalert": "eyewatch_gen.checks.elastalert",
    "kibana": "eyewatch_gen.checks.kibana",
    "promtool": "eyewatch_gen.checks.promtool",
    "prometheus-config": "eyewatch_gen.checks.prometheus_config",
    "blackbox": "eyewatch_gen.checks.blackbox",
    "amtool": "eyewatch_gen.checks.amtool",
    "policy": "eyewatch_gen.checks.policy",
    "cross": "eyewatch_gen.checks.cross",
    "logs": "eyewatch_gen.checks.logs",
}
#: checks that need no external program (what `make bench` measures)
OFFLINE: tuple[CheckName, ...] = (
    "drift",
    "schemas",
    "logstash",
    "filebeat",
    "elastalert",
    "kibana",
    "policy",
    "cross",
    "logs",
)


@dataclass(frozen=True)
class LintResult:
    """Findings of every check that ran."""

    findings: list[Problem]
    checks: list[CheckName]

    def failed(self, strict: bool) -> bool:
        """Errors fail; with `strict`, warnings too."""
        return any(f.level == "error" or strict for f in self.findings)


def lint(
    out: Path,
    plan: Plan,
    only: tuple[CheckName, ...] = tuple(CHECKS),
    places: Mapping[str, Place] | None = None,
) -> LintResult:
    """Run the named checks (all by default) on the tree `out` rendered from `plan`. A check
    whose findings concern plan alerts may offer `locate(problem, places)`, which names where
    the plan defines the alert (`places`: alert name -> its `Place`); it gets the finding with
    its generated file already under `out`, so it may point it at the plan instead."""
    modules = [importlib.import_module(CHECKS[name]) for name in only]
    for module in modules:  # fail fast, before the slow checks, when a tool is missing
        for tool in getattr(module, "TOOLS", ()):
            tools.find(tool)
    refuse_odd_entries(out, "lint")
    findings: list[Problem] = []
    for module in modules:
        found = [problem.under(str(out)) for problem in module.run(out, plan)]
        locate = getattr(module, "locate", None)
        if locate is not None and places:
            found = [locate(problem, places) for problem in found]
        findings += found
    return LintResult(sorted(_once(findings)), list(only))


def _once(findings: list[Problem]) -> list[Problem]:
    """Each problem once: the same message at the same place found by a later check (a rules
    file that `promtool check config` loads too) is left out."""
    seen: set[tuple[str, int, int, str]] = set()
    kept = []
    for problem in findings:
        key = (problem.file, problem.line, problem.column, problem.message)
        if key not in seen:
            seen.add(key)
            kept.append(problem)
    return kept


def lint_trees(
    out: Path, loaded: LoadedPlan, only: tuple[CheckName, ...], environments: Sequence[str]
) -> LintResult:
    """Lint `out` (environment ""), or the subdirectory `out/<env>` of each named environment."""
    findings = list(loaded.warnings)
    for name in environments:
        plan = variant(loaded.plan, name) if name else loaded.plan
        findings += lint(out / name, plan, only, loaded.places).findings
    return LintResult(sorted(findings), list(only))
