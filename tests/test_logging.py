"""Logs: Logstash pipelines that parse and mean what the plan says, ILM and index templates
that validate against Elasticsearch's own schemas."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from logstash_pipeline_parser import Pipeline

from conftest import ROOT
from eyewatch_gen.checks.logstash_syntax import parse_error
from eyewatch_gen.checks.schemas import errors
from eyewatch_gen.pipeline import render_all
from eyewatch_gen.plan import logstash
from eyewatch_gen.plan.load import load_plan, load_plan_text
from eyewatch_gen.plan.log_searches import FOCUS_AREAS
from eyewatch_gen.problems import PlanError
from eyewatch_gen.targets import elasticsearch
from eyewatch_gen.targets import logstash as logstash_target

PLAN_TEXT = (ROOT / "plan.yaml").read_text()
DEFAULT = load_plan(ROOT / "plan.yaml").plan


def _files(text: str = PLAN_TEXT) -> dict[str, str]:
    plan = load_plan_text(text).plan
    artifacts = [*logstash_target.render(plan), *elasticsearch.render(plan)]
    return {a.path: a.content.decode() for a in artifacts}


def test_a_pipeline_for_every_service_plus_intake_and_unmatched() -> None:
    confs = sorted(p.rsplit("/", 1)[1] for p in _files() if p.endswith(".conf"))
    assert DEFAULT.logging is not None
    expected = sorted(
        [f"{s.service}.conf" for s in DEFAULT.logging.sources] + ["intake.conf", "unmatched.conf"]
    )
    assert confs == expected


def test_every_pipeline_parses() -> None:
    for path, text in _files().items():
        if path.endswith(".conf"):
            assert parse_error(text) is None, path


def test_three_classes_with_valid_ilm_policies_and_index_templates() -> None:
    files = _files()
    policies = {p: json.loads(t) for p, t in files.items() if "/ilm/" in p}
    templates = {p: json.loads(t) for p, t in files.items() if "/index-templates/" in p}
    assert len(policies) == len(templates) == 3
    for document in policies.values():
        assert errors("elasticsearch-ilm-policy.json", document) == []
    for document in templates.values():
        assert errors("elasticsearch-index-template.json", document) == []


def test_security_logs_are_kept_longest_and_bound_to_their_policy() -> None:
    files = _files()
    security = json.loads(files["elasticsearch/ilm/eyewearml-security.json"])
    assert security["policy"]["phases"]["delete"]["min_age"] == "365d"
    template = json.loads(files["elasticsearch/index-templates/eyewearml-security.json"])
    assert template["index_patterns"] == ["logs-eyewearml.security-*"]
    assert template["template"]["settings"]["index.lifecycle.name"] == "eyewearml-security"


def test_credentials_are_env_references_only() -> None:
    for path, text in _files().items():
        if path.endswith(".conf") and "elasticsearch {" in text:
            assert 'password => "${ES_PASSWORD}"' in text, path


def _ast_strings(node: Any) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, list):
        return [s for child in node for s in _ast_strings(child)]
    return []


def test_hostile_value_still_parses_and_means_the_same() -> None:
    hostile = 'say "hi" \\ back\nslash } { => #'
    text = PLAN_TEXT.replace(
        '        - {field: "[url][original]", matches: "^/(healthz|readyz|livez)"}\n'
        "    - service: istio-ingressgateway",
        f'        - {{field: "[url][original]", equals: {json.dumps(hostile)}}}\n'
        "    - service: istio-ingressgateway",
        1,
    )
    conf = _files(text)["logstash/pipeline/web-frontend.conf"]
    assert parse_error(conf) is None
    assert hostile in _ast_strings(Pipeline(conf).parse())


@pytest.mark.parametrize(
    ("pattern", "literal"),
    [("^/healthz", r"/^\x2Fhealthz/"), (r"a\/b", r"/a\x2Fb/"), (r"\d+\.\d+", r"/\d+\.\d+/")],
    ids=["slash", "escaped-slash", "escapes-kept"],
)
def test_regex_literals(pattern: str, literal: str) -> None:
    assert logstash.regex(pattern) == literal
    assert parse_error(f"filter {{\n  if [a] =~ {literal} {{\n    drop {{}}\n  }}\n}}\n") is None


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            'password: "${ES_PASSWORD}"',
            "password: hunter2",
            "logging.output.password: this value is not allowed: a ${NAME} reference",
        ),
        (
            "    - name: authentication-failure\n",
            '    - name: "${ES_PASSWORD}"\n',
            "logging.security[0].name: Logstash would replace ${...} with an environment "
            "variable or keystore value when it starts; ${...} is allowed only in "
            "logging.output.user and password (plan/env-reference)",
        ),
        (
            'matches: "^/(healthz|readyz|livez)"}\n    - service: istio',
            'equals: "/${ES_PASSWORD}"}\n    - service: istio',
            "logging.sources[5].drop[0].equals: Logstash would replace ${...}",
        ),
        (
            "{service: catalog-api, format: json, timestamp_field: time}",
            '{service: catalog-api, format: json, timestamp_field: "${ES_USER}"}',
            "logging.sources[2].timestamp_field: Logstash would replace ${...}",
        ),
        (
            "warm_after: 7d, delete_after: 30d",
            "warm_after: 40d, delete_after: 30d",
            "delete_after: 30d must come after warm_after",
        ),
        ("delete_after: 365d}", "delete_after: 60d}", "an audit class must be kept longest"),
        (
            "max_size: 50gb}, warm_after: 7d",
            "max_size: 50 GB}, warm_after: 7d",
            "'50 GB' is not allowed: an Elasticsearch byte size",
        ),
        (
            "{service: checkout, format: ecs}",
            "{service: checkout, format: ecs, class: app}",
            "unknown log class 'app'",
        ),
        (
            "%{GREEDYDATA:message}'",
            "%{GREEDYDATA:message} (unclosed'",
            "does not compile as a regular expression",
        ),
        (
            "{service: checkout, format: ecs}",
            "{service: checkout, format: grok}",
            "a grok source needs `pattern`",
        ),
    ],
    ids=[
        "literal-password",
        "env-in-security-name",
        "env-in-drop-equals",
        "env-in-timestamp-field",
        "phase-order",
        "audit-not-longest",
        "bad-size",
        "unknown-class",
        "bad-grok",
        "grok-without-pattern",
    ],
)
def test_logging_plan_errors(old: str, new: str, expected: str) -> None:
    assert old in PLAN_TEXT
    with pytest.raises(PlanError) as caught:
        load_plan_text(PLAN_TEXT.replace(old, new, 1))
    rendered = [p.render() for p in caught.value.problems]
    assert any(expected in line for line in rendered), rendered
    assert not any("hunter2" in line for line in rendered)


def test_an_unknown_log_class_has_a_rule_id_without_spaces() -> None:
    text = PLAN_TEXT.replace(
        "{service: checkout, format: ecs}", "{service: checkout, format: ecs, class: x}"
    )
    with pytest.raises(PlanError) as caught:
        load_plan_text(text)
    assert [p.rule for p in caught.value.problems] == ["plan/unknown-log-class"]


def _field(event: dict[str, Any], reference: str) -> Any:
    value: Any = event
    for part in reference.strip("[]").split("]["):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _holds(condition: list[Any], event: dict[str, Any]) -> bool:
    """Evaluate a parsed Logstash condition (`[f] =~ re`, `and`, `or`) on `event`."""
    result = _compare(condition[0], event)
    for op, term in zip(condition[1::2], condition[2::2], strict=True):
        value = _compare(term, event)
        result = (result and value) if op == "and" else (result or value)
    return result


def _compare(term: list[str], event: dict[str, Any]) -> bool:
    field, op, pattern = term
    assert op == "=~", term
    actual = _field(event, field)
    return isinstance(actual, str) and re.search(pattern.replace(r"\x2F", "/"), actual) is not None


def _tagging_condition(conf: str, tag: str) -> list[Any]:
    for statement in Pipeline(conf).parse()[1][1]:
        if statement[0] == "if" and tag in json.dumps(statement[1][-1]):
            return list(statement[1][:-1])
    raise AssertionError(f"no rule adds {tag}")


@pytest.mark.parametrize(
    ("outcome", "tagged"), [("failure", True), ("success", False), (None, False)]
)
def test_only_a_failed_login_is_tagged_as_an_authentication_failure(
    outcome: str | None, tagged: bool
) -> None:
    conf = _files()["logstash/pipeline/auth.conf"]
    condition = _tagging_condition(conf, "authentication-failure")
    event: dict[str, Any] = {"event": {"category": "authentication"}}
    if outcome:
        event["event"]["outcome"] = outcome
    assert _holds(condition, event) is tagged


_GROK = {
    "TIMESTAMP_ISO8601": r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?",
    "WORD": r"\b\w+\b",
    "NOTSPACE": r"\S+",
    "NUMBER": r"[+-]?\d+(?:\.\d+)?",
    "INT": r"[+-]?\d+",
    "DATA": r".*?",
    "GREEDYDATA": r".*",
}


def _grok(pattern: str) -> tuple[re.Pattern[str], list[str]]:
    """The grok patterns the Envoy format uses, as a Python regex, and the field of each
    capture in order."""
    names: list[str] = []

    def expand(found: re.Match[str]) -> str:
        body = _GROK[found.group(1)]
        if found.group(2) is None:
            return f"(?:{body})"
        names.append(found.group(2))
        return f"(?P<g{len(names) - 1}>{body})"

    return re.compile(re.sub(r"%\{(\w+)(?::([^:}]+))?(?::\w+)?\}", expand, pattern)), names


@pytest.mark.parametrize(
    "line",
    [
        '[2024-05-01T10:00:00.123Z] "GET /v1/checkout HTTP/1.1" 503 UF via_upstream - "-" 0 91 '
        '745 744 "-" "curl/8.0" "abc" "api.example" "10.0.0.1:8080" outbound|8080||checkout',
        '[2024-05-01T10:00:00.123Z] "GET /v1/checkout HTTP/1.1" 503 UF 0 91 745 744 "-" '
        '"curl/8.0" "abc" "api.example" "10.0.0.1:8080"',
    ],
    ids=["istio", "plain-envoy"],
)
def test_envoy_pattern_reads_status_and_duration(line: str) -> None:
    pattern, names = _grok(logstash_target.ENVOY)
    found = pattern.fullmatch(line)
    assert found is not None
    fields = dict(zip(names, found.groups(), strict=True))
    assert fields["[http][response][status_code]"] == "503"
    assert fields["[@metadata][duration_ms]"] == "745"
    assert fields["[url][original]"] == "/v1/checkout"


def test_envoy_duration_becomes_event_duration_in_nanoseconds() -> None:
    conf = _files()["logstash/pipeline/istio-ingressgateway.conf"]
    assert '"[event][duration]" => "%{[@metadata][duration_ms]}000000"' in conf
    assert '"[event][duration]" => "integer"' in conf
    assert parse_error(conf) is None


def test_each_log_analysis_focus_area_names_a_search_panel_or_alert() -> None:
    docs = next(a.content.decode() for a in render_all(DEFAULT) if a.path == "docs/logging.md")
    table = docs.split("| Focus area | Where to look |")[1]
    rows = {
        line.split("|")[1].strip(): line.split("|")[2].strip()
        for line in table.strip().splitlines()[1:]
    }
    assert list(rows) == list(FOCUS_AREAS)
    assert all(where != "-" for where in rows.values()), rows
    assert "alert AuthenticationFailureBurst (P2)" in rows["security events"]
    assert "alert ErrorLogSpike (P3)" in rows["error patterns"]
    assert 'Kibana search "Slow requests (over 500ms)"' in rows["performance bottlenecks"]
    assert 'Grafana panel "Log volume by service and level" (logs)' in rows["system health"]


def test_a_regex_never_holds_a_reference_logstash_would_replace() -> None:
    """`${X}` in a regex or grok pattern is written `$\\{X}`: the same regex to Oniguruma
    and Python alike, and nothing Logstash substitutes."""
    pattern = r"^/(${X}|\${Y})$"
    literal = logstash.regex(pattern)
    assert "${" not in literal
    for text in ("/${X}", "/$", "/${Y}", "/{X}"):
        assert bool(re.search(literal[1:-1], text)) == bool(re.search(pattern, text))
    text = PLAN_TEXT.replace("%{GREEDYDATA:message}'", "%{GREEDYDATA:message} ${ES_PASSWORD}'")
    conf = _files(text)["logstash/pipeline/mongodb.conf"]
    grok = next(line for line in conf.splitlines() if '"message" =>' in line)
    assert "ES_PASSWORD" in grok and "${" not in grok and parse_error(conf) is None


@pytest.mark.parametrize(
    "pattern",
    [r"^\p{L}+$", r"^/healthz\z", r"\p{^Greek}", r"[\h]{8}", r"(?<id>\d+)-\k<id>", r"\x{263A}"],
)
def test_oniguruma_regexes_logstash_accepts_are_valid(pattern: str) -> None:
    old = 'matches: "^/(healthz|readyz|livez)"}\n    - service: istio'
    text = PLAN_TEXT.replace(old, f"matches: {json.dumps(pattern)}}}\n    - service: istio", 1)
    conf = _files(text)["logstash/pipeline/web-frontend.conf"]
    assert parse_error(conf) is None
    assert logstash.regex(pattern) in conf
