"""`eyewatch-gen diff`: what changed for people, in sentences."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from conftest import ROOT, Run
from eyewatch_gen.diff import compare
from eyewatch_gen.plan.load import load_plan_text

Cli = Callable[..., Run]
TEXT = (ROOT / "plan.yaml").read_text()


def _edit(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


CPU = '    metric: node_cpu_utilisation\n    op: ">"\n    threshold: 0.80\n'
USERS = "    threshold: 0.15\n    for: 15m\n    severity: P2\n"


def _two_changes() -> str:
    text = _edit(TEXT, CPU, CPU.replace("0.80", "0.90"))
    return _edit(text, USERS, USERS.replace("P2", "P4"))


def test_one_threshold_and_one_severity_change_are_exactly_two_changes(
    cli: Cli, tmp_path: Path
) -> None:
    changed = tmp_path / "plan.yaml"
    changed.write_text(_two_changes())
    result = cli("diff", "--base", ROOT / "plan.yaml", changed)
    assert result.code == 0, result.err
    assert "2 monitoring change(s)" in result.out
    assert "- **changed** NodeHighCPU: threshold: `> 0.8` → `> 0.9`" in result.out
    assert "- **downgrade** ActiveUsersDrop: severity: `P2` → `P4`" in result.out
    assert "Severity downgrades: **ActiveUsersDrop** `P2` → `P4`" in result.out


def test_fail_on_downgrade_and_json(cli: Cli, tmp_path: Path) -> None:
    changed = tmp_path / "plan.yaml"
    changed.write_text(_two_changes())
    assert cli("diff", "--base", ROOT / "plan.yaml", changed, "--fail-on", "downgrade").code == 1
    data = json.loads(cli("diff", "--base", ROOT / "plan.yaml", changed, "--format", "json").out)
    assert data["downgrades"] == 1 and len(data["changes"]) == 2


def test_git_ref_base(cli: Cli) -> None:
    result = cli("diff", "--base", "HEAD", ROOT / "plan.yaml")
    assert result.code == 0, result.err
    assert "against `HEAD`" in result.out


def test_bad_base_is_a_usage_error(cli: Cli) -> None:
    result = cli("diff", "--base", "no-such-ref-or-file", ROOT / "plan.yaml")
    assert result.code == 2
    assert "neither a file nor a git ref" in result.err


def test_routing_windows_dashboards_and_retention_changes() -> None:
    text = _edit(TEXT, "    notify: [phone, sms, email]", "    notify: [email]")
    text = _edit(text, "    mute: [P3, P4]", "    mute: [P4]")
    text = _edit(text, "delete_after: 365d}", "delete_after: 400d}")
    text = _edit(
        text,
        "  restore_test_age:\n    area: backups\n",
        "  restore_test_age:\n    area: backups\n    panel: {hide: true}\n",
    )
    changes = compare(load_plan_text(TEXT).plan, load_plan_text(text).plan).changes
    described = {(c.section, c.subject, c.detail) for c in changes}
    assert ("routing", "P1", "now reaches email (was phone, sms, email)") in described
    assert ("maintenance", "monthly-patching", "mutes P3, P4 → mutes P4") in described
    assert ("retention", "security", "delete after 365d → delete after 400d") in described
    assert any(c.section == "dashboards" and c.kind == "removed" for c in changes)


def test_no_changes() -> None:
    plan = load_plan_text(TEXT).plan
    assert compare(plan, plan).changes == []
