"""Filebeat: every planned service is selected by its pod label and nothing else is, unplanned
containers reach the catch-all, stack traces are joined, TLS comes from files, and every
option name is one Filebeat 8.17 documents."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import yaml

from conftest import ROOT
from eyewatch_gen.checks import filebeat as filebeat_check
from eyewatch_gen.plan.load import load_plan, load_plan_text
from eyewatch_gen.plan.model import Plan
from eyewatch_gen.problems import PlanError
from eyewatch_gen.targets import filebeat

PLAN_TEXT = (ROOT / "plan.yaml").read_text()
DEFAULT = load_plan(ROOT / "plan.yaml").plan


def _config(plan: Plan = DEFAULT) -> dict[str, Any]:
    files = {a.path: a.content.decode() for a in filebeat.render(plan)}
    config: dict[str, Any] = yaml.safe_load(files[filebeat.CONFIG])
    return config


def _templates(plan: Plan = DEFAULT) -> list[dict[str, Any]]:
    templates: list[dict[str, Any]] = _config(plan)["filebeat.autodiscover"]["providers"][0][
        "templates"
    ]
    return templates


def _lookup(event: dict[str, Any], dotted: str) -> Any:
    """Beats reads `a.b.c` as a path; a label's own dots (dedotted to _) stay in the key."""
    value: Any = event
    for part in dotted.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _holds(condition: dict[str, Any], event: dict[str, Any]) -> bool:
    """Beats conditions (equals, and, or, not) on an autodiscover event."""
    ((operator, operand),) = condition.items()
    if operator == "equals":
        return all(_lookup(event, k) == v for k, v in operand.items())
    if operator == "and":
        return all(_holds(part, event) for part in operand)
    if operator == "or":
        return any(_holds(part, event) for part in operand)
    if operator == "not":
        return not _holds(operand, event)
    raise AssertionError(f"unexpected condition {operator}")


def _pod(app: str | None, container: str = "app") -> dict[str, Any]:
    labels = {"app": app} if app else {"team": "x"}
    return {"kubernetes": {"labels": labels, "container": {"name": container}}}


def _selected(event: dict[str, Any], plan: Plan = DEFAULT) -> list[str]:
    """The input id prefix of every template that starts an input for `event`."""
    return [
        t["config"][0]["id"].split("-${")[0]
        for t in _templates(plan)
        if _holds(t["condition"], event)
    ]


@pytest.mark.parametrize(
    "service", [s.service for s in DEFAULT.logging.sources] if DEFAULT.logging else []
)
def test_each_planned_service_is_selected_by_its_own_template_only(service: str) -> None:
    assert _selected(_pod(service)) == [service]


@pytest.mark.parametrize(
    "event",
    [_pod("billing"), _pod(None), {"kubernetes": {"container": {"name": "x"}}}],
    ids=["unplanned-app", "no-app-label", "no-labels"],
)
def test_anything_else_reaches_the_catch_all_only(event: dict[str, Any]) -> None:
    assert _selected(event) == ["unmatched"]


def test_a_named_container_is_the_only_one_of_its_pods_shipped() -> None:
    text = PLAN_TEXT.replace(
        "{service: checkout, format: ecs}", "{service: checkout, format: ecs, container: api}"
    )
    plan = load_plan_text(text).plan
    assert _selected(_pod("checkout", "api"), plan) == ["checkout"]
    assert _selected(_pod("checkout", "istio-proxy"), plan) == []


def test_a_single_service_plan_still_has_a_catch_all() -> None:
    plan = load_plan_text(_one_source_plan()).plan
    assert [_selected(_pod(app), plan) for app in ("web", "other")] == [["web"], ["unmatched"]]


def _one_source_plan(source: str = "{service: web, format: json}") -> str:
    start = PLAN_TEXT.index("\n  sources:\n") + 1
    end = PLAN_TEXT.index("\n  security:\n") + 1
    return PLAN_TEXT[:start] + f"  sources:\n    - {source}\n" + PLAN_TEXT[end:]


