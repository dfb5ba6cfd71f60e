"""The plan model: what `plan.yaml` may say, as frozen pydantic models.

Targets read only these models, never the YAML. Unknown keys are errors; every field says what
it is for (the text ends up in `eyewatch-gen schema` and so in editors). Checks that need more
than one field (references, uniqueness) live in `plan.semantics`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from eyewatch_gen.plan.fields import (
    AlertName,
    ByteSize,
    ChannelName,
    ClockTime,
    Comparison,
    Duration,
    Email,
    EnvRef,
    LabelName,
    Level,
    MetricName,
    RecordName,
    SecretFile,
    Slug,
    Url,
)


class Model(BaseModel):
    """Base of every plan section: frozen, strict about types, unknown keys rejected."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, strict=True, populate_by_name=True, allow_inf_nan=False
    )


class Area(Model):
    """A monitoring area: one rule file, one rule group and one dashboard."""

    title: str = Field(description="Human title, used for dashboards and docs.")
    team: Slug | None = Field(None, description="Owning team; its alerts carry a `team` label.")
    description: str = ""


class SeverityLevel(Model):
    """One alert level of the monitoring plan."""

    description: str
    response_time: Duration = Field(description="How soon a person must respond.")
    notify: list[ChannelName] = Field(min_length=1, description="Channels this level reaches.")


class Severities(Model):
    """Exactly the four levels P1 (critical) to P4 (low)."""

    P1: SeverityLevel
    P2: SeverityLevel
    P3: SeverityLevel
    P4: SeverityLevel

    def level(self, name: Level) -> SeverityLevel:
        """The level called `name`."""
        level: SeverityLevel = getattr(self, name)
        return level


class Channel(Model):
    """A way to reach people. Secrets are referenced by file path, never written here."""

    type: Literal["pagerduty", "opsgenie", "webhook", "email"]
    routing_key_file: SecretFile | None = Field(
        None, description="pagerduty: file holding the Events API v2 routing key."
    )
    api_key_file: SecretFile | None = Field(None, description="opsgenie: file holding the API key.")
    service: str | None = Field(
        None, description="pagerduty/opsgenie: the paging service the receiver belongs to."
    )
    url: Url | None = Field(
        None,
        description="webhook: endpoint URL, without credentials (they go in credentials_file).",
    )
    credentials_file: SecretFile | None = Field(
        None, description="webhook: file holding the bearer token sent as Authorization."
    )
    to: Email | None = Field(None, description="email: recipient address.")
    pages: bool | None = Field(
        None,
        description="Whether this channel wakes a person up "
        "(default: true for pagerduty and opsgenie).",
    )

    @model_validator(mode="after")
    def _fields_fit_type(self) -> Channel:
        required = {
            "pagerduty": ("routing_key_file",),
            "opsgenie": ("api_key_file",),
            "webhook": ("url",),
            "email": ("to",),
        }[self.type]
        missing = [name for name in required if getattr(self, name) is None]
        if missing:
            raise ValueError(f"a {self.type} channel needs {', '.join(missing)}")
        allowed = (
            set(required)
            | {"type", "service", "pages"}
            | ({"credentials_file"} if self.type == "webhook" else set())
        )
        foreign = sorted(n for n in self.model_fields_set if n not in allowed)
        if foreign:
            raise ValueError(
                f"{', '.join(foreign)} does not apply to a {self.type} channel "
                f"(allowed: {', '.join(sorted(allowed))})"
            )
        return self


class Smtp(Model):
    """How Alertmanager sends e-mail; the password comes from a file."""

    smarthost: str = Field(
        pattern=r"^[A-Za-z0-9.-]+:[0-9]{1,5}$", description="host:port of the SMTP relay."
    )
    sender: Email = Field(alias="from", description="From address.")
    auth_username: str | None = None
    auth_password_file: SecretFile | None = None
    require_tls: bool = True


class Team(Model):
    """A team that owns areas; it can send some levels to its own channels."""

    notify: dict[Level, list[ChannelName]] = Field(
        default_factory=dict, description="Per-level channels replacing the plan's defaults."
    )


class Inhibition(Model):
    """While an alert matching `source` fires, silence alerts matching `target`."""

    name: str
    source: dict[LabelName, str] = Field(min_length=1)
    target: dict[LabelName, str] = Field(min_length=1)
    equal: list[LabelName] = Field(default_factory=list)


class Rotation(Model):
    """Who is on call."""

    primary: str = Field(description="Schedule (or user) of the primary on-call engineer.")
    secondary: str = Field(description="Schedule (or user) of the secondary (backup) engineer.")
    handoff: str = Field("mon 09:00", description="When the rotation hands over.")
    secondary_after: Duration = Field(
        "15m", description="When the secondary is paged if the primary has not acknowledged."
    )


