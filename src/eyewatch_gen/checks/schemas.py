"""Validate generated files against the vendored JSON Schemas of the real products
(with jsonschema-rs; the tests cross-check the verdicts with the jsonschema library)."""

from __future__ import annotations

import fnmatch
import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from eyewatch_gen.plan.model import Plan
from eyewatch_gen.problems import Problem

GRAFANA_DASHBOARD = "schemas/grafana-dashboard"
ELASTICSEARCH_ILM_POLICY = "schemas/elasticsearch-ilm-policy"
ELASTICSEARCH_INDEX_TEMPLATE = "schemas/elasticsearch-index-template"
ELASTICSEARCH_COMPONENT_TEMPLATE = "schemas/elasticsearch-component-template"
PROMETHEUS_RULES = "schemas/prometheus-rules"
PROMETHEUS_RULES_TEST = "schemas/prometheus-rules-test"
ALERTMANAGER = "schemas/alertmanager"
PROMETHEUSRULE = "schemas/prometheusrule"
ALERTMANAGERCONFIG = "schemas/alertmanagerconfig"
ELASTALERT_RULE = "schemas/elastalert-rule"

#: generated path pattern -> (schema file in eyewatch_gen/schemas, rule id of its violations)
SCHEMA_FOR: tuple[tuple[str, str, str], ...] = (
    ("grafana/dashboards/*.json", "grafana-dashboard.json", GRAFANA_DASHBOARD),
    ("elasticsearch/ilm/*.json", "elasticsearch-ilm-policy.json", ELASTICSEARCH_ILM_POLICY),
    (
        "elasticsearch/index-templates/*.json",
        "elasticsearch-index-template.json",
        ELASTICSEARCH_INDEX_TEMPLATE,
    ),
    (
        "elasticsearch/component-templates/*.json",
        "elasticsearch-component-template.json",
        ELASTICSEARCH_COMPONENT_TEMPLATE,
    ),
    ("prometheus/rules/*.yml", "schemastore-prometheus-rules.json", PROMETHEUS_RULES),
    ("prometheus/tests/*.yml", "schemastore-prometheus-rules-test.json", PROMETHEUS_RULES_TEST),
    ("alertmanager/alertmanager.yml", "schemastore-alertmanager.json", ALERTMANAGER),
    (
        "kubernetes/prometheusrules/*.yaml",
        "prometheus-operator-prometheusrule.json",
        PROMETHEUSRULE,
    ),
    (
        "kubernetes/alertmanagerconfig.yaml",
        "prometheus-operator-alertmanagerconfig.json",
        ALERTMANAGERCONFIG,
    ),
    ("elastalert/rules/*.yaml", "elastalert-rule.yaml", ELASTALERT_RULE),
)
RULES = tuple(rule for _, _, rule in SCHEMA_FOR)


@cache
def schema(name: str) -> dict[str, Any]:
    """A vendored schema by file name (JSON, or YAML as ElastAlert ships its own)."""
    text = resources.files("eyewatch_gen").joinpath("schemas", name).read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text) if name.endswith(".yaml") else json.loads(text)
    return data


@cache
def _validator(name: str) -> Any:
    # jsonschema-rs: the Elasticsearch index-template schema (515 definitions) takes 1.3 s per
    # document with the pure-Python jsonschema and under a millisecond here.
    import jsonschema_rs

    return jsonschema_rs.validator_for(schema(name))


def errors(name: str, document: Any) -> list[str]:
    """Every violation of schema `name` in `document`, as `path: message`."""
    found = sorted(
        _validator(name).iter_errors(document), key=lambda e: [str(p) for p in e.instance_path]
    )
    return [f"{'/'.join(map(str, e.instance_path)) or '(root)'}: {e.message[:300]}" for e in found]


def schema_for(path: str) -> tuple[str, str] | None:
    """The schema that applies to a generated path and its rule id, if any."""
    return next(
        ((s, rule) for pattern, s, rule in SCHEMA_FOR if fnmatch.fnmatch(path, pattern)), None
    )


def run(out: Path, plan: Plan) -> list[Problem]:
    """Validate every generated file that has a schema."""
    findings = []
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        relative = path.relative_to(out).as_posix()
        applies = schema_for(relative)
        if applies is None:
            continue
        name, rule = applies
        text = path.read_text(encoding="utf-8")
        document = json.loads(text) if relative.endswith(".json") else yaml.safe_load(text)
        findings += [Problem.in_file(relative, message, rule) for message in errors(name, document)]
    return findings
