"""The backtest's arithmetic: `for` and `keep_firing_for` applied as the rule manager does
(`verify.episodes`), windows on the evaluation grid cut into chunks the server accepts, and
records written out so history does not depend on when rules were deployed (`verify.inline`)."""

from __future__ import annotations

from itertools import pairwise

import pytest

from eyewatch_gen.plan.rules import RecordingRule
from eyewatch_gen.verify.backtest import MAX_POINTS, chunks, window
from eyewatch_gen.verify.episodes import Episode, episodes, runs
from eyewatch_gen.verify.inline import inline

STEP = 30.0


def _held(*spans: tuple[int, int]) -> list[float]:
    """Evaluation times (seconds) at which the condition held: [first, last] spans in steps."""
    return [float(t * STEP) for first, last in spans for t in range(first, last + 1)]


@pytest.mark.parametrize(
    ("spans", "hold", "keep", "expected"),
    [
        ([(10, 10)], 0, 0, [Episode(300, 330)]),
        ([(10, 14)], 300, 0, []),
        ([(10, 29)], 300, 0, [Episode(600, 900)]),
        ([(10, 29), (40, 49)], 300, 0, [Episode(600, 900)]),
        ([(10, 11), (16, 17)], 0, 600, [Episode(300, 1140)]),
        ([(10, 11), (60, 61)], 0, 600, [Episode(300, 960), Episode(1800, 2460)]),
        ([(10, 13)], 60, 0, [Episode(360, 420)]),
        ([(100, 120)], 0, 0, [Episode(3000, 3600, open=True)]),
    ],
    ids=[
        "one-evaluation-fires-for-one-step",
        "shorter-than-for-never-fires",
        "longer-than-for-fires-after-for",
        "second-run-too-short-for-for",
        "keep-firing-bridges-a-short-gap",
        "keep-firing-ends-after-a-long-gap",
        "for-rounds-up-to-an-evaluation",
        "still-firing-at-the-end",
    ],
)
def test_episodes(
    spans: list[tuple[int, int]], hold: float, keep: float, expected: list[Episode]
) -> None:
    assert episodes(_held(*spans), STEP, hold, keep, end=3600) == expected


def test_runs_split_at_a_missing_evaluation() -> None:
    assert list(runs(_held((1, 3), (5, 5)), STEP)) == [(30, 90), (150, 150)]


def test_window_is_on_the_evaluation_grid() -> None:
    assert window(now=1000.0, seconds=300, step=STEP) == (690.0, 990.0)


def test_a_week_at_30s_is_cut_into_chunks_within_the_limit() -> None:
    start, end = 0.0, 7 * 86400.0
    parts = chunks(start, end, STEP)
    assert len(parts) == 2
    assert parts[0][0] == start and parts[-1][1] == end
    assert all((b - a) / STEP + 1 <= MAX_POINTS for a, b in parts)
    assert all(nxt[0] - prev[1] == STEP for prev, nxt in pairwise(parts))
    points = sum((b - a) / STEP + 1 for a, b in parts)
    assert points == (end - start) / STEP + 1


def test_inline_writes_out_records_filters_labels_and_keeps_ranges() -> None:
    records = {
        "job:errors:ratio": [RecordingRule("job:errors:ratio", "sum by (job) (rate(e[5m]))", "m")],
        "slo:x": [
            RecordingRule("slo:x", "a", "s", {"slo": "one"}),
            RecordingRule("slo:x", "b", "s", {"slo": "two"}),
        ],
    }
    assert inline('job:errors:ratio{job="api"} > 0.1', records) == (
        '((sum by (job) (rate(e[5m]))) and on (job) label_replace(vector(1), "job", "api", '
        '"", "")) > 0.1'
    )
    assert inline('slo:x{slo="two"} > 1', records) == (
        'label_replace((b), "slo", "two", "", "") > 1'
    )
    assert inline("max_over_time(job:errors:ratio[1h])", records) == (
        "max_over_time(job:errors:ratio[1h])"
    )
    assert inline("unknown:record > 1", records) == "unknown:record > 1"
