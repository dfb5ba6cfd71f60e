"""The blind-alert verdicts (`verify.blind`) and the deployed-rules comparison
(`verify.compare`) on answers given by hand, without a server."""

from __future__ import annotations

from typing import Any

import pytest

from eyewatch_gen.plan.rules import RecordingRule
from eyewatch_gen.verify.blind import Judge, Verdict
from eyewatch_gen.verify.compare import compare
from eyewatch_gen.verify.facts import Facts, Targets

ERRORS = 'sum by (service) (rate(errs{job="app"}[5m]))'
RECORDS = {"slo:errors": [RecordingRule("slo:errors", ERRORS, "e", {"slo": "a"})]}
FACTS = Facts(
    jobs={"app": Targets(3, 2), "db": Targets(2, 0)},
    rows={
        ("errs", ("job",)): [{"job": "app"}],
        ("up", ("job",)): [{"job": "app"}, {"job": "db"}],
        ("http_total", ("code",)): [{"code": "200"}, {"code": "500"}],
        ("x", ()): [{}],
        ("missing", ()): [],
        (ERRORS, ("service",)): [{"service": "api"}],
    },
    errors={("slow", ()): "timeout: query timed out"},
)


def _judge(expr: str) -> Verdict:
    return Judge(RECORDS, FACTS).expression(expr)


@pytest.mark.parametrize(
    ("expr", "state", "why"),
    [
        ("x > 1", "ok", ""),
        ('errs{job="app"} > 0', "degraded", "job app: 1 of 3 targets down"),
        ('up{job="db"} == 0', "blind", 'up{job="db"}: all 2 targets of job db are down'),
        ('up{job="web"} == 0', "blind", 'up{job="web"}: job web has no targets'),
        ("missing > 1", "blind", "missing: metric unknown"),
        (
            'http_total{code="503"}',
            "blind",
            'http_total{code="503"}: label value never seen: code="503" (seen: 200, 500)',
        ),
        ('http_total{code!~"2..|5.."}', "blind", 'http_total{code!~"2..|5.."}: label value'),
        ("x or missing", "ok", ""),
        ("missing or missing * 2", "blind", "missing: metric unknown"),
        ("x unless missing", "ok", ""),
        ("absent(missing)", "ok", ""),
        ("slow > 1", "unchecked", "slow: timeout: query timed out"),
        ('slo:errors{slo="a"} > 1', "degraded", "job app: 1 of 3 targets down (via slo:errors)"),
        ('slo:errors{slo="b"} > 1', "blind", "no recording rule slo:errors has these labels"),
        (
            'slo:errors{slo="a", service="web"} > 1',
            "blind",
            'label value never seen: service="web" (seen: api)',
        ),
    ],
    ids=[
        "ok",
        "some-targets-down",
        "all-targets-down",
        "job-without-targets",
        "metric-unknown",
        "label-value-never-seen",
        "regex-never-matching",
        "or-one-side-suffices",
        "or-both-sides-missing",
        "unless-right-side-not-needed",
        "absent-fires-on-nothing",
        "query-failed",
        "record-followed-to-its-source",
        "record-static-label-mismatch",
        "record-label-never-produced",
    ],
)
def test_verdicts(expr: str, state: str, why: str) -> None:
    verdict = _judge(expr)
    assert verdict.state == state
    assert why in verdict.why()


def _rule(name: str, expr: str, **extra: Any) -> dict[str, Any]:
    return {"alert": name, "expr": expr, "labels": {"severity": "P2"}, **extra}


def _loaded(name: str, query: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": "alerting",
        "name": name,
        "query": query,
        "duration": 0,
        "labels": {"severity": "P2"},
        "annotations": {},
        "health": "ok",
        **extra,
    }


def test_compare_names_what_differs_and_what_is_extra() -> None:
    generated = [
        ("prometheus/rules/app.rules.yml", {"name": "shop-app", "rules": [_rule("A", "x > 1")]}),
        ("prometheus/rules/db.rules.yml", {"name": "shop-db", "rules": [_rule("B", "y > 1")]}),
    ]
    loaded: list[dict[str, Any]] = [
        {"name": "shop-app", "file": "/etc/r/app.rules.yml", "rules": [_loaded("A", "x > 1")]},
        {
            "name": "shop-db",
            "file": "/etc/r/db.rules.yml",
            "rules": [
                _loaded("B", "y > 2", duration=300, health="err", lastError="many-to-many"),
                _loaded("C", "z"),
            ],
        },
        {"name": "shop-old", "file": "/etc/r/old.rules.yml", "rules": []},
        {"name": "someone-else", "file": "/etc/r/other.yml", "rules": []},
    ]
    checks, errors = compare(generated, loaded, "shop")
    states = {c.name: (c.state, c.details) for c in checks}
    assert states == {
        "shop-app": ("in sync", ()),
        "shop-db": (
            "stale",
            (
                "C: loaded but no longer generated",
                "B: expression differs (loaded: y > 2)",
                "B: for 0s, loaded 5m",
            ),
        ),
        "shop-old": ("extra", ("no longer generated",)),
    }
    assert [(e.group, e.rule, e.error) for e in errors] == [("shop-db", "B", "many-to-many")]
