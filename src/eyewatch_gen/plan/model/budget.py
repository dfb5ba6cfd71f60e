"""The page budget: how many notifications per week each level may send before the people who
receive them stop being able to act on them. `eyewatch-gen verify --backtest` compares what
each level would have sent over a past window with this budget.

The defaults follow the usual on-call guidance (a few pages a week at most for what wakes
people up; tickets and e-mail are worked in office hours, so more, but not dozens a day).
"""

from __future__ import annotations

from pydantic import Field

from eyewatch_gen.plan.fields import Level
from eyewatch_gen.plan.model.base import Model


class PageBudget(Model):
    """Notifications per week each level may send (P1 and P2 reach people at once)."""

    P1: float = Field(2, ge=0, description="P1 notifications per week (pages).")
    P2: float = Field(5, ge=0, description="P2 notifications per week.")
    P3: float = Field(20, ge=0, description="P3 notifications per week (office hours).")
    P4: float = Field(40, ge=0, description="P4 notifications per week (tickets).")

    def level(self, name: Level) -> float:
        """The budget of level `name`."""
        value: float = getattr(self, name)
        return value
