"""Grafana dashboards and provisioning: `grafana/dashboards/<slug>.json`,
`grafana/provisioning/{dashboards,datasources}.yml`.

Dashboards are built with grafana-foundation-sdk (Grafana's own typed builders, schemaVersion
42), the only module that imports it; the layout comes from `plan.dashboards`. Metric panels
query Prometheus, log panels the Elasticsearch data source (counts by terms over a date
histogram, or the raw log lines). Grafana expands environment variables in provisioning
files, so plan text there has every `$` doubled. Provisioning
format: https://grafana.com/docs/grafana/latest/administration/provisioning/
"""

from __future__ import annotations

from typing import Any

import orjson
from grafana_foundation_sdk.builders import common as common_builders
from grafana_foundation_sdk.builders import dashboard as builders
from grafana_foundation_sdk.builders import elasticsearch as es
from grafana_foundation_sdk.builders import gauge, logs, prometheus, stat, timeseries
from grafana_foundation_sdk.models import common, dashboard
from grafana_foundation_sdk.models.elasticsearch import TermsOrder

from eyewatch_gen.artifacts import Artifact, json_artifact, yaml_artifact
from eyewatch_gen.plan.dashboards import DashboardLayout, PanelLayout, layouts
from eyewatch_gen.plan.model import Plan

DASHBOARDS = "grafana/dashboards"
PROMETHEUS = common.DataSourceRef(type_val="prometheus", uid="${datasource}")
ELASTICSEARCH = common.DataSourceRef(type_val="elasticsearch", uid="${logs}")
_PANELS: dict[str, Any] = {"timeseries": timeseries.Panel, "stat": stat.Panel, "gauge": gauge.Panel}


def render(plan: Plan) -> list[Artifact]:
    """Every dashboard, plus provisioning for dashboards and data sources."""
    artifacts = [
        json_artifact(f"{DASHBOARDS}/{board.slug}.json", build(plan, board))
        for board in layouts(plan)
    ]
    artifacts.append(yaml_artifact("grafana/provisioning/dashboards.yml", _providers(plan)))
    artifacts.append(yaml_artifact("grafana/provisioning/datasources.yml", _datasources(plan)))
    return artifacts


def build(plan: Plan, board: DashboardLayout) -> dict[str, Any]:
    """One dashboard's JSON model as data."""
    builder = (
        builders.Dashboard(board.title)
        .uid(board.uid)
        .tags([plan.platform, "eyewatch-gen"])
        .refresh("1m")
        .time("now-6h", "now")
        .timezone("utc")
        .readonly()
    )
    for variable in _variables(board):
        builder = builder.with_variable(variable)
    for panel in board.panels:
        if panel.kind == "row":
            builder = builder.with_row(
                builders.Row(panel.title).id(panel.id).grid_pos(_grid(panel))
            )
        else:
            builder = builder.with_panel(_panel(panel))
    # The SDK's models serialise through `to_json()`; orjson walks them in C (the SDK's own
    # json-based encoder plus a decode took three times longer).
    data: dict[str, Any] = orjson.loads(orjson.dumps(builder.build(), default=_to_json))
    return data


def _to_json(model: Any) -> Any:
    return model.to_json()


def _variables(board: DashboardLayout) -> list[Any]:
    if "logs" in board.variables:
        return [builders.DatasourceVariable("logs").label("Logs").type("elasticsearch")]
    result: list[Any] = [
        builders.DatasourceVariable("datasource").label("Data source").type("prometheus")
    ]
    if "namespace" in board.variables:
        result.append(
            builders.QueryVariable("namespace")
            .label("Namespace")
            .datasource(PROMETHEUS)
            .query("label_values(kube_namespace_status_phase, namespace)")
            .include_all(True)
            .all_value(".*")
            .multi(True)
            .refresh(dashboard.VariableRefresh.ON_TIME_RANGE_CHANGED)
        )
    return result


def _grid(panel: PanelLayout) -> dashboard.GridPos:
    return dashboard.GridPos(h=panel.h, w=panel.w, x=panel.x, y=panel.y)


def _panel(panel: PanelLayout) -> Any:
    if panel.source == "elasticsearch":
        return _log_panel(panel)
    if panel.kind == "alertlist":
        return (
            builders.Panel()
            .id(panel.id)
            .type("alertlist")
            .title(panel.title)
            .grid_pos(_grid(panel))
        )
    builder = (
        _PANELS[panel.kind]()
        .id(panel.id)
        .title(panel.title)
        .datasource(PROMETHEUS)
        .grid_pos(_grid(panel))
        .unit(panel.unit)
        .thresholds(_thresholds(panel))
        .with_target(_target(panel))
    )
    if panel.description:
        builder = builder.description(panel.description)
    if panel.min is not None:
        builder = builder.min(panel.min)
    if panel.max is not None:
        builder = builder.max(panel.max)
    if panel.kind == "timeseries":
        builder = builder.thresholds_style(
            common_builders.GraphThresholdsStyleConfig().mode(common.GraphThresholdsStyleMode.LINE)
        ).legend(
            common_builders.VizLegendOptions()
            .show_legend(True)
            .display_mode(common.LegendDisplayMode.LIST)
            .placement(common.LegendPlacement.BOTTOM)
        )
    return builder


