"""`promtool test rules` failures read back into what a person can act on: which alert, in
which case of its generated test (quiet, firing, pending), at what time, and which labels and
annotations were expected against what came.

promtool prints each failed check as `alertname: X, time: 13m,` followed by `exp:[...]` and
`got:[...]` lists of `Labels:{...}` / `Annotations:{...}` pairs (Go's quoting, which
`promql.labels` reads).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from eyewatch_gen.promql.labels import MATCHER, unescape

_HEAD = re.compile(r"alertname: ([^,\s]+), time: ([^,\s]+),")
_PAIR = re.compile(r"(Labels|Annotations):(\{.*\})\s*$")


@dataclass(frozen=True)
class Alerted:
    """One alert as promtool shows it."""

    labels: dict[str, str]
    annotations: dict[str, str]


@dataclass(frozen=True)
class Failure:
    """One failed check: the alerts expected and the alerts that came."""

    alert: str
    time: str
    expected: tuple[Alerted, ...]
    got: tuple[Alerted, ...]


def failures(output: str) -> list[Failure]:
    """Every failed alert check in promtool's output, in order."""
    lines = output.splitlines()
    found = []
    for index, line in enumerate(lines):
        head = _HEAD.search(line)
        if head is None:
            continue
        expected, after = _alerts(lines, index + 1, "exp:[")
        got, _ = _alerts(lines, after, "got:[")
        found.append(Failure(head.group(1), head.group(2), expected, got))
    return found


def _alerts(lines: list[str], start: int, opener: str) -> tuple[tuple[Alerted, ...], int]:
    """The alerts listed from the line at `start` (which opens with `opener`), and the
    index of the line after the list."""
    if start >= len(lines) or opener not in lines[start]:
        return (), start
    if lines[start].strip().startswith(opener + "]"):
        return (), start + 1
    pairs: list[dict[str, str]] = []
    index = start + 1
    while index < len(lines) and lines[index].strip() not in ("]", "],"):
        pair = _PAIR.search(lines[index])
        if pair is not None:
            pairs.append(_parse(pair.group(2)))
        index += 1
    alerted = tuple(Alerted(a, b) for a, b in zip(pairs[::2], pairs[1::2], strict=False))
    return alerted, index + 1


def _parse(braces: str) -> dict[str, str]:
    return {name: unescape(value) for name, _, value in MATCHER.findall(braces[1:-1])}


def cases(test_file: Path) -> dict[tuple[str, str], str]:
    """(alert, eval time) -> `quiet`, `firing` or `pending`: what each generated check is."""
    named: dict[tuple[str, str], str] = {}
    seen: set[str] = set()
    for group in yaml.safe_load(test_file.read_text())["tests"]:
        for check in group.get("alert_rule_test", []):
            alert = check["alertname"]
            case = "firing" if check["exp_alerts"] else "pending" if alert in seen else "quiet"
            seen.add(alert)
            named[(alert, str(check["eval_time"]))] = case
    return named


def explain(failure: Failure, case: str | None) -> str:
    """`X at 13m (firing case): ...` saying what differs between expected and got."""
    where = f"{failure.alert} at {failure.time}" + (f" ({case} case)" if case else "")
    expected, got = failure.expected, failure.got
    if not got:
        return f"{where}: expected it firing with {_shown(expected[0])}, got no alert"
    if not expected:
        return f"{where}: expected no alert, got it firing with {_shown(got[0])}"
    if len(expected) != len(got):
        return f"{where}: expected {len(expected)} alerts, got {len(got)}"
    differences = [d for e, g in zip(expected, got, strict=True) if (d := _differences(e, g))]
    return f"{where}: " + ("; ".join(differences) or "expected and got differ in order")


def _differences(expected: Alerted, got: Alerted) -> str:
    parts = [
        _differing("labels", expected.labels, got.labels),
        _differing("annotations", expected.annotations, got.annotations),
    ]
    return "; ".join(p for p in parts if p)


def _differing(kind: str, expected: dict[str, str], got: dict[str, str]) -> str:
    names = sorted(n for n in set(expected) | set(got) if expected.get(n) != got.get(n))
    shown = [f"{n} expected {_value(expected, n)}, got {_value(got, n)}" for n in names]
    return f"{kind}: {', '.join(shown)}" if shown else ""


def _value(values: dict[str, str], name: str) -> str:
    return f'"{values[name]}"' if name in values else "nothing"


def _shown(alerted: Alerted) -> str:
    labels = ", ".join(f'{k}="{v}"' for k, v in sorted(alerted.labels.items()))
    return "{" + labels + "}"
