"""One typed view of alerting: receivers, the route tree, inhibit rules and time intervals.

`alerting(plan)` builds it once per plan (`build.py`, from the level policy in `levels.py`
and the receivers in `receivers.py`); `parse_config` reads a generated alertmanager.yml back
into it. Both Alertmanager targets serialise it; lint, the drill and the docs query it
through the one route simulator, `Alerting.route` (`view.py`).
"""

from eyewatch_gen.plan.alerting.build import alerting
from eyewatch_gen.plan.alerting.levels import LevelRoute, default_receiver, level_routes
from eyewatch_gen.plan.alerting.operator import Loading, deployed, loading
from eyewatch_gen.plan.alerting.parse import parse_config
from eyewatch_gen.plan.alerting.view import (
    Alerting,
    Email,
    Global,
    InhibitRule,
    Matcher,
    Notifier,
    Opsgenie,
    PagerDuty,
    Receiver,
    Route,
    Routed,
    Smtp,
    TimeInterval,
    TimeRange,
    TimeSpec,
    Webhook,
    deliveries,
    walk,
)

__all__ = [
    "Alerting",
    "Email",
    "Global",
    "InhibitRule",
    "LevelRoute",
    "Loading",
    "Matcher",
    "Notifier",
    "Opsgenie",
    "PagerDuty",
    "Receiver",
    "Route",
    "Routed",
    "Smtp",
    "TimeInterval",
    "TimeRange",
    "TimeSpec",
    "Webhook",
    "alerting",
    "default_receiver",
    "deliveries",
    "deployed",
    "level_routes",
    "loading",
    "parse_config",
    "walk",
]
