"""Beyond one Prometheus: team files, environments, PrometheusRule, Mimir and Thanos output,
on the two-team, two-environment example."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import ROOT, Run, require_tool
from eyewatch_gen.checks.schemas import errors
from eyewatch_gen.pipeline import render_trees
from eyewatch_gen.plan.load import load_plan, load_plan_text
from eyewatch_gen.problems import PlanError

Cli = Callable[..., Run]
EXAMPLE = ROOT / "examples/two-teams"


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text())


def _trees() -> dict[str, dict[str, bytes]]:
    trees = render_trees(load_plan(EXAMPLE / "plan.yaml").plan)
    return {env: {a.path: a.content for a in artifacts} for env, artifacts in trees.items()}


def test_committed_example_is_in_sync(cli: Cli) -> None:
    result = cli("check", EXAMPLE / "plan.yaml", "--out", EXAMPLE / "generated")
    assert result.code == 0, result.out + result.err


def test_one_tree_per_environment() -> None:
    trees = _trees()
    assert sorted(trees) == ["production", "staging"]
    for files in trees.values():
        assert "prometheus/rules/checkout.rules.yml" in files
        assert "kubernetes/prometheusrules/checkout.yaml" in files


def test_team_alerts_carry_the_team_and_route_to_it() -> None:
    rules = yaml.safe_load(_trees()["production"]["prometheus/rules/search.rules.yml"])
    alert = rules["groups"][0]["rules"][1]
    assert alert["labels"]["team"] == "search"
    config = yaml.safe_load(_trees()["production"]["alertmanager/alertmanager.yml"])
    p3 = next(r for r in config["route"]["routes"] if r["matchers"] == ['severity="P3"'])
    assert {"matchers": ['team="search"'], "receiver": "shop-search-p3"} in p3["routes"]


def test_staging_never_pages_and_applies_its_overrides() -> None:
    trees = _trees()
    receivers = {
        env: {
            r["name"]: r for r in _load_bytes(files["alertmanager/alertmanager.yml"])["receivers"]
        }
        for env, files in trees.items()
    }
    assert "pagerduty_configs" in receivers["production"]["shop-p1"]
    assert "pagerduty_configs" not in receivers["staging"]["shop-p1"]
    staging = _load_bytes(trees["staging"]["prometheus/rules/checkout.rules.yml"])
    assert staging["groups"][0]["rules"][1]["expr"].endswith("> 0.05")
    search = _load_bytes(trees["staging"]["prometheus/rules/search.rules.yml"])
    assert search["groups"][0]["rules"][1]["labels"]["severity"] == "P4"
    prometheus = _load_bytes(trees["staging"]["prometheus/prometheus.yml"])
    assert prometheus["global"]["external_labels"]["environment"] == "staging"


def _load_bytes(content: bytes) -> Any:
    return yaml.safe_load(content)


def test_prometheus_rule_objects_validate_and_their_groups_pass_promtool(tmp_path: Path) -> None:
    promtool = require_tool("promtool")
    for plan in (ROOT / "plan.yaml", EXAMPLE / "plan.yaml"):
        for env, artifacts in render_trees(load_plan(plan).plan).items():
            objects = [a for a in artifacts if a.path.startswith("kubernetes/prometheusrules/")]
            assert objects, (plan, env)
            for artifact in objects:
                document = yaml.safe_load(artifact.content)
                assert errors("prometheus-operator-prometheusrule.json", document) == []
                extracted = tmp_path / f"{env or 'default'}-{Path(artifact.path).name}"
                extracted.write_text(yaml.safe_dump({"groups": document["spec"]["groups"]}))
                result = subprocess.run(
                    [promtool, "check", "rules", extracted],
                    capture_output=True,
                    text=True,
                    check=False,
                )
                assert result.returncode == 0, result.stderr


def test_mimir_namespaces_and_thanos_strategy(tmp_path: Path) -> None:
    promtool = require_tool("promtool")
    files = _trees()["production"]
    mimir = _load_bytes(files["mimir/rules/checkout.yaml"])
    assert mimir["namespace"] == "checkout" and mimir["groups"][0]["name"] == "shop-checkout"
    thanos = _load_bytes(files["thanos/rules/search.rules.yml"])
    assert {g["partial_response_strategy"] for g in thanos["groups"]} == {"warn"}
    for document in (mimir, thanos):
        stripped = {
            "groups": [
                {k: v for k, v in g.items() if k != "partial_response_strategy"}
                for g in document["groups"]
            ]
        }
        path = tmp_path / "rules.yml"
        path.write_text(yaml.safe_dump(stripped))
        result = subprocess.run(
            [promtool, "check", "rules", path], capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stderr


def test_example_lints_and_its_tests_pass(cli: Cli) -> None:
    promtool = require_tool("promtool")
    result = cli(
        "lint", EXAMPLE / "plan.yaml", "--out", EXAMPLE / "generated", "--offline", "-f", "plain"
    )
    assert result.code == 0, result.out
    for env in ("production", "staging"):
        tests = sorted((EXAMPLE / "generated" / env / "prometheus/tests").glob("*.yml"))
        run = subprocess.run(
            [promtool, "test", "rules", *tests], capture_output=True, text=True, check=False
        )
        assert run.returncode == 0, run.stdout + run.stderr


@pytest.fixture
def example_copy(tmp_path: Path) -> Path:
    target = tmp_path / "two-teams"
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns("generated"))
    return target


def test_a_metric_defined_twice_names_both_files(example_copy: Path) -> None:
    duplicate = (
        (example_copy / "plan.d/checkout.yaml")
        .read_text()
        .replace("team: checkout", "team: payments")
        .replace("CheckoutErrorsHigh", "PaymentsErrorsHigh")
    )
    (example_copy / "plan.d/payments.yaml").write_text(duplicate)
    with pytest.raises(PlanError) as caught:
        load_plan(example_copy / "plan.yaml")
    message = next(p.render() for p in caught.value.problems if "checkout_error_ratio" in p.path)
    assert message.startswith(f"{example_copy}/plan.d/payments.yaml:")
    assert f"is already defined in {example_copy}/plan.d/checkout.yaml:" in message


def test_an_include_may_not_leave_the_plan_directory(example_copy: Path) -> None:
    text = (
        (example_copy / "plan.yaml")
        .read_text()
        .replace("include: [plan.d/*.yaml]", "include: [../*.yaml]")
    )
    with pytest.raises(PlanError) as caught:
        load_plan_text(text, "plan.yaml", example_copy / "plan.yaml")
    assert "leaves the plan's directory" in caught.value.problems[0].message


def test_an_override_that_matches_nothing_is_an_error(example_copy: Path) -> None:
    plan = example_copy / "plan.yaml"
    plan.write_text(plan.read_text().replace("SearchLatencyHigh: {for", "SearchLatencyHi: {for"))
    with pytest.raises(PlanError) as caught:
        load_plan(plan)
    assert any(
        "unknown alert 'SearchLatencyHi'; did you mean 'SearchLatencyHigh'?" in p.render()
        for p in caught.value.problems
    )


def test_diff_compares_environments(cli: Cli) -> None:
    result = cli("diff", EXAMPLE / "plan.yaml", "--base-env", "production", "--env", "staging")
    assert result.code == 0, result.err
    assert (
        "- **weakened** CheckoutErrorsHigh: threshold `> 0.01` → `> 0.05`: values from 0.01 to "
        "0.05 no longer alert" in result.out
    )
    assert (
        "- **removed** P1: no longer reaches pager (pagerduty): nobody is paged any more"
        in result.out
    )


def test_alert_sets_expand_with_overrides_and_match() -> None:
    plan = load_plan(ROOT / "plan.yaml").plan
    made = {a.name: a for a in plan.alerts if a.name.endswith("ResponseTimeHigh")}
    assert sorted(made) == [
        "CatalogApiResponseTimeHigh",
        "CheckoutResponseTimeHigh",
        "RecommendationApiResponseTimeHigh",
        "VirtualTryonResponseTimeHigh",
    ]
    assert made["VirtualTryonResponseTimeHigh"].threshold == 1000
    assert made["CheckoutResponseTimeHigh"].threshold == 500
    assert made["CheckoutResponseTimeHigh"].match == {"destination_service_name": "checkout"}
    assert made["CheckoutResponseTimeHigh"].service == "checkout"


def test_an_alert_set_override_that_matches_nothing_is_an_error() -> None:
    text = (
        (ROOT / "plan.yaml")
        .read_text()
        .replace(
            "      virtual-tryon: {threshold: 1000}", "      virtual-try-on: {threshold: 1000}"
        )
    )
    with pytest.raises(PlanError) as caught:
        load_plan_text(text)
    assert any(
        "override for 'virtual-try-on' matches no item of for_each; did you mean "
        "'virtual-tryon'?" in p.render()
        for p in caught.value.problems
    )


def test_alertmanager_config_object_validates_and_mirrors_the_routing() -> None:
    from eyewatch_gen.targets import alertmanager_config_crd

    document = alertmanager_config_crd.document(load_plan(ROOT / "plan.yaml").plan)
    assert errors("prometheus-operator-alertmanagerconfig.json", document) == []
    spec = document["spec"]
    p1 = next(r for r in spec["route"]["routes"] if r["receiver"] == "eyewearml-p1")
    assert p1["matchers"] == [{"name": "severity", "value": "P1", "matchType": "="}]
    assert p1["receiver"] == "eyewearml-p1"
    receiver = next(r for r in spec["receivers"] if r["name"] == "eyewearml-p1")
    assert receiver["pagerdutyConfigs"][0]["routingKey"] == {
        "name": "alertmanager-secrets",
        "key": "pagerduty-routing-key",
    }
    assert receiver["emailConfigs"][0]["authPassword"] == {
        "name": "alertmanager-secrets",
        "key": "smtp-password",
    }
    assert spec["inhibitRules"][0]["equal"] == ["service"]


@pytest.mark.parametrize("pattern", ["", ".", "  "])
def test_an_include_pattern_that_names_no_file_is_an_error(
    example_copy: Path, pattern: str
) -> None:
    plan = example_copy / "plan.yaml"
    plan.write_text(plan.read_text().replace("include: [plan.d/*.yaml]", f"include: [{pattern!r}]"))
    with pytest.raises(PlanError) as caught:
        load_plan(plan)
    (problem,) = caught.value.problems
    assert (problem.path, problem.rule) == ("include[0]", "plan/include")
    assert "is not a file pattern; use one such as plan.d/*.yaml" in problem.message


def test_a_team_file_linked_from_outside_the_plan_directory_is_refused(
    example_copy: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "elsewhere.yaml"
    shutil.move(example_copy / "plan.d/checkout.yaml", outside)
    (example_copy / "plan.d/checkout.yaml").symlink_to(outside)
    with pytest.raises(PlanError) as caught:
        load_plan(example_copy / "plan.yaml")
    (problem,) = caught.value.problems
    assert (problem.file, problem.line, problem.path) == (
        str(example_copy / "plan.yaml"),
        5,
        "include[0]",
    )
    assert problem.message == (
        f"{example_copy}/plan.d/checkout.yaml is a link to {outside}, outside the plan's "
        "directory; copy the file into the plan's directory"
    )


def test_a_team_file_linked_inside_the_plan_directory_is_followed(example_copy: Path) -> None:
    (example_copy / "teams").mkdir()
    shutil.move(example_copy / "plan.d/search.yaml", example_copy / "teams/search.yaml")
    (example_copy / "plan.d/search.yaml").symlink_to("../teams/search.yaml")
    plan = load_plan(example_copy / "plan.yaml").plan
    assert any(alert.team == "search" for alert in plan.alerts)
