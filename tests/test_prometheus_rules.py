"""Prometheus rule files: grouping, ordering, labels and annotations, parsed back from YAML."""

from __future__ import annotations

from typing import Any

import yaml

from eyewatch_gen.plan.load import load_plan_text
from eyewatch_gen.plan.rules import format_number
from eyewatch_gen.targets import prometheus_rules


def _rendered(text: str) -> dict[str, Any]:
    artifacts = prometheus_rules.render(load_plan_text(text).plan)
    return {a.path: yaml.safe_load(a.content) for a in artifacts}


def _rules(text: str, area: str) -> list[dict[str, Any]]:
    files = _rendered(text)
    rules: list[dict[str, Any]] = files[f"prometheus/rules/{area}.rules.yml"]["groups"][0]["rules"]
    return rules


def test_one_file_and_group_per_area(minimal_text: str) -> None:
    files = _rendered(minimal_text)
    assert sorted(files) == ["prometheus/rules/app.rules.yml", "prometheus/rules/infra.rules.yml"]
    assert [g["name"] for g in files["prometheus/rules/infra.rules.yml"]["groups"]] == [
        "shop-infra"
    ]


def test_recording_rules_come_before_the_alerts_that_use_them(minimal_text: str) -> None:
    rules = _rules(minimal_text, "infra")
    assert [r.get("record") or r.get("alert") for r in rules] == [
        "instance:cpu_busy:rate5m",
        "HighCPU",
    ]
    assert rules[1]["expr"] == "instance:cpu_busy:rate5m > 0.9"


def test_unrecorded_metric_is_inlined_in_parentheses(minimal_text: str) -> None:
    alert = _rules(minimal_text, "app")[0]
    assert alert["expr"].startswith("(\n  (sum(rate(http_requests_total")
    assert alert["expr"].endswith(") > 0.05")


def test_labels_carry_plan_severity_area_team_service(minimal_text: str) -> None:
    high_cpu = _rules(minimal_text, "infra")[1]
    assert high_cpu["labels"] == {"severity": "P2", "area": "infra", "team": "platform"}
    errors = _rules(minimal_text, "app")[0]
    assert errors["labels"] == {
        "severity": "P1",
        "area": "app",
        "service": "checkout",
        "component": "api",
    }


def test_annotations_pass_prometheus_templates_through(minimal_text: str) -> None:
    errors = _rules(minimal_text, "app")[0]
    assert errors["annotations"]["summary"] == "Error ratio {{ $value | humanizePercentage }}"
    assert errors["annotations"]["description"] == "Error ratio > 0.05 for 5m."
    high_cpu = _rules(minimal_text, "infra")[1]
    assert high_cpu["annotations"]["runbook_url"] == "https://runbooks.shop.example/cpu"


def test_zero_for_is_omitted_and_raw_alerts_keep_their_expr(minimal_text: str) -> None:
    text = minimal_text.replace("    for: 1m\n", "")
    down = _rules(text, "app")[1]
    assert down["expr"] == 'up{job="app"} == 0'
    assert "for" not in down


def test_guard_is_joined_with_and(minimal_text: str) -> None:
    text = minimal_text.replace("    for: 5m\n", "    for: 5m\n    guard: on () vector(1)\n")
    assert _rules(text, "app")[0]["expr"].endswith(") > 0.05\nand on () vector(1)")


def test_numbers_are_written_without_noise() -> None:
    assert [format_number(v) for v in (0.8, 500.0, 3, 1e-06, 0.999)] == [
        "0.8",
        "500",
        "3",
        "1e-06",
        "0.999",
    ]
