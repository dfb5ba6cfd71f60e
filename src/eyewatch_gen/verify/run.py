"""One verify run: probe the server, then the blind-alert check, the deployed-rules check and
(when asked) the backtest, into one report."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eyewatch_gen.plan.model import Plan
from eyewatch_gen.problems import UsageError
from eyewatch_gen.verify import backtest, blind, compare, facts
from eyewatch_gen.verify.backtest import Backtest
from eyewatch_gen.verify.blind import AlertStatus, JobStatus, Verdict
from eyewatch_gen.verify.client import PrometheusClient, QueryError, UnavailableError
from eyewatch_gen.verify.compare import GroupCheck, RuleError


@dataclass(frozen=True)
class Report:
    """Everything verify found about one plan on one server."""

    url: str
    version: str | None
    alerts: list[AlertStatus]
    records: dict[str, Verdict]
    jobs: list[JobStatus]
    groups: list[GroupCheck] | None  # None: the deployed-rules check was not run
    rule_errors: list[RuleError]
    backtest: Backtest | None
    seconds: float


def verify(
    client: PrometheusClient,
    plan: Plan,
    tree: Path | None,
    window: float | None = None,
    now: float | None = None,
) -> Report:
    """Check `plan` against the server; compare the rules in `tree` when given; backtest the
    `window` seconds before `now` when given."""
    started = time.monotonic()
    client.probe()
    known = facts.gather(client, blind.keys(plan))
    if any(not rows for rows in known.rows.values()):
        facts.metric_names(client, known)
    alerts, records = blind.check(plan, known)
    groups: list[GroupCheck] | None = None
    errors: list[RuleError] = []
    if tree is not None:
        generated = compare.generated_groups(tree)
        groups, errors = compare.compare(generated, _loaded(client), plan.platform)
    forecast = None
    if window is not None:
        forecast = backtest.run(client, plan, window, time.time() if now is None else now)
    return Report(
        client.base,
        client.version(),
        alerts,
        records,
        blind.jobs(plan, known),
        groups,
        errors,
        forecast,
        time.monotonic() - started,
    )


def _loaded(client: PrometheusClient) -> list[dict[str, Any]]:
    """The server's rule groups; a server without the rules API is a usage error."""
    try:
        return client.rule_groups()
    except (QueryError, UnavailableError) as error:
        raise UsageError(
            f"{error}: the deployed-rules check reads /api/v1/rules; without it, use --no-deployed"
        ) from None
