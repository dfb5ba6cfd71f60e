"""The lexical layer of PromQL: where strings end, and whether brackets and strings balance.

`lexical_error` catches what a person mistypes (an unclosed bracket or string) with the
clearest message; `validity` runs it before parsing.
"""

from __future__ import annotations

import re

_PAIRS = {")": "(", "]": "[", "}": "{"}
_LEXEMES = re.compile(
    r"\"(?:\\[\s\S]|[^\"\\\n])*\"|'(?:\\[\s\S]|[^'\\\n])*'|`[^`]*`"  # closed strings
    r"|#[^\n]*"  # comments
    r"|[()\[\]{}\"'`]"  # brackets, and quotes that open a string never closed
)


def lexical_error(expr: str) -> str | None:
    """Why `expr` cannot be PromQL (unbalanced brackets, an open string), or None. One regex
    scan: closed strings and comments are skipped whole, a lone quote opens a string that is
    never closed."""
    stack: list[tuple[str, int]] = []
    for lexeme in _LEXEMES.finditer(expr):
        char, index = lexeme.group(), lexeme.start()
        if len(char) > 1 or char == "#":
            continue
        if char in "\"'`":
            return f"string opened at character {index + 1} is never closed"
        if char in "([{":
            stack.append((char, index))
        elif not stack or stack[-1][0] != _PAIRS[char]:
            return f"{char!r} at character {index + 1} closes nothing"
        else:
            stack.pop()
    if stack:
        opener, at = stack[-1]
        return f"{opener!r} at character {at + 1} is never closed"
    if not expr.strip():
        return "the expression is empty"
    return None


def string_end(expr: str, start: int) -> int:
    """Index of the quote closing the string opened at `start` (`"`, `'` or a raw `` ` ``),
    or -1 when it is never closed (a quoted string cannot span lines)."""
    quote = expr[start]
    index = start + 1
    while index < len(expr):
        if expr[index] == "\\" and quote != "`":
            index += 2
            continue
        if expr[index] == quote:
            return index
        if expr[index] == "\n" and quote != "`":
            return -1
        index += 1
    return -1
