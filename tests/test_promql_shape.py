"""Which selectors an expression needs (`promql.shape`) and PromQL modulo formatting
(`promql.canonical`): the structural questions `verify` asks without a full parser."""

from __future__ import annotations

import pytest

from eyewatch_gen.promql.canonical import canonical, same
from eyewatch_gen.promql.shape import AllOf, AnyOf, Node, every_use, shape, uses
from eyewatch_gen.promql.tokens import LexError, tokens


def _needs(node: Node) -> object:
    """The shape with selectors as their text: ("all", ...), ("any", ...) or "text"."""
    if isinstance(node, AllOf):
        return ("all", *map(_needs, node.parts))
    if isinstance(node, AnyOf):
        return ("any", *map(_needs, node.parts))
    return node.use.text


@pytest.mark.parametrize(
    ("expr", "needs"),
    [
        ('up{job="a"} == 0', 'up{job="a"}'),
        ("a / on (x) group_left (y) b", ("all", "a", "b")),
        ("a and b", ("all", "a", "b")),
        ("a or b", ("any", "a", "b")),
        ("a unless on (x) b", "a"),
        ("a unless b and c", ("all", "a", "c")),
        ("count(a) or vector(0)", ("any", "a", ("all",))),
        ('absent(up{job="x"})', ("all",)),
        ("sum by (job) (rate(a[5m])) > 1", "a"),
        ("max(a > 1) without (w) and max(b[1h])", ("all", "a", "b")),
        ("x - (x offset 15m or x * 0)", ("all", "x", ("any", "x", "x"))),
        ('{__name__="m", j="k"} == 0', '{__name__="m", j="k"}'),
        ('label_replace(a, "d", "$1", "s", "(.*)")', "a"),
        ("histogram_quantile(0.9, sum by (le) (rate(h_bucket[5m])))", "h_bucket"),
    ],
    ids=[
        "one-selector",
        "arithmetic-needs-both",
        "and-needs-both",
        "or-needs-either",
        "unless-needs-the-left",
        "unless-binds-tighter-than-or",
        "or-vector-always-yields",
        "absent-needs-nothing",
        "aggregation-grouping-is-no-selector",
        "postfix-grouping",
        "offset-fallback",
        "name-matcher",
        "string-arguments",
        "function-arguments",
    ],
)
def test_shape(expr: str, needs: object) -> None:
    assert _needs(shape(expr)) == needs


def test_uses_are_located_and_flag_ranges_and_offsets() -> None:
    expr = 'rate(a{x="1"}[5m] offset 1h) + b'
    found = list(uses(shape(expr)))
    assert [(u.text, u.ranged, u.shifted) for u in found] == [
        ('a{x="1"}', True, True),
        ("b", False, False),
    ]
    assert expr[found[0].start : found[0].end] == 'a{x="1"}'


def test_every_use_includes_what_is_not_needed() -> None:
    assert [u.text for u in every_use("a unless b or absent(c)")] == ["a", "b", "c"]


def test_a_character_promql_does_not_have_is_a_lex_error() -> None:
    with pytest.raises(LexError, match="unexpected '\\?'"):
        tokens("a ? b")


@pytest.mark.parametrize(
    ("written", "printed"),
    [
        ('rate(x{a="1", b="2"}[7d])', 'rate(x{a="1",b="2"}[1w])'),
        ('x{b="2", a="1"}', 'x{a="1",b="2"}'),
        ("max(x > (3.0 * 0.001)) without (w)", "max without (w) (x > (3 * 0.001))"),
        ("a * on (x) group_left b", "a * on (x) group_left () b"),
        ("a + ignoring () b", "a + b"),
        ("x{}", "x"),
        ("x{a='1',}", 'x{a="1"}'),
        ("a AND b", "a and b"),
        ("1e3 < x # a comment\n", "1000 < x"),
        ("rate(x[90s])", "rate(x[1m30s])"),
    ],
    ids=[
        "spacing-and-weeks",
        "matcher-order",
        "postfix-grouping-and-numbers",
        "group-left-list",
        "empty-ignoring",
        "empty-braces",
        "quotes-and-trailing-comma",
        "keyword-case",
        "comment-and-exponent",
        "durations",
    ],
)
def test_canonical_equates_formatting(written: str, printed: str) -> None:
    assert same(written, printed)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("a - b", "b - a"),
        ("x > 0.8", "x > 0.85"),
        ('x{a="1"}', 'x{a="2"}'),
        ("rate(x[5m])", "rate(x[10m])"),
        ("sum by (a) (x)", "sum by (b) (x)"),
        ("a and b", "a or b"),
    ],
    ids=["operands", "threshold", "label-value", "window", "grouping", "operator"],
)
def test_canonical_tells_changes_apart(left: str, right: str) -> None:
    assert canonical(left) != canonical(right)
