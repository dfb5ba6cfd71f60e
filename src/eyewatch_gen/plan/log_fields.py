"""The event fields every log class maps: ECS names the Logstash pipelines produce, plus the
Kubernetes metadata Filebeat adds. The index templates map exactly these; saved searches,
panels and log alerts may only read fields listed here.
ECS: https://www.elastic.co/guide/en/ecs/current/ecs-field-reference.html
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

_KEYWORD = {"type": "keyword", "ignore_above": 1024}
#: field types a term query matches exactly (text types only match analysed words)
EXACT_TYPES = frozenset(
    {"keyword", "constant_keyword", "wildcard", "flattened", "ip", "integer", "long", "date"}
)
#: `log.level` values that count as errors (the pipelines lower-case `log.level`)
ERROR_LEVELS = ("error", "fatal", "critical")
_REFERENCE = re.compile(r"\[([^\[\]]+)\]")


def _group(**fields: Any) -> dict[str, Any]:
    return {"properties": fields}


def mappings() -> dict[str, Any]:
    """The `mappings.properties` of every log class's index template."""
    return {
        "@timestamp": {"type": "date"},
        "message": {"type": "match_only_text"},
        "tags": _KEYWORD,
        "data_stream": _group(
            type={"type": "constant_keyword"},
            dataset={"type": "constant_keyword"},
            namespace={"type": "constant_keyword"},
        ),
        "service": _group(name=_KEYWORD, environment=_KEYWORD),
        "log": _group(level=_KEYWORD),
        "event": _group(
            category=_KEYWORD, outcome=_KEYWORD, action=_KEYWORD, duration={"type": "long"}
        ),
        "error": _group(type=_KEYWORD, message={"type": "match_only_text"}),
        "http": _group(
            request=_group(method=_KEYWORD),
            response=_group(status_code={"type": "integer"}),
            version=_KEYWORD,
        ),
        "url": _group(original={"type": "wildcard"}, path=_KEYWORD),
        "source": _group(ip={"type": "ip"}),
        "user": _group(name=_KEYWORD, id=_KEYWORD),
        "user_agent": _group(original=_KEYWORD),
        "envoy": _group(response_flags=_KEYWORD, details={"type": "match_only_text"}),
        "kubernetes": _group(
            namespace=_KEYWORD,
            node=_group(name=_KEYWORD),
            pod=_group(name=_KEYWORD),
            container=_group(name=_KEYWORD),
            labels={"type": "flattened"},
        ),
    }


@cache
def field_types() -> dict[str, str]:
    """Dotted field name -> mapped type, for every leaf of `mappings()`."""
    return flatten(mappings())


def flatten(properties: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """Dotted leaf names and types of an Elasticsearch `properties` tree."""
    found: dict[str, str] = {}
    for name, spec in properties.items():
        if "properties" in spec:
            found.update(flatten(spec["properties"], f"{prefix}{name}."))
        else:
            found[f"{prefix}{name}"] = spec.get("type", "object")
    return found


def field_type(name: str, types: dict[str, str] | None = None) -> str | None:
    """The mapped type of dotted field `name` (a key under a `flattened` field has that
    type), or None when nothing maps it."""
    known = field_types() if types is None else types
    if name in known:
        return known[name]
    parts = name.split(".")
    for end in range(len(parts) - 1, 0, -1):
        if known.get(".".join(parts[:end])) == "flattened":
            return "flattened"
    return None


def dotted(reference: str) -> str:
    """`[kubernetes][labels][app]` (a Logstash field reference) as `kubernetes.labels.app`."""
    return ".".join(_REFERENCE.findall(reference))
