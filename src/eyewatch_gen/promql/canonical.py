"""PromQL modulo formatting: the same token sequence for an expression as written in a rule file
and as Prometheus prints it back in `/api/v1/rules` (one line, its own spacing, `7d` as `1w`,
`0.50` as `0.5`, `sum(x) by (a)` as `sum by (a) (x)`, `group_left` as `group_left ()`,
label matchers sorted by name). Read as tokens, so the server's spelling of anything
`parse` cannot read yet still compares.
"""

from __future__ import annotations

import json

from eyewatch_gen.plan import durations
from eyewatch_gen.promql.tokens import AGGREGATIONS, Token, string_value, tokens


def canonical(expr: str) -> tuple[str, ...]:
    """Tokens of `expr` in one spelling each; equal for equal expressions."""
    words = [_spelling(t) for t in tokens(expr)]
    words = _sorted_matchers(_drop_empty_braces(_drop_trailing_commas(words)))
    return tuple(_prefix_grouping(_explicit_lists(words)))


def same(left: str, right: str) -> bool:
    """Whether two expressions differ only in formatting."""
    return canonical(left) == canonical(right)


def _spelling(token: Token) -> str:
    if token.kind == "string":
        return json.dumps(string_value(token.text), ensure_ascii=False)
    if token.kind == "duration":
        return f"{durations.seconds(token.text):g}s"
    if token.kind == "number":
        text = token.text
        value = float(int(text, 16)) if text[:2].lower() == "0x" else float(text)
        return repr(value)
    return token.text


def _drop_trailing_commas(words: list[str]) -> list[str]:
    return [
        w for i, w in enumerate(words) if not (w == "," and words[i + 1 : i + 2] in (["}"], [")"]))
    ]


def _drop_empty_braces(words: list[str]) -> list[str]:
    out: list[str] = []
    for word in words:
        if word == "}" and out and out[-1] == "{":
            out.pop()
            continue
        out.append(word)
    return out


def _sorted_matchers(words: list[str]) -> list[str]:
    """Label matchers in one order (Prometheus prints them sorted by label name)."""
    out: list[str] = []
    index = 0
    while index < len(words):
        if words[index] != "{":
            out.append(words[index])
            index += 1
            continue
        end = words.index("}", index) if "}" in words[index:] else len(words)
        matchers: list[list[str]] = [[]]
        for word in words[index + 1 : end]:
            if word == ",":
                matchers.append([])
            else:
                matchers[-1].append(word)
        joined = [w for m in sorted(matchers) for w in [*m, ","]][:-1]
        out += ["{", *joined, "}"]
        index = end + 1
    return out


def _explicit_lists(words: list[str]) -> list[str]:
    """`group_left` without labels is printed `group_left ()`; `ignoring ()` not at all."""
    out: list[str] = []
    for index, word in enumerate(words):
        out.append(word)
        if word in ("group_left", "group_right") and words[index + 1 : index + 2] != ["("]:
            out += ["(", ")"]
    result: list[str] = []
    for word in out:
        result.append(word)
        if result[-3:] == ["ignoring", "(", ")"]:
            del result[-3:]
    return result


def _prefix_grouping(words: list[str]) -> list[str]:
    """`sum(x) by (a)` -> `sum by (a) (x)`, as Prometheus prints aggregations."""
    index = 0
    while index < len(words):
        if words[index] in AGGREGATIONS and words[index + 1 : index + 2] == ["("]:
            end = _close(words, index + 1)
            if words[end + 1 : end + 2] in (["by"], ["without"]) and words[end + 2 : end + 3] == [
                "("
            ]:
                last = _close(words, end + 2)
                words = (
                    words[: index + 1]
                    + words[end + 1 : last + 1]
                    + words[index + 1 : end + 1]
                    + words[last + 1 :]
                )
        index += 1
    return words


def _close(words: list[str], index: int) -> int:
    depth = 0
    for position in range(index, len(words)):
        if words[position] == "(":
            depth += 1
        elif words[position] == ")":
            depth -= 1
            if depth == 0:
                return position
    return len(words) - 1
