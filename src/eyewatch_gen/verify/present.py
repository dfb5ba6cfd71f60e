"""A verify report for people and machines: problems (through the shared reporters in
`report.py`) and the sections only verify has (alerts and their state, blind alerts per level,
jobs, deployed groups, the backtest), as aligned text, rich tables or JSON."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from eyewatch_gen.layout import rules_path
from eyewatch_gen.plan import durations
from eyewatch_gen.plan.fields import LEVELS
from eyewatch_gen.problems import Problem
from eyewatch_gen.verify.run import Report

PAGING = ("P1", "P2")  # a blind alert of these levels fails verify
RULES = {
    "blind": "verify/blind",
    "degraded": "verify/degraded",
    "unchecked": "verify/unchecked",
    "ok": "verify/ok",
}
PROMETHEUS_CONFIG = "prometheus/prometheus.yml"
Section = tuple[str, tuple[str, ...], list[tuple[str, ...]]]


def findings(report: Report, plan_file: str, tree: str) -> list[Problem]:
    """Everything wrong, as problems (in the generated files under `tree`, or the plan); errors
    make verify exit 1."""
    found = _alert_findings(report) + _job_findings(report) + _deployed_findings(report)
    found = [p.under(tree) for p in found + _backtest_errors(report)]
    return sorted(found + _budget_findings(report, plan_file))


def _alert_findings(report: Report) -> list[Problem]:
    found = []
    for alert in report.alerts:
        verdict = alert.verdict
        if verdict.state == "ok":
            continue
        level = "error" if verdict.state == "blind" and alert.level in PAGING else "warning"
        message = f"{alert.name} ({alert.level}) is {verdict.state}: {verdict.why()}"
        found.append(Problem.in_file(rules_path(alert.area), message, RULES[verdict.state], level))
    return found


def _job_findings(report: Report) -> list[Problem]:
    found = []
    for job in report.jobs:
        if job.total == 0:
            message = f"job {job.job} has no targets: alerts reading it are blind"
        elif job.up < job.total:
            message = f"job {job.job}: {job.total - job.up} of {job.total} targets down"
        else:
            continue
        found.append(Problem.in_file(PROMETHEUS_CONFIG, message, "verify/job", "warning"))
    return found


def _deployed_findings(report: Report) -> list[Problem]:
    found = []
    words = {
        "missing": "is not loaded: deploy the generated rules",
        "stale": "is stale: the server runs another version of it",
        "extra": "is loaded but no longer generated",
    }
    for group in report.groups or []:
        if group.state != "in sync":
            detail = f" ({'; '.join(group.details)})" if group.state == "stale" else ""
            message = f"group {group.name} {words[group.state]}{detail}"
            found.append(Problem.in_file(group.file, message, "verify/deployed"))
    for error in report.rule_errors:
        message = f"rule {error.rule} in group {error.group} fails: {error.error}"
        found.append(Problem.in_file(error.file, message, "verify/rule-health"))
    return found


def _backtest_errors(report: Report) -> list[Problem]:
    areas = {a.name: a.area for a in report.alerts}
    return [
        Problem.in_file(
            rules_path(areas.get(a.name, "")), f"{a.name}: {a.error}", "verify/backtest", "warning"
        )
        for a in (report.backtest.alerts if report.backtest else [])
        if a.error
    ]


def _budget_findings(report: Report, plan_file: str) -> list[Problem]:
    test = report.backtest
    if test is None:
        return []
    span = durations.format_seconds(test.end - test.start)
    return [
        Problem.in_file(
            plan_file,
            f"{level.level} would have sent {level.per_week:.1f} notifications per week over "
            f"the last {span}; its page_budget is {level.budget:g}",
            "verify/budget",
        )
        for level in test.levels
        if level.over
    ]


def sections(report: Report) -> list[Section]:
    """The report's tables: title, column headers, rows."""
    rows: list[tuple[str, ...]]
    found: list[Section] = [
        (
            "alerts",
            ("alert", "level", "state", "why"),
            [(a.name, a.level, a.verdict.state, a.verdict.why(1)) for a in report.alerts],
        ),
    ]
    if report.jobs:
        rows = [(j.job, str(j.total), str(j.up)) for j in report.jobs]
        found.append(("jobs", ("job", "targets", "up"), rows))
    if report.groups is not None:
        rows = [(g.name, g.state, "; ".join(g.details)) for g in report.groups]
        found.append(("deployed rule groups", ("group", "state", "details"), rows))
    if report.backtest is not None:
        found += _backtest_sections(report)
    return found


def _backtest_sections(report: Report) -> list[Section]:
    test = report.backtest
    assert test is not None
    span = durations.format_seconds(test.end - test.start)
    title = f"backtest over {span} (every {durations.format_seconds(test.step)})"
    alerts: list[tuple[str, ...]] = [
        (
            a.name,
            a.level,
            "error" if a.error else str(a.fires),
            _span(a.firing_seconds) + (" (still firing)" if a.still_firing else ""),
            _span(a.longest_seconds),
        )
        for a in test.alerts
    ]
    levels: list[tuple[str, ...]] = [
        (
            lv.level,
            str(lv.notifications),
            f"{lv.per_week:.1f}",
            f"{lv.budget:g}",
            "OVER" if lv.over else "ok",
        )
        for lv in test.levels
    ]
    return [
        (title, ("alert", "level", "fired", "firing", "longest"), alerts),
        ("notifications per level", ("level", "sent", "per week", "budget", "verdict"), levels),
    ]


def summary(report: Report) -> list[str]:
    """The one-line verdicts: blind alerts per level, deployed groups."""
    counts = []
    for level in LEVELS:
        of_level = [a for a in report.alerts if a.level == level]
        blind = sum(a.verdict.state == "blind" for a in of_level)
        counts.append(f"{level} {blind} of {len(of_level)}")
    lines = ["blind alerts per level: " + ", ".join(counts)]
    if report.groups is not None:
        states = [g.state for g in report.groups]
        tally = ", ".join(f"{states.count(s)} {s}" for s in dict.fromkeys(states))
        lines.append(f"deployed rule groups: {tally or 'none generated'}")
    return lines


def header(report: Report, plan_file: str) -> str:
    """What was checked against what, and how long it took."""
    server = f" (Prometheus {report.version})" if report.version else ""
    return (
        f"verify: {plan_file} against {report.url}{server}: {len(report.alerts)} alerts, "
        f"{len(report.records)} recording rules, {report.seconds:.1f}s"
    )


def plain_text(report: Report, plan_file: str) -> str:
    """The sections as aligned text columns."""
    lines = [header(report, plan_file)]
    for title, headers, rows in sections(report):
        lines += ["", f"{title}:", *_aligned([headers, *rows])]
    return "\n".join([*lines, "", *summary(report)]) + "\n"


def rich_tables(report: Report, plan_file: str) -> None:
    """The sections as rich tables on the terminal."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    console.print(header(report, plan_file))
    for title, headers, rows in sections(report):
        table = Table(*headers, title=title, title_justify="left")
        for row in rows:
            table.add_row(*row)
        console.print(table)
    for line in summary(report):
        console.print(line)


def as_data(report: Report) -> dict[str, Any]:
    """The report as JSON-ready data."""
    data = asdict(report)
    data["summary"] = summary(report)
    return data


def _aligned(rows: Sequence[tuple[str, ...]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]


def _span(seconds: float) -> str:
    return durations.format_seconds(seconds)
