"""Where generated files go, relative to the output directory (the generated/ layout contract).

Paths that more than one module needs live here, so that no target asks another for them.
"""

from __future__ import annotations

DOCS = "docs"
ALERTS_DOC = "docs/alerts.md"
ONCALL_DOC = "docs/oncall.md"
LOGGING_DOC = "docs/logging.md"
MAINTENANCE_DOC = "docs/maintenance.md"
DOCS_INDEX = "docs/README.md"
CALENDAR = "calendar/maintenance.ics"


def rules_path(area: str) -> str:
    """The Prometheus rules file of `area`."""
    return f"prometheus/rules/{area}.rules.yml"


def test_path(area: str) -> str:
    """The promtool test file of `area`."""
    return f"prometheus/tests/{area}.test.yml"


def log_rule_path(name: str) -> str:
    """The ElastAlert rule of log alert `name`."""
    return f"elastalert/rules/{name}.yaml"


def runbook_path(page: str) -> str:
    """The runbook page `page` (an alert name, or a guide's name)."""
    return f"{DOCS}/runbooks/{page}.md"


def docs_relative(path: str) -> str:
    """`path` (a generated file) as seen from the docs folder, which is published as a whole."""
    return path.removeprefix(f"{DOCS}/")
