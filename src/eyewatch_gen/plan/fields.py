"""Constrained field types of the plan model; each error message says what is allowed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    StringConstraints,
    WithJsonSchema,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from eyewatch_gen.plan import durations

Level = Literal["P1", "P2", "P3", "P4"]
LEVELS: tuple[Level, ...] = ("P1", "P2", "P3", "P4")
Comparison = Literal[">", ">=", "<", "<=", "==", "!="]


@dataclass(frozen=True)
class Pattern:
    """`Annotated[str, Pattern(...)]`: the whole string must match `regex`."""

    rule: str
    regex: str
    allowed: str
    secret: bool = False  # never echo the value: it may be a credential

    def __get_pydantic_core_schema__(
        self, source: type[Any], handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        compiled = re.compile(self.regex)

        def check(value: str) -> str:
            if not compiled.fullmatch(value):
                shown = "this value" if self.secret else repr(value[:80])
                raise PydanticCustomError(
                    self.rule,
                    "{shown} is not allowed: {allowed}",
                    {"shown": shown, "allowed": self.allowed},
                )
            return value

        return core_schema.no_info_after_validator_function(check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        result = handler(schema)
        result["pattern"] = f"^(?:{self.regex})$"
        return result


def _check_duration(value: str) -> str:
    if not durations.is_duration(value):
        raise PydanticCustomError(
            "duration",
            "{value} is not a duration ({hint})",
            {"value": repr(value[:80]), "hint": durations.HINT},
        )
    return value


def _at_most(limit: str, reason: str) -> AfterValidator:
    """A validator refusing durations longer than `limit`, saying why."""
    bound = durations.seconds(limit)

    def check(value: str) -> str:
        if durations.seconds(value) > bound:
            raise PydanticCustomError(
                "duration-range",
                "{value} is longer than {limit}: {reason}",
                {"value": repr(value), "limit": limit, "reason": reason},
            )
        return value

    return AfterValidator(check)


_FORMAT = (
    AfterValidator(_check_duration),
    WithJsonSchema(
        {"type": "string", "pattern": durations.PATTERN, "examples": ["30s", "5m", "1h30m"]}
    ),
)
Duration = Annotated[
    str,
    *_FORMAT,
    _at_most("100y", "Prometheus durations end at about 292 years, and no plan needs 100"),
]
HoldDuration = Annotated[
    str,
    *_FORMAT,
    _at_most(
        "7d",
        "each generated promtool test feeds one sample a minute for longer than this (7d is "
        "10,080 samples a series, 99999d would be 144 million); a condition that must hold "
        "for more than a week is a report, not an alert",
    ),
]
ResponseTime = Annotated[
    str,
    *_FORMAT,
    _at_most(
        "30d", "notifications repeat every two thirds of it; a month is the most a level waits"
    ),
]
SloWindow = Annotated[
    str,
    *_FORMAT,
    _at_most("90d", "Prometheus must keep the whole window to compute the SLO (7d to 90d)"),
]
LabelValue = Annotated[str, StringConstraints(min_length=1)]
Threshold = Annotated[
    float,
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number"},
                {
                    "type": "string",
                    "description": "Arithmetic (7*24*60*60) or a number with a unit the "
                    "metric's unit makes unambiguous (85%, 500ms, 7d, 10GiB).",
                },
            ]
        }
    ),
]
Slug = Annotated[
    str,
    Pattern(
        "slug",
        r"[a-z][a-z0-9-]{0,62}",
        "lower-case letters, digits and '-', starting with a letter",
    ),
]
MetricName = Annotated[
    str,
    Pattern(
        "metric-name",
        r"[a-z][a-z0-9_]{0,127}",
        "snake_case: lower-case letters, digits and '_', starting with a letter",
    ),
]
AlertName = Annotated[
    str,
    Pattern(
        "alert-name",
        r"[A-Z][A-Za-z0-9]{0,127}",
        "CamelCase letters and digits, starting with a capital (NodeHighCPU)",
    ),
]
RecordName = Annotated[
    str,
    Pattern(
        "record-name",
        r"[a-zA-Z_][a-zA-Z0-9_]*(:[a-zA-Z0-9_]+)+",
        "a recording rule name level:metric:operations, e.g. instance:node_cpu_utilisation:rate5m",
    ),
]
VarName = Annotated[
    str,
    Pattern(
        "var-name",
        r"(?!window$)[a-z][a-z0-9_]{0,62}",
        "snake_case: lower-case letters, digits and '_' ('window' is the SLO rate window)",
    ),
]
LabelName = Annotated[
    str,
    Pattern(
        "label-name",
        r"[a-zA-Z][a-zA-Z0-9_]{0,127}",
        "a Prometheus label name: letters, digits and '_', starting with a letter",
    ),
]
ChannelName = Annotated[
    str,
    Pattern(
        "channel-name",
        r"[a-z][a-z0-9_-]{0,62}",
        "lower-case letters, digits, '_' and '-', starting with a letter",
    ),
]
SecretFile = Annotated[
    str,
    Pattern(
        "secret-file",
        r"(?!.*/\.\.(?:/|$))/[A-Za-z0-9._/-]+",
        "an absolute path (no `..`) to a file on the host, e.g. /etc/alertmanager/secrets/pd",
        secret=True,  # a key pasted where its file belongs must not be printed back
    ),
]
Url = Annotated[
    str,
    Pattern(
        "url",
        r"https?://[^\s\"'<>\\{}|^`]+",
        "an http:// or https:// URL without spaces, quotes or braces",
        secret=True,  # it may carry a password
    ),
]
EventField = Annotated[
    str,
    Pattern(
        "event-field",
        r"[A-Za-z_@][A-Za-z0-9_@]*(\.[A-Za-z0-9_@-]+){0,9}",
        "a dotted event field name such as event.outcome or kubernetes.labels.app",
    ),
]
HostPort = Annotated[
    str,
    Pattern(
        "host-port",
        r"[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?:[0-9]{1,5}",
        "host:port, e.g. logstash.logging.svc:5044",
    ),
]
KubernetesName = Annotated[
    str,
    Pattern(
        "kubernetes-name",
        r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?",
        "a Kubernetes name: lower-case letters, digits and '-', at most 63",
    ),
]
RunbookRef = Annotated[
    str,
    Pattern(
        "runbook",
        r"[a-z][a-z0-9-]{0,62}|https?://[^\s\"'<>\\{}|^`]+",
        "the name of a guide in runbooks.guides (lower-case letters, digits and '-') or an "
        "http:// or https:// URL",
        secret=True,  # a URL may carry a password
    ),
]
Email = Annotated[
    str,
    Pattern(
        "email",
        r"[^@\s\"'<>,]+@[^@\s\"'<>,]+\.[^@\s\"'<>,]+",
        "one e-mail address, e.g. oncall@example.com",
    ),
]
ClockTime = Annotated[
    str,
    Pattern(
        "clock-time",
        r"([01][0-9]|2[0-3]):[0-5][0-9]|24:00",
        "a 24-hour time HH:MM, e.g. 02:00 (24:00 ends a day)",
    ),
]
ByteSize = Annotated[
    str,
    Pattern(
        "byte-size",
        r"[1-9][0-9]*(b|kb|mb|gb|tb|pb)",
        "an Elasticsearch byte size such as 50gb or 500mb",
    ),
]
EnvRef = Annotated[
    str,
    Pattern(
        "secret-reference",
        r"\$\{[A-Za-z_][A-Za-z0-9_.]*\}",
        "a ${NAME} reference to an environment variable or Logstash keystore entry; never a "
        "literal credential",
        secret=True,
    ),
]
