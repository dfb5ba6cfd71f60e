"""Filebeat 8.17 (a Kubernetes DaemonSet): `filebeat/filebeat.yml`, and the same file as a
ConfigMap for the DaemonSet to mount (`filebeat/configmap.yaml`).

Kubernetes autodiscover starts one `filestream` input (container parser) per container: each
planned service's pods are selected by the field the Logstash intake routes on
(`logging.match_field`, e.g. the pod label `app`), with the multiline joining its format
needs; every other container falls to a catch-all template, so unplanned services still reach
the `unmatched` pipeline. Autodiscover adds the Kubernetes metadata (`kubernetes.labels.*`,
`kubernetes.pod.name`, ...) to every event, as `add_kubernetes_metadata` does for static inputs.
Events go to Logstash's beats input, with mutual TLS from files when the plan gives them.
Plan text is escaped for Beats' `${...}` expansion (`$${` is a literal `${`).
Autodiscover: https://www.elastic.co/guide/en/beats/filebeat/8.17/configuration-autodiscover.html
filestream: https://www.elastic.co/guide/en/beats/filebeat/8.17/filebeat-input-filestream.html
"""

from __future__ import annotations

from typing import Any

from eyewatch_gen.artifacts import HEADER, Artifact, dump_yaml, yaml_artifact
from eyewatch_gen.plan.log_fields import dotted
from eyewatch_gen.plan.logging_view import joining
from eyewatch_gen.plan.model import Logging, LogSource, Plan

VERSION = "8.17"
CONFIG = "filebeat/filebeat.yml"
CONFIGMAP = "filebeat/configmap.yaml"
#: where the DaemonSet mounts the config (the image's default path)
MOUNT = "/usr/share/filebeat/filebeat.yml"
#: the container logs a node keeps, one symlink per container
CONTAINER_LOGS = "/var/log/containers"


def render(plan: Plan) -> list[Artifact]:
    """The Filebeat config and its ConfigMap (none when the plan has no logging)."""
    if plan.logging is None:
        return []
    config = filebeat_config(plan.logging)
    return [yaml_artifact(CONFIG, config), yaml_artifact(CONFIGMAP, _configmap(plan, config))]


def filebeat_config(logging: Logging) -> dict[str, Any]:
    """filebeat.yml as data."""
    return {
        "filebeat.autodiscover": {
            "providers": [
                {
                    "type": "kubernetes",
                    "node": "${NODE_NAME}",
                    "scope": "node",
                    "templates": templates(logging),
                }
            ]
        },
        "output.logstash": _output(logging),
    }


def templates(logging: Logging) -> list[dict[str, Any]]:
    """One template per planned service, then the catch-all for every other container."""
    planned = [
        {"condition": condition(logging, source), "config": [_input(source.service, source)]}
        for source in logging.sources
    ]
    others = [_label_equals(logging, source.service) for source in logging.sources]
    catch_all = {"not": others[0] if len(others) == 1 else {"or": others}}
    return [*planned, {"condition": catch_all, "config": [_input("unmatched", None)]}]


def condition(logging: Logging, source: LogSource) -> dict[str, Any]:
    """The autodiscover condition selecting `source`'s pods (and container, when named)."""
    selected = _label_equals(logging, source.service)
    if source.container is None:
        return selected
    return {"and": [selected, {"equals": {"kubernetes.container.name": source.container}}]}


def _label_equals(logging: Logging, service: str) -> dict[str, Any]:
    return {"equals": {dotted(logging.match_field): service}}


def _input(name: str, source: LogSource | None) -> dict[str, Any]:
    container_id = "${data.kubernetes.container.id}"
    parsers: list[dict[str, Any]] = [{"container": {"stream": "all", "format": "auto"}}]
    multiline = _multiline(source) if source else None
    if multiline:
        parsers.append({"multiline": multiline})
    return {
        "type": "filestream",
        "id": f"{name}-{container_id}",
        "paths": [f"{CONTAINER_LOGS}/*-{container_id}.log"],
        "prospector.scanner.symlinks": True,
        # Pods are deleted with their logs: read to the end before letting go of the file.
        "close.on_state_change.removed": False,
        "clean_removed": False,
        "parsers": parsers,
    }


def _multiline(source: LogSource) -> dict[str, Any] | None:
    """Filebeat's multiline parser for `source` (see `logging_view.joining`)."""
    rule = joining(source)
    if rule is None:
        return None
    pattern = beats_literal(rule.pattern)
    return {"type": "pattern", "pattern": pattern, "negate": rule.negate, "match": "after"}


def beats_literal(text: str) -> str:
    """`text` as Beats reads it literally: `${` (variable expansion) written `$${`."""
    return text.replace("${", "$${")


def _output(logging: Logging) -> dict[str, Any]:
    output: dict[str, Any] = {"hosts": list(logging.shipping.hosts), "loadbalance": True}
    tls = logging.shipping.tls
    if tls is not None:
        output |= {
            "ssl.enabled": True,
            "ssl.verification_mode": "full",
            "ssl.certificate_authorities": [tls.ca_file],
            "ssl.certificate": tls.filebeat_certificate_file,
            "ssl.key": tls.filebeat_key_file,
        }
    return output


def _configmap(plan: Plan, config: dict[str, Any]) -> dict[str, Any]:
    assert plan.logging is not None
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": f"{plan.platform}-filebeat",
            "namespace": plan.logging.shipping.namespace,
            "labels": {
                "app.kubernetes.io/name": "filebeat",
                "app.kubernetes.io/part-of": plan.platform,
            },
        },
        "data": {"filebeat.yml": HEADER + dump_yaml(config)},
    }
