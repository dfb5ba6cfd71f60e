"""The releases a team runs (`versions`): what the setting changes, what newer releases read
differently, and that the Debian 0.25/2.42 tools here still get files they can read.

Issue 23, findings 4 (`$` in external labels), 5 (webhook `url_file`, amtool matchers),
6 (`role: endpointslice`) and 7 (`fallback_scrape_protocol`)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import MINIMAL, ROOT, require_tool
from eyewatch_gen.checks import amtool, prometheus_config, tools
from eyewatch_gen.drill.configs import alertmanager_config
from eyewatch_gen.pipeline import render_all
from eyewatch_gen.plan.load import load_plan, load_plan_text
from eyewatch_gen.plan.model import Plan
from eyewatch_gen.plan.model.versions import FEATURES
from eyewatch_gen.problems import PlanError
from eyewatch_gen.targets import alertmanager, alertmanager_config_crd
from eyewatch_gen.targets import prometheus_config as cfg
from eyewatch_gen.writer import write_tree

TEXT = MINIMAL.read_text()
URL_FILE = TEXT.replace(
    'tickets: {type: webhook, url: "https://tickets.shop.example/hook"}',
    "tickets: {type: webhook, url_file: /etc/alertmanager/secrets/tickets-url}",
)
KUBERNETES_JOB = """
jobs:
  app:
    area: app
    kubernetes: {namespaces: [shop], service: app, port: metrics}
