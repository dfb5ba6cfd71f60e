"""Log-based alerts: ElastAlert 2 rules that ElastAlert's own schema and loader accept, carry
the metric alerts' labels, reach their level's receivers in the real Alertmanager config, and
say exactly what the plan said, whatever its text."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft7Validator

from conftest import ROOT, require_tool
from eyewatch_gen.checks import elastalert as elastalert_check
from eyewatch_gen.checks import logs as logs_check
from eyewatch_gen.checks.schemas import errors, schema
from eyewatch_gen.pipeline import render_all
from eyewatch_gen.plan.alerting import alerting, level_routes
from eyewatch_gen.plan.load import load_plan, load_plan_text
from eyewatch_gen.plan.model import Plan
from eyewatch_gen.problems import PlanError
from eyewatch_gen.targets import elastalert
from eyewatch_gen.writer import write_tree

PLAN_TEXT = (ROOT / "plan.yaml").read_text()
DEFAULT = load_plan(ROOT / "plan.yaml").plan
#: the vendored schema is elastalert2 2.19.0's elastalert/schema.yaml, byte for byte
SCHEMA_SHA256 = "d54b70fb62083ac74a3937c3e742e5ff4d4c99c45925e40e3dd7232b6a4512db"


def _texts(plan: Plan = DEFAULT) -> dict[str, str]:
    return {a.path: a.content.decode() for a in elastalert.render(plan)}


def _rules(plan: Plan = DEFAULT) -> dict[str, dict[str, Any]]:
    return {
        path.rsplit("/", 1)[1].removesuffix(".yaml"): _load(text)
        for path, text in _texts(plan).items()
        if path.startswith(elastalert.RULES_DIR)
    }


def _load(text: str) -> Any:
    """A rule as ElastAlert reads it: environment expansion on the raw text, then YAML."""
    return yaml.load(os.path.expandvars(text), Loader=yaml.FullLoader)


def test_the_vendored_schema_is_elastalerts_own() -> None:
    path = ROOT / "src/eyewatch_gen/schemas/elastalert-rule.yaml"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == SCHEMA_SHA256


def test_the_default_plan_has_the_auth_failure_burst_and_error_spike_rules() -> None:
    rules = _rules()
    assert sorted(rules) == ["AuthenticationFailureBurst", "ErrorLogSpike"]
    burst = rules["AuthenticationFailureBurst"]
    assert (burst["type"], burst["num_events"], burst["timeframe"]) == (
        "frequency",
        11,
        {"minutes": 1},
    )
    assert burst["query_key"] == "source.ip"
    assert burst["index"] == "logs-eyewearml.security-production"
    assert burst["filter"] == [
        {"term": {"event.category": "authentication"}},
        {"term": {"event.outcome": "failure"}},
    ]
    assert burst["alertmanager_labels"] == {
        "severity": "P2",
        "area": "service-health",
        "team": "backend",
    }
    assert burst["alertmanager_fields"] == {"service": "service.name"}
    spike = rules["ErrorLogSpike"]
    assert (spike["type"], spike["spike_height"], spike["spike_type"]) == ("spike", 3.0, "up")
    assert spike["filter"] == [{"term": {"log.level": "error"}}]


@pytest.mark.parametrize("plan", [DEFAULT], ids=["default"])
def test_every_rule_validates_against_elastalerts_schema(plan: Plan) -> None:
    validator = Draft7Validator(schema("elastalert-rule.yaml"))
    for name, rule in _rules(plan).items():
        assert errors("elastalert-rule.yaml", rule) == [], name
        assert list(validator.iter_errors(rule)) == [], name


def test_the_loaders_own_requirements_hold() -> None:
    for path, text in _texts().items():
        if path == elastalert.CONFIG:
            assert elastalert_check.config_problems(text) == []
        else:
            assert elastalert_check.rule_problems(text) == [], path


@pytest.mark.parametrize(
    ("edit", "rule"),
    [
        (lambda r: r.pop("alertmanager_hosts"), "elastalert/required"),
        (lambda r: r.pop("index"), "elastalert/required"),
        (lambda r: r.update({"alertmanager_label": {}}), "elastalert/unknown-option"),
        (lambda r: r.update({"alert_subject": "$HOME"}), "elastalert/expanded"),
    ],
    ids=["no-hosts", "no-index", "misspelt-option", "raw-dollar"],
)
def test_the_loader_check_catches_what_elastalert_refuses_or_ignores(edit: Any, rule: str) -> None:
    data = _rules()["AuthenticationFailureBurst"]
    edit(data)
    assert rule in [r for _, r in elastalert_check.rule_problems(yaml.safe_dump(data))]


def test_a_broken_rule_fails_the_schema() -> None:
    data = _rules()["ErrorLogSpike"]
    del data["spike_height"]
    assert errors("elastalert-rule.yaml", data)


def _labels(rule: dict[str, Any]) -> dict[str, str]:
    """The labels Alertmanager receives: the rule's, its alertname, and the event fields."""
    labels = {**rule["alertmanager_labels"], "alertname": rule["alertmanager_alertname"]}
    labels |= dict.fromkeys(rule.get("alertmanager_fields", {}), "checkout")
    return labels


