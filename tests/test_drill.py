"""The fire drill: the generated chain, metric -> rule -> alert -> route -> receiver, on a real
Prometheus and Alertmanager on loopback."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import MINIMAL, ROOT, Run, require_tool
from eyewatch_gen.checks import tools
from eyewatch_gen.drill import runner
from eyewatch_gen.drill.configs import rules
from eyewatch_gen.drill.exporter import ExportedSeries, exposition
from eyewatch_gen.drill.runner import DrillError, left_out, select
from eyewatch_gen.drill.sinks import alert_names
from eyewatch_gen.plan.catalog import rule_groups
from eyewatch_gen.plan.load import load_plan
from eyewatch_gen.verify import client

Cli = Callable[..., Run]


@pytest.fixture
def tools_present() -> None:
    for tool in ("prometheus", "prometheus-alertmanager", "promtool"):
        require_tool(tool)


def _rows(output: str) -> dict[str, list[str]]:
    rows = [line.split(" | ") for line in output.splitlines() if " | " in line]
    return {row[0]: row for row in rows[1:]}


def _seconds(row: list[str]) -> float:
    return float(row[4].removesuffix("s"))


def test_each_level_reaches_its_people_a_p1_inhibits_its_service_and_escalates(
    cli: Cli, tools_present: None
) -> None:
    result = cli(
        "drill",
        ROOT / "plan.yaml",
        "--out",
        ROOT / "generated",
        "--alert",  # the first P1 would be a probe; this one inhibits its service's P2
        "BackupRPOBreached",
        "--level",
        "P2",
        "--level",
        "P3",
        "--level",
        "P4",
        "--alert",
        "MongoDBReplicationLagHigh",
    )
    assert result.code == 0, result.out + result.err
    rows = _rows(result.out)
    drilled = {name: row for name, row in rows.items() if "also fired" not in name}
    assert {row[1] for row in drilled.values()} == {"P1", "P2", "P3", "P4"}
    assert all(row[-1] == "ok" for row in rows.values())
    # no TargetsMissing per declared job (nor its escalations) pages alongside: left out, said
    assert not any("TargetsMissing" in name for name in rows)
    assert "left out of the drill's rules" in result.out and "TargetsMissing" in result.out
    p1 = rows["BackupRPOBreached"]
    assert p1[3] == "eyewearml-p1:email, eyewearml-p1:phone, eyewearml-p1:sms"
    # a P3 of the same service as the P1 (mongodb) is inhibited
    assert rows["MongoDBReplicationLagHigh"][2:4] == ["nothing (inhibited or muted)", "nothing"]
    # unresolved, the P1 reaches the team lead after 30m and management after 1h (scaled 60x)
    lead = rows["EscalationP1TeamLead(BackupRPOBreached)"]
    management = rows["EscalationP1Management(BackupRPOBreached)"]
    lead_receiver = "eyewearml-escalation-team-lead"
    assert lead[3] == f"{lead_receiver}:team-lead-email, {lead_receiver}:team-lead-sms"
    assert management[3] == "eyewearml-escalation-management:management-email"
    assert lead[5] == "for 30m scaled to 30s" and management[5] == "for 1h scaled to 1m"
    assert 28 <= _seconds(lead) - _seconds(p1) < 45
    assert 58 <= _seconds(management) - _seconds(p1) < 75
    # a P3 or P4 never escalates
    assert not any(name.startswith(("EscalationP3", "EscalationP4")) for name in rows)
    assert "every alert reached exactly its receivers" in result.out


def test_a_hand_broken_route_fails_the_drill_naming_the_alert(
    cli: Cli, tools_present: None, tmp_path: Path
) -> None:
    out = tmp_path / "generated"
    shutil.copytree(ROOT / "generated", out)
    config = out / "alertmanager/alertmanager.yml"
    text = config.read_text()
    assert "receiver: eyewearml-p3\n" in text
    config.write_text(text.replace("receiver: eyewearml-p3\n", "receiver: eyewearml-p4\n", 1))
    result = cli("drill", ROOT / "plan.yaml", "--out", out, "--level", "P3", "--timeout", "30")
    assert result.code == 1
    row = _rows(result.out)["PersistentVolumeUsageHigh"]
    assert row[2] == "eyewearml-p3:email"
    assert row[3] == "eyewearml-p4:email, eyewearml-p4:ticket"
    assert row[-1] == "MISMATCH"


def test_an_open_maintenance_window_mutes_its_levels(cli: Cli, tools_present: None) -> None:
    result = cli(
        "drill",
        ROOT / "plan.yaml",
        "--out",
        ROOT / "generated",
        "--level",
        "P3",
        "--open-window",
        "monthly-patching",
        "--timeout",
        "30",
    )
    assert result.code == 0, result.out + result.err
    row = _rows(result.out)["PersistentVolumeUsageHigh"]
    assert row[2:4] == ["nothing (inhibited or muted)", "nothing"]


def test_drill_usage_errors(cli: Cli) -> None:
    assert cli("drill", ROOT / "plan.yaml", "--level", "P9").code == 2
    result = cli("drill", ROOT / "plan.yaml", "--alert", "NoSuchAlert")
    assert result.code == 2 and "no alert named NoSuchAlert" in result.err
    result = cli("drill", ROOT / "plan.yaml", "--alert", "EscalationP1TeamLead")
    assert result.code == 2 and "fire from other alerts" in result.err
    assert cli("drill", ROOT / "plan.yaml", "--open-window", "nope").code == 2


def test_exporter_and_sink_parsing() -> None:
    text = exposition(
        [
            ExportedSeries("g", (("a", 'x"y'),), value=2.0),
            ExportedSeries("c_total", (("b", "z"),), rate=0.5),
        ],
        10.0,
    )
    assert text == 'g{a="x\\"y"} 2.0\nc_total{b="z"} 5.0\n'
    assert alert_names("Labels: alertname = NodeHighCPU, severity = P2") == ["NodeHighCPU"]
    escalated = "alertname = EscalationP1TeamLead\n escalated_alertname = BackupRPOBreached"
    assert alert_names(escalated) == ["EscalationP1TeamLead(BackupRPOBreached)"]


def test_an_unreadable_matcher_in_the_deployed_file_is_a_drill_error(
    cli: Cli, tools_present: None, tmp_path: Path
) -> None:
    out = tmp_path / "generated"
    shutil.copytree(ROOT / "generated", out)
    config = out / "alertmanager/alertmanager.yml"
    text = config.read_text()
    assert '- severity="P3"\n' in text
    config.write_text(text.replace('- severity="P3"\n', "- severity P3\n", 1))
    result = cli("drill", ROOT / "plan.yaml", "--out", out, "--level", "P3")
    assert result.code == 2, result.err
    assert "alertmanager/alertmanager.yml: cannot read the matcher 'severity P3'" in result.err


EXAMPLE = ROOT / "examples/two-teams"


def test_a_plan_with_environments_needs_env_and_drills_that_environments_tree(
    cli: Cli, tools_present: None
) -> None:
    plan = EXAMPLE / "plan.yaml"
    result = cli("drill", plan, "--out", EXAMPLE / "generated", "--level", "P1")
    assert result.code == 2
    assert "--env: name one environment of production, staging" in result.err
    # the base plan's inputs fed into the staging tree used to be a MISMATCH
    result = cli("drill", plan, "--out", EXAMPLE / "generated/staging", "--alert", "X")
    assert result.code == 2 and "--env" in result.err
    result = cli(
        "drill",
        plan,
        "--out",
        EXAMPLE / "generated",
        "--env",
        "staging",
        "--alert",
        "CheckoutErrorsHigh",
        "--timeout",
        "60",
    )
    assert result.code == 0, result.out + result.err
    assert _rows(result.out)["CheckoutErrorsHigh"][-1] == "ok"


def test_the_default_drill_drills_what_it_can_and_says_what_it_skipped(
    cli: Cli, tools_present: None, tmp_path: Path
) -> None:
    out = tmp_path / "generated"
    assert cli("render", MINIMAL, "--out", out).code == 0
    result = cli("drill", MINIMAL, "--out", out, "--timeout", "60")
    assert result.code == 0, result.out + result.err
    assert set(_rows(result.out)) == {"HighCPU", "Down"}
    assert "skipped P1: ErrorsHigh needs a rate window of history" in result.out
    assert "--alert ErrorsHigh" in result.out
    assert "skipped P4: the plan has no P4 alert" in result.out


def test_nothing_drillable_is_a_usage_error_with_the_reasons() -> None:
    plan = load_plan(MINIMAL).plan
    with pytest.raises(DrillError, match="nothing to drill: P1: ErrorsHigh needs"):
        select(plan, [], ["P1", "P4"])
    chosen = select(plan, [], ["P1", "P3"])
    assert [r.name for r in chosen.chosen] == ["Down"]
    assert chosen.skipped[0].startswith("P1: ErrorsHigh")


def test_the_drill_leaves_out_coverage_alerts_it_does_not_drill(tmp_path: Path) -> None:
    plan = load_plan(ROOT / "plan.yaml").plan
    every = {r.name: r for g in rule_groups(plan) for r in g.alerting}
    missing = sorted(n for n, r in every.items() if r.kind == "targets-missing")
    assert len(missing) >= 8
    drilled = [every["BackupRPOBreached"], every[missing[0]]]
    omitted = left_out(plan, drilled)
    assert set(missing[1:]) <= set(omitted) and missing[0] not in omitted
    copied = rules(ROOT / "generated", 60, omitted)
    names = {r.get("alert") for g in copied["groups"] for r in g["rules"]}
    assert not names & set(omitted)
    assert {"BackupRPOBreached", missing[0]} <= names
    assert all(g["rules"] for g in copied["groups"])


class _Kernel:
    """Loopback ports as the kernel hands them out: the lowest free one, freed on close."""

    def __init__(self) -> None:
        self.taken: set[int] = set()

    def socket(self) -> _Socket:
        return _Socket(self)


class _Socket:
    def __init__(self, kernel: _Kernel) -> None:
        self.kernel, self.port = kernel, 0

    def bind(self, address: tuple[str, int]) -> None:
        self.port = min(set(range(40000, 40100)) - self.kernel.taken)
        self.kernel.taken.add(self.port)

    def getsockname(self) -> tuple[str, int]:
        return ("127.0.0.1", self.port)

    def close(self) -> None:
        self.kernel.taken.discard(self.port)

    def __enter__(self) -> _Socket:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def test_the_drill_gives_every_server_its_own_port(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The kernel may hand a just-released port out again: Prometheus, Alertmanager and the
    SMTP sink must still get three different ones (issue 20, item 12)."""
    listening: list[str] = []

    @contextmanager
    def process(command: list[str], log: Path) -> Iterator[None]:
        listening.extend(a.split(":")[-1] for a in command if a.startswith("--web.listen"))
        yield None

    class Smtp:
        def __init__(self, inbox: object, port: int) -> None:
            self.port = port
            listening.append(str(port))

        def stop(self) -> None:
            pass

    monkeypatch.setattr(runner, "socket", _Kernel())
    monkeypatch.setattr(tools, "find", lambda tool: tool)
    monkeypatch.setattr(runner, "_process", process)
    monkeypatch.setattr(runner, "SmtpSink", Smtp)
    monkeypatch.setattr(runner, "wait_ready", lambda *args, **kwargs: None)
    monkeypatch.setattr(runner, "_observe", lambda *args: runner.DrillReport())
    plan = load_plan(ROOT / "plan.yaml").plan
    runner.run(plan, ROOT / "generated", [], 0, [])
    assert len(listening) == 3 and len(set(listening)) == 3, listening


