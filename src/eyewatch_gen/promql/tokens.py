"""PromQL as a flat list of tokens (strings, numbers, durations, names, operators), with their
character offsets: enough for the structural questions verify asks (which selectors does an
expression need, are two expressions the same modulo formatting) without a full parser.

Lexical grammar: https://prometheus.io/docs/prometheus/latest/querying/basics/
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from eyewatch_gen.promql.labels import unescape

Kind = Literal["string", "duration", "number", "name", "op", "punct"]

_DURATION = r"(?:\d+(?:ms|[smhdwy]))+(?![\w:.])"
_NUMBER = r"(?:0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(?![\w:])"
_PATTERN = re.compile(
    r"(?P<space>\s+|#[^\n]*)"
    r"|(?P<string>\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*'|`[^`]*`)"
    rf"|(?P<duration>{_DURATION})"
    rf"|(?P<number>{_NUMBER})"
    r"|(?P<name>[a-zA-Z_:][a-zA-Z0-9_:]*)"
    r"|(?P<op>==|!=|>=|<=|=~|!~|[-+*/%^<>=@])"
    r"|(?P<punct>[(){}\[\],:])"
)
KEYWORDS = frozenset(
    {"and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right"}
    | {"bool", "offset"}
)
#: keywords that take a parenthesised list of label names
MODIFIERS = frozenset({"by", "without", "on", "ignoring", "group_left", "group_right"})


@dataclass(frozen=True)
class Token:
    """One token: its kind, its text as written, and where it starts and ends."""

    kind: Kind
    text: str
    start: int
    end: int

    @property
    def word(self) -> str:
        """A name in lower case when it is a keyword (PromQL keywords ignore case)."""
        lowered = self.text.lower()
        return lowered if self.kind == "name" and lowered in KEYWORDS else self.text


class LexError(ValueError):
    """The text is not PromQL at this position."""


@lru_cache(maxsize=4096)
def tokens(expr: str) -> tuple[Token, ...]:
    """Every token of `expr`, comments and white space dropped."""
    found: list[Token] = []
    position = 0
    while position < len(expr):
        match = _PATTERN.match(expr, position)
        if match is None:
            raise LexError(f"unexpected {expr[position]!r} at character {position + 1}")
        kind = match.lastgroup
        if kind != "space":
            found.append(Token(kind, match.group(), match.start(), match.end()))  # type: ignore[arg-type]
        position = match.end()
    return tuple(found)


def string_value(text: str) -> str:
    """The value of a PromQL string literal (escapes resolved; raw in back quotes)."""
    return text[1:-1] if text.startswith("`") else unescape(text[1:-1])


def closing(items: tuple[Token, ...], index: int) -> int:
    """Index of the bracket closing the one at `index` (or len(items) when unclosed)."""
    pairs = {"(": ")", "{": "}", "[": "]"}
    opener = items[index].text
    depth = 0
    for position in range(index, len(items)):
        text = items[position].text
        if items[position].kind != "punct":
            continue
        if text == opener:
            depth += 1
        elif text == pairs[opener]:
            depth -= 1
            if depth == 0:
                return position
    return len(items)
