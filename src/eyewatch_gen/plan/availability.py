"""Availability alerts: what makes "service availability < 99.9% (P1)" page for every kind of
outage, not only for the ones that produce 5xx answers.

- every blackbox probe: `<Probe>ProbeFailing` when `probe_success` is 0 for the probe's `for`
  (connection refused, TLS error, bad status, empty DNS answer);
- https probes: `CertificateExpiringSoon` (a ticket) and `CertificateExpiryImminent` (a page)
  from `probe_ssl_earliest_cert_expiry - time()`;
- SLOs with `alerting.traffic_stopped`: `<Service>TrafficStopped` when the SLI's request rate
  is 0 (or gone) while the same hour a day before carried traffic; a stopped service answers
  nothing, so it burns no error budget and would otherwise never page.

Burn rates (plan.slo) cover partial degradation; `outage_timings` says how fast each kind of
outage pages, for docs/alerts.md.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from eyewatch_gen.plan import arith, durations
from eyewatch_gen.plan.model import Plan, Probe, Series, Slo
from eyewatch_gen.plan.rules import AlertingRule, camel, format_number
from eyewatch_gen.plan.slo import PAGE, TICKET, budget
from eyewatch_gen.plan.testspec import AlertTest, Phase, settle_minutes
from eyewatch_gen.promql.labels import label_matchers, series_text

PROBE_JOB = "blackbox"
TRAFFIC_WINDOW = "5m"
BASELINE = ("1h", "1d")  # window and offset of "normal traffic"
_WINDOW = re.compile(r"\[\s*\{\{\s*\.window\s*\}\}\s*\]")


def area(plan: Plan) -> str | None:
    """Area of the availability alerts: the plan's choice, else the area of job `blackbox`."""
    if plan.probe_alerting.area:
        return plan.probe_alerting.area
    job = plan.jobs.get(PROBE_JOB)
    return job.area if job else None


def availability_alerts(plan: Plan) -> list[AlertingRule]:
    """Probe, certificate and stopped-traffic alerts, in plan order."""
    where = area(plan)
    if where is None:
        return []
    rules = [_probe_failing(plan, where, probe) for probe in plan.probes]
    https = [p for p in plan.probes if p.module == "http" and p.target.startswith("https://")]
    if https:
        rules += _certificate_alerts(plan, where, https[0])
    rules += [
        _traffic_stopped(plan, where, slo) for slo in plan.slos if slo.alerting.traffic_stopped
    ]
    return rules


def _labels(plan: Plan, where: str, level: str, service: str | None) -> dict[str, str]:
    team = plan.areas[where].team if where in plan.areas else None
    labels = {"severity": level, "area": where, **({"team": team} if team else {})}
    if service:
        labels["service"] = service
    return labels


def probe_labels(probe: Probe) -> dict[str, str]:
    """The labels the probe's scrape config gives its series."""
    return {"instance": probe.target, "job": PROBE_JOB, "probe": probe.name}


def _probe_failing(plan: Plan, where: str, probe: Probe) -> AlertingRule:
    expr = f"probe_success{label_matchers({'job': PROBE_JOB, 'probe': probe.name})} == 0"
    series = series_text("probe_success", probe_labels(probe))
    test = AlertTest(
        "raw",
        probe_labels(probe),
        Phase((Series(series=series, value="1"),), 1.0),
        Phase((Series(series=series, value="0"),), 0.0),
        0,
        pending_at_raw=True,
        reads=(expr,),
    )
    what = {
        "http": "does not answer with an accepted status over HTTP(S)",
        "tcp": "refuses or drops TCP connections",
        "dns": "gives no valid answer record",
    }[probe.module]
    annotations = {
        "summary": f"Probe {probe.name} fails: {{{{ $labels.instance }}}} {what}",
        "description": f"blackbox_exporter's {probe.module} probe of {{{{ $labels.instance }}}} "
        f"has failed for {probe.for_} (connection refused, timeout, TLS error, bad answer); "
        "users of the endpoint see the same.",
    }
    return AlertingRule(
        name=f"{camel(probe.name)}ProbeFailing",
        expr=expr,
        for_=probe.for_,
        severity=probe.severity,
        labels=_labels(plan, where, probe.severity, probe.name),
        annotations=annotations,
        test=test,
        kind="probe",
        runbook=probe.runbook,
    )


def _certificate_alerts(plan: Plan, where: str, example: Probe) -> list[AlertingRule]:
    spec = plan.probe_alerting.certificates
    series = series_text("probe_ssl_earliest_cert_expiry", probe_labels(example))
    rules = []
    for name, within, level in (
        ("CertificateExpiringSoon", spec.ticket, spec.ticket_severity),
        ("CertificateExpiryImminent", spec.page, spec.page_severity),
    ):
        seconds = durations.seconds(within)
        expr = (
            f"probe_ssl_earliest_cert_expiry{label_matchers({'job': PROBE_JOB})} - time() "
            f"< {format_number(seconds)}"
        )
        # time() is the test's clock (minutes), far smaller than the days compared
        test = AlertTest(
            "raw",
            probe_labels(example),
            Phase((Series(series=series, value=format_number(seconds * 1.5)),), 0.0),
            Phase((Series(series=series, value=format_number(seconds * 0.5)),), 0.0),
            0,
            pending_at_raw=True,
            reads=(expr,),
        )
        annotations = {
            "summary": f"The TLS certificate of {{{{ $labels.instance }}}} expires in less "
            f"than {within}",
            "description": "probe_ssl_earliest_cert_expiry: the earliest expiry in the "
            "chain the endpoint serves. Renewal (cert-manager renews 30 days ahead) has "
            "not happened; browsers reject the site when it expires.",
        }
        rules.append(
            AlertingRule(
                name=name,
                expr=expr,
                for_="15m",
                severity=level,
                labels=_labels(plan, where, level, None),
                annotations=annotations,
                test=test,
                kind="certificate",
                runbook=spec.runbook,
            )
        )
    return rules


