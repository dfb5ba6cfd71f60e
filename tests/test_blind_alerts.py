"""No blind alerts (issue 15): each alert sees the failure it is named after, on the generated
structures. tests/test_real_exporters.py proves the same against real exporters."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import ROOT, require_tool
from eyewatch_gen.checks import tools
from eyewatch_gen.pipeline import render_all
from eyewatch_gen.plan import durations
from eyewatch_gen.plan.catalog import rule_groups
from eyewatch_gen.plan.load import load_plan, load_plan_text
from eyewatch_gen.plan.rules import AlertingRule
from eyewatch_gen.plan.scraping import metric_job
from eyewatch_gen.problems import PlanError
from eyewatch_gen.promql.windows import range_windows
from eyewatch_gen.targets.blackbox import module
from eyewatch_gen.targets.prometheus_config import config
from eyewatch_gen.writer import write_tree

TEXT = (ROOT / "plan.yaml").read_text()
PLAN = load_plan(ROOT / "plan.yaml").plan
M = "__meta_kubernetes_"


def _alerts() -> dict[str, AlertingRule]:
    return {rule.name: rule for group in rule_groups(PLAN) for rule in group.alerting}


def _scrape(job: str) -> dict[str, Any]:
    data: dict[str, Any] = next(c for c in config(PLAN)["scrape_configs"] if c["job_name"] == job)
    return data


def _relabel(scrape: dict[str, Any], labels: dict[str, str]) -> dict[str, str] | None:
    """The target labels after the config's relabelling (keep and replace, as Prometheus
    applies them: anchored regular expressions, `;`-joined sources), None when dropped."""
    labels = {"__scheme__": scrape["scheme"], **labels}
    for rule in scrape["relabel_configs"]:
        value = ";".join(labels.get(s, "") for s in rule.get("source_labels", []))
        match = re.fullmatch(rule.get("regex", "(.*)"), value)
        if rule.get("action") == "keep":
            if not match:
                return None
            continue
        if match:
            target = match.expand(rule.get("replacement", "$1").replace("$1", r"\g<1>"))
            if target:
                labels[rule["target_label"]] = target
            else:
                labels.pop(rule["target_label"], None)
    return {k: v for k, v in labels.items() if not k.startswith("__meta_")}


# Finding 2: a job whose targets disappear must alert, and discovery must find both installs.


def test_every_job_alerts_when_it_has_no_healthy_target_at_all() -> None:
    alerts = _alerts()
    for job, spec in PLAN.jobs.items():
        rule = alerts[f"{''.join(p.title() for p in job.split('-'))}TargetsMissing"]
        assert f'absent(up{{job="{job}"}})' in rule.expr
        assert f'sum by (job) (up{{job="{job}"}}) == 0' in rule.expr
        assert rule.severity == spec.severity and rule.for_ == spec.for_
        assert rule.test is not None and len(rule.test.absences) == 1
        assert rule.test.absences[0].phase.series == ()  # the no-series case


def test_the_generated_tests_fire_on_all_down_and_on_no_series(tmp_path: Path) -> None:
    write_tree(tmp_path, render_all(PLAN))
    data = yaml.safe_load((tmp_path / "prometheus/tests/infrastructure.test.yml").read_text())
    checks = [
        (check["eval_time"], bool(check["exp_alerts"]))
        for group in data["tests"]
        for check in group["alert_rule_test"]
        if check["alertname"] == "NodeExporterTargetsMissing"
    ]
    assert [fires for _, fires in checks].count(True) == 2, checks  # all down, then absent
    promtool = require_tool("promtool")
    result = tools.run(
        promtool, "test", "rules", tmp_path / "prometheus/tests/infrastructure.test.yml"
    )
    assert result.returncode == 0, result.stdout + result.stderr


SVC_APP = f"{M}service_label_app_kubernetes_io_name"
SVC_PORT = f"{M}endpointslice_port_name"  # role endpointslice: Prometheus 3's default
KUBE_PROMETHEUS = {
    "node-exporter": {SVC_APP: "node-exporter", SVC_PORT: "https"},
    "kube-state-metrics": {SVC_APP: "kube-state-metrics", SVC_PORT: "https-main"},
}
HELM_CHART = {
    "node-exporter": {SVC_APP: "prometheus-node-exporter", SVC_PORT: "http-metrics"},
    "kube-state-metrics": {SVC_APP: "kube-state-metrics", SVC_PORT: "http"},
}


@pytest.mark.parametrize("job", ["node-exporter", "kube-state-metrics"])
def test_discovery_keeps_kube_prometheus_and_the_helm_chart(job: str) -> None:
    scrape = _scrape(job)
    kube_prometheus = _relabel(scrape, KUBE_PROMETHEUS[job])
    chart = _relabel(scrape, HELM_CHART[job])
    assert kube_prometheus is not None and kube_prometheus["__scheme__"] == "https"
    assert chart is not None and chart["__scheme__"] == "http"
    assert kube_prometheus["job"] == chart["job"] == job
    self_metrics = {**KUBE_PROMETHEUS[job], SVC_PORT: "https-self"}
    assert job != "kube-state-metrics" or _relabel(scrape, self_metrics) is None


def test_by_port_needs_a_discovered_port() -> None:
    text = TEXT.replace(
        '    static: ["blackbox-exporter.monitoring.svc:9115"]\n',
        '    static: ["blackbox-exporter.monitoring.svc:9115"]\n    scheme: by-port\n',
    )
    with pytest.raises(PlanError) as caught:
        load_plan_text(text)
    assert any(
        "jobs.blackbox.scheme: by-port needs Kubernetes" in p.render()
        for p in caught.value.problems
    )


# Finding 3: gateways are scraped, and the gateway workload is the plan's to say.


def test_ingress_gateway_pods_are_scraped_and_non_envoy_ports_are_not() -> None:
    scrape = _scrape("istio-mesh")
    gateway = {
        f"{M}pod_container_port_name": "http-envoy-prom",
        f"{M}pod_label_istio": "ingressgateway",
    }
    sidecar = {**gateway, f"{M}pod_label_security_istio_io_tlsMode": "istio"}
    assert _relabel(scrape, gateway) is not None
    assert _relabel(scrape, sidecar) is not None
    assert _relabel(scrape, {f"{M}pod_container_port_name": "http"}) is None
    assert scrape["metrics_path"] == "/stats/prometheus"


def test_the_gateway_workload_comes_from_the_plan_vars() -> None:
    text = TEXT.replace("  ingress_gateway: istio-ingressgateway\n", "  ingress_gateway: edge-gw\n")
    plan = load_plan_text(text).plan
    readers = [plan.metrics["service_availability"].expr] + [
        s.sli.errors + s.sli.total + "".join(f.series for f in s.fixture.series) for s in plan.slos
    ]
    for text_read in readers:
        assert 'source_workload="edge-gw"' in text_read
        assert "istio-ingressgateway" not in text_read


def test_an_undefined_var_is_an_error_at_its_place() -> None:
    text = TEXT.replace(
        'source_workload="{{.ingress_gateway}}"', 'source_workload="{{.ingres_gateway}}"', 1
    )
    with pytest.raises(PlanError) as caught:
        load_plan_text(text)
    message = caught.value.problems[0].render()
    assert "metrics.service_availability.expr" in message
    assert "{{.ingres_gateway}} is not defined in vars; did you mean 'ingress_gateway'?" in message


# Finding 4: every probe gets alerts; stopped traffic pages; documented timings.


def test_every_probe_pages_when_it_fails() -> None:
    alerts = _alerts()
    for probe in PLAN.probes:
        rule = next(
            r
            for r in alerts.values()
            if r.expr.startswith("probe_success") and f'probe="{probe.name}"' in r.expr
        )
        assert rule.expr.endswith("== 0") and rule.severity == probe.severity
        assert rule.labels["service"] == probe.name
    pages = {p.name for p in PLAN.probes if p.severity == "P1"}
    assert pages == {"web", "recommendation-api", "virtual-tryon", "checkout"}


def test_certificates_open_a_ticket_then_page() -> None:
    alerts = _alerts()
    soon, imminent = alerts["CertificateExpiringSoon"], alerts["CertificateExpiryImminent"]
    assert "probe_ssl_earliest_cert_expiry" in soon.expr and "- time()" in soon.expr
    assert soon.severity == "P4" and imminent.severity == "P2"
    assert soon.expr.endswith(f"< {durations.seconds('21d'):.0f}")
    assert imminent.expr.endswith(f"< {durations.seconds('7d'):.0f}")


def test_stopped_traffic_pages_for_every_slo_and_is_tested_with_a_day_of_history(
    tmp_path: Path,
) -> None:
    alerts = _alerts()
    for slo in PLAN.slos:
        rule = alerts[f"{''.join(p.title() for p in slo.service.split('-'))}TrafficStopped"]
        assert rule.severity == "P1" and "[1h] offset 1d" in rule.expr
        assert "or on () vector(0)" in rule.expr  # no series at all counts as no traffic
    write_tree(tmp_path, render_all(PLAN))
    long = tmp_path / "prometheus/tests/service-health.long.test.yml"
    data = yaml.safe_load(long.read_text())
    assert data["evaluation_interval"] == "10m"
    fired = {c["alertname"] for g in data["tests"] for c in g["alert_rule_test"] if c["exp_alerts"]}
    assert fired == {
        f"{''.join(p.title() for p in s.service.split('-'))}TrafficStopped" for s in PLAN.slos
    }
    result = tools.run(require_tool("promtool"), "test", "rules", long)
    assert result.returncode == 0, result.stdout + result.stderr


def test_alerts_doc_says_which_signals_page_for_availability_and_how_fast(tmp_path: Path) -> None:
    write_tree(tmp_path, render_all(PLAN))
    doc = (tmp_path / "docs/alerts.md").read_text()
    section = doc.split("## Service availability: which alerts page, and how fast")[1].split(
        "\n## "
    )[0]
    assert "WebProbeFailing" in section and "3m of failing probes" in section
    assert "CheckoutTrafficStopped" in section
    assert "| 100% of requests fail (5xx) |" in section and "about 1m" in section
    assert "| 1% of requests fail (5xx) |" in section and "about 3h36m" in section


# Finding 5: an empty DNS answer fails the probe.


def test_the_dns_module_requires_an_answer_record() -> None:
    dns = next(p for p in PLAN.probes if p.module == "dns")
    rules = module(dns)["dns"]["validate_answer_rrs"]
    (pattern,) = rules["fail_if_none_matches_regexp"]
    assert re.search(pattern, "api.eyewearml.example.\t60\tIN\tA\t10.0.0.1")
    assert not re.search(pattern, "api.eyewearml.example.\t60\tIN\tCNAME\tedge.example.")


# Finding 6: node network rates count physical interfaces only.

VIRTUAL = [
    "lo",
    "veth1a2b",
    "ifb0",
    "cni0",
    "docker0",
    "flannel.1",
    "cali12ab",
    "cilium_host",
    "cilium_vxlan",
    "lxc12ab",
    "tunl0",
    "vxlan.calico",
    "br-5f2e",
    "virbr0",
    "kube-ipvs0",
    "nodelocaldns",
    "dummy0",
    "genev_sys_6081",
    "wg0",
    "weave",
]
PHYSICAL = ["eth0", "ens5", "enp0s31f6", "eno1", "wlp2s0", "bond0"]


@pytest.mark.parametrize("metric", ["node_network_receive", "node_network_transmit"])
def test_network_rates_exclude_virtual_devices(metric: str) -> None:
    (regex,) = re.findall(r'device!~"([^"]+)"', PLAN.metrics[metric].expr)
    counted = [d for d in VIRTUAL + PHYSICAL if not re.fullmatch(regex, d)]
    assert counted == PHYSICAL


# Finding 7: a sturdier authentication-failure window and a `service` label that exists.


def test_auth_failures_read_a_window_of_eight_scrapes() -> None:
    name = next(a.metric for a in PLAN.alerts if a.name == "AuthenticationFailuresHigh")
    assert name is not None
    job = PLAN.jobs[metric_job(PLAN, name) or ""]
    interval = durations.seconds(job.interval or PLAN.prometheus.scrape_interval)
    windows = [durations.seconds(w) for w in range_windows(PLAN.metrics[name].expr)]
    assert windows and min(windows) >= 8 * interval


def test_application_pods_get_a_service_label_from_their_app_name() -> None:
    scrape = _scrape("eyewear-apps")
    pod = {
        f"{M}pod_container_port_name": "metrics",
        f"{M}pod_label_app_kubernetes_io_part_of": "eyewearml",
        f"{M}pod_label_app_kubernetes_io_name": "auth",
        f"{M}namespace": "eyewear",
        f"{M}pod_name": "auth-1",
    }
    labels = _relabel(scrape, pod)
    assert labels is not None and labels["service"] == "auth" and labels["namespace"] == "eyewear"
    unnamed = _relabel(scrape, {k: v for k, v in pod.items() if "app_kubernetes_io_name" not in k})
    assert unnamed is not None and "service" not in unnamed  # an exported `service` stays