def _events(lines: list[str], multiline: dict[str, Any] | None) -> list[str]:
    """Lines joined the way Filebeat's `pattern` multiline parser joins them (match: after)."""
    if multiline is None:
        return lines
    assert multiline["match"] == "after"
    pattern = re.compile(multiline["pattern"].replace("[[:space:]]", r"\s"))
    events: list[str] = []
    for line in lines:
        continues = bool(pattern.search(line)) != multiline["negate"]
        if continues and events:
            events[-1] += "\n" + line
        else:
            events.append(line)
    return events


def _multiline(service: str, plan: Plan = DEFAULT) -> dict[str, Any] | None:
    template = next(t for t in _templates(plan) if t["config"][0]["id"].startswith(service))
    parsers = template["config"][0]["parsers"]
    found = [p["multiline"] for p in parsers if "multiline" in p]
    return found[0] if found else None


def test_a_planned_start_pattern_joins_everything_up_to_the_next_timestamp() -> None:
    lines = [
        "2024-05-01T10:00:00.000+0000 E  QUERY    [conn1] assertion failed",
        " at mongo::foo()",
        "Caused by: bar",
        "2024-05-01T10:00:01.000+0000 I  NETWORK  [conn2] end connection",
    ]
    events = _events(lines, _multiline("mongodb"))
    assert events == ["\n".join(lines[:3]), lines[3]]


def test_text_logs_join_stack_traces_by_default() -> None:
    plan = load_plan_text(
        _one_source_plan("{service: web, format: grok, pattern: '%{GREEDYDATA:message}'}")
    ).plan
    lines = [
        "ERROR boom",
        "java.lang.IllegalStateException: boom",
        "\tat com.example.A.run(A.java:1)",
        "Caused by: java.io.IOException",
        "\t... 3 more",
        "INFO next",
    ]
    events = _events(lines, _multiline("web", plan))
    assert events == [lines[0], "\n".join(lines[1:5]), lines[5]]


def test_json_lines_are_never_joined() -> None:
    assert _multiline("checkout") is None
    assert _multiline("recommendation-api") is None


def test_logstash_output_takes_tls_from_files_only() -> None:
    output = _config()["output.logstash"]
    assert DEFAULT.logging is not None and DEFAULT.logging.shipping.tls is not None
    tls = DEFAULT.logging.shipping.tls
    assert output["hosts"] == ["logstash.logging.svc:5044"]
    assert output["ssl.verification_mode"] == "full"
    assert output["ssl.certificate_authorities"] == [tls.ca_file]
    assert (output["ssl.certificate"], output["ssl.key"]) == (
        tls.filebeat_certificate_file,
        tls.filebeat_key_file,
    )
    assert "BEGIN" not in json.dumps(output)


def test_without_tls_the_plan_warns() -> None:
    start = PLAN_TEXT.index("    tls:\n      ca_file")
    end = PLAN_TEXT.index("  slow_request:")
    loaded = load_plan_text(PLAN_TEXT[:start] + PLAN_TEXT[end:])
    assert [w.rule for w in loaded.warnings] == ["plan/plaintext-shipping"]
    assert not any(k.startswith("ssl.") for k in _config(loaded.plan)["output.logstash"])


def test_the_configmap_carries_the_same_config() -> None:
    files = {a.path: a.content.decode() for a in filebeat.render(DEFAULT)}
    configmap = yaml.safe_load(files[filebeat.CONFIGMAP])
    assert configmap["kind"] == "ConfigMap"
    assert configmap["metadata"]["namespace"] == "logging"
    assert yaml.safe_load(configmap["data"]["filebeat.yml"]) == _config()


def test_every_option_is_a_documented_filebeat_option() -> None:
    text = {a.path: a.content.decode() for a in filebeat.render(DEFAULT)}[filebeat.CONFIG]
    assert filebeat_check.problems(text) == []


