"""Checks across the plan that one field alone cannot make: references, uniqueness, policy.

Each check is a small function `(plan, source) -> Iterable[Problem]`, listed in `CHECKS`.
"""

from __future__ import annotations

import itertools
import re
import zoneinfo
from collections.abc import Callable, Iterable, Iterator
from urllib.parse import parse_qsl, urlsplit

from eyewatch_gen.plan import arith, durations, gotemplate
from eyewatch_gen.plan.fields import LEVELS
from eyewatch_gen.plan.logstash import logstash_regex_error
from eyewatch_gen.plan.model import Plan
from eyewatch_gen.plan.source import Source
from eyewatch_gen.plan.testspec import fire_and_quiet
from eyewatch_gen.plan.validate import suggest
from eyewatch_gen.problems import Path, Problem
from eyewatch_gen.promql.selectors import first_equality
from eyewatch_gen.promql.syntax import lexical_error
from eyewatch_gen.promql.windows import range_windows

Check = Callable[[Plan, Source], Iterable[Problem]]
# Alertmanager's order: a week runs sunday..saturday, so `monday:sunday` is not a range.
WEEKDAYS = ("sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday")
MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_SECRET_QUERY = re.compile(r"(?i)(token|key|secret|password|passwd|sig|signature|auth)")


def _areas(plan: Plan, source: Source) -> Iterator[Problem]:
    for name, metric in plan.metrics.items():
        if metric.area not in plan.areas:
            yield _dangling(source, ("metrics", name, "area"), "area", metric.area, plan.areas)
    for index, alert in enumerate(plan.alerts):
        if alert.area is not None and alert.area not in plan.areas:
            yield _dangling(source, ("alerts", index, "area"), "area", alert.area, plan.areas)


def _alert_metrics(plan: Plan, source: Source) -> Iterator[Problem]:
    for index, alert in enumerate(plan.alerts):
        if alert.metric is not None and alert.metric not in plan.metrics:
            yield _dangling(
                source, ("alerts", index, "metric"), "metric", alert.metric, plan.metrics
            )


def _unique_names(plan: Plan, source: Source) -> Iterator[Problem]:
    seen: dict[str, tuple[str | int, ...]] = {}
    named: list[tuple[Path, str]] = [
        (("alerts", i, "name"), a.name) for i, a in enumerate(plan.alerts)
    ]
    named += [(("slos", i, "alerting", "name"), s.alerting.name) for i, s in enumerate(plan.slos)]
    named += [(("metrics", n, "record"), m.record) for n, m in plan.metrics.items() if m.record]
    for path, name in named:
        if name in seen:
            yield source.problem(
                path,
                f"{name!r} is already used ({source.where(seen[name])}); names must be unique",
                "plan/duplicate-name",
            )
        else:
            seen[name] = path


def _channels(plan: Plan, source: Source) -> Iterator[Problem]:
    used: set[str] = set()
    for level in LEVELS:
        for index, channel in enumerate(plan.severities.level(level).notify):
            used.add(channel)
            if channel not in plan.channels:
                yield _dangling(
                    source,
                    ("severities", level, "notify", index),
                    "channel",
                    channel,
                    plan.channels,
                )
    used |= {c for team in plan.teams.values() for cs in team.notify.values() for c in cs}
    for name in plan.channels:
        if name not in used:
            yield source.problem(
                ("channels", name),
                f"channel {name!r} is not used by any severity or team",
                "plan/unused-channel",
                key=True,
                level="warning",
            )


def _webhook_urls(plan: Plan, source: Source) -> Iterator[Problem]:
    for name, channel in plan.channels.items():
        if channel.url is None:
            continue
        parts = urlsplit(channel.url)
        secret_query = [k for k, _ in parse_qsl(parts.query) if _SECRET_QUERY.search(k)]
        if parts.username or parts.password or secret_query:
            yield source.problem(
                ("channels", name, "url"),
                "the URL carries credentials "
                "(user:password@ or a token in the query); put the token in "
                "a file and name it in credentials_file",
                "plan/secret",
            )


def _expressions(plan: Plan, source: Source) -> Iterator[Problem]:
    exprs: list[tuple[tuple[str | int, ...], str]] = [
        (("metrics", n, "expr"), m.expr) for n, m in plan.metrics.items()
    ]
    for i, alert in enumerate(plan.alerts):
        exprs += [
            (("alerts", i, k), v) for k, v in (("expr", alert.expr), ("guard", alert.guard)) if v
        ]
    for i, slo in enumerate(plan.slos):
        exprs += [(("slos", i, "sli", k), getattr(slo.sli, k)) for k in ("errors", "total")]
    for path, text in exprs:
        error = lexical_error(text)
        if error:
            yield source.problem(path, f"not valid PromQL: {error}", "plan/promql")