@pytest.mark.parametrize(
    ("log", "expected"),
    [
        (
            'level=error msg="Listen error" err="listen tcp 127.0.0.1:40001: bind: address '
            'already in use"\n',
            "alertmanager: port 127.0.0.1:40001 was taken by another process before it could "
            "listen; try again",
        ),
        (
            'level=info msg="Loading configuration file"\nlevel=error msg="Loading '
            'configuration file failed" err="undefined receiver \\"x\\" used in route"\n',
            'CONFIG (the drill\'s copy): alertmanager refuses it: undefined receiver "x" used '
            "in route",
        ),
    ],
    ids=["port-clash", "config-refused"],
)
def test_a_server_that_stops_is_one_line_saying_why(
    tmp_path: Path, log: str, expected: str
) -> None:
    class Stopped:
        def poll(self) -> int:
            return 1

    (tmp_path / "alertmanager.log").write_text(log)
    config = f"{tmp_path}/generated/alertmanager/alertmanager.yml"
    with pytest.raises(client.UnavailableError) as caught:
        client.wait_ready(
            "http://127.0.0.1:40001/-/ready",
            Stopped(),  # type: ignore[arg-type]
            tmp_path / "alertmanager.log",
            config=f"{config} (the drill's copy)",
            port=40001,
        )
    assert str(caught.value) == expected.replace("CONFIG", config)


def test_a_config_alertmanager_refuses_is_one_line_naming_the_file(
    cli: Cli, tools_present: None, tmp_path: Path
) -> None:
    out = tmp_path / "generated"
    shutil.copytree(ROOT / "generated", out)
    config = out / "alertmanager/alertmanager.yml"
    text = config.read_text()
    assert "  receiver: eyewearml-unrouted\n" in text
    config.write_text(text.replace("  receiver: eyewearml-unrouted\n", "  receiver: ghost\n", 1))
    result = cli("drill", ROOT / "plan.yaml", "--out", out, "--level", "P3")
    assert result.code == 2, result.out + result.err
    assert result.err.strip().splitlines() == [
        f"eyewatch-gen: {config} (the drill's copy): alertmanager refuses it: undefined "
        'receiver "ghost" used in route'
    ]
