"""What the live server knows that the blind-alert check asks about, fetched in one batch of
instant queries: the targets of every job (from `up`), and for each selector the label
combinations its series carry (`count by (label, ...) (metric)`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from eyewatch_gen.verify.client import PrometheusClient, QueryError, UnavailableError

#: a series source (a metric name or an expression) and the labels whose values we need
Key = tuple[str, tuple[str, ...]]
Rows = list[dict[str, str]]


@dataclass(frozen=True)
class Targets:
    """A job's scrape targets: how many, and how many are up."""

    total: int
    up: int


@dataclass
class Facts:
    """Answers from the server: targets per job, label combinations per key (or the error)."""

    jobs: dict[str, Targets] = field(default_factory=dict)
    rows: dict[Key, Rows] = field(default_factory=dict)
    errors: dict[Key, str] = field(default_factory=dict)
    names: list[str] | None = None  # every metric name, fetched when one is unknown


def count_query(key: Key) -> str:
    """`count by (a, b) (source)`: one row per label combination the source has."""
    source, labels = key
    return f"count by ({', '.join(labels)}) ({source})" if labels else f"count({source})"


def gather(client: PrometheusClient, keys: Iterable[Key]) -> Facts:
    """Targets per job and rows for every key, at most `concurrency` queries at a time."""
    wanted = sorted(set(keys))
    queries = ["count by (job) (up)", "sum by (job) (up)", *map(count_query, wanted)]
    answers = client.map(lambda q: _answer(client, q), queries)
    facts = Facts()
    totals, ups = answers[0], answers[1]
    if isinstance(totals, str) or isinstance(ups, str):
        failed = totals if isinstance(totals, str) else ups
        raise UnavailableError(f"{client.base}: the query on `up` failed ({failed})")
    up_by_job = {s["metric"].get("job", ""): _value(s) for s in ups}
    for series in totals:
        job = series["metric"].get("job", "")
        facts.jobs[job] = Targets(_value(series), up_by_job.get(job, 0))
    for key, answer in zip(wanted, answers[2:], strict=True):
        if isinstance(answer, str):
            facts.errors[key] = answer
        else:
            facts.rows[key] = [dict(s["metric"]) for s in answer]
    return facts


def metric_names(client: PrometheusClient, facts: Facts) -> list[str]:
    """Every metric name the server knows (for "did you mean"), fetched once."""
    if facts.names is None:
        try:
            facts.names = client.label_values("__name__")
        except (QueryError, UnavailableError):
            facts.names = []
    return facts.names


def _answer(client: PrometheusClient, query: str) -> list[dict[str, Any]] | str:
    try:
        return client.query(query)
    except QueryError as error:
        return str(error)


def _value(series: dict[str, Any]) -> int:
    value = series.get("value")
    return int(float(value[1])) if isinstance(value, list) else 0
