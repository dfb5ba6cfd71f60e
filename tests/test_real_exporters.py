"""The generated monitoring against real exporters: Debian's prometheus, node-exporter and
blackbox_exporter on 127.0.0.1, with the generated rules, blackbox modules and scrape config.

Debian's prometheus has no Kubernetes discovery, so each `kubernetes_sd_configs` block becomes
`static_configs` carrying the `__meta_kubernetes_*` labels real discovery would give (a
kube-prometheus install and a kube-prometheus-stack one side by side, gateway and sidecar
pods); the generated relabelling is kept as it is, so it decides what is scraped and how it is
labelled. Only addresses, credentials files and intervals (1s) are adapted, and Prometheus 3
fields the local 2.x binary does not know are left out. The generated jobs use role
endpointslice (Prometheus 3's default), so the discovered labels are endpointslice ones.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import yaml

from conftest import ROOT, require_tool
from eyewatch_gen.checks.prometheus_config import PROMETHEUS_3_KEYS
from eyewatch_gen.drill.exporter import ExportedSeries, serve
from eyewatch_gen.pipeline import render_all
from eyewatch_gen.plan.catalog import rule_groups
from eyewatch_gen.plan.load import load_plan
from eyewatch_gen.plan.model import Plan
from eyewatch_gen.promql.selectors import selectors
from eyewatch_gen.writer import write_tree
from loopback import api, daemon, dns_server, free_port, https_server, self_signed

PLAN = load_plan(ROOT / "plan.yaml").plan
CERT_DAYS = 10  # between the ticket (21d) and the page (7d) of the certificate alerts
M = "__meta_kubernetes_"
TOOLS = ("prometheus", "prometheus-node-exporter", "prometheus-blackbox-exporter", "openssl")


@dataclass(frozen=True)
class Stack:
    """The running Prometheus (API base URL) and the addresses the targets point at."""

    url: str
    refused: int


def _fake_series() -> list[ExportedSeries]:
    """What the Istio gateway and an application pod expose (no `service` label)."""
    return [
        ExportedSeries(
            "istio_requests_total",
            (
                ("destination_service_name", "checkout"),
                ("reporter", "source"),
                ("response_code", "200"),
                ("source_workload", "istio-ingressgateway"),
            ),
            rate=5.0,
        ),
        ExportedSeries("eyewear_auth_attempts_total", (("result", "failure"),), rate=1.0),
    ]


SVC_APP = f"{M}service_label_app_kubernetes_io_name"
SVC_PORT = f"{M}endpointslice_port_name"
POD_APP = f"{M}pod_label_app_kubernetes_io_name"
POD_PORT = f"{M}pod_container_port_name"


def _discovered(job: str, local: dict[str, str]) -> list[dict[str, Any]]:
    """Targets as Kubernetes discovery would find them for `job`: kept and decoys."""
    ksm = {SVC_APP: "kube-state-metrics", f"{M}namespace": "monitoring"}
    gateway = {  # an ingress gateway pod: no security.istio.io/tlsMode label
        POD_PORT: "http-envoy-prom",
        POD_APP: "istio-ingressgateway",
        f"{M}namespace": "istio-system",
        f"{M}pod_name": "istio-ingressgateway-1",
    }
    app = {
        POD_PORT: "metrics",
        POD_APP: "auth",
        f"{M}pod_label_app_kubernetes_io_part_of": "eyewearml",
        f"{M}namespace": "eyewear",
        f"{M}pod_name": "auth-1",
    }
    groups: dict[str, list[tuple[str, dict[str, str]]]] = {
        "node-exporter": [  # kube-prometheus (kube-rbac-proxy, https) and the Helm chart (http)
            (local["https"], {SVC_APP: "node-exporter", SVC_PORT: "https"}),
            (local["node"], {SVC_APP: "prometheus-node-exporter", SVC_PORT: "http-metrics"}),
        ],
        "kube-state-metrics": [
            (local["https"], {**ksm, SVC_PORT: "https-main"}),
            (local["refused"], {**ksm, SVC_PORT: "https-self"}),  # its own telemetry: dropped
            (local["fake"], {**ksm, SVC_PORT: "http"}),
        ],
        "kubelet": [(local["refused"], {f"{M}node_name": "node-1"})],  # every target down
        "mongodb-exporter": [  # a renamed Service: discovery keeps nothing, `up` is absent
            (local["fake"], {f"{M}service_name": "mongodb-metrics", SVC_PORT: "metrics"}),
        ],
        "istio-mesh": [
            (local["fake"], gateway),
            (local["refused"], {POD_PORT: "http", f"{M}pod_name": "web-1"}),  # not Envoy
        ],
        "coredns": [(local["fake"], {f"{M}service_name": "kube-dns", SVC_PORT: "metrics"})],
        "eyewear-apps": [(local["fake"], app)],
    }
    return [{"targets": [address], "labels": labels} for address, labels in groups[job]]


def _probe_targets(module: str, local: dict[str, str]) -> list[dict[str, Any]]:
    """Probe targets on loopback, keeping the plan's probe names."""
    refused, https = local["refused"], local["https"]
    targets = {
        "http_2xx": [
            (f"https://{refused}/", "web"),  # connection refused: must fail
            (f"https://{https}/health", "checkout"),
            (f"https://{https}/health", "recommendation-api"),
            (f"https://{https}/health", "virtual-tryon"),
        ],
        "tcp_connect": [(https, "mongodb")],
        "dns_cluster_dns": [
            (local["dns"], "cluster-dns"),
            (local["dns-empty"], "cluster-dns-empty"),
        ],
    }[module]
    return [{"targets": [t], "labels": {"probe": name}} for t, name in targets]


