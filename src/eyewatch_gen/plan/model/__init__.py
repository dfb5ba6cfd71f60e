"""The plan model: what `plan.yaml` may say, as frozen pydantic models, one module per section.

Targets read only these models, never the YAML. Unknown keys are errors; every field says what
it is for (the text ends up in `eyewatch-gen schema` and so in editors). Checks that need more
than one field (references, uniqueness) live in `plan.checks`. A new plan section is a new
module here, re-exported below.
"""

from eyewatch_gen.plan.model.alerts import (
    AbsentGuard,
    Alert,
    AlertOverride,
    AlertSet,
    AlertTests,
    Fixture,
    Metric,
    Series,
)
from eyewatch_gen.plan.model.base import Model
from eyewatch_gen.plan.model.budget import PageBudget
from eyewatch_gen.plan.model.dashboards import Dashboard, Grafana, PanelSpec
from eyewatch_gen.plan.model.environments import Environment, LevelOverride
from eyewatch_gen.plan.model.log_alerts import LogAlert, LogAlertKind
from eyewatch_gen.plan.model.logging import (
    DropRule,
    FieldMatch,
    HotPhase,
    LogClass,
    Logging,
    LogOutput,
    LogSource,
    Multiline,
    Retention,
    SecurityRule,
    Shipping,
    ShippingTls,
)
from eyewatch_gen.plan.model.maintenance import Cadence, Completion, Maintenance, Routine
from eyewatch_gen.plan.model.outputs import (
    KubernetesOutput,
    OperatorAlertmanager,
    Outputs,
    ThanosOutput,
)
from eyewatch_gen.plan.model.plan import Area, Plan
from eyewatch_gen.plan.model.policy import Policy
from eyewatch_gen.plan.model.recovery import Backup, Recovery, RestoreTest
from eyewatch_gen.plan.model.routing import (
    Channel,
    Escalation,
    Inhibition,
    OnCall,
    Rotation,
    Severities,
    SeverityLevel,
    Smtp,
    Team,
)
from eyewatch_gen.plan.model.runbooks import AlertClass, AlertKind, Guide, Link, Runbooks
from eyewatch_gen.plan.model.scrape import (
    CertificateExpiry,
    Job,
    KubernetesDiscovery,
    Probe,
    ProbeAlerting,
    PrometheusServer,
    RemoteWrite,
)
from eyewatch_gen.plan.model.slos import Slo, SloAlerting, SloFixture, SloSli, TrafficStopped
from eyewatch_gen.plan.model.versions import Versions
from eyewatch_gen.plan.model.windows import MaintenanceWindow, TimeRange

__all__ = [
    "AbsentGuard",
    "Alert",
    "AlertClass",
    "AlertKind",
    "AlertOverride",
    "AlertSet",
    "AlertTests",
    "Area",
    "Backup",
    "Cadence",
    "CertificateExpiry",
    "Channel",
    "Completion",
    "Dashboard",
    "DropRule",
    "Environment",
    "Escalation",
    "FieldMatch",
    "Fixture",
    "Grafana",
    "Guide",
    "HotPhase",
    "Inhibition",
    "Job",
    "KubernetesDiscovery",
    "KubernetesOutput",
    "LevelOverride",
    "Link",
    "LogAlert",
    "LogAlertKind",
    "LogClass",
    "LogOutput",
    "LogSource",
    "Logging",
    "Maintenance",
    "MaintenanceWindow",
    "Metric",
    "Model",
    "Multiline",
    "OnCall",
    "OperatorAlertmanager",
    "Outputs",
    "PageBudget",
    "PanelSpec",
    "Plan",
    "Policy",
    "Probe",
    "ProbeAlerting",
    "PrometheusServer",
    "Recovery",
    "RemoteWrite",
    "RestoreTest",
    "Retention",
    "Rotation",
    "Routine",
    "Runbooks",
    "SecurityRule",
    "Series",
    "Severities",
    "SeverityLevel",
    "Shipping",
    "ShippingTls",
    "Slo",
    "SloAlerting",
    "SloFixture",
    "SloSli",
    "Smtp",
    "Team",
    "ThanosOutput",
    "TimeRange",
    "TrafficStopped",
    "Versions",
]
