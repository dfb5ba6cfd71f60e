"""`eyewatch-gen verify` against a real Prometheus on loopback (temporary storage, a free port,
a path prefix as behind a proxy, stopped by PID) that scrapes a real node_exporter and a small
exporter whose past week is backfilled with `promtool tsdb create-blocks-from openmetrics`."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT, Run, require_tool, run_cli
from eyewatch_gen.drill.exporter import ExportedSeries, serve
from eyewatch_gen.verify.client import wait_ready

Cli = Callable[..., Run]
PLAN = Path(__file__).resolve().parent / "live" / "verify.yaml"  # not a golden-file plan
STEP = 30
HOUR = 3600
#: the constructed week: (hours after its start, value, minutes held) for lab_queue_depth
EPISODES = [
    (0, 200, 3),  # shorter than QueueDeep's `for: 5m`: never fires it
    (6, 200, 10),  # fires QueueDeep for 5m
    (12, 200, 4),  # shorter than `for`
    (24, 200, 120),  # fires QueueDeep for 1h55m
    (48, 200, 30),  # fires QueueDeep for 25m
]
#: pairs of short backlogs (QueueBacklog: > 50, keep_firing_for 10m), (hours, gap in minutes)
BLIPS = [(72, 5), (96, 20)]


@dataclass
class Lab:
    """The running servers and how to load rule files into Prometheus."""

    url: str
    rules: Path

    def deploy(self, tree: Path, skip: tuple[str, ...] = ()) -> None:
        """Load the rule files of a generated tree (all but `skip`), as a deployment would."""
        for old in self.rules.glob("*.yml"):
            old.unlink()
        for path in (tree / "prometheus/rules").glob("*.yml"):
            if path.name not in skip:
                shutil.copy(path, self.rules / path.name)
        request = urllib.request.Request(f"{self.url}/-/reload", method="POST")
        with urllib.request.urlopen(request, timeout=30) as answer:
            assert answer.status == 200


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _history(now: int, targets: dict[str, str]) -> str:
    """OpenMetrics text for the week before `now`: 10 messages, with the episodes above, and
    every target (job -> instance) up all week, as if it had been scraped."""
    base = now - 6 * 86400
    values = {}
    for hours, value, minutes in EPISODES:
        start = base + hours * HOUR
        values.update({start + i * STEP: value for i in range(minutes * 60 // STEP)})
    for hours, gap in BLIPS:
        start = base + hours * HOUR
        for offset in (0, 120 + gap * 60):
            values.update({start + offset + i * STEP: 60 for i in range(4)})
    times = range(now - 7 * 86400 + 2 * STEP, now - STEP, STEP)
    lines = ["# TYPE lab_queue_depth gauge"]
    lines += [
        f'lab_queue_depth{{instance="q1",job="queue"}} {values.get(t, 10)} {t}' for t in times
    ]
    lines.append("# TYPE up gauge")
    for job, instance in targets.items():
        lines += [f'up{{instance="{instance}",job="{job}"}} 1 {t}' for t in times]
    return "\n".join([*lines, "# EOF"]) + "\n"


def _start(command: list[str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as output:
        return subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _query(url: str, expr: str) -> list[dict[str, Any]]:
    query = urllib.parse.urlencode({"query": expr})
    with urllib.request.urlopen(f"{url}/api/v1/query?{query}", timeout=5) as answer:
        return list(json.loads(answer.read())["data"]["result"])


def _wait_scraped(url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        # scrape_samples_scraped comes only from real scrapes (`up` is backfilled too)
        if len(_query(url, "scrape_samples_scraped > 0")) == 2:
            return
        time.sleep(0.5)
    raise RuntimeError("node_exporter and the queue exporter were not scraped in time")


def _backfill(work: Path, promtool: str, targets: dict[str, str]) -> None:
    """The constructed week, written into `work/tsdb` as blocks before Prometheus starts."""
    now = int(time.time()) // STEP * STEP
    (work / "history.om").write_text(_history(now, targets))
    subprocess.run(
        [promtool, "tsdb", "create-blocks-from", "openmetrics", "history.om", "tsdb"],
        cwd=work,
        check=True,
        capture_output=True,
    )


def _config(work: Path, rules: Path, targets: dict[str, str]) -> Path:
    """Scrape node_exporter and the queue exporter (its own labels kept); load `rules`."""
    jobs: list[dict[str, Any]] = [
        {"job_name": job, "static_configs": [{"targets": [target]}], "honor_labels": job == "queue"}
        for job, target in targets.items()
    ]
    config = {
        "global": {"scrape_interval": "2s", "evaluation_interval": "2s"},
        "rule_files": [str(rules / "*.yml")],
        "scrape_configs": jobs,
    }
    (work / "prometheus.yml").write_text(json.dumps(config))
    return work / "prometheus.yml"


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    prometheus, node_exporter, promtool = (
        require_tool(t) for t in ("prometheus", "prometheus-node-exporter", "promtool")
    )
    work = tmp_path_factory.mktemp("lab")
    rules = work / "rules"
    rules.mkdir()
    node_port, prom_port = _port(), _port()
    url = f"http://127.0.0.1:{prom_port}/prom"
    queue = serve([ExportedSeries("lab_queue_depth", (("instance", "q1"), ("job", "queue")))])
    targets = {
        "node-exporter": f"127.0.0.1:{node_port}",
        "queue": f"127.0.0.1:{queue.server_address[1]}",
    }
    processes: list[subprocess.Popen[bytes]] = []
    try:
        _backfill(work, promtool, targets)
        config = _config(work, rules, targets)
        node = [node_exporter, f"--web.listen-address=127.0.0.1:{node_port}"]
        processes.append(_start(node, work / "node-exporter.log"))
        server = [
            prometheus,
            f"--config.file={config}",
            f"--web.listen-address=127.0.0.1:{prom_port}",
            f"--storage.tsdb.path={work / 'tsdb'}",
            "--web.route-prefix=/prom",
            f"--web.external-url={url}",
            "--web.enable-lifecycle",
        ]
        processes.append(_start(server, work / "prometheus.log"))
        wait_ready(f"{url}/-/ready", processes[1], work / "prometheus.log")
        _wait_scraped(url)
        yield Lab(url, rules)
    finally:
        for process in processes:
            _stop(process)
        queue.shutdown()


@pytest.fixture(scope="module")
def trees(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    """(plan, generated tree) for the plan as written (wrong), fixed, and an older version."""
    work = tmp_path_factory.mktemp("plans")
    wrong = PLAN.read_text()
    fixed = wrong.replace("MemAvailabel", "MemAvailable").replace('"idel"', '"idle"')
    fixed = fixed.replace("mode: idel", "mode: idle").replace('mode="idel"', 'mode="idle"')
    older = fixed.replace("threshold: 100\n    for: 5m", "threshold: 80\n    for: 10m")
    found = {}
    for name, text in (("wrong", wrong), ("fixed", fixed), ("older", older)):
        plan = work / f"{name}.yaml"
        plan.write_text(text)
        result = run_cli("render", plan, "--out", work / name)
        assert result.code == 0, result.err
        found[name] = (plan, work / name)
    return found


def _verify(cli: Cli, lab: Lab, plan: Path, out: Path, *extra: str) -> tuple[int, Any]:
    result = cli("verify", plan, "--out", out, "--prometheus", lab.url, "--format", "json", *extra)
    assert result.code in (0, 1), result.err
    return result.code, json.loads(result.out)


def _alerts(report: Any) -> dict[str, Any]:
    return {a["name"]: a["verdict"] for a in report["alerts"]}


def _why(verdict: Any) -> str:
    return "; ".join(r["what"] for r in verdict["reasons"])


def test_blind_alerts_name_the_selector_and_why(
    cli: Cli, lab: Lab, trees: dict[str, tuple[Path, Path]]
) -> None:
    plan, out = trees["wrong"]
    lab.deploy(out)
    code, report = _verify(cli, lab, plan, out)
    assert code == 1
    alerts = _alerts(report)
    assert alerts["MemoryLow"]["state"] == "blind"
    assert _why(alerts["MemoryLow"]) == (
        'node_memory_MemAvailabel_bytes{job="node-exporter"}: metric unknown '
        "(did you mean node_memory_MemAvailable_bytes?)"
    )
    assert alerts["CpuNeverIdle"]["state"] == "blind"
    assert _why(alerts["CpuNeverIdle"]).startswith(
        'node_cpu_seconds_total{job="node-exporter", mode="idel"}: '
        'label value never seen: mode="idel" (seen: '
    )
    assert _why(alerts["GhostErrors"]) == 'ghost_errors{job="ghost"}: job ghost has no targets'
    assert _why(alerts["GhostTargetDown"]) == 'up{job="ghost"}: job ghost has no targets'
    ok = ("LoadExtreme", "QueueDeep", "QueueBacklog", "NodeExporterTargetDown")
    # an absent() alert is never blind: it fires when its job has no target
    for name in (*ok, "QueueTargetsMissing", "GhostTargetsMissing"):
        assert alerts[name] == {"state": "ok", "reasons": []}, name
    errors = {f["message"].split(" ")[0] for f in report["findings"] if f["level"] == "error"}
    assert errors == {"MemoryLow", "CpuNeverIdle"}
    assert (
        "blind alerts per level: P1 1 of 1, P2 1 of 7, P3 2 of 4, P4 0 of 0" in (report["summary"])
    )
    jobs = {j["job"]: (j["total"], j["up"]) for j in report["jobs"]}
    assert jobs == {"node-exporter": (1, 1), "queue": (1, 1), "ghost": (0, 0)}
    assert {g["state"] for g in report["groups"]} == {"in sync"}


def test_the_fixed_plan_passes_with_the_empty_job_as_a_warning(
    cli: Cli, lab: Lab, trees: dict[str, tuple[Path, Path]]
) -> None:
    plan, out = trees["fixed"]
    lab.deploy(out)
    code, report = _verify(cli, lab, plan, out)
    assert code == 0
    assert {f["level"] for f in report["findings"]} == {"warning"}
    assert "job ghost has no targets: alerts reading it are blind" in [
        f["message"] for f in report["findings"]
    ]


def test_an_older_deployment_is_reported_stale_and_missing(
    cli: Cli, lab: Lab, trees: dict[str, tuple[Path, Path]]
) -> None:
    lab.deploy(trees["older"][1], skip=("node.rules.yml",))
    plan, out = trees["fixed"]
    code, report = _verify(cli, lab, plan, out)
    assert code == 1
    groups = {g["name"]: g for g in report["groups"]}
    assert groups["lab-node"]["state"] == "missing"
    assert groups["lab-queue"]["state"] == "stale"
    assert groups["lab-queue"]["details"] == [
        'QueueDeep: expression differs (loaded: (lab_queue_depth{job="queue"}) > 80)',
        "QueueDeep: for 5m, loaded 10m",
        "QueueDeep: annotations differ: description",
    ]
    messages = [f["message"] for f in report["findings"] if f["rule"] == "verify/deployed"]
    assert "group lab-queue is stale: the server runs another version of it" in messages[1]


def test_backtest_counts_the_constructed_week_exactly(
    cli: Cli, lab: Lab, trees: dict[str, tuple[Path, Path]]
) -> None:
    plan, out = trees["fixed"]
    lab.deploy(out)
    code, report = _verify(cli, lab, plan, out, "--backtest", "7d")
    forecast = {a["name"]: a for a in report["backtest"]["alerts"]}
    deep, backlog = forecast["QueueDeep"], forecast["QueueBacklog"]
    # held 10m, 2h, 30m with `for: 5m` -> fired 5m, 1h55m, 25m; 3m and 4m never fire
    assert (deep["fires"], deep["firing_seconds"], deep["longest_seconds"]) == (3, 8700, 6900)
    # every episode above 50, each held 10m longer (keep_firing_for); the blips 5m apart
    # merge into one 2m+5m+2m+10m episode, those 20m apart stay two of 2m+10m
    assert (backlog["fires"], backlog["firing_seconds"], backlog["longest_seconds"]) == (
        8,
        (13 + 20 + 14 + 130 + 40 + 19 + 12 + 12) * 60,
        130 * 60,
    )
    assert not deep["still_firing"] and deep["error"] is None
    levels = {lv["level"]: lv for lv in report["backtest"]["levels"]}
    assert (levels["P2"]["notifications"], levels["P2"]["budget"]) == (3, 2)
    assert levels["P2"]["per_week"] == pytest.approx(3.0)
    assert code == 1
    budget = [f for f in report["findings"] if f["rule"] == "verify/budget"]
    assert [f["message"] for f in budget] == [
        "P2 would have sent 3.0 notifications per week over the last 1w; its page_budget is 2"
    ]


def test_the_default_plan_on_a_node_exporter_only_server(cli: Cli, lab: Lab) -> None:
    lab.deploy(ROOT / "generated")
    started = time.monotonic()
    code, report = _verify(cli, lab, ROOT / "plan.yaml", ROOT / "generated")
    assert time.monotonic() - started < 30
    assert code == 1
    alerts = _alerts(report)
    for name in ("NodeHighCPU", "NodeHighMemory", "NodeExporterTargetDown"):
        assert alerts[name]["state"] == "ok", name
    assert _why(alerts["KubeletTargetDown"]) == 'up{job="kubelet"}: job kubelet has no targets'
    assert {g["state"] for g in report["groups"]} == {"in sync"}


def test_the_url_without_its_path_prefix_is_not_the_api(cli: Cli, lab: Lab) -> None:
    bare = lab.url.removesuffix("/prom")
    result = cli("verify", ROOT / "plan.yaml", "--prometheus", bare, "--no-deployed")
    assert result.code == 2
    assert result.err == (
        f"eyewatch-gen: {bare}: HTTP 404 with text/plain, not the Prometheus API: give the "
        "server's base URL (with any path prefix, e.g. https://mimir.example/prometheus)\n"
    )
