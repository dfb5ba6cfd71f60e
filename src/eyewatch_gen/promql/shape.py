"""Which series selectors an expression needs: the set-operator shape of a PromQL expression.

`a and b` needs both sides, `a or b` needs either, `a unless b` needs only `a`, and the
argument of `absent()` is not needed at all (its absence is what fires). Everything else
(arithmetic, comparisons, functions, aggregations) yields nothing when any operand yields
nothing, so it needs every selector it reads.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from eyewatch_gen.promql.selectors import Selector, selectors
from eyewatch_gen.promql.tokens import KEYWORDS, MODIFIERS, Token, closing, tokens

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
    """The needs of `expr`."""
    return _Reader(expr, tokens(expr)).expression(0, len(tokens(expr)))


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
    return _Reader(expr, tokens(expr), everything=True).all_uses()


class _Reader:
    def __init__(self, expr: str, items: tuple[Token, ...], everything: bool = False) -> None:
        self.expr = expr
        self.items = items
        self.everything = everything  # also what is not needed (unless, absent)

    def all_uses(self) -> list[Use]:
        return list(uses(self.expression(0, len(self.items))))

    def expression(self, lo: int, hi: int) -> Node:
        alternatives = []
        for a, b in self._split(lo, hi, {"or"}):
            needed = []
            pieces = self._split(a, b, {"and", "unless"})
            for index, (x, y) in enumerate(pieces):
                if index == 0 or self.everything or self.items[x - 1].word == "and":
                    needed.append(self.atoms(x, y))
            alternatives.append(_one(AllOf, needed))
        return _one(AnyOf, alternatives)

    def _split(self, lo: int, hi: int, words: set[str]) -> list[tuple[int, int]]:
        """Ranges between top-level occurrences of `words` (each range starts after one)."""
        ranges, start, index = [], lo, lo
        while index < hi:
            item = self.items[index]
            if item.kind == "punct" and item.text in "({[":
                index = closing(self.items, index) + 1
                continue
            if item.kind == "name" and item.word in words:
                ranges.append((start, index))
                start = index + 1
            index += 1
        ranges.append((start, hi))
        return ranges

    def atoms(self, lo: int, hi: int) -> Node:
        parts: list[Node] = []
        index = lo
        while index < hi:
            index = self._atom(index, hi, parts)
        return _one(AllOf, parts)

    def _atom(self, index: int, hi: int, parts: list[Node]) -> int:
        item = self.items[index]
        if item.kind == "name":
            return self._word(index, hi, parts)
        if item.text == "{":
            return self._selector(index, index, hi, parts)
        if item.text == "(":
            end = closing(self.items, index)
            parts.append(self.expression(index + 1, end))
            return end + 1
        if item.text == "[":
            return closing(self.items, index) + 1
        return index + 1

    def _word(self, index: int, hi: int, parts: list[Node]) -> int:
        item = self.items[index]
        if item.word in MODIFIERS:
            return self._skip_list(index + 1, hi)
        if item.word in KEYWORDS or item.text.lower() in ("inf", "nan"):
            return index + 1
        return self._name(index, hi, parts)

    def _skip_list(self, index: int, hi: int) -> int:
        if index < hi and self.items[index].text == "(":
            return closing(self.items, index) + 1
        return index

    def _name(self, index: int, hi: int, parts: list[Node]) -> int:
        after = index + 1
        if after < hi and self.items[after].word in ("by", "without"):
            after = self._skip_list(after + 1, hi)
        if after < hi and self.items[after].text == "(":
            end = closing(self.items, after)
            if self.everything or self.items[index].text not in _INVERTED:
                parts.extend(self.expression(a, b) for a, b in self._args(after + 1, end))
            return end + 1
        return self._selector(index, index + 1, hi, parts)

    def _args(self, lo: int, hi: int) -> list[tuple[int, int]]:
        ranges, start, index = [], lo, lo
        while index < hi:
            item = self.items[index]
            if item.kind == "punct" and item.text in "({[":
                index = closing(self.items, index) + 1
                continue
            if item.text == ",":
                ranges.append((start, index))
                start = index + 1
            index += 1
        ranges.append((start, hi))
        return [(a, b) for a, b in ranges if a < b]

    def _selector(self, first: int, brace: int, hi: int, parts: list[Node]) -> int:
        end = brace
        if end < hi and self.items[end].text == "{":
            end = closing(self.items, end) + 1
        text = self.expr[self.items[first].start : self.items[end - 1].end]
        ranged = end < hi and self.items[end].text == "["
        follow = closing(self.items, end) + 1 if ranged else end
        shifted = follow < hi and self.items[follow].word in ("offset", "@")
        found = selectors(text)
        if found:
            start, stop = self.items[first].start, self.items[end - 1].end
            parts.append(Need(Use(found[0], text, start, stop, ranged, shifted)))
        return end


def _one(kind: type[AllOf] | type[AnyOf], parts: list[Node]) -> Node:
    """`kind` of `parts`; nested AllOf flattened into AllOf (needing nothing adds nothing)."""
    if kind is AllOf:
        parts = [p for part in parts for p in (part.parts if isinstance(part, AllOf) else [part])]
    return parts[0] if len(parts) == 1 else kind(tuple(parts))
