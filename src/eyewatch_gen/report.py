"""Presenting findings: a rich table on a terminal, plain lines otherwise, JSON, or GitHub
workflow annotations (`::error file=...::message`)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from eyewatch_gen.checks import Finding


def plain(findings: Sequence[Finding]) -> str:
    """`file: level: message (check)`, one per line."""
    return "".join(f"{f.file}: {f.level}: {f.message} ({f.check})\n" for f in findings)


def as_json(findings: Sequence[Finding], checks: Sequence[str]) -> str:
    """A JSON document: the checks run and every finding."""
    data = {
        "checks": list(checks),
        "findings": [
            {"file": f.file, "check": f.check, "level": f.level, "message": f.message}
            for f in findings
        ],
    }
    return json.dumps(data, indent=2) + "\n"


def github(findings: Sequence[Finding], out: str) -> str:
    """GitHub Actions workflow commands, one per finding."""

    def escape(text: str) -> str:
        return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    return "".join(
        f"::{f.level} file={out}/{f.file},title={escape(f.check)}::{escape(f.message)}\n"
        for f in findings
    )


def table(findings: Sequence[Finding], checks: Sequence[str]) -> None:
    """A rich table on the terminal, with a one-line verdict."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if findings:
        grid = Table(show_lines=False)
        for column in ("level", "check", "file", "message"):
            grid.add_column(column)
        for f in findings:
            style = "red" if f.level == "error" else "yellow"
            grid.add_row(f"[{style}]{f.level}[/]", f.check, f.file, f.message)
        console.print(grid)
    errors = sum(f.level == "error" for f in findings)
    warnings = len(findings) - errors
    colour = "red" if errors else ("yellow" if warnings else "green")
    console.print(f"[{colour}]{len(checks)} checks: {errors} errors, {warnings} warnings[/]")