def _scrape_config(
    generated: dict[str, Any], local: dict[str, str], files: dict[str, Path]
) -> list[dict[str, Any]]:
    configs = []
    for original in generated["scrape_configs"]:
        config = copy.deepcopy(original)
        config.pop("scrape_interval", None)
        config.pop("scrape_timeout", None)
        for key in PROMETHEUS_3_KEYS:  # Debian's prometheus is 2.42
            config.pop(key, None)
        if "tls_config" in config and "ca_file" in config["tls_config"]:
            config["tls_config"]["ca_file"] = str(files["cert"])
        if "authorization" in config:
            config["authorization"]["credentials_file"] = str(files["token"])
        job = next(
            r["replacement"] for r in config["relabel_configs"] if r.get("target_label") == "job"
        )
        if "kubernetes_sd_configs" in config:
            del config["kubernetes_sd_configs"]
            config["static_configs"] = _discovered(job, local)
        elif config["metrics_path"] == "/probe":
            config["static_configs"] = _probe_targets(config["params"]["module"][0], local)
            for rule in config["relabel_configs"]:
                if rule.get("target_label") == "__address__":
                    rule["replacement"] = local["blackbox"]
        else:  # the blackbox exporter's own metrics
            config["static_configs"] = [{"targets": [local["blackbox"]]}]
        configs.append(config)
    return configs


