"""The plan's own rules about itself."""

from __future__ import annotations

from pydantic import Field

from eyewatch_gen.plan.fields import Level
from eyewatch_gen.plan.model.base import Model


class Policy(Model):
    """What this plan demands of its alerts beyond what every plan must give."""

    require_tests: list[Level] = Field(
        default_factory=list,
        description="Levels whose alerts must have generated tests: an `untested` alert at "
        "one of them is a plan error, e.g. [P1, P2].",
    )