class Escalation(Model):
    """One step of the escalation policy: if nobody acts within `after`, page `to`."""

    after: Duration = Field(description="Time since the alert started, e.g. 30m.")
    to: str = Field(description="Who is paged: the paging provider's user or schedule id.")
    kind: Literal["user", "schedule"] = "user"


class OnCall(Model):
    """Rotation and escalation; rendered for the paging provider, not for Alertmanager."""

    rotation: Rotation
    escalation: list[Escalation] = Field(default_factory=list)


class Series(Model):
    """One input series for generated tests. `value` (a gauge) or `rate` (a counter, per
    second) is arithmetic over `v`, the value the metric should take: e.g. `rate: "1 - v"`."""

    series: str = Field(
        min_length=1, description='Series in promtool notation: name{label="value", ...}.'
    )
    value: str | None = Field(None, description="Gauge value as a function of v.")
    rate: str | None = Field(None, description="Counter increase per second as a function of v.")

    @model_validator(mode="after")
    def _one_kind(self) -> Series:
        if (self.value is None) == (self.rate is None):
            raise ValueError("give exactly one of value (a gauge) or rate (a counter)")
        return self


class Fixture(Model):
    """Raw exporter series that make a metric take a chosen value `v` in generated tests."""

    series: list[Series] = Field(min_length=1)
    labels: dict[LabelName, str] = Field(
        default_factory=dict, description="Labels of the metric's result series."
    )
    range: tuple[float, float] | None = Field(
        None,
        strict=False,
        description="Values the metric can take, e.g. [0, 1] for a ratio (default: from the unit).",
    )


class AbsentGuard(Model):
    """Alert when the metric's source series disappears (an `absent()` alert)."""

    selector: str = Field(min_length=1, description="Series selector that must exist.")
    for_: Duration = Field("10m", alias="for")
    severity: Level = "P2"


class PanelSpec(Model):
    """How a metric appears on dashboards."""

    type: Literal["timeseries", "stat", "gauge"] = "timeseries"
    dashboard: Slug | None = Field(
        None, description="Dashboard to put it on (default: the area's)."
    )
    min: float | None = None
    max: float | None = None
    hide: bool = Field(False, description="Keep the metric off every dashboard.")


class Grafana(Model):
    """Where Grafana and its data sources live (provisioning and alert links)."""

    url: Url = Field(description="Grafana base URL; alerts link to their panel.")
    prometheus_url: Url = "http://prometheus:9090"
    elasticsearch_url: Url | None = None
    folder: str = "Monitoring"


class Dashboard(Model):
    """An extra dashboard made of named metrics."""

    title: str
    metrics: list[MetricName] = Field(
        default_factory=list,
        description="Metrics shown here besides those whose panel names this dashboard.",
    )


class Metric(Model):
    """A named signal: a PromQL expression that alerts and dashboards refer to."""

    area: Slug
    expr: str = Field(min_length=1, description="PromQL giving the signal's value.")
    unit: str = Field("short", description="Grafana unit (percentunit, s, ms, bytes, reqps, ...).")
    record: RecordName | None = Field(
        None, description="Record the expression under this name; alerts then use the record."
    )
    description: str = ""
    legend: str | None = Field(None, description="Grafana legend, e.g. '{{instance}}'.")
    labels: dict[LabelName, str] = Field(
        default_factory=dict,
        description="Labels of the metric's series in record-level "
        "tests (when there is no fixture).",
    )
    fixture: Fixture | None = Field(None, description="Raw series for generated tests.")
    job: Slug | None = Field(
        None, description='Scrape job providing it (default: the job="..." in its expression).'
    )
    panel: PanelSpec = Field(default_factory=PanelSpec)
    absent: AbsentGuard | None = Field(
        None, description="Mark the metric critical: alert when its source series is absent."
    )


class AlertTests(Model):
    """Inputs for a raw (expr) alert's generated tests; series use constants, not `v`."""

    firing: list[Series] = Field(min_length=1)
    quiet: list[Series] = Field(min_length=1)
    labels: dict[LabelName, str] = Field(
        default_factory=dict, description="Labels of the firing series."
    )
    value: float | None = Field(None, description="The firing value, when annotations show $value.")


