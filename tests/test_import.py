"""`eyewatch-gen import`: names, templates, shapes, inferred test inputs, formats, the report."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from conftest import Run
from eyewatch_gen.importer import Options, import_rules
from eyewatch_gen.importer.classify import threshold_of
from eyewatch_gen.importer.infer import Case, UntestableError, fixture, raw_tests
from eyewatch_gen.importer.names import alert_name, metric_name, record_name, slug
from eyewatch_gen.importer.steady import evaluate
from eyewatch_gen.importer.templates import rewrite
from eyewatch_gen.importer.vectors import Input, labels_of
from eyewatch_gen.plan.load import load_plan_text
from eyewatch_gen.promql.parse import parse

Cli = Callable[..., Run]


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        ("KubePodCrashLooping", "KubePodCrashLooping"),
        ("Host-high-cpu", "HostHighCpu"),
        ("Istio[5xx] error rate high", "Istio5xxErrorRateHigh"),
        ("mongodb_down", "MongodbDown"),
        ("5xxErrors", "Alert5xxErrors"),
        ("ünïcode alert", "UnicodeAlert"),
    ],
)
def test_alert_names_become_valid_deterministically(original: str, expected: str) -> None:
    assert alert_name(original) == expected


@pytest.mark.parametrize(
    ("function", "original", "expected"),
    [
        (metric_name, "HostHighCPULoad", "host_high_cpu_load"),
        (metric_name, "instance:node_cpu:rate5m", "instance_node_cpu_rate5m"),
        (record_name, "instance:node_cpu:rate5m", "instance:node_cpu:rate5m"),
        (record_name, "node_memory_available_ratio", "imported:node_memory_available_ratio"),
        (slug, "Kubernetes Apps", "kubernetes-apps"),
        (slug, "node.rules", "node-rules"),
        (slug, "2fa", "imported-2fa"),
    ],
)
def test_other_names(function: Callable[[str], str], original: str, expected: str) -> None:
    assert function(original) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("VALUE = {{ $value }}", "VALUE = {{ $value | humanize }}"),
        ("{{ $labels }}", "instance={{ $labels.instance }}, job={{ $labels.job }}"),
        ("{{ .Labels.pod }}", "{{ $labels.pod }}"),
        ('{{ $labels.pod | reReplaceAll "-.*" "" }}', "{{ $labels.pod }}"),
        ('{{ index $labels "job" }}', "{{ $labels.job }}"),
        ("{{ humanize $value }}", "{{ $value | humanize }}"),
        ('{{ $value | printf "%.2f" }}', '{{ printf "%.2f" $value }}'),
        ('{{ printf "%.1f%%" $value }}', '{{ printf "%.1f" $value }}%'),
        ('{{ printf "%d" $value }}', '{{ printf "%.0f" $value }}'),
        ("{{- $value -}}", "{{ $value | humanize }}"),
        ("at {{ $externalLabels.cluster }}", "at "),
        ('{{ with query "up" }}{{ . | first | value }}{{ end }}', ""),
        ("{{ if gt $value 1.0 }}big{{ else }}small{{ end }}", "bigsmall"),
        ("{{ $value | humanizePercentage }} of {{ $labels.x }}", None),
    ],
)
def test_annotations_are_rewritten_into_forms_tests_can_predict(
    text: str, expected: str | None
) -> None:
    rewritten, changes = rewrite(text, ["instance", "job"])
    assert rewritten == (text if expected is None else expected)
    assert bool(changes) == (expected is not None)


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("up == 0", ("up", "==", 0.0, "", None)),
        ("x / y * 100 > 80", ("x / y * 100", ">", 80.0, "", None)),
        ("(x) < 10", ("x", "<", 10.0, "", None)),
        ("5 < x", ("x", ">", 5.0, "", None)),
        ("age > 7 * 24 * 3600", ("age", ">", 604800.0, "7 * 24 * 3600", None)),
        ("a > 1 and on(i) b == 0", ("a", ">", 1.0, "", "on(i) b == 0")),
        ("a > 1 unless b", None),
        ("a > bool 1", None),
        ("a != b", None),
        ("absent(up)", None),
    ],
)
def test_threshold_or_raw(expr: str, expected: tuple[object, ...] | None) -> None:
    found = threshold_of(expr)
    if expected is None:
        assert found is None
    else:
        assert found is not None
        assert (found.metric, found.op, found.threshold, found.threshold_text, found.guard) == (
            expected
        )


def test_steady_state_follows_prometheus_vector_matching() -> None:
    inputs = [
        Input("a", {"job": "x", "pod": "p", "node": "n"}, counter=False, amount=2.0),
        Input("b", {"job": "x", "pod": "p", "owner": "o"}, counter=False, amount=4.0),
    ]
    one = evaluate(parse("a / on (pod) b"), inputs)
    assert [(labels_of(s), s.value) for s in one] == [({"pod": "p"}, 0.5)]
    left = evaluate(parse("a * on (pod) group_left (owner) b"), inputs)
    assert [labels_of(s) for s in left] == [{"job": "x", "pod": "p", "node": "n", "owner": "o"}]
    assert evaluate(parse("a / b"), inputs) == []  # other labels differ: no match
    assert [labels_of(s) for s in evaluate(parse("a > 1"), inputs)] == [
        {"job": "x", "pod": "p", "node": "n"}
    ]


def test_histogram_quantile_interpolates_like_prometheus() -> None:
    buckets = [
        Input("h_bucket", {"le": "0.25"}, counter=True, amount=2.0),
        Input("h_bucket", {"le": "1"}, counter=True, amount=10.0),
        Input("h_bucket", {"le": "+Inf"}, counter=True, amount=10.0),
    ]
    (sample,) = evaluate(
        parse("histogram_quantile(0.9, sum by (le) (rate(h_bucket[5m])))"), buckets
    )
    assert sample.value == pytest.approx(0.25 + 0.75 * 7 / 8)


SHAPES = [
    ("gauge", "node_hwmon_temp_celsius", ">", 80),
    ("rate of a counter", "rate(node_network_receive_bytes_total[2m]) / 1024 / 1024", ">", 100),
    ("increase", "increase(kube_pod_container_status_restarts_total[15m])", ">", 0),
    (
        "ratio of rates",
        'sum by (job) (rate(http_requests_total{code=~"5.."}[5m]))'
        " / sum by (job) (rate(http_requests_total[5m]))",
        ">",
        0.05,
    ),
    ("ratio of gauges", "avail_bytes / size_bytes * 100", "<", 10),
    (
        "histogram_quantile",
        "histogram_quantile(0.99, sum by (le, service) (rate(latency_seconds_bucket[5m])))",
        ">",
        0.5,
    ),
    ("predict_linear", 'predict_linear(avail_bytes{fstype!~"tmpfs"}[1h], 4 * 3600)', "<", 0),
    (
        "difference",
        '(max by (rs) (optime{state="P"}) - on (rs) min by (rs) (optime{state="S"})) / 1000',
        ">",
        10,
    ),
]


@pytest.mark.parametrize(("shape", "expr", "op", "threshold"), SHAPES, ids=[s[0] for s in SHAPES])
def test_fixtures_are_inferred_for_common_shapes(
    shape: str, expr: str, op: str, threshold: float
) -> None:
    made, proven, _ = fixture(expr, [Case(op, threshold)], set())
    assert proven == [0], shape
    assert made.series


def test_an_inferred_fixture_is_proven_by_evaluation() -> None:
    expr = "sum by (job) (rate(req_total{code=~'5..'}[5m])) / sum by (job) (rate(req_total[5m]))"
    made, _, _ = fixture(expr, [Case(">", 0.05)], set())
    assert made.labels == {"job": "exporter"}
    rates = {s["series"]: s["rate"] for s in made.series}
    assert rates == {
        'req_total{code="500", instance="host-1:9100", job="exporter"}': "v * 10",
        'req_total{code="200", instance="host-1:9100", job="exporter"}': "10 - v * 10",
    }


@pytest.mark.parametrize(
    ("expr", "op", "threshold", "why"),
    [
        ("count(up == 0)", ">", 2, "count()"),
        ("probe_ssl_earliest_cert_expiry - time()", "<", 86400, "time()"),
        ("x - x offset 10m", ">", 1, "conflict"),
        ("deriv(x[1h])", "<", -1, "would have to fall"),
    ],
)
def test_what_cannot_be_inferred_says_why(expr: str, op: str, threshold: float, why: str) -> None:
    with pytest.raises(UntestableError) as caught:
        fixture(expr, [Case(op, threshold)], set())
    assert why in str(caught.value)


@pytest.mark.parametrize(
    ("expr", "quiet", "firing", "labels"),
    [
        ('absent(up{job="node"})', 1, 0, {"job": "node"}),
        ("kube_deployment_spec_replicas != kube_deployment_status_replicas_available", 2, 2, None),
        ("x > 0.05 unless on (instance) maintenance == 1", 1, 1, None),
        ("a unless on (namespace, pod) b", 2, 1, {"instance", "job", "namespace", "pod"}),
        ("(t > 0.05 and deriv(t[5m]) >= 0) or (t < -0.05 and deriv(t[5m]) <= 0)", 1, 1, None),
    ],
)
def test_raw_tests_are_inferred(expr: str, quiet: int, firing: int, labels: object) -> None:
    out = raw_tests(expr, set())
    assert (len(out.quiet), len(out.firing)) == (quiet, firing)
    if isinstance(labels, dict):
        assert out.labels == labels
    elif isinstance(labels, set):
        assert set(out.labels) == set(labels)
    assert math.isfinite(out.value)


RULES = """\
groups:
  - name: app
    rules:
      - alert: ErrorRateHigh
        expr: sum(rate(http_requests_total{code=~"5.."}[5m])) / sum(rate(http_requests_total[5m]))
          > 0.05
        for: 5m
        labels: {severity: critical, team: web, service: shop}
        annotations: {summary: "Errors at {{ $value }}", runbook_url: "https://runbooks.example.com/e"}
      - alert: ErrorRateHigh
        expr: sum(rate(http_requests_total{code=~"5.."}[5m])) / sum(rate(http_requests_total[5m]))
          > 0.01
        for: 15m
        labels: {severity: warning}
        annotations: {summary: "Errors at {{ $value }}"}
      - alert: Odd
        expr: up == 0
        labels: {severity: whatever}
      - record: job_requests
        expr: sum by (job) (rate(http_requests_total[5m]))
        labels: {source: app}
