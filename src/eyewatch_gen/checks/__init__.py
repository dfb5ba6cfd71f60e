"""Checks on a generated tree. Each module offers `run(out, plan) -> list[Finding]`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Finding:
    """One problem a check found in a generated file (or a note that it passed)."""

    file: str
    check: str
    message: str
    level: str = "error"  # error, warning
