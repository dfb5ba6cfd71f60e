"""Regular expressions Filebeat (Go RE2) reads: what Python can check of them before a Beat
refuses them at start-up. RE2 syntax: https://github.com/google/re2/wiki/Syntax"""

from __future__ import annotations

import re

_UNSUPPORTED = re.compile(r"\(\?<?[=!]|\\[1-9]|\(\?P=|\(\?>")
_POSIX_CLASS = re.compile(r"\[:[a-z]+:\]")  # [[:space:]]: RE2 has them, Python does not


def re2_error(pattern: str) -> str | None:
    """Why `pattern` cannot be a Go RE2 regular expression, or None."""
    if "\n" in pattern or "\r" in pattern:
        return "a pattern cannot span lines"
    if _UNSUPPORTED.search(pattern):
        return "Go RE2 has no lookaround, backreferences or atomic groups"
    try:
        re.compile(_POSIX_CLASS.sub("a", pattern))
    except re.error as error:
        return f"does not compile as a regular expression: {error}"
    return None
