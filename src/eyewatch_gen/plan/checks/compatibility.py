"""What the releases the team runs (`versions`) accept: features newer than them, and text
that one release reads differently from another."""

from __future__ import annotations

from collections.abc import Iterator

from eyewatch_gen.plan.checks.common import Check
from eyewatch_gen.plan.model import Plan
from eyewatch_gen.plan.source import Source
from eyewatch_gen.problems import Problem

TOO_NEW = "plan/version"
EXTERNAL_LABEL = "plan/external-label"


def _external_labels(plan: Plan, source: Source) -> Iterator[Problem]:
    """Prometheus 3 expands `$NAME` and `${NAME}` in external label values (`$$` is `$`);
    2.x takes them literally. A `$` would mean different things to the two."""
    for name, value in plan.prometheus.external_labels.items():
        if "$" in value:
            yield source.problem(
                ("prometheus", "external_labels", name),
                "contains '$': Prometheus 3 replaces $NAME and ${NAME} in external label "
                "values with environment variables ($$ for a '$'), Prometheus 2 does not, so "
                "the label would differ between them; write the value without '$'",
                EXTERNAL_LABEL,
            )


def _webhook_url_files(plan: Plan, source: Source) -> Iterator[Problem]:
    if plan.versions.has("webhook-url-file"):
        return
    for name, channel in plan.channels.items():
        if channel.url_file is not None:
            yield source.problem(
                ("channels", name, "url_file"),
                f"a webhook url_file needs {plan.versions.requirement('webhook-url-file')}; "
                "give the URL (without credentials) in url and the token in "
                "credentials_file",
                TOO_NEW,
            )


def _scrape_protocols(plan: Plan, source: Source) -> Iterator[Problem]:
    if plan.versions.has("fallback-scrape-protocol"):
        return
    for name, job in plan.jobs.items():
        if job.fallback_scrape_protocol is not None:
            yield source.problem(
                ("jobs", name, "fallback_scrape_protocol"),
                "fallback_scrape_protocol needs "
                f"{plan.versions.requirement('fallback-scrape-protocol')}; Prometheus 2 "
                "already reads a response without a known Content-Type as text",
                TOO_NEW,
            )


def _operator_strategy(plan: Plan, source: Source) -> Iterator[Problem]:
    spec = plan.outputs.kubernetes
    if spec is None or not spec.alertmanager_config:
        return
    if (
        spec.alertmanager.mode == "OnNamespaceExceptForAlertmanagerNamespace"
        and not plan.versions.has("alertmanager-namespace-strategy")
    ):
        yield source.problem(
            ("outputs", "kubernetes", "alertmanager", "mode"),
            "the OnNamespaceExceptForAlertmanagerNamespace matcher strategy needs "
            f"{plan.versions.requirement('alertmanager-namespace-strategy')}; use mode "
            "configuration or None",
            TOO_NEW,
        )


CHECKS: tuple[Check, ...] = (
    _external_labels,
    _webhook_url_files,
    _scrape_protocols,
    _operator_strategy,
)
