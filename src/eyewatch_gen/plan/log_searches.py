"""The log views people open, as plan data: a data view per log class (plus one over every
class) and the saved searches for the log analysis the monitoring plan asks for (error
patterns per service, security events, slow requests, user activity, unmatched events),
each named with the focus area it serves. Kibana renders them; the logging docs list them.
Queries are KQL: https://www.elastic.co/guide/en/kibana/8.17/kuery-query.html
"""

from __future__ import annotations

from dataclasses import dataclass

from eyewatch_gen.plan import durations
from eyewatch_gen.plan.log_fields import ERROR_LEVELS
from eyewatch_gen.plan.logging_view import dataset, index_pattern, unmatched_class
from eyewatch_gen.plan.memo import per_plan
from eyewatch_gen.plan.model import Logging, LogSource, Plan

#: the monitoring plan's log analysis focus areas, in its order
FOCUS_AREAS = (
    "error patterns",
    "security events",
    "performance bottlenecks",
    "user behaviour",
    "system health",
)
ACCESS_FORMATS = ("envoy", "nginx")
ALL = "_all"  # no class can be named so (classes are slugs)


@dataclass(frozen=True)
class DataView:
    """A Kibana data view: the data streams of one log class, or of every class (`ALL`)."""

    id: str
    title: str
    name: str


@dataclass(frozen=True)
class SavedSearch:
    """A saved search on one data view: KQL query, columns, sort, and what it is for."""

    id: str
    title: str
    description: str
    data_view: str
    query: str
    columns: tuple[str, ...]
    focus: str
    sort: tuple[str, str] = ("@timestamp", "desc")


def kql_string(value: str) -> str:
    """`value` as a quoted KQL string (backslash and double quote escaped)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def data_view_id(plan: Plan, log_class: str) -> str:
    """The stable id of a class's data view (`ALL` for the one over every class)."""
    return f"{plan.platform}-logs-{log_class}"


@per_plan
def data_views(plan: Plan) -> list[DataView]:
    """One data view per log class, then one over every class."""
    if plan.logging is None:
        return []
    views = [
        DataView(
            data_view_id(plan, name), index_pattern(plan, name), f"{plan.platform} {name} logs"
        )
        for name in plan.logging.classes
    ]
    everything = f"logs-{dataset(plan, '*')}-*"
    views.append(DataView(data_view_id(plan, ALL), everything, f"{plan.platform} all logs"))
    return views


@per_plan
def saved_searches(plan: Plan) -> list[SavedSearch]:
    """Errors per service, then security events, slow requests, access requests (when some
    source writes access logs) and unmatched events."""
    logging = plan.logging
    if logging is None:
        return []
    searches = [_errors(plan, logging, source) for source in logging.sources]
    searches += [_security(plan, logging), _slow(plan, logging)]
    access = [s for s in logging.sources if s.format in ACCESS_FORMATS]
    if access:
        searches.append(_access(plan, logging, access[0].log_class))
    searches.append(_unmatched(plan, logging))
    return searches


def _described(logging: Logging, log_class: str, text: str) -> str:
    about = logging.classes[log_class].description if log_class in logging.classes else ""
    return f"{text} Class {log_class}" + (f": {about}" if about else ".")


def _errors(plan: Plan, logging: Logging, source: LogSource) -> SavedSearch:
    service = f"service.name: {kql_string(source.service)}"
    if source.format in ACCESS_FORMATS:
        query = f"{service} and http.response.status_code >= 500"
        columns: tuple[str, ...] = (
            "http.request.method",
            "url.original",
            "http.response.status_code",
            "event.duration",
        )
        what = "Requests answered with a 5xx status."
    else:
        query = f"{service} and log.level: ({' or '.join(ERROR_LEVELS)})"
        columns = ("log.level", "error.type", "message", "kubernetes.pod.name")
        what = "Error-level events, to spot recurring error patterns."
    return SavedSearch(
        f"{plan.platform}-errors-{source.service}",
        f"Errors: {source.service}",
        _described(logging, source.log_class, what),
        data_view_id(plan, source.log_class),
        query,
        columns,
        "error patterns",
    )


def _security(plan: Plan, logging: Logging) -> SavedSearch:
    rules = ", ".join(rule.name for rule in logging.security) or "none"
    return SavedSearch(
        f"{plan.platform}-security-events",
        "Security events",
        _described(logging, logging.security_class, f"Events tagged by the rules: {rules}."),
        data_view_id(plan, logging.security_class),
        'tags: "security"',
        ("tags", "event.category", "event.outcome", "source.ip", "user.name", "service.name"),
        "security events",
    )


def _slow(plan: Plan, logging: Logging) -> SavedSearch:
    nanoseconds = int(durations.seconds(logging.slow_request) * 1e9)
    return SavedSearch(
        f"{plan.platform}-slow-requests",
        f"Slow requests (over {logging.slow_request})",
        "Requests of every class whose event.duration (Envoy's duration, or the service's "
        f"own ECS field) exceeds {logging.slow_request}, slowest first.",
        data_view_id(plan, ALL),
        f"event.duration > {nanoseconds}",
        ("service.name", "url.original", "http.response.status_code", "event.duration"),
        "performance bottlenecks",
        ("event.duration", "desc"),
    )


def _access(plan: Plan, logging: Logging, log_class: str) -> SavedSearch:
    return SavedSearch(
        f"{plan.platform}-access-requests",
        "Access requests",
        _described(logging, log_class, "Who requests what: paths, clients and users."),
        data_view_id(plan, log_class),
        "http.request.method: *",
        ("source.ip", "user.name", "http.request.method", "url.original", "user_agent.original"),
        "user behaviour",
    )


def _unmatched(plan: Plan, logging: Logging) -> SavedSearch:
    log_class = unmatched_class(logging)
    return SavedSearch(
        f"{plan.platform}-unmatched-events",
        "Unmatched events (unplanned services)",
        _described(logging, log_class, "Logs of containers no log source plans for."),
        data_view_id(plan, log_class),
        'service.name: "unmatched"',
        ("kubernetes.namespace", "kubernetes.pod.name", "kubernetes.container.name", "message"),
        "system health",
    )
