"""Logstash configuration syntax: string and regex literals that say exactly what the plan
says, and a compile check for grok patterns and regular expressions (Oniguruma syntax, see
`oniguruma`).

Strings are written for `config.support_escapes: true` (set on every generated pipeline), so
`\\`, `"`, newlines and tabs round-trip. Regex literals go between slashes, where a `/` is
written `\\x2F` (see `regex`). Logstash replaces `${NAME}` in strings with an environment
variable or keystore value when it starts: the plan refuses `${` in plain strings, and regexes
(literals and grok patterns) write `${` as `$\\{`, which means the same to the regex engine.
Grammar: logstash-core/lib/logstash/compiler/lscl/lscl_grammar.treetop (elastic/logstash).
"""

from __future__ import annotations

import re

from eyewatch_gen.plan import oniguruma

_GROK = re.compile(r"%\{[A-Za-z0-9_]+(?::[^}]*)?\}")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def string(value: str) -> str:
    """A double-quoted Logstash string literal for `value`."""
    return '"' + "".join(_ESCAPES.get(char, char) for char in value) + '"'


def regex(pattern: str) -> str:
    """A `/.../` regex literal for `pattern`, with every `/` written `\\x2F`.

    Logstash's grammar ends a regex at the first unescaped `/`, even inside `[...]`, and the
    syntax checker we test with rejects `\\/`; `\\x2F` means `/` to Ruby's regex engine and
    passes both.
    """
    out, escaped = [], False
    for char in pattern:
        if escaped:
            out.append("\\x2F" if char == "/" else "\\" + char)
            escaped = False
        elif char == "\\":
            escaped = True
        else:
            out.append("\\x2F" if char == "/" else char)
    if escaped:
        out.append("\\\\")
    return "/" + no_references("".join(out)) + "/"


def no_references(pattern: str) -> str:
    """`pattern` with every `${` written `$\\{`: the same regex, and nothing Logstash would
    replace with an environment variable or keystore value."""
    return pattern.replace("${", "$\\{")


def logstash_regex_error(pattern: str, *, grok: bool = False) -> str | None:
    """Why `pattern` cannot be a Logstash regex (or grok pattern), or None."""
    if "\n" in pattern or "\r" in pattern:
        return "a pattern cannot span lines"
    text = _GROK.sub("(?:.*?)", pattern) if grok else pattern
    try:
        re.compile(oniguruma.python_form(text))
    except (re.error, oniguruma.OnigurumaError, OverflowError, RecursionError) as error:
        return f"does not compile as a regular expression: {error}"
    return None