class Alert(Model):
    """An alert: a threshold on a named metric, or a raw PromQL condition."""

    name: AlertName
    metric: MetricName | None = Field(None, description="Threshold alert: the metric compared.")
    op: Comparison | None = Field(None, description="Threshold alert: the comparison.")
    threshold: float | None = Field(None, description="Threshold alert: the value compared to.")
    expr: str | None = Field(None, min_length=1, description="Raw alert: the whole condition.")
    guard: str | None = Field(
        None,
        min_length=1,
        description="Extra condition joined with `and`, e.g. a low-traffic guard.",
    )
    area: Slug | None = Field(
        None, description="Raw alerts: the area (threshold alerts use their metric's area)."
    )
    for_: Duration = Field("0s", alias="for", description="How long the condition must hold.")
    keep_firing_for: Duration | None = None
    severity: Level
    summary: str = Field(min_length=1)
    description: str = ""
    runbook: Url | None = None
    service: str | None = Field(None, description="Service the alert is about (`service` label).")
    team: Slug | None = Field(None, description="Owning team; defaults to the area's team.")
    labels: dict[LabelName, str] = Field(default_factory=dict)
    annotations: dict[LabelName, str] = Field(default_factory=dict)
    match: dict[LabelName, str] = Field(
        default_factory=dict,
        description="Threshold alerts on a recorded metric: only the "
        "series with these label values, e.g. {destination_service_name: checkout}.",
    )
    tests: AlertTests | None = Field(None, description="Raw alerts: inputs for generated tests.")

    @model_validator(mode="after")
    def _one_form(self) -> Alert:
        threshold_form = (self.metric, self.op, self.threshold)
        if self.expr is None and None in threshold_form:
            raise ValueError(
                "give either metric, op and threshold (a threshold alert) or expr (a raw alert)"
            )
        if self.expr is not None and any(v is not None for v in threshold_form):
            raise ValueError(
                "expr cannot be combined with metric, op or threshold: choose one form"
            )
        if self.expr is not None and self.area is None:
            raise ValueError("a raw (expr) alert needs an area")
        return self


class SloSli(Model):
    """Error and total event queries; `{{.window}}` stands for the rate window."""

    errors: str = Field(min_length=1)
    total: str = Field(min_length=1)


class SloFixture(Model):
    """Raw series that make the SLI's error ratio take the value `v` in generated tests."""

    series: list[Series] = Field(min_length=1)


class SloAlerting(Model):
    """Which levels the burn-rate alerts use."""

    name: AlertName
    page: Level = "P1"
    ticket: Level = "P4"
    runbook: Url | None = None


class Slo(Model):
    """A service level objective with multi-window, multi-burn-rate alerts."""

    service: Slug
    name: Slug = "availability"
    objective: float = Field(gt=0, lt=100, description="Percentage of good events, e.g. 99.9.")
    window: Duration = "30d"
    description: str = ""
    sli: SloSli
    alerting: SloAlerting
    min_events: float | None = Field(
        None,
        ge=0,
        description="Low-traffic guard: the alerts need at least this many events per second.",
    )
    fixture: SloFixture = Field(description="Series making the error ratio `v` in tests.")


class TimeRange(Model):
    """A time of day range, Alertmanager style."""

    start: ClockTime
    end: ClockTime


class MaintenanceWindow(Model):
    """A recurring window in which the named levels are muted."""

    name: Slug
    weekdays: list[str] = Field(default_factory=list)
    days_of_month: list[str] = Field(default_factory=list)
    months: list[str] = Field(default_factory=list)
    times: list[TimeRange] = Field(default_factory=list)
    location: str = "UTC"
    mute: list[Level] = Field(min_length=1)
    areas: list[Slug] = Field(
        default_factory=list, description="Limit the mute to these areas (default: all)."
    )


class HotPhase(Model):
    """Where new logs are written; rolled over by size or age."""

    max_age: Duration = "1d"
    max_size: ByteSize = "50gb"


class Retention(Model):
    """Index lifecycle of a log class: hot, then warm, optional cold, then delete."""

    hot: HotPhase = Field(default_factory=HotPhase)
    warm_after: Duration | None = Field(None, description="Move to warm this long after rollover.")
    cold_after: Duration | None = None
    delete_after: Duration


class LogClass(Model):
    """A class of logs with its own data streams and retention."""

    description: str = ""
    retention: Retention
    audit: bool = Field(False, description="Compliance logs: must be kept longest of all.")


class DropRule(Model):
    """Drop events whose `field` equals `equals` or matches the regular expression `matches`."""

    field: str = Field(
        pattern=r"^(\[[A-Za-z0-9_@.-]+\])+$",
        description="Logstash field reference, e.g. [url][path].",
    )
    equals: str | None = None
    matches: str | None = None

    @model_validator(mode="after")
    def _one_test(self) -> DropRule:
        if (self.equals is None) == (self.matches is None):
            raise ValueError("give exactly one of equals or matches")
        return self