"""


def _problems(text: str) -> list[str]:
    with pytest.raises(PlanError) as caught:
        load_plan_text(text)
    return [p.render() for p in caught.value.problems]


def _versions(text: str, **releases: str) -> str:
    pairs = ", ".join(f'{k}: "{v}"' for k, v in releases.items())
    return text.replace("platform: shop\n", f"platform: shop\nversions: {{{pairs}}}\n")


def _scrape(plan: Plan, name: str) -> dict[str, Any]:
    return next(c for c in cfg.config(plan)["scrape_configs"] if c["job_name"] == name)


# --- finding 4: `$` in external labels ------------------------------------------------------


@pytest.mark.parametrize("value", ["$CLUSTER", "${CLUSTER}", "eu-$$1"])
def test_a_dollar_in_an_external_label_is_a_plan_error_at_the_value(value: str) -> None:
    text = TEXT + f'prometheus: {{external_labels: {{cluster: "{value}"}}}}\n'
    problems = _problems(text)
    assert len(problems) == 1
    assert re.match(
        r"plan\.yaml:\d+:\d+: error: prometheus\.external_labels\.cluster: ", problems[0]
    )
    assert "Prometheus 3 replaces $NAME" in problems[0]
    assert problems[0].endswith("(plan/external-label)")


def test_a_dollar_in_an_environment_external_label_is_reported_at_the_override() -> None:
    text = TEXT + (
        "prometheus: {external_labels: {cluster: shop}}\n"
        "environments:\n  production: {}\n"
        '  staging: {external_labels: {cluster: "shop-$STAGE"}}\n'
    )
    problems = _problems(text)
    assert len(problems) == 1
    assert "error: environments.staging.external_labels.cluster: contains '$'" in problems[0]


# --- finding 5: webhook url_file, and the 0.25 tools ------------------------------------------


def test_url_file_needs_alertmanager_0_26() -> None:
    problems = _problems(_versions(URL_FILE, alertmanager="0.25"))
    assert len(problems) == 1
    assert (
        "error: channels.tickets.url_file: a webhook url_file needs Alertmanager 0.26 or "
        in (problems[0])
    )
    assert "(versions.alertmanager is 0.25)" in problems[0]
    load_plan_text(_versions(URL_FILE, alertmanager="0.26"))


def test_url_file_is_rendered_for_current_alertmanager_and_as_a_secret_for_the_operator() -> None:
    plan = load_plan_text(URL_FILE + "outputs: {kubernetes: {alertmanager_config: true}}\n").plan
    hooks = [
        hook
        for receiver in alertmanager.config(plan)["receivers"]
        for hook in receiver.get("webhook_configs", [])
    ]
    assert hooks == [{"url_file": "/etc/alertmanager/secrets/tickets-url", "send_resolved": True}]
    crd = alertmanager_config_crd.document(plan)["spec"]["receivers"]
    crd_hooks = [hook for r in crd for hook in r.get("webhookConfigs", [])]
    assert crd_hooks == [
        {"urlSecret": {"name": "alertmanager-secrets", "key": "tickets-url"}, "sendResolved": True}
    ]


def test_a_plan_without_url_file_renders_the_same_for_alertmanager_0_25_and_current() -> None:
    """Today's output is kept for 0.25: nothing in alertmanager.yml depends on the release
    unless the plan asks for a feature (and then 0.25 is a plan error)."""
    default = (ROOT / "plan.yaml").read_text()
    old = load_plan_text(default.replace('alertmanager: "0.34"', 'alertmanager: "0.25"')).plan
    assert old.versions.alertmanager == "0.25"
    new = load_plan(ROOT / "plan.yaml").plan
    assert alertmanager.config(old) == alertmanager.config(new)


def test_a_url_with_a_token_suggests_url_file_when_the_release_has_it() -> None:
    text = TEXT.replace("shop.example/hook", "shop.example/hook?token=abc")
    assert "name it in url_file" in _problems(text)[0]
    assert "name it in url_file" not in _problems(_versions(text, alertmanager="0.25"))[0]


@pytest.fixture
def url_file_tree(tmp_path: Path) -> Path:
    out = tmp_path / "generated"
    write_tree(out, render_all(load_plan_text(URL_FILE).plan))
    return out


def test_lint_checks_a_url_file_config_with_debian_amtool_0_25(url_file_tree: Path) -> None:
    """Alertmanager 0.25 rejects `url_file`; lint checks the same routing on a copy where it
    is a stand-in url, and every routing test runs there."""
    tool = require_tool("amtool")
    deployed = url_file_tree / amtool.CONFIG
    if tools.version("amtool") < (0, 26):
        as_written = subprocess.run(
            [tool, "check-config", deployed], capture_output=True, text=True, check=False
        )
        assert as_written.returncode != 0
        assert "url_file" in as_written.stdout + as_written.stderr
    plan = load_plan_text(URL_FILE).plan
    assert amtool.run(url_file_tree, plan) == []
    broken = deployed.read_text().replace('- severity="P4"', '- severity="P9"')
    deployed.write_text(broken)
    assert [f.rule for f in amtool.run(url_file_tree, plan)] == [amtool.ROUTE_TEST]


def test_lowered_copy_replaces_only_the_url_file(url_file_tree: Path, tmp_path: Path) -> None:
    deployed = url_file_tree / amtool.CONFIG
    assert amtool.readable_copy(deployed, tmp_path, (0, 26, 0)) == deployed
    copy = amtool.readable_copy(deployed, tmp_path, (0, 25, 0))
    lowered = yaml.safe_load(copy.read_text())
    original = yaml.safe_load(deployed.read_text())
    for receiver in original["receivers"]:
        for hook in receiver.get("webhook_configs", []):
            hook["url"] = amtool.URL_FILE_STAND_IN
            del hook["url_file"]
    assert lowered == original


def test_the_drill_gives_debian_alertmanager_0_25_a_config_it_reads(
    url_file_tree: Path, tmp_path: Path
) -> None:
    tool = require_tool("amtool")
    secret = tmp_path / "secret"
    secret.write_text("drill")
    config = alertmanager_config(url_file_tree, "http://127.0.0.1:9", 25, secret, [])
    assert "url_file" not in yaml.safe_dump(config)
    path = tmp_path / "drill.yml"
    path.write_text(yaml.safe_dump(config))
    checked = subprocess.run(
        [tool, "check-config", path], capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


ROUTES = """
route:
  receiver: default
  routes:
    - {matchers: ['x="a\\"b"'], receiver: quote}
    - {matchers: ['x="a,b"'], receiver: comma}
    - {matchers: ['x="a b"'], receiver: space}
    - {matchers: ['x="{a}=b"'], receiver: braces}
