"""Label values for the series a test feeds: a value each matcher accepts (a regex's
literal alternative, a realistic default, a filled-in pattern), and whether one matches;
and the error every part of the solver raises when no series will do."""

from __future__ import annotations

import re


class UnsolvableError(ValueError):
    """No inputs of the supported kinds make the expression take `v`; the message says why."""


#: realistic values for labels the expression does not pin down
DEFAULTS = {
    "instance": "host-1:9100",
    "job": "exporter",
    "namespace": "default",
    "pod": "app-0",
    "container": "app",
    "node": "node-1",
    "device": "sda",
    "mountpoint": "/",
    "fstype": "ext4",
    "deployment": "app",
    "statefulset": "db",
    "daemonset": "agent",
    "persistentvolumeclaim": "data-0",
    "service": "app",
    "cluster": "cluster-1",
    "code": "200",
    "response_code": "200",
    "status_code": "200",
}
CANDIDATES = ("500", "503", "200", "1", "0", "true", "false", "a", "x", "Failed", "other")


def matches(actual: str, op: str, value: str) -> bool:
    if op in ("=", "!="):
        return (actual == value) == (op == "=")
    try:
        return (re.fullmatch(value, actual) is not None) == (op == "=~")
    except re.error:
        return False


def satisfying(name: str, op: str, value: str, current: str) -> str:
    """A value of label `name` that satisfies `name op value`, keeping `current` if it does."""
    if op == "=":
        return value
    if matches(current, op, value):
        return current
    literal, patterned = (literals(value), filled(value)) if op == "=~" else ([], [])
    for candidate in (*literal, DEFAULTS.get(name, ""), *CANDIDATES, *patterned, "value-1"):
        if candidate and matches(candidate, op, value):
            return candidate
    raise UnsolvableError(f"no label value found for {name}{op}{value!r}")


def literals(pattern: str) -> list[str]:
    """The literal alternatives of a regular expression (`Pending|Failed`)."""
    return [a for a in pattern.split("|") if a and re.escape(a) == a.replace("-", "\\-")]


def filled(pattern: str) -> list[str]:
    """The pattern with `.*`, `.+` and `.` filled in (`db-.*` -> `db-`, `5..` -> `5xx`)."""
    filled = pattern.strip("^$").replace(".*", "").replace(".+", "1").replace(".", "x")
    return [filled] if re.fullmatch(r"[\w/:-]+", filled) else []
