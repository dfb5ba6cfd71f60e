"""The PromQL parser: Prometheus's precedence and modifiers, and exact spans of every node."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from eyewatch_gen.promql.parse import (
    Aggregation,
    Binary,
    Call,
    Node,
    Number,
    Paren,
    ParseError,
    Range,
    Selector,
    Shifted,
    String,
    Subquery,
    Unary,
    parse,
    text_of,
)


def shape(node: Node) -> str:
    """A compact s-expression of the tree, to compare structures."""
    return _SHAPES[type(node)](node)


def _selector(node: Node) -> str:
    assert isinstance(node, Selector)
    inner = ",".join(f"{k}{op}{v}" for k, op, v in node.matchers)
    return f"{node.name}{{{inner}}}" if inner else node.name


def _wrapped(node: Node) -> str:
    assert isinstance(node, Paren | Unary)
    return f"({getattr(node, 'op', '')}{shape(node.expr)})"


def _aggregation(node: Node) -> str:
    assert isinstance(node, Aggregation)
    grouping = f" {'without' if node.without else 'by'}({','.join(node.labels)})"
    param = f"{shape(node.param)}, " if node.param else ""
    return f"{node.op}{grouping if node.labels or node.without else ''}({param}{shape(node.expr)})"


def _binary(node: Node) -> str:
    assert isinstance(node, Binary)
    modifiers = " bool" if node.returns_bool else ""
    if node.matching.labels or node.matching.on:
        modifiers += (
            f" {'on' if node.matching.on else 'ignoring'}({','.join(node.matching.labels)})"
        )
    if node.matching.card in ("many-to-one", "one-to-many"):
        side = "group_left" if node.matching.card == "many-to-one" else "group_right"
        modifiers += f" {side}({','.join(node.matching.include)})"
    return f"[{shape(node.lhs)} {node.op}{modifiers} {shape(node.rhs)}]"


_SHAPES: dict[type[Node], Callable[[Node], str]] = {
    Number: lambda n: f"{n.value:g}",  # type: ignore[attr-defined]
    String: lambda n: repr(n.value),  # type: ignore[attr-defined]
    Selector: _selector,
    Range: lambda n: f"{shape(n.selector)}[{n.window}]",  # type: ignore[attr-defined]
    Subquery: lambda n: f"{shape(n.expr)}[{n.window}:{n.step}]",  # type: ignore[attr-defined]
    Shifted: lambda n: f"{shape(n.expr)}@{n.offset}",  # type: ignore[attr-defined]
    Paren: _wrapped,
    Unary: _wrapped,
    Call: lambda n: f"{n.name}({', '.join(shape(a) for a in n.args)})",  # type: ignore[attr-defined]
    Aggregation: _aggregation,
    Binary: _binary,
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a + b * c", "[a + [b * c]]"),
        ("a - b - c", "[[a - b] - c]"),
        ("2 ^ 3 ^ 2", "[2 ^ [3 ^ 2]]"),
        ("-2 ^ 2", "(-[2 ^ 2])"),
        ("a > 5 and b or c unless d", "[[[a > 5] and b] or [c unless d]]"),
        ("a > bool 1", "[a > bool 1]"),
        ("a / on(x, y) group_left(z) b", "[a / on(x,y) group_left(z) b]"),
        ("a * ignoring(code) group_right b", "[a * ignoring(code) group_right() b]"),
        ("a OR b AND c", "[a or [b and c]]"),
        ('sum by (job) (rate(x{code=~"5.."}[5m]))', "sum by(job)(rate(x{code=~5..}[5m]))"),
        ("sum(rate(x[5m])) by (job)", "sum by(job)(rate(x[5m]))"),
        ("SUM WITHOUT (cpu) (x)", "sum without(cpu)(x)"),
        ("topk(3, x)", "topk(3, x)"),
        (
            "histogram_quantile(0.9, sum by (le) (x_bucket))",
            "histogram_quantile(0.9, sum by(le)(x_bucket))",
        ),
        ("max_over_time(rate(x[5m])[1h:])", "max_over_time(rate(x[5m])[1h:])"),
        ("x offset -5m", "x@-5m"),
        ('{__name__="up", job="a"}', "up{job=a}"),
        ("x > Inf", "[x > inf]"),
        ("label_replace(x, 'a', '$1', 'b', '(.*)')", "label_replace(x, 'a', '$1', 'b', '(.*)')"),
        ("# a comment\nup == 0", "[up == 0]"),
    ],
)
def test_expressions_parse_with_prometheus_precedence(text: str, expected: str) -> None:
    assert shape(parse(text)) == expected


def test_every_node_knows_the_text_it_was_read_from() -> None:
    text = '100 - (avg by (instance) (rate(cpu{mode="idle"}[2m])) * 100) > 80 and on (instance) up'
    node = parse(text)
    assert isinstance(node, Binary) and isinstance(node.lhs, Binary)
    assert text_of(node.lhs.lhs, text) == (
        '100 - (avg by (instance) (rate(cpu{mode="idle"}[2m])) * 100)'
    )
    assert text_of(node.rhs, text) == "up"


@pytest.mark.parametrize("text", ["sum(x", "x{a=}", "x[5m", "(x))", "x y", "rate(1)[5m]"])
def test_what_cannot_be_read_is_a_parse_error_with_a_position(text: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse(text)
    assert 0 <= caught.value.position <= len(text)
