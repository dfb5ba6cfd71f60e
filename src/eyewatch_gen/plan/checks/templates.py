"""Alert annotation and label templates: valid for Prometheus, predictable for tests."""

from __future__ import annotations

from collections.abc import Iterator

from eyewatch_gen.plan import gotemplate, summaries
from eyewatch_gen.plan.checks.common import Check
from eyewatch_gen.plan.model import Plan
from eyewatch_gen.plan.rules import format_number
from eyewatch_gen.plan.source import Source
from eyewatch_gen.problems import Path, Problem

TEMPLATE = "plan/template"
STATED_THRESHOLD = "plan/stated-threshold"


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


def _stated_thresholds(plan: Plan, source: Source) -> Iterator[Problem]:
    """A summary that states a threshold ("above 80%") must state the alert's own: after
    0.8 -> 0.9, "above 80%" tells the person it wakes the wrong thing."""
    for i, alert in enumerate(plan.alerts):
        if alert.threshold is None or summaries.states(alert.summary, alert.threshold) is not False:
            continue
        shown = ", ".join(repr(text) for text, _, _ in summaries.stated(alert.summary))
        yield source.problem(
            ("alerts", i, "summary"),
            f"says {shown} but the threshold is {alert.op} {format_number(alert.threshold)}; "
            "state the threshold the alert uses (or use {{ $value }} and no number)",
            STATED_THRESHOLD,
            level="warning",
        )


CHECKS: tuple[Check, ...] = (_templates, _predictable, _stated_thresholds)
