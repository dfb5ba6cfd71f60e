"""The alerting view of a plan, computed once per plan: a route tree on `severity` with the
level's timings and team overrides below, inhibit rules, and maintenance windows as time
intervals muting the levels (and areas) the plan names."""

from __future__ import annotations

from dataclasses import replace

from eyewatch_gen.plan import calendar, escalation
from eyewatch_gen.plan.alerting.levels import LevelRoute, default_receiver, level_routes
from eyewatch_gen.plan.alerting.receivers import receivers
from eyewatch_gen.plan.alerting.view import (
    Alerting,
    Global,
    InhibitRule,
    Matcher,
    Route,
    Smtp,
    TimeInterval,
    TimeRange,
    TimeSpec,
)
from eyewatch_gen.plan.fields import LEVELS
from eyewatch_gen.plan.memo import per_plan
from eyewatch_gen.plan.model import Inhibition, MaintenanceWindow, Plan
from eyewatch_gen.plan.slo import AREA as SLO_AREA


@per_plan
def alerting(plan: Plan) -> Alerting:
    """Everything Alertmanager needs to know about the plan."""
    return Alerting(
        global_=_global(plan),
        root=_root(plan),
        inhibit_rules=_inhibit_rules(plan),
        time_intervals=tuple(_time_interval(w) for w in plan.maintenance_windows),
        receivers=receivers(plan),
    )


def _global(plan: Plan) -> Global:
    smtp = plan.smtp
    if smtp is None:
        return Global("5m")
    return Global(
        "5m",
        Smtp(
            smtp.smarthost,
            smtp.sender,
            smtp.require_tls,
            auth_username=smtp.auth_username or None,
            auth_password_file=smtp.auth_password_file or None,
        ),
    )


def _root(plan: Plan) -> Route:
    all_routes = level_routes(plan)
    return Route(
        receiver=default_receiver(plan),
        group_by=("alertname", "service"),
        group_wait="30s",
        group_interval="5m",
        repeat_interval="4h",
        routes=_escalation_routes(plan, all_routes)
        + tuple(
            _level_route(plan, [r for r in all_routes if r.level == level]) for level in LEVELS
        ),
    )


def _escalation_routes(plan: Plan, all_routes: list[LevelRoute]) -> tuple[Route, ...]:
    """Before the levels: escalation alerts, by step and level, to the step's receiver, with
    the level's timings and maintenance windows; one notification per escalated alert."""
    routes = []
    for level in escalation.levels(plan):
        main = next(r for r in all_routes if r.level == level and r.team is None)
        areas = tuple(_area_mute_route(w, ()) for w in calendar.area_muting(plan, level))
        routes += [
            Route(
                (
                    Matcher("severity", "=", level),
                    Matcher(escalation.STEP_LABEL, "=", step.name),
                ),
                step.receiver,
                group_by=("alertname", "service", escalation.ORIGINAL_LABEL),
                group_wait=main.group_wait,
                group_interval=main.group_interval,
                repeat_interval=main.repeat_interval,
                mute_time_intervals=calendar.muting(plan, level),
                routes=areas,
            )
            for step in escalation.steps(plan)
        ]
    return tuple(routes)


def _level_route(plan: Plan, routes: list[LevelRoute]) -> Route:
    main = next(r for r in routes if r.team is None)
    mute = calendar.muting(plan, main.level)
    # Alertmanager does not pass mute_time_intervals down to child routes: repeat them.
    teams = tuple(
        Route((Matcher("team", "=", r.team),), r.receiver, mute_time_intervals=mute)
        for r in routes
        if r.team is not None
    )
    areas = tuple(_area_mute_route(w, teams) for w in calendar.area_muting(plan, main.level))
    return Route(
        (Matcher("severity", "=", main.level),),
        main.receiver,
        group_wait=main.group_wait,
        group_interval=main.group_interval,
        repeat_interval=main.repeat_interval,
        mute_time_intervals=mute,
        routes=areas + teams,
    )


def _area_mute_route(window: MaintenanceWindow, teams: tuple[Route, ...]) -> Route:
    """Alerts of the window's areas, muted during it; team routing still applies below."""
    return Route(
        (Matcher("area", "=~", "|".join(window.areas)),),
        mute_time_intervals=(window.name,),
        routes=tuple(
            replace(t, mute_time_intervals=(*t.mute_time_intervals, window.name)) for t in teams
        ),
    )


def _inhibit_rules(plan: Plan) -> tuple[InhibitRule, ...]:
    """A P1 silences lower levels of the same service; an SLO page its own ticket; plus the
    plan's own inhibitions. `service=~".+"` keeps a P1 without a service from silencing
    every alert that has none."""
    rules = [
        InhibitRule(
            (Matcher("severity", "=", "P1"), Matcher("service", "=~", ".+")),
            (Matcher("severity", "=~", "P2|P3|P4"),),
            ("service",),
        )
    ]
    if plan.slos:
        rules.append(
            InhibitRule(
                (Matcher("area", "=", SLO_AREA), Matcher("sloth_severity", "=", "page")),
                (Matcher("area", "=", SLO_AREA), Matcher("sloth_severity", "=", "ticket")),
                ("sloth_id",),
            )
        )
    return (*rules, *(_inhibition(item) for item in plan.inhibitions))


def _inhibition(item: Inhibition) -> InhibitRule:
    return InhibitRule(
        tuple(Matcher(k, "=", v) for k, v in item.source.items()),
        tuple(Matcher(k, "=", v) for k, v in item.target.items()),
        tuple(item.equal),
    )


def _time_interval(window: MaintenanceWindow) -> TimeInterval:
    spec = TimeSpec(
        times=tuple(TimeRange(t.start, t.end) for t in window.times),
        weekdays=tuple(v.lower() for v in window.weekdays),
        days_of_month=tuple(v.lower() for v in window.days_of_month),
        months=tuple(v.lower() for v in window.months),
        location=window.location,
    )
    return TimeInterval(window.name, (spec,))