"""


def _import(tmp_path: Path, text: str, **options: object) -> tuple[dict[str, object], str]:
    rules = tmp_path / "rules.yml"
    rules.write_text(text)
    imported = import_rules([rules], Options(**options))  # type: ignore[arg-type]
    load_plan_text(imported.plan)  # what import writes always loads
    return yaml.safe_load(imported.plan), imported.report


def test_levels_names_labels_and_refusals(tmp_path: Path) -> None:
    plan, report = _import(tmp_path, RULES)
    alerts = plan["alerts"]
    assert isinstance(alerts, list)
    first, second = alerts
    assert (first["name"], first["severity"], first["team"], first["service"]) == (
        "ErrorRateHigh",
        "P1",
        "web",
        "shop",
    )
    assert first["runbook"] == "https://runbooks.example.com/e"
    assert first["summary"] == "Errors at {{ $value | humanize }}"
    assert (second["name"], second["labels"]) == (
        "ErrorRateHighWarning",
        {"original_name": "ErrorRateHigh"},
    )
    assert first["metric"] == second["metric"]  # one metric, two thresholds
    assert "severity 'whatever' is not in the severity map" in report
    assert "recording rules with labels" in report


def test_the_severity_map_and_its_default(tmp_path: Path) -> None:
    severity_map = {"critical": "P2", "warning": "P3", "default": "P4"}
    plan, _ = _import(tmp_path, RULES, severity_map=severity_map)
    alerts = plan["alerts"]
    assert isinstance(alerts, list)
    assert [a["severity"] for a in alerts] == ["P2", "P3", "P4"]


def test_area_from_a_label(tmp_path: Path) -> None:
    text = RULES.replace("{severity: critical,", "{severity: critical, tier: Backend API,")
    plan, _ = _import(tmp_path, text, area_from="tier")
    assert set(plan["areas"]) == {"backend-api"}  # type: ignore[call-overload]
    metrics = plan["metrics"]
    assert isinstance(metrics, dict)
    assert [m["area"] for m in metrics.values()] == ["backend-api"]


@pytest.mark.parametrize(
    "document",
    [
        {"apiVersion": "monitoring.coreos.com/v1", "kind": "PrometheusRule", "spec": None},
        {"apiVersion": "v1", "kind": "List", "items": [{"kind": "PrometheusRule", "spec": None}]},
        {"prometheusAlerts": None},
    ],
    ids=["prometheusrule", "list", "mixin"],
)
def test_prometheus_rule_objects_and_mixin_output(
    tmp_path: Path, document: dict[str, object]
) -> None:
    groups = yaml.safe_load(RULES)
    text = json.dumps(document).replace("null", json.dumps(groups))
    plan, _ = _import(tmp_path, text)
    assert len(plan["alerts"]) == 2  # type: ignore[arg-type]


def test_several_documents_in_one_file(tmp_path: Path) -> None:
    plan, report = _import(tmp_path, RULES + "---\n" + RULES.replace("ErrorRateHigh", "Other"))
    assert [a["name"] for a in plan["alerts"]] == [  # type: ignore[attr-defined]
        "ErrorRateHigh",
        "ErrorRateHighWarning",
        "Other",
        "OtherWarning",
    ]
    assert "8 rules read" in report


def test_what_the_plan_rejects_is_refused_not_written(tmp_path: Path) -> None:
    text = RULES.replace("for: 15m", "for: 15 minutes")
    plan, report = _import(tmp_path, text)
    assert [a["name"] for a in plan["alerts"]] == ["ErrorRateHigh"]  # type: ignore[attr-defined]
    assert "alert 'ErrorRateHigh': '15 minutes' is not a duration" in report


def test_a_rule_that_is_not_valid_promql_is_refused_with_the_reason(
    tmp_path: Path, cli: Cli
) -> None:
    text = """
