"""Cheap, positional sanity checks for PromQL and Prometheus annotation templates.

These catch what a person mistypes (an unclosed bracket or string, an empty `{{ }}`) at
validation time with a plan position. promtool stays the authority on full PromQL semantics;
`eyewatch-gen lint` and the tests run it on everything generated.
"""

from __future__ import annotations

import re

_PAIRS = {")": "(", "]": "[", "}": "{"}
_ACTION = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)


def lexical_error(expr: str) -> str | None:
    """Why `expr` cannot be PromQL (unbalanced brackets, an open string), or None."""
    stack: list[tuple[str, int]] = []
    index = 0
    while index < len(expr):
        char = expr[index]
        if char in "\"'`":
            end = _string_end(expr, index)
            if end < 0:
                return f"string opened at character {index + 1} is never closed"
            index = end
        elif char == "#":
            newline = expr.find("\n", index)
            index = len(expr) if newline < 0 else newline
        elif char in "([{":
            stack.append((char, index))
        elif char in ")]}":
            if not stack or stack[-1][0] != _PAIRS[char]:
                return f"{char!r} at character {index + 1} closes nothing"
            stack.pop()
        index += 1
    if stack:
        opener, at = stack[-1]
        return f"{opener!r} at character {at + 1} is never closed"
    if not expr.strip():
        return "the expression is empty"
    return None


def _string_end(expr: str, start: int) -> int:
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


def template_error(text: str) -> str | None:
    """Why `text` is not a usable Prometheus (Go) template, or None."""
    for match in _ACTION.finditer(text):
        action = match.group(1).strip("- \t\n")
        if not action:
            return f"empty action {match.group(0)!r}"
        if "{{" in match.group(1):
            return f"nested '{{{{' in {match.group(0)!r}"
        quotes = action.count('"') - action.count('\\"')
        if quotes % 2:
            return f"unclosed string in {match.group(0)!r}"
    rest = _ACTION.sub("", text)
    if "{{" in rest:
        return "'{{' is never closed with '}}'"
    return None
