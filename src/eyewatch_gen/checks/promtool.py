"""promtool on the generated rules: `check rules --lint-fatal`, then `test rules`, whose
failures name the alert, the case, the time and what differs (`promtool_failures`)."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import yaml

from eyewatch_gen.checks import tools
from eyewatch_gen.checks.promtool_failures import cases, explain, failures
from eyewatch_gen.plan.model import Plan
from eyewatch_gen.plan.places import Place
from eyewatch_gen.problems import Problem

# `file: 5:11: group "a", rule 1, ...` (a position) or `file: yaml: ...` (none)
CHECK_LINE = re.compile(r"(?P<file>[^:\s]+): (?:(?P<line>\d+):(?P<column>\d+): )?(?P<message>.+)")

TOOLS = ("promtool",)
CHECK_RULES = "promtool/check-rules"
TEST = "promtool/test"
RULES = (CHECK_RULES, TEST)


def run(out: Path, plan: Plan) -> list[Problem]:
    """Findings from promtool; none when every rules file checks and every test passes."""
    rules = sorted((out / "prometheus/rules").glob("*.yml"))
    tests = sorted((out / "prometheus/tests").glob("*.test.yml"))
    findings: list[Problem] = []
    if rules:
        checked = tools.run("promtool", "check", "rules", "--lint-fatal", *rules)
        if checked.returncode:
            findings += _check_findings(out, checked.stdout + checked.stderr)
    # a test of a rules file that failed to load would only repeat its error
    broken = {(out / p.file).resolve() for p in findings}
    tests = [t for t in tests if not broken & _rule_files(t)]
    # One process per file (promtool prints FAILED blocks on stderr and file names on
    # stdout, so a single run cannot say which file failed); run them side by side.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        results = list(pool.map(lambda t: tools.run("promtool", "test", "rules", t), tests))
    for test, result in zip(tests, results, strict=True):
        if result.returncode:
            findings += _test_findings(out, test, result.stdout + result.stderr)
    return findings


def _rule_files(test: Path) -> set[Path]:
    """The rules files a promtool test file loads."""
    try:
        data = yaml.safe_load(test.read_text())
    except yaml.YAMLError:
        return set()
    names = data.get("rule_files", []) if isinstance(data, dict) else []
    return {(test.parent / str(name)).resolve() for name in names if isinstance(name, str)}


def _relative(out: Path, text: str) -> str:
    return text.replace(f"{out}/", "").replace(f"{out.resolve()}/", "")


def _check_findings(out: Path, output: str) -> list[Problem]:
    findings = []
    for raw in output.splitlines():
        line = _relative(out, raw.strip())
        found = CHECK_LINE.fullmatch(line)
        if found and ("error" in line.lower() or "parse" in line or "lint" in line):
            findings.append(
                Problem.in_file(
                    found["file"],
                    found["message"],
                    CHECK_RULES,
                    line=int(found["line"] or 0),
                    column=int(found["column"] or 0),
                )
            )
    return findings or [
        Problem.in_file("prometheus/rules", _relative(out, output.strip())[-500:], CHECK_RULES)
    ]


def _test_findings(out: Path, test: Path, output: str) -> list[Problem]:
    file = test.relative_to(out).as_posix()
    found = failures(output)
    if not found:
        return [Problem.in_file(file, condensed(_relative(out, output)), TEST)]
    named = cases(test)
    return [
        Problem.in_file(file, explain(failure, named.get((failure.alert, failure.time))), TEST)
        for failure in found
    ]


def condensed(output: str) -> str:
    """promtool's free-form failure as one line: its messages joined by `; `, without the
    `Unit Testing:` / `Checking` banners and bare `FAILED:` lines."""
    lines = [
        line.strip().removeprefix("FAILED:").strip()
        for line in output.splitlines()
        if line.strip() and not line.strip().startswith(("Unit Testing:", "Checking "))
    ]
    return "; ".join(filter(None, lines))[-500:]


def locate(problem: Problem, places: Mapping[str, Place]) -> Problem:
    """`X at 13m (...)` -> `X (plan.yaml:740:5) at 13m (...)`: where the plan defines X."""
    alert, at, rest = problem.message.partition(" at ")
    if problem.rule != TEST or not at or alert not in places:
        return problem
    return replace(problem, message=f"{alert} ({places[alert]}) at {rest}")