def _test_modules(generated: dict[str, Any]) -> dict[str, Any]:
    """The generated modules; http ones trust the test's self-signed certificate."""
    modules = copy.deepcopy(generated)
    for module in modules["modules"].values():
        if module["prober"] == "http":
            module["http"]["tls_config"] = {"insecure_skip_verify": True}
    return modules


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    for tool in TOOLS:
        require_tool(tool)
    work = tmp_path_factory.mktemp("real-exporters")
    out = work / "generated"
    write_tree(out, render_all(PLAN))
    cert, key = self_signed(work, CERT_DAYS)
    token = work / "token"
    token.write_text("test-token\n")
    with ExitStack() as stack:
        fake = serve(_fake_series())
        stack.callback(fake.server_close)
        stack.callback(fake.shutdown)
        local = {
            "refused": f"127.0.0.1:{free_port()}",
            "https": f"127.0.0.1:{stack.enter_context(https_server(cert, key))}",
            "fake": f"127.0.0.1:{fake.server_address[1]}",
            "dns": f"127.0.0.1:{stack.enter_context(dns_server('127.0.0.1'))}",
            "dns-empty": f"127.0.0.1:{stack.enter_context(dns_server(None))}",
            "node": f"127.0.0.1:{free_port()}",
            "blackbox": f"127.0.0.1:{free_port()}",
        }
        stack.enter_context(
            daemon(
                [
                    "prometheus-node-exporter",
                    f"--web.listen-address={local['node']}",
                    "--collector.disable-defaults",
                    *(f"--collector.{c}" for c in ("cpu", "meminfo", "filesystem", "netdev")),
                ],
                f"http://{local['node']}/metrics",
                work / "node-exporter.log",
            )
        )
        modules = yaml.safe_load((out / "blackbox/blackbox.yml").read_text())
        (work / "blackbox.yml").write_text(yaml.safe_dump(_test_modules(modules)))
        stack.enter_context(
            daemon(
                [
                    "prometheus-blackbox-exporter",
                    f"--config.file={work / 'blackbox.yml'}",
                    f"--web.listen-address={local['blackbox']}",
                ],
                f"http://{local['blackbox']}/metrics",
                work / "blackbox.log",
            )
        )
        generated = yaml.safe_load((out / "prometheus/prometheus.yml").read_text())
        config = {
            "global": {
                "scrape_interval": "1s",
                "scrape_timeout": "1s",
                "evaluation_interval": "1s",
            },
            "rule_files": [str(out / "prometheus" / f) for f in generated["rule_files"]],
            "scrape_configs": _scrape_config(generated, local, {"cert": cert, "token": token}),
        }
        (work / "prometheus.yml").write_text(yaml.safe_dump(config, sort_keys=False))
        port = free_port()
        stack.enter_context(
            daemon(
                [
                    "prometheus",
                    f"--config.file={work / 'prometheus.yml'}",
                    f"--storage.tsdb.path={work / 'data'}",
                    f"--web.listen-address=127.0.0.1:{port}",
                ],
                f"http://127.0.0.1:{port}/-/ready",
                work / "prometheus.log",
            )
        )
        yield Stack(f"http://127.0.0.1:{port}", int(local["refused"].rsplit(":", 1)[1]))


