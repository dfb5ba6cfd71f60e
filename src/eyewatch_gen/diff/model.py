"""What `diff` reports: changes in reviewer's words, each in the classes `--fail-on` takes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Section = Literal[
    "alerts",
    "recording",
    "routing",
    "levels",
    "oncall",
    "slos",
    "maintenance",
    "dashboards",
    "retention",
]
Kind = Literal["added", "removed", "changed", "weakened", "downgrade"]

#: `--fail-on` classes: a lowered severity; anything removed; anything that weakens paging
#: (fewer or later notifications, a lower objective, less retention, a muted level); any.
CLASSES = ("downgrade", "removed", "weakened", "any")


@dataclass
class Change:
    """One reviewable change: `kind` is what happened, `weakens` whether paging got weaker."""

    section: Section
    kind: Kind
    subject: str
    detail: str = ""
    weakens: bool = False

    @property
    def classes(self) -> tuple[str, ...]:
        """The `--fail-on` classes this change falls in."""
        found = {"any"}
        if self.kind == "downgrade":
            found.add("downgrade")
        if self.kind == "removed":
            found.add("removed")
        if self.weakens or self.kind in ("downgrade", "weakened"):
            found.add("weakened")
        return tuple(c for c in CLASSES if c in found)


@dataclass
class PlanDiff:
    """All changes between a base plan and the current one."""

    changes: list[Change] = field(default_factory=list)

    def of_class(self, name: str) -> list[Change]:
        """The changes in class `name` (one of CLASSES)."""
        return [c for c in self.changes if name in c.classes]

    @property
    def downgrades(self) -> list[Change]:
        """Severity downgrades (P1 -> P3 and the like)."""
        return self.of_class("downgrade")


def weakened(section: Section, subject: str, detail: str) -> Change:
    """A change that makes paging weaker."""
    return Change(section, "weakened", subject, detail, weakens=True)


def changed(section: Section, subject: str, detail: str) -> Change:
    """A change that does not weaken paging."""
    return Change(section, "changed", subject, detail)


def code(text: str) -> str:
    """`text` as inline code on one line."""
    return f"`{' '.join(text.split())}`"
