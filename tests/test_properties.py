"""Property tests: hostile text in every free-text field is either rejected cleanly or
rendered so that every output still parses and says exactly what the plan said; random valid
plans render to outputs the real tools accept."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar
from logstash_pipeline_parser import Pipeline

from conftest import MINIMAL, require_tool
from eyewatch_gen.checks.logstash_syntax import parse_error
from eyewatch_gen.checks.schemas import errors
from eyewatch_gen.pipeline import render_all
from eyewatch_gen.plan.load import load_plan_text
from eyewatch_gen.problems import PlanError
from eyewatch_gen.writer import write_tree

BASE = MINIMAL.read_text()
NASTY = st.sampled_from(
    [
        '"',
        "'",
        "\\",
        "\n",
        "{{",
        "}}",
        "{% if x %}",
        "${HOME}",
        "%{IP}",
        "---",
        "...",
        ": ",
        "- ",
        "#",
        "&a",
        "*a",
        "!!python/object",
        "é",
        "\u2028",
        "\t",
        "]",
        "[",
        "{",
        "}",
        "|",
        ">",
        "`",
        "\x00",
    ]
)
HOSTILE = st.lists(st.one_of(NASTY, st.text(max_size=8)), max_size=8).map("".join)
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _with(**values: str) -> str:
    """The minimal plan with quoted values substituted (YAML-escaped via JSON)."""
    text = BASE
    for key, value in values.items():
        text = text.replace(f"@{key}@", json.dumps(value))
    return text


def _render(text: str) -> dict[str, bytes] | None:
    try:
        plan = load_plan_text(text).plan
    except PlanError as error:
        assert error.problems  # rejected cleanly, with at least one located problem
        return None
    return {a.path: a.content for a in render_all(plan)}


@FAST
@given(description=HOSTILE, label=HOSTILE)
def test_hostile_annotation_and_label_text_round_trips(description: str, label: str) -> None:
    text = BASE.replace(
        "    labels: {component: api}\n",
        f"    labels: {{component: {json.dumps(label)}}}\n"
        f"    description: {json.dumps(description)}\n",
    )
    files = _render(text)
    if files is None:
        return
    rules = yaml.safe_load(files["prometheus/rules/app.rules.yml"])
    alert = rules["groups"][0]["rules"][0]
    assert alert["labels"]["component"] == label
    assert alert["annotations"]["description"] == (description or "Error ratio > 0.05 for 5m.")
    assert set(alert) == {"alert", "expr", "for", "labels", "annotations"}
    docs = files["docs/alerts.md"].decode()
    assert "ErrorsHigh" in docs


LOGGING = """\
logging:
  output: {hosts: ["https://es:9200"]}
  classes:
    app: {retention: {delete_after: 30d}}
  sources:
    - service: web
      format: json
      class: app
      drop: [{field: "[url][path]", equals: @drop@}]
  security:
    - {name: @rule@, field: "[message]", matches: "denied"}
