"""The AlertmanagerConfig object as the Prometheus Operator deploys it (issue 23, findings 1
and 2): the operator's rewrite emulated after pkg/alertmanager/amcfg.go, through the one route
simulator, and checked with amtool where a binary can say something."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import MINIMAL, ROOT, require_tool
from eyewatch_gen.checks.amtool import route_arguments
from eyewatch_gen.checks.schemas import errors
from eyewatch_gen.plan.alerting import Loading, alerting, deployed, loading
from eyewatch_gen.plan.catalog import rule_groups
from eyewatch_gen.plan.load import load_plan, load_plan_text
from eyewatch_gen.plan.model import Plan
from eyewatch_gen.plan.model.outputs import OperatorMode
from eyewatch_gen.problems import PlanError
from eyewatch_gen.targets import alertmanager, alertmanager_config_crd, routing_tests

DEFAULT = load_plan(ROOT / "plan.yaml").plan
TEXT = (ROOT / "plan.yaml").read_text()
MODE_LINE = (
    "      mode: OnNamespaceExceptForAlertmanagerNamespace"
    "   # (kubernetes/alertmanager-patch.yaml)\n"
)
MODES: tuple[OperatorMode, ...] = (
    "configuration",
    "None",
    "OnNamespaceExceptForAlertmanagerNamespace",
    "OnNamespace",
)


def _with_mode(mode: str) -> str:
    assert MODE_LINE in TEXT
    return TEXT.replace(MODE_LINE, f"      mode: {mode}\n")


def _how(mode: OperatorMode, namespace: str = "monitoring") -> Loading:
    return Loading("monitoring", "eyewearml", "main", namespace, mode)


def _alerts(plan: Plan) -> dict[str, dict[str, str]]:
    """Every alert of the plan with the labels of its generated test."""
    return {r.name: r.example_labels() for g in rule_groups(plan) for r in g.alerting}


def _reaches(plan: Plan, how: Loading) -> dict[str, bool]:
    """Alert -> whether it reaches, through the deployed object, the receiver that
    alertmanager.yml gives it."""
    view = alerting(plan)
    operated = deployed(view, how)
    return {
        name: how.prefix + view.route(labels).receiver in operated.receivers_of(labels)
        for name, labels in _alerts(plan).items()
    }


# --- finding 1: the operator's OnNamespace rewrite loses alerts ------------------------------


def test_on_namespace_routes_only_the_objects_namespace() -> None:
    """The operator's default adds namespace="monitoring" to the object's route: the default
    plan's alerts, none of which is labelled so in its generated test, skip it."""
    reaches = _reaches(DEFAULT, _how("OnNamespace"))
    lost = {name for name, ok in reaches.items() if not ok}
    assert lost == set(reaches)
    assert {
        "CheckoutAvailabilityBudgetBurn",
        "RecommendationApiAvailabilityBudgetBurn",
        "BackupRPOBreached",
        "ServiceErrorRateHigh",
        "PodRestartingOften",
    } <= lost
    assert _alerts(DEFAULT)["PodRestartingOften"]["namespace"] == "eyewear"
    operated = deployed(alerting(DEFAULT), _how("OnNamespace"))
    page = {"alertname": "X", "severity": "P1", "service": "checkout"}
    assert operated.receivers_of(page) == ("null",)
    assert operated.receivers_of({**page, "namespace": "monitoring"}) == (
        "monitoring/eyewearml/eyewearml-p1",
    )


def test_on_namespace_confines_inhibition_to_the_objects_namespace() -> None:
    operated = deployed(alerting(DEFAULT), _how("OnNamespace"))
    page = {"alertname": "A", "severity": "P1", "service": "checkout", "namespace": "eyewear"}
    ticket = {**page, "alertname": "B", "severity": "P3"}
    assert alerting(DEFAULT).inhibited(ticket, [page])
    assert not operated.inhibited(ticket, [page])
    inside = {k: {**v, "namespace": "monitoring"} for k, v in (("p", page), ("t", ticket))}
    assert operated.inhibited(inside["t"], [inside["p"]])