def _level_receiver(plan: Plan, labels: dict[str, str]) -> str:
    routes = level_routes(plan)
    team = [r for r in routes if r.level == labels["severity"] and r.team == labels.get("team")]
    level = [r for r in routes if r.level == labels["severity"] and r.team is None]
    return (team or level)[0].receiver


def test_each_log_alert_reaches_its_levels_receiver_in_the_route_simulator() -> None:
    for name, rule in _rules().items():
        labels = _labels(rule)
        routed = alerting(DEFAULT).route(labels)
        assert routed.receiver == _level_receiver(DEFAULT, labels), name


def test_each_log_alert_reaches_its_levels_receiver_with_amtool(tmp_path: Path) -> None:
    amtool = require_tool("amtool")
    out = tmp_path / "generated"
    write_tree(out, render_all(DEFAULT))
    config = out / "alertmanager/alertmanager.yml"
    for name, rule in _rules().items():
        labels = _labels(rule)
        receiver = _level_receiver(DEFAULT, labels)
        result = subprocess.run(
            [
                amtool,
                "config",
                "routes",
                "test",
                f"--config.file={config}",
                f"--verify.receivers={receiver}",
                *(f"{k}={v}" for k, v in labels.items()),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, (name, receiver, result.stdout, result.stderr)
    assert {"eyewearml-p2", "eyewearml-p3"} <= {
        _level_receiver(DEFAULT, _labels(r)) for r in _rules().values()
    }


def test_the_alert_catalogue_lists_log_alerts_beside_metric_alerts() -> None:
    docs = next(a for a in render_all(DEFAULT) if a.path == "docs/alerts.md").content.decode()
    section = docs.split("## Log-based alerts (ElastAlert 2)")[1]
    assert "| AuthenticationFailureBurst | P2 | service-health | more than 10 security events" in (
        section
    )
    assert "| ErrorLogSpike | P3 |" in section
    assert "sms, email" in section


_KINDS = """
  - {name: NewErrorType, kind: new_value, class: application, field: error.type,
     area: service-health, severity: P4, summary: a new error type}
  - {name: AuditPolicyChanged, kind: any, class: security, where: {event.action: policy-change},
     area: infrastructure, severity: P1, summary: audit policy changed, service: audit}
"""


def test_new_value_and_any_alerts_render_valid_rules() -> None:
    plan = load_plan_text(PLAN_TEXT.replace("log_alerts:\n", "log_alerts:" + _KINDS, 1)).plan
    rules = _rules(plan)
    new = rules["NewErrorType"]
    assert (new["type"], new["fields"], new["terms_window_size"]) == (
        "new_term",
        ["error.type"],
        {"days": 30},
    )
    audit = rules["AuditPolicyChanged"]
    assert audit["type"] == "any"
    assert audit["alertmanager_labels"]["service"] == "audit"
    assert "alertmanager_fields" not in audit
    for name, rule in rules.items():
        assert errors("elastalert-rule.yaml", rule) == [], name


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "    class: security\n    where:",
            "    class: audit\n    where:",
            "unknown log class 'audit'",
        ),
        ("    more_than: 10\n", "", "a count alert needs `more_than`"),
        (
            "    factor: 3\n",
            "    factor: 3\n    more_than: 5\n",
            "`more_than` has no meaning for a spike",
        ),
        ("group_by: [source.ip]", "group_by: [client.ip]", "client.ip is not mapped"),
        ("where: {log.level: error}", "where: {message: error}", "mapped as match_only_text"),
        (
            "  - name: ErrorLogSpike",
            "  - name: NodeHighCPU",
            "'NodeHighCPU' is already an alert name",
        ),
        (
            "    area: service-health\n    severity: P2",
            "    area: security\n    severity: P2",
            "unknown area 'security'",
        ),
    ],
    ids=["class", "count-needs", "not-for-spike", "unmapped", "text-field", "duplicate", "area"],
)
def test_log_alert_plan_errors(old: str, new: str, expected: str) -> None:
    assert old in PLAN_TEXT
    with pytest.raises(PlanError) as caught:
        load_plan_text(PLAN_TEXT.replace(old, new, 1))
    rendered = [p.render() for p in caught.value.problems]
    assert any(expected in line for line in rendered), rendered
    assert all(":" in line.split(" ")[0] for line in rendered)


