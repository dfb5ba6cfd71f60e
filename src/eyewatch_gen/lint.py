"""`eyewatch-gen lint`: every check on the generated tree and the plan, in one list.

Checks are modules with `run(out, plan) -> list[Finding]`, listed in CHECKS and imported only
when run. A missing external tool stops the run with one line naming its package.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from eyewatch_gen.checks import Finding, tools
from eyewatch_gen.plan.environments import variant
from eyewatch_gen.plan.load import LoadedPlan
from eyewatch_gen.plan.model import Plan
from eyewatch_gen.problems import Problem, UsageError

CheckName = Literal[
    "drift",
    "schemas",
    "logstash",
    "promtool",
    "prometheus-config",
    "blackbox",
    "amtool",
    "policy",
    "cross",
]
CHECKS: dict[CheckName, str] = {
    "drift": "eyewatch_gen.checks.drift",
    "schemas": "eyewatch_gen.checks.schemas",
    "logstash": "eyewatch_gen.checks.logstash_syntax",
    "promtool": "eyewatch_gen.checks.promtool",
    "prometheus-config": "eyewatch_gen.checks.prometheus_config",
    "blackbox": "eyewatch_gen.checks.blackbox",
    "amtool": "eyewatch_gen.checks.amtool",
    "policy": "eyewatch_gen.checks.policy",
    "cross": "eyewatch_gen.checks.cross",
}
#: checks that need no external program (what `make bench` measures)
OFFLINE: tuple[CheckName, ...] = ("drift", "schemas", "logstash", "policy", "cross")


@dataclass(frozen=True)
class LintResult:
    """Findings of every check that ran."""

    findings: list[Finding]
    checks: list[CheckName]

    def failed(self, strict: bool) -> bool:
        """Errors fail; with `strict`, warnings too."""
        return any(f.level == "error" or strict for f in self.findings)


def lint(
    out: Path,
    plan: Plan,
    only: tuple[CheckName, ...] = tuple(CHECKS),
    warnings: tuple[Problem, ...] = (),
) -> LintResult:
    """Run the named checks (all by default) on `out`; the plan's own warnings join in."""
    modules = [importlib.import_module(CHECKS[name]) for name in only]
    for module in modules:  # fail fast, before the slow checks, when a tool is missing
        for tool in getattr(module, "TOOLS", ()):
            tools.find(tool)
    findings = [
        Finding(f"{w.file}:{w.line}:{w.column}", w.rule, f"{w.path}: {w.message}", "warning")
        for w in warnings
    ]
    for module in modules:
        findings += module.run(out, plan)
    return LintResult(sorted(findings), list(only))


def lint_trees(
    out: Path, loaded: LoadedPlan, only: tuple[CheckName, ...], env: str | None = None
) -> LintResult:
    """Lint `out`, or each environment's subdirectory (`out/<env>`) of a plan that has them."""
    plan = loaded.plan
    if not plan.environments:
        return lint(out, plan, only, loaded.warnings)
    if env is not None and env not in plan.environments:
        raise UsageError(f"--env {env}: the plan declares {', '.join(plan.environments)}")
    chosen = [env] if env else list(plan.environments)
    findings = [
        Finding(f"{w.file}:{w.line}:{w.column}", w.rule, f"{w.path}: {w.message}", "warning")
        for w in loaded.warnings
    ]
    for name in chosen:
        result = lint(out / name, variant(plan, name), only)
        findings += [
            Finding(f"{name}/{f.file}", f.check, f.message, f.level) for f in result.findings
        ]
    return LintResult(sorted(findings), list(only))
