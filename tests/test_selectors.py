"""Selector parsing and matching, used to pack generated tests into few promtool groups."""

from __future__ import annotations

import pytest

from eyewatch_gen.plan.selectors import (
    Selector,
    SelectorIndex,
    SeriesIndex,
    parse_series,
    selectors,
)


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ('up{job="a"} == 0', [Selector("up", (("job", "=", "a"),))]),
        (
            "sum by (job) (rate(x_total[5m])) / on (job) y",
            [Selector("x_total", ()), Selector("y", ())],
        ),
        (
            'rate(a{b=~"c|d", e!="f"}[1m]) offset 1w',
            [Selector("a", (("b", "=~", "c|d"), ("e", "!=", "f")))],
        ),
        ('{__name__="m", x="y"}', [Selector("m", (("x", "=", "y"),))]),
        ('absent(m{q="a}b"})', [Selector("m", (("q", "=", "a}b"),))]),
        ("histogram_quantile(0.9, sum by (le) (rate(h_bucket[5m])))", [Selector("h_bucket", ())]),
    ],
    ids=[
        "equality",
        "grouping-and-on",
        "regex-and-offset",
        "name-matcher",
        "brace-in-string",
        "functions",
    ],
)
def test_selectors(expr: str, expected: list[Selector]) -> None:
    assert list(selectors(expr)) == expected


def test_matching_and_indexes() -> None:
    name, labels = parse_series('x{job="a", code="500"}')
    assert (name, labels) == ("x", {"job": "a", "code": "500"})
    index = SelectorIndex()
    index.add(Selector("x", (("job", "=", "a"), ("code", "=~", "5.."))), "errors")
    index.add(Selector("x", (("job", "=", "b"),)), "other")
    index.add(Selector("x", ()), "all")
    assert sorted(index.matching("x", labels)) == ["all", "errors"]
    assert sorted(index.matching("x", None)) == ["all", "errors", "other"]
    series = SeriesIndex()
    series.add(name, labels)
    assert series.selected_by(Selector("x", (("job", "=", "a"),)))
    assert not series.selected_by(Selector("x", (("job", "=", "b"),)))
    assert series.contains("x", {"job": "a", "code": "500"})
