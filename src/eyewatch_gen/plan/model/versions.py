"""The releases of the monitoring stack the team runs; the output follows them.

Only what changes between the releases named in `FEATURES` depends on these versions; every
other output is the same for all of them. Defaults are the current releases (the Prometheus
Operator v0.94.0 ships Prometheus 3.14 and Alertmanager 0.34).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from eyewatch_gen.plan.fields import Pattern
from eyewatch_gen.plan.model.base import Model

Product = Literal["prometheus", "alertmanager", "operator"]
Feature = Literal[
    "webhook-url-file",
    "fallback-scrape-protocol",
    "endpointslice-by-default",
    "alertmanager-namespace-strategy",
]

#: feature -> (product, first release that has it), what the version setting switches.
FEATURES: dict[Feature, tuple[Product, str]] = {
    "webhook-url-file": ("alertmanager", "0.26"),
    "fallback-scrape-protocol": ("prometheus", "3.0"),
    "endpointslice-by-default": ("prometheus", "3.0"),
    "alertmanager-namespace-strategy": ("operator", "0.84"),
}

Release = Annotated[
    str,
    Pattern(
        "version",
        r"[0-9]+\.[0-9]+(\.[0-9]+)?",
        'a release as MAJOR.MINOR or MAJOR.MINOR.PATCH, quoted: "3.14" (unquoted, 3.10 '
        "would be the number 3.1)",
    ),
]


def release(text: str) -> tuple[int, ...]:
    """`0.25.1` -> (0, 25, 1), comparable with another release."""
    return tuple(int(part) for part in text.split("."))


class Versions(Model):
    """Which releases the team runs. A feature newer than these is a plan error where the
    plan asks for it; output that differs by release follows these."""

    prometheus: Release = Field(
        "3.14", description='Prometheus (and promtool) release, e.g. "3.14" or "2.53".'
    )
    alertmanager: Release = Field("0.34", description='Alertmanager release, e.g. "0.34".')
    operator: Release = Field(
        "0.94", description='Prometheus Operator release (outputs.kubernetes), e.g. "0.94".'
    )

    def of(self, product: Product) -> str:
        """The release of `product`."""
        version: str = getattr(self, product)
        return version

    def has(self, feature: Feature) -> bool:
        """Whether the release the team runs has `feature`."""
        product, first = FEATURES[feature]
        return release(self.of(product)) >= release(first)

    def requirement(self, feature: Feature) -> str:
        """`Alertmanager 0.26 or later (versions.alertmanager is 0.25)`, for messages."""
        product, first = FEATURES[feature]
        name = {"prometheus": "Prometheus", "alertmanager": "Alertmanager"}.get(
            product, "the Prometheus Operator"
        )
        return f"{name} {first} or later (versions.{product} is {self.of(product)})"
