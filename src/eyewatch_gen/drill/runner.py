"""Run a fire drill: start Prometheus and Alertmanager on loopback with the generated rules and
routing, feed the drilled alerts' firing inputs from a synthetic exporter, and see which
receivers (and channels) each alert reaches, compared with the plan. A drilled alert of an
escalated level keeps firing until its escalations (scaled like every `for`) have reached
each step's receiver too.

Everything listens on 127.0.0.1 in a temporary directory; every process is stopped on
success, failure and Ctrl-C; no secret is needed (receivers point at local sinks).
"""

from __future__ import annotations

import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from eyewatch_gen.checks import tools
from eyewatch_gen.drill import configs
from eyewatch_gen.drill.exporter import ExportedSeries, serve
from eyewatch_gen.drill.sinks import Delivery, Inbox, SmtpSink, http_sink
from eyewatch_gen.plan import arith, durations, escalation
from eyewatch_gen.plan.alerting import alerting
from eyewatch_gen.plan.catalog import rule_groups
from eyewatch_gen.plan.memo import per_plan
from eyewatch_gen.plan.model import Plan
from eyewatch_gen.plan.rules import AlertingRule
from eyewatch_gen.problems import EyewatchError
from eyewatch_gen.promql.labels import parse_series
from eyewatch_gen.verify.client import Access, PrometheusClient, wait_ready

SCALE = 60  # `for: 5m` becomes 5s in the drill


class DrillError(EyewatchError):
    """The drill cannot run as asked: an unknown alert, nothing drillable, a server that fails."""


@dataclass
class Outcome:
    """One alert seen in the drill."""

    alert: str
    level: str
    expected: list[str]  # receiver:channel pairs the plan says it must reach
    got: list[str]
    seconds: float | None  # from first scrape to first notification
    timing: str  # how `for` was treated
    drilled: bool  # selected (False: fired alongside, e.g. inhibited)

    @property
    def ok(self) -> bool:
        """Reached exactly the expected receivers and channels."""
        return sorted(self.expected) == sorted(self.got)


@dataclass
class DrillReport:
    """Every alert that fired during the drill, and whether each behaved as planned."""

    outcomes: list[Outcome] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # drilled alerts that never fired

    @property
    def ok(self) -> bool:
        """All as planned."""
        return not self.missing and all(o.ok for o in self.outcomes)


def drillable(rule: AlertingRule) -> bool:
    """Alerts whose firing value shows at once (gauges or an injected record)."""
    test = rule.test
    return test is not None and test.settle == 0 and bool(test.firing.series)


@dataclass(frozen=True)
class Selection:
    """What a drill fires, and each requested level it cannot drill, with the reason."""

    chosen: list[AlertingRule]
    skipped: list[str]


def select(plan: Plan, names: list[str], levels: list[str]) -> Selection:
    """The named alerts, plus the first drillable alert of each requested level; a level
    without one is skipped, saying why. Nothing to drill at all is a DrillError."""
    every = [r for g in rule_groups(plan) for r in g.alerting]
    escalations = sorted({r.name for r in every if r.kind == "escalation"} & set(names))
    if escalations:
        raise DrillError(
            f"{', '.join(escalations)} fire from other alerts: drill an alert of the level "
            "they escalate, and the drill waits for its escalations"
        )
    alerts = [r for r in every if r.kind != "escalation"]
    chosen = [r for r in alerts if r.name in names]
    unknown = sorted(set(names) - {r.name for r in chosen})
    if unknown:
        raise DrillError(f"no alert named {', '.join(unknown)}")
    skipped = []
    for level in levels:
        # prefer an alert no chosen P1 would inhibit (same service), so each level shows
        pages = {r.labels.get("service") for r in chosen if r.severity == "P1"}
        fits = [r for r in alerts if r.severity == level and drillable(r) and r not in chosen]
        candidate = next(
            (r for r in fits if r.labels.get("service") not in pages), next(iter(fits), None)
        )
        if candidate is None:
            skipped.append(_why_skipped(level, [r for r in alerts if r.severity == level]))
        else:
            chosen.append(candidate)
    if not chosen:
        raise DrillError("nothing to drill: " + "; ".join(skipped))
    return Selection(chosen, skipped)


def _why_skipped(level: str, alerts: list[AlertingRule]) -> str:
    """Why no alert of `level` is drilled quickly, and what to name instead."""
    if not alerts:
        return f"{level}: the plan has no {level} alert"
    slow = [r.name for r in alerts if r.test is not None and r.test.firing.series]
    if not slow:
        return f"{level}: no {level} alert has firing test inputs to serve"
    return (
        f"{level}: {', '.join(slow)} {'needs' if len(slow) == 1 else 'need'} a rate window "
        "of history; "
        f"name one to drill it (--alert {slow[0]})"
    )


