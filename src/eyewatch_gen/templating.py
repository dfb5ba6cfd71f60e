"""Jinja2 for text formats only (Markdown docs, Logstash pipelines).

Sandboxed, StrictUndefined, templates shipped inside the package. Plan values are passed as
data and printed verbatim: Jinja never evaluates text that came from the plan.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import PackageLoader, StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment

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
    )
    env.filters["md"] = markdown_cell
    env.filters["ls_string"] = logstash.string
    env.filters["ls_regex"] = logstash.regex
    return env


def markdown_cell(value: object) -> str:
    """Text safe inside a Markdown table cell: pipes escaped, one line."""
    return " ".join(str(value).replace("\\", "\\\\").replace("|", "\\|").split())


def render_template(name: str, **context: Any) -> str:
    """Render `templates/<name>` with `context`."""
    return environment().get_template(name).render(**context)
