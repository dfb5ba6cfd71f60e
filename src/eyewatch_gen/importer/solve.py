"""Test inputs from an expression's shape: which series, and what value or rate each takes
as a function of `v`, so that the expression evaluates to `v`.

The solver walks the expression from the top with a target (arithmetic over `v`) and inverts
what it meets: `100 - E` makes E `100 - v`, `E * 100` makes it `v / 100`, a ratio of two
series fixes the denominator at 10 and makes the numerator `10 * v`, `rate()` and
`increase()` become counters, `avg_over_time()` and `predict_linear()` gauges, and
`histogram_quantile()` three buckets that interpolate to exactly `v`. What it proposes is only
a proposal: `infer` proves it with `steady` before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from eyewatch_gen.importer.buckets import bounds, bucket_selector
from eyewatch_gen.importer.inversion import (
    FLIPPED,
    TOTAL,
    constant,
    holding,
    is_zero,
    neutral,
    undo_left,
    undo_right,
)
from eyewatch_gen.importer.label_values import (
    CANDIDATES,
    DEFAULTS,
    UnsolvableError,
    literals,
    matches,
    satisfying,
)
from eyewatch_gen.plan import arith, durations
from eyewatch_gen.plan.rules import format_number
from eyewatch_gen.promql.parse import (
    COMPARISONS,
    SET_OPERATORS,
    Aggregation,
    Binary,
    Call,
    Node,
    Number,
    Paren,
    Range,
    Selector,
    Shifted,
    Subquery,
    Unary,
    walk,
)

_COUNTING = ("rate", "irate", "deriv", "increase", "delta")
_GAUGE_FUNCTIONS = (
    "avg_over_time",
    "min_over_time",
    "max_over_time",
    "last_over_time",
    "quantile_over_time",
    "predict_linear",
)
_PASS_THROUGH = ("abs", "clamp", "clamp_min", "clamp_max", "sort", "sort_desc", "label_replace")


@dataclass
class Feed:
    """One proposed input series: a gauge value or counter rate as arithmetic over `v`."""

    name: str
    labels: dict[str, str]
    counter: bool
    expr: str


@dataclass
class Solver:
    """Proposes feeds for one expression. `values` are the values of `v` the tests use (for
    histogram bucket bounds); `numerator_first` picks the order in which a ratio is solved
    (both are tried)."""

    selectors: list[Selector]
    mentioned: set[str]
    values: tuple[float, ...]
    numerator_first: bool = False
    feeds: list[Feed] = field(default_factory=list)

    @classmethod
    def of(cls, nodes: list[Node], mentioned: set[str], values: tuple[float, ...]) -> Solver:
        """A solver for the expressions `nodes` (the condition and any guard)."""
        every = [n for node in nodes for n in walk(node)]
        selectors = [n for n in every if isinstance(n, Selector)]
        return cls(selectors, set(mentioned) | _grouping_labels(every), values)

    # --- making an expression take a value ------------------------------------------

    def solve(self, node: Node, target: str) -> None:
        """Add feeds so that `node` evaluates to `target` (arithmetic over v)."""
        handler = _SOLVERS.get(type(node))
        if handler is None:
            raise UnsolvableError(f"cannot feed {type(node).__name__.lower()} expressions")
        handler(self, node, target)

    def _inner(self, node: Node, target: str) -> None:
        assert isinstance(node, Paren | Shifted)
        self.solve(node.expr, target)

    def _unary(self, node: Node, target: str) -> None:
        assert isinstance(node, Unary)
        self.solve(node.expr, f"-({target})" if node.op == "-" else target)

    def _number(self, node: Node, target: str) -> None:
        raise UnsolvableError("a constant cannot take the value the test needs")

    def _selector(self, node: Node, target: str) -> None:
        assert isinstance(node, Selector)
        self.leaf(node, counter=False, target=target)

    def _aggregation(self, node: Node, target: str) -> None:
        assert isinstance(node, Aggregation)
        if node.op in ("count", "count_values", "group", "stddev", "stdvar"):
            raise UnsolvableError(f"{node.op}() counts or spreads series; it does not follow v")
        self.solve(node.expr, target)

    def _call(self, node: Node, target: str) -> None:
        assert isinstance(node, Call)
        if node.name in _COUNTING:
            self._counting(node, target)
        elif node.name in _GAUGE_FUNCTIONS:
            self._gauge_function(node, target)
        elif node.name in _PASS_THROUGH and node.args:
            self.solve(node.args[0], target)
        elif node.name == "histogram_quantile":
            self._histogram(node, target)
        else:
            raise UnsolvableError(f"{node.name}() does not follow the series it reads")

    def _counting(self, node: Call, target: str) -> None:
        window = node.args[0] if node.args else None
        if not isinstance(window, Range):
            raise UnsolvableError(f"{node.name}() of a subquery")
        fed = [f for f in self.feeds if selects(window.selector, f) and not f.counter]
        if fed and is_zero(target):
            return  # a gauge already fed is constant: its deriv() and delta() are 0
        per_second = target
        if node.name in ("increase", "delta"):
            per_second = f"({target}) / {format_number(durations.seconds(window.window))}"
        self.leaf(window.selector, counter=True, target=per_second)

    def _gauge_function(self, node: Call, target: str) -> None:
        if not node.args:
            raise UnsolvableError(f"{node.name}() without arguments")
        window = node.args[-1] if node.name == "quantile_over_time" else node.args[0]
        if isinstance(window, Subquery):
            self.solve(window.expr, target)
        elif isinstance(window, Range):
            self.leaf(window.selector, counter=False, target=target)
        else:
            raise UnsolvableError(f"{node.name}() needs a range")

    def _binary(self, node: Node, target: str) -> None:
        assert isinstance(node, Binary)
        if node.op in SET_OPERATORS:
            self.solve(node.lhs, target)
            if node.op == "and":
                self.satisfy(node.rhs)
        elif node.op in COMPARISONS:
            self._filter(node, target)
        else:
            self._arithmetic(node, target)

    def _filter(self, node: Binary, target: str) -> None:
        if node.returns_bool:
            raise UnsolvableError("a bool comparison gives 0 or 1, not the value")
        if constant(node.rhs) is not None:
            self.solve(node.lhs, target)
        elif constant(node.lhs) is not None:
            self.solve(node.rhs, target)
        else:
            raise UnsolvableError("a comparison of two series inside the expression")

    def _arithmetic(self, node: Binary, target: str) -> None:
        right, left = constant(node.rhs), constant(node.lhs)
        if right is not None:
            self.solve(node.lhs, undo_right(node.op, target, right))
        elif left is not None:
            self.solve(node.rhs, undo_left(node.op, target, left))
        else:
            self._two_series(node, target)

    def _two_series(self, node: Binary, target: str) -> None:
        known_right, known_left = self.known(node.rhs), self.known(node.lhs)
        if known_right is not None:
            self.solve(node.lhs, undo_right(node.op, target, known_right))
        elif known_left is not None:
            self.solve(node.rhs, undo_left(node.op, target, known_left))
        elif self.numerator_first:
            self.solve(node.lhs, undo_right(node.op, target, neutral(node.op)))
            self.solve(node.rhs, neutral(node.op))
        else:
            self.solve(node.rhs, neutral(node.op))
            fixed = self.known(node.rhs) or neutral(node.op)
            self.solve(node.lhs, undo_right(node.op, target, fixed))

    def drive(self, node: Node) -> tuple[str, float]:
        """Feed a raw condition through its leading comparison, whose left side takes `v`;
        the other conditions (`and ...`) are made to hold. Returns the comparison and the
        threshold that `v` is compared with."""
        if isinstance(node, Paren):
            return self.drive(node.expr)
        if isinstance(node, Binary) and node.op in SET_OPERATORS:
            found = self.drive(node.lhs)
            if node.op == "and":
                self.satisfy(node.rhs)
            return found
        if isinstance(node, Binary) and node.op in COMPARISONS and not node.returns_bool:
            return self._compared(node)
        raise UnsolvableError("the condition has no comparison that decides when it fires")

    def _compared(self, node: Binary) -> tuple[str, float]:
        right, left = constant(node.rhs), constant(node.lhs)
        if right is not None:
            self.solve(node.lhs, "v")
            return node.op, arith.constant(right)
        if left is not None:
            self.solve(node.rhs, "v")
            return FLIPPED[node.op], arith.constant(left)
        self.solve(node.rhs, "1")
        self.solve(node.lhs, "v")
        return node.op, 1.0

    def satisfy(self, node: Node) -> None:
        """Add feeds that make the condition `node` hold (a guard, the right of `and`)."""
        if isinstance(node, Paren):
            self.satisfy(node.expr)
        elif isinstance(node, Binary) and node.op in SET_OPERATORS:
            self.satisfy(node.lhs)
            if node.op == "and":
                self.satisfy(node.rhs)
        elif isinstance(node, Binary) and node.op in COMPARISONS and not node.returns_bool:
            self._hold(node)
        elif isinstance(node, Call) and node.name in ("absent", "absent_over_time"):
            return
        else:
            self.solve(node, "1")

    def _hold(self, node: Binary) -> None:
        right = constant(node.rhs)
        if right is None:
            self.solve(node.rhs, "1")
            right = "1"
        self.solve(node.lhs, format_number(holding(node.op, arith.constant(right))))

    # --- leaves: the series themselves ----------------------------------------------

    def leaf(self, selector: Selector, *, counter: bool, target: str) -> None:
        """Feed `selector` so that what it selects adds up to `target`."""
        existing = [f for f in self.feeds if selects(selector, f)]
        if any(f.counter != counter for f in existing):
            raise UnsolvableError(f"{selector.name} is read both as a counter and as a gauge")
        if not existing:
            self.feeds.append(Feed(selector.name, self.labels_for(selector), counter, target))
            return
        apart = self._distinct(selector, existing)
        if apart is None:
            if len(existing) == 1 and existing[0].expr == target:
                return
            raise UnsolvableError(f"{selector.name} is read twice with values that conflict")
        rest = " + ".join(f"({f.expr})" for f in existing)
        self.feeds.append(Feed(selector.name, apart, counter, f"({target}) - ({rest})"))

    def labels_for(self, selector: Selector) -> dict[str, str]:
        """Labels of a new series that `selector` selects, with defaults for the labels the
        expression groups, joins or prints by."""
        labels = {name: self.default(name) for name in sorted({"instance", "job", *self.mentioned})}
        for name, op, value in selector.matchers:
            labels[name] = satisfying(name, op, value, labels.get(name, ""))
        return {k: v for k, v in labels.items() if v != ""}

    def default(self, name: str) -> str:
        """A value for label `name`: one the expression itself selects (`job="node"`,
        `namespace="shop"`), so joined series line up, else a realistic default."""
        pinned = [v for s in self.selectors for k, op, v in s.matchers if k == name and op == "="]
        if pinned:
            return pinned[0]
        return DEFAULTS.get(name, f"{name.replace('_', '-')}-1")

    def _distinct(self, selector: Selector, existing: list[Feed]) -> dict[str, str] | None:
        """Labels of a further series `selector` selects that another selector of the same
        metric does not (the `code="200"` beside a `code=~"5.."`), or None."""
        taken = [f.labels for f in existing]
        for other in self.selectors:
            if other.name != selector.name or other.matchers == selector.matchers:
                continue
            for name, op, value in other.matchers:
                labels = self._apart(selector, name, op, value)
                if labels is not None and labels not in taken:
                    return labels
        return None

    def _apart(self, selector: Selector, name: str, op: str, value: str) -> dict[str, str] | None:
        own = [v for k, o, v in selector.matchers if k == name and o == "=~"]
        alternatives = [a for pattern in own for a in literals(pattern)]
        for candidate in (self.default(name), *alternatives, *CANDIDATES, ""):
            labels = {**self.labels_for(selector), name: candidate}
            if candidate == "":
                labels.pop(name)
            probe = Feed(selector.name, labels, False, "0")
            if selects(selector, probe) and not matches(labels.get(name, ""), op, value):
                return labels
        return None

    # --- what is known already ------------------------------------------------------

    def known(self, node: Node) -> str | None:
        """The value (arithmetic over v) `node` already has from the feeds, if fixed."""
        if (fixed := constant(node)) is not None:
            return fixed
        if isinstance(node, Paren | Shifted):
            return self.known(node.expr)
        if isinstance(node, Aggregation) and node.op in ("sum", "avg", "min", "max"):
            return self.known(node.expr)
        if isinstance(node, Binary) and node.op in ("+", "-", "*", "/"):
            left, right = self.known(node.lhs), self.known(node.rhs)
            return None if left is None or right is None else f"({left}) {node.op} ({right})"
        return self._known_leaf(node)

    def _known_leaf(self, node: Node) -> str | None:
        selector, scale = _leaf_of(node)
        if selector is None:
            return None
        fed = [f for f in self.feeds if selects(selector, f)]
        if len(fed) != 1:
            return None
        return fed[0].expr if scale == "1" else f"({fed[0].expr}) * {scale}"

    # --- histograms -------------------------------------------------------------------

    def _histogram(self, node: Call, target: str) -> None:
        q = constant(node.args[0]) if len(node.args) == 2 else None
        buckets = bucket_selector(node.args[1]) if q is not None else None
        if q is None or buckets is None:
            raise UnsolvableError("histogram_quantile() over something other than bucket rates")
        quantile = arith.constant(q)
        low, high = bounds(quantile, [arith.evaluate(target, v) for v in self.values])
        share = f"(({target}) - {low}) / ({high} - {low})"
        below = f"{TOTAL} * ({format_number(quantile)} - {share}) / (1 - {share})"
        base = self.labels_for(buckets)
        for bound, rate in ((low, below), (high, TOTAL), ("+Inf", TOTAL)):
            self.feeds.append(Feed(buckets.name, {**base, "le": bound}, True, rate))


def _grouping_labels(nodes: list[Node]) -> set[str]:
    """Labels the expression groups or joins by: series need them to be told apart."""
    labels: set[str] = set()
    for node in nodes:
        if isinstance(node, Aggregation) and not node.without:
            labels |= set(node.labels)
        if isinstance(node, Binary):
            labels |= set(node.matching.labels) | set(node.matching.include)
    return labels - {"le", "__name__"}


def selects(selector: Selector, feed: Feed) -> bool:
    """Whether `selector` selects the series of `feed`."""
    return feed.name == selector.name and all(
        matches(feed.labels.get(k, ""), op, v) for k, op, v in selector.matchers
    )


def _leaf_of(node: Node) -> tuple[Selector | None, str]:
    """The selector a leaf expression reads, and what multiplies its feed's value."""
    if isinstance(node, Selector):
        return node, "1"
    if isinstance(node, Call) and node.args and isinstance(node.args[0], Range):
        window = node.args[0]
        if node.name in ("rate", "irate", "deriv"):
            return window.selector, "1"
        if node.name in ("increase", "delta"):
            return window.selector, format_number(durations.seconds(window.window))
        if node.name in _GAUGE_FUNCTIONS:
            return window.selector, "1"
    return None, "1"


_SOLVERS: dict[type[Node], Callable[[Solver, Node, str], None]] = {
    Paren: Solver._inner,
    Shifted: Solver._inner,
    Unary: Solver._unary,
    Number: Solver._number,
    Selector: Solver._selector,
    Aggregation: Solver._aggregation,
    Call: Solver._call,
    Binary: Solver._binary,
}
