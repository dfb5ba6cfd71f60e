"""Plan variables: `vars: {ingress_gateway: istio-ingressgateway}` makes `{{.ingress_gateway}}`
stand for that value in every string of the plan (selectors, fixtures, descriptions).

Substituted in the parsed data before validation, so the validated plan holds plain values and
every later step sees what Prometheus will see. `{{.window}}` is the SLO rate window and is left
alone; any other `{{.name}}` that `vars` does not define is an error at its position.
"""

from __future__ import annotations

import re
from typing import Any

from eyewatch_gen.plan.source import Source
from eyewatch_gen.plan.validate import suggest
from eyewatch_gen.problems import Path, PlanError, Problem

_REFERENCE = re.compile(r"\{\{\s*\.([a-z][a-z0-9_]*)\s*\}\}")
RESERVED = ("window",)


def expand(source: Source) -> Source:
    """`source` with every `{{.name}}` of its `vars` replaced (unchanged without references)."""
    data = source.data
    if not isinstance(data, dict):
        return source
    values = data.get("vars") or {}
    if not isinstance(values, dict) or not all(isinstance(v, str) for v in values.values()):
        return source  # validation reports the malformed section
    problems: list[Problem] = []
    expanded = {
        key: (value if key == "vars" else _walk(value, (key,), values, source, problems))
        for key, value in data.items()
    }
    if problems:
        raise PlanError(problems)
    return Source(source.file, expanded, source.positions)


def _walk(
    value: Any, path: Path, values: dict[str, str], source: Source, problems: list[Problem]
) -> Any:
    if isinstance(value, str):
        return _substitute(value, path, values, source, problems)
    if isinstance(value, dict):
        return {k: _walk(v, (*path, k), values, source, problems) for k, v in value.items()}
    if isinstance(value, list):
        return [_walk(v, (*path, i), values, source, problems) for i, v in enumerate(value)]
    return value


def _substitute(
    text: str, path: Path, values: dict[str, str], source: Source, problems: list[Problem]
) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in values:
            return values[name]
        if name not in RESERVED:
            problems.append(
                source.problem(
                    path,
                    f"{{{{.{name}}}}} is not defined in vars{suggest(name, values)} "
                    f"(defined: {', '.join(sorted(values)) or 'none'})",
                    "plan/unknown-var",
                )
            )
        return match.group(0)

    return _REFERENCE.sub(replace, text) if "{{" in text else text
