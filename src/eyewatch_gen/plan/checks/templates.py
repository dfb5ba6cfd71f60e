"""Alert annotation and label templates: valid for Prometheus, predictable for tests."""

from __future__ import annotations

from collections.abc import Iterator

from eyewatch_gen.plan import gotemplate
from eyewatch_gen.plan.checks.common import Check
from eyewatch_gen.plan.model import Plan
from eyewatch_gen.plan.source import Source
from eyewatch_gen.problems import Path, Problem

TEMPLATE = "plan/template"


def _templates(plan: Plan, source: Source) -> Iterator[Problem]:
    for i, alert in enumerate(plan.alerts):
        texts = {
            "summary": alert.summary,
            "description": alert.description,
            **{f"annotations.{k}": v for k, v in alert.annotations.items()},
        }
        for key, text in texts.items():
            error = gotemplate.template_error(text)
            if error:
                path: Path = ("alerts", i, *key.split("."))
                yield source.problem(path, f"bad Prometheus template: {error}", TEMPLATE)


def _predictable(plan: Plan, source: Source) -> Iterator[Problem]:
    """Annotation and label templates must be ones generated tests can render exactly."""
    for i, alert in enumerate(plan.alerts):
        texts: dict[tuple[str, ...], str] = {
            ("summary",): alert.summary,
            ("description",): alert.description,
            **{("annotations", k): v for k, v in alert.annotations.items()},
            **{("labels", k): v for k, v in alert.labels.items()},
        }
        if alert.service:
            texts[("service",)] = alert.service
        for key, text in texts.items():
            action = gotemplate.unsupported(text)
            if action and gotemplate.template_error(text) is None:
                yield source.problem(
                    ("alerts", i, *key),
                    f"{action} cannot be checked by generated tests; use {gotemplate.SUPPORTED}",
                    TEMPLATE,
                )


CHECKS: tuple[Check, ...] = (_templates, _predictable)