@pytest.mark.parametrize(
    "mode", ["configuration", "None", "OnNamespaceExceptForAlertmanagerNamespace"]
)
def test_with_the_setting_every_alert_is_routed_as_alertmanager_yml(mode: OperatorMode) -> None:
    """With the setting of kubernetes/alertmanager-patch.yaml, every alert of every plan
    reaches the receiver alertmanager.yml gives it, and inhibition is unchanged."""
    plans = [DEFAULT, load_plan(ROOT / "examples/two-teams/plan.yaml").plan]
    for plan in plans:
        assert all(_reaches(plan, _how(mode)).values())
    view = alerting(DEFAULT)
    assert deployed(view, _how(mode)).inhibit_rules == view.inhibit_rules


def test_the_except_strategy_still_confines_objects_outside_the_alertmanagers_namespace() -> None:
    how = _how("OnNamespaceExceptForAlertmanagerNamespace", namespace="observability")
    assert not any(_reaches(DEFAULT, how).values())


def test_the_emulated_deployment_is_the_shape_the_operator_writes() -> None:
    """Prefixed names, the object's route first with continue, the namespace matcher appended
    to the route and to both sides of each inhibit rule (amcfg.go: namespaceEnforcer,
    continueToNextRoute, makeNamespacedString)."""
    data = alertmanager.serialise(deployed(alerting(DEFAULT), _how("OnNamespace")))
    route = data["route"]
    assert route["receiver"] == "null" and len(route["routes"]) == 1
    top = route["routes"][0]
    assert top["receiver"] == "monitoring/eyewearml/eyewearml-unrouted"
    assert top["matchers"] == ['namespace="monitoring"'] and top["continue"] is True
    p3 = next(r for r in top["routes"] if r["matchers"] == ['severity="P3"'])
    assert p3["mute_time_intervals"] == ["monitoring/eyewearml/monthly-patching"]
    assert data["time_intervals"][0]["name"] == "monitoring/eyewearml/monthly-patching"
    first = data["inhibit_rules"][0]
    assert first["source_matchers"][-1] == first["target_matchers"][-1] == 'namespace="monitoring"'
    assert [r["name"] for r in data["receivers"]][:2] == [
        "null",
        "monitoring/eyewearml/eyewearml-unrouted",
    ]
    referenced = alertmanager.serialise(deployed(alerting(DEFAULT), _how("configuration")))
    assert "continue" not in referenced["route"] and "matchers" not in referenced["route"]


