"""Runbooks: every alert has a page and a runbook_url to it, pages say what to check first from
the plan's own data, guides attach to alerts or to classes, and lint reports what has none."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import MINIMAL, ROOT
from eyewatch_gen.checks import cross, policy
from eyewatch_gen.pipeline import render_all
from eyewatch_gen.plan.catalog import rule_groups
from eyewatch_gen.plan.load import load_plan, load_plan_text
from eyewatch_gen.plan.model import AlertClass, AlertKind
from eyewatch_gen.plan.rules import AlertingRule
from eyewatch_gen.plan.runbooks import matches, pages
from eyewatch_gen.writer import write_tree

DEFAULT = load_plan(ROOT / "plan.yaml").plan
BASE = "https://docs.eyewearml.example/operations/runbooks/"
GUIDES = """runbooks:
  base_url: https://docs.shop.example/ops
  recent_changes: see the deploy log
  guides:
    cpu:
      title: CPU saturated
      check: [Top pods of the node.]
      steps: [Scale out the busy workload.]
    everything-down:
      title: Everything down
      kind: recovery
      steps: [Fail over.]
      applies_to:
        - {kinds: [raw], severities: [P3]}
"""


def _texts(plan_text: str | None = None) -> dict[str, str]:
    plan = DEFAULT if plan_text is None else load_plan_text(plan_text).plan
    return {a.path: a.content.decode() for a in render_all(plan) if a.path.startswith("docs/")}


def test_every_default_alert_has_a_page_a_guide_and_a_link_to_its_page() -> None:
    names = {r.name for g in rule_groups(DEFAULT) for r in g.alerting}
    found = pages(DEFAULT)
    assert {p.name for p in found} >= names
    assert all(p.covered for p in found), [p.name for p in found if not p.covered]
    texts = _texts()
    for page in found:
        assert f"docs/runbooks/{page.name}.md" in texts
    for group in rule_groups(DEFAULT):
        for rule in group.alerting:
            assert rule.annotations["runbook_url"] == f"{BASE}{rule.name}.md"


def test_a_page_checks_the_query_metric_panel_and_recent_changes_first() -> None:
    page = _texts()["docs/runbooks/NodeHighCPU.md"]
    assert "instance:node_cpu_utilisation:rate5m > 0.8" in page
    assert 'rate(node_cpu_seconds_total{job="node-exporter", mode=~"idle|iowait|steal"}' in page
    assert "?viewPanel=" in page
    assert "What changed recently: deploys and configuration changes" in page
    assert "### Node under resource pressure" in page
    assert "Reaches | sms, email (receiver `eyewearml-p2`)" in page
    assert "team-lead after 30m" in page and "management after 1h" in page
    assert "CPU on <instance> is above 80%" in page  # Go templates shown as placeholders


def test_generated_alerts_have_pages_with_guides_by_class() -> None:
    texts = _texts()
    assert "### Scrape target down" in texts["docs/runbooks/NodeExporterTargetDown.md"]
    assert "### Kubernetes node failure" in texts["docs/runbooks/NodeExporterTargetDown.md"]
    escalation = texts["docs/runbooks/EscalationP1TeamLead.md"]
    assert "### An alert escalated to you" in escalation
    assert "`escalated_runbook_url` annotation" in escalation
    assert "### Maintenance routine overdue" in texts["docs/runbooks/RestoreTestOverdue.md"]
    assert "### Backups failing or late" in texts["docs/runbooks/BackupRPOBreached.md"]
    assert "### Database failure" in texts["docs/runbooks/BackupRPOBreached.md"]


@pytest.mark.parametrize(
    ("guide", "steps"),
    [
        (
            "database-failure",
            [
                "Identify failure type",
                "Stop affected services",
                "Restore from latest backup",
                "Verify data integrity",
                "Restart services",
                "Verify system functionality",
            ],
        ),
        (
            "kubernetes-node-failure",
            [
                "Cordon failed node",
                "Drain pods from failed node",
                "Replace or repair node",
                "Uncordon node",
                "Verify node functionality",
            ],
        ),
        (
            "complete-cluster-failure",
            [
                "Activate standby cluster",
                "Restore data from backups",
                "Verify system functionality",
                "Investigate primary cluster failure",
                "Document incident and resolution",
            ],
        ),
    ],
    ids=["database", "kubernetes-node", "complete-cluster"],
)
def test_the_seed_recovery_scenarios_are_procedures_with_their_steps(
    guide: str, steps: list[str]
) -> None:
    page = _texts()[f"docs/runbooks/{guide}.md"]
    assert page.startswith("# Recovery procedure: ")
    assert "lose at most 15m of data (RPO), be back within\n1h (RTO)" in page
    section = page.split("## Steps\n", 1)[1].split("\n## ", 1)[0]
    numbered = [line.split(". ", 1) for line in section.splitlines() if line[:1].isdigit()]
    assert [number for number, _ in numbered] == [str(n) for n in range(1, len(steps) + 1)]
    assert all(text.startswith(step) for (_, text), step in zip(numbered, steps, strict=True))
    assert "## Alerts that point here" in page and "- [" in page


def test_the_index_links_documents_procedures_and_every_alert() -> None:
    index = _texts()["docs/README.md"]
    for link in ("alerts.md", "oncall.md", "maintenance.md", "logging.md", "../calendar/"):
        assert f"]({link}" in index
    assert "## Recovery procedures" in index and "runbooks/database-failure.md" in index
    assert index.count("](runbooks/") == len(pages(DEFAULT)) + len(DEFAULT.runbooks.guides)  # type: ignore[union-attr]
    assert "no guide attached" not in index


def test_without_runbook_pages_an_alert_keeps_its_outside_link() -> None:
    plan = load_plan(MINIMAL).plan
    rules = {r.name: r for g in rule_groups(plan) for r in g.alerting}
    assert rules["HighCPU"].annotations["runbook_url"] == "https://runbooks.shop.example/cpu"
    assert "runbook_url" not in rules["ErrorsHigh"].annotations
    texts = _texts(MINIMAL.read_text())
    assert (
        "Follow the team's own runbook: <https://runbooks.shop.example/cpu>"
        in texts["docs/runbooks/HighCPU.md"]
    )
    assert "No guide is attached to this alert yet" in texts["docs/runbooks/ErrorsHigh.md"]


def test_guides_attach_by_name_and_by_class_and_links_use_the_base_url() -> None:
    text = MINIMAL.read_text().replace("runbook: https://runbooks.shop.example/cpu", "runbook: cpu")
    plan = load_plan_text(text + GUIDES).plan
    by_name = {p.name: p for p in pages(plan)}
    assert by_name["HighCPU"].guides == ("cpu",)
    assert by_name["Down"].guides == ("everything-down",)
    assert by_name["ErrorsHigh"].guides == ()
    rule = next(r for g in rule_groups(plan) for r in g.alerting if r.name == "Down")
    assert rule.annotations["runbook_url"] == "https://docs.shop.example/ops/runbooks/Down.md"
    guide = _texts(text + GUIDES)["docs/runbooks/cpu.md"]
    assert "- [HighCPU](HighCPU.md)" in guide


def _rule(kind: AlertKind = "threshold", **labels: str) -> AlertingRule:
    return AlertingRule("X", "up == 0", "0s", "P2", {"severity": "P2", **labels}, {}, kind=kind)


@pytest.mark.parametrize(
    ("kind", "rule", "expected"),
    [
        (AlertClass(kinds=["absent"]), _rule("absent"), True),
        (AlertClass(kinds=["absent"]), _rule("slo"), False),
        (AlertClass(areas=["db"]), _rule(area="db"), True),
        (AlertClass(areas=["db"], severities=["P1"]), _rule(area="db"), False),
        (AlertClass(services=["mongodb"]), _rule(service="mongodb"), True),
        (AlertClass(services=["mongodb"]), _rule(), False),
    ],
    ids=["kind", "other-kind", "area", "area-but-not-level", "service", "no-service"],
)
def test_a_class_matches_when_every_key_it_gives_matches(
    kind: AlertClass, rule: AlertingRule, expected: bool
) -> None:
    assert matches(kind, rule, "group-area") is expected


def test_lint_reports_every_alert_without_a_runbook_generated_ones_included(
    tmp_path: Path,
) -> None:
    text = MINIMAL.read_text() + "jobs:\n  app: {area: app, static: ['app:8080']}\n"
    plan = load_plan_text(text).plan
    write_tree(tmp_path, render_all(plan))
    found = {p.message.split()[0] for p in policy.run(tmp_path, plan) if p.rule == policy.RUNBOOK}
    assert found == {"ErrorsHigh", "Down", "AppTargetDown", "AppTargetsMissing"}


def test_lint_reports_a_runbook_link_to_a_page_that_is_not_there(tmp_path: Path) -> None:
    write_tree(tmp_path, render_all(DEFAULT))
    assert [p for p in cross.run(tmp_path, DEFAULT) if p.rule == cross.RUNBOOK_URL] == []
    (tmp_path / "docs/runbooks/NodeHighCPU.md").unlink()
    found = [p for p in cross.run(tmp_path, DEFAULT) if p.rule == cross.RUNBOOK_URL]
    assert [p.file for p in found] == ["prometheus/rules/infrastructure.rules.yml"]
    assert "NodeHighCPU links to" in found[0].message