def test_a_log_alert_needs_a_logging_section() -> None:
    text = PLAN_TEXT[: PLAN_TEXT.index("logging:\n")] + PLAN_TEXT[PLAN_TEXT.index("log_alerts:") :]
    with pytest.raises(PlanError) as caught:
        load_plan_text(text)
    assert "plan/log-alert-without-logging" in [p.rule for p in caught.value.problems]


NASTY = st.sampled_from(
    ['"', "'", "\\", "\n", "{{ $labels.x }}", "%{IP}", "${HOME}", "$HOME", "$", ": ", "#", "é"]
)
HOSTILE = st.lists(st.one_of(NASTY, st.text(max_size=6)), min_size=1, max_size=6).map("".join)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(summary=HOSTILE, description=HOSTILE, service=HOSTILE)
def test_hostile_text_reaches_alertmanager_as_written(
    summary: str, description: str, service: str
) -> None:
    alert = (
        "\n  - {name: Hostile, kind: any, class: security, where: {event.action: x}, "
        f"area: infrastructure, severity: P3, summary: {json.dumps(summary)}, "
        f"description: {json.dumps(description)}, service: {json.dumps(service)}}}"
    )
    try:
        plan = load_plan_text(PLAN_TEXT.replace("log_alerts:", "log_alerts:" + alert, 1)).plan
    except PlanError as error:
        assert error.problems
        return
    text = _texts(plan)[elastalert.rule_path("Hostile")]
    assert "$" not in text
    rule = _load(text)
    assert rule["alert_subject"] == summary
    assert rule["alert_text"] == (description or summary)
    assert rule["alertmanager_labels"]["service"] == service
    assert errors("elastalert-rule.yaml", rule) == []


def _tree(tmp_path: Path) -> Path:
    out = tmp_path / "generated"
    write_tree(out, render_all(DEFAULT))
    return out


def test_lint_logs_check_passes_on_the_default_tree(tmp_path: Path) -> None:
    assert logs_check.run(_tree(tmp_path), DEFAULT) == []


def test_lint_catches_a_rule_reading_an_unmapped_field_or_no_class(tmp_path: Path) -> None:
    out = _tree(tmp_path)
    path = out / elastalert.rule_path("ErrorLogSpike")
    path.write_text(path.read_text().replace("query_key: service.name", "query_key: svc"))
    other = out / elastalert.rule_path("AuthenticationFailureBurst")
    other.write_text(other.read_text().replace("eyewearml.security", "eyewearml.audit"))
    found = {(p.file, p.rule) for p in logs_check.run(out, DEFAULT)}
    assert found == {
        (elastalert.rule_path("ErrorLogSpike"), "logs/unmapped-field"),
        (elastalert.rule_path("AuthenticationFailureBurst"), "logs/unknown-class"),
    }


def test_lint_catches_shipping_without_pipeline_and_pipeline_without_shipping(
    tmp_path: Path,
) -> None:
    out = _tree(tmp_path)
    pipelines = out / "logstash/pipelines.yml"
    entries = yaml.safe_load(pipelines.read_text())
    pipelines.write_text(
        yaml.safe_dump([e for e in entries if "/auth.conf" not in e["path.config"]])
    )
    config = out / "filebeat/filebeat.yml"
    config.write_text(
        config.read_text().replace(
            "kubernetes.labels.app: mongodb\n", "kubernetes.labels.app: mongo\n", 1
        )
    )
    found = sorted((p.rule, p.message) for p in logs_check.run(out, DEFAULT))
    assert found == [
        ("logs/pipeline-not-shipped", "pipeline mongodb is fed by no Filebeat input"),
        ("logs/shipped-without-pipeline", "Filebeat ships auth, which has no pipeline"),
        ("logs/shipped-without-pipeline", "Filebeat ships mongo, which has no pipeline"),
    ]
