"""Optional outputs: the AlertmanagerConfig object as the Prometheus Operator deploys it (its
routing, its time zone) and the Alertmanager resource that loads it."""

from __future__ import annotations

from collections.abc import Iterator

from eyewatch_gen.plan.alerting import alerting, deployed, loading
from eyewatch_gen.plan.catalog import rule_groups
from eyewatch_gen.plan.checks.common import Check
from eyewatch_gen.plan.model import Plan
from eyewatch_gen.plan.source import Source
from eyewatch_gen.problems import Problem

OPERATOR_ROUTING = "plan/operator-routing"
OPERATOR_MODE = "plan/operator-mode"
OBJECT_TIME_ZONE = "plan/object-time-zone"

#: IANA names of UTC itself; any other zone has (or had) an offset or daylight saving time.
UTC_NAMES = frozenset(
    {"UTC", "Etc/UTC", "Etc/UCT", "UCT", "Etc/Universal", "Universal", "Etc/Zulu", "Zulu"}
    | {"GMT", "Etc/GMT", "Etc/GMT+0", "Etc/GMT-0", "Etc/GMT0", "GMT0", "GMT+0", "GMT-0"}
    | {"Etc/Greenwich", "Greenwich"}
)
_SHOWN = 6  # alerts named in a message; the rest are counted


def _object_on(plan: Plan) -> bool:
    return plan.outputs.kubernetes is not None and plan.outputs.kubernetes.alertmanager_config


def _windows_in_utc(plan: Plan, source: Source) -> Iterator[Problem]:
    """The CRD's time intervals have no `location`: the operator's Alertmanager reads their
    times as UTC, so a window in another zone would silently move."""
    if not _object_on(plan):
        return
    for i, window in enumerate(plan.maintenance_windows):
        if window.location not in UTC_NAMES:
            yield source.problem(
                ("maintenance_windows", i, "location"),
                f"{window.location} cannot be kept in the AlertmanagerConfig object "
                "(outputs.kubernetes.alertmanager_config): its time intervals have no time "
                "zone and the operator's Alertmanager reads them as UTC, so the window would "
                "move by the zone's offset (and by daylight saving time); write the window in "
                "UTC (location: UTC, times and days converted) or turn the object off",
                OBJECT_TIME_ZONE,
            )


def _mode_given(plan: Plan, source: Source) -> Iterator[Problem]:
    """The object routes as planned only with a setting on the Alertmanager resource: a plan
    that does not say how its Alertmanager loads the object is told what that takes."""
    how = loading(plan)
    spec = plan.outputs.kubernetes
    if how is None or spec is None:
        return
    if spec.alertmanager.mode is None:
        yield source.problem(
            ("outputs", "kubernetes", "alertmanager_config"),
            "the Prometheus Operator routes only alerts labelled "
            f'namespace="{how.namespace}" through this object unless the Alertmanager '
            f"resource {how.alertmanager_namespace}/{how.alertmanager} is set as in "
            f"kubernetes/alertmanager-patch.yaml (mode {how.mode}); apply it and set "
            "outputs.kubernetes.alertmanager (name, mode) to the Alertmanager you run",
            OPERATOR_MODE,
            key=True,
            level="warning",
        )
    if how.mode == "configuration" and how.alertmanager_namespace != how.namespace:
        yield source.problem(
            ("outputs", "kubernetes", "alertmanager", "namespace"),
            "mode configuration reads the object from the Alertmanager's own namespace: "
            f"render it into {how.alertmanager_namespace} (outputs.kubernetes.namespace) "
            "or use a matcher strategy mode",
            OPERATOR_MODE,
        )


def _operator_routing(plan: Plan, source: Source) -> Iterator[Problem]:
    """Every alert, with the labels of its generated test, must reach through the deployed
    object the receiver alertmanager.yml gives it."""
    how = loading(plan)
    spec = plan.outputs.kubernetes
    if how is None or spec is None:
        return
    view = alerting(plan)
    operated = deployed(view, how)
    rules = [rule for group in rule_groups(plan) for rule in group.alerting]
    lost = [
        rule.name
        for rule in rules
        if how.prefix + view.route(labels := rule.example_labels()).receiver
        not in operated.receivers_of(labels)
    ]
    if not lost:
        return
    named = ", ".join(lost[:_SHOWN]) + (f" and {len(lost) - _SHOWN} more" if lost[_SHOWN:] else "")
    at = ("outputs", "kubernetes", "alertmanager", "mode")
    yield source.problem(
        at if spec.alertmanager.mode is not None else ("outputs", "kubernetes"),
        f"with mode {how.mode} the Prometheus Operator adds "
        f'namespace="{how.namespace}" to this object\'s route and inhibit rules, so '
        f"{len(lost)} of {len(rules)} alerts skip its routing ({named}, with the labels of "
        "their generated tests); use mode OnNamespaceExceptForAlertmanagerNamespace (the "
        "object in the Alertmanager's namespace), None or configuration",
        OPERATOR_ROUTING,
    )


CHECKS: tuple[Check, ...] = (_windows_in_utc, _mode_given)
DERIVED: tuple[Check, ...] = (_operator_routing,)