def _slo_windows(plan: Plan, source: Source) -> Iterator[Problem]:
    for i, slo in enumerate(plan.slos):
        for key in ("errors", "total"):
            if "{{.window}}" not in getattr(slo.sli, key):
                yield source.problem(
                    ("slos", i, "sli", key),
                    "the query must contain "
                    "{{.window}} where the rate window goes, e.g. "
                    "rate(x[{{.window}}])",
                    "plan/slo-window",
                )


def _templates(plan: Plan, source: Source) -> Iterator[Problem]:
    for i, alert in enumerate(plan.alerts):
        texts = {
            "summary": alert.summary,
            "description": alert.description,
            **{f"annotations.{k}": v for k, v in alert.annotations.items()},
        }
        for key, text in texts.items():
            error = gotemplate.template_error(text)
            if error:
                path: Path = ("alerts", i, *key.split("."))
                yield source.problem(path, f"bad Prometheus template: {error}", "plan/template")


def _testable(plan: Plan, source: Source) -> Iterator[Problem]:
    """Every alert must get generated tests, so the plan must say how to feed it."""
    for i, alert in enumerate(plan.alerts):
        if alert.metric is None:
            if alert.tests is None:
                yield source.problem(
                    ("alerts", i),
                    "a raw (expr) alert needs `tests` "
                    "(firing and quiet series) so it can be tested",
                    "plan/untestable",
                )
            continue
        metric = plan.metrics.get(alert.metric)
        if metric is None or metric.fixture is not None:
            continue
        if metric.record is None or alert.guard:
            why = "has a guard whose series" if alert.guard else "reads a metric that"
            yield source.problem(
                ("alerts", i, "metric"),
                f"cannot generate tests: the alert "
                f"{why} no recorded series can feed; add "
                f"metrics.{alert.metric}.fixture (raw series as a function "
                "of v)",
                "plan/untestable",
            )


def _fixtures(plan: Plan, source: Source) -> Iterator[Problem]:
    specs: list[tuple[Path, str | None]] = []
    for name, metric in plan.metrics.items():
        for j, series in enumerate(metric.fixture.series if metric.fixture else []):
            specs += [
                (("metrics", name, "fixture", "series", j, "value"), series.value),
                (("metrics", name, "fixture", "series", j, "rate"), series.rate),
            ]
    for i, slo in enumerate(plan.slos):
        for j, series in enumerate(slo.fixture.series):
            specs += [
                (("slos", i, "fixture", "series", j, "value"), series.value),
                (("slos", i, "fixture", "series", j, "rate"), series.rate),
            ]
    for path, text in specs:
        error = arith.check(text) if text is not None else None
        if error:
            yield source.problem(path, error, "plan/fixture")
    yield from _counters_grow(plan, source)


def _counters_grow(plan: Plan, source: Source) -> Iterator[Problem]:
    for alert in plan.alerts:
        if alert.metric is None or alert.threshold is None:
            continue
        fed = plan.metrics.get(alert.metric)
        if fed is None or fed.fixture is None:
            continue
        for v in fire_and_quiet(plan, alert):
            for j, series in enumerate(fed.fixture.series):
                if (
                    series.rate
                    and arith.check(series.rate) is None
                    and arith.evaluate(series.rate, v) < 0
                ):
                    yield source.problem(
                        ("metrics", alert.metric, "fixture", "series", j, "rate"),
                        f"is negative for v={v} (tested by {alert.name}); counters only grow",
                        "plan/fixture",
                    )


def _predictable(plan: Plan, source: Source) -> Iterator[Problem]:
    """Annotation and label templates must be ones generated tests can render exactly."""
    for i, alert in enumerate(plan.alerts):
        texts: dict[tuple[str, ...], str] = {
            ("summary",): alert.summary,
            ("description",): alert.description,
            **{("annotations", k): v for k, v in alert.annotations.items()},
            **{("labels", k): v for k, v in alert.labels.items()},
        }
        if alert.service:
            texts[("service",)] = alert.service
        for key, text in texts.items():
            action = gotemplate.unsupported(text)
            if action and gotemplate.template_error(text) is None:
                yield source.problem(
                    ("alerts", i, *key),
                    f"{action} cannot be checked by generated tests; use {gotemplate.SUPPORTED}",
                    "plan/template",
                )


