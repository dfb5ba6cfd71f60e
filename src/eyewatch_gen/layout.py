"""Where generated files go, relative to the output directory (the generated/ layout contract).

Paths that more than one module needs live here, so that no target asks another for them.
"""

from __future__ import annotations


def rules_path(area: str) -> str:
    """The Prometheus rules file of `area`."""
    return f"prometheus/rules/{area}.rules.yml"


def test_path(area: str) -> str:
    """The promtool test file of `area`."""
    return f"prometheus/tests/{area}.test.yml"
