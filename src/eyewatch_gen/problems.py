"""Problems a user can fix, and the errors that stop a command.

Every diagnostic travels as a `Problem`: a plan error or warning (`plan.yaml:5:5: error:
slos[0].objective: ... (plan/range)`) and a lint finding in a generated file alike. `PlanError`
carries all of a plan's problems at once, so a person sees every mistake in one run. Every error
a user can fix derives from `EyewatchError` (exit 2); anything else is a bug (exit 3).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

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
    """One thing wrong with the plan or a generated file, located as precisely as known.

    `file` is the plan's path as given, or a generated file's path (relative to the output
    directory inside a check, `<out>/<file>` once `lint` reports it); `line` and `column` count
    from 1 and are 0 when unknown; `path` is the field path in the plan ('' in a generated
    file); `rule` is a constant `area/name` id such as `plan/range` or `promtool/test`.
    """

    file: str
    line: int
    column: int
    path: str
    message: str
    rule: str
    level: str = "error"  # error, warning

    @classmethod
    def in_file(
        cls,
        file: str,
        message: str,
        rule: str,
        level: str = "error",
        line: int = 0,
        column: int = 0,
    ) -> Problem:
        """A problem in a generated file (no plan field path)."""
        return cls(file, line, column, "", message, rule, level)

    def position(self) -> str:
        """`file:line:col`, or `file:line` / `file` where the column or line is unknown."""
        if self.line <= 0:
            return self.file
        if self.column <= 0:
            return f"{self.file}:{self.line}"
        return f"{self.file}:{self.line}:{self.column}"

    def under(self, directory: str) -> Problem:
        """The same problem, its `file` taken as relative to `directory`."""
        return replace(self, file=f"{directory}/{self.file}")

    def detail(self) -> str:
        """`path: message`, or the message alone outside the plan."""
        return f"{self.path}: {self.message}" if self.path else self.message

    def render(self) -> str:
        """`file:line:col: level: path: message (rule)`."""
        return f"{self.position()}: {self.level}: {self.detail()} ({self.rule})"


class EyewatchError(Exception):
    """An error the user can fix (plan, usage, a missing tool, a drill that cannot run): the CLI
    reports it in one message and exits 2. Any other exception is a bug (exit 3)."""


class PlanError(EyewatchError):
    """The plan is invalid; every problem found, at once."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(p.render() for p in self.problems))


class UsageError(EyewatchError):
    """The command was called wrongly (a path that does not exist, a bad option)."""
