"""Selectors and concrete series indexed by metric name and label pair, so that matching one
against thousands of the other looks only at the candidates that can match (linear time)."""

from __future__ import annotations

from eyewatch_gen.promql.selectors import Selector


class SelectorIndex:
    """Selectors by metric name and by one of their equality matchers."""

    def __init__(self) -> None:
        self._keyed: dict[str, dict[tuple[str, str], list[tuple[Selector, str]]]] = {}
        self._open: dict[str, list[tuple[Selector, str]]] = {}

    def add(self, selector: Selector, item: str = "") -> None:
        """Index `selector`, remembering `item` with it."""
        key = _equality(selector)
        if key is None:
            self._open.setdefault(selector.name, []).append((selector, item))
        else:
            self._keyed.setdefault(selector.name, {}).setdefault(key, []).append((selector, item))

    def has_name(self, name: str) -> bool:
        """Whether any selector selects metric `name`."""
        return name in self._open or name in self._keyed

    def matching(self, name: str, labels: dict[str, str] | None) -> list[str]:
        """Items of the selectors matching `name{labels}` (any series of it when None)."""
        keyed = self._keyed.get(name, {})
        if labels is None:
            candidates = [p for group in keyed.values() for p in group]
        else:
            candidates = [p for key in labels.items() for p in keyed.get(key, [])]
        candidates += self._open.get(name, [])
        return [
            item
            for selector, item in candidates
            if labels is None or selector.matches(name, labels)
        ]


class SeriesIndex:
    """Concrete series by name and label pair, for the reverse question."""

    def __init__(self) -> None:
        self._all: dict[str, list[dict[str, str]]] = {}
        self._by_pair: dict[tuple[str, str, str], list[dict[str, str]]] = {}

    def add(self, name: str, labels: dict[str, str]) -> None:
        """Index the series `name{labels}`."""
        self._all.setdefault(name, []).append(labels)
        for label, value in labels.items():
            self._by_pair.setdefault((name, label, value), []).append(labels)

    def contains(self, name: str, labels: dict[str, str]) -> bool:
        """Whether exactly this series is indexed."""
        return any(existing == labels for existing in self._candidates(name, labels))

    def has_name(self, name: str) -> bool:
        """Whether any series of metric `name` is indexed."""
        return name in self._all

    def selected_by(self, selector: Selector) -> bool:
        """Whether `selector` matches an indexed series."""
        key = _equality(selector)
        pool = (
            self._by_pair.get((selector.name, *key), [])
            if key is not None
            else self._all.get(selector.name, [])
        )
        return any(selector.matches(selector.name, labels) for labels in pool)

    def _candidates(self, name: str, labels: dict[str, str]) -> list[dict[str, str]]:
        if labels:
            first = next(iter(labels.items()))
            return self._by_pair.get((name, *first), [])
        return self._all.get(name, [])


def _equality(selector: Selector) -> tuple[str, str] | None:
    for label, op, value in selector.matchers or ():
        if op == "=" and value:
            return (label, value)
    return None
