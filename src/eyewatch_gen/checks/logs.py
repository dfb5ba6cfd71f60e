"""Checks across the generated log files: every ElastAlert rule reads the data streams of an
existing log class (an index template's pattern matches its index) and only fields that
template maps; every service Filebeat ships has a Logstash pipeline, every service pipeline
is fed by Filebeat, and unplanned containers (Filebeat's catch-all) meet the `unmatched`
pipeline."""

from __future__ import annotations

import fnmatch
import json
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from eyewatch_gen.plan.log_fields import dotted, field_type, flatten
from eyewatch_gen.plan.model import Plan
from eyewatch_gen.problems import Problem

TEMPLATES = "elasticsearch/index-templates"
FILEBEAT = "filebeat/filebeat.yml"
PIPELINES = "logstash/pipelines.yml"
UNKNOWN_CLASS = "logs/unknown-class"
UNMAPPED_FIELD = "logs/unmapped-field"
NOT_SHIPPED = "logs/pipeline-not-shipped"
NO_PIPELINE = "logs/shipped-without-pipeline"
RULES = (UNKNOWN_CLASS, UNMAPPED_FIELD, NOT_SHIPPED, NO_PIPELINE)
#: pipelines that are not a service's own
_SHARED = ("intake",)


def run(out: Path, plan: Plan) -> list[Problem]:
    """Findings across index templates, ElastAlert rules, filebeat.yml and pipelines.yml."""
    return [*_alert_fields(out), *_shipping(out, plan)]


def _templates(out: Path) -> list[tuple[list[str], dict[str, str]]]:
    """(index patterns, dotted field -> type) of every generated index template."""
    found = []
    for path in sorted((out / TEMPLATES).glob("*.json")):
        template = json.loads(path.read_text())
        properties = template.get("template", {}).get("mappings", {}).get("properties", {})
        found.append((template.get("index_patterns", []), flatten(properties)))
    return found


def _alert_fields(out: Path) -> list[Problem]:
    templates = _templates(out)
    findings = []
    for path in sorted((out / "elastalert/rules").glob("*.yaml")):
        file = path.relative_to(out).as_posix()
        rule = yaml.safe_load(path.read_text())
        index = str(rule.get("index", ""))
        mapped = [fields for patterns, fields in templates if _matches(index, patterns)]
        if not mapped:
            findings.append(
                Problem.in_file(file, f"{index} is the data stream of no log class", UNKNOWN_CLASS)
            )
            continue
        findings += [
            Problem.in_file(
                file, f"{name} is not mapped by the index template of {index}", UNMAPPED_FIELD
            )
            for name in rule_fields(rule)
            if field_type(name, mapped[0]) is None
        ]
    return findings


def _matches(index: str, patterns: list[str]) -> bool:
    return any(fnmatch.fnmatchcase(index, pattern) for pattern in patterns)


def rule_fields(rule: dict[str, Any]) -> list[str]:
    """Every event field an ElastAlert rule reads: term filters, query key, new-term fields,
    and the fields it copies into Alertmanager labels."""
    names = [field for f in rule.get("filter", []) for field in f.get("term", {})]
    key = rule.get("query_key")
    names += key if isinstance(key, list) else [key] if key else []
    names += [f for f in rule.get("fields", []) if isinstance(f, str)]
    names += list(rule.get("alertmanager_fields", {}).values())
    return names


def _shipping(out: Path, plan: Plan) -> list[Problem]:
    if plan.logging is None or not (out / FILEBEAT).is_file() or not (out / PIPELINES).is_file():
        return []
    shipped, catch_all = shipped_services(
        yaml.safe_load((out / FILEBEAT).read_text()), dotted(plan.logging.match_field)
    )
    piped = pipeline_services(yaml.safe_load((out / PIPELINES).read_text()))
    findings = [
        Problem.in_file(FILEBEAT, f"Filebeat ships {name}, which has no pipeline", NO_PIPELINE)
        for name in sorted(shipped - piped)
    ]
    if catch_all and "unmatched" not in piped:
        findings.append(
            Problem.in_file(
                FILEBEAT, "unplanned containers have no unmatched pipeline", NO_PIPELINE
            )
        )
    findings += [
        Problem.in_file(PIPELINES, f"pipeline {name} is fed by no Filebeat input", NOT_SHIPPED)
        for name in sorted(piped - shipped - {"unmatched"})
    ]
    if "unmatched" in piped and not catch_all:
        findings.append(
            Problem.in_file(PIPELINES, "no Filebeat input ships unplanned containers", NOT_SHIPPED)
        )
    return findings


def shipped_services(config: dict[str, Any], field: str) -> tuple[set[str], bool]:
    """The services Filebeat's autodiscover templates select by `field` (a pod label), and
    whether a catch-all template (a `not` condition) ships every other container."""
    services: set[str] = set()
    catch_all = False
    for provider in config.get("filebeat.autodiscover", {}).get("providers", []):
        for template in provider.get("templates", []):
            condition = template.get("condition", {})
            if "not" in condition:
                catch_all = True
            else:
                services |= _selected(condition, field)
    return services, catch_all


def _selected(condition: dict[str, Any], field: str) -> set[str]:
    if "equals" in condition:
        value = condition["equals"].get(field)
        return {str(value)} if value is not None else set()
    if "and" in condition:
        return {name for part in condition["and"] for name in _selected(part, field)}
    return set()


def pipeline_services(pipelines: list[dict[str, Any]]) -> set[str]:
    """The services with a pipeline in pipelines.yml (by config file name), `unmatched`
    included, the intake excluded."""
    names = {PurePosixPath(str(p.get("path.config", ""))).stem for p in pipelines}
    return names - set(_SHARED)
