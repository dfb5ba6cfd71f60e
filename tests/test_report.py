"""Reporters: every format shows a problem's position the same way, and GitHub annotations
carry file, line and column as workflow commands expect them."""

from __future__ import annotations

import json
import re
import sys

import pytest

from eyewatch_gen.problems import Problem
from eyewatch_gen.report import as_json, github, plain, table

IN_PLAN = Problem(
    "plans/plan.yaml", 12, 3, "channels.spare", "not used", "plan/unused-channel", "warning"
)
WITH_LINE = Problem.in_file(
    "generated/prometheus/rules/app.rules.yml", "bad expr", "promtool/check-rules", line=5
)
NO_LINE = Problem.in_file("generated/grafana/dashboards", "cpu is on no dashboard", "cross/m")
PROBLEMS = [IN_PLAN, WITH_LINE, NO_LINE]


@pytest.mark.parametrize(
    ("problem", "position"),
    [
        (IN_PLAN, "plans/plan.yaml:12:3"),
        (WITH_LINE, "generated/prometheus/rules/app.rules.yml:5"),
        (NO_LINE, "generated/grafana/dashboards"),
    ],
    ids=["line-and-column", "line-only", "file-only"],
)
def test_position_leaves_out_what_is_unknown(problem: Problem, position: str) -> None:
    assert problem.position() == position


def test_plain_is_the_render_of_each_problem() -> None:
    assert plain(PROBLEMS, ["policy"]).splitlines() == [
        "plans/plan.yaml:12:3: warning: channels.spare: not used (plan/unused-channel)",
        "generated/prometheus/rules/app.rules.yml:5: error: bad expr (promtool/check-rules)",
        "generated/grafana/dashboards: error: cpu is on no dashboard (cross/m)",
    ]


def test_json_carries_every_position_field() -> None:
    data = json.loads(as_json(PROBLEMS, ["policy", "cross"]))
    assert data["checks"] == ["policy", "cross"]
    assert data["findings"][0] == {
        "file": "plans/plan.yaml",
        "line": 12,
        "column": 3,
        "position": "plans/plan.yaml:12:3",
        "level": "warning",
        "rule": "plan/unused-channel",
        "path": "channels.spare",
        "message": "not used",
    }
    assert [f["position"] for f in data["findings"]] == [p.position() for p in PROBLEMS]


def test_github_annotations_name_file_line_and_column() -> None:
    assert github(PROBLEMS, []).splitlines() == [
        "::warning file=plans/plan.yaml,line=12,col=3,title=plan/unused-channel"
        "::channels.spare: not used",
        "::error file=generated/prometheus/rules/app.rules.yml,line=5,"
        "title=promtool/check-rules::bad expr",
        "::error file=generated/grafana/dashboards,title=cross/m::cpu is on no dashboard",
    ]


def test_github_escapes_properties_and_message() -> None:
    odd = Problem.in_file("a,b:c.yml", "50% of\nlines", "x/y")
    assert github([odd], []) == "::error file=a%2Cb%3Ac.yml,title=x/y::50%25 of%0Alines\n"


def test_table_off_a_terminal_is_plain(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: False)
    assert table(PROBLEMS, ["policy"]) == plain(PROBLEMS)


def test_table_on_a_terminal_shows_positions_and_a_verdict(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.setenv("COLUMNS", "200")
    text = re.sub(r"\x1b\[[0-9;]*m", "", table(PROBLEMS, ["policy", "cross"]))
    for problem in PROBLEMS:
        assert problem.position() in text
    assert "2 checks: 2 errors, 1 warnings" in text


def test_json_gives_null_for_an_unknown_line_and_column() -> None:
    data = json.loads(as_json([Problem.in_file("generated/x.yml", "m", "x/y")], []))
    assert data["findings"][0]["line"] is None and data["findings"][0]["column"] is None
    assert data["findings"][0]["position"] == "generated/x.yml"