@pytest.mark.parametrize("mode", MODES)
def test_amtool_routes_the_deployed_configuration_as_emulated(
    mode: OperatorMode, tmp_path: Path
) -> None:
    """Alertmanager 0.25 reads each emulated deployment, and `amtool config routes test`
    (which follows `continue`) agrees with the simulator on every routing case."""
    tool = require_tool("amtool")
    operated = deployed(alerting(DEFAULT), _how(mode))
    path = tmp_path / "alertmanager.yml"
    path.write_text(yaml.safe_dump(alertmanager.serialise(operated), sort_keys=False))
    checked = subprocess.run(
        [tool, "check-config", path], capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    for case in routing_tests.cases(DEFAULT):
        expected = operated.receivers_of(case["labels"])
        result = subprocess.run(
            [
                tool,
                "config",
                "routes",
                "test",
                f"--config.file={path}",
                f"--verify.receivers={','.join(expected)}",
                *route_arguments(case["labels"]),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, (case["name"], result.stdout, result.stderr)


# --- what is generated, what the plan says -----------------------------------------------------


def _patch(text: str) -> dict[str, Any]:
    plan = load_plan_text(text).plan
    artifact = next(
        a for a in alertmanager_config_crd.render(plan) if a.path == alertmanager_config_crd.PATCH
    )
    data: dict[str, Any] = yaml.safe_load(artifact.content)
    return data


def test_the_default_plan_ships_the_alertmanager_setting_its_routing_needs() -> None:
    how = loading(DEFAULT)
    assert how is not None and how.mode == "OnNamespaceExceptForAlertmanagerNamespace"
    assert all(_reaches(DEFAULT, how).values())
    generated = yaml.safe_load((ROOT / "generated" / alertmanager_config_crd.PATCH).read_text())
    assert generated == {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "Alertmanager",
        "metadata": {"name": "kube-prometheus-stack-alertmanager", "namespace": "monitoring"},
        "spec": {
            "alertmanagerConfigMatcherStrategy": {
                "type": "OnNamespaceExceptForAlertmanagerNamespace"
            }
        },
    }
    document = alertmanager_config_crd.document(DEFAULT)
    assert errors("prometheus-operator-alertmanagerconfig.json", document) == []
    assert (
        "kubernetes/alertmanager-patch.yaml"
        in document["metadata"]["annotations"]["eyewatch-gen/loaded-by"]
    )


def test_each_mode_has_its_patch() -> None:
    assert _patch(_with_mode("configuration"))["spec"] == {
        "alertmanagerConfiguration": {"name": "eyewearml"}
    }
    assert _patch(_with_mode("None"))["spec"] == {
        "alertmanagerConfigMatcherStrategy": {"type": "None"}
    }


def _problems(text: str) -> list[str]:
    with pytest.raises(PlanError) as caught:
        load_plan_text(text)
    return [p.render() for p in caught.value.problems]


def test_on_namespace_is_a_plan_error_naming_the_lost_alerts() -> None:
    (problem,) = _problems(_with_mode("OnNamespace"))
    assert "error: outputs.kubernetes.alertmanager.mode: with mode OnNamespace the Prometheus " in (
        problem
    )
    count = sum(len(group.alerting) for group in rule_groups(DEFAULT))
    assert f"{count} of {count} alerts skip its routing (NodeHighCPU," in problem
    assert problem.endswith("(plan/operator-routing)")


def test_on_namespace_is_fine_when_every_alert_carries_the_namespace() -> None:
    text = (
        MINIMAL.read_text()
        .replace(
            "    labels: {component: api}", "    labels: {component: api, namespace: monitoring}"
        )
        .replace(
            "    runbook: https://runbooks.shop.example/cpu",
            "    runbook: https://runbooks.shop.example/cpu\n    labels: {namespace: monitoring}",
        )
    )
    text = text.replace(
        'labels: {instance: "app-1:8080", job: app}',
        'labels: {instance: "app-1:8080", job: app, namespace: monitoring}',
    ).replace(
        'instance="app-1:8080"}\'',
        'instance="app-1:8080", namespace="monitoring"}\'',
    )
    text += (
        "outputs: {kubernetes: {alertmanager_config: true, alertmanager: {mode: OnNamespace}}}\n"
    )
    plan = load_plan_text(text).plan
    assert all(_reaches(plan, loading(plan) or _how("OnNamespace")).values())


def test_an_unset_mode_is_a_warning_that_explains_the_requirement() -> None:
    loaded = load_plan_text(TEXT.replace(MODE_LINE, ""))
    (warning,) = [w.render() for w in loaded.warnings if w.rule == "plan/operator-mode"]
    assert (
        'routes only alerts labelled namespace="monitoring" through this object unless' in warning
    )
    assert (
        "kubernetes/alertmanager-patch.yaml (mode OnNamespaceExceptForAlertmanagerNamespace)"
        in warning
    )
    old = TEXT.replace(MODE_LINE, "").replace('operator: "0.94"', 'operator: "0.83"')
    how = loading(load_plan_text(old).plan)
    assert how is not None and how.mode == "None"


def test_the_except_strategy_needs_operator_0_84() -> None:
    (problem,) = _problems(TEXT.replace('operator: "0.94"', 'operator: "0.83"'))
    assert "needs the Prometheus Operator 0.84 or later (versions.operator is 0.83)" in problem


def test_mode_configuration_needs_the_alertmanagers_namespace() -> None:
    text = _with_mode("configuration").replace(
        "      name: kube-prometheus-stack-alertmanager",
        "      name: main\n      namespace: observability",
    )
    (problem,) = _problems(text)
    assert (
        "outputs.kubernetes.alertmanager.namespace: mode configuration reads the object" in problem
    )


# --- finding 2: a window in another time zone ----------------------------------------------------


def test_a_window_outside_utc_is_a_plan_error_when_the_object_is_rendered() -> None:
    text = TEXT.replace("    location: UTC\n", "    location: Europe/Berlin\n")
    (problem,) = _problems(text)
    line = TEXT.splitlines().index("    location: UTC") + 1
    assert problem.startswith(f"plan.yaml:{line}:15: error: maintenance_windows[0].location: ")
    assert "Europe/Berlin cannot be kept in the AlertmanagerConfig object" in problem
    assert problem.endswith("(plan/object-time-zone)")
    without = text.replace("    alertmanager_config: true", "    alertmanager_config: false")
    load_plan_text(without)  # alertmanager.yml keeps the zone (`location`)
    load_plan_text(text.replace("Europe/Berlin", "Etc/UTC"))
