"""Valid plan names from the names rules already have, deterministically.

An alert keeps its name when the plan accepts it (`KubePodCrashLooping`); otherwise each run
of letters and digits is capitalised (`Host-high-cpu` -> `HostHighCpu`, `Istio[5xx]errors`
-> `Istio5xxErrors`) and the original is kept in the alert's `original_name` label, so
silences and dashboards can be migrated. The same name given twice (a warning and a critical
alert, as community rules often do) gets its severity appended to the second.
"""

from __future__ import annotations

import re
import unicodedata

ALERT_NAME = re.compile(r"[A-Z][A-Za-z0-9]{0,127}")
RECORD_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*(:[a-zA-Z0-9_]+)+")
LABEL_NAME = re.compile(r"[a-zA-Z][a-zA-Z0-9_]{0,127}")
SLUG = re.compile(r"[a-z][a-z0-9-]{0,62}")
ORIGINAL_NAME = "original_name"


def ascii_text(text: str) -> str:
    """`text` with accents dropped (`ünïcode` -> `unicode`), other non-ASCII removed."""
    decomposed = unicodedata.normalize("NFKD", text)
    return decomposed.encode("ascii", "ignore").decode()


def alert_name(original: str) -> str:
    """`original` if the plan accepts it as an alert name, else its CamelCase form."""
    if ALERT_NAME.fullmatch(original):
        return original
    parts = [p for p in re.split(r"[^A-Za-z0-9]+", ascii_text(original)) if p]
    name = "".join(p[:1].upper() + p[1:] for p in parts) or "Imported"
    if not name[0].isalpha():
        name = "Alert" + name
    return name[:128]


def metric_name(text: str) -> str:
    """A snake_case metric name: `HostHighCPULoad` -> `host_high_cpu_load`,
    `instance:node_cpu:rate5m` -> `instance_node_cpu_rate5m`."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", ascii_text(text))
    name = re.sub(r"[^a-z0-9]+", "_", spaced.lower()).strip("_") or "metric"
    if not name[0].isalpha():
        name = "m_" + name
    return name[:128]


def record_name(original: str) -> str:
    """`original` if it is a valid recording rule name (level:metric:operations), else the
    same under an `imported:` level."""
    if RECORD_NAME.fullmatch(original):
        return original
    cleaned = re.sub(r"[^a-zA-Z0-9_:]+", "_", original).strip("_:") or "record"
    return cleaned if RECORD_NAME.fullmatch(cleaned) else f"imported:{cleaned.replace(':', '_')}"


def label_name(original: str) -> str:
    """A valid label name: leading underscores and other characters dropped."""
    if LABEL_NAME.fullmatch(original):
        return original
    cleaned = re.sub(r"[^a-zA-Z0-9_]+", "_", original).lstrip("_0123456789") or "label"
    return cleaned[:128]


def slug(text: str, fallback: str = "imported") -> str:
    """A plan slug (lower-case letters, digits, `-`): `Kubernetes Apps` -> `kubernetes-apps`."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", ascii_text(text))
    made = re.sub(r"[^a-z0-9]+", "-", spaced.lower()).strip("-")
    if not made or not made[0].isalpha():
        made = f"{fallback}-{made}".strip("-")
    return made[:63].rstrip("-")


def unique(candidates: list[str], taken: set[str], separator: str = "") -> str:
    """The first of `candidates` not yet `taken`, else the first numbered (`x2`, or `x_2`
    with separator `_`); it joins `taken`."""
    numbered = [f"{candidates[0]}{separator}{n}" for n in range(2, 10_000)]
    chosen = next(c for c in [*candidates, *numbered] if c not in taken)
    taken.add(chosen)
    return chosen
