"""The plan's logging as every log output sees it: data streams, policies, the catch-all class,
and how each source's lines are joined into events.

Logstash writes events to the data streams, Elasticsearch defines their policies and
templates, Filebeat joins lines, the docs describe them; each reads the names from here, never
from another target.
Data stream naming: https://www.elastic.co/guide/en/fleet/current/data-streams.html
"""

from __future__ import annotations

from dataclasses import dataclass

from eyewatch_gen.plan.model import Logging, LogSource, Plan

#: lines that continue a text event: indented lines (stack frames) and `Caused by:` (RE2)
CONTINUATION = r"^[[:space:]]+|^Caused by:"


@dataclass(frozen=True)
class Joining:
    """How a source's lines become events: lines matching `pattern` (or, with `negate`, not
    matching it) are appended to the event before them."""

    pattern: str
    negate: bool


def dataset(plan: Plan, log_class: str) -> str:
    """`<platform>.<class>`: the data stream dataset of a log class."""
    return f"{plan.platform}.{log_class}"


def data_stream(plan: Plan, log_class: str, environment: str) -> str:
    """`logs-<platform>.<class>-<environment>`: where a class's events are written."""
    return f"logs-{dataset(plan, log_class)}-{environment}"


def index_pattern(plan: Plan, log_class: str) -> str:
    """`logs-<platform>.<class>-*`: the data streams of a class in every environment."""
    return f"logs-{dataset(plan, log_class)}-*"


def policy_name(plan: Plan, log_class: str) -> str:
    """`<platform>-<class>`: the ILM policy and index template name."""
    return f"{plan.platform}-{log_class}"


def unmatched_class(logging: Logging) -> str:
    """The class of events from services the plan does not list: `application` if declared,
    else the first class."""
    return "application" if "application" in logging.classes else next(iter(logging.classes))


def joining(source: LogSource) -> Joining | None:
    """How Filebeat joins `source`'s lines: the plan's start pattern, stack-trace continuation
    lines for text (grok) logs, or None for formats with one event per line."""
    if source.multiline is not None:
        return Joining(source.multiline.start, negate=True)
    if source.format == "grok":
        return Joining(CONTINUATION, negate=False)
    return None
