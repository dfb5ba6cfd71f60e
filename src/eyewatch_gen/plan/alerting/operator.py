"""The Prometheus Operator's deployment of an AlertmanagerConfig object, after
`pkg/alertmanager/amcfg.go`, so routing can be checked as the operator runs it.

Referenced from the Alertmanager's `spec.alertmanagerConfiguration`, the object is the whole
configuration, as written. Selected by `alertmanagerConfigSelector` instead, it is merged
into the configuration from the Alertmanager's `configSecret`: receiver and time interval
names get the prefix `<namespace>/<name>/`, the object's top route goes first among the root's
children with `continue: true` (so alerts also reach the base configuration's routes), and
under the matcher strategy `OnNamespace` (the default; and under
`OnNamespaceExceptForAlertmanagerNamespace` for objects outside the Alertmanager's namespace)
that route and both sides of every inhibit rule get `namespace="<the object's namespace>"`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from eyewatch_gen.plan.alerting.view import (
    Alerting,
    Global,
    InhibitRule,
    Matcher,
    Receiver,
    Route,
    TimeInterval,
)
from eyewatch_gen.plan.model import OperatorAlertmanager, Plan
from eyewatch_gen.plan.model.outputs import OperatorMode

#: kube-prometheus-stack's base configuration, as far as routing goes: everything else ends
#: at the receiver "null".
NULL = "null"
BASE = Alerting(Global("5m"), Route(receiver=NULL), (), (), (Receiver(NULL),))


@dataclass(frozen=True)
class Loading:
    """How an Alertmanager resource loads one AlertmanagerConfig object."""

    namespace: str  # the object's
    name: str  # the object's
    alertmanager: str  # the Alertmanager resource's name
    alertmanager_namespace: str
    mode: OperatorMode

    @property
    def prefix(self) -> str:
        """What the operator puts before the object's receiver and interval names."""
        return f"{self.namespace}/{self.name}/"

    @property
    def namespace_enforced(self) -> bool:
        """Whether the object's routes and inhibit rules only see its namespace's alerts."""
        return self.mode == "OnNamespace" or (
            self.mode == "OnNamespaceExceptForAlertmanagerNamespace"
            and self.namespace != self.alertmanager_namespace
        )


def loading(plan: Plan) -> Loading | None:
    """How the plan's AlertmanagerConfig object is loaded; None without the object."""
    spec = plan.outputs.kubernetes
    if spec is None or not spec.alertmanager_config:
        return None
    target = spec.alertmanager
    namespace = target.namespace or spec.namespace
    return Loading(spec.namespace, plan.platform, target.name, namespace, mode(plan, target))


def mode(plan: Plan, target: OperatorAlertmanager) -> OperatorMode:
    """The mode as written, else the matcher strategy that lets the object see every alert
    and leaves other namespaces' objects to their own alerts (operator 0.84+, the object in
    the Alertmanager's namespace), else `None`."""
    if target.mode is not None:
        return target.mode
    spec = plan.outputs.kubernetes
    assert spec is not None
    same = (target.namespace or spec.namespace) == spec.namespace
    if same and plan.versions.has("alertmanager-namespace-strategy"):
        return "OnNamespaceExceptForAlertmanagerNamespace"
    return "None"


def deployed(view: Alerting, how: Loading, base: Alerting = BASE) -> Alerting:
    """The Alertmanager configuration the operator builds from an object holding `view`
    (merged into `base`, the configSecret's configuration, unless referenced)."""
    top = _renamed(view.root, how.prefix)
    receivers = tuple(replace(r, name=how.prefix + r.name) for r in view.receivers)
    intervals = tuple(TimeInterval(how.prefix + i.name, i.specs) for i in view.time_intervals)
    if how.mode == "configuration":
        return Alerting(view.global_, top, view.inhibit_rules, intervals, receivers)
    inhibit_rules = view.inhibit_rules
    if how.namespace_enforced:
        own = Matcher("namespace", "=", how.namespace)
        top = replace(top, matchers=(*top.matchers, own))
        inhibit_rules = tuple(
            InhibitRule((*r.source, own), (*r.target, own), r.equal) for r in inhibit_rules
        )
    root = replace(base.root, routes=(replace(top, continue_=True), *base.root.routes))
    return Alerting(
        # the object's SMTP settings travel on each of its e-mails; they stand in as global
        replace(base.global_, smtp=view.global_.smtp),
        root,
        (*base.inhibit_rules, *inhibit_rules),
        (*base.time_intervals, *intervals),
        (*base.receivers, *receivers),
    )


def _renamed(route: Route, prefix: str) -> Route:
    return replace(
        route,
        receiver=route.receiver and prefix + route.receiver,
        mute_time_intervals=tuple(prefix + name for name in route.mute_time_intervals),
        routes=tuple(_renamed(child, prefix) for child in route.routes),
    )
