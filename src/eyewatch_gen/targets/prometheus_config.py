"""The Prometheus server configuration: `prometheus/prometheus.yml`.

Global intervals and external labels, one scrape config per job and metrics path (Kubernetes
service discovery with relabelling, or static targets), blackbox probe jobs relabelled to the
exporter, the generated rule files, Alertmanager, and optional remote_write with credentials
by file. Format: https://prometheus.io/docs/prometheus/latest/configuration/configuration/
"""

from __future__ import annotations

from typing import Any

from eyewatch_gen.artifacts import Artifact, yaml_artifact
from eyewatch_gen.layout import rules_path
from eyewatch_gen.plan.catalog import rule_groups
from eyewatch_gen.plan.model import Job, KubernetesDiscovery, Plan, Probe, RemoteWrite
from eyewatch_gen.plan.probes import probes_by_module
from eyewatch_gen.plan.scraping import discovery_role

PATH = "prometheus/prometheus.yml"
_META = "__meta_kubernetes_"


def render(plan: Plan) -> list[Artifact]:
    """prometheus.yml."""
    return [yaml_artifact(PATH, config(plan))]


def config(plan: Plan) -> dict[str, Any]:
    """prometheus.yml as data."""
    server = plan.prometheus
    data: dict[str, Any] = {
        "global": {
            "scrape_interval": server.scrape_interval,
            "scrape_timeout": server.scrape_timeout,
            "evaluation_interval": server.evaluation_interval,
            **({"external_labels": dict(server.external_labels)} if server.external_labels else {}),
        },
        "rule_files": rule_files(plan),
        "alerting": {
            "alertmanagers": [{"static_configs": [{"targets": list(server.alertmanagers)}]}]
        },
        "scrape_configs": [*_job_configs(plan), *_probe_configs(plan)],
    }
    if server.remote_write:
        data["remote_write"] = [_remote_write(r) for r in server.remote_write]
    return data


def rule_files(plan: Plan) -> list[str]:
    """The generated rule files, relative to prometheus.yml."""
    areas = {group.area for group in rule_groups(plan)}
    return sorted(rules_path(area).removeprefix("prometheus/") for area in areas)


def job_names(plan: Plan) -> list[str]:
    """Every scrape config name (one per job and metrics path, plus probe modules)."""
    return [c["job_name"] for c in config(plan)["scrape_configs"]]


def _job_configs(plan: Plan) -> list[dict[str, Any]]:
    configs = []
    for name, job in plan.jobs.items():
        for index, path in enumerate(job.metrics_paths):
            suffix = "" if index == 0 else "-" + path.strip("/").replace("/", "-")
            configs.append(_scrape_config(plan, f"{name}{suffix}", name, job, path))
    return configs


def _scrape_config(
    plan: Plan, config_name: str, job_name: str, job: Job, path: str
) -> dict[str, Any]:
    data: dict[str, Any] = {"job_name": config_name}
    if job.interval:
        data["scrape_interval"] = job.interval
    if job.timeout:
        data["scrape_timeout"] = job.timeout
    data["metrics_path"] = path
    data["scheme"] = "http" if job.scheme == "by-port" else job.scheme
    if job.fallback_scrape_protocol:
        data["fallback_scrape_protocol"] = job.fallback_scrape_protocol
    if job.honor_labels:
        data["honor_labels"] = True
    tls: dict[str, Any] = {"ca_file": job.ca_file} if job.ca_file else {}
    if job.insecure_skip_verify:
        tls["insecure_skip_verify"] = True
    if tls:
        data["tls_config"] = tls
    if job.bearer_token_file:
        data["authorization"] = {"type": "Bearer", "credentials_file": job.bearer_token_file}
    if job.kubernetes is not None:
        role = discovery_role(plan, job.kubernetes)
        data["kubernetes_sd_configs"] = [_discovery(role, job.kubernetes)]
        target_labels = [] if job.honor_labels else _kubernetes_labels(role)
        scheme = _scheme_by_port(role) if job.scheme == "by-port" else []
        data["relabel_configs"] = [
            *_keep(role, job.kubernetes),
            *scheme,
            *target_labels,
            *_job_labels(job_name),
        ]
    else:
        data["static_configs"] = [{"targets": list(job.static)}]
        data["relabel_configs"] = _job_labels(job_name)
    return data


