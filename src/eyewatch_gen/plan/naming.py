"""Names derived from other names: alert names from slugs, slugs from ids."""

from __future__ import annotations

import re


def camel(name: str) -> str:
    """`kube-state-metrics` -> `KubeStateMetrics`."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[-_]", name) if part)


def slug(text: str) -> str:
    """`eyewearml-Team_Lead` -> `eyewearml-team-lead`: lower case, runs of other characters
    as one `-`."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "step"