class LogSource(Model):
    """One service's logs: how to parse them and which class they belong to."""

    service: Slug
    format: Literal["json", "ecs", "envoy", "nginx", "grok"]
    log_class: str = Field("application", alias="class")
    pattern: str | None = Field(None, description="grok: the pattern for `message`.")
    timestamp_field: str | None = Field(None, description="Field holding the event time.")
    timestamp_format: str = Field("ISO8601", description="Logstash date format of it.")
    drop: list[DropRule] = Field(default_factory=list)


class SecurityRule(Model):
    """Events matching this go to the security class, wherever they came from."""

    name: str
    field: str = Field(pattern=r"^(\[[A-Za-z0-9_@.-]+\])+$")
    matches: str = Field(min_length=1, description="Regular expression.")


class LogOutput(Model):
    """The Elasticsearch cluster; credentials only as ${ENV} or keystore references."""

    hosts: list[Url] = Field(min_length=1)
    user: EnvRef = "${ES_USER}"
    password: EnvRef = "${ES_PASSWORD}"
    ca_file: SecretFile | None = None


class Logging(Model):
    """Log shipping, parsing, classes and retention (ELK)."""

    environment: Slug = "production"
    match_field: str = Field(
        "[kubernetes][labels][app]",
        pattern=r"^(\[[A-Za-z0-9_@.-]+\])+$",
        description="Event field naming the service (set by Filebeat's Kubernetes metadata).",
    )
    beats_port: int = Field(5044, ge=1, le=65535)
    pipeline_dir: str = "/usr/share/logstash/pipeline"
    output: LogOutput
    classes: dict[Slug, LogClass] = Field(min_length=1)
    sources: list[LogSource] = Field(min_length=1)
    security: list[SecurityRule] = Field(default_factory=list)
    security_class: Slug = "security"


class KubernetesDiscovery(Model):
    """How Prometheus finds a job's targets in Kubernetes (kubernetes_sd_configs)."""

    role: Literal["node", "pod", "endpoints", "service"] = "endpoints"
    namespaces: list[Slug] = Field(default_factory=list, description="Default: all.")
    service: str | None = Field(None, description="endpoints: keep this Service's endpoints.")
    port: str | None = Field(None, description="Keep the endpoint or container port of this name.")
    labels: dict[str, str] = Field(
        default_factory=dict,
        description="pod: keep pods with these labels (values are regular expressions).",
    )


class Job(Model):
    """A scrape job the plan relies on; a scrape-health alert is generated for it."""

    area: Slug
    severity: Level = "P2"
    for_: Duration = Field("5m", alias="for")
    description: str = ""
    kubernetes: KubernetesDiscovery | None = None
    static: list[str] = Field(default_factory=list, description="host:port targets.")
    interval: Duration | None = Field(None, description="Scrape interval (default: global).")
    timeout: Duration | None = None
    metrics_paths: list[str] = Field(
        default_factory=lambda: ["/metrics"],
        min_length=1,
        description="One scrape config per path, all labelled "
        "with this job and a metrics_path label.",
    )
    scheme: Literal["http", "https"] = "http"
    honor_labels: bool = Field(
        False,
        description="Keep the target's own namespace/pod labels (kube-state-metrics, federation).",
    )
    ca_file: SecretFile | None = None
    bearer_token_file: SecretFile | None = None

    @model_validator(mode="after")
    def _one_discovery(self) -> Job:
        if (self.kubernetes is None) == (not self.static):
            raise ValueError(
                "give exactly one of kubernetes (service discovery) or static (targets)"
            )
        return self


class Probe(Model):
    """A user-facing endpoint probed by blackbox_exporter (job `blackbox`)."""

    name: Slug
    target: str = Field(
        min_length=1, description="URL (http), host:port (tcp) or a DNS server host:port (dns)."
    )
    module: Literal["http", "tcp", "dns"] = "http"
    expect_status: list[int] = Field(
        default_factory=list, description="http: accepted status codes (default 2xx)."
    )
    query_name: str | None = Field(None, description="dns: the name to resolve.")


class RemoteWrite(Model):
    """A long-term store (Thanos receive, Mimir); credentials by file only."""

    url: Url
    username: str | None = None
    password_file: SecretFile | None = None
    bearer_token_file: SecretFile | None = None