def _discovery(role: str, discovery: KubernetesDiscovery) -> dict[str, Any]:
    data: dict[str, Any] = {"role": role}
    if discovery.namespaces:
        data["namespaces"] = {"names": list(discovery.namespaces)}
    return data


_PORT_NAME = {
    "pod": "pod_container_port_name",
    "endpoints": "endpoint_port_name",
    "endpointslice": "endpointslice_port_name",
    "service": "service_port_name",
}
_APP_NAME = {
    "pod": "pod_label_app_kubernetes_io_name",
    "endpoints": "service_label_app_kubernetes_io_name",
    "endpointslice": "service_label_app_kubernetes_io_name",
    "service": "service_label_app_kubernetes_io_name",
}


def _keep(role: str, discovery: KubernetesDiscovery) -> list[dict[str, Any]]:
    rules = []
    if discovery.service:
        rules.append(_keep_rule(f"{_META}service_name", discovery.service))
    if discovery.app and role in _APP_NAME:
        rules.append(_keep_rule(f"{_META}{_APP_NAME[role]}", discovery.app))
    if discovery.port and role in _PORT_NAME:
        rules.append(_keep_rule(f"{_META}{_PORT_NAME[role]}", discovery.port))
    for label, value in sorted(discovery.labels.items()):
        rules.append(_keep_rule(f"{_META}pod_label_{label}", value))
    return rules


def _scheme_by_port(role: str) -> list[dict[str, Any]]:
    """https for ports named https* (kube-rbac-proxy), the configured http otherwise."""
    if role not in _PORT_NAME:
        return []
    return [
        {
            "source_labels": [f"{_META}{_PORT_NAME[role]}"],
            "regex": "https.*",
            "target_label": "__scheme__",
            "replacement": "https",
        }
    ]


def _keep_rule(source: str, regex: str) -> dict[str, Any]:
    return {"source_labels": [source], "regex": regex, "action": "keep"}


def _kubernetes_labels(role: str) -> list[dict[str, Any]]:
    """namespace/pod/node/service labels, as the plan's queries (and kube-prometheus) use
    them; endpointslice targets carry the same pod and Service meta labels as endpoints ones.
    A pod's `service` is its app.kubernetes.io/name; a pod without that label gets none
    from discovery, so a `service` label the application exports stays as it is."""
    if role == "node":
        return [{"source_labels": [f"{_META}node_name"], "target_label": "node"}]
    copies = [("namespace", "namespace"), ("pod_name", "pod")]
    if role in ("endpoints", "endpointslice"):
        copies.append(("service_name", "service"))
    if role == "pod":  # the app's name; an exported `service` label is kept
        copies.append((_APP_NAME["pod"], "service"))
    return [
        {"source_labels": [f"{_META}{source}"], "target_label": target} for source, target in copies
    ]


def _job_labels(job_name: str) -> list[dict[str, Any]]:
    """`job` is the plan's job name for every path; `metrics_path` tells paths apart."""
    return [
        {"target_label": "job", "replacement": job_name},
        {"source_labels": ["__metrics_path__"], "target_label": "metrics_path"},
    ]


def _probe_configs(plan: Plan) -> list[dict[str, Any]]:
    return [
        _probe_config(plan, module, probes) for module, probes in probes_by_module(plan).items()
    ]


def _probe_config(plan: Plan, module: str, probes: list[Probe]) -> dict[str, Any]:
    return {
        "job_name": f"blackbox-{module}",
        "metrics_path": "/probe",
        "params": {"module": [module]},
        "static_configs": [{"targets": [p.target], "labels": {"probe": p.name}} for p in probes],
        "relabel_configs": [
            {"source_labels": ["__address__"], "target_label": "__param_target"},
            {"source_labels": ["__param_target"], "target_label": "instance"},
            {"target_label": "__address__", "replacement": plan.prometheus.blackbox_exporter},
            {"target_label": "job", "replacement": "blackbox"},
        ],
    }


def _remote_write(remote: RemoteWrite) -> dict[str, Any]:
    data: dict[str, Any] = {"url": remote.url}
    if remote.password_file:
        data["basic_auth"] = {
            "username": remote.username or "",
            "password_file": remote.password_file,
        }
    elif remote.bearer_token_file:
        data["authorization"] = {"type": "Bearer", "credentials_file": remote.bearer_token_file}
    return data
