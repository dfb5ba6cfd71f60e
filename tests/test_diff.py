"""`eyewatch-gen diff`: what changed for people, in sentences."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

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


def test_a_threshold_and_a_severity_change_in_reviewer_words(cli: Cli, tmp_path: Path) -> None:
    changed = tmp_path / "plan.yaml"
    changed.write_text(_two_changes())
    result = cli("diff", "--base", ROOT / "plan.yaml", changed)
    assert result.code == 0, result.err
    assert "3 monitoring change(s)" in result.out
    assert (
        "- **weakened** NodeHighCPU: threshold `> 0.8` → `> 0.9`: values from 0.8 to 0.9 no "
        "longer alert" in result.out
    )
    assert (
        "- **changed** NodeHighCPU: the summary still says `above 80%`, but the threshold is "
        "now `> 0.9`" in result.out
    )
    assert "- **downgrade** ActiveUsersDrop: severity `P2` → `P4`" in result.out
    assert "Severity downgrades: **ActiveUsersDrop** `P2` → `P4`" in result.out


def test_fail_on_downgrade_and_json(cli: Cli, tmp_path: Path) -> None:
    changed = tmp_path / "plan.yaml"
    changed.write_text(_two_changes())
    assert cli("diff", "--base", ROOT / "plan.yaml", changed, "--fail-on", "downgrade").code == 1
    data = json.loads(cli("diff", "--base", ROOT / "plan.yaml", changed, "--format", "json").out)
    assert data["downgrades"] == 1 and data["weakened"] == 2 and len(data["changes"]) == 3
    assert data["changes"][0]["classes"] == ["weakened", "any"]


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
    described = {(c.section, c.kind, c.subject, c.detail) for c in changes}
    assert (
        "routing",
        "removed",
        "P1",
        "no longer reaches phone (pagerduty), sms (webhook): nobody is paged any more",
    ) in described
    assert (
        "maintenance",
        "changed",
        "monthly-patching",
        "mutes P3, P4 on days 1:7 sunday 02:00-04:00 (UTC) → mutes P4 on days 1:7 sunday "
        "02:00-04:00 (UTC)",
    ) in described
    assert (
        "retention",
        "changed",
        "security",
        "delete after 365d → delete after 400d",
    ) in described
    assert any(c.section == "dashboards" and c.kind == "removed" for c in changes)


def test_no_changes() -> None:
    plan = load_plan_text(TEXT).plan
    assert compare(plan, plan).changes == []


# -- every change that weakens paging is said, old -> new, and classed (issue 20, item 13) --


def _diff(text: str) -> list[tuple[str, str, str, str, tuple[str, ...]]]:
    result = compare(load_plan_text(TEXT).plan, load_plan_text(text).plan)
    return [(c.section, c.kind, c.subject, c.detail, c.classes) for c in result.changes]


WEAK = ("weakened", "any")
REMOVED = ("removed", "weakened", "any")
DOWN = ("downgrade", "weakened", "any")


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "    notify: [phone, sms, email]",
            "    notify: [sms, email]",
            ("routing", "removed", "P1",
             "no longer reaches phone (pagerduty): nobody is paged any more", REMOVED),
        ),
        (
            CPU + "    for: 5m\n    severity: P2\n",
            CPU + "    for: 5m\n    severity: P2\n    __deleted__",
            ("alerts", "removed", "NodeHighCPU", "was `P2` on `instance:node_cpu_utilisation:"
             "rate5m > 0.8`: nobody is told any more", REMOVED),
        ),
        (
            "{name: team-lead, after: 30m,",
            "{name: team-lead, after: 45m,",
            ("oncall", "weakened", "escalation step 1",
             "eyewearml-team-lead paged after `30m` → `45m`", WEAK),
        ),
        (
            "notify: [team-lead-sms, team-lead-email]}",
            "notify: [team-lead-email]}",
            ("oncall", "removed", "escalation step 1",
             "no longer notifies team-lead-sms when still unresolved after `30m`", REMOVED),
        ),
        (
            "  escalate: [P1, P2]\n",
            "  escalate: [P1]\n",
            ("oncall", "removed", "P2",
             "unresolved P2 alerts are no longer escalated by Alertmanager", REMOVED),
        ),
        (
            "    - {name: management, after: 1h, to: eyewearml-management, notify: "
            "[management-email]}\n",
            "",
            ("oncall", "removed", "escalation step 2",
             "pages eyewearml-management after `1h` (and notifies management-email)", REMOVED),
        ),
        (
            "    response_time: 15m\n",
            "    response_time: 1h\n",
            ("levels", "weakened", "P1", "response time `15m` → `1h`: first notification "
             "after 40s (was 10s), repeated every 40m (was 10m)", WEAK),
        ),
        (
            "  - service: recommendation-api\n    objective: 99.9\n",
            "  - service: recommendation-api\n    objective: 99.5\n",
            ("slos", "weakened", "recommendation-api/availability",
             "objective 99.9% → 99.5%: the error budget is 5× as large, so burn alerts page "
             "later", WEAK),
        ),
        (
            "    mute: [P3, P4]",
            "    mute: [P2, P3, P4]",
            ("maintenance", "weakened", "monthly-patching",
             "mutes P3, P4 on days 1:7 sunday 02:00-04:00 (UTC) → mutes P2, P3, P4 on days 1:7 "
             "sunday 02:00-04:00 (UTC): mutes more", WEAK),
        ),
        (
            '    times: [{start: "02:00", end: "04:00"}]',
            '    times: [{start: "01:00", end: "05:00"}]',
            ("maintenance", "weakened", "monthly-patching",
             "mutes P3, P4 on days 1:7 sunday 02:00-04:00 (UTC) → mutes P3, P4 on days 1:7 sunday "
             "01:00-05:00 (UTC): mutes more", WEAK),
        ),
        (
            "delete_after: 365d}",
            "delete_after: 180d}",
            ("retention", "weakened", "security",
             "delete after 365d → delete after 180d (kept for less time)", WEAK),
        ),
    ],
    ids=["channel-removed", "alert-deleted", "escalation-later", "escalation-channel",
         "escalate-level",
         "escalation-dropped", "response-time", "slo-lowered", "window-mutes-a-level",
         "window-longer", "retention-shorter"],
)  # fmt: skip
def test_each_weakening_is_reported_with_old_and_new(
    old: str, new: str, expected: tuple[str, str, str, str, tuple[str, ...]]
) -> None:
    text = _edit(TEXT, old, new)
    if "__deleted__" in text:  # drop the whole alert
        start = text.rindex("  - name: NodeHighCPU", 0, text.index("__deleted__"))
        end = text.index("  - name: ", text.index("__deleted__"))
        text = text[:start] + text[end:]
    assert expected in _diff(text)


def test_a_label_that_would_override_the_severity_never_reaches_diff(
    cli: Cli, tmp_path: Path
) -> None:
    """`labels: {severity: P4}` on a P2 alert would page as P4 while diff read P2: the plan
    refuses it (issue 17), so diff can only ever compare the severity routing uses."""
    changed = tmp_path / "plan.yaml"
    changed.write_text(_edit(TEXT, USERS, USERS + "    labels: {severity: P4}\n"))
    result = cli("diff", "--base", ROOT / "plan.yaml", changed, "--fail-on", "downgrade")
    assert result.code == 2
    assert "labels.severity: the severity label is set by eyewatch-gen" in result.err


def test_a_recording_rule_change_shows_old_and_new_and_its_readers() -> None:
    old = "    record: instance:node_cpu_utilisation:rate5m\n    expr: |\n      1 - avg"
    text = _edit(TEXT, old, old.replace("1 - avg", "0.9 - avg"))
    (change,) = _diff(text)
    section, kind, subject, detail, classes = change
    assert (section, kind, subject, classes) == (
        "recording",
        "changed",
        "instance:node_cpu_utilisation:rate5m",
        ("any",),
    )
    assert detail.startswith("expression `1 - avg without (cpu)")
    assert "→ `0.9 - avg without (cpu)" in detail and detail.endswith("; read by NodeHighCPU")


@pytest.mark.parametrize(
    ("fail_on", "code"),
    [("downgrade", 0), ("removed", 1), ("weakened", 1), ("any", 1), ("downgrade,removed", 1)],
)
def test_fail_on_classes(cli: Cli, tmp_path: Path, fail_on: str, code: int) -> None:
    changed = tmp_path / "plan.yaml"
    changed.write_text(_edit(TEXT, "    notify: [phone, sms, email]", "    notify: [sms, email]"))
    result = cli("diff", "--base", ROOT / "plan.yaml", changed, "--fail-on", fail_on)
    assert result.code == code, result.out + result.err
    assert "Weakens paging: **P1** no longer reaches phone (pagerduty)" in result.out


def test_fail_on_rejects_an_unknown_class(cli: Cli) -> None:
    result = cli("diff", "--base", ROOT / "plan.yaml", ROOT / "plan.yaml", "--fail-on", "bad")
    assert result.code == 2
    assert "--fail-on takes downgrade, removed, weakened, any" in result.err


# -- the base plan comes from the base ref, team files included; refs are never options ------


def _git(cwd: Path, *args: str) -> None:
    identity = ["-c", "user.name=test", "-c", "user.email=test@example.invalid"]
    subprocess.run(["git", *identity, *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """The two-team example, committed, in a repository of its own (plan one level down)."""
    shutil.copytree(ROOT / "examples/two-teams", tmp_path / "monitoring")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-qm", "base")
    return tmp_path / "monitoring"


def test_team_files_of_the_base_come_from_the_base_ref(cli: Cli, repository: Path) -> None:
    team = repository / "plan.d/checkout.yaml"
    team.write_text(_edit(team.read_text(), "threshold: 0.01", "threshold: 0.05"))
    result = cli("diff", "--base", "HEAD", repository / "plan.yaml", "--fail-on", "weakened")
    assert result.code == 1, result.out + result.err
    assert (
        "- **weakened** CheckoutErrorsHigh: threshold `> 0.01` → `> 0.05`: values from 0.01 to "
        "0.05 no longer alert" in result.out
    )


def test_a_team_file_deleted_since_the_base_removes_its_alerts(cli: Cli, repository: Path) -> None:
    plan = repository / "plan.yaml"
    (repository / "plan.d/search.yaml").unlink()
    plan.write_text(plan.read_text().replace("SearchLatencyHigh: {for: 15m, severity: P4}", ""))
    result = cli("diff", "--base", "HEAD", plan, "--fail-on", "removed")
    assert result.code == 1, result.out + result.err
    assert "- **removed** SearchLatencyHigh: was `P3`" in result.out


@pytest.mark.parametrize("base", ["--output=OUT", "-p", "--upload-pack=touch OUT"])
def test_a_ref_that_looks_like_an_option_is_a_usage_error(
    cli: Cli, repository: Path, base: str
) -> None:
    base = base.replace("OUT", str(repository.parent / "written"))
    result = cli("diff", f"--base={base}", repository / "plan.yaml")
    assert result.code == 2, result.out + result.err
    (line,) = result.err.strip().splitlines()
    assert "a git ref cannot start with '-'" in line
    assert sorted(p.name for p in repository.parent.iterdir()) == [".git", "monitoring"]


def test_a_base_file_that_is_not_utf8_is_located(cli: Cli, tmp_path: Path) -> None:
    base = tmp_path / "old.yaml"
    base.write_bytes(TEXT.encode().replace(b"platform: eyewearml", b"platform: eyewe\xe4rml"))
    result = cli("diff", "--base", base, ROOT / "plan.yaml")
    assert result.code == 2
    assert result.err.startswith(f"{base}:")
    assert "byte 0xe4 is not UTF-8; save the plan as UTF-8 (plan/encoding)" in result.err
    assert "Traceback" not in result.err
