"""Logstash pipelines: `logstash/pipelines.yml` and `logstash/pipeline/<name>.conf`.

A beats intake pipeline sends each service's events (matched on `logging.match_field`) to that
service's pipeline, which parses them (JSON/ECS, Envoy/Istio access log, nginx, grok), sets the
ECS `service.*` fields and the data stream (`logs-<platform>.<class>-<environment>`), lower-cases
`log.level`, turns Envoy's duration into `event.duration`, moves
security events into the security class, drops what the plan drops, and writes to
Elasticsearch with credentials from `${ENV}` references. The beats input takes TLS (mutual,
from files) when `logging.shipping.tls` is set. Rendered through Jinja2 templates;
every plan value goes through `plan.logstash.string` / `regex`.
Format: https://www.elastic.co/guide/en/logstash/current/configuration-file-structure.html
"""

from __future__ import annotations

from typing import Any

from eyewatch_gen.artifacts import Artifact, text_artifact, yaml_artifact
from eyewatch_gen.plan import logstash
from eyewatch_gen.plan.logging_view import dataset, unmatched_class
from eyewatch_gen.plan.model import Logging, LogSource, Plan
from eyewatch_gen.templating import render_template

# Envoy's default access log format, with or without Istio's response code details,
# connection termination details and upstream failure reason before the byte counts; fields
# named after ECS. DURATION (milliseconds) becomes `event.duration` (nanoseconds).
ENVOY = (
    r'\[%{TIMESTAMP_ISO8601:timestamp}\] "%{WORD:[http][request][method]} '
    r'%{NOTSPACE:[url][original]} %{NOTSPACE:[http][version]}" '
    r"%{NUMBER:[http][response][status_code]:int} %{NOTSPACE:[envoy][response_flags]} "
    r'(?:%{NOTSPACE:[envoy][response_code_details]} %{NOTSPACE} "%{DATA}" )?'
    r"%{INT} %{INT} %{INT:[@metadata][duration_ms]} %{GREEDYDATA:[envoy][details]}"
)
NGINX = "%{COMBINEDAPACHELOG}"
_TIMESTAMPS = {"envoy": ("timestamp", "ISO8601"), "nginx": ("timestamp", "dd/MMM/yyyy:HH:mm:ss Z")}


def render(plan: Plan) -> list[Artifact]:
    """The pipelines file and one config per pipeline (none when the plan has no logging)."""
    if plan.logging is None:
        return []
    logging = plan.logging
    artifacts = [text_artifact(conf_path("intake"), _intake(plan, logging))]
    for source in [*logging.sources, _unmatched(logging)]:
        artifacts.append(text_artifact(conf_path(source.service), _source(plan, logging, source)))
    artifacts.append(yaml_artifact("logstash/pipelines.yml", _pipelines(plan, logging)))
    return artifacts


def conf_path(name: str) -> str:
    """Where pipeline `name` is written."""
    return f"logstash/pipeline/{name}.conf"


def _address(plan: Plan, service: str) -> str:
    return f"{plan.platform}-{service}"


def _unmatched(logging: Logging) -> LogSource:
    return LogSource(service="unmatched", format="json", log_class=unmatched_class(logging))


def _pipelines(plan: Plan, logging: Logging) -> list[dict[str, Any]]:
    names = ["intake", *(s.service for s in logging.sources), "unmatched"]
    return [
        {
            "pipeline.id": _address(plan, name),
            "path.config": f"{logging.pipeline_dir.rstrip('/')}/{name}.conf",
            "config.support_escapes": True,
        }
        for name in names
    ]


def _intake(plan: Plan, logging: Logging) -> str:
    return render_template(
        "logstash/intake.conf.j2",
        port=logging.beats_port,
        tls=logging.shipping.tls,
        match_field=logging.match_field,
        routes=[
            {"service": s.service, "address": _address(plan, s.service)} for s in logging.sources
        ],
        unmatched=_address(plan, "unmatched"),
    )


def _source(plan: Plan, logging: Logging, source: LogSource) -> str:
    pattern = {"envoy": ENVOY, "nginx": NGINX}.get(source.format, source.pattern)
    if pattern is not None:
        pattern = logstash.no_references(pattern)
    timestamp = source.timestamp_field or _TIMESTAMPS.get(source.format, (None, ""))[0]
    timestamp_format = (
        source.timestamp_format
        if source.timestamp_field
        else _TIMESTAMPS.get(source.format, ("", "ISO8601"))[1]
    )
    return render_template(
        "logstash/source.conf.j2",
        title=f"{source.service}: {source.format} logs, class {source.log_class}",
        address=_address(plan, source.service),
        format=source.format,
        pattern=pattern,
        timestamp_field=timestamp,
        timestamp_format=timestamp_format,
        drop=[_drop(rule.field, rule.equals, rule.matches) for rule in source.drop],
        service=source.service,
        environment=logging.environment,
        dataset=dataset(plan, source.log_class),
        security=logging.security,
        security_dataset=dataset(plan, logging.security_class),
        hosts=logging.output.hosts,
        user=logging.output.user,
        password=logging.output.password,
        ca_file=logging.output.ca_file,
    )


def _drop(field: str, equals: str | None, matches: str | None) -> dict[str, str]:
    if equals is not None:
        return {"field": field, "op": "==", "value": logstash.string(equals)}
    assert matches is not None
    return {"field": field, "op": "=~", "value": logstash.regex(matches)}
