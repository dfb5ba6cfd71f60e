"""Whether a record keeps an alert set's items apart (so their tests may share a group)."""

from __future__ import annotations

import pytest

from eyewatch_gen.promql.partition import keeps_apart


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ('max by (endpoint) (latency_ms{service="s0"})', True),
        ("sum(rate(x[5m])) by (endpoint, le)", True),
        ('histogram_quantile(0.95, sum by (ns, endpoint, le) (rate(b{a="}"}[5m])))', True),
        ("1 - avg without (cpu) (rate(seconds_total[5m]))", True),
        ("rate(x[5m]) / on (endpoint) rate(y[5m])", True),
        ("rate(x[5m]) / rate(y[5m])", True),
        ("sum(rate(x[5m]))", False),
        ("sum without (endpoint) (x)", False),
        ("rate(x[5m]) / on () group_left sum by (endpoint) (rate(x[5m]))", False),
        ("rate(x[5m]) / ignoring (endpoint) rate(y[5m])", False),
        ('label_replace(x, "endpoint", "a", "", "")', False),
        ("topk(3, x)", False),
        ("x or vector(0)", False),
        ("x / scalar(y)", False),
        ('count_values by (endpoint) ("v", x)', False),
    ],
)
def test_keeps_apart(expr: str, expected: bool) -> None:
    assert keeps_apart(expr, "endpoint") is expected
