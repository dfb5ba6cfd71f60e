"""Problems a user can fix: a position in the plan, a field path, a message and a rule id.

Every user error travels as a `Problem`; `PlanError` carries all of them at once, so a person
sees every mistake in one run (`plan.yaml:5:5: error: slos[0].objective: ... (plan/range)`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

Path = tuple[str | int, ...]


def format_path(path: Path) -> str:
    """Render a field path the way a reader writes it: `alerts[3].for`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out or "(document)"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, located as precisely as the input allows."""

    file: str
    line: int
    column: int
    path: str
    message: str
    rule: str
    level: str = "error"

    def render(self) -> str:
        """`file:line:col: level: path: message (rule)`."""
        where = f"{self.path}: " if self.path else ""
        return (
            f"{self.file}:{self.line}:{self.column}: {self.level}: "
            f"{where}{self.message} ({self.rule})"
        )


class PlanError(Exception):
    """The plan (or the command line) is invalid; exit code 2."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(p.render() for p in self.problems))


class UsageError(Exception):
    """The command was called wrongly (a path that does not exist, a bad option); exit 2."""
