"""promtool on the generated rules: `check rules --lint-fatal`, then `test rules`."""

from __future__ import annotations

import os
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from eyewatch_gen.checks import Finding, tools
from eyewatch_gen.plan.model import Plan

_FAILED_ALERT = re.compile(r"alertname: ([^,\s]+), time: ([^,\s]+)")

TOOLS = ("promtool",)


def run(out: Path, plan: Plan) -> list[Finding]:
    """Findings from promtool; none when every rules file checks and every test passes."""
    rules = sorted((out / "prometheus/rules").glob("*.yml"))
    tests = sorted((out / "prometheus/tests").glob("*.test.yml"))
    findings: list[Finding] = []
    if rules:
        checked = tools.run("promtool", "check", "rules", "--lint-fatal", *rules)
        if checked.returncode:
            findings += _check_findings(out, checked.stdout + checked.stderr)
    # One process per file (promtool prints FAILED blocks on stderr and file names on
    # stdout, so a single run cannot say which file failed); run them side by side.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        results = list(pool.map(lambda t: tools.run("promtool", "test", "rules", t), tests))
    for test, result in zip(tests, results, strict=True):
        if result.returncode:
            findings += _test_findings(out, test, result.stdout + result.stderr)
    return findings


def _relative(out: Path, text: str) -> str:
    return text.replace(f"{out}/", "").replace(f"{out.resolve()}/", "")


def _check_findings(out: Path, output: str) -> list[Finding]:
    findings = []
    for raw in output.splitlines():
        line = _relative(out, raw.strip())
        if ": " in line and ("error" in line.lower() or "parse" in line or "lint" in line):
            file = line.split(":", 1)[0]
            findings.append(Finding(file, "promtool check rules", line))
    return findings or [
        Finding("prometheus/rules", "promtool check rules", _relative(out, output.strip())[-500:])
    ]


def _test_findings(out: Path, test: Path, output: str) -> list[Finding]:
    file = test.relative_to(out).as_posix()
    failed = sorted(set(_FAILED_ALERT.findall(output)))
    if not failed:
        return [Finding(file, "promtool test rules", _relative(out, output.strip())[-500:])]
    return [
        Finding(file, "promtool test rules", f"{name} at {time}: expected alerts differ")
        for name, time in failed
    ]