def _eventually(check: Callable[[], Any], seconds: float = 30) -> Any:
    """`check()` once it stops raising AssertionError (the last error after `seconds`)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return check()
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def _query(stack: Stack, expr: str) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = api(stack.url, f"/api/v1/query?query={quote(expr)}")["result"]
    return result


def _alerts(stack: Stack) -> dict[str, list[dict[str, str]]]:
    """Active (pending or firing) alerts by name, with their labels."""
    found: dict[str, list[dict[str, str]]] = {}
    for alert in api(stack.url, "/api/v1/alerts")["alerts"]:
        found.setdefault(alert["labels"]["alertname"], []).append(alert["labels"])
    return found


def _exporter_records(plan: Plan) -> list[str]:
    """Recording rules that read node-exporter or blackbox metrics."""
    return [
        rule.record
        for group in rule_groups(plan)
        for rule in group.recording
        if any(s.name.startswith(("node_", "probe_")) for s in selectors(rule.expr))
    ]


def test_every_recording_rule_on_exporter_metrics_returns_series(stack: Stack) -> None:
    records = _exporter_records(PLAN)
    assert "instance:node_network_receive_bytes_physical:rate5m" in records

    def check() -> None:
        empty = [r for r in records if not _query(stack, r)]
        assert not empty, f"no series for {empty}"

    _eventually(check)


def test_every_rule_group_is_healthy(stack: Stack) -> None:
    def check() -> None:
        groups = api(stack.url, "/api/v1/rules")["groups"]
        assert groups
        assert all(g["lastEvaluation"] != "0001-01-01T00:00:00Z" for g in groups)
        broken = [
            (r["name"], r.get("lastError"))
            for g in groups
            for r in g["rules"]
            if r["health"] != "ok"
        ]
        assert not broken

    _eventually(check)


def test_a_refused_probe_fires_and_a_healthy_https_endpoint_does_not(stack: Stack) -> None:
    def check() -> dict[str, list[dict[str, str]]]:
        alerts = _alerts(stack)
        assert "WebProbeFailing" in alerts
        return alerts

    alerts = _eventually(check)
    assert alerts["WebProbeFailing"][0]["instance"] == f"https://127.0.0.1:{stack.refused}/"
    assert alerts["WebProbeFailing"][0]["severity"] == "P1"
    for healthy in ("Checkout", "RecommendationApi", "VirtualTryon", "Mongodb", "ClusterDns"):
        assert f"{healthy}ProbeFailing" not in alerts
    assert _query(stack, 'probe_success{probe="checkout"}')[0]["value"][1] == "1"


def test_the_dns_probe_fails_on_an_empty_answer(stack: Stack) -> None:
    def check() -> None:
        results = {
            r["metric"]["probe"]: r["value"][1]
            for r in _query(stack, 'probe_success{job="blackbox", probe=~"cluster-dns.*"}')
        }
        assert results == {"cluster-dns": "1", "cluster-dns-empty": "0"}

    _eventually(check)


def test_a_certificate_expiring_in_ten_days_opens_a_ticket_but_does_not_page(
    stack: Stack,
) -> None:
    def check() -> dict[str, list[dict[str, str]]]:
        alerts = _alerts(stack)
        assert "CertificateExpiringSoon" in alerts
        return alerts

    alerts = _eventually(check)
    assert "CertificateExpiryImminent" not in alerts


def test_a_job_without_healthy_targets_alerts_whether_down_or_not_found(stack: Stack) -> None:
    def check() -> dict[str, list[dict[str, str]]]:
        alerts = _alerts(stack)
        assert {"KubeletTargetsMissing", "MongodbExporterTargetsMissing"} <= set(alerts)
        return alerts

    alerts = _eventually(check)
    assert alerts["KubeletTargetsMissing"][0]["job"] == "kubelet"  # every target down
    assert alerts["MongodbExporterTargetsMissing"][0]["job"] == "mongodb-exporter"  # no `up`
    assert not _query(stack, 'up{job="mongodb-exporter"}')
    for healthy in ("NodeExporter", "KubeStateMetrics", "IstioMesh", "Blackbox", "EyewearApps"):
        assert f"{healthy}TargetsMissing" not in alerts


def test_discovery_works_for_kube_prometheus_and_the_helm_chart(stack: Stack) -> None:
    def check() -> None:
        active = api(stack.url, "/api/v1/targets?state=active")["activeTargets"]
        by_job: dict[str, list[dict[str, Any]]] = {}
        for target in active:
            by_job.setdefault(target["labels"]["job"], []).append(target)
        nodes = by_job["node-exporter"]
        assert sorted(t["scrapeUrl"].split(":")[0] for t in nodes) == ["http", "https"]
        assert all(t["health"] == "up" for t in nodes), nodes
        ksm = by_job["kube-state-metrics"]
        assert len(ksm) == 2 and all(t["health"] == "up" for t in ksm), ksm
        gateway = by_job["istio-mesh"]
        assert [t["labels"]["pod"] for t in gateway] == ["istio-ingressgateway-1"]
        assert gateway[0]["health"] == "up"

    _eventually(check)


def test_an_app_without_a_service_label_gets_one_from_its_pod(stack: Stack) -> None:
    def check() -> None:
        raw = _query(stack, 'eyewear_auth_attempts_total{job="eyewear-apps"}')
        assert [r["metric"]["service"] for r in raw] == ["auth"]
        metric = next(m for m in PLAN.metrics if m.startswith("auth_failures"))
        grouped = [r["metric"] for r in _query(stack, PLAN.metrics[metric].expr)]
        assert {"namespace": "eyewear", "service": "auth"} in grouped

    _eventually(check)
