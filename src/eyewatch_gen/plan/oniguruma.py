"""Oniguruma regexes (Logstash's engine, through Ruby) checked with Python's `re`.

The plan's Logstash regexes are Oniguruma syntax. Where Oniguruma spells something Python
does not (`\\p{L}`, `\\z`, `\\h`, `\\k<name>`, `(?<name>...)`, `\\x{263A}`), `python_form`
rewrites it to a Python construct of the same shape, so `re.compile` can say whether the
pattern is well formed. The rewrite is for checking only: it is never written anywhere.
Oniguruma refuses a repetition count above 100,000; so does `python_form`.
Syntax: https://github.com/kkos/oniguruma/blob/master/doc/RE
"""

from __future__ import annotations

import re

MAX_REPEAT = 100_000
_PROPERTY = re.compile(r"\^?[A-Za-z][A-Za-z0-9_ ]*")
_REPEAT = re.compile(r"\{(\d*)(?:,(\d*))?\}")
_SIMPLE = {
    "z": r"\Z",
    "Z": r"(?=\n?\Z)",
    "G": "(?:)",
    "K": "(?:)",
    "R": r"(?:\r\n|\n)",
    "X": ".",
    "e": r"\x1b",
}
_IN_CLASS = {"h": "0-9a-fA-F", "H": r"\W"}
_OUT_OF_CLASS = {"h": "[0-9a-fA-F]", "H": "[^0-9a-fA-F]"}
_GROUPS = (
    (re.compile(r"\(\?<(?![=!])"), "(?P<"),  # (?<name>...)
    (re.compile(r"\(\?'(\w+)'"), r"(?P<\1>"),  # (?'name'...)
    (re.compile(r"\(\?~"), "(?:"),  # the absent operator
)


class OnigurumaError(ValueError):
    """The pattern is not valid Oniguruma syntax (the message says where)."""


def python_form(pattern: str) -> str:
    """A Python pattern with the same structure as the Oniguruma `pattern`."""
    out: list[str] = []
    index, in_class = 0, False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            text, index = _escape(pattern, index, in_class)
            out.append(text)
            continue
        if char == "[" and not in_class:
            in_class = True
            out.append(
                pattern[index : index + 2] if pattern[index + 1 : index + 2] == "]" else char
            )
            index += 2 if pattern[index + 1 : index + 2] == "]" else 1
            continue
        if char == "]" and in_class:
            in_class = False
        elif char == "{" and not in_class:
            _check_repeat(pattern, index)
        out.append(char)
        index += 1
    text = "".join(out)
    for group, replacement in _GROUPS:
        text = group.sub(replacement, text)
    return text


def _escape(pattern: str, index: int, in_class: bool) -> tuple[str, int]:
    """The Python form of the escape at `index`, and the index after it."""
    code, rest = pattern[index + 1 : index + 2], pattern[index + 2 :]
    bracketed = _bracketed(code, rest, index)
    if bracketed is not None:
        text, used = bracketed
        return text, index + 2 + used
    if code == "c" and rest:
        return f"\\x{ord(rest[0]) & 0x1F:02x}", index + 3
    if code in _SIMPLE and not in_class:
        return _SIMPLE[code], index + 2
    if code in _IN_CLASS:
        return (_IN_CLASS if in_class else _OUT_OF_CLASS)[code], index + 2
    return pattern[index : index + 2], index + 2


def _bracketed(code: str, rest: str, index: int) -> tuple[str, int] | None:
    """`\\p{..}`, `\\k<..>`, `\\g<..>` and `\\x{..}`: their Python form and the characters
    used after the escape letter; None for any other escape."""
    closing = {"{": "}", "<": ">", "'": "'"}.get(rest[:1], "")
    end = rest.find(closing, 1) if closing else -1
    name = rest[1:end]
    if code in "pP" and rest[:1] == "{":
        if end < 0 or not _PROPERTY.fullmatch(name):
            raise OnigurumaError(f"\\{code}{{{name}}} at character {index + 1} is not a property")
        return (r"\W" if (code == "P") != name.startswith("^") else r"\w"), end + 1
    if code in ("k", "g") and rest[:1] in ("<", "'") and end > 0:
        if code == "g":  # a subexpression call: no Python form, nothing to check
            return "(?:)", end + 1
        return (f"\\{name}" if name.isdigit() else f"(?P={name})"), end + 1
    if code == "x" and rest[:1] == "{":
        if not re.fullmatch(r"[0-9a-fA-F]{1,8}", name) or int(name, 16) > 0x10FFFF:
            raise OnigurumaError(f"\\x{{{name}}} at character {index + 1} is not a code point")
        return f"\\U{int(name, 16):08x}", end + 1
    return None


def _check_repeat(pattern: str, index: int) -> None:
    match = _REPEAT.match(pattern, index)
    if match is None:
        return  # a literal brace
    for count in match.groups():
        if count and int(count) > MAX_REPEAT:
            raise OnigurumaError(
                f"repetition count {count} at character {index + 1} is above Oniguruma's limit "
                f"of {MAX_REPEAT:,}"
            )
