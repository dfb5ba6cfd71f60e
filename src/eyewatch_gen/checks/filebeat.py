"""The generated filebeat.yml against Filebeat 8.17's documented option names (there is no
filebeat binary to run `filebeat test config`): every key must be one the reference
configuration documents for its place, conditions must be Beats conditions, filestream ids
unique, and `close.on_state_change.removed: false` must come with `clean_removed: false`, as
the filestream documentation requires.

Option names are taken from the Filebeat reference (filebeat.reference.yml and the pages for
autodiscover, filestream, parsers, conditions, the Logstash output and SSL), version 8.17:
https://www.elastic.co/guide/en/beats/filebeat/8.17/index.html
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from eyewatch_gen.plan.model import Plan
from eyewatch_gen.problems import Problem

FILE = "filebeat/filebeat.yml"
UNKNOWN_OPTION = "filebeat/unknown-option"
INPUT_ID = "filebeat/input-id"
CLEAN_REMOVED = "filebeat/clean-removed"
RULES = (UNKNOWN_OPTION, INPUT_ID, CLEAN_REMOVED)

_SSL = frozenset(
    {
        "ssl.enabled",
        "ssl.verification_mode",
        "ssl.certificate_authorities",
        "ssl.certificate",
        "ssl.key",
        "ssl.key_passphrase",
        "ssl.key_passphrase_path",
        "ssl.supported_protocols",
        "ssl.cipher_suites",
        "ssl.curve_types",
        "ssl.renegotiation",
        "ssl.ca_sha256",
        "ssl.ca_trusted_fingerprint",
    }
)
#: documented keys by place in the file
OPTIONS: dict[str, frozenset[str]] = {
    "top": frozenset(
        {
            "filebeat.inputs",
            "filebeat.autodiscover",
            "filebeat.config.modules",
            "filebeat.registry.path",
            "filebeat.shutdown_timeout",
            "name",
            "tags",
            "fields",
            "fields_under_root",
            "processors",
            "queue.mem.events",
            "queue.mem.flush.min_events",
            "queue.mem.flush.timeout",
            "output.logstash",
            "logging.level",
            "logging.to_stderr",
            "logging.metrics.enabled",
            "http.enabled",
            "http.host",
            "http.port",
        }
    ),
    "autodiscover": frozenset({"providers"}),
    "kubernetes-provider": frozenset(
        {
            "type",
            "node",
            "scope",
            "namespace",
            "kube_config",
            "resource",
            "unique",
            "cleanup_timeout",
            "add_resource_metadata",
            "labels.dedot",
            "annotations.dedot",
            "include_labels",
            "exclude_labels",
            "include_annotations",
            "hints.enabled",
            "hints.default_config",
            "templates",
        }
    ),
    "template": frozenset({"condition", "config"}),
    "filestream": frozenset(
        {
            "type",
            "id",
            "enabled",
            "paths",
            "prospector.scanner.symlinks",
            "prospector.scanner.check_interval",
            "prospector.scanner.exclude_files",
            "prospector.scanner.include_files",
            "prospector.scanner.recursive_glob",
            "prospector.scanner.resend_on_touch",
            "prospector.scanner.fingerprint.enabled",
            "prospector.scanner.fingerprint.offset",
            "prospector.scanner.fingerprint.length",
            "ignore_older",
            "ignore_inactive",
            "close.on_state_change.inactive",
            "close.on_state_change.renamed",
            "close.on_state_change.removed",
            "close.reader.on_eof",
            "close.reader.after_interval",
            "clean_inactive",
            "clean_removed",
            "backoff.init",
            "backoff.max",
            "harvester_limit",
            "file_identity.native",
            "file_identity.path",
            "file_identity.inode_marker.path",
            "file_identity.fingerprint",
            "encoding",
            "exclude_lines",
            "include_lines",
            "buffer_size",
            "message_max_bytes",
            "parsers",
            "processors",
            "fields",
            "fields_under_root",
            "tags",
            "pipeline",
            "keep_null",
            "index",
            "take_over",
        }
    ),
    "container": frozenset({"stream", "format"}),
    "multiline": frozenset(
        {
            "type",
            "pattern",
            "negate",
            "match",
            "flush_pattern",
            "max_lines",
            "timeout",
            "count_lines",
            "skip_newline",
        }
    ),
    "output.logstash": frozenset(
        {
            "enabled",
            "hosts",
            "loadbalance",
            "worker",
            "compression_level",
            "escape_html",
            "ttl",
            "pipelining",
            "proxy_url",
            "proxy_use_local_resolver",
            "index",
            "timeout",
            "max_retries",
            "bulk_max_size",
            "slow_start",
            "backoff.init",
            "backoff.max",
        }
    )
    | _SSL,
}
PARSERS = frozenset({"container", "multiline", "ndjson", "syslog", "include_message"})
CONDITIONS = frozenset(
    {"equals", "contains", "regexp", "range", "network", "has_fields", "or", "and", "not"}
)
#: documented values of options with a closed set
VALUES: dict[str, frozenset[object]] = {
    "stream": frozenset({"all", "stdout", "stderr"}),
    "format": frozenset({"auto", "docker", "cri"}),
    "match": frozenset({"after", "before"}),
    "ssl.verification_mode": frozenset({"full", "strict", "certificate", "none"}),
    "scope": frozenset({"node", "cluster"}),
}


def run(out: Path, plan: Plan) -> list[Problem]:
    """Findings in the generated filebeat.yml (none when there is none)."""
    path = out / FILE
    if not path.is_file():
        return []
    return [Problem.in_file(FILE, message, rule) for message, rule in problems(path.read_text())]


def problems(text: str) -> list[tuple[str, str]]:
    """(message, rule) for everything wrong in filebeat.yml text."""
    config = yaml.safe_load(text)
    found = list(_keys(config, "top", ""))
    autodiscover = config.get("filebeat.autodiscover", {})
    found += _keys(autodiscover, "autodiscover", "filebeat.autodiscover")
    found += _keys(config.get("output.logstash", {}), "output.logstash", "output.logstash")
    ids: set[str] = set()
    for i, provider in enumerate(autodiscover.get("providers", [])):
        where = f"filebeat.autodiscover.providers[{i}]"
        found += _keys(provider, "kubernetes-provider", where)
        for j, template in enumerate(provider.get("templates", [])):
            found += _template(template, f"{where}.templates[{j}]", ids)
    return found


def _keys(section: dict[str, Any], place: str, where: str) -> Iterator[tuple[str, str]]:
    for key, value in section.items():
        at = f"{where}.{key}" if where else key
        if key not in OPTIONS[place]:
            yield f"{at}: not a Filebeat {place} option", UNKNOWN_OPTION
        elif key in VALUES and value not in VALUES[key]:
            yield f"{at}: {value!r} is not one of {sorted(map(str, VALUES[key]))}", UNKNOWN_OPTION


def _template(template: dict[str, Any], where: str, ids: set[str]) -> list[tuple[str, str]]:
    found = list(_keys(template, "template", where))
    found += _condition(template.get("condition", {}), f"{where}.condition")
    for k, config in enumerate(template.get("config", [])):
        found += _filestream(config, f"{where}.config[{k}]", ids)
    return found


def _condition(condition: Any, where: str) -> Iterator[tuple[str, str]]:
    if not isinstance(condition, dict) or len(condition) != 1:
        yield f"{where}: a condition is one operator", UNKNOWN_OPTION
        return
    ((operator, operand),) = condition.items()
    if operator not in CONDITIONS:
        yield f"{where}.{operator}: not a Beats condition", UNKNOWN_OPTION
    elif operator in ("or", "and"):
        for i, part in enumerate(operand):
            yield from _condition(part, f"{where}.{operator}[{i}]")
    elif operator == "not":
        yield from _condition(operand, f"{where}.not")


def _filestream(config: dict[str, Any], where: str, ids: set[str]) -> list[tuple[str, str]]:
    found = list(_keys(config, "filestream", where))
    if config.get("id") in ids:
        found.append((f"{where}.id: {config.get('id')!r} is used by another input", INPUT_ID))
    ids.add(str(config.get("id")))
    if config.get("close.on_state_change.removed") is False and config.get("clean_removed", True):
        found.append(
            (
                f"{where}: close.on_state_change.removed false needs clean_removed false",
                CLEAN_REMOVED,
            )
        )
    for i, parser in enumerate(config.get("parsers", [])):
        ((name, options),) = parser.items()
        if name not in PARSERS:
            found.append((f"{where}.parsers[{i}].{name}: not a filestream parser", UNKNOWN_OPTION))
        elif name in OPTIONS:
            found += _keys(options or {}, name, f"{where}.parsers[{i}].{name}")
    return found
