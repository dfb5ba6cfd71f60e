"""Grafana dashboards: schema-valid, laid out without overlap, and in step with the alerts."""

from __future__ import annotations

import json
import re
from itertools import combinations
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from jsonschema import Draft7Validator

from conftest import MINIMAL, ROOT
from eyewatch_gen.checks.schemas import errors, schema
from eyewatch_gen.plan.catalog import rule_groups
from eyewatch_gen.plan.dashboards import layouts, uid
from eyewatch_gen.plan.load import load_plan, load_plan_text
from eyewatch_gen.plan.log_fields import field_type
from eyewatch_gen.plan.model import Plan
from eyewatch_gen.problems import PlanError
from eyewatch_gen.targets import grafana

DEFAULT = load_plan(ROOT / "plan.yaml").plan


def _boards(plan: Plan = DEFAULT) -> dict[str, dict[str, Any]]:
    return {
        a.path.rsplit("/", 1)[1].removesuffix(".json"): json.loads(a.content)
        for a in grafana.render(plan)
        if a.path.endswith(".json")
    }


@pytest.mark.parametrize("plan", [DEFAULT, load_plan(MINIMAL).plan], ids=["default", "minimal"])
def test_every_dashboard_validates_against_grafana_schema(plan: Plan) -> None:
    for slug, board in _boards(plan).items():
        assert errors("grafana-dashboard.json", board) == [], slug


def test_timeseries_and_stat_options_validate_against_panel_schemas() -> None:
    checked = 0
    for board in _boards().values():
        for panel in board["panels"]:
            name = {
                "timeseries": "grafana-panel-timeseries.json",
                "stat": "grafana-panel-stat.json",
            }.get(panel["type"])
            if name and panel["type"] == "timeseries":
                definitions = schema(name)["definitions"]
                wrapped = {"$ref": "#/definitions/Options", "definitions": definitions}
                assert list(Draft7Validator(wrapped).iter_errors(panel["options"])) == []
                checked += 1
    assert checked > 10


def test_the_expected_dashboards_exist() -> None:
    assert sorted(_boards()) == [
        "backups",
        "business",
        "database",
        "infrastructure",
        "logs",
        "network",
        "overview",
        "service-health",
        "user-experience",
    ]


def test_panels_do_not_overlap_and_ids_are_unique() -> None:
    for slug, board in _boards().items():
        ids = [p["id"] for p in board["panels"]]
        assert len(ids) == len(set(ids)), slug
        boxes = [p["gridPos"] for p in board["panels"]]
        for a, b in combinations(boxes, 2):
            apart = (
                a["x"] + a["w"] <= b["x"]
                or b["x"] + b["w"] <= a["x"]
                or a["y"] + a["h"] <= b["y"]
                or b["y"] + b["h"] <= a["y"]
            )
            assert apart, (slug, a, b)
        assert all(box["x"] + box["w"] <= 24 for box in boxes)


def test_uids_are_stable_short_and_unique() -> None:
    first = [b["uid"] for b in _boards().values()]
    assert first == [b["uid"] for b in _boards().values()]
    assert len(set(first)) == len(first)
    assert all(len(u) <= 40 for u in first)
    long_uid = uid(DEFAULT, "a-very-long-dashboard-slug-that-goes-on-and-on")
    assert len(long_uid) == 40
    assert long_uid == uid(DEFAULT, "a-very-long-dashboard-slug-that-goes-on-and-on")


def test_every_metric_is_on_its_area_dashboard() -> None:
    boards = _boards()
    for name, metric in DEFAULT.metrics.items():
        queries = [t["expr"] for p in boards[metric.area]["panels"] for t in p.get("targets", [])]
        wanted = metric.record or metric.expr.strip()
        assert any(q.startswith(wanted) for q in queries), name


def test_every_threshold_alert_threshold_is_drawn_on_its_panel() -> None:
    for board in layouts(DEFAULT):
        for panel in board.panels:
            for alert in (a for a in DEFAULT.alerts if a.metric == panel.metric):
                assert alert.threshold in [v for v, _ in panel.thresholds], alert.name


def test_threshold_colours_follow_severity() -> None:
    backups = next(b for b in layouts(DEFAULT) if b.slug == "backups")
    oplog = next(p for p in backups.panels if p.metric == "oplog_backup_age")
    # the RPO alert, generated from the recovery objectives: RPO 15m + grace 5m
    assert oplog.thresholds == ((None, "green"), (1200, "red"))


def test_lower_bound_alerts_colour_below_the_threshold() -> None:
    text = MINIMAL.read_text().replace('op: ">"\n    threshold: 0.9', 'op: "<"\n    threshold: 0.9')
    board = next(b for b in layouts(load_plan_text(text).plan) if b.slug == "infra")
    cpu = next(p for p in board.panels if p.metric == "cpu")
    assert cpu.thresholds == ((None, "orange"), (0.9, "green"))