@pytest.mark.parametrize(
    ("edit", "rule"),
    [
        (lambda c: c["output.logstash"].update({"ssl.verify": True}), "filebeat/unknown-option"),
        (
            lambda c: c["output.logstash"].update({"ssl.verification_mode": "yes"}),
            "filebeat/unknown-option",
        ),
        (lambda c: _first_input(c).update({"multiline.pattern": "x"}), "filebeat/unknown-option"),
        (lambda c: _first_input(c).update({"clean_removed": True}), "filebeat/clean-removed"),
        (lambda c: _first_input(c).update({"id": _second_input(c)["id"]}), "filebeat/input-id"),
        (
            lambda c: _templates_of(c)[0].update({"condition": {"equal": {}}}),
            "filebeat/unknown-option",
        ),
        (lambda c: _first_input(c)["parsers"].append({"json": {}}), "filebeat/unknown-option"),
    ],
    ids=[
        "ssl-typo",
        "bad-mode",
        "log-input-option",
        "clean-removed",
        "duplicate-id",
        "bad-condition",
        "bad-parser",
    ],
)
def test_the_option_check_catches_what_filebeat_would_refuse(edit: Any, rule: str) -> None:
    config = _config()
    edit(config)
    assert rule in [found for _, found in filebeat_check.problems(yaml.safe_dump(config))]


def _templates_of(config: dict[str, Any]) -> list[dict[str, Any]]:
    templates: list[dict[str, Any]] = config["filebeat.autodiscover"]["providers"][0]["templates"]
    return templates


def _first_input(config: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = _templates_of(config)[0]["config"][0]
    return found


def _second_input(config: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = _templates_of(config)[1]["config"][0]
    return found


def _expand(text: str) -> str:
    """Beats' reading of a literal: `$${` is `${` (the one escape the generator writes)."""
    return text.replace("$${", "${")


@pytest.mark.parametrize(
    "start", ["^${HOME}", "^\"quoted\" 'single'", "%{TIMESTAMP} {{ x }}", "^\\[", "a$${b"]
)
def test_hostile_multiline_patterns_reach_filebeat_as_written(start: str) -> None:
    source = "{service: web, format: json, multiline: {start: " + json.dumps(start) + "}}"
    multiline = _multiline("web", load_plan_text(_one_source_plan(source)).plan)
    assert multiline is not None
    assert "${" not in multiline["pattern"].replace("$${", "")
    assert _expand(multiline["pattern"]) == start


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "multiline: {start: '^\\d{4}-\\d{2}-\\d{2}T'}",
            "multiline: {start: '^(?=\\d)'}",
            "Go RE2 has no lookaround",
        ),
        (
            "multiline: {start: '^\\d{4}-\\d{2}-\\d{2}T'}",
            'multiline: {start: "a\\nb"}',
            "a pattern cannot span lines",
        ),
        (
            "  environment: production\n",
            '  environment: production\n  match_field: "[service][name]"\n',
            "Filebeat selects each service's pods",
        ),
        (
            'hosts: ["logstash.logging.svc:5044"]',
            'hosts: ["logstash.logging.svc:5045"]',
            "is not the beats input's port 5044",
        ),
        ('hosts: ["logstash.logging.svc:5044"]', 'hosts: ["https://logstash:5044"]', "host:port"),
        (
            "filebeat_key_file: /etc/eyewearml/beats-tls/filebeat.key",
            "filebeat_key_file: ../filebeat.key",
            "an absolute path",
        ),
    ],
    ids=["lookahead", "newline", "not-kubernetes", "wrong-port", "url-host", "relative-key"],
)
def test_shipping_plan_errors(old: str, new: str, expected: str) -> None:
    assert old in PLAN_TEXT
    with pytest.raises(PlanError) as caught:
        load_plan_text(PLAN_TEXT.replace(old, new, 1))
    rendered = [p.render() for p in caught.value.problems]
    assert any(expected in line for line in rendered), rendered
