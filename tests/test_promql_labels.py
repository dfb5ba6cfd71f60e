"""Label values quoted and read back, matchers and promtool series text (`promql.labels`)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eyewatch_gen.promql.labels import (
    equality_labels,
    escape,
    label_matchers,
    parse_series,
    series_text,
    unescape,
)
from eyewatch_gen.promql.selectors import selectors

LABEL = st.from_regex(r"[a-zA-Z_][a-zA-Z0-9_]{0,8}", fullmatch=True)


@given(st.text())
def test_unescape_reads_back_what_escape_wrote(value: str) -> None:
    assert unescape(escape(value)) == value


@given(st.dictionaries(LABEL, st.text(), max_size=4))
def test_series_text_parses_back_to_its_labels(labels: dict[str, str]) -> None:
    assert parse_series(series_text("m", labels)) == ("m", labels)


@given(st.dictionaries(LABEL.filter(lambda k: k != "__name__"), st.text(), min_size=1, max_size=4))
def test_matchers_are_read_back_by_the_selector_parser(labels: dict[str, str]) -> None:
    (selector,) = selectors(f"m{label_matchers(labels)}")
    assert selector.matchers == tuple((k, "=", v) for k, v in labels.items())


@pytest.mark.parametrize(
    ("value", "quoted"),
    [
        ('say "hi"', 'say \\"hi\\"'),
        ("C:\\temp", "C:\\\\temp"),
        ("two\nlines", "two\\nlines"),
    ],
    ids=["quote", "backslash", "newline"],
)
def test_escape(value: str, quoted: str) -> None:
    assert escape(value) == quoted


def test_series_text_sorts_labels_and_leaves_a_bare_name_bare() -> None:
    assert series_text("up", {"job": "a", "instance": "b"}) == 'up{instance="b", job="a"}'
    assert series_text("up", {}) == "up"


def test_label_matchers_keep_the_order_given() -> None:
    assert label_matchers({"z": "1", "a": 'x"y'}) == '{z="1", a="x\\"y"}'


def test_equality_labels_are_what_absent_returns() -> None:
    selector = 'm{job="a", code=~"5..", zone!="b", path="/x\\"y"}'
    assert equality_labels(selector) == {"job": "a", "path": '/x"y'}


@pytest.mark.parametrize(
    "value", ["[]", "[5m]", "a [1h] offset 1d", "x]"], ids=["empty", "window", "offset", "lone"]
)
def test_brackets_inside_a_label_value_are_not_windows(value: str) -> None:
    (selector,) = selectors(f"rate(m{label_matchers({'A': value})}[5m])")
    assert selector.matchers == (("A", "=", value),)