def _email_needs_smtp(plan: Plan, source: Source) -> Iterator[Problem]:
    if plan.smtp is None:
        for name, channel in plan.channels.items():
            if channel.type == "email":
                yield source.problem(
                    ("channels", name),
                    "an email channel needs the plan's smtp section (smarthost, from)",
                    "plan/smtp",
                    key=True,
                )
                return


def _teams(plan: Plan, source: Source) -> Iterator[Problem]:
    known = {a.team for a in plan.areas.values() if a.team} | {
        a.team for a in plan.alerts if a.team
    }
    for team, spec in plan.teams.items():
        if team not in known:
            yield source.problem(
                ("teams", team),
                f"team {team!r} owns no area or alert{suggest(team, known)}",
                "plan/unknown-team",
                key=True,
            )
        for level, channels in spec.notify.items():
            for j, channel in enumerate(channels):
                if channel not in plan.channels:
                    yield _dangling(
                        source,
                        ("teams", team, "notify", level, j),
                        "channel",
                        channel,
                        plan.channels,
                    )


def _escalation_order(plan: Plan, source: Source) -> Iterator[Problem]:
    if plan.oncall is None:
        return
    previous = durations.seconds(plan.oncall.rotation.secondary_after)
    for i, step in enumerate(plan.oncall.escalation):
        if durations.seconds(step.after) <= previous:
            yield source.problem(
                ("oncall", "escalation", i, "after"),
                f"{step.after} must be "
                "later than the step before it (and than "
                "rotation.secondary_after)",
                "plan/escalation-order",
            )
        previous = durations.seconds(step.after)


def _overlaps(plan: Plan, source: Source) -> Iterator[Problem]:
    for i, window in enumerate(plan.maintenance_windows):
        spans = sorted((s.start, s.end, j) for j, s in enumerate(window.times))
        for (_, end, _), (start, _, j) in itertools.pairwise(spans):
            if start < end:
                yield source.problem(
                    ("maintenance_windows", i, "times", j),
                    f"overlaps "
                    f"another range of this window (starts {start}, before "
                    f"{end}); merge them",
                    "plan/time-overlap",
                )


def _log_classes(plan: Plan, source: Source) -> Iterator[Problem]:
    logging = plan.logging
    if logging is None:
        return
    classes = sorted(logging.classes)
    for i, log_source in enumerate(logging.sources):
        if log_source.log_class not in logging.classes:
            yield _dangling(
                source,
                ("logging", "sources", i, "class"),
                "log class",
                log_source.log_class,
                classes,
            )
        if (log_source.format == "grok") != (log_source.pattern is not None):
            yield source.problem(
                ("logging", "sources", i),
                "a grok source needs `pattern`; other formats take none",
                "plan/log-format",
            )
    if logging.security and logging.security_class not in logging.classes:
        yield _dangling(
            source, ("logging", "security_class"), "log class", logging.security_class, classes
        )
    services = [s.service for s in logging.sources]
    for i, service in enumerate(services):
        if service in services[:i]:
            yield source.problem(
                ("logging", "sources", i, "service"),
                f"{service!r} has two log sources",
                "plan/duplicate-name",
            )


def _retention(plan: Plan, source: Source) -> Iterator[Problem]:
    if plan.logging is None:
        return
    deletes = {
        n: durations.seconds(c.retention.delete_after) for n, c in plan.logging.classes.items()
    }
    for name, spec in plan.logging.classes.items():
        at = ("logging", "classes", name, "retention")
        steps = [
            ("warm_after", spec.retention.warm_after),
            ("cold_after", spec.retention.cold_after),
            ("delete_after", spec.retention.delete_after),
        ]
        previous = ("hot.max_age", durations.seconds(spec.retention.hot.max_age))
        for key, value in steps:
            if value is None:
                continue
            if durations.seconds(value) <= previous[1]:
                yield source.problem(
                    (*at, key),
                    f"{value} must come after {previous[0]}; phases run hot, warm, cold, delete",
                    "plan/phase-order",
                )
            previous = (key, durations.seconds(value))
        longest = max(deletes.values())
        if spec.audit and deletes[name] < longest:
            yield source.problem(
                (*at, "delete_after"),
                "an audit class must be kept longest "
                f"(another class keeps logs {durations.format_seconds(longest)})",
                "plan/audit-retention",
            )