#: alerts about missing inputs: the drill serves only the drilled alerts' inputs, so these
#: would fire for every job and metric the plan declares
COVERAGE_KINDS = ("targets-missing", "absent")


def left_out(plan: Plan, selected: list[AlertingRule]) -> list[str]:
    """The coverage alerts (`<Job>TargetsMissing`, `<Metric>Absent`) the drill's rules leave
    out: every one not drilled (their escalations then never fire either)."""
    drilled = {r.name for r in selected}
    return sorted(
        r.name
        for g in rule_groups(plan)
        for r in g.alerting
        if r.kind in COVERAGE_KINDS and r.name not in drilled
    )


def awaited(plan: Plan, selected: list[AlertingRule]) -> list[str]:
    """What the drill waits for: each selected alert, and the escalation of each that is of
    an escalated level (`EscalationP1TeamLead(Alert)`)."""
    found = [r.name for r in selected]
    for rule in selected:
        found += escalation.escalations_of(plan, rule.name, rule.severity)
    return list(dict.fromkeys(found))


def exported(rules: list[AlertingRule]) -> list[ExportedSeries]:
    """The firing inputs of `rules` (the same series the promtool tests use)."""
    series: dict[str, ExportedSeries] = {}
    for rule in rules:
        assert rule.test is not None
        phase = rule.test.firing
        for item in phase.series:
            name, labels = parse_series(item.series)
            key = item.series
            if item.value is not None:
                series[key] = ExportedSeries(
                    name, tuple(sorted(labels.items())), value=arith.evaluate(item.value, phase.v)
                )
            else:
                assert item.rate is not None
                series[key] = ExportedSeries(
                    name, tuple(sorted(labels.items())), rate=arith.evaluate(item.rate, phase.v)
                )
    return list(series.values())


def _ports(count: int) -> list[int]:
    """`count` free loopback ports, all different: each socket stays bound until every port
    is known, so the kernel cannot hand the same one out twice."""
    with ExitStack() as held:
        sockets = [held.enter_context(socket.socket()) for _ in range(count)]
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [int(sock.getsockname()[1]) for sock in sockets]


