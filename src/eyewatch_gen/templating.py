"""Jinja2 for text formats only (Markdown docs, Logstash pipelines).

Sandboxed, StrictUndefined, templates shipped inside the package. Plan values are passed as
data and printed verbatim: Jinja never evaluates text that came from the plan. Compiled
templates are kept in Jinja's per-user directory under the system's temporary directory
(keyed by each template's path and source, eyewatch-gen's, Jinja's and Python's version), so
a render with a changed plan does not compile them again.
"""

from __future__ import annotations

import contextlib
from functools import cache
from typing import Any

from jinja2 import PackageLoader, StrictUndefined
from jinja2.bccache import Bucket, FileSystemBytecodeCache
from jinja2.sandbox import ImmutableSandboxedEnvironment

from eyewatch_gen import __version__
from eyewatch_gen.plan import logstash


@cache
def environment() -> ImmutableSandboxedEnvironment:
    """The one template environment."""
    env = ImmutableSandboxedEnvironment(
        loader=PackageLoader("eyewatch_gen", "templates"),
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=_compiled_templates(),
    )
    env.filters["md"] = markdown_cell
    env.filters["ls_string"] = logstash.string
    env.filters["ls_regex"] = logstash.regex
    return env


def cache_directory() -> str | None:
    """Where compiled templates go: None is Jinja's per-user directory in the system's
    temporary directory (created 0700, refused when another user owns it)."""
    return None


def _compiled_templates() -> _CompiledTemplates | None:
    try:
        return _CompiledTemplates(cache_directory(), f"__eyewatch_gen_{__version__}_%s.cache")
    except (OSError, RuntimeError):  # no safe directory: compile every time
        return None


class _CompiledTemplates(FileSystemBytecodeCache):
    """Best effort: a compiled template that cannot be read or written is compiled again."""

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, ValueError, EOFError):
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def markdown_cell(value: object) -> str:
    """Text safe inside a Markdown table cell: pipes escaped, one line."""
    return " ".join(str(value).replace("\\", "\\\\").replace("|", "\\|").split())


def render_template(name: str, **context: Any) -> str:
    """Render `templates/<name>` with `context`."""
    return environment().get_template(name).render(**context)
