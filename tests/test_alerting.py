"""The typed alerting view: matchers, the one route simulator, inhibition, and reading a
generated alertmanager.yml back into the same types."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conftest import MINIMAL, PLANS, ROOT
from eyewatch_gen.plan.alerting import (
    InhibitRule,
    Matcher,
    Route,
    alerting,
    default_receiver,
    level_routes,
    parse_config,
    walk,
)
from eyewatch_gen.plan.environments import variant
from eyewatch_gen.plan.load import load_plan, load_plan_text
from eyewatch_gen.plan.model import Plan
from eyewatch_gen.targets import alertmanager

DEFAULT = load_plan(ROOT / "plan.yaml").plan
AREA_WINDOW = """
teams:
  platform: {notify: {P3: [tickets]}}
maintenance_windows:
  - name: infra-upgrade
    weekdays: [saturday]
    mute: [P3]
    areas: [infra]
"""


def _plans() -> dict[str, Plan]:
    two_teams = load_plan(ROOT / "examples/two-teams/plan.yaml").plan
    plans = {
        "plan.yaml": DEFAULT,
        "area-window": load_plan_text(MINIMAL.read_text() + AREA_WINDOW).plan,
    }
    plans |= {f"two-teams/{env}": variant(two_teams, env) for env in two_teams.environments}
    return plans | {p.stem: load_plan(p).plan for p in PLANS.glob("*.yaml")}


PLANS_BY_NAME = _plans()


@pytest.mark.parametrize(
    ("matcher", "labels", "expected"),
    [
        (Matcher("x", "=~", ".+"), {}, False),
        (Matcher("x", "=", ""), {}, True),
        (Matcher("x", "!=", "a"), {"x": "b"}, True),
        (Matcher("x", "=~", "a|b"), {"x": "ab"}, False),
        (Matcher("x", "!~", "a|b"), {"x": "ab"}, True),
        (Matcher("x", "=", 'a"b'), {"x": 'a"b'}, True),
    ],
    ids=[
        "regex-needs-a-value",
        "missing-is-empty",
        "not-equal",
        "regex-anchored",
        "not-regex",
        "quote-in-value",
    ],
)
def test_matcher_matches_as_alertmanager(
    matcher: Matcher, labels: dict[str, str], expected: bool
) -> None:
    assert matcher.matches(labels) is expected


def test_matcher_text_escapes_and_parses_back() -> None:
    matcher = Matcher("a", "=", 'x"y\\z\nw')
    assert matcher.text() == 'a="x\\"y\\\\z\\nw"'
    assert Matcher.parse(matcher.text()) == matcher
    assert Matcher.parse(' team =~ "a|b" ') == Matcher("team", "=~", "a|b")
    with pytest.raises(ValueError, match="cannot read the matcher 'severity P1'"):
        Matcher.parse("severity P1")


def test_route_follows_alertmanager_order_and_inherits_the_receiver() -> None:
    tree = Route(
        receiver="default",
        routes=(
            Route(
                (Matcher("severity", "=", "P1"),),
                "pager",
                routes=(Route((Matcher("team", "=~", "a|b"),), "team-pager"),),
            ),
            Route((Matcher("area", "=", "db"),), mute_time_intervals=("patching",)),
            Route((Matcher("severity", "!=", "P1"),), "mail"),
        ),
    )
    assert walk(tree, {"severity": "P1", "team": "a"}).receiver == "team-pager"
    assert walk(tree, {"severity": "P1", "team": "c"}).receiver == "pager"
    assert walk(tree, {"severity": "P3"}).receiver == "mail"
    in_db = walk(tree, {"severity": "P3", "area": "db"})
    assert (in_db.receiver, in_db.mute_time_intervals) == ("default", ("patching",))
    assert walk(tree, {"severity": "P1", "team": "a"}).matchers == (
        Matcher("severity", "=", "P1"),
        Matcher("team", "=~", "a|b"),
    )


def test_inhibition_needs_source_target_and_equal_labels() -> None:
    rule = InhibitRule(
        (Matcher("severity", "=", "P1"),), (Matcher("severity", "=", "P2"),), ("service",)
    )
    page = {"severity": "P1", "service": "checkout"}
    assert rule.inhibits(page, {"severity": "P2", "service": "checkout"})
    assert not rule.inhibits(page, {"severity": "P2", "service": "search"})
    assert not rule.inhibits({"severity": "P3", "service": "checkout"}, page)
    view = alerting(DEFAULT)
    assert view.inhibited({"severity": "P3", "service": "checkout"}, [page])
    assert not view.inhibited({"severity": "P3", "service": "checkout"}, [])


@pytest.mark.parametrize("name", sorted(PLANS_BY_NAME))
def test_every_level_route_is_what_the_tree_routes_to(name: str) -> None:
    """The routing tests' expectations (level routes) agree with the simulated tree, inside and
    outside areas a maintenance window narrows to."""
    plan = PLANS_BY_NAME[name]
    view = alerting(plan)
    areas = ["", *plan.areas]
    for route in level_routes(plan):
        for area in areas:
            labels = {"severity": route.level, "team": route.team or "nobody", "area": area}
            assert view.route(labels).receiver == route.receiver, (labels, name)
    assert view.route({"severity": "P9"}).receiver == default_receiver(plan)


def test_an_area_window_mutes_only_its_areas_and_keeps_team_routes() -> None:
    view = alerting(PLANS_BY_NAME["area-window"])
    for team, receiver in (("platform", "shop-platform-p3"), ("other", "shop-p3")):
        inside = view.route({"severity": "P3", "area": "infra", "team": team})
        outside = view.route({"severity": "P3", "area": "app", "team": team})
        assert inside.mute_time_intervals == ("infra-upgrade",)
        assert outside.mute_time_intervals == ()
        assert inside.receiver == outside.receiver == receiver


@pytest.mark.parametrize("name", sorted(PLANS_BY_NAME))
def test_reading_the_generated_file_back_gives_the_same_config(name: str) -> None:
    data = alertmanager.config(PLANS_BY_NAME[name])
    assert alertmanager.serialise(parse_config(data)) == data


def test_the_committed_file_reads_as_the_plan_routes_it() -> None:
    deployed = parse_config(yaml.safe_load((ROOT / "generated" / alertmanager.PATH).read_text()))
    planned = alerting(DEFAULT)
    assert deployed.root == planned.root
    assert deployed.inhibit_rules == planned.inhibit_rules
    assert [r.name for r in deployed.receivers] == [r.name for r in planned.receivers]


def test_the_view_is_computed_once_per_plan() -> None:
    assert alerting(DEFAULT) is alerting(DEFAULT)


def test_an_unreadable_matcher_in_the_file_is_a_cross_finding(tmp_path: Path) -> None:
    from eyewatch_gen.checks import cross

    config = alertmanager.config(DEFAULT)
    config["route"]["routes"][0]["matchers"] = ["severity P1"]
    (tmp_path / "alertmanager").mkdir()
    (tmp_path / alertmanager.PATH).write_text(yaml.safe_dump(config))
    findings = cross.run(tmp_path, DEFAULT)
    assert [(f.file, f.rule) for f in findings if f.rule == "cross/routing"] == [
        ("alertmanager/alertmanager.yml", "cross/routing")
    ]