def _log_panel(panel: PanelLayout) -> Any:
    """A panel on the Elasticsearch data source: the raw lines, or counts over time."""
    query = es.Dataquery().ref_id("A").query(panel.query).time_field("@timestamp")
    if panel.kind == "logs":
        return (
            logs.Panel()
            .id(panel.id)
            .title(panel.title)
            .description(panel.description)
            .datasource(ELASTICSEARCH)
            .grid_pos(_grid(panel))
            .with_target(query.metrics([es.Logs().id("1")]).bucket_aggs([]))
            .show_time(True)
            .wrap_log_message(True)
            .enable_log_details(True)
            .sort_order(common.LogsSortOrder.DESCENDING)
        )
    buckets: list[Any] = [
        es.Terms()
        .field(name)
        .id(str(i))
        .settings(
            es.ElasticsearchTermsSettings()
            .size("10")
            .order(TermsOrder.DESC)
            .order_by("_count")
            .min_doc_count("1")
        )
        for i, name in enumerate(panel.group_by, 2)
    ]
    buckets.append(
        es.DateHistogram()
        .field("@timestamp")
        .id(str(len(buckets) + 2))
        .settings(es.ElasticsearchDateHistogramSettings().interval("auto"))
    )
    query = query.metrics([es.Count().id("1")]).bucket_aggs(buckets)
    if panel.legend:
        query = query.alias(panel.legend)
    return (
        timeseries.Panel()
        .id(panel.id)
        .title(panel.title)
        .description(panel.description)
        .datasource(ELASTICSEARCH)
        .grid_pos(_grid(panel))
        .unit("short")
        .min(0)
        .with_target(query)
        .legend(
            common_builders.VizLegendOptions()
            .show_legend(True)
            .display_mode(common.LegendDisplayMode.LIST)
            .placement(common.LegendPlacement.BOTTOM)
        )
    )


def _target(panel: PanelLayout) -> prometheus.Dataquery:
    query = prometheus.Dataquery().expr(panel.query).ref_id("A")
    if panel.legend:
        query = query.legend_format(panel.legend)
    if panel.kind != "timeseries":
        query = query.instant()
    return query


def _thresholds(panel: PanelLayout) -> builders.ThresholdsConfig:
    steps = [dashboard.Threshold(value=value, color=colour) for value, colour in panel.thresholds]
    return builders.ThresholdsConfig().mode(dashboard.ThresholdsMode.ABSOLUTE).steps(steps)


def _providers(plan: Plan) -> dict[str, Any]:
    folder = _literal(plan.grafana.folder if plan.grafana else "Monitoring")
    return {
        "apiVersion": 1,
        "providers": [
            {
                "name": f"{plan.platform}-eyewatch-gen",
                "folder": folder,
                "type": "file",
                "disableDeletion": True,
                "allowUiUpdates": False,
                "updateIntervalSeconds": 60,
                "options": {
                    "path": f"/var/lib/grafana/dashboards/{plan.platform}",
                    "foldersFromFilesStructure": False,
                },
            }
        ],
    }


def _datasources(plan: Plan) -> dict[str, Any]:
    prometheus_url = plan.grafana.prometheus_url if plan.grafana else "http://prometheus:9090"
    sources: list[dict[str, Any]] = [
        {
            "name": "Prometheus",
            "uid": "prometheus",
            "type": "prometheus",
            "access": "proxy",
            "url": _literal(prometheus_url),
            "isDefault": True,
            "editable": False,
            "jsonData": {"timeInterval": "30s"},
        }
    ]
    if plan.grafana and plan.grafana.elasticsearch_url:
        sources.append(
            {
                "name": "Elasticsearch logs",
                "uid": "elasticsearch-logs",
                "type": "elasticsearch",
                "access": "proxy",
                "url": _literal(plan.grafana.elasticsearch_url),
                "editable": False,
                "jsonData": {"index": "logs-*", "timeField": "@timestamp"},
            }
        )
    return {"apiVersion": 1, "datasources": sources}


def _literal(value: str) -> str:
    """Plan text as Grafana reads it from provisioning, where `$NAME` and `${NAME}` are
    replaced by environment variables and `$$` is a literal `$`."""
    return value.replace("$", "$$")