def test_dashboard_urls_point_at_generated_panels() -> None:
    boards = {b["uid"]: b for b in _boards().values()}
    links = [
        r.annotations["dashboard_url"]
        for g in rule_groups(DEFAULT)
        for r in g.alerting
        if "dashboard_url" in r.annotations
    ]
    assert len(links) >= 15
    for link in links:
        parts = urlsplit(link)
        board_uid = parts.path.split("/")[2]
        panel_id = int(parts.query.removeprefix("viewPanel="))
        assert panel_id in [p["id"] for p in boards[board_uid]["panels"]], link


def test_overview_has_slo_stats_and_an_alert_list() -> None:
    panels = _boards()["overview"]["panels"]
    kinds = [p["type"] for p in panels]
    assert kinds.count("stat") == 2 * len(DEFAULT.slos)
    assert "alertlist" in kinds


def test_provisioning_points_grafana_at_dashboards_and_datasources() -> None:
    files = {
        a.path: yaml.safe_load(a.content)
        for a in grafana.render(DEFAULT)
        if a.path.endswith(".yml")
    }
    providers = files["grafana/provisioning/dashboards.yml"]["providers"]
    assert providers[0]["folder"] == "EyewearML" and providers[0]["type"] == "file"
    types = [d["type"] for d in files["grafana/provisioning/datasources.yml"]["datasources"]]
    assert types == ["prometheus", "elasticsearch"]


def test_jsonschema_library_agrees_with_the_fast_validator() -> None:
    """The lint uses jsonschema-rs; the reference implementation must agree on our outputs."""
    from jsonschema.validators import validator_for

    board = _boards()["infrastructure"]
    loaded = schema("grafana-dashboard.json")
    assert list(validator_for(loaded)(loaded).iter_errors(board)) == []
    broken = {**board, "refresh": 60, "bogus": True}
    assert (
        len(errors("grafana-dashboard.json", broken))
        == len(list(validator_for(loaded)(loaded).iter_errors(broken)))
        == 2
    )


def test_the_logs_dashboard_reads_elasticsearch_fields_the_templates_map() -> None:
    board = _boards()["logs"]
    assert [v["query"] for v in board["templating"]["list"]] == ["elasticsearch"]
    panels = {p["title"]: p for p in board["panels"] if p["type"] != "row"}
    assert sorted(panels) == [
        "Error events by service",
        "Error logs",
        "Log volume by service and level",
    ]
    volume = panels["Log volume by service and level"]["targets"][0]
    assert [b.get("field") for b in volume["bucketAggs"]] == [
        "service.name",
        "log.level",
        "@timestamp",
    ]
    assert panels["Error logs"]["type"] == "logs"
    assert panels["Error logs"]["targets"][0]["metrics"] == [{"type": "logs", "id": "1"}]
    for panel in panels.values():
        assert panel["datasource"] == {"type": "elasticsearch", "uid": "${logs}"}
        target = panel["targets"][0]
        fields = [b["field"] for b in target["bucketAggs"]]
        fields += re.findall(r"([a-z_.@]+):", target["query"])
        assert fields or target["query"] == "*"
        assert all(field_type(f) is not None for f in fields), fields


def test_without_logging_there_is_no_logs_dashboard() -> None:
    assert "logs" not in _boards(load_plan(MINIMAL).plan)


def test_an_area_named_logs_is_refused_when_the_plan_has_logging() -> None:
    text = (
        (ROOT / "plan.yaml")
        .read_text()
        .replace("  backups: {title:", "  logs: {title: Logs}\n  backups: {title:", 1)
    )
    with pytest.raises(PlanError) as caught:
        load_plan_text(text)
    assert "plan/reserved-name" in [p.rule for p in caught.value.problems]


def _grafana_expand(value: str, environ: dict[str, str]) -> str:
    """What Grafana makes of a provisioning value: `$$` is `$`, `$NAME`/`${NAME}` the
    environment variable."""
    pattern = re.compile(r"\$\$|\$\{(\w+)\}|\$(\w+)")
    return pattern.sub(lambda m: "$" if m[0] == "$$" else environ.get(m[1] or m[2], ""), value)


def test_plan_text_reaches_grafana_provisioning_as_written_never_expanded() -> None:
    text = (ROOT / "plan.yaml").read_text()
    text = text.replace("folder: EyewearML", 'folder: "${GF_SECURITY_ADMIN_PASSWORD} $HOME"')
    text = text.replace("svc:9090", "svc:9090/$prefix")
    files = {
        a.path: yaml.safe_load(a.content)
        for a in grafana.render(load_plan_text(text).plan)
        if a.path.endswith(".yml")
    }
    environ = {"GF_SECURITY_ADMIN_PASSWORD": "admin-password", "HOME": "/root", "prefix": "x"}
    folder = files["grafana/provisioning/dashboards.yml"]["providers"][0]["folder"]
    assert _grafana_expand(folder, environ) == "${GF_SECURITY_ADMIN_PASSWORD} $HOME"
    url = files["grafana/provisioning/datasources.yml"]["datasources"][0]["url"]
    assert _grafana_expand(url, environ) == "http://prometheus.monitoring.svc:9090/$prefix"
