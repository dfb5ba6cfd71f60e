"""The plan's logging as every log output sees it: data streams, policies, the catch-all class.

Logstash writes events to the data streams, Elasticsearch defines their policies and
templates, the docs describe them; each reads the names from here, never from another target.
Data stream naming: https://www.elastic.co/guide/en/fleet/current/data-streams.html
"""

from __future__ import annotations

from eyewatch_gen.plan.model import Logging, Plan


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