class PrometheusServer(Model):
    """The Prometheus server configuration."""

    scrape_interval: Duration = "30s"
    scrape_timeout: Duration = "10s"
    evaluation_interval: Duration = "30s"
    external_labels: dict[LabelName, str] = Field(default_factory=dict)
    alertmanagers: list[str] = Field(default_factory=lambda: ["alertmanager:9093"], min_length=1)
    blackbox_exporter: str = "blackbox-exporter:9115"
    remote_write: list[RemoteWrite] = Field(default_factory=list)


class AlertOverride(Model):
    """An environment's changes to one alert."""

    threshold: float | None = None
    for_: Duration | None = Field(None, alias="for")
    severity: Level | None = None


class LevelOverride(Model):
    """An environment's channels for one level."""

    notify: list[ChannelName] = Field(min_length=1)


class Environment(Model):
    """A deployment (staging, production) and how it differs from the plan."""

    pages: bool | None = Field(
        None,
        description="Whether paging channels (pagerduty, opsgenie "
        "and channels marked pages: true) are used; default: only in "
        "production.",
    )
    alerts: dict[AlertName, AlertOverride] = Field(default_factory=dict)
    severities: dict[Level, LevelOverride] = Field(default_factory=dict)
    retention: dict[Slug, Retention] = Field(
        default_factory=dict, description="Log class -> retention replacing the plan's."
    )
    external_labels: dict[LabelName, str] = Field(default_factory=dict)


class KubernetesOutput(Model):
    """PrometheusRule (and AlertmanagerConfig) objects for the Prometheus Operator."""

    namespace: Slug = "monitoring"
    labels: dict[str, str] = Field(
        default_factory=dict,
        description="Labels the operator's ruleSelector matches, e.g. release: kube-prometheus.",
    )
    alertmanager_config: bool = Field(
        False, description="Also render the routing as an AlertmanagerConfig object."
    )
    secret: Slug = Field(
        "alertmanager-secrets",
        description="Kubernetes Secret holding the files the plan references, keyed by file name.",
    )


class ThanosOutput(Model):
    """Rule files for the Thanos ruler."""

    partial_response_strategy: Literal["warn", "abort"] = "abort"


class Outputs(Model):
    """Optional outputs for other rule engines (opt-in)."""

    kubernetes: KubernetesOutput | None = None
    mimir: bool = Field(
        False, description="mimirtool rules load files, one namespace per team (or area)."
    )
    thanos: ThanosOutput | None = None


class AlertSet(Model):
    """One alert per item (service, queue, ...) on a recorded metric: shared defaults, and
    per-item overrides. `{item}` and `{Item}` (CamelCase) in name, summary and description
    stand for the item."""

    name: str = Field(
        pattern=r"^[A-Z{][A-Za-z0-9{}]*$",
        description="Alert name template, e.g. {Item}ErrorRateHigh.",
    )
    for_each: list[Slug] = Field(min_length=1)
    label: LabelName = Field(description="The label whose value is the item.")
    metric: MetricName
    op: Comparison
    threshold: float
    for_: Duration = Field("0s", alias="for")
    severity: Level
    summary: str = Field(min_length=1)
    description: str = ""
    runbook: Url | None = None
    guard: str | None = None
    service: bool = Field(True, description="Set the `service` label to the item.")
    overrides: dict[Slug, AlertOverride] = Field(default_factory=dict)


class Plan(Model):
    """The whole monitoring plan."""

    version: Literal[1]
    platform: Slug
    include: list[str] = Field(
        default_factory=list,
        description="Team files to merge in, relative to the plan: plan.d/*.yaml.",
    )
    areas: dict[Slug, Area]
    severities: Severities
    channels: dict[ChannelName, Channel]
    oncall: OnCall | None = None
    smtp: Smtp | None = None
    grafana: Grafana | None = None
    dashboards: dict[Slug, Dashboard] = Field(default_factory=dict)
    teams: dict[Slug, Team] = Field(default_factory=dict)
    inhibitions: list[Inhibition] = Field(default_factory=list)
    prometheus: PrometheusServer = Field(default_factory=PrometheusServer)
    probes: list[Probe] = Field(default_factory=list)
    jobs: dict[Slug, Job] = Field(
        default_factory=dict,
        description="Scrape jobs by their `job` label; each gets a target-down alert.",
    )
    metrics: dict[MetricName, Metric]
    alerts: list[Alert] = Field(default_factory=list)
    alert_sets: list[AlertSet] = Field(default_factory=list)
    slos: list[Slo] = Field(default_factory=list)
    maintenance_windows: list[MaintenanceWindow] = Field(default_factory=list)
    logging: Logging | None = None
    outputs: Outputs = Field(default_factory=Outputs)
    environments: dict[Slug, Environment] = Field(
        default_factory=dict,
        description="When set, render writes one tree per environment (generated/<env>/).",
    )
