"""Which series selectors an expression needs: the set-operator shape of a PromQL expression.

`a and b` needs both sides, `a or b` needs either, `a unless b` needs only `a`, and the
argument of `absent()` is not needed at all (its absence is what fires). Everything else
(arithmetic, comparisons, functions, aggregations) yields nothing when any operand yields
nothing, so it needs every selector it reads.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from eyewatch_gen.promql import parse as tree
from eyewatch_gen.promql.selectors import Selector, selectors

_INVERTED = frozenset({"absent", "absent_over_time"})


@dataclass(frozen=True)
class Use:
    """One selector as written in an expression, and where."""

    selector: Selector
    text: str
    start: int
    end: int
    ranged: bool  # followed by a range `[5m]` (or a subquery)
    shifted: bool  # followed by `offset` or `@`


@dataclass(frozen=True)
class Need:
    """The expression needs this selector to match something."""

    use: Use


@dataclass(frozen=True)
class AllOf:
    """Every part is needed."""

    parts: tuple[Node, ...]


@dataclass(frozen=True)
class AnyOf:
    """One part suffices (the operands of `or`)."""

    parts: tuple[Node, ...]


Node = Need | AllOf | AnyOf


def shape(expr: str) -> Node:
    """The needs of `expr` (ParseError when it is not PromQL)."""
    return _needs(tree.parse(expr), expr, everything=False)


def uses(node: Node) -> Iterator[Use]:
    """Every needed selector occurrence in `node`, in order."""
    if isinstance(node, Need):
        yield node.use
        return
    for part in node.parts:
        yield from uses(part)


def every_use(expr: str) -> list[Use]:
    """Every selector occurrence in `expr`, needed or not (`unless` and `absent()` operands
    too)."""
    return list(uses(_needs(tree.parse(expr), expr, everything=True)))


def _needs(node: tree.Node, expr: str, everything: bool) -> Node:
    """The needs of `node`; `everything` also counts what is not needed (unless, absent)."""
    read = _read(node)
    if read is not None:
        return _need(read, expr)
    if isinstance(node, tree.Binary) and node.op == "or":
        return AnyOf(tuple(_needs(n, expr, everything) for n in _alternatives(node)))
    parts: tuple[tree.Node, ...] = tree.children(node)
    if not everything and isinstance(node, tree.Binary) and node.op == "unless":
        parts = (node.lhs,)
    if not everything and isinstance(node, tree.Call) and node.name in _INVERTED:
        parts = ()
    return _one(AllOf, [_needs(part, expr, everything) for part in parts])


def _alternatives(node: tree.Node) -> list[tree.Node]:
    """The operands of a chain `a or b or c` (not of an `or` in parentheses)."""
    if isinstance(node, tree.Binary) and node.op == "or":
        return [*_alternatives(node.lhs), node.rhs]
    return [node]


def _read(node: tree.Node) -> tuple[tree.Selector, bool, bool] | None:
    """The selector `node` reads directly, whether in a range and whether shifted, or None."""
    shifted = isinstance(node, tree.Shifted)
    while isinstance(node, tree.Shifted):
        node = node.expr
    ranged = isinstance(node, tree.Range | tree.Subquery)
    if isinstance(node, tree.Range):
        node = node.selector
    elif isinstance(node, tree.Subquery):
        node = node.expr
    return (node, ranged, shifted) if isinstance(node, tree.Selector) else None


def _need(read: tuple[tree.Selector, bool, bool], expr: str) -> Node:
    node, ranged, shifted = read
    text = tree.text_of(node, expr)
    found = selectors(text)
    if not found:
        return AllOf(())
    return Need(Use(found[0], text, node.start, node.end, ranged, shifted))


def _one(kind: type[AllOf] | type[AnyOf], parts: list[Node]) -> Node:
    """`kind` of `parts`; nested AllOf flattened into AllOf (needing nothing adds nothing)."""
    if kind is AllOf:
        parts = [p for part in parts for p in (part.parts if isinstance(part, AllOf) else [part])]
    return parts[0] if len(parts) == 1 else kind(tuple(parts))
