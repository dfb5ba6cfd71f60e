"""Elasticsearch: `elasticsearch/ilm/<policy>.json` (body of `PUT _ilm/policy/<policy>`) and
`elasticsearch/index-templates/<name>.json` (body of `PUT _index_template/<name>`), one each
per log class. The templates create data streams bound to their class's policy and map the
fields in `plan.log_fields` (ECS fields the Logstash pipelines produce, Kubernetes metadata).
ILM: https://www.elastic.co/guide/en/elasticsearch/reference/current/ilm-put-lifecycle.html
"""

from __future__ import annotations

from typing import Any

from eyewatch_gen.artifacts import Artifact, json_artifact
from eyewatch_gen.plan import durations
from eyewatch_gen.plan.log_fields import mappings
from eyewatch_gen.plan.logging_view import index_pattern, policy_name
from eyewatch_gen.plan.model import LogClass, Plan


def render(plan: Plan) -> list[Artifact]:
    """One ILM policy and one index template per log class."""
    if plan.logging is None:
        return []
    artifacts = []
    for name, spec in plan.logging.classes.items():
        policy = policy_name(plan, name)
        artifacts.append(json_artifact(f"elasticsearch/ilm/{policy}.json", ilm_policy(name, spec)))
        artifacts.append(
            json_artifact(
                f"elasticsearch/index-templates/{policy}.json", index_template(plan, name, spec)
            )
        )
    return artifacts


def es_duration(text: str) -> str:
    """A Prometheus duration in Elasticsearch time units (no weeks or years there)."""
    seconds = int(durations.seconds(text))
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def ilm_policy(name: str, spec: LogClass) -> dict[str, Any]:
    """Hot (rollover), warm (shrink, force-merge), optional cold, then delete."""
    retention = spec.retention
    phases: dict[str, Any] = {
        "hot": {
            "min_age": "0ms",
            "actions": {
                "rollover": {
                    "max_age": es_duration(retention.hot.max_age),
                    "max_primary_shard_size": retention.hot.max_size,
                },
                "set_priority": {"priority": 100},
            },
        }
    }
    if retention.warm_after:
        phases["warm"] = {
            "min_age": es_duration(retention.warm_after),
            "actions": {
                "set_priority": {"priority": 50},
                "shrink": {"number_of_shards": 1},
                "forcemerge": {"max_num_segments": 1},
                "readonly": {},
            },
        }
    if retention.cold_after:
        phases["cold"] = {
            "min_age": es_duration(retention.cold_after),
            "actions": {"set_priority": {"priority": 0}},
        }
    phases["delete"] = {"min_age": es_duration(retention.delete_after), "actions": {"delete": {}}}
    return {
        "policy": {
            "_meta": {
                "managed_by": "eyewatch-gen",
                "log_class": name,
                "description": spec.description or name,
            },
            "phases": phases,
        }
    }


def index_template(plan: Plan, name: str, spec: LogClass) -> dict[str, Any]:
    """A composable template making `logs-<platform>.<class>-*` data streams."""
    return {
        "index_patterns": [index_pattern(plan, name)],
        "data_stream": {},
        "priority": 200,
        "template": {
            "settings": {
                "index.lifecycle.name": policy_name(plan, name),
                "index.number_of_shards": 1,
                "index.number_of_replicas": 1,
            },
            "mappings": {"properties": mappings()},
        },
        "_meta": {"managed_by": "eyewatch-gen", "log_class": name, "audit": spec.audit},
    }
