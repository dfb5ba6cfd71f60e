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

from eyewatch_gen.checks import Finding
from eyewatch_gen.plan.model import Plan

#: generated path pattern -> schema file in eyewatch_gen/schemas
SCHEMA_FOR: tuple[tuple[str, str], ...] = (
    ("grafana/dashboards/*.json", "grafana-dashboard.json"),
    ("elasticsearch/ilm/*.json", "elasticsearch-ilm-policy.json"),
    ("elasticsearch/index-templates/*.json", "elasticsearch-index-template.json"),
    ("elasticsearch/component-templates/*.json", "elasticsearch-component-template.json"),
    ("prometheus/rules/*.yml", "schemastore-prometheus-rules.json"),
    ("prometheus/tests/*.yml", "schemastore-prometheus-rules-test.json"),
    ("alertmanager/alertmanager.yml", "schemastore-alertmanager.json"),
    ("kubernetes/prometheusrules/*.yaml", "prometheus-operator-prometheusrule.json"),
    ("kubernetes/alertmanagerconfig.yaml", "prometheus-operator-alertmanagerconfig.json"),
)


@cache
def schema(name: str) -> dict[str, Any]:
    """A vendored schema by file name."""
    text = resources.files("eyewatch_gen").joinpath("schemas", name).read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
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


def schema_for(path: str) -> str | None:
    """The schema that applies to a generated path, if any."""
    return next((s for pattern, s in SCHEMA_FOR if fnmatch.fnmatch(path, pattern)), None)


def run(out: Path, plan: Plan) -> list[Finding]:
    """Validate every generated file that has a schema."""
    findings = []
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        relative = path.relative_to(out).as_posix()
        name = schema_for(relative)
        if name is None:
            continue
        text = path.read_text(encoding="utf-8")
        document = json.loads(text) if relative.endswith(".json") else yaml.safe_load(text)
        findings += [
            Finding(relative, f"schema:{name}", message) for message in errors(name, document)
        ]
    return findings