"""


@FAST
@given(drop=HOSTILE, rule=HOSTILE)
def test_hostile_logstash_values_parse_and_mean_the_same(drop: str, rule: str) -> None:
    text = BASE + LOGGING.replace("@drop@", json.dumps(drop)).replace("@rule@", json.dumps(rule))
    files = _render(text)
    if files is None:
        return
    conf = files["logstash/pipeline/web.conf"].decode()
    assert parse_error(conf) is None, conf
    strings = json.dumps(Pipeline(conf).parse())
    assert json.dumps(drop) in strings and json.dumps(rule) in strings


@FAST
@given(summary=HOSTILE)
def test_hostile_summary_never_executes_as_jinja(summary: str) -> None:
    text = BASE.replace(
        'summary: "{{ $labels.instance }} is down"',
        f"summary: {json.dumps(summary + ' {{ $labels.instance }}')}",
    )
    files = _render(text)
    if files is None:
        return
    docs = files["docs/alerts.md"].decode()
    assert "{% if x %}" not in summary or "{% if x %}" in docs


def _plan(metrics: list[tuple[str, float, str, int, str]]) -> str:
    lines = [BASE.split("metrics:\n")[0], "metrics:\n"]
    for i, (_, _, _, _, unit) in enumerate(metrics):
        lines.append(
            f"  m{i}:\n    area: infra\n    unit: {unit}\n    record: job:m{i}:rate5m\n"
            f"    expr: sum by (job) (rate(x{i}_total[5m]))\n"
            f"    fixture:\n      labels: {{job: j}}\n      series:\n"
            f"        - {{series: 'x{i}_total{{job=\"j\"}}', rate: v}}\n"
        )
    lines.append("alerts:\n")
    for i, (op, threshold, level, minutes, _) in enumerate(metrics):
        lines.append(
            f"  - {{name: A{i}, metric: m{i}, op: '{op}', threshold: {threshold}, "
            f"for: {minutes}m, severity: {level}, summary: 'value {{{{ $value | humanize }}}}'}}\n"
        )
    return "".join(lines)


METRIC = st.tuples(
    st.sampled_from([">", ">=", "<", "<="]),
    st.floats(min_value=0.05, max_value=500, allow_nan=False).map(lambda f: round(f, 3)),
    st.sampled_from(["P1", "P2", "P3", "P4"]),
    st.integers(0, 15),
    st.sampled_from(["short", "reqps"]),
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(METRIC, min_size=1, max_size=6))
def test_random_valid_plans_pass_the_real_tools(
    tmp_path_factory: Any, metrics: list[tuple[str, float, str, int, str]]
) -> None:
    promtool, amtool = require_tool("promtool"), require_tool("amtool")
    out = tmp_path_factory.mktemp("random") / "generated"
    write_tree(out, render_all(load_plan_text(_plan(metrics)).plan))
    rules = sorted((out / "prometheus/rules").glob("*.yml"))
    tests = sorted((out / "prometheus/tests").glob("*.yml"))
    for command in (
        [promtool, "check", "rules", *rules],
        [promtool, "test", "rules", *tests],
        [amtool, "check-config", out / "alertmanager/alertmanager.yml"],
    ):
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        assert result.returncode == 0, (metrics, result.stdout, result.stderr)
    for path in (out / "grafana/dashboards").glob("*.json"):
        assert errors("grafana-dashboard.json", json.loads(path.read_text())) == []


def test_plan_paths_cannot_escape(tmp_path: Path) -> None:
    """Secret file references must be absolute paths without `..`; nothing else is a path."""
    text = BASE.replace("/etc/alertmanager/secrets/pd", "/etc/../../root/.ssh/id_rsa")
    try:
        load_plan_text(text)
    except PlanError as error:
        assert any("routing_key_file" in p.path for p in error.problems)
    else:
        raise AssertionError("a path with .. was accepted")


@FAST
@given(done=HOSTILE, step=HOSTILE)
def test_hostile_routine_and_guide_text_reaches_the_calendar_and_pages_verbatim(
    done: str, step: str
) -> None:
    text = BASE + (
        "maintenance:\n  routines:\n"
        "    - {name: check, title: Check, cadence: daily, owner: ops, "
        f"done: {json.dumps(done)}}}\n"
        "runbooks:\n  base_url: https://docs.shop.example/\n  guides:\n"
        f"    g: {{title: G, steps: [{json.dumps(step)}], applies_to: [{{kinds: [raw]}}]}}\n"
    )
    files = _render(text)
    if files is None:
        return
    (event,) = Calendar.from_ical(files["calendar/maintenance.ics"]).walk("VEVENT")
    # line breaks are the one thing normalised (icalendar writes a CR as an escaped newline)
    assert f"Done when: {_newlines(done)}" in str(event["description"])
    first_line = next(iter(step.splitlines()), "")  # the pages break lines as str does
    assert first_line in files["docs/runbooks/g.md"].decode()
    assert first_line in files["docs/runbooks/Down.md"].decode()