@contextmanager
def _process(command: list[str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
        try:
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@per_plan
def channel_names(plan: Plan) -> dict[tuple[str, str], str]:
    """(receiver, sink channel id such as `webhook-0`) -> the plan's channel name."""
    return {
        (receiver.name, f"{kind}-{index}"): notifier.channel
        for receiver in alerting(plan).receivers
        for kind, notifiers in receiver.by_kind()
        for index, notifier in enumerate(notifiers)
    }


def expected_for(
    plan: Plan, labels: dict[str, str], firing: list[dict[str, str]], open_windows: list[str]
) -> list[str]:
    """receiver:channel pairs `labels` must reach, after inhibition and muting."""
    view = alerting(plan)
    if view.inhibited(labels, [source for source in firing if source is not labels]):
        return []
    routed = view.route(labels)
    if set(routed.mute_time_intervals) & set(open_windows):
        return []
    names = channel_names(plan)
    return sorted(
        f"{routed.receiver}:{channel}"
        for (name, _), channel in names.items()
        if name == routed.receiver
    )


def _alertmanager_config(
    out: Path, sink: str, smtp_port: int, secret: Path, open_windows: list[str]
) -> dict[str, Any]:
    try:
        return configs.alertmanager_config(out, sink, smtp_port, secret, open_windows)
    except ValueError as error:  # a hand-edited matcher the view cannot read
        raise DrillError(f"{out / 'alertmanager/alertmanager.yml'}: {error}") from None


def run(
    plan: Plan, out: Path, selected: list[AlertingRule], timeout: float, open_windows: list[str]
) -> DrillReport:
    """Start everything, wait for the notifications (or the deadline), stop everything."""
    prometheus_bin, alertmanager_bin = (
        tools.find("prometheus"),
        tools.find("prometheus-alertmanager"),
    )
    inbox = Inbox()
    with tempfile.TemporaryDirectory(prefix="eyewatch-drill-") as scratch, ExitStack() as stack:
        work = Path(scratch)
        sink = http_sink(inbox)
        stack.callback(sink.shutdown)
        smtp_port, am_port, prom_port = _ports(3)
        smtp = SmtpSink(inbox, smtp_port)
        stack.callback(smtp.stop)
        exporter = serve(exported(selected))
        stack.callback(exporter.shutdown)
        secret = work / "dummy-secret"
        secret.write_text("drill-not-a-secret\n")
        am_file, rules_file, prom_file = (
            work / "alertmanager.yml",
            work / "rules.yml",
            work / "prometheus.yml",
        )
        am_file.write_text(
            yaml.safe_dump(
                _alertmanager_config(
                    out,
                    f"http://127.0.0.1:{sink.server_address[1]}",
                    smtp.port,
                    secret,
                    open_windows,
                )
            )
        )
        rules_file.write_text(yaml.safe_dump(configs.rules(out, SCALE, left_out(plan, selected))))
        prom_file.write_text(
            yaml.safe_dump(
                configs.prometheus(
                    rules_file, f"127.0.0.1:{exporter.server_address[1]}", f"127.0.0.1:{am_port}"
                )
            )
        )
        am = stack.enter_context(
            _process(
                [
                    alertmanager_bin,
                    f"--config.file={am_file}",
                    f"--web.listen-address=127.0.0.1:{am_port}",
                    "--cluster.listen-address=",
                    f"--storage.path={work / 'am'}",
                ],
                work / "alertmanager.log",
            )
        )
        wait_ready(
            f"http://127.0.0.1:{am_port}/-/ready",
            am,
            work / "alertmanager.log",
            config=f"{out / 'alertmanager/alertmanager.yml'} (the drill's copy)",
            port=am_port,
        )
        prom = stack.enter_context(
            _process(
                [
                    prometheus_bin,
                    f"--config.file={prom_file}",
                    f"--web.listen-address=127.0.0.1:{prom_port}",
                    f"--storage.tsdb.path={work / 'tsdb'}",
                ],
                work / "prometheus.log",
            )
        )
        wait_ready(
            f"http://127.0.0.1:{prom_port}/-/ready",
            prom,
            work / "prometheus.log",
            config=f"{out / 'prometheus/rules'} (the drill's copy)",
            port=prom_port,
        )
        started = time.monotonic()
        return _observe(
            plan,
            selected,
            f"http://127.0.0.1:{prom_port}",
            inbox,
            started,
            started + timeout,
            open_windows,
        )


def _firing(prometheus: str) -> list[dict[str, str]]:
    alerts = PrometheusClient(prometheus, Access(timeout=2)).alerts()
    return [a["labels"] for a in alerts if a["state"] == "firing"]


def _observe(
    plan: Plan,
    selected: list[AlertingRule],
    prometheus: str,
    inbox: Inbox,
    started: float,
    deadline: float,
    open_windows: list[str],
) -> DrillReport:
    names = set(awaited(plan, selected))
    settled_at: float | None = None
    while time.monotonic() < deadline:
        firing = _firing(prometheus)
        report = _report(plan, selected, firing, inbox.snapshot(), started, open_windows)
        done = not report.missing and all(o.ok for o in report.outcomes if o.alert in names)
        if done:
            settled_at = settled_at or time.monotonic()
            if time.monotonic() - settled_at > 3:  # let late (unwanted) notifications in
                return report
        time.sleep(0.5)
    return _report(plan, selected, _firing(prometheus), inbox.snapshot(), started, open_windows)


def _report(
    plan: Plan,
    selected: list[AlertingRule],
    firing: list[dict[str, str]],
    deliveries: list[Delivery],
    started: float,
    open_windows: list[str],
) -> DrillReport:
    channel = channel_names(plan)
    report = DrillReport()
    selected_names = set(awaited(plan, selected))
    fired = {escalation.identity(labels) for labels in firing}
    report.missing = sorted(selected_names - fired)
    levels = {r.name: r for g in rule_groups(plan) for r in g.alerting}
    for labels in sorted(firing, key=escalation.identity):
        name = escalation.identity(labels)
        got = [d for d in deliveries if name in d.alerts]
        rule = levels.get(labels["alertname"])
        timing = (
            "honoured"
            if rule is None or durations.seconds(rule.for_) == 0
            else f"for {rule.for_} scaled to {configs.scaled(rule.for_, SCALE)}"
        )
        report.outcomes.append(
            Outcome(
                alert=name,
                level=labels.get("severity", "?"),
                expected=expected_for(plan, labels, firing, open_windows),
                got=sorted(
                    {f"{d.receiver}:{channel.get((d.receiver, d.channel), d.channel)}" for d in got}
                ),
                seconds=round(min(d.at for d in got) - started, 1) if got else None,
                timing=timing,
                drilled=name in selected_names,
            )
        )
    report.outcomes.sort(key=_chronological)
    return report


def _chronological(outcome: Outcome) -> tuple[str, float, str]:
    """Each alert, then its escalations in the order they arrived."""
    root = outcome.alert.partition("(")[2].rstrip(")") or outcome.alert
    return (root, outcome.seconds if outcome.seconds is not None else float("inf"), outcome.alert)
