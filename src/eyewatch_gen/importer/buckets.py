"""Histogram buckets for a test: which bucket series a `histogram_quantile` reads, and
bounds around the values the quantile must take."""

from __future__ import annotations

import math

from eyewatch_gen.importer.label_values import UnsolvableError
from eyewatch_gen.plan.rules import format_number
from eyewatch_gen.promql.parse import Aggregation, Call, Node, Paren, Range, Selector


def bucket_selector(node: Node) -> Selector | None:
    """The bucket series under `sum by (le) (rate(x_bucket[5m]))` and its variants."""
    while isinstance(node, Paren | Aggregation):
        if isinstance(node, Aggregation):
            keeps_le = ("le" in node.labels) != node.without
            if node.op not in ("sum", "max", "min", "avg") or not keeps_le:
                return None
        node = node.expr
    if isinstance(node, Call) and node.name in ("rate", "irate", "increase") and node.args:
        window = node.args[0]
        return window.selector if isinstance(window, Range) else None
    return None


def bounds(quantile: float, targets: list[float]) -> tuple[str, str]:
    """Bucket bounds around the values a quantile must take: the lower below every target,
    the upper far enough above that each target's share of the bucket stays under the
    quantile (so the bucket below holds a non-negative count)."""
    if not targets or min(targets) <= 0 or not 0 < quantile < 1:
        raise UnsolvableError("histogram_quantile() compared with a value that is not positive")
    low = _round(min(targets) / 2, up=False)
    high = _round(low + (max(targets) - low) / (0.8 * quantile), up=True)
    return format_number(low), format_number(high)


def _round(value: float, *, up: bool) -> float:
    """`value` to two significant digits, rounded away from the targets."""
    digits = 1 - math.floor(math.log10(abs(value)))
    scaled = value * 10**digits
    rounded = math.ceil(scaled) if up else math.floor(scaled)
    return float(f"{rounded / 10**digits:.12g}")