def _log_patterns(plan: Plan, source: Source) -> Iterator[Problem]:
    if plan.logging is None:
        return
    patterns: list[tuple[Path, str, bool]] = []
    for i, log_source in enumerate(plan.logging.sources):
        if log_source.pattern:
            patterns.append((("logging", "sources", i, "pattern"), log_source.pattern, True))
        for j, drop in enumerate(log_source.drop):
            if drop.matches is not None:
                patterns.append(
                    (("logging", "sources", i, "drop", j, "matches"), drop.matches, False)
                )
    for i, security in enumerate(plan.logging.security):
        patterns.append((("logging", "security", i, "matches"), security.matches, False))
    for path, text, grok in patterns:
        error = logstash_regex_error(text, grok=grok)
        if error:
            yield source.problem(path, error, "plan/regex")


def metric_job(plan: Plan, name: str) -> str | None:
    """The scrape job providing metric `name`: its `job`, else the job="..." it selects."""
    metric = plan.metrics[name]
    if metric.job:
        return metric.job
    return first_equality(metric.expr, "job")


def _metric_jobs(plan: Plan, source: Source) -> Iterator[Problem]:
    for name in plan.metrics:
        job = metric_job(plan, name)
        if job is None or job in plan.jobs:
            continue
        users = [a.name for a in plan.alerts if a.metric == name]
        lost = f"; alerts {', '.join(users)} lose their source" if users else ""
        yield source.problem(
            ("metrics", name),
            f"its scrape job {job!r} is not declared in jobs{suggest(job, plan.jobs)}{lost}",
            "plan/undeclared-job",
            key=True,
            level="warning",
        )


def _scrape_windows(plan: Plan, source: Source) -> Iterator[Problem]:
    """A rate window must span at least four scrapes, or the rate is noise or nothing."""
    for name, metric in plan.metrics.items():
        job = plan.jobs.get(metric_job(plan, name) or "")
        if job is None:
            continue
        interval = durations.seconds(job.interval or plan.prometheus.scrape_interval)
        windows = [
            durations.seconds(w) for w in range_windows(metric.expr) if durations.is_duration(w)
        ]
        if windows and min(windows) < 4 * interval:
            yield source.problem(
                ("metrics", name, "expr"),
                f"a [{durations.format_seconds(min(windows))}] "
                f"window sees fewer than four scrapes of job "
                f"{metric_job(plan, name)!r} (every "
                f"{durations.format_seconds(interval)}); scrape it every "
                f"{durations.format_seconds(min(windows) / 4)} or less, or widen "
                "the window",
                "plan/scrape-interval",
            )


def _probes(plan: Plan, source: Source) -> Iterator[Problem]:
    names = [p.name for p in plan.probes]
    for i, probe in enumerate(plan.probes):
        at = ("probes", i)
        if probe.name in names[:i]:
            yield source.problem(
                (*at, "name"), f"{probe.name!r} is already used", "plan/duplicate-name"
            )
        if probe.module == "http" and not re.match(r"https?://", probe.target):
            yield source.problem(
                (*at, "target"), "an http probe needs an http(s):// URL", "plan/probe"
            )
        if probe.module in ("tcp", "dns") and not re.fullmatch(r"[A-Za-z0-9.-]+:\d+", probe.target):
            yield source.problem(
                (*at, "target"), f"a {probe.module} probe needs host:port", "plan/probe"
            )
        if (probe.module == "dns") != (probe.query_name is not None):
            yield source.problem(
                at, "query_name goes with (and only with) dns probes", "plan/probe"
            )


def _panels(plan: Plan, source: Source) -> Iterator[Problem]:
    boards = set(plan.areas) | set(plan.dashboards)
    for name, metric in plan.metrics.items():
        board = metric.panel.dashboard
        if board is not None and board not in boards:
            yield _dangling(
                source, ("metrics", name, "panel", "dashboard"), "dashboard", board, boards
            )
    for slug, board_spec in plan.dashboards.items():
        for j, metric_name in enumerate(board_spec.metrics):
            if metric_name not in plan.metrics:
                yield _dangling(
                    source, ("dashboards", slug, "metrics", j), "metric", metric_name, plan.metrics
                )


