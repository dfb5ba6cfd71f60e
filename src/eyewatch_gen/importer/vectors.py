"""The values of steady-state evaluation: input series, samples, range windows."""

from __future__ import annotations

from dataclasses import dataclass, field

Labels = tuple[tuple[str, str], ...]  # sorted, `__name__` included while it lasts
NAME = "__name__"


class UnsteadyError(ValueError):
    """The expression has no single steady value over constant gauges and counters."""


@dataclass(frozen=True)
class Input:
    """One input series: a gauge `amount` or a counter growing `amount` per second."""

    name: str
    labels: dict[str, str]
    counter: bool
    amount: float


@dataclass(frozen=True)
class Sample:
    """One series of an instant vector."""

    labels: Labels
    value: float

    def label(self, name: str) -> str:
        """The value of label `name` ("" when absent, as in PromQL)."""
        return dict(self.labels).get(name, "")


@dataclass(frozen=True)
class Window:
    """A range vector: the selected inputs and the window length in seconds."""

    inputs: tuple[Input, ...]
    seconds: float
    absent: dict[str, str] = field(default_factory=dict)  # what absent_over_time() returns


Value = float | list[Sample] | Window | str


def labels_of(sample: Sample) -> dict[str, str]:
    """A sample's labels without the metric name (what an alert carries)."""
    return {k: v for k, v in sample.labels if k != NAME}


def make_labels(labels: dict[str, str]) -> Labels:
    return tuple(sorted((k, v) for k, v in labels.items() if v != ""))


def vector(value: Value) -> list[Sample]:
    if not isinstance(value, list):
        raise UnsteadyError("expected an instant vector")
    return value


def scalar(value: Value) -> float:
    if not isinstance(value, float):
        raise UnsteadyError("expected a number")
    return value


def window(value: Value) -> Window:
    if not isinstance(value, Window):
        raise UnsteadyError("expected a range vector")
    return value


def drop_name(labels: Labels) -> Labels:
    return tuple((k, v) for k, v in labels if k != NAME)
