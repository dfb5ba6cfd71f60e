"""Jinja2 for text formats only (Markdown docs, Logstash pipelines).

Sandboxed, StrictUndefined, templates shipped inside the package. Plan values are passed as
data and printed verbatim: Jinja never evaluates text that came from the plan. Compiled
templates are kept in the user's cache directory (keyed by each template's source, Jinja's
and Python's version), so a render with a changed plan does not compile them again.
"""

from __future__ import annotations

import contextlib
import os
from functools import cache
from pathlib import Path
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
        bytecode_cache=_CompiledTemplates(),
    )
    env.filters["md"] = markdown_cell
    env.filters["ls_string"] = logstash.string
    env.filters["ls_regex"] = logstash.regex
    return env


class _CompiledTemplates(FileSystemBytecodeCache):
    """Compiled templates under `$XDG_CACHE_HOME/eyewatch-gen/` (best effort: a cache that
    cannot be read or written is not used)."""

    def __init__(self) -> None:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
        directory = base / "eyewatch-gen" / f"templates-{__version__}"
        with contextlib.suppress(OSError):
            directory.mkdir(parents=True, exist_ok=True)
        super().__init__(str(directory))

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