groups:
  - name: g
    rules:
      - record: job:bar:sum
        expr: sum by (job) (bar +)
      - alert: Broken
        expr: foo >
        labels: {severity: warning}
      - alert: Fine
        expr: up == 0
        labels: {severity: warning}
"""
    plan, report = _import(tmp_path, text)
    assert [a["name"] for a in plan["alerts"]] == ["Fine"]  # type: ignore[attr-defined]
    assert list(plan["metrics"]) == ["fine"]  # type: ignore[call-overload]
    assert "foo >" not in yaml.safe_dump(plan) and "bar +" not in yaml.safe_dump(plan)
    assert "rules.yml:5:9: record 'job:bar:sum': not valid PromQL: unexpected ')'" in report
    assert (
        "rules.yml:7:9: alert 'Broken': not valid PromQL: unexpected end of expression "
        "(character 6)" in report
    )
    result = cli("import", tmp_path / "rules.yml", "--out", tmp_path / "plan.yaml")
    assert result.code == 0, result.err


def test_the_report_counts_in_plain_words(tmp_path: Path) -> None:
    text = """
groups:
  - name: g
    rules:
      - record: job:up:sum
        expr: sum by (job) (up)
      - alert: Down
        expr: up == 0
"""
    _, report = _import(tmp_path, text, severity_map={"default": "P3"})
    assert report.startswith("eyewatch-gen import: 2 rules read from ")
    assert "imported: 1 alert (1 threshold, 0 raw), 1 recording rule (metrics" in report
    assert "tested:   1 of 1 alert (100%)" in report
    _, report = _import(tmp_path, text)
    assert "no severity label is not" not in report
    assert "alert 'Down': the rule has no severity label and the severity map has no default" in (
        report
    )


def test_when_every_rule_is_refused_nothing_is_written_and_the_exit_is_1(
    tmp_path: Path, cli: Cli
) -> None:
    rules = tmp_path / "rules.yml"
    rules.write_text("groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: foo >\n")
    out = tmp_path / "plan.yaml"
    result = cli("import", rules, "--out", out)
    assert result.code == 1
    assert not out.exists()
    assert "imported: 0 alerts (0 threshold, 0 raw), 0 recording rules" in result.err
    assert "tested:" not in result.err
    assert "alert 'A': not valid PromQL" in result.err
    assert "nothing imported: no plan written" in result.err
    to_stdout = cli("import", rules)
    assert (to_stdout.code, to_stdout.out) == (1, "")


def test_a_file_that_is_not_rules_is_an_error_with_a_position(tmp_path: Path, cli: Cli) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text("version: 1\nplatform: x\n")
    result = cli("import", bad)
    assert result.code == 2
    assert f"{bad}:1:1: error: not a rule file" in result.err
    missing = cli("import", tmp_path / "none.yml")
    assert (missing.code, missing.err.strip()) == (
        2,
        f"eyewatch-gen: {tmp_path}/none.yml: no such rule file",
    )


def test_same_input_same_bytes(tmp_path: Path, cli: Cli) -> None:
    rules = tmp_path / "rules.yml"
    rules.write_text(RULES)
    runs = [cli("import", rules, env={"PYTHONHASHSEED": seed}, cwd=tmp_path) for seed in ("1", "2")]
    assert runs[0].code == 0, runs[0].err
    assert runs[0].out == runs[1].out and runs[0].err == runs[1].err
    assert runs[0].out.startswith("# Imported by `eyewatch-gen import`")
    assert "eyewatch-gen import: 4 rules read" in runs[0].err


def test_a_team_file_merges_into_a_plan_that_declares_its_areas(tmp_path: Path, cli: Cli) -> None:
    rules = tmp_path / "rules.yml"
    rules.write_text(RULES)
    (tmp_path / "plan.d").mkdir()
    result = cli("import", rules, "--team", "web", "--out", tmp_path / "plan.d/web.yaml")
    assert result.code == 0, result.err
    assert "the including plan must declare the areas app" in result.out
    team = yaml.safe_load((tmp_path / "plan.d/web.yaml").read_text())
    assert list(team) == ["team", "metrics", "alerts"]
    base = yaml.safe_load(import_rules([rules], Options()).plan)
    base = {k: v for k, v in base.items() if k not in ("metrics", "alerts")}
    (tmp_path / "plan.yaml").write_text(
        yaml.safe_dump({**base, "metrics": {}, "include": ["plan.d/*.yaml"]})
    )
    validated = cli("validate", tmp_path / "plan.yaml")
    assert validated.code == 0, validated.err


def test_usage_errors(tmp_path: Path, cli: Cli) -> None:
    rules = tmp_path / "rules.yml"
    rules.write_text(RULES)
    bad_map = cli("import", rules, "--severity-map", "critical=P9")
    assert (bad_map.code, "use value=P1..P4" in bad_map.err) == (2, True)
    bad_team = cli("import", rules, "--team", "Web Team")
    assert bad_team.code == 2
    assert rules.exists()
