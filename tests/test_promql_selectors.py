"""Selectors, windows and indexes (`promql.selectors`, `promql.windows`, `promql.index`), used to
pack generated tests into few promtool groups and to find the scrape job a metric reads."""

from __future__ import annotations

import pytest

from eyewatch_gen.promql.index import SelectorIndex, SeriesIndex
from eyewatch_gen.promql.labels import parse_series
from eyewatch_gen.promql.selectors import Selector, first_equality, selectors
from eyewatch_gen.promql.windows import offsets, range_windows


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


@pytest.mark.parametrize(
    ("expr", "job"),
    [
        ('sum(rate(x{job="api", code="500"}[5m]))', "api"),
        ('x{job=~"api|web"} / y{job="db"}', "db"),
        ('x{job=""}', None),
        ('x{kube_job="a"}', None),
    ],
    ids=["first-selector", "regex-skipped", "empty-skipped", "other-label"],
)
def test_first_equality(expr: str, job: str | None) -> None:
    assert first_equality(expr, "job") == job


def test_windows_and_offsets() -> None:
    expr = "rate(a[5m]) + max_over_time(b[ 1h :5m ]) offset 1w - c offset -2m"
    assert range_windows(expr) == ["5m", "1h"]
    assert offsets(expr) == ["1w", "-2m"]
    assert selectors(expr) == (Selector("a", ()), Selector("b", ()), Selector("c", ()))


def test_label_values_that_look_like_windows_or_groupings_are_read_intact() -> None:
    (selector,) = selectors('rate(x{a="[5m]", b="on (c)", c="by(d)"}[5m])')
    assert selector.matchers == (("a", "=", "[5m]"), ("b", "=", "on (c)"), ("c", "=", "by(d)"))
