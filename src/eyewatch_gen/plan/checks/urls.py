"""Every URL and address in the plan: no credentials in it, and links that are web links.

One check for every field that holds a URL or a `host:port` address (webhooks, Grafana and
its data sources, runbooks and `*_url` annotations, Elasticsearch hosts, remote_write, probe
and scrape targets, Alertmanagers): a credential in it would be copied into configs, alerts,
tests and docs. The problem names the field, what kind of credential it found (never the
value) and where the credential belongs instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from eyewatch_gen.plan.checks.common import Check
from eyewatch_gen.plan.credentials import address_credentials, url_credentials
from eyewatch_gen.plan.model import Alert, Plan
from eyewatch_gen.plan.source import Source
from eyewatch_gen.problems import Path, Problem

SECRET = "plan/secret"
LINK = "plan/url"

_LINK = "a link is shown to everyone who gets the alert: link to a page that asks people to log in"
_WEBHOOK = "put the token in a file and name it in credentials_file"
_WEBHOOK_FILE = (
    "put the whole URL in a file and name it in url_file, or the token in a file named in "
    "credentials_file"
)
_GRAFANA = "Grafana keeps data source credentials in its own secure settings, not in the URL"
_LOGSTASH = "Logstash takes them from logging.output.user and password (${ES_USER} references)"
_REMOTE = "name a file in password_file (with username) or bearer_token_file"
_SCRAPE = "Prometheus reads a scrape credential from jobs.<name>.bearer_token_file"
_PROBE = "probe an endpoint that needs no credentials in its URL"
_ADDRESS = "give host:port only"


@dataclass(frozen=True)
class UrlField:
    """A plan field holding a URL (`url`), a link people click (`link`) or an address."""

    path: Path
    value: str
    kind: str  # url, link, address
    instead: str


def url_fields(plan: Plan) -> Iterator[UrlField]:
    """Every URL, link and address in the plan, with the place its credentials belong."""
    webhook = _WEBHOOK_FILE if plan.versions.has("webhook-url-file") else _WEBHOOK
    for name, channel in plan.channels.items():
        if channel.url:
            yield UrlField(("channels", name, "url"), channel.url, "url", webhook)
    yield from _grafana(plan)
    yield from _runbooks(plan)
    for i, alert in enumerate(plan.alerts):
        yield from _alert_links(("alerts", i), alert)
    yield from _prometheus(plan)
    if plan.logging is not None:
        for j, host in enumerate(plan.logging.output.hosts):
            yield UrlField(("logging", "output", "hosts", j), host, "url", _LOGSTASH)


def _grafana(plan: Plan) -> Iterator[UrlField]:
    grafana = plan.grafana
    if grafana is None:
        return
    yield UrlField(("grafana", "url"), grafana.url, "link", _LINK)
    yield UrlField(("grafana", "prometheus_url"), grafana.prometheus_url, "url", _GRAFANA)
    if grafana.elasticsearch_url:
        yield UrlField(("grafana", "elasticsearch_url"), grafana.elasticsearch_url, "url", _GRAFANA)


def _runbooks(plan: Plan) -> Iterator[UrlField]:
    """Runbook links of everything that alerts besides `alerts`."""
    linked: list[tuple[Path, str | None]] = [
        *((("alert_sets", i, "runbook"), s.runbook) for i, s in enumerate(plan.alert_sets)),
        *(
            (("slos", i, "alerting", "runbook"), s.alerting.runbook)
            for i, s in enumerate(plan.slos)
        ),
        *((("jobs", name, "runbook"), job.runbook) for name, job in plan.jobs.items()),
        *((("probes", i, "runbook"), p.runbook) for i, p in enumerate(plan.probes)),
        *((("log_alerts", i, "runbook"), a.runbook) for i, a in enumerate(plan.log_alerts)),
        (
            ("probe_alerting", "certificates", "runbook"),
            plan.probe_alerting.certificates.runbook,
        ),
    ]
    for path, link in linked:
        if link:
            yield UrlField(path, link, "link", _LINK)


def _alert_links(at: Path, alert: Alert) -> Iterator[UrlField]:
    if alert.runbook:
        yield UrlField((*at, "runbook"), alert.runbook, "link", _LINK)
    for key, value in alert.annotations.items():
        if key.endswith("_url"):
            yield UrlField((*at, "annotations", key), value, "link", _LINK)


def _prometheus(plan: Plan) -> Iterator[UrlField]:
    server = plan.prometheus
    for j, remote in enumerate(server.remote_write):
        yield UrlField(("prometheus", "remote_write", j, "url"), remote.url, "url", _REMOTE)
    for j, address in enumerate(server.alertmanagers):
        yield UrlField(("prometheus", "alertmanagers", j), address, "address", _ADDRESS)
    exporter = server.blackbox_exporter
    yield UrlField(("prometheus", "blackbox_exporter"), exporter, "address", _ADDRESS)
    for name, job in plan.jobs.items():
        for j, target in enumerate(job.static):
            yield UrlField(("jobs", name, "static", j), target, "address", _SCRAPE)
    for j, probe in enumerate(plan.probes):
        kind = "url" if probe.module == "http" else "address"
        yield UrlField(("probes", j, "target"), probe.target, kind, _PROBE)


def _credentials(plan: Plan, source: Source) -> Iterator[Problem]:
    for field in url_fields(plan):
        address = field.kind == "address"
        found = (address_credentials if address else url_credentials)(field.value)
        if found:
            what = "address" if address else "URL"
            yield source.problem(
                field.path, f"the {what} carries credentials ({found}); {field.instead}", SECRET
            )


def _web_links(plan: Plan, source: Source) -> Iterator[Problem]:
    """A link with a scheme must be a web link (a runbook may also name a guide, no scheme)."""
    for field in url_fields(plan):
        scheme = re.match(r"\s*([A-Za-z][A-Za-z0-9+.-]*):", field.value)
        if field.kind == "link" and scheme and scheme[1].lower() not in ("http", "https"):
            yield source.problem(
                field.path,
                "must be an http:// or https:// link (a javascript:, data: or file: link "
                "runs or opens something on the reader's machine)",
                LINK,
            )


CHECKS: tuple[Check, ...] = (_credentials, _web_links)