receivers: [{name: default}, {name: quote}, {name: comma}, {name: space}, {name: braces}]
"""


@pytest.mark.parametrize(
    ("value", "receiver"),
    [('a"b', "quote"), ("a,b", "comma"), ("a b", "space"), ("{a}=b", "braces")],
)
def test_routing_tests_pass_label_values_quoted_and_escaped(
    value: str, receiver: str, tmp_path: Path
) -> None:
    """`x=a"b` unquoted is refused by amtool 0.25 and read differently by 0.27's UTF-8 parser;
    quoted and escaped, both read the value as written."""
    tool = require_tool("amtool")
    config = tmp_path / "am.yml"
    config.write_text(ROUTES)
    assert amtool.route_arguments({"x": value}) == ['x="' + value.replace('"', '\\"') + '"']
    result = subprocess.run(
        [
            tool,
            "config",
            "routes",
            "test",
            f"--config.file={config}",
            f"--verify.receivers={receiver}",
            *amtool.route_arguments({"x": value}),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --- finding 6: endpointslice ----------------------------------------------------------------


def test_endpointslice_is_the_default_role_for_prometheus_3() -> None:
    plan = load_plan_text(TEXT + KUBERNETES_JOB).plan
    scrape = _scrape(plan, "app")
    assert scrape["kubernetes_sd_configs"] == [
        {"role": "endpointslice", "namespaces": {"names": ["shop"]}}
    ]
    keep = {r["source_labels"][0]: r["regex"] for r in scrape["relabel_configs"] if "regex" in r}
    assert keep == {
        "__meta_kubernetes_service_name": "app",
        "__meta_kubernetes_endpointslice_port_name": "metrics",
    }
    copied = {
        r["source_labels"][0]: r["target_label"]
        for r in scrape["relabel_configs"]
        if "source_labels" in r and "target_label" in r
    }
    assert copied["__meta_kubernetes_service_name"] == "service"
    assert copied["__meta_kubernetes_pod_name"] == "pod"


def test_prometheus_2_keeps_the_endpoints_role_and_an_explicit_role_is_kept() -> None:
    old = load_plan_text(_versions(TEXT + KUBERNETES_JOB, prometheus="2.53")).plan
    scrape = _scrape(old, "app")
    assert scrape["kubernetes_sd_configs"][0]["role"] == "endpoints"
    assert any(
        r.get("source_labels") == ["__meta_kubernetes_endpoint_port_name"]
        for r in scrape["relabel_configs"]
    )
    explicit = TEXT + KUBERNETES_JOB.replace("{namespaces", "{role: endpoints, namespaces")
    assert (
        _scrape(load_plan_text(explicit).plan, "app")["kubernetes_sd_configs"][0]["role"]
        == "endpoints"
    )


def test_the_default_plan_discovers_services_through_endpointslices() -> None:
    plan = load_plan(ROOT / "plan.yaml").plan
    roles = {
        c["job_name"]: c["kubernetes_sd_configs"][0]["role"]
        for c in cfg.config(plan)["scrape_configs"]
        if "kubernetes_sd_configs" in c
    }
    assert roles["node-exporter"] == roles["mongodb-exporter"] == "endpointslice"
    assert roles["kubelet"] == "node"


# --- finding 7: fallback_scrape_protocol -----------------------------------------------------


def test_a_job_sets_its_fallback_scrape_protocol() -> None:
    text = TEXT + KUBERNETES_JOB + "    fallback_scrape_protocol: PrometheusText0.0.4\n"
    scrape = _scrape(load_plan_text(text).plan, "app")
    assert scrape["fallback_scrape_protocol"] == "PrometheusText0.0.4"
    assert "fallback_scrape_protocol" not in _scrape(
        load_plan_text(TEXT + KUBERNETES_JOB).plan, "app"
    )
    wrong = _problems(text.replace("PrometheusText0.0.4", "text/plain"))
    assert "jobs.app.fallback_scrape_protocol" in wrong[0] and "PrometheusText0.0.4" in wrong[0]
    old = _problems(_versions(text, prometheus="2.53"))
    assert "fallback_scrape_protocol needs Prometheus 3.0 or later" in old[0]


def test_the_application_job_of_the_default_plan_falls_back_to_text(tmp_path: Path) -> None:
    """Documented for application exporters, set on eyewear-apps; Debian's promtool 2.42
    predates the field, so its check runs on a copy without it."""
    require_tool("promtool")
    plan = load_plan(ROOT / "plan.yaml").plan
    assert _scrape(plan, "eyewear-apps")["fallback_scrape_protocol"] == "PrometheusText0.0.4"
    out = tmp_path / "generated"
    write_tree(out, render_all(plan))
    assert prometheus_config.run(out, plan) == []


# --- the setting itself ----------------------------------------------------------------------


def test_readme_versions_section_names_every_release_the_output_depends_on() -> None:
    section = (ROOT / "README.md").read_text().split("## Versions", 1)[1].split("\n## ", 1)[0]
    for feature, (_, first) in FEATURES.items():
        assert feature in section and first in section, feature