def _matches(plan: Plan, source: Source) -> Iterator[Problem]:
    """`match` narrows a recorded series; an unrecorded expression cannot take matchers."""
    for i, alert in enumerate(plan.alerts):
        metric = plan.metrics.get(alert.metric or "")
        if alert.match and (metric is None or metric.record is None):
            yield source.problem(
                ("alerts", i, "match"),
                "match needs a metric with a record (label matchers go on the recorded series)",
                "plan/match",
            )


def _environments(plan: Plan, source: Source) -> Iterator[Problem]:
    """Every override must match something: a silent no-op override is a plan bug."""
    alerts = [a.name for a in plan.alerts]
    classes = sorted(plan.logging.classes) if plan.logging else []
    for env, spec in plan.environments.items():
        for name in spec.alerts:
            if name not in alerts:
                yield _dangling(
                    source, ("environments", env, "alerts", name), "alert", name, alerts
                )
        for log_class in spec.retention:
            if log_class not in classes:
                yield _dangling(
                    source,
                    ("environments", env, "retention", log_class),
                    "log class",
                    log_class,
                    classes,
                )
        for level, override in spec.severities.items():
            for j, channel in enumerate(override.notify):
                if channel not in plan.channels:
                    yield _dangling(
                        source,
                        ("environments", env, "severities", level, "notify", j),
                        "channel",
                        channel,
                        plan.channels,
                    )


def _maintenance(plan: Plan, source: Source) -> Iterator[Problem]:
    for i, window in enumerate(plan.maintenance_windows):
        at = ("maintenance_windows", i)
        if "P1" in window.mute:
            yield source.problem(
                (*at, "mute"),
                "P1 can never be muted: a critical outage must page even during maintenance",
                "plan/p1-muted",
            )
        for j, day in enumerate(window.weekdays):
            yield from _names_or_ranges(source, (*at, "weekdays", j), day, WEEKDAYS)
        for j, month in enumerate(window.months):
            yield from _names_or_ranges(source, (*at, "months", j), month, MONTHS)
        for j, span in enumerate(window.times):
            if span.start >= span.end:
                yield source.problem(
                    (*at, "times", j),
                    f"start {span.start} is not before end {span.end}",
                    "plan/time-range",
                )
        for j, area in enumerate(window.areas):
            if area not in plan.areas:
                yield _dangling(source, (*at, "areas", j), "area", area, plan.areas)
        if window.location not in _zones():
            yield source.problem(
                (*at, "location"),
                f"unknown time zone {window.location!r}"
                f"{suggest(window.location, _zones())} (use an IANA name "
                "such as UTC or Europe/Berlin)",
                "plan/time-zone",
            )


def _names_or_ranges(
    source: Source, path: tuple[str | int, ...], text: str, names: tuple[str, ...]
) -> Iterator[Problem]:
    parts = text.lower().split(":")
    for part in parts:
        if part not in names and not part.isdigit():
            yield source.problem(
                path,
                f"{text!r} is not a valid value{suggest(part, names)} "
                f"(use {names[0]}, {names[1]}, ... or a range such as "
                f"{names[1]}:{names[5]})",
                "plan/calendar",
            )
            return
    order = [names.index(p) + 1 if p in names else int(p) for p in parts]
    if len(parts) > 2 or order != sorted(order):
        yield source.problem(
            path,
            f"{text!r} is not a forward range (Alertmanager's order is {names[0]}..{names[-1]})",
            "plan/calendar",
        )


def _zones() -> set[str]:
    return zoneinfo.available_timezones() | {"UTC", "Local"}


def _dangling(
    source: Source, path: tuple[str | int, ...], kind: str, name: str, choices: Iterable[str]
) -> Problem:
    choices = sorted(choices)
    return source.problem(
        path,
        f"unknown {kind} {name!r}{suggest(name, choices)} "
        f"(defined: {', '.join(choices) or 'none'})",
        f"plan/unknown-{kind}",
    )


CHECKS: tuple[Check, ...] = (
    _areas,
    _alert_metrics,
    _unique_names,
    _channels,
    _webhook_urls,
    _expressions,
    _slo_windows,
    _templates,
    _maintenance,
    _testable,
    _fixtures,
    _predictable,
    _email_needs_smtp,
    _teams,
    _overlaps,
    _escalation_order,
    _log_classes,
    _retention,
    _log_patterns,
    _metric_jobs,
    _scrape_windows,
    _probes,
    _panels,
    _environments,
    _matches,
)


def check_plan(plan: Plan, source: Source) -> list[Problem]:
    """Every cross-field problem in the plan, errors and warnings, sorted."""
    return sorted(problem for check in CHECKS for problem in check(plan, source))
