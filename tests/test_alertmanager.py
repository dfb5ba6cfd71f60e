"""Alertmanager routing from the plan: structure, amtool, and a real Alertmanager."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
import yaml

from conftest import MINIMAL, ROOT, require_tool
from eyewatch_gen.checks.amtool import route_arguments
from eyewatch_gen.plan.load import load_plan, load_plan_text
from eyewatch_gen.plan.model import Plan
from eyewatch_gen.targets import alertmanager, oncall, routing_tests
from eyewatch_gen.writer import write_tree

DEFAULT = load_plan(ROOT / "plan.yaml").plan


def _config(plan: Plan = DEFAULT) -> dict[str, Any]:
    return alertmanager.config(plan)


def _write(plan: Plan, out: Path) -> Path:
    write_tree(out, [*alertmanager.render(plan), *routing_tests.render(plan)])
    return out / alertmanager.PATH


def test_each_level_reaches_exactly_its_channels() -> None:
    receivers = {r["name"]: r for r in _config()["receivers"]}
    kinds = {name: sorted(k for k in r if k.endswith("_configs")) for name, r in receivers.items()}
    assert kinds["eyewearml-p1"] == ["email_configs", "pagerduty_configs", "webhook_configs"]
    assert kinds["eyewearml-p2"] == ["email_configs", "webhook_configs"]
    assert kinds["eyewearml-p3"] == ["email_configs"]
    assert kinds["eyewearml-p4"] == ["email_configs", "webhook_configs"]
    p4_hooks = [c["url"] for c in receivers["eyewearml-p4"]["webhook_configs"]]
    assert p4_hooks == ["https://tickets.eyewearml.internal/api/v1/alertmanager"]


def test_timings_follow_response_times() -> None:
    routes = {r["matchers"][0]: r for r in _config()["route"]["routes"]}
    assert (routes['severity="P1"']["group_wait"], routes['severity="P1"']["repeat_interval"]) == (
        "10s",
        "10m",
    )
    assert routes['severity="P4"']["repeat_interval"] == "16h"
    assert _config()["route"]["group_by"] == ["alertname", "service"]


def test_maintenance_window_mutes_named_levels_including_team_routes() -> None:
    routes = {r["matchers"][0]: r for r in _config()["route"]["routes"]}
    assert "mute_time_intervals" not in routes['severity="P1"']
    assert routes['severity="P3"']["mute_time_intervals"] == ["monthly-patching"]
    assert routes['severity="P3"']["routes"][0]["mute_time_intervals"] == ["monthly-patching"]
    assert _config()["time_intervals"][0]["time_intervals"][0]["weekdays"] == ["sunday"]


def test_inhibit_rules() -> None:
    rules = _config()["inhibit_rules"]
    assert rules[0] == {
        "source_matchers": ['severity="P1"', 'service=~".+"'],
        "target_matchers": ['severity=~"P2|P3|P4"'],
        "equal": ["service"],
    }
    assert rules[1]["equal"] == ["sloth_id"]
    assert rules[2]["source_matchers"] == ['alertname="NodeExporterTargetDown"']


def test_no_secret_values_in_generated_tree() -> None:
    generated = ROOT / "generated"
    text = "\n".join(p.read_text() for p in generated.rglob("*") if p.is_file())
    assert "routing_key:" not in text and "password:" not in text
    assert "/etc/alertmanager/secrets/pagerduty-routing-key" in text  # referenced by file


def test_escalation_policy_delays() -> None:
    rules = oncall.escalation_policy(DEFAULT)["escalation_policy"]["escalation_rules"]
    assert [r["escalation_delay_in_minutes"] for r in rules] == [15, 15, 30, 30]
    assert [r["targets"][0]["id"] for r in rules] == [
        "eyewearml-primary",
        "eyewearml-secondary",
        "eyewearml-team-lead",
        "eyewearml-management",
    ]


@pytest.mark.parametrize("plan", [ROOT / "plan.yaml", MINIMAL], ids=["default", "minimal"])
def test_amtool_check_config_and_every_routing_test(plan: Path, tmp_path: Path) -> None:
    amtool = require_tool("amtool")
    loaded = load_plan(plan).plan
    config = _write(loaded, tmp_path)
    checked = subprocess.run(
        [amtool, "check-config", config], capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    cases = yaml.safe_load((tmp_path / routing_tests.PATH).read_text())["tests"]
    assert {c["labels"]["severity"] for c in cases} == {"P1", "P2", "P3", "P4"}
    for case in cases:
        result = _route_test(amtool, config, case["labels"], case["receivers"])
        assert result.returncode == 0, (case["name"], result.stdout, result.stderr)


def _route_test(
    amtool: str, config: Path, labels: dict[str, str], receivers: list[str]
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            amtool,
            "config",
            "routes",
            "test",
            f"--config.file={config}",
            f"--verify.receivers={','.join(receivers)}",
            *route_arguments(labels),
        ],
        capture_output=True,
        text=True,
        check=False,
    )


def test_amtool_catches_a_hand_broken_route(tmp_path: Path) -> None:
    amtool = require_tool("amtool")
    config = _write(DEFAULT, tmp_path)
    config.write_text(config.read_text().replace('- severity="P1"', '- severity="P9"'))
    result = _route_test(amtool, config, {"severity": "P1", "service": "x"}, ["eyewearml-p1"])
    assert result.returncode == 1
    assert "Expected receivers did not match" in result.stdout + result.stderr


# --- a real Alertmanager on loopback: inhibition and maintenance windows ---------------------


class _Sink(BaseHTTPRequestHandler):
    received: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append({"path": self.path, **json.loads(body)})
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        return


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _redirect_to_sink(config: dict[str, Any], sink: str) -> dict[str, Any]:
    """Every receiver posts to the local sink; routes wait one second, not minutes."""
    config["receivers"] = [
        {
            "name": r["name"],
            "webhook_configs": [{"url": f"{sink}/{r['name']}", "send_resolved": False}],
        }
        for r in config["receivers"]
    ]
    config["global"] = {"resolve_timeout": "5m"}

    def fast(route: dict[str, Any]) -> None:
        route.update({k: "1s" for k in ("group_wait", "group_interval") if k in route})
        for child in route.get("routes", []):
            fast(child)

    fast(config["route"])
    return config


@pytest.fixture
def running_alertmanager(tmp_path: Path) -> Iterator[tuple[str, type[_Sink], Plan]]:
    binary = require_tool("prometheus-alertmanager")
    text = MINIMAL.read_text() + (
        "maintenance_windows:\n  - name: always\n    weekdays: ['sunday:saturday']\n"
        "    mute: [P3, P4]\n"
    )
    plan = load_plan_text(text).plan
    _Sink.received = []
    sink = HTTPServer(("127.0.0.1", 0), _Sink)
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    config = _redirect_to_sink(
        alertmanager.config(plan), f"http://127.0.0.1:{sink.server_address[1]}"
    )
    path = tmp_path / "alertmanager.yml"
    path.write_text(yaml.safe_dump(config))
    port = _free_port()
    process = subprocess.Popen(
        [
            binary,
            f"--config.file={path}",
            f"--web.listen-address=127.0.0.1:{port}",
            "--cluster.listen-address=",
            f"--storage.path={tmp_path / 'data'}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(url)
        yield url, _Sink, plan
    finally:
        process.terminate()
        process.wait(timeout=10)
        sink.shutdown()


def _wait_ready(url: str) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/-/ready", timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("alertmanager did not start")


def _post(url: str, alerts: list[dict[str, str]]) -> None:
    body = json.dumps([{"labels": labels} for labels in alerts]).encode()
    request = urllib.request.Request(
        f"{url}/api/v2/alerts", body, {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=5):
        pass


def _alerts(url: str) -> dict[str, dict[str, Any]]:
    with urllib.request.urlopen(f"{url}/api/v2/alerts", timeout=5) as response:
        data = json.loads(response.read())
    return {a["labels"]["alertname"]: a["status"] for a in data}


def test_real_alertmanager_inhibits_lower_levels_of_the_same_service(
    running_alertmanager: tuple[str, type[_Sink], Plan],
) -> None:
    url, _, _ = running_alertmanager
    _post(
        url,
        [
            {"alertname": "Outage", "severity": "P1", "service": "checkout"},
            {"alertname": "SlowCheckout", "severity": "P2", "service": "checkout"},
            {"alertname": "SlowSearch", "severity": "P2", "service": "search"},
            {"alertname": "NoService", "severity": "P2"},
        ],
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        status = _alerts(url)
        if status.get("SlowCheckout", {}).get("state") == "suppressed":
            break
        time.sleep(0.2)
    assert status["SlowCheckout"]["inhibitedBy"]
    assert status["SlowSearch"]["state"] == "active"
    assert status["NoService"]["state"] == "active"
    assert status["Outage"]["state"] == "active"


def test_real_alertmanager_mutes_p3_in_a_window_but_not_p1(
    running_alertmanager: tuple[str, type[_Sink], Plan],
) -> None:
    url, sink, _ = running_alertmanager
    _post(
        url,
        [
            {"alertname": "Page", "severity": "P1", "service": "a"},
            {"alertname": "Minor", "severity": "P3", "service": "b"},
        ],
    )
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and not sink.received:
        time.sleep(0.2)
    time.sleep(3)  # give a muted P3 notification every chance to arrive
    delivered = {
        (n["path"].strip("/"), a["labels"]["alertname"]) for n in sink.received for a in n["alerts"]
    }
    assert ("shop-p1", "Page") in delivered
    assert not any(name == "Minor" for _, name in delivered)
