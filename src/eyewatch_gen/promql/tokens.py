"""PromQL's lexical grammar: an expression as a flat list of tokens (strings, numbers,
durations, names, operators) with their character offsets. `parse` builds its tree on them,
`canonical` compares them; keywords and aggregation names come lower case (PromQL ignores
their case), everything else as written.

Durations are read as Prometheus 2 reads them (`5m`, `1h30m`, never a bare number).
Lexical grammar: https://prometheus.io/docs/prometheus/latest/querying/basics/
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from eyewatch_gen.promql.labels import unescape

Kind = Literal["duration", "number", "string", "ident", "op", "end"]

AGGREGATIONS = frozenset(
    {"sum", "avg", "min", "max", "count", "group", "stddev", "stdvar", "topk", "bottomk",
     "quantile", "count_values", "limitk", "limit_ratio"}
)  # fmt: skip
KEYWORDS = AGGREGATIONS | {
    "and", "or", "unless", "atan2", "bool", "on", "ignoring", "group_left", "group_right",
    "by", "without", "offset",
}  # fmt: skip
_TOKEN = re.compile(
    r"(?P<space>\s+|\#[^\n]*)"
    r"|(?P<duration>(?:\d+(?:ms|[smhdwy]))+)(?![\w.])"
    r"|(?P<number>0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)"
    r"|(?P<string>\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*'|`[^`]*`)"
    r"|(?P<ident>[a-zA-Z_][a-zA-Z0-9_:]*|:[a-zA-Z_:][a-zA-Z0-9_:]*)"  # not `:1m` of `[5m:1m]`
    r"|(?P<op>==|!=|>=|<=|=~|!~|[-+*/%^<>=(){}\[\],:@])"
)


class ParseError(ValueError):
    """The text is not PromQL this package can read; `position` is 0-based."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(f"{message} (character {position + 1})")
        self.reason = message
        self.position = position


class LexError(ParseError):
    """A character that no PromQL token starts with."""


@dataclass(frozen=True)
class Token:
    """One token: its kind, its text (keywords lower case), where it starts and ends."""

    kind: Kind
    text: str
    start: int
    end: int


@lru_cache(maxsize=4096)
def tokens(expr: str) -> tuple[Token, ...]:
    """Every token of `expr`, comments and white space dropped; LexError at a character
    PromQL does not have."""
    found = []
    position = 0
    while position < len(expr):
        match = _TOKEN.match(expr, position)
        if match is None:
            raise LexError(f"unexpected {expr[position]!r}", position)
        kind, word = match.lastgroup or "", match.group()
        if kind == "ident" and word.lower() in KEYWORDS:
            word = word.lower()
        if kind != "space":
            found.append(Token(kind, word, match.start(), match.end()))  # type: ignore[arg-type]
        position = match.end()
    return tuple(found)


def string_value(text: str) -> str:
    """The value of a PromQL string literal (escapes resolved; raw in back quotes)."""
    return text[1:-1] if text.startswith("`") else unescape(text[1:-1])
