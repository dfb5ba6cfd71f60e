"""prometheus.yml and blackbox.yml from the plan, checked by promtool and blackbox_exporter."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import ROOT, require_tool
from eyewatch_gen.checks import blackbox, prometheus_config
from eyewatch_gen.pipeline import render_all
from eyewatch_gen.plan.catalog import rule_groups
from eyewatch_gen.plan.load import load_plan, load_plan_text
from eyewatch_gen.plan.scraping import metric_job
from eyewatch_gen.problems import PlanError
from eyewatch_gen.targets.prometheus_config import config
from eyewatch_gen.writer import write_tree

TEXT = (ROOT / "plan.yaml").read_text()
DEFAULT = load_plan(ROOT / "plan.yaml").plan


def _job_labels(data: dict[str, Any]) -> dict[str, str]:
    """scrape config name -> the job label it sets."""
    return {
        c["job_name"]: next(
            r["replacement"] for r in c["relabel_configs"] if r.get("target_label") == "job"
        )
        for c in data["scrape_configs"]
    }


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("gen") / "generated"
    write_tree(out, render_all(DEFAULT))
    return out


def test_promtool_check_config_passes_and_references_every_rule_file(tree: Path) -> None:
    require_tool("promtool")
    assert prometheus_config.run(tree, DEFAULT) == []
    data = yaml.safe_load((tree / "prometheus/prometheus.yml").read_text())
    generated = sorted(
        p.relative_to(tree / "prometheus").as_posix()
        for p in (tree / "prometheus/rules").glob("*.yml")
    )
    assert data["rule_files"] == generated


def test_promtool_catches_a_broken_config(tree: Path, tmp_path: Path) -> None:
    require_tool("promtool")
    broken = tmp_path / "generated"
    (broken / "prometheus").mkdir(parents=True)
    (broken / "prometheus/rules").symlink_to(tree / "prometheus/rules")
    text = (tree / "prometheus/prometheus.yml").read_text()
    (broken / "prometheus/prometheus.yml").write_text(
        text.replace("action: keep", "action: keepit", 1)
    )
    findings = prometheus_config.run(broken, DEFAULT)
    assert findings and "keepit" in findings[0].message


def test_blackbox_config_check_passes(tree: Path) -> None:
    require_tool("prometheus-blackbox-exporter")
    assert blackbox.run(tree, DEFAULT) == []
    modules = yaml.safe_load((tree / "blackbox/blackbox.yml").read_text())["modules"]
    assert sorted(modules) == ["dns_cluster_dns", "http_2xx", "tcp_connect"]
    assert modules["http_2xx"]["http"]["fail_if_not_ssl"] is True


def test_every_job_an_alert_uses_is_scraped() -> None:
    scraped = set(_job_labels(config(DEFAULT)).values())
    used = {metric_job(DEFAULT, a.metric) for a in DEFAULT.alerts if a.metric}
    assert None not in used
    assert used <= scraped


def test_scrape_health_alerts_cover_exactly_the_declared_jobs() -> None:
    alerts = {r.expr for g in rule_groups(DEFAULT) for r in g.alerting if r.expr.startswith("up{")}
    assert alerts == {f'up{{job="{job}"}} == 0' for job in DEFAULT.jobs}


def test_kubelet_paths_share_the_job_label_and_tell_paths_apart() -> None:
    data = config(DEFAULT)
    labels = _job_labels(data)
    assert [n for n, job in labels.items() if job == "kubelet"] == [
        "kubelet",
        "kubelet-metrics-cadvisor",
        "kubelet-metrics-probes",
    ]
    cadvisor = next(
        c for c in data["scrape_configs"] if c["job_name"] == "kubelet-metrics-cadvisor"
    )
    assert cadvisor["metrics_path"] == "/metrics/cadvisor"
    assert {"source_labels": ["__metrics_path__"], "target_label": "metrics_path"} in cadvisor[
        "relabel_configs"
    ]


def test_probes_are_relabelled_to_the_exporter_with_job_blackbox() -> None:
    probe = next(
        c for c in config(DEFAULT)["scrape_configs"] if c["job_name"] == "blackbox-http_2xx"
    )
    assert probe["params"] == {"module": ["http_2xx"]}
    assert {
        "target_label": "__address__",
        "replacement": "blackbox-exporter.monitoring.svc:9115",
    } in probe["relabel_configs"]
    assert _job_labels({"scrape_configs": [probe]}) == {"blackbox-http_2xx": "blackbox"}


def test_kube_state_metrics_honours_its_own_labels() -> None:
    ksm = next(
        c for c in config(DEFAULT)["scrape_configs"] if c["job_name"] == "kube-state-metrics"
    )
    assert ksm["honor_labels"] is True
    assert all(r.get("target_label") != "namespace" for r in ksm["relabel_configs"])


def test_remote_write_uses_a_password_file() -> None:
    assert config(DEFAULT)["remote_write"] == [
        {
            "url": "https://mimir.monitoring.svc/api/v1/push",
            "basic_auth": {
                "username": "eyewearml",
                "password_file": "/etc/prometheus/secrets/mimir-password",
            },
        }
    ]


def test_removing_a_job_warns_naming_the_alerts_that_lose_their_source() -> None:
    start = TEXT.index("  mongodb-exporter:\n    area: database")
    end = TEXT.index("  istio-mesh:\n")
    loaded = load_plan_text(TEXT[:start] + TEXT[end:])
    messages = [w.render() for w in loaded.warnings]
    latency = next(m for m in messages if "metrics.mongodb_query_latency:" in m)
    assert "its scrape job 'mongodb-exporter' is not declared in jobs" in latency
    assert "alerts MongoDBQueryTimeHigh lose their source" in latency


def test_a_two_minute_window_needs_a_fast_scrape() -> None:
    text = TEXT.replace("    interval: 15s\n", "    interval: 1m\n", 1)
    with pytest.raises(PlanError) as caught:
        load_plan_text(text)
    assert any(
        "metrics.auth_failures_per_minute.expr: a [2m] window sees fewer than four scrapes "
        "of job 'eyewear-apps' (every 1m); scrape it every 30s or less" in p.render()
        for p in caught.value.problems
    )
