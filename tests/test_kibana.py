"""Kibana saved objects: the documented import format, stable ids, references that resolve in
the file, a dashboard embedding every search, fields the index templates map, and plan text
that arrives as written."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT
from eyewatch_gen.checks import kibana as kibana_check
from eyewatch_gen.pipeline import render_all
from eyewatch_gen.plan.load import load_plan, load_plan_text
from eyewatch_gen.plan.log_searches import FOCUS_AREAS, kql_string, saved_searches
from eyewatch_gen.plan.model import Plan
from eyewatch_gen.problems import PlanError
from eyewatch_gen.targets import elasticsearch, kibana
from eyewatch_gen.writer import write_tree

PLAN_TEXT = (ROOT / "plan.yaml").read_text()
DEFAULT = load_plan(ROOT / "plan.yaml").plan


def _text(plan: Plan = DEFAULT) -> str:
    (artifact,) = kibana.render(plan)
    assert artifact.path == kibana.PATH
    return artifact.content.decode()


def _objects(plan: Plan = DEFAULT) -> list[dict[str, Any]]:
    return [json.loads(line) for line in _text(plan).splitlines()]


def _templates(plan: Plan = DEFAULT) -> list[tuple[list[str], dict[str, str]]]:
    from eyewatch_gen.plan.log_fields import flatten

    found = []
    for artifact in elasticsearch.render(plan):
        if "/index-templates/" in artifact.path:
            template = json.loads(artifact.content)
            properties = template["template"]["mappings"]["properties"]
            found.append((template["index_patterns"], flatten(properties)))
    return found


def _problems(text: str) -> list[tuple[int, str, str]]:
    return kibana_check.problems(text, _templates())


def test_the_default_plan_passes_every_structure_check() -> None:
    assert _problems(_text()) == []


def test_a_data_view_per_class_and_one_over_all_searches_and_one_dashboard() -> None:
    kinds = [o["type"] for o in _objects()]
    assert DEFAULT.logging is not None
    assert kinds.count("index-pattern") == len(DEFAULT.logging.classes) + 1
    assert kinds.count("search") == len(saved_searches(DEFAULT)) == 12
    assert kinds.count("dashboard") == 1
    titles = {o["attributes"]["title"] for o in _objects() if o["type"] == "index-pattern"}
    assert titles == {
        "logs-eyewearml.application-*",
        "logs-eyewearml.access-*",
        "logs-eyewearml.security-*",
        "logs-eyewearml.*-*",
    }


def test_the_searches_the_log_analysis_needs_exist() -> None:
    titles = [o["attributes"]["title"] for o in _objects() if o["type"] == "search"]
    assert DEFAULT.logging is not None
    assert [f"Errors: {s.service}" for s in DEFAULT.logging.sources] == titles[:8]
    assert titles[8:] == [
        "Security events",
        "Slow requests (over 500ms)",
        "Access requests",
        "Unmatched events (unplanned services)",
    ]
    assert {s.focus for s in saved_searches(DEFAULT)} == set(FOCUS_AREAS)


def _query(search: dict[str, Any]) -> str:
    source = json.loads(search["attributes"]["kibanaSavedObjectMeta"]["searchSourceJSON"])
    query: str = source["query"]["query"]
    return query


def test_queries_select_what_their_title_says() -> None:
    searches = {o["id"]: o for o in _objects() if o["type"] == "search"}
    assert _query(searches["eyewearml-errors-checkout"]) == (
        'service.name: "checkout" and log.level: (error or fatal or critical)'
    )
    assert _query(searches["eyewearml-errors-web-frontend"]) == (
        'service.name: "web-frontend" and http.response.status_code >= 500'
    )
    assert _query(searches["eyewearml-slow-requests"]) == "event.duration > 500000000"
    assert searches["eyewearml-slow-requests"]["attributes"]["sort"] == [["event.duration", "desc"]]
    assert _query(searches["eyewearml-security-events"]) == 'tags: "security"'


def test_the_dashboard_embeds_every_search_by_reference() -> None:
    objects = _objects()
    (board,) = [o for o in objects if o["type"] == "dashboard"]
    assert board["attributes"]["title"] == "Logs overview"
    searches = [o["id"] for o in objects if o["type"] == "search"]
    assert [r["id"] for r in board["references"]] == searches
    panels = json.loads(board["attributes"]["panelsJSON"])
    assert [f"{p['panelIndex']}:{p['panelRefName']}" for p in panels] == [
        r["name"] for r in board["references"]
    ]


def test_ids_are_stable_and_unique() -> None:
    ids = [(o["type"], o["id"]) for o in _objects()]
    assert len(ids) == len(set(ids))
    changed = PLAN_TEXT.replace(
        "description: Service logs for debugging and error patterns", "description: other words"
    )
    assert ids == [(o["type"], o["id"]) for o in _objects(load_plan_text(changed).plan)]
    assert _text() == _text(load_plan(ROOT / "plan.yaml").plan)


def _lines(edit: Any) -> str:
    objects = _objects()
    edit(objects)
    return "".join(json.dumps(o) + "\n" for o in objects)


def _search(objects: list[dict[str, Any]], name: str) -> dict[str, Any]:
    return next(o for o in objects if o["id"] == f"eyewearml-{name}")


def _set_query(objects: list[dict[str, Any]], query: str) -> None:
    meta = _search(objects, "security-events")["attributes"]["kibanaSavedObjectMeta"]
    source = json.loads(meta["searchSourceJSON"])
    source["query"]["query"] = query
    meta["searchSourceJSON"] = json.dumps(source)


def _move_panel(objects: list[dict[str, Any]]) -> None:
    board = objects[-1]["attributes"]
    panels = json.loads(board["panelsJSON"])
    panels[1]["gridData"]["x"] = 10
    board["panelsJSON"] = json.dumps(panels)


@pytest.mark.parametrize(
    ("edit", "rule"),
    [
        (lambda o: o.pop(0), "kibana/reference"),
        (lambda o: o.append(dict(o[0])), "kibana/format"),
        (lambda o: o[0].update({"version": "1"}), "kibana/format"),
        (lambda o: o[0]["attributes"].pop("timeFieldName"), "kibana/format"),
        (
            lambda o: _search(o, "slow-requests")["attributes"].update({"sort": [["x", "up"]]}),
            "kibana/format",
        ),
        (lambda o: o[-1]["references"].pop(), "kibana/reference"),
        (_move_panel, "kibana/layout"),
        (
            lambda o: _search(o, "slow-requests")["attributes"]["columns"].append("trace.id"),
            "kibana/unmapped-field",
        ),
        (lambda o: _set_query(o, 'tags: "security" and threat.name: x'), "kibana/unmapped-field"),
        (lambda o: o[0]["attributes"].update({"title": "metrics-*"}), "kibana/unmapped-field"),
    ],
    ids=[
        "missing-data-view",
        "duplicate-id",
        "unknown-key",
        "no-time-field",
        "bad-sort",
        "panel-without-reference",
        "overlap",
        "unmapped-column",
        "unmapped-query-field",
        "data-view-of-nothing",
    ],
)
def test_the_structure_check_catches(edit: Any, rule: str) -> None:
    assert rule in [r for _, _, r in _problems(_lines(edit))]


def test_kql_strings_escape_quotes_and_backslashes() -> None:
    assert kql_string('a "b" \\ c') == '"a \\"b\\" \\\\ c"'
    assert kibana_check.query_fields('message: "x: y > 3" and a.b >= 1') == ["message", "a.b"]


NASTY = st.sampled_from(['"', "'", "\\", "\n", "{{ x }}", "%{IP}", "${HOME}", "\u2028", "é"])
HOSTILE = st.lists(st.one_of(NASTY, st.text(max_size=6)), min_size=1, max_size=6).map("".join)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(description=HOSTILE)
def test_hostile_class_descriptions_arrive_as_written(description: str) -> None:
    text = PLAN_TEXT.replace(
        "description: Ingress and web access logs (performance, user behaviour)",
        f"description: {json.dumps(description)}",
    )
    try:
        plan = load_plan_text(text).plan
    except PlanError as error:  # text YAML cannot hold (a lone surrogate): refused cleanly
        assert error.problems
        return
    rendered = _text(plan)
    assert len(rendered.splitlines()) == 17
    access = _search(_objects(plan), "access-requests")
    ending = f"Class access: {description}" if description else "Class access."
    assert access["attributes"]["description"].endswith(ending)
    assert _problems(rendered) == []


def test_lint_runs_the_structure_checks_on_the_tree(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    write_tree(out, render_all(DEFAULT))
    assert kibana_check.run(out, DEFAULT) == []
    path = out / kibana.PATH
    path.write_text(path.read_text().replace('"eyewearml-logs-access"', '"eyewearml-logs-acc"', 1))
    found = kibana_check.run(out, DEFAULT)
    assert found and {p.rule for p in found} == {"kibana/reference"}
    assert all(p.line > 0 for p in found)