def has_window(query: str) -> bool:
    """Whether `query` writes its rate window as `[{{.window}}]` (offsettable)."""
    return _WINDOW.search(query) is not None


def traffic_expr(slo: Slo) -> str:
    """The SLI's request rate is 0 or gone, and the same hour a day before was busy."""
    assert slo.alerting.traffic_stopped is not None
    window, offset = BASELINE
    now = slo.sli.total.strip().replace("{{.window}}", TRAFFIC_WINDOW)
    before = _WINDOW.sub(f"[{window}] offset {offset}", slo.sli.total.strip())
    minimum = format_number(slo.alerting.traffic_stopped.min_rate)
    return f"(\n  {now}\n  or on () vector(0)\n) == 0\nand on ()\n{before} > {minimum}"


def _traffic_stopped(plan: Plan, where: str, slo: Slo) -> AlertingRule:
    spec = slo.alerting.traffic_stopped
    assert spec is not None
    expr = traffic_expr(slo)
    flowing = tuple(_constant(s, 0.0) for s in slo.fixture.series)
    stopped = tuple(
        s.model_copy(update={"rate": "0"}) if s.rate is not None else s for s in flowing
    )
    test = AlertTest(
        "raw",
        {},
        Phase(flowing, 0.0),
        Phase(stopped, 0.0),
        settle_minutes([expr]),
        reads=(expr,),
        firing_settle=math.ceil(durations.seconds(TRAFFIC_WINDOW) / 60) + 1,
    )
    offset = BASELINE[1]
    annotations = {
        "summary": f"{slo.service} receives no requests",
        "description": f"No request reached {slo.service} in the last {TRAFFIC_WINDOW}, "
        f"while the same hour {offset} ago carried more than "
        f"{format_number(spec.min_rate)} per second: the service is unreachable (gateway, "
        "DNS, load balancer) or its metrics are gone. A stopped service burns no error "
        "budget, so only this alert pages for it.",
    }
    return AlertingRule(
        name=f"{camel(slo.service)}TrafficStopped",
        expr=expr,
        for_=spec.for_,
        severity=spec.severity,
        labels=_labels(plan, where, spec.severity, slo.service),
        annotations=annotations,
        test=test,
        kind="traffic-stopped",
        runbook=slo.alerting.runbook,
    )


def _constant(series: Series, v: float) -> Series:
    """A fixture series evaluated at `v`: its rate or value as a constant."""
    if series.rate is not None:
        return series.model_copy(update={"rate": format_number(arith.evaluate(series.rate, v))})
    assert series.value is not None
    return series.model_copy(update={"value": format_number(arith.evaluate(series.value, v))})


@dataclass(frozen=True)
class Timing:
    """How fast one kind of outage pages, for docs/alerts.md."""

    outage: str
    alerts: str
    level: str
    pages_after: str


def outage_timings(plan: Plan) -> list[Timing]:
    """Each kind of outage of a user-facing service, the alerts that catch it, and when."""
    lag = durations.seconds(plan.prometheus.scrape_interval) + durations.seconds(
        plan.prometheus.evaluation_interval
    )
    rows: list[Timing] = []
    user_facing = [p for p in plan.probes if p.severity == "P1"]
    if user_facing and area(plan):
        fors = sorted({p.for_ for p in user_facing})
        rows.append(
            Timing(
                "Endpoint unreachable: connection refused, timeout, TLS error, 5xx or "
                "wrong status on the probed URL",
                ", ".join(f"{camel(p.name)}ProbeFailing" for p in user_facing),
                "P1",
                f"{' / '.join(fors)} of failing probes, plus up to "
                f"{durations.format_seconds(lag)} (scrape and evaluation)",
            )
        )
    stopped = [s for s in plan.slos if s.alerting.traffic_stopped]
    if stopped and area(plan):
        spec = stopped[0].alerting.traffic_stopped
        assert spec is not None
        rows.append(
            Timing(
                "No traffic at all (gateway, DNS or load balancer down, mesh metrics gone) "
                "where the same hour a day before had traffic",
                ", ".join(f"{camel(s.service)}TrafficStopped" for s in stopped),
                spec.severity,
                f"{TRAFFIC_WINDOW} for the request rate to drain, then {spec.for_}, plus up "
                f"to {durations.format_seconds(lag)}",
            )
        )
    for slo in plan.slos[:1]:
        for share in (1.0, 0.1, 0.01):
            rows.append(_burn_timing(slo, share, lag))
    return rows


def _burn_timing(slo: Slo, share: float, lag: float) -> Timing:
    """When a constant error ratio `share` starting now trips the burn-rate alerts."""
    b = budget(slo)
    label = f"{format_number(share * 100)}% of requests fail (5xx)"
    for kind, level, windows in (
        ("page", slo.alerting.page, PAGE),
        ("ticket", slo.alerting.ticket, TICKET),
    ):
        times = [
            durations.seconds(long) * factor * b / share
            for long, _short, factor in windows
            if share > factor * b
        ]
        if times:
            after = durations.format_seconds(max(60.0, min(times)))
            return Timing(
                label,
                f"{slo.alerting.name} ({kind}) and the other SLO burn-rate alerts",
                level,
                f"about {after} (the long window's error ratio must pass the burn "
                f"threshold), plus up to {durations.format_seconds(lag)}",
            )
    return Timing(label, "none: within the error budget", "-", "-")
