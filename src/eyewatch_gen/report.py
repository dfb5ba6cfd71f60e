"""Presenting problems: a rich table on a terminal, plain lines, JSON, or GitHub workflow
annotations. Every reporter shows a problem's position the same way (`Problem.position()`:
`file:line:col`, shorter where the line or column is unknown); `REPORTERS` is the one list of
formats (`lint --format` offers exactly these).

GitHub's syntax: `::warning file={name},line={line},col={col},title={title}::{message}`
(https://docs.github.com/en/actions/reference/workflow-commands-for-github-actions).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence

from eyewatch_gen.problems import Problem

#: problems and the names of the checks that ran -> the text to print
Reporter = Callable[[Sequence[Problem], Sequence[str]], str]


def plain(problems: Sequence[Problem], checks: Sequence[str] = ()) -> str:
    """`file:line:col: level: path: message (rule)`, one per line."""
    return "".join(f"{p.render()}\n" for p in problems)


def as_json(problems: Sequence[Problem], checks: Sequence[str]) -> str:
    """A JSON document: the checks run and every problem with its position fields."""
    data = {
        "checks": list(checks),
        "findings": [
            {
                "file": p.file,
                "line": p.line or None,  # unknown: null
                "column": p.column or None,
                "position": p.position(),
                "level": p.level,
                "rule": p.rule,
                "path": p.path,
                "message": p.message,
            }
            for p in problems
        ],
    }
    return json.dumps(data, indent=2) + "\n"


def github(problems: Sequence[Problem], checks: Sequence[str] = ()) -> str:
    """GitHub Actions workflow commands, one per problem, at its file, line and column."""
    return "".join(_annotation(p) for p in problems)


def _annotation(problem: Problem) -> str:
    fields = [f"file={_property(problem.file)}"]
    if problem.line > 0:
        fields.append(f"line={problem.line}")
        if problem.column > 0:
            fields.append(f"col={problem.column}")
    fields.append(f"title={_property(problem.rule)}")
    return f"::{problem.level} {','.join(fields)}::{_data(problem.detail())}\n"


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def table(problems: Sequence[Problem], checks: Sequence[str]) -> str:
    """A rich table with a one-line verdict on a terminal; plain lines elsewhere."""
    if not sys.stdout.isatty():
        return plain(problems, checks)
    from rich.console import Console
    from rich.table import Table

    console = Console()
    with console.capture() as captured:
        if problems:
            grid = Table(show_lines=False)
            for column in ("level", "rule", "position", "message"):
                grid.add_column(column)
            for p in problems:
                style = "red" if p.level == "error" else "yellow"
                grid.add_row(f"[{style}]{p.level}[/]", p.rule, p.position(), p.detail())
            console.print(grid)
        errors = sum(p.level == "error" for p in problems)
        warnings = len(problems) - errors
        colour = "red" if errors else ("yellow" if warnings else "green")
        console.print(f"[{colour}]{len(checks)} checks: {errors} errors, {warnings} warnings[/]")
    return captured.get()


REPORTERS: dict[str, Reporter] = {"table": table, "plain": plain, "json": as_json, "github": github}
