"""A PromQL parser: an expression's shape, and whether it is grammatical.

`parse(text)` gives a tree of frozen nodes, each with the span of `text` it was read from
(`text[node.start:node.end]`), so a part of an expression can be written back exactly as its
author wrote it. It follows Prometheus's grammar (operator precedence, `bool`, `on`,
`ignoring`, `group_left`, `group_right`, `by`/`without` before or after the aggregated
expression, subqueries, `offset`, `@`) over the tokens of `tokens`; function names and
argument types are `validity`'s.
Grammar: https://prometheus.io/docs/prometheus/latest/querying/basics/
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from eyewatch_gen.promql.tokens import AGGREGATIONS, Token, string_value, tokens
from eyewatch_gen.promql.tokens import ParseError as ParseError  # noqa: PLC0414 (re-exported)

Matcher = tuple[str, str, str]  # label, operator (= != =~ !~), unescaped value

_PARAMETRIC = frozenset({"topk", "bottomk", "quantile", "count_values", "limitk", "limit_ratio"})
COMPARISONS = frozenset({"==", "!=", ">", "<", ">=", "<="})
SET_OPERATORS = frozenset({"and", "or", "unless"})
_PRECEDENCE = {
    "or": 1,
    "and": 2,
    "unless": 2,
    **dict.fromkeys(COMPARISONS, 3),
    "+": 4,
    "-": 4,
    "*": 5,
    "/": 5,
    "%": 5,
    "atan2": 5,
    "^": 6,
}


@dataclass(frozen=True)
class Node:
    """Any expression; `start`/`end` delimit its text."""

    start: int
    end: int


@dataclass(frozen=True)
class Number(Node):
    """A number literal."""

    value: float


@dataclass(frozen=True)
class String(Node):
    """A string literal (unescaped)."""

    value: str


@dataclass(frozen=True)
class Selector(Node):
    """An instant vector selector `name{matchers}`."""

    name: str
    matchers: tuple[Matcher, ...]


@dataclass(frozen=True)
class Range(Node):
    """A range vector selector `selector[window]`."""

    selector: Selector
    window: str


@dataclass(frozen=True)
class Subquery(Node):
    """`expr[window:step]`."""

    expr: Node
    window: str
    step: str


@dataclass(frozen=True)
class Shifted(Node):
    """`expr offset 1h` or `expr @ t`: the same values from another time."""

    expr: Node
    offset: str


@dataclass(frozen=True)
class Call(Node):
    """A function call."""

    name: str
    args: tuple[Node, ...]


@dataclass(frozen=True)
class Aggregation(Node):
    """`op by (labels) (expr)`; `without` means the labels are dropped instead."""

    op: str
    expr: Node
    param: Node | None
    labels: tuple[str, ...]
    without: bool


@dataclass(frozen=True)
class Unary(Node):
    """`-expr`."""

    op: str
    expr: Node


@dataclass(frozen=True)
class Paren(Node):
    """`(expr)`."""

    expr: Node


@dataclass(frozen=True)
class Matching:
    """Vector matching of a binary operation: `on`/`ignoring` labels and the cardinality
    (`one-to-one`, `many-to-one` for group_left, `one-to-many` for group_right)."""

    on: bool
    labels: tuple[str, ...]
    card: str = "one-to-one"
    include: tuple[str, ...] = ()


@dataclass(frozen=True)
class Binary(Node):
    """`lhs op rhs`, with `bool` and vector matching modifiers."""

    op: str
    lhs: Node
    rhs: Node
    returns_bool: bool = False
    matching: Matching = Matching(False, ())


@lru_cache(maxsize=4096)
def parse(text: str) -> Node:
    """The expression tree of `text`; ParseError when it cannot be read."""
    parser = _Parser(text)
    node = parser.expression(0)
    if parser.peek().kind != "end":
        token = parser.peek()
        raise ParseError(f"unexpected {token.text!r}", token.start)
    return node


def text_of(node: Node, text: str) -> str:
    """The part of `text` that `node` was read from."""
    return text[node.start : node.end]


def walk(node: Node) -> list[Node]:
    """`node` and every node below it, parents first."""
    found = [node]
    for child in children(node):
        found += walk(child)
    return found


def children(node: Node) -> tuple[Node, ...]:
    """The nodes directly below `node`."""
    if isinstance(node, Range):
        return (node.selector,)
    if isinstance(node, Subquery | Shifted | Paren | Unary):
        return (node.expr,)
    if isinstance(node, Call):
        return node.args
    if isinstance(node, Aggregation):
        return (node.expr,) if node.param is None else (node.param, node.expr)
    if isinstance(node, Binary):
        return (node.lhs, node.rhs)
    return ()


class _Parser:
    """Recursive descent with precedence climbing over the token list."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = (*tokens(text), Token("end", "", len(text), len(text)))
        self.index = 0

    def peek(self, ahead: int = 0) -> Token:
        return self.tokens[min(self.index + ahead, len(self.tokens) - 1)]

    def take(self) -> Token:
        token = self.peek()
        self.index += 1
        return token

    def expect(self, text: str) -> Token:
        token = self.take()
        if token.text != text:
            raise ParseError(f"expected {text!r}, found {token.text or 'the end'!r}", token.start)
        return token

    def at(self, *texts: str) -> bool:
        return self.peek().text in texts and self.peek().kind in ("op", "ident")

    def expression(self, floor: int) -> Node:
        lhs = self.unary()
        while True:
            op = self.peek()
            precedence = _PRECEDENCE.get(op.text) if op.kind in ("op", "ident") else None
            if precedence is None or precedence < floor:
                return lhs
            self.take()
            returns_bool = self._bool(op.text)
            matching = self._matching(op.text)
            rhs = self.expression(precedence if op.text == "^" else precedence + 1)
            lhs = Binary(lhs.start, rhs.end, op.text, lhs, rhs, returns_bool, matching)

    def _bool(self, op: str) -> bool:
        if op in COMPARISONS and self.at("bool"):
            self.take()
            return True
        return False

    def _matching(self, op: str) -> Matching:
        default = "many-to-many" if op in SET_OPERATORS else "one-to-one"
        if not self.at("on", "ignoring"):
            return Matching(False, (), default)
        on = self.take().text == "on"
        labels = self.label_list()
        if not self.at("group_left", "group_right"):
            return Matching(on, labels, default)
        card = "many-to-one" if self.take().text == "group_left" else "one-to-many"
        include = self.label_list() if self.at("(") else ()
        return Matching(on, labels, card, include)

    def label_list(self) -> tuple[str, ...]:
        self.expect("(")
        labels = []
        while not self.at(")"):
            token = self.take()
            if token.kind not in ("ident", "string"):
                raise ParseError(f"expected a label name, found {token.text!r}", token.start)
            labels.append(token.text.strip("\"'"))
            if not self.at(")"):
                self.expect(",")
        self.expect(")")
        return tuple(labels)

    def unary(self) -> Node:
        if self.at("-", "+"):
            op = self.take()
            operand = self.expression(_PRECEDENCE["^"])
            return Unary(op.start, operand.end, op.text, operand)
        return self.postfix(self.primary())

    def postfix(self, node: Node) -> Node:
        while True:
            if self.at("["):
                node = self._window(node)
            elif self.at("offset", "@"):
                modifier = self.take().text
                sign = self.take().text if self.at("-", "+") else ""
                token = self.take()
                if modifier == "@" and not sign and token.text in ("start", "end"):
                    self.expect("(")
                    token = self.expect(")")
                elif modifier == "offset":
                    self.duration(token, "offset")
                elif token.kind != "number":
                    raise ParseError(
                        f"expected a time (a number, start() or end()) after @, "
                        f"found {token.text or 'the end'!r}",
                        token.start,
                    )
                node = Shifted(node.start, token.end, node, sign + token.text)
            else:
                return node

    def duration(self, token: Token, what: str) -> str:
        """The text of a duration token (`5m`, `1h30m`); ParseError for anything else."""
        if token.kind != "duration":
            word = re.match(r"[\w.]*", self.text[token.start :])
            found = (word.group() if word else "") or token.text or "the end"
            raise ParseError(
                f"expected a duration such as 5m in the {what}, found {found!r}", token.start
            )
        return token.text

    def _window(self, node: Node) -> Node:
        self.expect("[")
        window = self.duration(self.take(), "range")
        if self.at(":"):
            self.take()
            step = "" if self.at("]") else self.duration(self.take(), "subquery step")
            end = self.expect("]").end
            return Subquery(node.start, end, node, window, step)
        end = self.expect("]").end
        if not isinstance(node, Selector):
            raise ParseError("a range [..] needs a series selector before it", node.start)
        return Range(node.start, end, node, window)

    def primary(self) -> Node:
        token = self.peek()
        if token.kind == "number":
            self.take()
            return Number(
                token.start,
                token.end,
                float(int(token.text, 16)) if "x" in token.text.lower() else float(token.text),
            )
        if token.kind == "string":
            self.take()
            return String(token.start, token.end, string_value(token.text))
        if token.text == "(":
            self.take()
            inner = self.expression(0)
            return Paren(token.start, self.expect(")").end, inner)
        if token.text == "{":
            return self.selector(None)
        if token.kind == "ident":
            return self.named(token)
        raise ParseError(
            f"unexpected {token.text!r}" if token.text else "unexpected end of expression",
            token.start,
        )

    def named(self, token: Token) -> Node:
        after = self.peek(1).text
        if token.text in AGGREGATIONS and after in ("(", "by", "without"):
            return self.aggregation()
        if after == "(":
            return self.call()
        if token.text.lower() in ("inf", "nan") and after != "{":
            self.take()
            return Number(token.start, token.end, float(token.text))
        return self.selector(self.take())

    def call(self) -> Node:
        name = self.take()
        self.expect("(")
        args: list[Node] = []
        while not self.at(")"):
            args.append(self.expression(0))
            if not self.at(")"):
                self.expect(",")
        end = self.expect(")").end
        return Call(name.start, end, name.text, tuple(args))

    def aggregation(self) -> Node:
        op = self.take()
        labels, without = self._grouping()
        self.expect("(")
        param = None
        if op.text in _PARAMETRIC:
            param = self.expression(0)
            self.expect(",")
        inner = self.expression(0)
        end = self.expect(")").end
        if not labels and not without and self.at("by", "without"):
            labels, without = self._grouping()
            end = self.tokens[self.index - 1].end
        return Aggregation(op.start, end, op.text, inner, param, labels, without)

    def _grouping(self) -> tuple[tuple[str, ...], bool]:
        if not self.at("by", "without"):
            return (), False
        without = self.take().text == "without"
        return self.label_list(), without

    def selector(self, name: Token | None) -> Selector:
        start = name.start if name else self.peek().start
        end = name.end if name else start
        matchers: list[Matcher] = []
        if self.at("{"):
            self.take()
            while not self.at("}"):
                matchers.append(self._matcher())
                if not self.at("}"):
                    self.expect(",")
            end = self.expect("}").end
        metric = name.text if name else ""
        named = [m for m in matchers if m[0] == "__name__" and m[1] == "="]
        if not metric and named:
            metric = named[0][2]
        rest = tuple(m for m in matchers if not (m[0] == "__name__" and m[1] == "="))
        return Selector(start, end, metric, rest)

    def _matcher(self) -> Matcher:
        label = self.take()
        op = self.take()
        value = self.take()
        if (
            label.kind != "ident"
            or op.text not in ("=", "!=", "=~", "!~")
            or value.kind != "string"
        ):
            raise ParseError('expected a matcher such as label="value"', label.start)
        return (label.text, op.text, string_value(value.text))
